"""Cheating submissions (tests/cheat_corpus.py) graded by `nbgrader autograde` with this course's configuration:
each scores 0 on what it cheats, honest students graded before and after keep full marks, the batches run to their
ends, nothing outside a submission's own folder changes, and no feedback shows solutions or hidden tests."""

import glob
import hashlib
import html
import os
import re
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

import autograder
from autograder.commands.release import generate_all
from autograder.engine import demonstrations
from autograder.engine.verdict import HEADER
from autograder.notebooks import HIDDEN_MARKERS, SOLUTION_MARKERS, grade_id, is_test_cell, read_notebook

from . import cheat_corpus
from .conftest import REPO
from .test_leaks import reference_body_lines

pytestmark = pytest.mark.slow

A = cheat_corpus.A
LIMITS = ("\nc.Execute.timeout = 10\nc.BudgetedExecute.notebook_budget = 90\n"
          "c.BudgetedExecute.memory_limit_mb = 2048\n")
# What grading itself writes in the course directory: everything else must stay as it was.
GRADER_OUTPUT = ("autograded", "feedback", "gradebook.db", "grades.csv", ".nbgrader.log")
# The whole class takes about 3 minutes on 2 cores (two batches): a batch still running after 15 has hung.
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


def autograde_in_two_batches(course):
    """`nbgrader autograde --force` of the whole class as two batches run side by side (every other student each,
    as `python -m autograder grade-all` does it on two cores); a batch that met the other's lock on the SQLite
    gradebook is run again. Returns one CompletedProcess for both: failed if either failed, with both outputs."""
    halves = [cheat_corpus.STUDENTS[0::2], cheat_corpus.STUDENTS[1::2]]

    def batch(half):
        others = ",".join(s for s in cheat_corpus.STUDENTS if s not in half)
        for _ in range(3):
            done = run_nbgrader(course, "autograde", A, "--force", f"--CourseDirectory.student_id_exclude={others}")
            if done.returncode == 0 or LOCKED not in done.stdout + done.stderr:
                break
        return done

    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(batch, halves))
    failed = [d.returncode for d in done if d.returncode != 0]
    return subprocess.CompletedProcess(done[0].args, failed[0] if failed else 0, "".join(d.stdout for d in done),
                                       "".join(d.stderr for d in done))


