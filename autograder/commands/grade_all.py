"""Grading a whole class on Dask: `python -m autograder grade-all ASSIGNMENT [--jobs N | --scheduler URL]`.

The class is cut into chunks of a few students, and each chunk is one task on Dask distributed: a worker runs one
`nbgrader autograde ASSIGNMENT` process for it (the other students excluded), so the gradebook entries, autograded
notebooks and everything downstream (`generate_feedback`, `export`, the formgrader) are exactly nbgrader's, and the
cost of starting nbgrader is paid once a chunk, not once a student. By default the tasks run on a local cluster
(one worker process per core, or --jobs); with --scheduler they run on a cluster started with `dask scheduler` and
`dask worker` on any number of machines that see the course directory at the same path and share one gradebook
(nbgrader's db_url, e.g. PostgreSQL).

A chunk that fails is graded again one student at a time, so one bad submission cannot take its neighbours down
with it. A fingerprint of each graded submission is kept beside its autograded copy once nbgrader has finished it;
a submission counts as graded only with that fingerprint and a complete gradebook entry. So a worker killed in the
middle of a chunk (Dask gives the task to another worker), a lost scheduler (the tasks still missing are submitted
again once it is back), or a database that is briefly unreachable (nbgrader is run again) never leaves a grade
lost or half-written, and a re-run grades only what is missing (or changed), unless --force.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config.loader import PyFileConfigLoader

from ..notebooks import source_notebooks

STATE_FILE = ".grade-all.json"
# What nbgrader prints when the gradebook could not be reached for a moment: worth running the chunk again.
TRANSIENT = ("database is locked", "could not connect to server", "Connection refused",
             "server closed the connection unexpectedly", "terminating connection due to administrator command",
             "the database system is starting up", "the database system is shutting down",
             "connection to server at", "SSL connection has been closed unexpectedly")
PATIENCE = 120.0  # seconds to wait for an unreachable database, scheduler or worker before giving up


class GradeAllError(ValueError):
    """grade-all cannot do its job (no such assignment, no submissions, no cluster): the message says why."""


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


def check_assignment(course_dir, assignment):
    """Raise GradeAllError, listing the known assignments, if `assignment` has no source/ folder."""
    known = list(source_notebooks(course_dir))
    if assignment not in known:
        raise GradeAllError(f"no assignment {assignment!r} in {Path(course_dir) / 'source'}; this course has: "
                            f"{', '.join(known) or 'none'}")


def students_of(course_dir, assignment, wanted=None):
    """Students with a submitted/<student>/<assignment> folder (only those in `wanted`, if given), sorted.
    Raises GradeAllError if there is none, or if a wanted student has none."""
    submitted = Path(course_dir) / "submitted"
    found = sorted(p.parent.name for p in submitted.glob(f"*/{assignment}") if p.is_dir())
    if not found:
        raise GradeAllError(f"no submissions of {assignment}: nothing matches {submitted}/<student>/{assignment}/ "
                            "(collect them first, e.g. `nbgrader collect` or `nbgrader zip_collect`)")
    if wanted:
        missing = sorted(set(wanted) - set(found))
        if missing:
            raise GradeAllError(f"no submission of {assignment} for: {', '.join(missing)}")
        found = [s for s in found if s in set(wanted)]
    return found


def fingerprint(folder):
    """sha256 over the relative paths and bytes of every file of a submission folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _patiently(action, patience=PATIENCE):
    """action(), tried again for up to `patience` seconds while the database cannot be reached."""
    from sqlalchemy.exc import OperationalError

    deadline = time.monotonic() + patience
    while True:
        try:
            return action()
        except OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def gradebook_entry(db_url, assignment, student):
    """(score, max_score, complete) of a student's submission in the gradebook; (None, None, False) if none.
    complete: every graded cell has its score (nbgrader was not stopped half-way through it)."""
    def read():
        with Gradebook(db_url) as gb:
            try:
                submission = gb.find_submission(assignment, student)
            except MissingEntry:
                return None, None, False
            return submission.score, submission.max_score, not submission.needs_manual_grade
    return _patiently(read)


