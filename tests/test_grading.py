"""`python -m autograder grade`: full marks for the solutions, 0 for the untouched release, clear errors."""

import json
import subprocess
import sys

import nbformat
import pytest

from autograder.commands import grading
from autograder.commands.example_class import completed
from autograder.commands.grading import grade_notebook
from autograder.engine.demonstrations import NOTE, is_marked
from autograder.notebooks import grade_id, is_test_cell

from .conftest import ASSIGNMENTS, REPO, release_nb, source_nb

pytestmark = pytest.mark.slow


def cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, capture_output=True, text=True, check=False)


def write(nb, path):
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_solutions_get_full_marks(name, tmp_path, monkeypatch):
    executed, execute = [], grading.execute

    def keep(*args, **kwargs):
        executed.append(execute(*args, **kwargs))
        return executed[-1]

    monkeypatch.setattr("autograder.commands.grading.execute", keep)
    grade = grade_notebook(write(completed(release_nb(name), source_nb(name)), tmp_path / f"{name}.ipynb"), REPO)
    failed = {e.grade_id: e.message for e in grade.exercises if e.score < e.max_score}
    assert not failed and grade.max_score > 0
    assert grade.assignment == name
    # the demonstrations were not run, and say so; every other code cell was run
    marked = {cell.id for cell in source_nb(name).cells if is_marked(cell)}
    code = [cell for cell in executed[0].cells if cell.cell_type == "code"]
    assert marked and {cell.id for cell in code if [o.get("text") for o in cell.outputs] == [NOTE]} == marked
    assert all(cell.execution_count for cell in code if cell.id not in marked)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_the_untouched_release_gets_zero_with_a_reason(name):
    done = cli("grade", f"release/{name}/{name}.ipynb", "--json")
    assert done.returncode == 0, done.stderr
    grade = json.loads(done.stdout)
    assert set(grade) == {"notebook", "assignment", "score", "max_score", "exercises", "notes"}
    assert grade["assignment"] == name and grade["score"] == 0 and grade["max_score"] > 0
    ids = [c.metadata.nbgrader["grade_id"] for c in source_nb(name).cells if is_test_cell(c)]
    assert [e["grade_id"] for e in grade["exercises"]] == ids
    for exercise in grade["exercises"]:
        assert set(exercise) == {"grade_id", "score", "max_score", "message", "groups", "failing"}
        # the function is a stub, or a tool cell it needs (tools_from_NN) is: either way the message says so
        assert any(p in exercise["message"] for p in ("not written yet", "is not defined", "tools_from")), exercise


def test_table_output_and_a_stderr_warning_does_not_cost_points(tmp_path):
    name = "01_single_example"
    nb = completed(release_nb(name), source_nb(name))
    for cell in nb.cells:
        if grade_id(cell) == "sigmoid":
            cell.source = "import warnings\n" + cell.source.replace(
                '"""\n', '"""\n    warnings.warn("a harmless warning")\n', 1)
    done = cli("grade", str(write(nb, tmp_path / "warned.ipynb")))
    assert done.returncode == 0, done.stderr
    assert "test_sigmoid" in done.stdout and "total" in done.stdout
    total = done.stdout.strip().splitlines()[-1].split()
    assert total[1] == total[3], done.stdout  # full marks


def test_deleted_and_duplicated_test_cells(tmp_path):
    name = "01_single_example"
    nb = completed(release_nb(name), source_nb(name))
    tests = [c for c in nb.cells if is_test_cell(c)]
    nb.cells.remove(tests[0])
    nb.cells.insert(nb.cells.index(tests[1]), nbformat.from_dict(json.loads(json.dumps(tests[1]))))
    grade = grade_notebook(write(nb, tmp_path / "edited.ipynb"), REPO)
    # the deleted test is put back and run (the code is right, so it passes); the copy is left out
    assert [e.grade_id for e in grade.exercises] == [c.metadata.nbgrader["grade_id"] for c in tests]
    assert all(e.score == e.max_score for e in grade.exercises)
    assert any(f"test cell `{grade_id(tests[0])}` was missing" in note for note in grade.notes)
    assert any("second copy" in note for note in grade.notes)


@pytest.mark.parametrize("content,phrase", [
    ("", "empty"),
    ("{not json", "not valid JSON"),
    ('{"a": 1}', "not a Jupyter notebook"),
    ('{"cells": [], "nbformat": 3, "metadata": {}, "nbformat_minor": 0}', "nbformat 3"),
    ('{"cells": [], "nbformat": 4, "metadata": {}, "nbformat_minor": 5}', "none of its cells"),
])
def test_files_that_are_not_course_notebooks(tmp_path, content, phrase):
    path = tmp_path / "x.ipynb"
    path.write_text(content)
    done = cli("grade", str(path))
    assert done.returncode == 2 and phrase in done.stderr and "Traceback" not in done.stderr


def test_assignment_can_be_named(tmp_path):
    done = cli("grade", "release/01_single_example/01_single_example.ipynb", "--assignment", "nope")
    assert done.returncode == 2 and "no assignment 'nope'" in done.stderr
