"""Grading a whole class in parallel: `python -m autograder grade-all ASSIGNMENT [--jobs N] [--student ID ...]`.

The class is cut into chunks of a few students, and each chunk is graded by one `nbgrader autograde ASSIGNMENT`
process (the other students excluded), N processes at a time, so the gradebook entries, autograded notebooks and
everything downstream (`generate_feedback`, `export`, the formgrader) are exactly nbgrader's, and the cost of
starting nbgrader is paid once a chunk, not once a student. A chunk that fails is graded again one student at a
time, so one bad submission cannot take its neighbours down with it. A fingerprint of each graded submission is kept beside its autograded copy; a re-run
skips submissions that are unchanged and already in the gradebook, unless --force.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

STATE_FILE = ".grade-all.json"
LOCKED = "database is locked"


@dataclass
class Outcome:
    student: str
    status: str  # "graded", "skipped" or "failed"
    seconds: float = 0.0  # the student's share of its chunk's wall time (the chunk's time / its size)
    score: float | None = None
    max_score: float | None = None
    detail: str = ""


def course_directory(course_dir):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    return CourseDirectory(config=config, root=str(course_dir))


def students_of(course_dir, assignment, wanted=None):
    """Students with a submitted/<student>/<assignment> folder (only those in `wanted`, if given), sorted."""
    submitted = Path(course_dir) / "submitted"
    found = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    if wanted:
        missing = sorted(set(wanted) - set(found))
        if missing:
            raise ValueError(f"no submission of {assignment} for: {', '.join(missing)}")
        found = [s for s in found if s in set(wanted)]
    return found


def fingerprint(folder):
    """sha256 over the relative paths and bytes of every file of a submission folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _gradebook_score(db_url, assignment, student):
    with Gradebook(db_url) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return None, None
        return submission.score, submission.max_score


def _state_path(course_dir, assignment, student):
    return Path(course_dir) / "autograded" / student / assignment / STATE_FILE


def is_up_to_date(course_dir, db_url, assignment, student):
    state = _state_path(course_dir, assignment, student)
    if not state.is_file():
        return False
    recorded = json.loads(state.read_text()).get("fingerprint")
    current = fingerprint(Path(course_dir) / "submitted" / student / assignment)
    return recorded == current and _gradebook_score(db_url, assignment, student)[0] is not None


def grade_chunk(course_dir, assignment, chunk, everyone, tries=5):
    """`nbgrader autograde` for the students of `chunk` in one process; returns (ok, seconds, error lines)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    others = ",".join(s for s in everyone if s not in set(chunk))
    select = [f"--student={chunk[0]}"] if len(chunk) == 1 else [f"--CourseDirectory.student_id_exclude={others}"]
    start = time.monotonic()
    before = {s: fingerprint(Path(course_dir) / "submitted" / s / assignment) for s in chunk}
    for attempt in range(tries):
        done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, *select, "--force",
                               "--log-level=WARN"], cwd=course_dir, capture_output=True, text=True, env=env,
                              check=False)
        log = done.stdout + done.stderr
        if done.returncode == 0 or LOCKED not in log:
            break
        time.sleep(0.5 * (attempt + 1))  # another worker was writing to the SQLite gradebook
    if done.returncode == 0:
        for student, print_ in before.items():
            state = _state_path(course_dir, assignment, student)
            state.parent.mkdir(parents=True, exist_ok=True)
            state.write_text(json.dumps({"fingerprint": print_}))
    errors = "\n".join(line for line in log.splitlines() if "ERROR" in line or "Error" in line)
    return done.returncode == 0, time.monotonic() - start, errors[-800:]


def chunks_of(students, jobs, largest=8):
    """Contiguous chunks, about len/jobs long but at most `largest`, so work spreads and progress shows."""
    if not students:
        return []
    size = max(1, min(largest, -(-len(students) // jobs)))
    return [students[i:i + size] for i in range(0, len(students), size)]


class Progress:
    """A one-line progress bar on a terminal; one line per submission otherwise."""

    def __init__(self, total, stream=sys.stderr):
        self.total, self.done, self.stream = total, 0, stream
        self.tty = hasattr(stream, "isatty") and stream.isatty()

    def step(self, outcome):
        self.done += 1
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        text = (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}  {outcome.student}: "
                f"{outcome.status} ({outcome.seconds:.1f} s)")
        if self.tty:
            self.stream.write("\r" + text.ljust(100) + ("\n" if self.done == self.total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def grade_all(course_dir, assignment, jobs=None, students=None, force=False, progress=True):
    """Grade every submission of `assignment`; returns a list of Outcome in student order."""
    course_dir = Path(course_dir).resolve()
    db_url = course_directory(course_dir).db_url
    everyone = students_of(course_dir, assignment, students)
    outcomes, todo = {}, []
    for student in everyone:
        if not force and is_up_to_date(course_dir, db_url, assignment, student):
            outcomes[student] = Outcome(student, "skipped", detail="unchanged since it was graded")
        else:
            todo.append(student)
    jobs = jobs or os.cpu_count() or 1
    bar = Progress(len(todo)) if progress and todo else None

    def record(chunk, ok, seconds, errors):
        for student in chunk:
            outcomes[student] = Outcome(student, "graded" if ok else "failed", seconds / len(chunk), detail=errors)
            if bar:
                bar.step(outcomes[student])

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(grade_chunk, course_dir, assignment, c, everyone): c for c in chunks_of(todo, jobs)}
        retry = []
        for future in as_completed(futures):
            chunk = futures[future]
            ok, seconds, errors = future.result()
            if ok or len(chunk) == 1:
                record(chunk, ok, seconds, errors)
            else:
                retry += [[student] for student in chunk]
        singles = {pool.submit(grade_chunk, course_dir, assignment, c, everyone): c for c in retry}
        for future in as_completed(singles):
            record(singles[future], *future.result())
    for outcome in outcomes.values():
        outcome.score, outcome.max_score = _gradebook_score(db_url, assignment, outcome.student)
    return [outcomes[s] for s in everyone]


def format_summary(assignment, outcomes, seconds):
    width = max([len("student")] + [len(o.student) for o in outcomes])
    lines = [f"{assignment}: {len(outcomes)} submissions in {seconds:.1f} s",
             f"  {'student':<{width}}  {'score':>11}  {'time*':>7}  status"]
    for o in outcomes:
        score = "-" if o.score is None else f"{o.score:g} / {o.max_score:g}"
        lines.append(f"  {o.student:<{width}}  {score:>11}  {o.seconds:>6.1f}s  {o.status}"
                     + (f": {o.detail.splitlines()[-1][:100]}" if o.status == "failed" and o.detail else ""))
    lines.append("  * time: the student's share of the wall time of its chunk (up to 8 students, one nbgrader run)")
    graded = [o for o in outcomes if o.score is not None]
    if graded:
        mean = sum(o.score for o in graded) / len(graded)
        lines.append(f"  mean {mean:.2f} of {graded[0].max_score:g}; graded {sum(o.status == 'graded' for o in outcomes)}"
                     f", skipped {sum(o.status == 'skipped' for o in outcomes)}, failed "
                     f"{sum(o.status == 'failed' for o in outcomes)}")
    return "\n".join(lines)