def _state_path(course_dir, assignment, student):
    return Path(course_dir) / "autograded" / student / assignment / STATE_FILE


def is_up_to_date(course_dir, db_url, assignment, student):
    state = _state_path(course_dir, assignment, student)
    if not state.is_file():
        return False
    recorded = json.loads(state.read_text()).get("fingerprint")
    current = fingerprint(Path(course_dir) / "submitted" / student / assignment)
    return recorded == current and gradebook_entry(db_url, assignment, student)[2]


def prepare_gradebook(course_dir, db_url, assignment):
    """Make sure the gradebook at db_url knows the assignment and its cells, as `nbgrader autograde` needs: a new
    gradebook (a fresh PostgreSQL database, say) gets them from `nbgrader generate_assignment` into a scratch
    folder, so release/ is left alone. Creates the gradebook's tables before the workers start."""
    if db_url.startswith("postgresql://") and importlib.util.find_spec("psycopg") is None:
        raise GradeAllError(f"{_safe(db_url)}: SQLAlchemy reads postgresql:// as the psycopg 3 driver, which is not "
                            "installed; write postgresql+psycopg2://... (psycopg2 is in requirements.txt)")
    def known():
        with Gradebook(db_url) as gb:
            try:
                return bool(gb.find_assignment(assignment).notebooks)
            except MissingEntry:
                return False
    if _patiently(known):
        return
    with tempfile.TemporaryDirectory() as scratch:
        done = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                               f"--CourseDirectory.release_directory={scratch}", f"--CourseDirectory.db_url={db_url}",
                               "--log-level=WARN"], cwd=course_dir, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise GradeAllError(f"could not add {assignment} to the gradebook ({_safe(db_url)}):\n"
                            f"{(done.stdout + done.stderr)[-1500:]}")


def _safe(db_url):
    """db_url without its password, for messages."""
    scheme, sep, rest = db_url.partition("://")
    if "@" in rest and ":" in rest.split("@", 1)[0]:
        user = rest.split("@", 1)[0].split(":", 1)[0]
        rest = f"{user}:***@{rest.split('@', 1)[1]}"
    return scheme + sep + rest


def _dying_with_parent():
    """The command prefix that has the nbgrader child killed when the worker that started it dies (util-linux's
    setpriv, Linux), so a killed worker leaves no grading behind that could write to the gradebook while its
    task runs again elsewhere; empty where setpriv is missing."""
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


# Seconds one student's submission may take in an nbgrader process: the notebook's budget
# (c.BudgetedExecute.notebook_budget, 300 s) plus the kernel's start, repairs, and the grader's grace per check.
STUDENT_SECONDS = 300 + 120


def run_bounded(command, cwd, env, timeout):
    """Run command; returns (exit code, its output). A process still running after `timeout` seconds is killed
    and reported as failed: a chunk that fails is graded again one student at a time, so a submission that
    holds its process that long costs only its own grade."""
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False,
                              timeout=timeout)
    except subprocess.TimeoutExpired as expired:
        output = "".join(part.decode(errors="replace") if isinstance(part, bytes) else part or ""
                         for part in (expired.stdout, expired.stderr))
        return -9, f"{output}\nERROR: stopped after {timeout:g} s (the time limit of its submissions)"
    return done.returncode, done.stdout + done.stderr


