"""Running `nbgrader` on a scratch course directory and reading what it graded: shared by the tests that grade a
class through the real engine (test_cheats, test_habits)."""

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

CELL_TIMEOUT = 10  # seconds a cell (and so a hidden check's calls) may run in these classes
LIMITS = (f"\nc.Execute.timeout = {CELL_TIMEOUT}\nc.BudgetedExecute.notebook_budget = 90\n"
          "c.BudgetedExecute.memory_limit_mb = 2048\n")
# A class of a few dozen notebooks takes about 3 minutes on 2 cores (two batches): a batch still running after 15
# has hung.
BATCH_TIMEOUT = 900
LOCKED = "database is locked"


def run_nbgrader(course, *args, timeout=BATCH_TIMEOUT):
    """`nbgrader ARGS` in course; a run that outlasts timeout is stopped and reported as failed (returncode None)."""
    command = [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"]
    try:
        return subprocess.run(command, cwd=course, capture_output=True, text=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired as stopped:
        output = [o.decode(errors="replace") if isinstance(o, bytes) else o or "" for o in (stopped.stdout,
                                                                                           stopped.stderr)]
        return subprocess.CompletedProcess(command, None, output[0], output[1] + f"\nstopped after {timeout} s")


def autograde_in_two_batches(course, assignment, students):
    """`nbgrader autograde ASSIGNMENT --force` of `students` as two batches run side by side (every other student
    each, as `python -m autograder grade-all` does it on two cores); a batch that met the other's lock on the
    SQLite gradebook is run again. ASSIGNMENT may be a glob ("0*": every assignment a student handed in). Returns
    one CompletedProcess for both: failed if either failed, with both outputs."""
    halves = [students[0::2], students[1::2]]

    def batch(half):
        others = ",".join(s for s in students if s not in half)
        for _ in range(3):
            done = run_nbgrader(course, "autograde", assignment, "--force",
                                f"--CourseDirectory.student_id_exclude={others}")
            if done.returncode == 0 or LOCKED not in done.stdout + done.stderr:
                break
        return done

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(batch, halves))
    failed = [d.returncode for d in done if d.returncode != 0]
    return subprocess.CompletedProcess(done[0].args, failed[0] if failed else 0, "".join(d.stdout for d in done),
                                       "".join(d.stderr for d in done))


def gradebook_grades(course, assignment, student):
    """{test cell: (score, max_score, manual_score, extra_credit)} of a student's notebook of `assignment` (named
    like it) in the gradebook, or None if not graded."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            notebook = gb.find_submission_notebook(assignment, assignment, student)
        except MissingEntry:
            return None
        return {g.name: (g.score, g.max_score, g.manual_score, g.extra_credit) for g in notebook.grades}


def complaints(process):
    """The lines of an nbgrader run that say what went wrong (not its warnings)."""
    lines = (process.stdout + process.stderr).splitlines()
    return "\n".join([line for line in lines if "ERROR" in line or "Error:" in line or "stopped after" in line][-20:])


def outputs_text(cell):
    """Everything a cell's outputs show, as text."""
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") if isinstance(output.get("text", ""), str) else "".join(output["text"]))
        parts += [output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])]
        parts += [str(v) for v in output.get("data", {}).values()]
    return "\n".join(p for p in parts if p)
