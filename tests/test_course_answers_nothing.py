"""The student package answers no exercise: nothing in `course/` computes what an exercise asks.

The candidates are found by introspection, not listed by hand: every function and class defined in a module of
`course`, every method of those classes, and every callable held in a module-level table (a dict, list or tuple,
two levels deep), whatever module it comes from (a table {"tanh": np.tanh, ...} is an answer too).

* A submission made of one candidate (its body only calls it) fails the exercise's hidden check, the check the
  grader runs: for every exercise and every candidate.
* On the inputs of the exercise's stored visible check, no candidate returns what the reference returns.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import pkgutil
import signal

import matplotlib
import numpy as np
import pytest

import course
from autograder import hidden
from course.checks import CheckFailed, stored
from course.checks.calling import quiet

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SECONDS = 5  # a candidate that runs longer on an exercise's inputs answers nothing in time


def _collect(found, label, value, depth):
    if inspect.ismodule(value):
        return
    if isinstance(value, dict) and depth < 2:
        for key, item in value.items():
            _collect(found, f"{label}[{key!r}]", item, depth + 1)
    elif isinstance(value, (list, tuple)) and depth < 2:
        for index, item in enumerate(value):
            _collect(found, f"{label}[{index}]", item, depth + 1)
    elif inspect.isclass(value):
        if value.__module__.startswith("course") and depth == 0:
            found[label] = value
            for name, member in vars(value).items():
                if isinstance(member, (staticmethod, classmethod)) or inspect.isfunction(member):
                    found[f"{label}.{name}"] = getattr(value, name)
    elif callable(value) and (depth > 0 or str(getattr(value, "__module__", "")).startswith("course")):
        found[label] = value


@functools.cache
def course_callables():
    """{dotted label: callable} of everything callable that the course package defines or tabulates."""
    found = {}
    for info in pkgutil.walk_packages(course.__path__, "course."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if not name.startswith("__"):
                _collect(found, f"{info.name}.{name}", value, 0)
    unique = {}
    for label, value in found.items():  # one label for an object re-exported by a package's __init__
        unique.setdefault(id(value), (label, value))
    return dict(unique.values())


def _exercises():
    return list(stored.exercises())


@contextlib.contextmanager
def _deadline(seconds):
    def stop(signum, frame):
        raise TimeoutError(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _submission(exercise, candidate):
    """A student's function `exercise` whose body only calls the candidate, in a namespace of its own."""
    namespace = {"candidate": candidate}
    exec(f"def {exercise}(*args, **kwargs):\n    return candidate(*args, **kwargs)\n", namespace)  # noqa: S102
    return namespace[exercise]


def test_the_introspection_finds_the_course_package():
    found = course_callables()
    assert "course.checks.replay.run" in found and "course.checks.stored.decode" in found
    assert len(found) > 20


@pytest.mark.slow  # every candidate against every exercise: about a minute in all
@pytest.mark.parametrize("exercise", _exercises())
def test_a_submission_made_of_course_code_fails_the_hidden_check(exercise, capsys):
    passed = []
    for label, candidate in course_callables().items():
        try:
            with _deadline(SECONDS), quiet():
                getattr(hidden, f"check_{exercise}")(_submission(exercise, candidate))
        except (CheckFailed, TimeoutError):
            continue
        finally:
            plt.close("all")
        passed.append(label)
    capsys.readouterr()
    assert not passed, f"{exercise} is answered by course code: {passed}"


def _inputs_and_answers(exercise):
    """(args, [(path, expected, atol)]) of each stored call of the exercise, leaving out expected values that are
    one of the inputs (a cache passes its inputs through: returning an input is no answer); atol is the check's own
    when it is finer than 1e-9 (a relative error of 1e-9 is not answered by 0)."""
    _, script = stored.script(exercise)
    for step in script["steps"]:
        if "call" not in step:
            continue
        args = stored.decode(step["call"])
        flat_inputs = [np.asarray(a, dtype=float) for a in _leaves(args)]
        answers = []
        for item in step["compare"]:
            expected = np.asarray(stored.decode(item["expected"]), dtype=float)
            if not any(a.shape == expected.shape and np.array_equal(a, expected) for a in flat_inputs):
                answers.append((item["path"], expected, min(1e-9, item.get("atol") or 1e-9)))
        if answers:
            yield args, answers


def _leaves(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, (np.ndarray, float, int)) and not isinstance(value, bool):
        yield value


def _at(result, path):
    for step in path:
        result = result[step]
    return np.asarray(result, dtype=float)


def _answers(candidate, args, answers):
    """Whether the candidate, called on args, returns the reference's value at one of the answers' paths."""
    try:
        with _deadline(SECONDS), quiet():
            result = candidate(*stored.decode(stored.encode(args)))
    except Exception:  # noqa: BLE001 - any failure means the candidate gave no answer
        return False
    finally:
        plt.close("all")
    for path, expected, atol in answers:
        try:
            got = _at(result, path)
        except Exception:  # noqa: BLE001, S112 - not the structure of an answer
            continue
        if got.shape == expected.shape and np.allclose(got, expected, rtol=1e-6, atol=atol):
            return True
    return False


@pytest.mark.slow
@pytest.mark.parametrize("exercise", [e for e in _exercises() if stored.script(e)[1]["steps"]])
def test_no_course_function_returns_the_reference_answer(exercise):
    leaks = {label for label, candidate in course_callables().items()
             for args, answers in _inputs_and_answers(exercise) if _answers(candidate, args, answers)}
    assert not leaks, f"course code returns {exercise}'s answer: {sorted(leaks)}"
