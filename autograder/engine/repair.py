"""Turning whatever a student handed in into a notebook that can be graded, and saying what was done.

Used by both grading paths (nbgrader's autograde through `RepairingExporter` below, wired in by
nbgrader_config.py, and `python -m autograder grade`), so they treat a broken submission alike:
- a file that cannot be read (empty, not JSON, another nbformat) becomes the assignment's stub notebook: it runs,
  every test fails, the score is 0, and the reason is the first cell of the feedback;
- a second copy of a cell (a copy-paste, a JupyterLab split) is kept as ordinary code if it was a solution cell
  (the student's code still runs) and dropped if it was a locked cell;
- a locked cell (test or read-only) is always the instructor's version, with its type;
- a deleted test cell is put back, after the cells that come before it in the source;
- cells of another assignment lose their grading metadata (they are ordinary code here).
The student's file itself is never changed.
"""

from __future__ import annotations

import copy
import os
import re

import nbformat
from nbconvert.exporters import NotebookExporter

from ..notebooks import (
    SOLUTION_MARKERS,
    NotACourseNotebook,
    grade_id,
    is_locked_cell,
    is_solution_cell,
    nbgrader_meta,
    read_notebook,
)

NOTE_TITLE = "**Notes from the grader about this submission**"


def stub(source):
    """The source cell with each solution region replaced by `raise NotImplementedError()`, as released."""
    begin, end = (re.escape(m) for m in SOLUTION_MARKERS)
    return re.sub(rf"^([ \t]*){begin}.*?^[ \t]*{end}[^\n]*",
                  lambda match: f"{match.group(1)}raise NotImplementedError()", source, flags=re.MULTILINE | re.DOTALL)


def _plain(cell):
    cell = copy.deepcopy(cell)
    cell.get("metadata", {}).pop("nbgrader", None)
    return cell


def _from_source(cell, solution_stub=False):
    """A fresh copy of a source cell (no outputs); a solution cell is stubbed when asked."""
    cell = copy.deepcopy(cell)
    if cell.get("cell_type") == "code":
        cell["outputs"], cell["execution_count"] = [], None
    if solution_stub and is_solution_cell(cell):
        cell["source"] = stub(cell["source"])
    return cell


def repair(student, source, assignment):
    """Return (notebook to grade, notes) for a student's notebook of `assignment` (see the module's docstring)."""
    wanted = {grade_id(c): c for c in source.cells if grade_id(c)}
    order = [grade_id(c) for c in source.cells if grade_id(c)]
    notes, cells, seen = [], [], set()
    for cell in student.cells:
        gid = grade_id(cell)
        if gid is None:
            cells.append(cell)
        elif gid not in wanted:
            notes.append(f"cell `{gid}` does not belong to {assignment}: it was run as ordinary code")
            cells.append(_plain(cell))
        elif gid in seen:
            if is_solution_cell(wanted[gid]):
                notes.append(f"a second copy of cell `{gid}` was run as ordinary code after the first")
                cells.append(_plain(cell))
            else:
                notes.append(f"a second copy of the locked cell `{gid}` was left out")
        else:
            seen.add(gid)
            original = wanted[gid]
            if is_locked_cell(original):
                if cell.get("cell_type") != original.get("cell_type"):
                    notes.append(f"the locked cell `{gid}` had been changed to {cell.get('cell_type')}: restored")
                cells.append(_from_source(original))
            else:
                if cell.get("cell_type") != original.get("cell_type"):
                    notes.append(f"your cell `{gid}` had been changed to {cell.get('cell_type')}: run as "
                                 f"{original.get('cell_type')}")
                    cell = copy.deepcopy(cell)
                    cell["cell_type"] = original["cell_type"]
                    if cell["cell_type"] == "code":
                        cell["outputs"], cell["execution_count"] = [], None
                    cell.pop("attachments", None)
                cell["metadata"]["nbgrader"] = copy.deepcopy(nbgrader_meta(original))
                cells.append(cell)
    if not any(is_solution_cell(wanted[gid]) or nbgrader_meta(wanted[gid]).get("grade") for gid in seen):
        notes.append(f"none of the graded cells of {assignment} were found: is this the right notebook?")
    # Put back what is missing, each after the last cell that precedes it in the source.
    for index, gid in enumerate(order):
        if gid in seen:
            continue
        original = wanted[gid]
        if is_locked_cell(original) and nbgrader_meta(original).get("grade"):
            notes.append(f"the test cell `{gid}` was missing: it was put back")
        elif is_solution_cell(original):
            notes.append(f"the cell `{gid}` was missing: an empty one was put in its place")
        before = [g for g in order[:index] if g in seen]
        position = 0
        if before:
            position = 1 + max(i for i, c in enumerate(cells) if grade_id(c) == before[-1])
        cells.insert(position, _from_source(original, solution_stub=True))
        seen.add(gid)
    nb = copy.deepcopy(student)
    nb.cells = cells
    nb.metadata["kernelspec"] = copy.deepcopy(source.metadata.get("kernelspec", {}))
    return nb, notes


def unreadable(source, reason):
    """The notebook graded in place of a file that cannot be read: the release stubs, which score 0."""
    nb = copy.deepcopy(source)
    nb.cells = [_from_source(c, solution_stub=True) for c in source.cells]
    return nb, [f"your file could not be read, so nothing of it could be run: {reason}"]


def with_notes(nb, notes):
    """nb with a first markdown cell listing the notes (nothing added when there are none)."""
    if notes:
        text = "\n".join([NOTE_TITLE, ""] + [f"- {note}" for note in notes])
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(text))
    return nb


def gradable(path, source, assignment):
    """Read and repair the student's file at `path`; returns (notebook, notes). Never raises for a bad file."""
    try:
        student = read_notebook(path)
    except NotACourseNotebook as error:
        return unreadable(source, str(error).split(": ", 1)[-1])
    return repair(student, source, assignment)


class RepairingExporter(NotebookExporter):
    """NotebookExporter whose reading step repairs a submission instead of failing on it."""

    def from_file(self, file_stream, resources=None, **kw):
        filename = getattr(file_stream, "name", None)
        coursedir = getattr(self.parent, "coursedir", None)
        info = (resources or {}).get("nbgrader", {})
        assignment, notebook_id = info.get("assignment"), info.get("notebook")
        if not filename or coursedir is None or not assignment or not notebook_id:
            return super().from_file(file_stream, resources, **kw)
        source_path = os.path.join(coursedir.format_path(coursedir.source_directory, ".", assignment),
                                   f"{notebook_id}.ipynb")
        if not os.path.isfile(source_path) or os.path.samefile(filename, source_path):
            return super().from_file(file_stream, resources, **kw)
        nb, notes = gradable(filename, read_notebook(source_path), assignment)
        return self.from_notebook_node(with_notes(nb, notes), resources=resources, **kw)
