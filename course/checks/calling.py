"""Calling a student's function under watch: unfinished code, exceptions and changed inputs become messages."""

from __future__ import annotations

import contextlib
import copy
import linecache
import os
import sys
import traceback
import warnings

import numpy as np

from .report import CheckFailed


def _snapshot(value):
    return copy.deepcopy(value)


def _same(before, after):
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and before.shape == after.shape and \
            np.array_equal(before, after, equal_nan=True)
    if isinstance(before, (tuple, list)):
        return len(before) == len(after) and all(_same(b, a) for b, a in zip(before, after))
    if isinstance(before, dict):
        return before.keys() == after.keys() and all(_same(before[k], after[k]) for k in before)
    return True


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"array{value.shape}"
    if isinstance(value, (tuple, list)):
        inner = ", ".join(_describe(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_describe(v)}" for k, v in value.items()) + "}"
    return repr(value)


@contextlib.contextmanager
def quiet():
    """No warning and no NumPy floating-point message while a student's function runs: nothing may reach stderr,
    which nbgrader would count as a failure, and a nan or inf is reported by the comparison anyway."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


def _unwritten_callee(error, fn):
    """The name of the function that raised NotImplementedError, if it is not fn itself (an earlier exercise)."""
    # A function run in another process (the grader's view of your kernel) says where it was raised.
    where = getattr(error, "raised_in", None)
    traceback = None if where else error.__traceback__
    while traceback is not None:
        where, traceback = traceback.tb_frame.f_code.co_name, traceback.tb_next
    return where if where and where != getattr(fn, "__name__", where) else None


def _cell_label(filename):
    """'cell In[7]' for a notebook cell's code (IPython names it so in its own tracebacks), else None."""
    shell = getattr(sys.modules.get("IPython"), "get_ipython", lambda: None)()
    try:
        label = shell.compile.format_code_name(filename) if shell is not None else None
    except Exception:  # noqa: BLE001 - an IPython without this method: no label, the file's name is used
        label = None
    return f"{label[0].lower()} {label[1]}" if label else None


def student_line(error, fn):
    """Where the student's own code raised `error`: the innermost frame of its traceback that is a notebook cell's
    code or in fn's own file (never the harness, NumPy, `course` or the grader's functions it called back).

    Args:
        error: the exception fn raised, with its traceback.
        fn: the student's function that was called.
    Returns:
        a dict of plain values, {"place": "cell In[7]" or a file's name, "line": its number, "function": the name
        of the function, "text": the source of the statement (up to 4 lines)}, or None if no frame is the student's.
    """
    own = getattr(getattr(fn, "__code__", None), "co_filename", None)
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        place = _cell_label(frame.filename)
        if frame.lineno is None or place is None and (not own or own.startswith("<") or frame.filename != own):
            continue
        last = min(frame.end_lineno or frame.lineno, frame.lineno + 3)
        lines = [linecache.getline(frame.filename, n).rstrip() for n in range(frame.lineno, last + 1)]
        indent = min((len(t) - len(t.lstrip()) for t in lines if t.strip()), default=0)
        return {"place": place or os.path.basename(frame.filename), "line": frame.lineno, "function": frame.name,
                "text": "\n".join(t[indent:] for t in lines).strip("\n")}
    return None


def _raised(exercise, shown, error, where):
    """The message for a student's function that raised: what it raised, and where (student_line)."""
    message = str(error)
    is_assert = isinstance(error, AssertionError) and bool(where) and where["text"].startswith("assert")
    head = f"{exercise}({shown}) raised {type(error).__name__}" + (
        f": {message}" if message else " (an assert without a message)" if is_assert else "")
    if not where:
        return head
    kind = "the assert that failed" if is_assert else "the line that raised"
    text = "\n      ".join(["", *where["text"].splitlines()]) if where["text"] else ""  # its source, if known
    return f"{head}\n  {kind}: {where['place']}, line {where['line']}, in {where['function']}" + (
        f":{text}" if text else "")


