"""From a hidden check's report to a score, and from a score to the outputs nbgrader reads it from.

Partial credit, the one rule for every exercise: the lines of a hidden check's report are grouped by the output
they are about, the `group` each line declares (course/checks/report.py: `dW`, `db`, `cache`, `bad` for the
bad-name line; a check that gives none groups a line by its label's first word, so the lines of a function with
one output, labelled by case, form one group). A group is right when all of its lines
pass, over every case. The exercise earns its points times the share of right groups, rounded down to a half
point; every group right is full marks. A function that changes its inputs (the line `inputs`, which names them),
is not written, raises, returns something of the wrong structure or runs out of time scores 0: the grader's
expected values are those of the inputs as drawn, and a changed input must never be a way to earn points.

nbgrader reads a test cell's score from its outputs (`nbgrader.utils.determine_grade`): an error output is 0, an
`execute_result` holding a number is that many points, anything else is full marks. `graded_outputs` writes
exactly one of these, after the outputs the test cell printed itself (kept as text: they never decide).
"""

from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass, field

from nbformat import NotebookNode

from course.checks import CheckFailed

HEADER = "hidden check (run by the grader, outside your notebook):"
REPORT_LIMIT = 20_000  # characters of a hidden check's report (a student's value can be any size)
OWN_OUTPUT_LIMIT = 50_000  # characters of what a test cell printed itself, kept as text


def _capped(text, limit):
    text = str(text)
    return text if len(text) <= limit else f"{text[:limit]}\n[... {len(text) - limit:,} more characters cut]"


def _defused(text):
    """Text from the student's side with the grader's header made harmless: it cannot pass for a score line."""
    return text.replace(HEADER, "[printed by your code, not the grader] " + HEADER.split(" (")[0])


@dataclass
class Verdict:
    share: float  # of the exercise's points, in [0, 1]
    text: str
    groups: dict = field(default_factory=dict)  # {output group: all of its lines passed}, in report order
    failing: list = field(default_factory=list)  # the report's failed lines, as the student reads them


def outputs_right(outcomes):
    """({output: all of its lines passed}) for the lines of a report, in order of first appearance."""
    right = {}
    for outcome in outcomes:
        right[outcome.group] = right.get(outcome.group, True) and outcome.ok
    return right


def share_of(outcomes):
    """The share of the points a failed check's report earns (see the module's docstring)."""
    right = outputs_right(outcomes)
    if not right.pop("inputs", True) or not right:
        return 0.0
    return sum(right.values()) / len(right)


def judge(check, function):
    """Run a hidden check on the student's function (a RemoteFunction) and say what it earns."""
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            check(function)
    except CheckFailed as failure:  # the share is decided on the outcomes; the texts are capped afterwards
        return Verdict(share_of(failure.outcomes), _capped(failure, REPORT_LIMIT), outputs_right(failure.outcomes),
                       [_capped(o.line().strip(), 500) for o in failure.outcomes if not o.ok][:20])
    except Exception as error:  # noqa: BLE001 - whatever went wrong, the exercise is not shown to be right
        message = f"{function.__name__}: could not be checked: {type(error).__name__}: {error}"
        return Verdict(0.0, _capped(message, REPORT_LIMIT))
    return Verdict(1.0, _capped(printed.getvalue().strip() or f"{function.__name__}: passed", REPORT_LIMIT))


def points_for(share, points):
    """points × share, rounded down to a half point (full marks only for share 1)."""
    if share >= 1.0:
        return float(points)
    return math.floor(2 * points * max(0.0, share)) / 2


def _as_text(output):
    """An output the cell produced itself, as stdout text: shown in the feedback, never counted."""
    if output.get("output_type") == "stream":
        text = "".join(output.get("text", ""))
    elif output.get("output_type") == "error":
        text = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}\n"
    elif output.get("output_type") == "execute_result":
        text = "".join(output.get("data", {}).get("text/plain", "")) + "\n"
    else:
        return output  # display_data (a plot): kept as it is
    return NotebookNode(output_type="stream", name="stdout", text=_defused(_capped(text, OWN_OUTPUT_LIMIT)))


def tally(verdict, points):
    """One line that shows how the points came about: `dA_prev ✓  dW ✗  db ✗  bad ✓  → 2 of 4 points`."""
    earned = points_for(verdict.share, points)
    marks = "  ".join(f"{group} {'✓' if ok else '✗'}" for group, ok in verdict.groups.items())
    return f"{marks}  → {earned:g} of {points:g} points" if marks else f"{earned:g} of {points:g} points"


def record(cell, exercise, verdict, points):
    """Store the verdict as data in the test cell's metadata (`backprop_course.verdict`), where `grade` and the
    tests read it; the outputs carry it for nbgrader and the student (graded_outputs)."""
    cell.metadata.setdefault("backprop_course", {})["verdict"] = {
        "exercise": exercise, "points": points, "earned": points_for(verdict.share, points),
        "share": verdict.share, "groups": dict(verdict.groups), "failing": list(verdict.failing),
        "report": verdict.text,
    }


def recorded(cell):
    """The verdict `record` stored in a test cell, or None."""
    return cell.get("metadata", {}).get("backprop_course", {}).get("verdict")


def graded_outputs(outputs, verdict, points):
    """The outputs of a graded test cell: what it printed, then the verdict in the form nbgrader scores."""
    kept = [_as_text(o) for o in outputs]
    earned = points_for(verdict.share, points)
    summary = f"{HEADER} {tally(verdict, points)}\n{_defused(_capped(verdict.text, REPORT_LIMIT))}\n"
    if earned >= points:
        return [*kept, NotebookNode(output_type="stream", name="stdout", text=summary)]
    if earned <= 0:
        return [*kept, NotebookNode(output_type="error", ename="CheckFailed", evalue=summary.rstrip(),
                                    traceback=[summary.rstrip()])]
    return [*kept, NotebookNode(output_type="stream", name="stdout", text=summary),
            NotebookNode(output_type="execute_result", execution_count=None, metadata={},
                         data={"text/plain": f"{earned:g}"})]
