"""Grading a whole class in parallel: `python -m autograder grade-all ASSIGNMENT [--jobs N] [--student ID ...]`.

Each submission is graded by its own `nbgrader autograde ASSIGNMENT --student=ID` process, N at a time, so the
gradebook entries, autograded notebooks and everything downstream (`generate_feedback`, `export`, the formgrader)
are exactly nbgrader's. A fingerprint of each graded submission is kept beside its autograded copy; a re-run
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
    seconds: float = 0.0
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


def grade_one(course_dir, assignment, student, tries=5):
    """`nbgrader autograde` for one student in its own process; returns (ok, seconds, last lines of its log)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    start = time.monotonic()
    folder = Path(course_dir) / "submitted" / student / assignment
    before = fingerprint(folder)
    for attempt in range(tries):
        done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, f"--student={student}",
                               "--force", "--log-level=WARN"], cwd=course_dir, capture_output=True, text=True,
                              env=env, check=False)
        log = done.stdout + done.stderr
        if done.returncode == 0 or LOCKED not in log:
            break
        time.sleep(0.5 * (attempt + 1))  # another worker was writing to the SQLite gradebook
    if done.returncode == 0:
        state = _state_path(course_dir, assignment, student)
        state.parent.mkdir(parents=True, exist_ok=True)
        state.write_text(json.dumps({"fingerprint": before}))
    tail = "\n".join(line for line in log.splitlines() if "[AutogradeApp | ERROR]" in line or "Error" in line)
    return done.returncode == 0, time.monotonic() - start, tail[-800:]


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
    bar = Progress(len(todo)) if progress and todo else None
    with ThreadPoolExecutor(max_workers=jobs or os.cpu_count() or 1) as pool:
        futures = {pool.submit(grade_one, course_dir, assignment, s): s for s in todo}
        for future in as_completed(futures):
            student = futures[future]
            ok, seconds, tail = future.result()
            outcomes[student] = Outcome(student, "graded" if ok else "failed", seconds, detail=tail)
            if bar:
                bar.step(outcomes[student])
    for outcome in outcomes.values():
        outcome.score, outcome.max_score = _gradebook_score(db_url, assignment, outcome.student)
    return [outcomes[s] for s in everyone]


def format_summary(assignment, outcomes, seconds):
    width = max([len("student")] + [len(o.student) for o in outcomes])
    lines = [f"{assignment}: {len(outcomes)} submissions in {seconds:.1f} s",
             f"  {'student':<{width}}  {'score':>11}  {'time':>7}  status"]
    for o in outcomes:
        score = "-" if o.score is None else f"{o.score:g} / {o.max_score:g}"
        lines.append(f"  {o.student:<{width}}  {score:>11}  {o.seconds:>6.1f}s  {o.status}"
                     + (f": {o.detail.splitlines()[-1][:100]}" if o.status == "failed" and o.detail else ""))
    graded = [o for o in outcomes if o.score is not None]
    if graded:
        mean = sum(o.score for o in graded) / len(graded)
        lines.append(f"  mean {mean:.2f} of {graded[0].max_score:g}; graded {sum(o.status == 'graded' for o in outcomes)}"
                     f", skipped {sum(o.status == 'skipped' for o in outcomes)}, failed "
                     f"{sum(o.status == 'failed' for o in outcomes)}")
    return "\n".join(lines)
