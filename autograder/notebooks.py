"""Reading course notebooks: which cells are exercises, tests and solutions, and where the course lives."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import nbformat

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


class NotACourseNotebook(ValueError):
    """The file is not a notebook of this course; the message says why in plain words."""


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell):
    return nbgrader_meta(cell).get("grade_id")


def is_test_cell(cell):
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def is_solution_cell(cell):
    return bool(nbgrader_meta(cell).get("solution"))


def is_locked_cell(cell):
    meta = nbgrader_meta(cell)
    return bool(meta.get("locked")) and not meta.get("solution")


def without_markers(source, markers=SOLUTION_MARKERS):
    """The cell's text with the lines that are exactly one of the markers removed (their content kept)."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in markers)


def read_notebook(path):
    """Read a notebook file, or raise NotACourseNotebook with a sentence a person understands."""
    path = Path(path)
    if not path.is_file():
        raise NotACourseNotebook(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise NotACourseNotebook(f"{path}: not a text file ({error})") from error
    if not text.strip():
        raise NotACourseNotebook(f"{path}: the file is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotACourseNotebook(f"{path}: not valid JSON, so not a notebook (line {error.lineno}: {error.msg})") \
            from error
    if not isinstance(data, dict) or "cells" not in data:
        raise NotACourseNotebook(f"{path}: JSON, but not a Jupyter notebook (no 'cells')")
    if data.get("nbformat") != 4:
        raise NotACourseNotebook(f"{path}: nbformat {data.get('nbformat')!r}; this course needs nbformat 4")
    with warnings.catch_warnings():  # nbformat warns about missing cell ids and the like: not our business here
        warnings.simplefilter("ignore")
        return nbformat.reads(text, as_version=4)


def _course_problem(folder):
    """Why `folder` is not a course directory (a sentence), or None if it is one."""
    folder = Path(folder)
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not (folder / "nbgrader_config.py").is_file():
        return f"{folder} has no nbgrader_config.py"
    if not (folder / "source").is_dir():
        return f"{folder} has no source/ folder"
    return None


def course_dir_and_origin(explicit=None, installed=True):
    """(course directory, how it was found): `explicit` (--course-dir), else $BACKPROP_COURSE_DIR, else the
    nearest folder at or above the working directory with nbgrader_config.py and source/, else (only if
    `installed`) the checkout this package was installed from. An explicit folder that is not a course
    directory is an error, never a reason to look elsewhere. Raises NotACourseNotebook with what to do."""
    for given, origin in ((explicit, "--course-dir"), (os.environ.get("BACKPROP_COURSE_DIR"), "$BACKPROP_COURSE_DIR")):
        if given:
            problem = _course_problem(given)
            if problem:
                raise NotACourseNotebook(f"{origin}: {problem}; a course directory holds nbgrader_config.py "
                                         "and source/")
            return Path(given).resolve(), origin
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if _course_problem(candidate) is None:
            return candidate, "found at or above the working directory"
    checkout = Path(__file__).resolve().parents[1]
    if installed and _course_problem(checkout) is None:
        return checkout, f"the checkout autograder was installed from; none at or above {here}"
    raise NotACourseNotebook(f"no nbgrader_config.py with a source/ folder beside it in {here} or any folder above "
                             "it: run inside the course directory or pass --course-dir")


def find_course_dir(explicit=None, installed=True):
    """The course directory only (see course_dir_and_origin)."""
    return course_dir_and_origin(explicit, installed)[0]


def source_notebooks(course_dir):
    """{assignment name: path of its source notebook}, in course order."""
    found = {}
    for folder in sorted((Path(course_dir) / "source").iterdir()):
        notebooks = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
        if notebooks:
            found[folder.name] = notebooks[0]
    return found


def test_ids(nb):
    return [grade_id(cell) for cell in nb.cells if is_test_cell(cell)]
