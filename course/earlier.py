"""Your functions from an earlier notebook, brought into a later one with one line instead of pasted.

    from course.earlier import bring

    bring("01_single_example", "sigmoid", "relu")

runs the solution cells `sigmoid` and `relu` of your notebook 01_single_example.ipynb in the notebook that calls
it, so that they are defined there as if you had pasted them. It looks for the earlier notebook

1. in the folder named by the environment variable BACKPROP_EARLIER_NOTEBOOKS, when it is set (the grader sets it
   for the notebooks it grades: there, the course's own versions of earlier exercises stand in for yours, so a slip
   in an earlier assignment does not cost points twice);
2. next to the folder of the notebook you are working in: `../01_single_example/01_single_example.ipynb`. Keep
   your assignment folders side by side, as they come, and save the earlier notebook before you bring from it.

An exercise you have not finished there (its cell still says `raise NotImplementedError()`), a cell that fails,
or a notebook that is not found is named in what `bring` prints; the function is then defined all the same, as
one that raises an error saying what to do when it is called, so the rest of the notebook still runs.

Nothing here computes an exercise's answer: it only reads your notebook and runs your cells.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

ENVIRONMENT = "BACKPROP_EARLIER_NOTEBOOKS"
_UNFINISHED = re.compile(r"^\s*raise\s+NotImplementedError(\(\s*\))?\s*$", re.MULTILINE)  # the course's stub


class NotBrought(RuntimeError):
    """A function `bring` could not bring from the earlier notebook; the message says why and what to do."""


def _places(assignment, here=None):
    """[(path of the notebook, how it was found)] where `bring` looks for the notebook `assignment`, in order."""
    places = []
    folder = os.environ.get(ENVIRONMENT)
    if folder:
        places.append((Path(folder) / assignment / f"{assignment}.ipynb", "the grader's copy"))
    here = Path.cwd() if here is None else Path(here)
    places.append((here.resolve().parent / assignment / f"{assignment}.ipynb", "yours"))
    return places


def _solution_cells(path):
    """{grade_id: source} of the solution cells of the notebook at `path`; raises NotBrought if it is unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cells = data["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        raise NotBrought(f"{path} could not be read as a notebook ({error}): open it in JupyterLab and save it "
                         "again") from error
    found = {}
    for cell in cells:
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if cell.get("cell_type") == "code" and meta.get("solution") and meta.get("grade_id"):
            source = cell.get("source", "")
            found[meta["grade_id"]] = "".join(source) if isinstance(source, list) else source
    return found


def _stand_in(name, reason):
    """A function `name` that raises NotBrought(reason) when called: the notebook still runs until it is needed."""
    def not_brought(*args, **kwargs):
        raise NotBrought(f"{name} was not brought from the earlier notebook: {reason}")

    not_brought.__name__ = not_brought.__qualname__ = name
    not_brought.__doc__ = f"Not brought from the earlier notebook: {reason}"
    return not_brought


def bring(assignment, *names, namespace=None, here=None):
    """Define your functions `names` from the earlier notebook `assignment` in the calling notebook.

    Args:
        assignment: the earlier assignment's folder name, e.g. "01_single_example".
        *names: the exercises to bring, e.g. "sigmoid", "relu": each is the grade_id of a solution cell there.
        namespace: where to define them (default: the caller's global names, i.e. the notebook's).
        here: the folder of the calling notebook (default: the working directory, which is the notebook's own
            folder in JupyterLab and when it is graded).
    Returns:
        the list of names that were brought, in the order asked; the others are defined as functions that raise
        NotBrought with the reason. Prints one line saying what was defined, and one line per problem.
    """
    if not isinstance(assignment, str) or not names or not all(isinstance(n, str) and n.isidentifier()
                                                                 for n in names):
        raise TypeError('bring("<earlier assignment>", "<function>", ...): an assignment folder name and the '
                        'names of its exercises, all strings, e.g. bring("01_single_example", "sigmoid")')
    if namespace is None:
        namespace = sys._getframe(1).f_globals  # the notebook's names when called from a cell
    places = _places(assignment, here)
    found = next(((path, origin) for path, origin in places if path.is_file()), None)
    if found is None:
        looked = " and ".join(str(path) for path, _ in places)
        reason = (f"{assignment}.ipynb was not found (looked at {looked}). Keep your assignment folders side by "
                  f"side ({assignment}/ next to this notebook's folder), open this notebook from its own folder, "
                  "and run this cell again")
        for name in names:
            namespace[name] = _stand_in(name, reason)
        print(f"bring: nothing brought: {reason}.")
        return []
    path, origin = found
    try:
        cells = _solution_cells(path)
    except NotBrought as error:
        for name in names:
            namespace[name] = _stand_in(name, str(error))
        print(f"bring: nothing brought: {error}.")
        return []
    brought, problems = [], []
    for name in names:
        problem = _run(name, cells.get(name), assignment, namespace)
        if problem and name not in cells and origin == "the grader's copy":
            problem += "; the grader's copy holds only the exercises that later notebooks build on"
        if problem:
            namespace[name] = _stand_in(name, problem)
            problems.append(problem)
        else:
            brought.append(name)
    print(f"bring: from {assignment}.ipynb ({origin}, {path}): {', '.join(brought) or 'nothing'}")
    for problem in problems:
        print(f"bring: {problem}")
    return brought


def _run(name, source, assignment, namespace):
    """Run the solution cell `source` of exercise `name` in `namespace`; the problem (a sentence) or None."""
    if source is None:
        return (f"{assignment}.ipynb has no solution cell {name!r} (is it the right notebook, and the right "
                "name?)")
    if _UNFINISHED.search(source):
        return (f"{name} is not finished in {assignment}.ipynb (its cell still raises NotImplementedError): "
                f"finish it there, save that notebook, and run this cell again")
    try:
        exec(compile(source, f"<{assignment}: {name}>", "exec"), namespace)  # noqa: S102 - the student's own cell
    except Exception as error:  # noqa: BLE001 - any failure of the student's cell is reported, never raised
        return (f"{name}'s cell in {assignment}.ipynb fails when it runs ({type(error).__name__}: {error}): "
                "fix it there, save that notebook, and run this cell again")
    if not callable(namespace.get(name)):
        return f"{name}'s cell in {assignment}.ipynb does not define a function {name}"
    return None
