"""Visible checks: `check_<exercise>(your_function, ...)` for every graded exercise.

A check prints one line per output when everything is right and raises CheckFailed (an AssertionError)
with the same table and a hint when something is not.
"""

import functools
import os

from ._compare import CheckFailed, Report, compare
from .application import *
from .deep_network import *
from .gradient_checking import *
from .single_example import *
from .vectorized import *

__all__ = ["CheckFailed", "Report", "compare", "hidden_check"]
__all__ += [name for name in dir() if name.startswith("check_")]


def _advisory_while_grading(check):
    """While nbgrader grades (it sets NBGRADER_EXECUTION=autograde), a visible check reports but does not decide:
    the hidden check that follows it in the test cell decides, and it judges each exercise on its own (earlier
    exercises are swapped for right ones), so one mistake costs points once. Students running their notebook see
    the check fail as usual."""

    @functools.wraps(check)
    def run(*args, **kwargs):
        if os.environ.get("NBGRADER_EXECUTION") != "autograde":
            return check(*args, **kwargs)
        try:
            return check(*args, **kwargs)
        except CheckFailed as failure:
            print(f"{failure}\n(the visible check, for your information: the grade is the hidden check's)")
            return None

    return run


for _name in __all__:
    if _name.startswith("check_"):
        globals()[_name] = _advisory_while_grading(globals()[_name])


def hidden_check(exercise):
    """Stands, in a test cell's hidden part, for the hidden check of `exercise`. The check itself runs in the
    grader's own process, outside your notebook: it calls your function on new inputs and compares the numbers
    with its own. Its result is added below the test cell when the notebook is graded."""
    print(f"{exercise}: the hidden check runs in the grader, outside this notebook; its result follows when graded")