def snapshot(course):
    """{path: digest} of every file (and link) of the course directory that grading must not change."""
    state = {}
    for path in sorted(course.rglob("*")):
        relative = path.relative_to(course)
        if relative.parts[0].startswith(GRADER_OUTPUT):
            continue
        if path.is_symlink():
            state[str(relative)] = "link to " + os.readlink(path)
        elif path.is_file():
            state[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            state[str(relative)] = "folder"
    return state


def grades_of(course, student):
    """{test cell: (score, max_score, manual_score, extra_credit)} from the gradebook, or None if not graded."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        try:
            notebook = gb.find_submission_notebook(A, A, student)
        except MissingEntry:
            return None
        return {g.name: (g.score, g.max_score, g.manual_score, g.extra_credit) for g in notebook.grades}


def our_processes():
    """Ids of the processes the corpus started that are still running (their command line holds TOKEN)."""
    pids = []
    for entry in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(entry, "rb") as handle:
                if cheat_corpus.TOKEN.encode() in handle.read():
                    pids.append(int(entry.split("/")[2]))
        except OSError:
            continue
    return [pid for pid in pids if pid != os.getpid()]


def canaries():
    return sorted(glob.glob(f"/tmp/*{cheat_corpus.TOKEN}*") + glob.glob(f"/tmp/*{cheat_corpus.MARK_PREFIX}*"))


@dataclass
class Graded:
    course: Path
    expectations: dict
    before: dict
    after: dict
    honest_first: dict
    batch: subprocess.CompletedProcess
    feedback: subprocess.CompletedProcess
    canaries: list
    survivors: list


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("cheats")
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text() + LIMITS)
    shutil.copytree(REPO / "source", course / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    generate_all(course)
    expectations = cheat_corpus.build(course)
    before = snapshot(course)
    try:
        first = run_nbgrader(course, "autograde", A, "--student=a_honest")
        assert first.returncode == 0, first.stdout + first.stderr
        honest_first = grades_of(course, "a_honest")
        batch = autograde_in_two_batches(course)
        survivors = our_processes()
        feedback = run_nbgrader(course, "generate_feedback", A, "--force")
        yield Graded(course, expectations, before, snapshot(course), honest_first, batch, feedback, canaries(),
                     survivors)
    finally:
        for pid in our_processes():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for path in canaries():
            Path(path).unlink(missing_ok=True)


def source_tests(course):
    """{test cell id: points} of the instructor's notebook."""
    nb = read_notebook(course / "source" / A / f"{A}.ipynb")
    return {grade_id(c): float(c.metadata.nbgrader["points"]) for c in nb.cells if is_test_cell(c)}


def complaints(process):
    """The lines of an nbgrader run that say what went wrong (not its warnings)."""
    lines = (process.stdout + process.stderr).splitlines()
    return "\n".join([line for line in lines if "ERROR" in line or "Error:" in line or "stopped after" in line][-20:])


def test_the_batch_runs_to_its_end(graded):
    assert graded.batch.returncode == 0, complaints(graded.batch)
    ungraded = [s for s in cheat_corpus.STUDENTS if grades_of(graded.course, s) is None]
    assert not ungraded, f"not in the gradebook: {ungraded}"


def full_marks(grades):
    return grades is not None and all(score == maximum for score, maximum, *_ in grades.values())


def test_honest_students_keep_full_marks(graded):
    assert full_marks(graded.honest_first), graded.honest_first
    for student in ("a_honest", "z_honest"):
        grades = grades_of(graded.course, student)
        assert full_marks(grades), (student, grades)


@pytest.mark.parametrize("student", cheat_corpus.CHEATS)
def test_a_cheat_scores_zero_where_it_cheats_and_full_marks_elsewhere(graded, student):
    grades = grades_of(graded.course, student)
    assert grades is not None, f"{student} was not graded"
    _, zero = graded.expectations[student]
    cheated = {test: grades[test][0] for test in zero}
    assert not any(cheated.values()), f"{student} got points for what it cheated on: {cheated}"
    lost = {test: grade[0] for test, grade in grades.items() if test not in zero and grade[0] != grade[1]}
    assert not lost, f"{student} lost points on exercises it did not cheat on: {lost}"


def test_points_are_the_instructors(graded):
    wanted = source_tests(graded.course)
    for student in cheat_corpus.STUDENTS:
        grades = grades_of(graded.course, student) or {}
        assert {test: grade[1] for test, grade in grades.items()} == wanted, student


def test_no_grade_is_set_by_hand(graded):
    for student in cheat_corpus.STUDENTS:
        marked = {test: grade[2:] for test, grade in (grades_of(graded.course, student) or {}).items()
                  if grade[2] is not None or grade[3] is not None}
        assert not marked, f"{student} has a manual score or extra credit nobody gave: {marked}"


def test_no_file_outside_the_submissions_own_folders_changes(graded):
    before, after = graded.before, graded.after
    changed = sorted(p for p in before.keys() & after.keys() if before[p] != after[p])
    added, removed = sorted(after.keys() - before.keys()), sorted(before.keys() - after.keys())
    assert not (changed or added or removed), f"changed {changed}, added {added}, removed {removed}"


def test_no_mark_outside_the_cheats_own_folder(graded):
    """A file holding a trick's mark may be only in that student's own autograded or feedback folder."""
    prefix = cheat_corpus.MARK_PREFIX.encode()
    misplaced = []
    for path in graded.course.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        data = path.read_bytes()
        if prefix not in data:
            continue
        relative = path.relative_to(graded.course).parts
        for student in set(re.findall(re.escape(prefix) + rb"@(\w+)", data)):
            if not (len(relative) > 2 and relative[0] in ("autograded", "feedback")
                    and relative[1] == student.decode()):
                misplaced.append(f"{'/'.join(relative)} (by {student.decode()})")
    assert not misplaced, misplaced


def test_nothing_is_left_in_the_machines_tmp(graded):
    assert not graded.canaries, graded.canaries


def test_no_process_of_a_student_outlives_the_grading(graded):
    assert not graded.survivors, f"still running after the batch: {graded.survivors}"


def test_a_classmates_graded_folder_holds_only_their_own_files(graded):
    def extra(student):
        folder = graded.course / "autograded" / student / A
        assert folder.is_dir(), f"{student} was not graded"
        graded_files = {p.name for p in folder.iterdir()}
        return graded_files - {p.name for p in (graded.course / "submitted" / student / A).iterdir()}

    assert extra("a_honest") == extra("z_honest"), "a file appeared in one honest student's autograded folder"


def test_no_code_the_grader_runs_is_writable_by_a_student(graded):
    nb = read_notebook(graded.course / "autograded" / "c32_writable_code" / A / f"{A}.ipynb")
    flagged = [line for cell in nb.cells for line in outputs_text(cell).splitlines()
               if cheat_corpus.WRITABLE_FLAG in line]
    assert not flagged, flagged[:5]


def noted_cells(nb):
    """Ids of the code cells of a graded notebook whose only output is the note of a skipped demonstration."""
    return {cell.id for cell in nb.cells if cell.cell_type == "code" and
            [output.get("text") for output in cell.get("outputs", [])] == [demonstrations.NOTE]}


def test_only_the_instructors_unchanged_demonstrations_are_skipped(graded):
    """a_honest: every demonstration the source marks is skipped, with the note (feedback page included).
    c34b_demonstration_marks flipped every mark: what the instructor's copy marks is skipped all the same (a test
    cell the student marked ran and was scored), except the demonstration they changed and the one whose names a
    cell of their own reads, which run."""
    source = read_notebook(graded.course / "source" / A / f"{A}.ipynb")
    marked = {cell.id for cell in source.cells if demonstrations.is_marked(cell)}
    honest = read_notebook(graded.course / "autograded" / "a_honest" / A / f"{A}.ipynb")
    assert marked and noted_cells(honest) == marked
    assert demonstrations.NOTE.strip() in html_text(feedback_page(graded, "a_honest"))
    student = "c34b_demonstration_marks"
    nb = read_notebook(graded.course / "autograded" / student / A / f"{A}.ipynb")
    assert noted_cells(nb) == marked - {cheat_corpus.DEMONSTRATION_USED, cheat_corpus.DEMONSTRATION_EDITED}
    assert all(cell.execution_count for cell in nb.cells if cell.cell_type == "code" and cell.id not in
               noted_cells(nb))
    assert all(HEADER in outputs_text(cell) for cell in nb.cells if is_test_cell(cell))
    assert "[[ 2.  -1.   0.5]]" in outputs_text(nb.cells[-1])


def html_text(path):
    """The text of an HTML page, tags removed and entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(errors="replace")))


def region_lines(nb, markers, min_length=12):
    """Lines of a source notebook's regions between `markers` (the solutions, or the hidden tests)."""
    start, end = (re.escape(m) for m in markers)
    lines = set()
    for cell in nb.cells:
        for region in re.findall(rf"{start}\n(.*?){end}", cell.source, re.DOTALL):
            lines |= {line.strip() for line in region.splitlines()
                      if len(line.strip()) >= min_length and not line.strip().startswith("#")}
    return lines


def notebook_text(path):
    return "\n".join(cell.source for cell in read_notebook(path).cells)


def feedback_page(graded, student):
    return graded.course / "feedback" / student / A / f"{A}.html"


def shown_in_feedback(graded, student, secrets):
    """(the lines of `secrets` the feedback of `student` shows, apart from what they wrote or were given; its text)"""
    course = graded.course
    text = html_text(feedback_page(graded, student))
    public = notebook_text(course / "release" / A / f"{A}.ipynb") + notebook_text(
        course / "submitted" / student / A / f"{A}.ipynb")
    return sorted(line for line in secrets if line in text and line not in public), text


@pytest.mark.parametrize("student", cheat_corpus.STUDENTS)
def test_feedback_shows_no_solution_or_reference_code(graded, student):
    assert feedback_page(graded, student).is_file(), f"no feedback for {student}: {complaints(graded.feedback)}"
    source = read_notebook(graded.course / "source" / A / f"{A}.ipynb")
    leaked, text = shown_in_feedback(graded, student, region_lines(source, SOLUTION_MARKERS) | reference_body_lines())
    assert not leaked, f"the feedback of {student} shows: {leaked[:5]}"
    grader = str(Path(autograder.__file__).resolve().parent)
    assert grader not in text, f"the feedback of {student} shows the grader's files (a traceback?)"


STUB = re.compile(r'from course\.checks import hidden_check|hidden_check\("\w+"\)')


def test_feedback_shows_no_hidden_test_code(graded):
    """The hidden region of a test cell is only a call naming the exercise (the check runs in the grader): the
    feedback may show that call, and nothing else of it."""
    source = read_notebook(graded.course / "source" / A / f"{A}.ipynb")
    hidden = region_lines(source, HIDDEN_MARKERS, min_length=1)
    assert all(STUB.fullmatch(line) for line in hidden), "a hidden region holds more than the call"
    hidden = {line for line in hidden if not STUB.fullmatch(line)}
    students = [s for s in cheat_corpus.STUDENTS if feedback_page(graded, s).is_file()]
    shown = {s: leaked for s in students if (leaked := shown_in_feedback(graded, s, hidden)[0])}
    assert not shown, f"{len(shown)} feedback pages show hidden-test lines, e.g. {next(iter(shown.items()))}"


def test_no_feedback_grows_past_what_a_person_can_read(graded):
    """What a student's code prints is cut down: a 10 MB repr must not make a 60 MB feedback page."""
    sizes = {p.relative_to(graded.course).parts[1]: p.stat().st_size
             for p in (graded.course / "feedback").glob(f"*/{A}/{A}.html")}
    too_big = {student: f"{size / 1e6:.0f} MB" for student, size in sizes.items() if size > 10e6}
    assert not too_big, too_big


def outputs_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", "") if isinstance(output.get("text", ""), str) else "".join(output["text"]))
        parts += [output.get("ename", ""), output.get("evalue", ""), *output.get("traceback", [])]
        parts += [str(v) for v in output.get("data", {}).values()]
    return "\n".join(p for p in parts if p)


@pytest.mark.parametrize("student", cheat_corpus.CHEATS)
def test_a_cheat_is_told_what_is_wrong_not_shown_the_graders_traceback(graded, student):
    path = graded.course / "autograded" / student / A / f"{A}.ipynb"
    assert path.is_file(), f"{student} has no graded notebook: {complaints(graded.batch)}"
    cells = {grade_id(c): c for c in read_notebook(path).cells if is_test_cell(c)}
    grader = str(Path(autograder.__file__).resolve().parent)
    for test in graded.expectations[student][1]:
        text = outputs_text(cells[test])
        assert text.strip(), f"{student}: {test} says nothing about why it scores 0"
        assert grader not in text and "site-packages/nbclient" not in text, f"{student}: {test} shows {text[-800:]}"
