"""Shared machinery of the hidden checks: unpredictable inputs and fair isolation of earlier exercises."""

from __future__ import annotations

import contextlib

import numpy as np

from course.checks.report import Report

from .. import reference
from ..exercises import BY_NAME, EXERCISES

# While a later exercise is checked, the earlier exercises it may call (autograder/exercises.py) are the
# reference's, so one early mistake costs points once, on its own exercise. Only exercises that come before the
# one checked are supplied: in grading, the grader answers for them from its own process while the student's
# code runs, and it must never answer for an exercise that is still to be graded.
_ALL_BUILDING_BLOCKS = tuple(e.name for e in EXERCISES if e.building_block)


@contextlib.contextmanager
def checking(exercise, fn):
    """The skeleton of every hidden check: `with checking("softmax", softmax) as (report, rng):`.

    report is the exercise's Report; rng draws fresh inputs (seeded from the operating system); while the block
    runs, the earlier exercises fn may call are the reference's (`isolated`); at its end the report's table is
    printed, or CheckFailed raised.
    """
    report = Report(exercise)
    with isolated(fn):
        yield report, fresh_rng()
    report.finish()


def fresh_rng():
    """A generator seeded from the operating system: hidden inputs differ on every run."""
    return np.random.default_rng()


@contextlib.contextmanager
def isolated(fn):
    """While active, the earlier exercises fn may call are the reference's, in fn's namespace (a notebook's
    globals, or a RemoteFunction's `__globals__`: the functions the grader answers for): the student's own
    versions are swapped out, and missing ones (tools never pasted in) are supplied."""
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        yield
        return
    saved, added = {}, []
    own = getattr(fn, "__name__", None)
    for name in BY_NAME[own].calls if own in BY_NAME else _ALL_BUILDING_BLOCKS:
        if not hasattr(reference, name):
            continue
        if name not in namespace:
            added.append(name)
        elif callable(namespace[name]):
            saved[name] = namespace[name]
        else:
            continue
        namespace[name] = getattr(reference, name)
    try:
        yield
    finally:
        namespace.update(saved)
        for name in added:
            namespace.pop(name, None)


def distinct_dims(rng, count, low=2, high=7):
    """`count` different sizes in [low, high], so that no two dimensions can be confused."""
    return [int(d) for d in rng.choice(np.arange(low, high + 1), size=count, replace=False)]


def away_from_zero(rng, shape, margin=0.1):
    """Standard normal values with |v| >= margin, so that ReLU's kink at 0 is never hit."""
    values = rng.standard_normal(shape)
    return np.where(np.abs(values) < margin, np.sign(values + 1e-300) * margin + values, values)
