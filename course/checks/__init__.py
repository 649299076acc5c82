"""Visible checks: `check_<exercise>(your_function)` for every graded exercise.

A check calls your function on the notebook's worked examples and compares what it returns with stored values
(course/checks/stored/, computed on the instructor's side): it prints one line per output when everything is
right and raises CheckFailed (an AssertionError) with the same table and a hint when something is not.
"""

import functools
import importlib
import os
import pkgutil

from . import replay, stored
from .report import CheckFailed, Report, compare

# The checks that are more than a replay of stored values (a statistical test of random initial weights, a
# training run) are written by hand in a module of this package, and listed in its __all__.
for _module in pkgutil.iter_modules(__path__):
    _found = importlib.import_module(f"{__name__}.{_module.name}")
    for _name in getattr(_found, "__all__", ()):
        if _name.startswith("check_"):
            globals()[_name] = getattr(_found, _name)


def _stored_check(exercise, doc):
    def check(function, *earlier):
        replay.run(exercise, function)

    check.__name__ = check.__qualname__ = f"check_{exercise}"
    check.__doc__ = (f"Your {exercise} on the notebook's worked examples, against stored values. {doc}\n\n"
                     "Earlier functions passed after yours are accepted and not used.")
    return check


for _exercise, _script in stored.exercises().items():
    globals().setdefault(f"check_{_exercise}", _stored_check(_exercise, _script["doc"]))

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
