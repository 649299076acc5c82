"""The course's own versions of earlier exercises, for `course.earlier.bring` in a notebook that is being graded.

A later notebook brings the student's earlier functions with one line (`bring("01_single_example", "sigmoid")`).
While it is graded, the student's earlier notebook is not in the submission; and were it there, a slip in it would
make this notebook's demo cells fail too. So the grader writes, for each assignment strictly before the one being
graded, a notebook holding only the solution cells of its building blocks (the registry's `building_block`), from
source/ with nbgrader's solution markers removed, and names their folder to the kernel (course.earlier.ENVIRONMENT).
The kernel sees that folder read-only (autograder/engine/sandbox.py). Nothing of the assignment being graded, or of
a later one, is ever written there: an unknown assignment gets nothing at all.
"""

from __future__ import annotations

import nbformat

from course.earlier import ENVIRONMENT

from ..exercises import ASSIGNMENTS, EXERCISES
from ..notebooks import NotACourseNotebook, grade_id, is_solution_cell, read_notebook, without_markers

__all__ = ["ENVIRONMENT", "earlier_assignments", "write_earlier"]


def earlier_assignments(assignment):
    """The folder names of the assignments strictly before `assignment` (none for an unknown one)."""
    folders = [a.folder for a in ASSIGNMENTS]
    return folders[:folders.index(assignment)] if assignment in folders else []


def write_earlier(course_dir, assignment, out):
    """Write out/<earlier>/<earlier>.ipynb for every assignment before `assignment`, each holding the solution cells
    of its building blocks from the course's source notebook, without solution markers. Returns the folders
    written (assignment names); an assignment whose source notebook cannot be read is left out."""
    blocks = {e.name for e in EXERCISES if e.building_block}
    written = []
    for folder in earlier_assignments(assignment):
        try:
            source = read_notebook(course_dir / "source" / folder / f"{folder}.ipynb")
        except NotACourseNotebook:
            continue
        cells = []
        for cell in source.cells:
            if is_solution_cell(cell) and grade_id(cell) in blocks:
                code = nbformat.v4.new_code_cell(without_markers(cell.source))
                code.metadata["nbgrader"] = dict(cell.metadata["nbgrader"])
                cells.append(code)
        (out / folder).mkdir(parents=True, exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(cells=cells), out / folder / f"{folder}.ipynb")
        written.append(folder)
    return written
