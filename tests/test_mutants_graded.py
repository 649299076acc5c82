"""Every mutant of the five catalogues (tests/test_checks_*.py) graded through the notebook engine itself.

For each assignment one notebook is built: a cell that loads the catalogue, then for every mutant a cell defining
it under its exercise's name followed by that exercise's test cell exactly as source/ has it. `IsolatedExecute`
(what `nbgrader autograde` and `python -m autograder grade` run) executes it: each test cell is scored by the
hidden check from outside the kernel, over the wire, and the score is read back with nbgrader's own
`determine_grade`. Every mutant must lose points on its exercise and its feedback must name the mistake; every
correct alternative must keep full marks. The kernel runs without the sandbox here only so that it can import the
catalogues from tests/ (the sandbox has tests of its own: test_sandbox.py, test_cheats.py).
"""

import copy
import importlib
import uuid

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.utils import determine_grade

from autograder.engine.isolated import IsolatedExecute
from autograder.notebooks import grade_id, is_test_cell

from .conftest import REPO, source_nb

pytestmark = pytest.mark.slow

CATALOGUES = {"01_single_example": "test_checks_single_example", "02_vectorized": "test_checks_vectorized",
              "03_deep_network": "test_checks_deep_network", "04_gradient_checking": "test_checks_gradient_checking",
              "05_application": "test_checks_application"}


def entries(module, table="MUTANTS"):
    """[(exercise, how to define it in the kernel, phrase or None)] of a catalogue's mutants (or of its STEERING
    attacks)."""
    found = []
    for index, mutant in enumerate(getattr(module, table, [])):
        exercise = mutant[0]
        if callable(mutant[1]):
            found.append((exercise, f"{exercise} = catalogue.{table}[{index}][1]", mutant[2]))
        else:
            found.append((exercise, f"exec(textwrap.dedent(catalogue.{table}[{index}][2]), globals())", mutant[3]))
    return found


def correct_entries(module):
    """[(exercise, how to define it)] of the catalogue's correct solutions written differently."""
    if hasattr(module, "CORRECT"):
        return [(e, f"{e} = catalogue.CORRECT[{e!r}][{i}]") for e, fs in module.CORRECT.items() for i in range(len(fs))]
    if isinstance(module.ALTERNATIVES, dict):  # a notebook namespace: its functions, rebound to the kernel's
        return [(e, f"{e} = _alternatives[{e!r}]") for e in module.EXERCISES if e in module.ALTERNATIVES]
    return [(entry[0], f"{entry[0]} = catalogue.ALTERNATIVES[{i}][1]") for i, entry in enumerate(module.ALTERNATIVES)]


def graded(assignment, definitions):
    """Build and execute the notebook; [(exercise, score, max score, feedback text)] in order."""
    module_name = CATALOGUES[assignment]
    test_cells = {grade_id(c)[len("test_"):]: c for c in source_nb(assignment).cells if is_test_cell(c)}
    setup = (f"import textwrap\nimport numpy as np\nfrom tests import {module_name} as catalogue\n"
             "from autograder import reference as _ref\n"
             "globals().update({n: getattr(_ref, n) for n in getattr(catalogue, 'TOOLS', [])})\n"
             "import types\n"
             "_alternatives = {k: types.FunctionType(v.__code__, globals(), k, v.__defaults__, v.__closure__)\n"
             "                 for k, v in getattr(catalogue, 'ALTERNATIVES', {}).items()\n"
             "                 if isinstance(v, types.FunctionType) and v.__globals__ is catalogue.ALTERNATIVES}\n"
             "_namespace = catalogue.ALTERNATIVES if isinstance(getattr(catalogue, 'ALTERNATIVES', 0), dict) else {}\n"
             "globals().update({k: _alternatives.get(k, v) for k, v in _namespace.items()\n"
             "                  if k not in catalogue.EXERCISES and not k.startswith('__')})")
    cells = [new_code_cell(setup)]
    for exercise, definition in definitions:
        test_cell = copy.deepcopy(test_cells[exercise])
        test_cell["id"] = uuid.uuid4().hex[:8]
        cells += [new_code_cell(definition), test_cell]
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    IsolatedExecute(timeout=120, notebook_budget=1800, sandbox="none").preprocess(
        nb, {"metadata": {"path": str(REPO)}})
    results = []
    for cell in nb.cells:
        if is_test_cell(cell):
            score, maximum = determine_grade(cell)
            text = "".join(o.get("text", "") + o.get("evalue", "") for o in cell.outputs)
            results.append((grade_id(cell)[len("test_"):], score, maximum, text))
    return results


@pytest.fixture(scope="module")
def report():
    lines = []
    yield lines
    print("\n".join(["", "mutants graded through the notebook engine:", *lines]))


@pytest.mark.parametrize("assignment", CATALOGUES)
def test_every_mutant_loses_points_through_the_engine(assignment, report):
    module = importlib.import_module(f"tests.{CATALOGUES[assignment]}")
    mutants, steering = entries(module), entries(module, "STEERING")
    results = graded(assignment, [(e, d) for e, d, _ in mutants + steering])
    assert len(results) == len(mutants) + len(steering)
    # attacks that change their inputs so that expected values computed after the call would agree: nothing
    # (expected values come from the inputs as drawn, and a changed input scores 0)
    for (exercise, definition, phrase), (_, score, _, text) in zip(steering, results[len(mutants):]):
        phrases = (phrase,) if isinstance(phrase, str) else phrase
        assert score == 0, f"{definition} scored {score} on {exercise}:\n{text}"
        assert any(p in text for p in phrases), f"{definition}: the feedback does not say {phrases}:\n{text}"
    results = results[:len(mutants)]
    unnamed = []
    for (exercise, definition, phrase), (graded_exercise, score, maximum, text) in zip(mutants, results):
        assert graded_exercise == exercise
        assert score < maximum, f"{definition} kept full marks on {exercise}:\n{text}"
        phrases = (phrase,) if isinstance(phrase, str) else phrase or ()
        if phrases:
            assert any(p in text for p in phrases), f"{definition}: the feedback does not say {phrases}:\n{text}"
        else:
            unnamed.append(definition)
    named = len(mutants) - len(unnamed)
    report.append(f"  {assignment}: {len(mutants)} mutants, all lose points, {named} with the mistake named")


@pytest.mark.parametrize("assignment", CATALOGUES)
def test_correct_alternatives_keep_full_marks_through_the_engine(assignment):
    module = importlib.import_module(f"tests.{CATALOGUES[assignment]}")
    alternatives = correct_entries(module)
    assert alternatives, "every catalogue has correct solutions written differently"
    for (exercise, definition), (_, score, maximum, text) in zip(alternatives, graded(assignment, alternatives)):
        assert score == maximum, f"{definition} lost points on {exercise}:\n{text}"
