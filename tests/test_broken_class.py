"""Broken submissions never stop a batch: `nbgrader autograde` with this course's configuration, and grade-all."""

import csv
import hashlib
import subprocess
import sys

import pytest

from autograder.commands.grade_all import grade_all
from autograder.commands.release import generate_all, nbgrader

from . import broken_corpus

pytestmark = pytest.mark.slow

FAST_LIMITS = "\nc.Execute.timeout = 10\nc.BudgetedExecute.memory_limit_mb = 2048\n"


def digest(folder):
    return {p.relative_to(folder): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def broken_class(tmp_path_factory):
    from .conftest import REPO

    course = tmp_path_factory.mktemp("broken")
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text() + FAST_LIMITS)
    subprocess.run(["cp", "-r", str(REPO / "source"), str(course / "source")], check=True)
    generate_all(course)
    expectations = broken_corpus.build(course)
    return course, expectations


def scores_of(course):
    nbgrader(course, "export", "--log-level=WARN")
    with open(course / "grades.csv", newline="") as handle:
        return {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(handle)
                if row["assignment"] == broken_corpus.A}


def per_test_scores(course, student):
    """{test cell name: score} of a student's submission, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(broken_corpus.A, broken_corpus.A, student)
        return {grade.name: grade.score for grade in notebook.grades}


def check_expectations(course, expectations):
    scores = scores_of(course)
    assert set(scores) >= set(expectations), "every submission has a grade in the gradebook"
    for student, expected in expectations.items():
        score, maximum = scores[student]
        if expected == "full":
            assert score == maximum, student
        elif expected == "zero":
            assert score == 0, student
        else:
            lost = expected[1]
            per_test = per_test_scores(course, student)
            assert all(per_test[t] == 0 for t in lost), (student, per_test)
            assert all(v > 0 for t, v in per_test.items() if t not in lost), (student, per_test)


def test_nbgrader_autograde_grades_every_submission(broken_class):
    course, expectations = broken_class
    submitted_before = digest(course / "submitted")
    # one honest student is already in the gradebook before the batch: it must stay there
    nbgrader(course, "autograde", broken_corpus.A, "--student=a_honest", "--log-level=WARN")
    done = nbgrader(course, "autograde", broken_corpus.A, "--force", "--log-level=WARN", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    check_expectations(course, expectations)
    assert digest(course / "submitted") == submitted_before, "a submission was changed"
    nbgrader(course, "generate_feedback", broken_corpus.A, "--force", "--log-level=WARN")
    feedback = {s: (course / "feedback" / s / broken_corpus.A / f"{broken_corpus.A}.html").read_text()
                for s in expectations}
    assert "not valid JSON" in feedback["b_invalid_json"]
    assert "the file is empty" in feedback["c_empty"]
    assert "nbformat 3" in feedback["d_nbformat3"]
    assert "second copy" in feedback["e_duplicated_cell"]
    assert "was missing: it was put back" in feedback["f_deleted_test"]
    assert "had been changed to raw: restored" in feedback["g_retyped_test"]
    assert "kernel died" in feedback["j_segfault"] and "kernel died" in feedback["k_os_exit"]
    assert "MemoryError" in feedback["i_memory_bomb"]
    assert "none of the graded cells" in feedback["n_other_assignment"]


def test_grade_all_in_parallel_gives_the_same_grades(broken_class):
    course, expectations = broken_class
    outcomes = grade_all(course, broken_corpus.A, jobs=2, force=True, progress=False)
    assert [o.status for o in outcomes] == ["graded"] * len(expectations)
    check_expectations(course, expectations)
    again = grade_all(course, broken_corpus.A, jobs=2, progress=False)
    assert [o.status for o in again] == ["skipped"] * len(expectations)
    (course / "submitted" / "z_honest" / broken_corpus.A / "extra.txt").write_text("changed")
    third = {o.student: o.status for o in grade_all(course, broken_corpus.A, jobs=2, progress=False)}
    assert third["z_honest"] == "graded" and third["a_honest"] == "skipped"


def test_grade_all_command_line(broken_class):
    course, _ = broken_class
    done = subprocess.run([sys.executable, "-m", "autograder", "--course-dir", str(course), "grade-all",
                           broken_corpus.A, "--student", "a_honest", "z_honest", "--force", "--jobs", "2"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "a_honest" in done.stdout and "z_honest" in done.stdout and "graded 2" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "autograder", "--course-dir", str(course), "grade-all",
                              broken_corpus.A, "--student", "nobody"], capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and "nobody" in missing.stderr
