"""The main job: the example class is built, autograded, given feedback and exported by nbgrader."""

import pytest

from autograder.commands.example_class import run

from .conftest import ASSIGNMENTS

pytestmark = pytest.mark.slow


def test_example_class_gets_the_expected_grades(repo, tmp_path):
    progress = []
    grades, surprises = run(repo, tmp_path / "class", update_release=False, progress=progress.append)
    assert not surprises
    check_what_the_instructor_sees(tmp_path / "class", grades, progress)
    assert {(r["student_id"], r["assignment"]) for r in grades} == {
        (s, a) for s in ("ada", "ben", "cleo") for a in ASSIGNMENTS}
    for student in ("ada", "ben", "cleo"):
        for assignment in ASSIGNMENTS:
            html = tmp_path / "class" / "feedback" / student / assignment / f"{assignment}.html"
            assert html.is_file()
    cleo = next(r for r in grades if r["student_id"] == "cleo" and r["assignment"] == "01_single_example")
    assert 0 < float(cleo["score"]) < float(cleo["max_score"])
    check_feedback_and_exercises(tmp_path / "class")


def check_feedback_and_exercises(course):
    """cleo loses exactly the points of her mistakes, exercise by exercise; the feedback shows the hidden checks'
    reports and never their code."""
    from nbgrader.api import Gradebook

    from autograder.commands.example_class import EXPECTED_LOST_BY_CLEO

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for assignment in ASSIGNMENTS:
            notebook = gb.find_submission_notebook(assignment, assignment, "cleo")
            lost = {g.name.removeprefix("test_"): g.max_score - g.score for g in notebook.grades
                    if g.name.startswith("test_") and g.score < g.max_score}
            assert lost == EXPECTED_LOST_BY_CLEO[assignment], assignment
    feedback = (course / "feedback" / "cleo" / "02_vectorized" / "02_vectorized.html").read_text()
    assert "hidden check (run by the grader, outside your notebook): dA_prev ✓  dW ✗  db ✗  bad ✓" in feedback
    assert "→ 2 of 4 points" in feedback
    assert "the 1/m is missing" in feedback
    for assignment in ASSIGNMENTS:
        html = (course / "feedback" / "ada" / assignment / f"{assignment}.html").read_text()
        assert "autograder" not in html, "no hidden check code (it lives in autograder/) in the feedback"


def check_what_the_instructor_sees(course, grades, progress):
    """Progress as it goes (every student's every assignment, in order), a total column, and each of cleo's planted
    mistakes with the points it cost."""
    from autograder.commands.example_class import (
        CLEO_MISTAKE_NOTES,
        CLEO_MISTAKES,
        EXPECTED_LOST_BY_CLEO,
        format_grades,
        format_mistakes,
        points_lost,
    )

    steps = [line.split()[:2] for line in progress if "autograded in" in line or line.endswith("feedback written")]
    assert steps == [[a, step] for a in ASSIGNMENTS for step in ("ada", "ben", "cleo", "feedback")]
    table = format_grades(grades).splitlines()
    assert table[0].split()[-1] == "total"
    for row in table[1:]:
        student = row.split()[0]
        mine = [r for r in grades if r["student_id"] == student]
        total = f"{sum(float(r['score']) for r in mine):g} / {sum(float(r['max_score']) for r in mine):g}"
        assert row.endswith(total), row
    listing = format_mistakes(points_lost(course, "cleo")).splitlines()
    assert len(listing) == 1 + sum(len(answers) for answers in CLEO_MISTAKES.values())
    for assignment, lost in EXPECTED_LOST_BY_CLEO.items():
        for exercise, cost in lost.items():
            line = next(line for line in listing if line.split()[:2] == [assignment, exercise])
            assert f"−{cost:g} of " in line and CLEO_MISTAKE_NOTES[exercise] in line, line
