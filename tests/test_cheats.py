"""Cheating submissions (tests/cheat_corpus.py) graded by `nbgrader autograde` with this course's configuration:
each scores 0 on what it cheats, honest students graded before and after keep full marks, the batches run to their
ends, nothing outside a submission's own folder changes, and no feedback shows solutions or hidden tests."""

import glob
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

import autograder
from autograder.commands.release import nbgrader
from autograder.engine import demonstrations, verdict
from autograder.notebooks import HIDDEN_MARKERS, SOLUTION_MARKERS, grade_id, is_test_cell, read_notebook

from . import cheat_corpus, nbgrader_runs
from .conftest import REPO
from .nbgrader_runs import CELL_TIMEOUT, LIMITS, complaints, gradebook_grades, outputs_text, run_nbgrader
from .test_leaks import reference_body_lines

pytestmark = pytest.mark.slow

A = cheat_corpus.A
# What grading itself writes in the course directory: everything else must stay as it was.
GRADER_OUTPUT = ("autograded", "feedback", "gradebook.db", "grades.csv", ".nbgrader.log")


def autograde_in_two_batches(course):
    """The whole class, graded as two `nbgrader autograde` batches side by side."""
    return nbgrader_runs.autograde_in_two_batches(course, A, cheat_corpus.STUDENTS)


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
    return gradebook_grades(course, A, student)


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
    nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN")  # the class is of 01 only
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
    assert all(verdict.HEADER in outputs_text(cell) for cell in nb.cells if is_test_cell(cell))
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


# --------------------------------------------------------------------------------------------------------
# Attacks on the grader's own process (issue 21; c40_load_the_grader, c41_drip_the_connection). Their scores are
# checked with every cheat's above; here, that the bounds held: each attack says in its notebook what the grader
# did (cheat_corpus.ATTACK_PREFIX lines), and the files and times are measured from outside.
# --------------------------------------------------------------------------------------------------------

REFUSED_WITHIN = 2.0  # seconds for the grader to refuse an input it does not take (it is milliseconds)
SESSION_REPLY_WAIT = 10  # seconds the session waits for the kernel's answer after interrupting it (session.py)


def graded_notebook(graded, student):
    return graded.course / "autograded" / student / A / f"{A}.ipynb"


def attacks_seen(graded, student):
    """{attack: what the student's code saw} from the lines its last cell printed."""
    nb = read_notebook(graded_notebook(graded, student))
    lines = [line for cell in nb.cells if not is_test_cell(cell) for line in outputs_text(cell).splitlines()]
    prefix = cheat_corpus.ATTACK_PREFIX
    return {seen["attack"]: seen for seen in (json.loads(line[len(prefix):]) for line in lines
                                              if line.startswith(prefix))}


def grading_seconds(graded, student):
    """Seconds nbgrader spent on `student`'s notebook in the batch: from the graded notebook written just before
    it in the same batch (the batches take every other student) to its own."""
    batch = cheat_corpus.STUDENTS[cheat_corpus.STUDENTS.index(student) % 2::2]
    before = batch[batch.index(student) - 1]
    return graded_notebook(graded, student).stat().st_mtime - graded_notebook(graded, before).stat().st_mtime


def test_the_grader_refuses_at_once_the_work_a_student_asks_of_it(graded):
    """Integer arrays for a product with no BLAS (minutes of grader CPU) and a sum that broadcasts to a 2 GiB
    temporary, sent to the grader's stand-in for dense_forward_single: refused in milliseconds, and the
    notebook graded within an honest notebook's time plus one check's time limit (without the bounds, the grader
    would work until its check is killed, its time limit + bounded.GRACE (20 s) after it began)."""
    honest = grading_seconds(graded, "z_honest")
    took = grading_seconds(graded, "c40_load_the_grader")
    seen = attacks_seen(graded, "c40_load_the_grader")
    assert set(seen) >= {"cpu", "memory"}, f"no report of the attacks (graded in {took:.0f} s): {seen}"
    assert seen["cpu"]["said"].startswith("TypeError") and "integers" in seen["cpu"]["said"], seen["cpu"]
    assert seen["memory"]["said"].startswith("MemoryError"), seen["memory"]
    slow = {attack: s["seconds"] for attack, s in seen.items() if s["seconds"] > REFUSED_WITHIN}
    assert not slow, f"the grader took this long to refuse: {slow}"
    assert took < honest + CELL_TIMEOUT, f"graded in {took:.0f} s, an honest notebook in {honest:.0f} s"


