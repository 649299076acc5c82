"""The main job: the example class is built, autograded, given feedback and exported by nbgrader."""

import pytest

from autograder.example_class import run

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
