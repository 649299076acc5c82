"""Grading one filled-in notebook without a gradebook: `python -m autograder grade NOTEBOOK.ipynb`.

The same pipeline as `nbgrader autograde`: the course's nbgrader_config.py is loaded, and its autograde
preprocessors run with its limits (the engine of autograder/engine/isolated.py, stderr moved to stdout, nbgrader's own
steps), except the ones that write to a gradebook, which `grade` has not. The test cells are taken from the
source notebook first (autograder/engine/repair.py). Each test cell's score is read by nbgrader's own `determine_grade`,
and its verdict from the data the engine stored in the cell (autograder/engine/verdict.py).
"""

from __future__ import annotations

import shutil
import textwrap
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


def execute(nb, workdir, config, assignment=None):
    """Run the course's autograde steps on nb (of `assignment`), in workdir, as nbgrader autograde does."""
    resources = {"metadata": {"path": str(workdir)}, "nbgrader": {"assignment": assignment}}
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
    config = course_config(course_dir, timeout)
    config.IsolatedExecute.course_dir = str(Path(course_dir).resolve())
    nb = execute(nb, path.parent.resolve(), config, name)
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


TABLE_WIDTH = 100  # characters of the table when the terminal's width is unknown (output to a file or a pipe)
MIN_MESSAGE_WIDTH = 30  # below this the messages go on lines of their own, under the exercise


def _paragraphs(exercise):
    """The lines of an exercise's message the table shows: the first, then the failed lines of the report (at most
    three), or, for a lost exercise without any (the function raised, say), the next three lines (where it raised)."""
    lines = [line.strip() for line in exercise.message.splitlines() if line.strip()] or [""]
    if exercise.failing:
        return [lines[0], *exercise.failing[:3]]
    return lines[:4] if exercise.score < exercise.max_score else lines[:1]


def wrapped(text, width, hang=2):
    """text in lines of at most `width` characters, broken at spaces only: a word is never cut (one longer than
    the width, such as a long number, gets a line of its own). Lines after the first are indented by `hang`."""
    return textwrap.wrap(text, width, subsequent_indent=" " * hang, break_long_words=False,
                         break_on_hyphens=False) or [""]


def format_table(grade, width=None):
    """A plain-text table of the grade, one exercise a row, with the first lines of each failure wrapped at word
    boundaries to `width` characters (the terminal's width by default)."""
    width = width or shutil.get_terminal_size((TABLE_WIDTH, 24)).columns
    names = max([len("exercise")] + [len(e.grade_id) for e in grade.exercises])
    scores = [f"{e.score:g} / {e.max_score:g}" for e in grade.exercises]
    score_width = max([len("score")] + [len(s) for s in scores])
    indent = 2 + names + 2 + score_width + 2
    if width - indent < MIN_MESSAGE_WIDTH:  # a narrow terminal: messages under the row, across the whole width
        indent = 4
    lines = [f"{grade.assignment}  ({grade.notebook})", f"  {'exercise':<{names}}  {'score':<{score_width}}  message"]
    for e, score in zip(grade.exercises, scores):
        row = f"  {e.grade_id:<{names}}  {score:<{score_width}}  "
        message = [line for paragraph in _paragraphs(e) for line in wrapped(paragraph, max(width - indent, 1))]
        if indent == 4:
            lines.append(row.rstrip())
            lines += [" " * indent + line for line in message]
        else:
            lines.append(row + message[0])
            lines += [" " * indent + line for line in message[1:]]
    lines.append(f"  {'total':<{names}}  {grade.score:g} / {grade.max_score:g}")
    for note in grade.notes:
        lines += ["  " + line for line in wrapped(f"note: {note}", max(width - 2, 1))]
    return "\n".join(lines)