def call(report, fn, args, names):
    """Call fn(*args) for the check that `report` belongs to.

    Args:
        report: the Report of the exercise (its name appears in messages; a changed input is recorded there).
        fn: the student's function.
        args: the positional arguments.
        names: the arguments' names, to say which input was changed.
    Returns:
        what fn returned.
    Raises:
        CheckFailed if fn is not written yet or raises (saying where in the student's code: student_line).
    """
    if not callable(fn):
        raise CheckFailed(f"{report.exercise}: expected a function, got {type(fn).__name__}")
    before = [_snapshot(a) for a in args]
    try:
        with quiet():
            result = fn(*args)
    except NotImplementedError as error:
        callee = _unwritten_callee(error, fn)
        if callee:
            raise CheckFailed(f"{report.exercise} calls {callee}, which is not written yet: write {callee} "
                              "first (its exercise comes earlier)") from error
        raise CheckFailed(f"{report.exercise} is not written yet: replace `raise NotImplementedError()` "
                          "with your code") from error
    except Exception as error:
        shown = ", ".join(f"{n}={_describe(a)}" for n, a in zip(names, before))
        # A function run in another process (the grader's view of your kernel) says where it raised.
        where = error.student_line if hasattr(error, "student_line") else student_line(error, fn)
        raise CheckFailed(_raised(report.exercise, shown, error, where)) from error
    # A function that ran elsewhere (the grader's view of your kernel) says what it left in its inputs there.
    after = getattr(fn, "inputs_after", None)
    after = list(after) if isinstance(after, (list, tuple)) and len(after) == len(args) else args
    changed = [(n, b) for n, b, a in zip(names, before, after) if not _same(b, a)]
    report.note_inputs([n for n, _ in changed], changed_hint(changed))
    return result


def changed_hint(changed):
    """What to say about inputs a function changed ([(name, value before the call)]): what the numbers show (the
    caller's arrays, or a dict or tuple holding them, were modified in place) and what to write instead."""
    if not changed:
        return None
    names = ", ".join(n for n, _ in changed)
    it = "it" if len(changed) == 1 else "them"
    head = f"your function changed its input {names}, which must be left unchanged (the caller still needs {it})"
    if any(isinstance(value, dict) for _, value in changed):
        return (f"{head}: the given dict or its arrays were modified in place (p -= ..., p[...] = ... or "
                "d[key] = ...); build a new dict of new arrays, e.g. new[key] = p - ...")
    if any(isinstance(value, (tuple, list)) for _, value in changed):
        return f"{head}: an array it holds was modified in place (-=, [...] =); work on a copy, or build new arrays"
    first = changed[0][0]
    return (f"{head}: the given array was modified in place ({first} -= ..., {first}[...] = ...); work on a copy "
            f"({first} = {first}.copy()) or build a new array ({first} - ...)")


def unpack(report, result, names):
    """The outputs of a function that must return a tuple of len(names) values, or CheckFailed."""
    if not isinstance(result, (tuple, list)) or len(result) != len(names):
        got = f"a tuple of {len(result)}" if isinstance(result, (tuple, list)) else type(result).__name__
        raise CheckFailed(f"{report.exercise} must return a tuple ({', '.join(names)}); it returned {got}")
    return tuple(result)


def expect_value_error(report, fn, args, names, bad_value):
    """Check that fn raises ValueError for an unknown activation. What the message says is advice, never points:
    the line passes whatever the wording, and suggests naming the allowed values when it does not."""
    try:
        fn(*args)
    except ValueError as error:
        advice = "" if "sigmoid" in str(error) else " (tip: say which names are allowed in the message)"
        report.expect("bad name", True, f"{bad_value!r} raises ValueError{advice}")
        return
    except NotImplementedError as error:
        raise CheckFailed(f"{report.exercise} is not written yet") from error
    except Exception as error:  # noqa: BLE001 - any other exception is the student's mistake to report
        report.expect("bad name", False, f"{bad_value!r} raised {type(error).__name__}",
                      "an unknown activation should raise ValueError naming the allowed values")
        return
    report.expect("bad name", False, f"{bad_value!r} was accepted",
                  "an unknown activation should raise ValueError naming the allowed values")


def number(report, label, value, hint, group=None):
    """value as a float if it is one number (a float, a NumPy scalar, a size-1 array), else a failed line (counted
    for `group`, the label's first word when None)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        report.expect(label, False, f"is a {type(value).__name__}, expected a number", hint, group=group)
        return None
    if array.size != 1:
        report.expect(label, False, f"has shape {array.shape}, expected one number", hint, group=group)
        return None
    return float(array.reshape(()))


@contextlib.contextmanager
def planted(fn, name, replacement):
    """While active, the name `name` in fn's module (your notebook) means `replacement`; restored afterwards."""
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        yield
        return
    had, old = name in namespace, namespace.get(name)
    namespace[name] = replacement
    try:
        yield
    finally:
        if had:
            namespace[name] = old
        else:
            namespace.pop(name, None)
