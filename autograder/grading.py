"""Grading one filled-in notebook without a gradebook: `python -m autograder grade NOTEBOOK.ipynb`.

The same rules as `nbgrader autograde` with this course's configuration: the test cells (with their hidden
tests) are taken from the source notebook, the notebook is executed, stderr is not held against a cell, and
each test cell is scored by nbgrader's own `determine_grade`.
"""

from __future__ import annotations

import copy
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.utils import determine_grade

from .notebooks import (
    NotACourseNotebook,
    grade_id,
    is_locked_cell,
    is_test_cell,
    read_notebook,
    source_notebooks,
    test_ids,
)
from .stderr_to_stdout import move_stderr

CELL_TIMEOUT = 120


@dataclass
class Exercise:
    grade_id: str
    score: float
    max_score: float
    message: str


@dataclass
class Grade:
    notebook: str
    assignment: str
    score: float = 0.0
    max_score: float = 0.0
    exercises: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def as_dict(self):
        return asdict(self)


def identify_assignment(nb, course_dir, requested=None):
    """The assignment whose source notebook shares the most test-cell ids with nb (or `requested`)."""
    sources = source_notebooks(course_dir)
    if requested:
        if requested not in sources:
            raise NotACourseNotebook(f"no assignment {requested!r}; this course has: {', '.join(sources)}")
        return requested, sources[requested]
    ids = {grade_id(cell) for cell in nb.cells if grade_id(cell)}
    best, overlap = None, 0
    for name, path in sources.items():
        shared = len(ids & {grade_id(c) for c in read_notebook(path).cells if grade_id(c)})
        if shared > overlap:
            best, overlap = name, shared
    if best is None:
        raise NotACourseNotebook("none of its cells belongs to an assignment of this course "
                                 f"({', '.join(sources)}): is it the right file?")
    return best, sources[best]


def restore_locked_cells(nb, source):
    """A copy of nb whose locked cells (tests, with their hidden part, and read-only cells) are the source's.

    Returns (notebook, notes): notes list what was missing or duplicated in the student's copy.
    """
    nb = copy.deepcopy(nb)
    by_id = {grade_id(cell): cell for cell in source.cells if is_locked_cell(cell)}
    seen, kept, notes = set(), [], []
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in by_id:
            if gid in seen:
                notes.append(f"a second copy of cell {gid} was ignored")
                continue
            seen.add(gid)
            original = by_id[gid]
            cell["cell_type"] = original["cell_type"]
            cell["source"] = original["source"]
            cell["metadata"] = copy.deepcopy(original["metadata"])
            if cell["cell_type"] == "code":
                cell.setdefault("outputs", [])
                cell.setdefault("execution_count", None)
        kept.append(cell)
    nb.cells = kept
    missing = [gid for gid, cell in by_id.items() if is_test_cell(cell) and gid not in seen]
    notes += [f"test cell {gid} is missing from the notebook" for gid in missing]
    return nb, notes


def _message(cell):
    """What a student should read about one executed test cell."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            value = output.get("evalue", "")
            return f"{output.get('ename', 'Error')}: {value}" if output.get("ename") != "CheckFailed" else value
    text = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")
    return text.strip() or "passed"


def execute(nb, workdir, timeout=CELL_TIMEOUT):
    """Execute nb in workdir, keeping going after errors; returns a sentence if the run itself broke."""
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(workdir)}})
    try:
        # The kernel process's own stderr (its start-up chatter) is not the notebook's: cell output
        # written to sys.stderr still arrives as stream outputs.
        client.execute(stderr=subprocess.DEVNULL)
    except CellTimeoutError:
        return f"a cell ran longer than {timeout} s and was stopped"
    except DeadKernelError:
        return "the Python kernel died (a crash, os._exit, or too much memory)"
    return None


def grade_notebook(path, course_dir, assignment=None, timeout=CELL_TIMEOUT):
    """Grade one notebook of the course. Raises NotACourseNotebook for a file that cannot be graded."""
    path = Path(path)
    student = read_notebook(path)
    name, source_path = identify_assignment(student, course_dir, assignment)
    source = read_notebook(source_path)
    nb, notes = restore_locked_cells(student, source)
    broke = execute(nb, path.parent.resolve(), timeout)
    grade = Grade(notebook=str(path), assignment=name)
    executed = {grade_id(cell): cell for cell in nb.cells if is_test_cell(cell)}
    for gid in test_ids(source):
        max_score = float(next(c for c in source.cells if grade_id(c) == gid).metadata.nbgrader["points"])
        cell = executed.get(gid)
        if cell is None:
            grade.exercises.append(Exercise(gid, 0.0, max_score, "the test cell was deleted: restore it from the "
                                            "release (score 0)"))
            continue
        move_stderr(cell)
        score, _ = determine_grade(cell)
        ran = cell.get("execution_count") is not None or cell.get("outputs")
        message = _message(cell) if ran else f"not run: {broke or 'an earlier cell stopped the notebook'}"
        grade.exercises.append(Exercise(gid, float(score or 0.0) if ran else 0.0, max_score, message))
    grade.score = sum(e.score for e in grade.exercises)
    grade.max_score = sum(e.max_score for e in grade.exercises)
    grade.notes = notes
    return grade


def format_table(grade):
    """A plain-text table of the grade, one exercise a line, with the first lines of each failure."""
    width = max([len("exercise")] + [len(e.grade_id) for e in grade.exercises])
    lines = [f"{grade.assignment}  ({grade.notebook})", f"  {'exercise':<{width}}  score    message"]
    for e in grade.exercises:
        first, *rest = e.message.splitlines() or [""]
        failing = [line.strip() for line in rest if line.rstrip().endswith("✗") or "✗  " in line][:3]
        summary = "; ".join([first] + failing)
        lines.append(f"  {e.grade_id:<{width}}  {e.score:g} / {e.max_score:g}  {summary[:160]}")
    lines.append(f"  {'total':<{width}}  {grade.score:g} / {grade.max_score:g}")
    for note in grade.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
