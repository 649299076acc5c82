"""Demonstration cells (autograder/engine/demonstrations.py): which cells are marked, that skipping them is safe,
and whose marking counts. Grading with them skipped is tested through the real engine in tests/test_grading.py
(every assignment's complete notebook: full marks, the note in each marked cell) and tests/test_cheats.py (a
student who moves the marks around)."""

from __future__ import annotations

import ast
import copy
import subprocess
import sys

import nbformat
import pytest

from autograder.engine.demonstrations import (
    NOTE,
    cells_to_skip,
    defined_names,
    is_marked,
    mark_skipped,
    marked_in_sources,
    safe_to_skip,
)
from autograder.notebooks import nbgrader_meta

from .conftest import ASSIGNMENTS, REPO, release_nb, source_nb


def _code(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _names_read(text):
    """Every name a cell reads anywhere (its functions' bodies included): the safety test's own, blunt count."""
    return {n.id for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _names_bound(text):
    """Every name a cell binds at its top level (assignment, def, class, import, loop), however it does it."""
    tree = ast.parse(text)
    bound = {n.id for statement in tree.body for n in ast.walk(statement)
             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    imported = {(a.asname or a.name).split(".")[0] for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))
                for a in s.names}
    return bound | imported | {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_later_cell_reads_a_name_a_marked_cell_defines(name):
    """The safety rule on every source notebook, two ways: the engine's own (`safe_to_skip`: no later cell reads a
    name the marked cell binds or changes while it still holds the marked cell's value), and bluntly: no later
    cell reads such a name anywhere (functions included) without binding it itself. Later marked cells are skipped
    too, so they read nothing; the release as handed out has every marked cell skipped. Marked cells are ordinary."""
    code = _code(source_nb(name))
    marked = [position for position, cell in enumerate(code) if is_marked(cell)]
    assert marked, f"{name}: no cell is marked as a demonstration"
    for position in marked:
        cell = code[position]
        assert not nbgrader_meta(cell), f"{name}: {cell.id} is an nbgrader cell; only ordinary cells are marked"
        running = [later for later in code[position + 1:] if not is_marked(later)]
        assert safe_to_skip(cell.source, [later.source for later in running]), cell.id
        defined = defined_names(ast.parse(cell.source))
        for later in running:
            read = (_names_read(later.source) & defined) - _names_bound(later.source)
            assert not read, f"{name}: {cell.id} is marked, but cell {later.id} reads {sorted(read)}"
            defined -= _names_bound(later.source)  # bound anew in between: from here on not the marked cell's
    release = release_nb(name)
    assert cells_to_skip(release, marked_in_sources(REPO)) == \
        {index for index, cell in enumerate(release.cells) if cell.cell_type == "code" and is_marked(cell)}


def test_a_notebook_graded_without_its_figures_never_imports_pyplot():
    """Importing matplotlib.pyplot takes most of a second of every graded notebook. course.plotting imports it when
    a first figure is drawn, and only the cells that draw with `plt` themselves import it, all of them marked."""
    probe = "import sys, course.plotting; print('matplotlib.pyplot' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", done.stderr
    for name in ASSIGNMENTS:
        for cell in _code(source_nb(name)):
            imports = "import matplotlib.pyplot as plt" in cell.source
            assert imports == ("plt." in cell.source), f"{name} {cell.id}: `plt.` without its import, or the reverse"
            assert not imports or is_marked(cell), f"{name} {cell.id}: draws with plt, yet runs while grading"


def test_the_costly_demonstrations_are_marked():
    """05's experiments (some thirty training runs) and 02's timing are marked, and kept in the release."""
    for name, phrases in (("05_application", ["for epochs in checkpoints", "for seed in range(8)",
                                              "for label, rate, batch in"]),
                          ("02_vectorized", ["stopwatch = Stopwatch()"])):
        for nb in (source_nb(name), release_nb(name)):
            for phrase in phrases:
                cell = next(c for c in _code(nb) if phrase in c.source)
                assert is_marked(cell), f"{name}: the cell with {phrase!r} is not marked"


def test_the_authority_is_the_instructors_copy():
    marked = marked_in_sources(REPO)
    release = release_nb("05_application")
    honest = cells_to_skip(release, marked)
    assert honest and all(is_marked(release.cells[i]) for i in honest)
    tampered = copy.deepcopy(release)
    for cell in tampered.cells:  # every mark removed, and every other code cell marked
        if cell.cell_type == "code":
            meta = cell.metadata.setdefault("backprop_course", {})
            meta["demonstration"] = not meta.get("demonstration", False)
    assert cells_to_skip(tampered, marked) == honest
    edited = copy.deepcopy(release)
    first = min(honest)
    edited.cells[first].source += "\nprint('mine')"  # a changed demonstration is the student's code: it runs
    assert cells_to_skip(edited, marked) == honest - {first}


def test_a_later_use_makes_a_marked_cell_run():
    marked = marked_in_sources(REPO)
    release = release_nb("05_application")
    skipped = cells_to_skip(release, marked)
    first = next(i for i in skipped if "for seed in range(8)" in release.cells[i].source)  # it defines `centred`
    # and reads Y_train, which the notebook's own training run defines: that demonstration runs with it
    training = next(i for i in skipped if "parameters, costs = train(" in release.cells[i].source)
    for later_code in ("print(centred)", "def mine():\n    return centred"):
        nb = copy.deepcopy(release)
        nb.cells.append(nbformat.v4.new_code_cell(later_code))
        assert cells_to_skip(nb, marked) == skipped - {first, training}, later_code
    nb = copy.deepcopy(release)  # bound anew before it is read: the demonstration's value is not used
    nb.cells.append(nbformat.v4.new_code_cell("centred = 1\nprint(centred)"))
    assert cells_to_skip(nb, marked) == skipped


def test_a_demonstration_only_skipped_cells_read_is_skipped_until_one_of_them_runs():
    cells = [nbformat.v4.new_code_cell(text) for text in
             ("xs = [1, 2, 3]", "print(sum(xs))", "print(len(xs))", "ys = 2")]
    for number, cell in enumerate(cells):
        cell.id = f"cell-{number}"
    nb = nbformat.v4.new_notebook(cells=cells)
    marked = {(cell.id, cell.source) for cell in cells[:3]}
    assert cells_to_skip(nb, marked) == {0, 1, 2}  # 1 and 2 read xs, but they are skipped: they read nothing
    edited = copy.deepcopy(nb)
    edited.cells[2].source = "print(len(xs), 'mine')"  # the student's own code now: it runs, and needs xs
    assert cells_to_skip(edited, marked) == {1}
    edited.cells.append(nbformat.v4.new_code_cell("print(xs)"))
    edited.cells[2].source = cells[2].source  # put back; a new cell of the student's reads xs instead
    assert cells_to_skip(edited, marked) == {1, 2}


@pytest.mark.parametrize("cell, later, safe", [
    ("x = 1", ["print(x)"], False),
    ("x = 1", ["def f():\n    return x"], False),
    ("x = 1", ["x = 2\nprint(x)"], True),
    ("x = 1", ["if True:\n    x = 2\nprint(x)"], False),  # not bound for sure: still the demonstration's x
    ("values[0] = 5", ["print(values)"], False),  # an object changed in place
    ("obj.attr = 5", ["print(obj)"], False),
    ("import json", ["json.dumps(1)"], False),
    ("def g():\n    global y\n    y = 1", ["print(y)"], False),
    ("print([i for i in range(3)])", ["print(i)"], True),  # a comprehension's variable is its own
    ("def f(v):\n    local = v\n    return local", ["print(local, v)"], True),  # a function's locals too
    ("def f():\n    values[0] = 1", ["print(values)"], False),  # but not the objects it changes
    ("print([(y := v) for v in range(3)])", ["print(y)"], False),
    ("class C:\n    attribute = 1", ["print(attribute)"], True),
    ("class C:\n    attribute = 1", ["print(C)"], False),
    ("x = 1", ["print(globals())"], False),
    ("x = 1", ["%time print(x)"], False),  # a magic may read anything
    ("x = 1", ["this is not python"], True),  # a cell that does not parse runs nothing
    ("from math import *", ["print(1)"], False),
    ("exec('z = 1')", ["print(1)"], False),
    ("x = (", [], False),
])
def test_safe_to_skip(cell, later, safe):
    assert safe_to_skip(cell, later) is safe


def test_a_skipped_cell_says_why():
    cell = nbformat.v4.new_code_cell("print(1)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="old\n")]
    mark_skipped(cell)
    assert [o["text"] for o in cell.outputs] == [NOTE] and "run it in JupyterLab" in NOTE
    assert cell.metadata["backprop_course"]["skipped"] is True