def grade_chunk(course_dir, assignment, chunk, everyone, db_url=None, patience=PATIENCE):
    """`nbgrader autograde` for the students of `chunk` in one process (a Dask task); returns (ok, seconds,
    error lines). Run again while the gradebook is unreachable, for up to `patience` seconds. Writes each
    student's fingerprint only once nbgrader has finished them all."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    others = ",".join(s for s in everyone if s not in set(chunk))
    select = [f"--student={chunk[0]}"] if len(chunk) == 1 else [f"--CourseDirectory.student_id_exclude={others}"]
    database = [f"--CourseDirectory.db_url={db_url}"] if db_url else []
    start = time.monotonic()
    before = {s: fingerprint(Path(course_dir) / "submitted" / s / assignment) for s in chunk}
    attempt = 0
    while True:
        returncode, log = run_bounded([*_dying_with_parent(), sys.executable, "-m", "nbgrader", "autograde",
                                       assignment, *select, *database, "--force", "--log-level=WARN"],
                                      course_dir, env, timeout=len(chunk) * STUDENT_SECONDS)
        transient = any(sign in log for sign in TRANSIENT)
        if returncode == 0 or not transient or time.monotonic() - start > patience:
            break
        attempt += 1
        time.sleep(min(0.5 * attempt, 5.0))  # another writer holds SQLite, or the database is away for a moment
    if returncode == 0:
        for student, print_ in before.items():
            state = _state_path(course_dir, assignment, student)
            state.parent.mkdir(parents=True, exist_ok=True)
            state.write_text(json.dumps({"fingerprint": print_, "nbgrader_runs": attempt + 1}))
    errors = "\n".join(line for line in log.splitlines() if "ERROR" in line or "Error" in line)
    return returncode == 0, time.monotonic() - start, errors[-800:]


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


class Cluster:
    """The Dask client of a grade-all run: a local cluster of `jobs` worker processes (one thread each), or the
    scheduler at `scheduler` (tcp://HOST:PORT). `client()` connects again after the scheduler was lost."""

    def __init__(self, scheduler=None, jobs=None, patience=PATIENCE, say=None):
        self.scheduler, self.jobs, self.patience = scheduler, jobs or os.cpu_count() or 1, patience
        self.say = say or (lambda text: None)
        self.local = None
        self._client = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def client(self):
        from dask.distributed import Client, LocalCluster

        if self._client is not None and self._client.status == "running":
            return self._client
        self.drop()
        if self.scheduler is None:
            if self.local is None:
                self.local = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True,
                                          dashboard_address=None, memory_limit=0, silence_logs=logging.ERROR)
            self._client = Client(self.local)
            return self._client
        deadline = time.monotonic() + self.patience
        while True:
            try:
                self._client = Client(self.scheduler, timeout="10s")
                return self._client
            except (OSError, TimeoutError) as error:
                if time.monotonic() > deadline:
                    raise GradeAllError(f"cannot reach the Dask scheduler at {self.scheduler} ({error}): start it "
                                        "with `dask scheduler` and workers with `dask worker "
                                        f"{self.scheduler}`") from error
                time.sleep(2.0)

    def slots(self):
        """How many chunks can run at once: --jobs on a local cluster, the workers' threads on a scheduler."""
        if self.scheduler is None:
            return self.jobs
        try:
            return max(1, sum(self.client().nthreads().values()))
        except Exception:  # noqa: BLE001 - a lost scheduler is handled by the caller
            return 1

    def workers(self):
        """The number of workers the scheduler has now (0 if it cannot be asked)."""
        try:
            return len(self.client().scheduler_info(n_workers=-1).get("workers", {}))
        except Exception:  # noqa: BLE001 - a lost scheduler is handled by the caller
            return 0

    def drop(self):
        if self._client is not None:
            with contextlib.suppress(Exception):  # closing a client of a scheduler that is gone
                self._client.close(timeout=5)
            self._client = None

    def close(self):
        self.drop()
        if self.local is not None:
            self.local.close()
            self.local = None


