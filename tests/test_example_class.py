"""The main job: the example class is built, autograded, given feedback and exported by nbgrader."""

import pytest

from autograder.commands.example_class import run

from .conftest import ASSIGNMENTS

pytestmark = pytest.mark.slow


def test_example_class_gets_the_expected_grades(repo, tmp_path):
    grades, surprises = run(repo, tmp_path / "class", update_release=False)
    assert not surprises
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
