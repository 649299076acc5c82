"""Grading one filled-in notebook without a gradebook: `python -m autograder grade NOTEBOOK.ipynb`.

The same pipeline as `nbgrader autograde`: the course's nbgrader_config.py is loaded, and its autograde
preprocessors run with its limits (the engine of autograder/engine/isolated.py, stderr moved to stdout, nbgrader's own
steps), except the ones that write to a gradebook, which `grade` has not. The test cells are taken from the
source notebook first (autograder/engine/repair.py). Each test cell's score is read by nbgrader's own `determine_grade`,
and its verdict from the data the engine stored in the cell (autograder/engine/verdict.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from nbgrader.converters import Autograde
from nbgrader.utils import determine_grade, setenv
from traitlets.config.loader import PyFileConfigLoader

from ..engine.repair import repair
from ..engine.verdict import recorded
from ..notebooks import NotACourseNotebook, grade_id, is_test_cell, read_notebook, source_notebooks

# nbgrader's autograde steps that need a gradebook: `grade` has none and skips them.
GRADEBOOK_STEPS = ("SaveAutoGrades", "AssignLatePenalties")


@dataclass
class Exercise:
    grade_id: str
    score: float
    max_score: float
    message: str
    groups: dict = field(default_factory=dict)   # {output: right} as partial credit counted it
    failing: list = field(default_factory=list)  # the hidden check's failed lines


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


def course_config(course_dir, timeout=None):
    """The course's nbgrader configuration (its nbgrader_config.py), with the cell time limit `timeout` if given."""
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config()
    if timeout is not None:
        config.Execute.timeout = timeout
    return config


def autograde_steps(config):
    """The course's autograde preprocessors, configured, without those that write to a gradebook."""
    classes = config.Autograde.get("autograde_preprocessors") or \
        Autograde.class_traits()["autograde_preprocessors"].default()
    return [cls(config=config) for cls in classes if cls.__name__ not in GRADEBOOK_STEPS]


def execute(nb, workdir, config, course_dir=None):
    """Run the course's autograde steps on nb, in workdir, as nbgrader autograde does; course_dir's source
    notebooks say which cells are demonstrations (autograder/engine/demonstrations.py)."""
    resources = {"metadata": {"path": str(workdir)}, "nbgrader": {"course_dir": str(course_dir)} if course_dir else {}}
    with setenv(NBGRADER_EXECUTION="autograde"):  # as nbgrader autograde does: visible checks advise only
        for step in autograde_steps(config):
            nb, resources = step(nb, resources)  # a step that is not enabled passes nb through
    return nb


def _message(cell):
    """What a student should read about one executed test cell: the hidden check's report, which decides."""
    verdict = recorded(cell)
    if verdict is not None:
        return verdict["report"]
    text = "".join(o.get("text", "") or o.get("evalue", "") + "\n" for o in cell.get("outputs", []))
    return text.strip() or "passed"


def grade_notebook(path, course_dir, assignment=None, timeout=None):
    """Grade one notebook of the course. Raises NotACourseNotebook for a file that cannot be graded.

    timeout: seconds a cell may run; the course's `c.Execute.timeout` when None.
    """
    path = Path(path)
    student = read_notebook(path)
    name, source_path = identify_assignment(student, course_dir, assignment)
    nb, notes = repair(student, read_notebook(source_path), name)
    nb = execute(nb, path.parent.resolve(), course_config(course_dir, timeout), course_dir)
    grade = Grade(notebook=str(path), assignment=name, notes=notes)
    executed = {grade_id(cell): cell for cell in nb.cells if is_test_cell(cell)}
    for gid, cell in executed.items():
        score, max_score = determine_grade(cell)
        verdict = recorded(cell) or {}
        grade.exercises.append(Exercise(gid, float(score or 0.0), max_score, _message(cell),
                                        verdict.get("groups", {}), verdict.get("failing", [])))
    grade.score = sum(e.score for e in grade.exercises)
    grade.max_score = sum(e.max_score for e in grade.exercises)
    return grade


def format_table(grade):
    """A plain-text table of the grade, one exercise a line, with the first lines of each failure."""
    width = max([len("exercise")] + [len(e.grade_id) for e in grade.exercises])
    lines = [f"{grade.assignment}  ({grade.notebook})", f"  {'exercise':<{width}}  score    message"]
    for e in grade.exercises:
        first = (e.message.splitlines() or [""])[0]
        summary = "; ".join([first] + e.failing[:3])
        lines.append(f"  {e.grade_id:<{width}}  {e.score:g} / {e.max_score:g}  {summary[:160]}")
    lines.append(f"  {'total':<{width}}  {grade.score:g} / {grade.max_score:g}")
    for note in grade.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
