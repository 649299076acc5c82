"""Running a stored visible check: call your function on the notebook's worked examples and compare what it
returns with the stored values (see course/checks/stored.py for where they come from).

A stored check is a list of steps, plain JSON data:

    {"call": [args...], "names": [argument names], "unpack": [output names] or null,
     "parts": [{"path": [...], "names": [...], "hint": sentence or null}],  a returned tuple inside the result,
                                                           e.g. the cache (hint: said if it is not one)
     "compare": [{"path": [...], "label": "dW relu", "expected": value,
                  "mistakes": {sentence: value}, "shape_hints": [[shape, sentence]],
                  "nonfinite": sentence or null (said when the output holds nan or inf),
                  "m": m, "rtol": r, "atol": a, "group": "dW" (the output partial credit counts it for)}]}
    {"value_error": [args...], "names": [...], "bad": "softplus"}

A path indexes the result: an integer into a tuple or list, a string into a dict. Every call is watched (an
unfinished function, an exception or a changed input becomes a message, see course/checks/calling.py).
"""

from __future__ import annotations

import numpy as np

from . import stored
from .calling import call, expect_value_error, unpack
from .report import CheckFailed, Outcome, Report, compare

__all__ = ["run"]


class _Missing(Exception):
    def __init__(self, outcome):
        super().__init__(outcome.detail)
        self.outcome = outcome


def _resolve(result, path, label):
    value = result
    for step in path:
        if isinstance(step, str):
            if not isinstance(value, dict):
                raise _Missing(Outcome(label, False, f"is a {type(value).__name__}, expected a dict",
                                       f"return a dict with the key {step!r}"))
            if step not in value:
                raise _Missing(Outcome(label, False, f"no key {step!r}", f"the key {step!r} is missing"))
            value = value[step]
        else:
            value = value[step]
    return value


def _tuple_of(report, value, names, hint=None):
    try:
        return unpack(report, value, names)
    except CheckFailed as failure:
        if not hint:
            raise
        raise CheckFailed(f"{failure}: {hint}") from failure


def _nonfinite(value):
    try:
        return not np.all(np.isfinite(np.asarray(value, dtype=np.float64)))
    except (TypeError, ValueError):
        return False


def _set(result, path, value):
    """result with the part at `path` replaced by value (a tuple checked by unpack becomes a tuple)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(result, dict):
        return {**result, head: _set(result[head], rest, value)}
    items = list(result)
    items[head] = _set(items[head], rest, value)
    return tuple(items)


def _run_call(report, fn, step):
    args = stored.decode(step["call"])
    result = call(report, fn, tuple(args), step["names"])
    if step.get("unpack") is not None:
        result = unpack(report, result, step["unpack"])
    for part in step.get("parts", []):
        result = _set(result, part["path"], _tuple_of(report, _resolve(result, part["path"], ""), part["names"],
                                                      part.get("hint")))
    for item in step.get("compare", []):
        label = item["label"]
        try:
            actual = _resolve(result, item["path"], label)
        except _Missing as missing:
            report.add(missing.outcome)
            continue
        mistakes = {sentence: stored.decode(v) for sentence, v in (item.get("mistakes") or {}).items()}
        hints = {tuple(shape): sentence for shape, sentence in item.get("shape_hints") or []}
        kwargs = {k: item[k] for k in ("m", "rtol", "atol") if item.get(k) is not None}
        outcome = compare(label, actual, stored.decode(item["expected"]), mistakes=mistakes, shape_hints=hints,
                          **kwargs)
        outcome.group = item.get("group") or outcome.group
        if not outcome.ok and item.get("nonfinite") and _nonfinite(actual):
            outcome.hint = item["nonfinite"]
        report.add(outcome)


def run(exercise, fn, script=None):
    """Run the stored visible check of `exercise` on the student's fn; prints the table or raises CheckFailed.
    A check written by hand may pass `script`, a copy of the stored one with some expected values replaced."""
    if script is None:
        _, script = stored.script(exercise)
    report = Report(exercise)
    if not script["steps"]:
        raise ValueError(f"{exercise} has no stored steps: its check is written by hand in course/checks/")
    for step in script["steps"]:
        if "call" in step:
            _run_call(report, fn, step)
        elif "value_error" in step:
            expect_value_error(report, fn, tuple(stored.decode(step["value_error"])), step["names"], step["bad"])
        else:
            raise ValueError(f"unknown step in the stored check of {exercise}: {sorted(step)}")
    report.finish()
