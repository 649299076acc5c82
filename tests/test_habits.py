"""Submissions in the habits of other courses (tests/habits_corpus.py) graded by `nbgrader autograde` with this
course's configuration, every assignment in one pair of batches: a right answer earns full marks whatever
harmless form it takes, and a typical mistake loses points with the mistake named in the exercise's report."""

import shutil

import pytest

from autograder.engine.verdict import recorded
from autograder.notebooks import grade_id, is_test_cell, read_notebook

from . import habits_corpus
from .conftest import REPO
from .nbgrader_runs import autograde_in_two_batches, complaints, gradebook_grades, run_nbgrader

pytestmark = pytest.mark.slow

HABITS = habits_corpus.HABITS
WRONG = [(student, exercise) for student, habit in HABITS.items() for exercise in habit.wrong]
NOTED = [(student, exercise) for student, habit in HABITS.items() for exercise in habit.notes]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The course directory after the whole corpus was graded, and the batches' CompletedProcess."""
    course = tmp_path_factory.mktemp("habits")
    shutil.copy(REPO / "nbgrader_config.py", course)  # as it is: no habit needs a shorter time limit
    shutil.copytree(REPO / "source", course / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    released = run_nbgrader(course, "generate_assignment", "0*", "--force")  # every assignment, one process
    assert released.returncode == 0, complaints(released)
    habits_corpus.build(course)
    # "0*": every assignment a student handed in, in one nbgrader process per batch
    return course, autograde_in_two_batches(course, "0*", habits_corpus.STUDENTS)


def grades(graded, student):
    course, _ = graded
    found = gradebook_grades(course, HABITS[student].assignment, student)
    assert found is not None, f"{student} was not graded"
    return found


def verdicts(graded, student):
    """{test cell id: the verdict the grader recorded in it} of a student's autograded notebook."""
    course, _ = graded
    a = HABITS[student].assignment
    nb = read_notebook(course / "autograded" / student / a / f"{a}.ipynb")
    return {grade_id(c): recorded(c) for c in nb.cells if is_test_cell(c)}


def test_the_batches_run_to_their_ends(graded):
    _, batches = graded
    assert batches.returncode == 0, complaints(batches)


def test_every_assignment_has_a_habit_notebook_with_every_exercise_right():
    right = {h.assignment for h in HABITS.values() if not h.wrong}
    assert right == {habits_corpus.A1, habits_corpus.A2, habits_corpus.A3, habits_corpus.A4, habits_corpus.A5}


@pytest.mark.parametrize("student", habits_corpus.STUDENTS)
def test_a_right_answer_in_another_courses_habits_earns_full_marks(graded, student):
    wrong = {f"test_{e}" for e in HABITS[student].wrong}
    shown = verdicts(graded, student)
    lost = {test: (f"{score:g} of {maximum:g}", (shown.get(test) or {}).get("failing"))
            for test, (score, maximum, *_) in grades(graded, student).items()
            if test not in wrong and score != maximum}
    assert not lost, f"{student} ({HABITS[student].style}) lost points on right answers: {lost}"


@pytest.mark.parametrize(("student", "exercise"), WRONG)
def test_a_typical_mistake_loses_points_and_is_named(graded, student, exercise):
    test = f"test_{exercise}"
    score, maximum, *_ = grades(graded, student)[test]
    assert score < maximum, f"{student}: {exercise} holds a mistake yet earned {score:g} of {maximum:g}"
    verdict = verdicts(graded, student)[test]
    assert verdict is not None, f"{student}: {test} holds no verdict"
    phrase = HABITS[student].wrong[exercise]
    assert phrase in verdict["report"], f"{student}: {exercise} is not told {phrase!r}: {verdict['report'][:1500]}"


@pytest.mark.parametrize(("student", "exercise"), NOTED)
def test_a_harmless_extra_is_noted_in_a_full_marks_report(graded, student, exercise):
    verdict = verdicts(graded, student)[f"test_{exercise}"]
    assert verdict is not None and verdict["earned"] == verdict["points"], (student, exercise, verdict)
    phrase = HABITS[student].notes[exercise]
    assert phrase in verdict["report"], f"{student}: {exercise} does not say {phrase!r}: {verdict['report'][:800]}"
