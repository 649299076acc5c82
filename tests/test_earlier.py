"""`course.earlier.bring`: a student's earlier functions in a later notebook with one line, and the grader's copy of
the earlier assignments (autograder/engine/earlier.py)."""

from __future__ import annotations

import json

import nbformat
import numpy as np
import pytest

from autograder.engine.earlier import earlier_assignments, write_earlier
from autograder.exercises import EXERCISES
from course.earlier import ENVIRONMENT, NotBrought, bring

from .conftest import REPO

SIGMOID = 'def sigmoid(z):\n    """The logistic function."""\n    return 1 / (1 + np.exp(-z))\n'
RELU = "def relu(z):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
HELPER = "def _halve(z):\n    return z / 2\n\n\ndef relu_derivative(z):\n    return _halve(np.sign(z) + 1)\n"


def solution_cell(name, source):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": name, "locked": False, "schema_version": 3,
                                 "solution": True, "task": False}
    return cell


@pytest.fixture
def course(tmp_path, monkeypatch):
    """Two assignment folders side by side: 01 with sigmoid done, relu unfinished, a cell that fails and one with a
    helper; the working directory is 02's folder, as in JupyterLab."""
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    cells = [solution_cell("sigmoid", SIGMOID), solution_cell("relu", RELU),
             solution_cell("tanh_derivative", "def tanh_derivative(z):\n    return 1 - np.tanh(z) ** 2\n1 / 0\n"),
             solution_cell("relu_derivative", HELPER)]
    (tmp_path / "01_a").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=cells), tmp_path / "01_a" / "01_a.ipynb")
    (tmp_path / "02_b").mkdir()
    monkeypatch.chdir(tmp_path / "02_b")
    return tmp_path


def test_brings_only_the_names_asked_for_into_the_callers_namespace(course, capsys):
    namespace = {"np": np}
    assert bring("01_a", "sigmoid", namespace=namespace) == ["sigmoid"]
    assert set(namespace) - {"__builtins__"} == {"np", "sigmoid"}
    assert namespace["sigmoid"](np.array([0.0])) == pytest.approx([0.5])
    shown = capsys.readouterr()
    assert shown.out.count("\n") == 1 and "01_a.ipynb" in shown.out and ": sigmoid" in shown.out
    assert shown.err == ""


def test_defines_in_the_calling_notebooks_globals_and_runs_helpers_of_the_cell(course):
    exec("from course.earlier import bring\nbring('01_a', 'relu_derivative')", namespace := {"np": np})  # noqa: S102
    assert list(namespace["relu_derivative"](np.array([-2.0, 3.0]))) == [0.0, 1.0]
    assert "_halve" in namespace  # the cell runs as a whole, as if pasted


def test_an_unfinished_exercise_is_named_and_raises_when_called(course, capsys):
    namespace = {"np": np}
    assert bring("01_a", "sigmoid", "relu", namespace=namespace) == ["sigmoid"]
    out = capsys.readouterr().out
    assert "relu is not finished in 01_a.ipynb" in out and "save that notebook" in out
    with pytest.raises(NotBrought, match="relu was not brought.*not finished in 01_a.ipynb"):
        namespace["relu"](np.zeros(2))
    assert namespace["sigmoid"](np.zeros(1))[0] == 0.5


def test_a_cell_that_fails_and_a_name_without_a_cell_are_named(course, capsys):
    namespace = {"np": np}
    assert bring("01_a", "tanh_derivative", "softmax", namespace=namespace) == []
    out = capsys.readouterr().out
    assert "tanh_derivative's cell in 01_a.ipynb fails when it runs (ZeroDivisionError" in out
    assert "has no solution cell 'softmax'" in out
    with pytest.raises(NotBrought, match="softmax"):
        namespace["softmax"](1)


def test_a_missing_notebook_says_where_it_looked_and_what_to_do(course, capsys):
    namespace = {}
    assert bring("00_nothing", "sigmoid", "relu", namespace=namespace) == []
    out = capsys.readouterr().out
    assert str(course / "00_nothing" / "00_nothing.ipynb") in out and "side by side" in out
    with pytest.raises(NotBrought, match="00_nothing.ipynb was not found"):
        namespace["relu"](1)


def test_an_unreadable_notebook_says_so(course, capsys):
    (course / "03_c").mkdir()
    (course / "03_c" / "03_c.ipynb").write_text("{not json")
    namespace = {}
    assert bring("03_c", "sigmoid", namespace=namespace) == []
    assert "could not be read as a notebook" in capsys.readouterr().out
    with pytest.raises(NotBrought):
        namespace["sigmoid"]()


def test_the_graders_folder_comes_first(course, tmp_path_factory, monkeypatch, capsys):
    graders = tmp_path_factory.mktemp("graders")
    (graders / "01_a").mkdir()
    cells = [solution_cell("relu", "def relu(z):\n    return np.maximum(z, 0)\n")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), graders / "01_a" / "01_a.ipynb")
    monkeypatch.setenv(ENVIRONMENT, str(graders))
    namespace = {"np": np}
    assert bring("01_a", "relu", namespace=namespace) == ["relu"]
    assert "the grader's copy" in capsys.readouterr().out
    assert namespace["relu"](np.array([-1.0]))[0] == 0.0


@pytest.mark.parametrize("arguments", [(), ("01_a",), (np.zeros(3), "sigmoid"), ("01_a", "not a name")])
def test_bad_arguments_are_a_type_error_that_shows_the_call(course, arguments):
    with pytest.raises(TypeError, match="bring"):
        bring(*arguments)


def test_the_graders_copy_holds_only_building_blocks_of_strictly_earlier_assignments(tmp_path):
    assert earlier_assignments("03_deep_network") == ["01_single_example", "02_vectorized"]
    assert earlier_assignments("01_single_example") == [] and earlier_assignments("unknown") == []
    assert write_earlier(REPO, "unknown", tmp_path) == [] and not any(tmp_path.iterdir())
    assert write_earlier(REPO, "03_deep_network", tmp_path) == ["01_single_example", "02_vectorized"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_single_example", "02_vectorized"]
    blocks = {e.name for e in EXERCISES if e.building_block and e.assignment.folder in ("01_single_example",
                                                                                      "02_vectorized")}
    written = set()
    for path in tmp_path.glob("*/*.ipynb"):
        for cell in json.loads(path.read_text())["cells"]:
            assert "BEGIN SOLUTION" not in "".join(cell["source"])
            written.add(cell["metadata"]["nbgrader"]["grade_id"])
    assert written == blocks


def test_the_release_notebooks_bring_from_source_side_by_side(capsys):
    """The instructor's source/ folders are side by side too: 05's cells bring every name they list."""
    nb = json.loads((REPO / "source" / "05_application" / "05_application.ipynb").read_text())
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "tools_from_03")
    namespace = {"np": np}
    calls = [line for line in "".join(cell["source"]).splitlines() if line.startswith("bring(")]
    assert len(calls) == 3
    here = REPO / "source" / "05_application"
    code = "".join(cell["source"]).replace("bring(", "bring_here(")
    exec(code, {**namespace, "bring_here": lambda *a: bring(*a, namespace=namespace, here=here)})  # noqa: S102
    out = capsys.readouterr().out
    assert [line.split(" (")[0] for line in out.splitlines()] == [
        "bring: from 01_single_example.ipynb", "bring: from 02_vectorized.ipynb", "bring: from 03_deep_network.ipynb"]
    assert {"sigmoid", "layer_backward", "model_backward", "update_parameters"} <= set(namespace)
