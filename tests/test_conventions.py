"""The one-name-everywhere rule and the shape of every source notebook (see docs/authoring.md)."""

import ast
import re

import pytest

import autograder.hidden
import autograder.reference
import course.checks
from autograder.notebooks import HIDDEN_MARKERS, grade_id, is_solution_cell, is_test_cell, nbgrader_meta

from .conftest import ASSIGNMENTS, REPO, source_nb

TEST_CELL = """from course.checks import check_{name}

check_{name}({args})
### BEGIN HIDDEN TESTS
from course.checks import hidden_check

hidden_check("{name}")
### END HIDDEN TESTS"""


def exercises(nb):
    return [grade_id(c) for c in nb.cells if is_solution_cell(c) and not grade_id(c).startswith("tools_from_")]


def test_there_are_assignments():
    assert "01_single_example" in ASSIGNMENTS


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_folder_holds_only_the_notebook(name):
    files = [p.name for p in (REPO / "source" / name).iterdir() if p.name != ".ipynb_checkpoints"]
    assert files == [f"{name}.ipynb"], f"source/{name} must hold only its notebook (nbgrader releases all): {files}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_outputs_are_stripped(name):
    for cell in source_nb(name).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{name}: cell {grade_id(cell)} has outputs"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_exercise_has_one_name_everywhere(name):
    nb = source_nb(name)
    names = exercises(nb)
    assert names, f"{name} has no exercise"
    readme = (REPO / "README.md").read_text()
    cells = nb.cells
    for index, cell in enumerate(cells):
        gid = grade_id(cell)
        if gid not in names:
            continue
        defined = [n.name for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef)]
        assert gid in defined, f"solution cell {gid} must define def {gid}(...)"
        assert callable(getattr(autograder.reference, gid, None)), f"autograder.reference.{gid} is missing"
        assert callable(getattr(course.checks, f"check_{gid}", None)), f"course.checks.check_{gid} is missing"
        assert callable(getattr(autograder.hidden, f"check_{gid}", None)), f"autograder.hidden.check_{gid} missing"
        test = next(c for c in cells[index + 1:] if c.cell_type == "code")
        assert grade_id(test) == f"test_{gid}", f"the code cell after {gid} must be test_{gid}"
        meta = nbgrader_meta(test)
        assert is_test_cell(test) and meta["locked"] and meta["points"] > 0
        # the check takes only the student's function: its expected values are stored, no earlier function is run
        assert test.source == TEST_CELL.format(name=gid, args=gid), f"test_{gid} is not the standard cell"
        assert re.search(rf"\|\s*`?{gid}", readme), f"README's curriculum table lacks {gid}"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_test_cells_belong_to_exercises(name):
    nb = source_nb(name)
    names = set(exercises(nb))
    for cell in nb.cells:
        if is_test_cell(cell):
            assert grade_id(cell).removeprefix("test_") in names
            hidden = cell.source.split(HIDDEN_MARKERS[0])[1].split(HIDDEN_MARKERS[1])[0]
            calls = [line for line in hidden.splitlines() if line.strip() and not line.startswith("from ")]
            assert len(calls) == 1, f"the hidden part of {grade_id(cell)} must be a single call"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_graded_functions_document_their_shapes(name):
    for cell in source_nb(name).cells:
        if is_solution_cell(cell) and grade_id(cell) in exercises(source_nb(name)):
            fn = next(n for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef) and n.name == grade_id(cell))
            doc = ast.get_docstring(fn) or ""
            assert "Returns" in doc or "returns" in doc, f"{fn.name}'s docstring must state what it returns"


def test_course_modules_do_not_shadow_each_other():
    """course.checks and course.plotting gather several modules into one namespace: a name may come from one only."""
    import importlib
    import pkgutil

    for package in ("course.checks", "course.plotting"):
        owners = {}
        for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{package}.{info.name}")
            public = getattr(module, "__all__", None) or [
                n for n, v in vars(module).items()
                if not n.startswith("_") and getattr(v, "__module__", None) == module.__name__]
            for name in public:
                assert name not in owners, f"{package}: {name} is defined in both {owners[name]} and {info.name}"
                owners[name] = info.name


def test_the_registry_is_the_order_and_points_of_the_test_cells():
    from autograder.exercises import ASSIGNMENTS as REGISTERED
    from autograder.exercises import EXERCISES

    cells = [(name, grade_id(c).removeprefix("test_"), c.metadata["nbgrader"]["points"])
             for name in ASSIGNMENTS for c in source_nb(name).cells if is_test_cell(c)]
    assert [(e.assignment.folder, e.name, e.points) for e in EXERCISES] == cells, \
        "autograder/exercises.py must list every test cell of source/, in order, with its points"
    assert [a.folder for a in REGISTERED] == list(ASSIGNMENTS)


def test_the_readme_curriculum_is_the_registry():
    from autograder.exercises import update_curriculum

    assert update_curriculum(REPO / "README.md", check=True) == [], \
        "README.md's curriculum table differs from autograder/exercises.py: run `python -m autograder release`"


def test_every_registered_exercise_is_in_every_place():
    """The four places of an exercise (docs/authoring.md): the registry, the reference, its checks (the hidden
    check and the visible check's stored script), its notebook cells. A missing one fails here."""
    from autograder import visible
    from autograder.exercises import ASSIGNMENTS as REGISTERED
    from autograder.exercises import EXERCISES
    from course.checks import stored

    scripts = stored.exercises()
    for e in EXERCISES:
        assert callable(getattr(autograder.reference, e.name, None)), f"autograder.reference.{e.name} is missing"
        assert callable(getattr(autograder.hidden, f"check_{e.name}", None)), f"hidden check_{e.name} is missing"
        assert e.name in scripts, f"no stored visible check for {e.name}: run `python -m autograder release`"
        assert callable(getattr(course.checks, f"check_{e.name}", None))
    assert [a.folder for a in REGISTERED] == visible.assignments(), "an assignment has no autograder/visible module"