def _run_tasks(cluster, course_dir, assignment, todo, everyone, db_url, record, say):
    """Grade the students of `todo` on the cluster, chunk by chunk; calls record(chunk, ok, seconds, errors) once
    for each student's final result. A failed chunk of several students is split into single students. When the
    scheduler is lost, whatever is not graded yet (by the fingerprints) is submitted again."""
    from dask.distributed import KilledWorker

    remaining, alone = list(todo), set()
    lost_since = None
    while remaining:
        try:
            client = cluster.client()
            chunks = [[s] for s in remaining if s in alone] + chunks_of([s for s in remaining if s not in alone],
                                                                        cluster.slots())
            pending = {client.submit(grade_chunk, str(course_dir), assignment, chunk, everyone, db_url,
                                     pure=False): chunk for chunk in chunks}
            no_worker_since = None
            while pending:
                finished = [f for f in pending if f.done()]
                if not finished:
                    if cluster.workers() == 0:
                        no_worker_since = no_worker_since or time.monotonic()
                        if time.monotonic() - no_worker_since > cluster.patience:
                            raise GradeAllError(f"no Dask worker for {cluster.patience:.0f} s: start workers with "
                                                f"`dask worker {cluster.scheduler}`")
                    else:
                        no_worker_since = None
                    time.sleep(0.5)
                    continue
                for future in finished:
                    chunk = pending.pop(future)
                    if future.status == "cancelled":
                        raise ConnectionError("the scheduler was lost")
                    if future.status == "error":
                        error = future.exception()
                        if not isinstance(error, KilledWorker):
                            raise error
                        ok, seconds, errors = False, 0.0, f"its grading killed Dask workers: {error}"
                    else:
                        ok, seconds, errors = future.result()
                    lost_since = None
                    if ok or len(chunk) == 1:
                        record(chunk, ok, seconds, errors)
                        remaining = [s for s in remaining if s not in chunk]
                    else:
                        alone.update(chunk)
                        pending.update({client.submit(grade_chunk, str(course_dir), assignment, [s], everyone,
                                                      db_url, pure=False): [s] for s in chunk})
        except (ConnectionError, OSError, TimeoutError) as error:
            lost_since = lost_since or time.monotonic()
            if time.monotonic() - lost_since > cluster.patience:
                raise GradeAllError(f"lost the Dask scheduler for good ({error})") from error
            say(f"lost the Dask scheduler ({type(error).__name__}: {error}); submitting what is not graded yet again")
            cluster.drop()
            time.sleep(2.0)
            finished_meanwhile = [s for s in remaining if is_up_to_date(course_dir, db_url, assignment, s)]
            for student in finished_meanwhile:
                record([student], True, 0.0, "")
            remaining = [s for s in remaining if s not in finished_meanwhile]


def grade_all(course_dir, assignment, jobs=None, students=None, force=False, progress=True, scheduler=None,
              db_url=None, patience=PATIENCE):
    """Grade every submission of `assignment` on Dask (a local cluster of `jobs` processes, or the scheduler at
    `scheduler`), into the gradebook at `db_url` (default: the course's); returns a list of Outcome in student
    order. Raises GradeAllError when it cannot do its job at all."""
    course_dir = Path(course_dir).resolve()
    check_assignment(course_dir, assignment)
    db_url = db_url or course_directory(course_dir).db_url
    everyone = students_of(course_dir, assignment, students)
    prepare_gradebook(course_dir, db_url, assignment)
    outcomes, todo = {}, []
    for student in everyone:
        if not force and is_up_to_date(course_dir, db_url, assignment, student):
            outcomes[student] = Outcome(student, "skipped", detail="unchanged since it was graded")
        else:
            todo.append(student)
    bar = Progress(len(todo)) if progress and todo else None

    def say(text):
        print(text, file=sys.stderr, flush=True)

    def record(chunk, ok, seconds, errors):
        for student in chunk:
            outcomes[student] = Outcome(student, "graded" if ok else "failed", seconds / len(chunk), detail=errors)
            if bar:
                bar.step(outcomes[student])

    if todo:
        with Cluster(scheduler, jobs, patience, say) as cluster:
            _run_tasks(cluster, course_dir, assignment, todo, everyone, db_url, record, say)
    for outcome in outcomes.values():
        outcome.score, outcome.max_score, _ = gradebook_entry(db_url, assignment, outcome.student)
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