def test_a_dripping_message_holds_the_grader_no_longer_than_the_checks_time_limit(graded):
    """A message length, then a byte every two seconds, on the grader's own connection: the grader stops
    listening at the check's time limit (one deadline for the whole message), not when its check is killed."""
    seen = attacks_seen(graded, "c41_drip_the_connection")
    assert "drip" in seen, f"the attack did not find the grader's connection: {seen}"
    held = seen["drip"]["seconds"]
    assert held < CELL_TIMEOUT + REFUSED_WITHIN, f"the grader listened to the drip for {held:.0f} s"
    honest = grading_seconds(graded, "z_honest")
    took = grading_seconds(graded, "c41_drip_the_connection")
    # the check's time limit, the session's wait for the interrupted kernel, and one more time limit of margin
    bound = honest + 2 * CELL_TIMEOUT + SESSION_REPLY_WAIT
    assert took < bound, f"graded in {took:.0f} s: more than an honest notebook's {honest:.0f} s + {bound - honest} s"


def test_millions_of_characters_leave_a_report_of_the_usual_size(graded):
    """A function that prints 4 million characters and returns a string of 4 million: its test cell keeps at
    most what a cell printed (capped) and the capped report, and the graded notebook and the feedback stay
    within a few hundred KB of an honest student's."""
    student = "c40_load_the_grader"
    cells = {grade_id(c): c for c in read_notebook(graded_notebook(graded, student)).cells if is_test_cell(c)}
    text = outputs_text(cells[cheat_corpus.test_id(cheat_corpus.NF)])
    assert len(text) < verdict.OWN_OUTPUT_LIMIT + verdict.REPORT_LIMIT, f"{len(text):,} characters in the test cell"
    cap = verdict.OWN_OUTPUT_LIMIT + verdict.REPORT_LIMIT
    long = {cell.id: len(text_of(cell)) for cell in read_notebook(graded_notebook(graded, student)).cells
            if len(text_of(cell)) > cap}
    assert not long, f"cells whose outputs are longer than {cap:,} characters: {long}"
    slack = 2 * cap  # the capped test cell and report, and the capped outputs of the cells that call it
    for path_of in (graded_notebook, feedback_page):
        size, honest = (text_size(path_of(graded, s)) for s in (student, "z_honest"))
        assert size < honest + slack, f"{path_of(graded, student).name}: {size:,} characters, an honest one {honest:,}"


def text_of(cell):
    """A cell's outputs as text, figures left out."""
    return outputs_text({"outputs": [{k: ({m: v for m, v in value.items() if m.startswith("text/")}
                                          if k == "data" else value) for k, value in output.items()}
                                     for output in cell.get("outputs", [])]})


def text_size(path):
    """Characters of a graded notebook's or feedback page's text, figures left out: an honest notebook's
    demonstrations are skipped while grading (no figures), and those of a notebook whose added cells read every name
    (globals()) are run (figures of a few hundred KB)."""
    if path.suffix == ".ipynb":
        return sum(len(text_of(cell)) + len(cell.source) for cell in read_notebook(path).cells)
    return len(re.sub(r"base64,[A-Za-z0-9+/=]+", "", path.read_text(encoding="utf-8")))


def test_a_score_line_in_the_students_text_is_not_read_as_one(graded):
    """dense_forward_single raises an error whose message is a line like the grader's `… 7 of 7 points`: in every
    test cell (where nbgrader reads scores), each line that starts like the grader's score line is the grader's;
    in that exercise's, it says 0 points. (Ordinary cells that call the function show the error as it is: nbgrader
    scores no ordinary cell.)"""
    student = "c40_load_the_grader"
    cells = {grade_id(c): c for c in read_notebook(graded_notebook(graded, student)).cells if is_test_cell(c)}
    text = outputs_text(cells[cheat_corpus.test_id(cheat_corpus.DF)])
    assert "7 of 7 points" in text, "the student's line is not shown at all: the test would prove nothing"
    score_lines = {line.strip() for line in text.splitlines() if line.strip().startswith(verdict.HEADER)}
    assert score_lines == {f"{verdict.HEADER} 0 of 2 points"}, score_lines
    faked = [line for cell in cells.values() for line in outputs_text(cell).splitlines()
             if line.strip().startswith(verdict.HEADER) and "7 of 7" in line]
    assert not faked, faked
