"""`grade-all` and `grade` say which course directory they use, and stop with a sentence and a non-zero exit when
they cannot do their job: no nbgrader_config.py, an unknown assignment, no submissions. No kernel is started: the
first tests call the functions, the command-line ones (slow: a Python start each) run the commands."""

import os
import shutil
import subprocess
import sys

import pytest

from autograder.commands.grade_all import GradeAllError, check_assignment, students_of
from autograder.notebooks import NotACourseNotebook, course_dir_and_origin

from .conftest import ASSIGNMENTS, REPO


def cli(*args, cwd):
    env = {k: v for k, v in os.environ.items() if k != "BACKPROP_COURSE_DIR"}
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True,
                          check=False, env=env)


@pytest.fixture
def course(tmp_path):
    """A course directory with the configuration and source/, and no submissions yet."""
    shutil.copy2(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copytree(REPO / "source", tmp_path / "source")
    return tmp_path


def test_the_course_directory_and_how_it_was_found(course, tmp_path_factory, monkeypatch):
    monkeypatch.delenv("BACKPROP_COURSE_DIR", raising=False)
    assert course_dir_and_origin(str(course)) == (course.resolve(), "--course-dir")
    monkeypatch.chdir(course / "source")
    assert course_dir_and_origin() == (course.resolve(), "found at or above the working directory")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    found, origin = course_dir_and_origin()
    assert found == REPO and origin.startswith("the checkout autograder was installed from")
    with pytest.raises(NotACourseNotebook, match="no nbgrader_config.py .* pass --course-dir"):
        course_dir_and_origin(installed=False)
    with pytest.raises(NotACourseNotebook, match=f"--course-dir: {elsewhere} has no nbgrader_config.py"):
        course_dir_and_origin(str(elsewhere))
    monkeypatch.setenv("BACKPROP_COURSE_DIR", str(elsewhere))
    with pytest.raises(NotACourseNotebook, match="BACKPROP_COURSE_DIR"):
        course_dir_and_origin()


def test_unknown_assignments_and_missing_submissions(course):
    check_assignment(course, "01_single_example")
    with pytest.raises(GradeAllError) as unknown:
        check_assignment(course, "06_transformers")
    assert all(name in str(unknown.value) for name in ASSIGNMENTS)
    with pytest.raises(GradeAllError, match="no submissions of 01_single_example"):
        students_of(course, "01_single_example")
    (course / "submitted" / "ada" / "01_single_example").mkdir(parents=True)
    assert students_of(course, "01_single_example") == ["ada"]
    with pytest.raises(GradeAllError, match="for: ben"):
        students_of(course, "01_single_example", ["ada", "ben"])


@pytest.mark.slow
def test_grade_all_outside_a_course_directory_does_not_fall_back_to_another_checkout(tmp_path):
    done = cli("grade-all", "01_single_example", cwd=tmp_path)
    assert done.returncode == 2
    assert "no nbgrader_config.py" in done.stderr and str(tmp_path) in done.stderr
    assert "--course-dir" in done.stderr
    assert str(REPO) not in done.stdout + done.stderr, "it must not grade in the checkout it was installed from"


@pytest.mark.slow
def test_a_course_dir_without_nbgrader_config_is_an_error_not_a_reason_to_look_elsewhere(tmp_path):
    (tmp_path / "source").mkdir()
    for command in (["grade-all", "01_single_example"], ["grade", "any.ipynb"]):
        done = cli("--course-dir", str(tmp_path), *command, cwd=REPO)
        assert done.returncode == 2, command
        assert f"{tmp_path} has no nbgrader_config.py" in done.stderr, done.stderr


@pytest.mark.slow
def test_grade_all_names_an_unknown_assignment_and_lists_the_known_ones(course):
    done = cli("grade-all", "06_transformers", cwd=course)
    assert done.returncode == 2
    assert f"course directory: {course}" in done.stdout
    assert "no assignment '06_transformers'" in done.stderr
    assert all(name in done.stderr for name in ASSIGNMENTS), done.stderr


@pytest.mark.slow
def test_grade_all_without_submissions_says_where_it_looked(course):
    done = cli("grade-all", "01_single_example", cwd=course / "source")  # found from a sub-folder
    assert done.returncode == 2
    assert f"course directory: {course} (found at or above the working directory)" in done.stdout
    assert "no submissions of 01_single_example" in done.stderr
    assert str(course / "submitted") in done.stderr
    (course / "submitted" / "ada" / "02_vectorized").mkdir(parents=True)  # another assignment only
    again = cli("grade-all", "01_single_example", cwd=course)
    assert again.returncode == 2 and "no submissions of 01_single_example" in again.stderr


@pytest.mark.slow
def test_grade_says_which_course_directory_it_uses(course):
    (course / "empty.ipynb").write_text("")
    done = cli("grade", "empty.ipynb", cwd=course)
    assert done.returncode == 2 and "empty" in done.stderr
    assert f"course directory: {course} (found at or above the working directory)" in done.stderr
    unknown = cli("grade", "empty.ipynb", "--assignment", "06_transformers", cwd=course)
    assert unknown.returncode == 2


@pytest.mark.slow
def test_grade_falls_back_to_the_installed_checkout_and_says_so(tmp_path):
    (tmp_path / "empty.ipynb").write_text("")
    done = cli("grade", "empty.ipynb", cwd=tmp_path)
    assert done.returncode == 2
    assert f"course directory: {REPO} (the checkout autograder was installed from" in done.stderr


@pytest.mark.slow
def test_nbgrader_commands_print_no_config_warning(course):
    """nbgrader 0.7 removed CourseDirectory.db_assignments: a configuration that still set it made every command
    warn. The assignments come from `nbgrader generate_assignment` (or grade-all) instead."""
    listed = subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "list"], cwd=course,
                            capture_output=True, text=True, check=False)
    assert listed.returncode == 0, listed.stderr
    assert "WARNING" not in listed.stdout + listed.stderr, listed.stdout + listed.stderr
    made = subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", "01_single_example"],
                          cwd=course, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    assert "WARNING" not in made.stdout + made.stderr and "not recognized" not in made.stdout + made.stderr
    listed = subprocess.run([sys.executable, "-m", "nbgrader", "db", "assignment", "list"], cwd=course,
                            capture_output=True, text=True, check=False)
    assert "01_single_example" in listed.stdout
