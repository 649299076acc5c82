"""Grading one filled-in notebook without a gradebook: `python -m autograder grade NOTEBOOK.ipynb`.

The same engine as `nbgrader autograde` with this course's configuration (autograder/isolated.py): the test cells
are taken from the source notebook, the notebook runs in the sandbox, each exercise is scored by its hidden check
from outside the kernel, stderr is not held against a cell, and each test cell's score is read by nbgrader's own
`determine_grade`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from nbgrader.utils import determine_grade, setenv

from .isolated import IsolatedExecute
from .notebooks import NotACourseNotebook, grade_id, is_test_cell, read_notebook, source_notebooks
from .repair import repair
from .stderr_to_stdout import StderrToStdout
from .verdict import HEADER

CELL_TIMEOUT = 60
NOTEBOOK_BUDGET = 300


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
    """The assignment whose source notebook shares the most cell grade_ids with nb (or `requested`)."""
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


def _message(cell):
    """What a student should read about one executed test cell: the hidden check's report, which decides."""
    text = "".join(o.get("text", "") or o.get("evalue", "") + "\n" for o in cell.get("outputs", []))
    if HEADER in text:
        report = text[text.index(HEADER):].split("\n", 1)
        return report[1].strip() if len(report) > 1 else report[0]
    return text.strip() or "passed"


def execute(nb, workdir, timeout=CELL_TIMEOUT, budget=NOTEBOOK_BUDGET):
    """Execute nb in workdir as nbgrader autograde does with this course's configuration."""
    executor = IsolatedExecute(timeout=timeout, notebook_budget=budget, interrupt_on_timeout=True)
    with setenv(NBGRADER_EXECUTION="autograde"):  # as nbgrader autograde does: visible checks advise only
        executor.preprocess(nb, {"metadata": {"path": str(workdir)}})
    StderrToStdout().preprocess(nb, {})
    return nb


def grade_notebook(path, course_dir, assignment=None, timeout=CELL_TIMEOUT):
    """Grade one notebook of the course. Raises NotACourseNotebook for a file that cannot be graded."""
    path = Path(path)
    student = read_notebook(path)
    name, source_path = identify_assignment(student, course_dir, assignment)
    nb, notes = repair(student, read_notebook(source_path), name)
    execute(nb, path.parent.resolve(), timeout)
    grade = Grade(notebook=str(path), assignment=name, notes=notes)
    executed = {grade_id(cell): cell for cell in nb.cells if is_test_cell(cell)}
    for gid, cell in executed.items():
        score, max_score = determine_grade(cell)
        grade.exercises.append(Exercise(gid, float(score or 0.0), max_score, _message(cell)))
    grade.score = sum(e.score for e in grade.exercises)
    grade.max_score = sum(e.max_score for e in grade.exercises)
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
