"""Comparing a student's output with what it should be, and saying what is wrong in words.

Every comparison yields one line per output, in the style

    dW       shape ok         max|Δ| 2.1e-01 at [2, 0]  ✗  dW is 3× too large over 3 examples: is the 1/m missing?

so a student sees at a glance which outputs are right. Both the visible checks (this package) and the
instructor's hidden checks use this module, so the two speak the same language.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RTOL = 1e-5
ATOL = 1e-7
OK, BAD = "✓", "✗"


class CheckFailed(AssertionError):
    """Raised by a check when at least one output is wrong; its message is the whole report, and `outcomes` holds
    the report's lines (empty when the check could not even compare, e.g. the function raised)."""

    def __init__(self, message="", outcomes=()):
        super().__init__(message)
        self.outcomes = list(outcomes)

    def _render_traceback_(self):
        """What IPython (JupyterLab, Jupyter Notebook) shows for a failed check: its report, without the traceback
        through the checks' own code, which says nothing about the student's function (where the student's code
        raised is in the report). IPython asks an exception for this before it formats a traceback; the cell still
        fails with an error output named CheckFailed, which nbgrader and "Run All" see. Plain Python never calls
        it, and prints the usual traceback."""
        first, *rest = str(self).splitlines() or [""]
        return [f"\x1b[1;31mCheckFailed\x1b[0m: {first}", *rest]


@dataclass
class Outcome:
    """One line of a check's report.

    name: the label the student reads ("dW relu m=4"). group: the output the line is about ("dW"), which partial
    credit counts by (autograder/engine/verdict.py); given by the check, or the label's first word when it is not.
    """

    name: str
    ok: bool
    detail: str
    hint: str | None = None
    group: str | None = None

    def __post_init__(self):
        if self.group is None:
            self.group = self.name.split()[0] if self.name.split() else "result"

    def line(self, width=8):
        text = f"  {self.name:<{width}} {self.detail}  {OK if self.ok else BAD}"
        return f"{text}  {self.hint}" if self.hint else text


def _fmt_shape(shape):
    return "()" if shape == () else str(tuple(shape))


def _as_float_array(value):
    """The value as a float64 array, or None if it cannot be one (a string, a dict, None...)."""
    if isinstance(value, (str, bytes, dict)) or value is None:
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return array


def _shape_hint(name, actual, expected):
    a, e = actual.shape, expected.shape
    if a == e[::-1] and a != e:
        return f"{name} looks transposed: shape {_fmt_shape(a)}, expected {_fmt_shape(e)}"
    if len(e) == 2 and 1 in e and a == (max(e),) and e != (1, 1):
        return f"{name} has shape {_fmt_shape(a)}, expected {_fmt_shape(e)}: keepdims=True in the sum?"
    if actual.size == 1 and expected.size > 1:
        return f"{name} is a single number, expected {_fmt_shape(e)}: summed over too many axes?"
    if len(a) == len(e) == 2 and a[0] == e[0] and a[1] != e[1]:
        return f"{name} has {a[1]} columns, expected {e[1]}: a sum or product over the wrong axis?"
    if len(a) == len(e) == 2 and a[1] == e[1] and a[0] != e[0]:
        return f"{name} has {a[0]} rows, expected {e[0]}: a sum or product over the wrong axis?"
    return None


def _scale_hint(name, actual, expected, m):
    """Name a constant factor between actual and expected (a missing 1/m, a flipped sign)."""
    denom = float(np.vdot(expected, expected))
    if denom == 0.0 or not np.all(np.isfinite(actual)):
        return None
    k = float(np.vdot(actual, expected)) / denom
    if not np.allclose(actual, k * expected, rtol=1e-4, atol=1e-9) or np.isclose(k, 1.0, rtol=1e-4):
        return None
    if np.allclose(actual, 0.0, atol=1e-12):
        return f"{name} is all zeros"
    if np.isclose(k, -1.0, rtol=1e-4):
        return f"{name} has the right size but the opposite sign: a sign flipped?"
    if m and m > 1 and np.isclose(k, m, rtol=1e-4):
        return f"{name} is {m}× too large over {m} examples: is the 1/m missing?"
    if m and m > 1 and np.isclose(k, 1.0 / m, rtol=1e-4):
        return f"{name} is {m}× too small over {m} examples: a 1/m too many?"
    if np.count_nonzero(expected) < 2:  # one number is always some multiple of another: that names no cause
        return None
    return f"{name} is {k:.3g}× what it should be: a constant factor is off"


def compare(name, actual, expected, *, m=None, mistakes=None, shape_hints=None, rtol=RTOL, atol=ATOL):
    """Compare one output and explain a difference.

    Args:
        name: the output's name as the student knows it ("dW").
        actual: what the student's function returned.
        expected: the right value (array or number).
        m: the number of examples, if a 1/m may be involved (for the "1/m missing?" hint).
        mistakes: optional {sentence: wrong_value}; if actual matches a wrong value, the sentence is the hint.
        shape_hints: optional {shape tuple: sentence}; a wrong shape listed there gets that sentence as its hint.
    Returns:
        an Outcome.
    """
    outcome = _compare(name, actual, expected, m=m, mistakes=mistakes, rtol=rtol, atol=atol)
    if not outcome.ok and shape_hints:
        shape = _shape_of(actual)
        if shape is not None and shape != np.shape(expected) and shape in shape_hints:
            outcome.hint = shape_hints[shape]
    return outcome


def _shape_of(value):
    try:
        return tuple(np.shape(value))
    except (TypeError, ValueError):
        return None


def _compare(name, actual, expected, *, m, mistakes, rtol, atol):
    expected = np.asarray(expected, dtype=np.float64)
    array = _as_float_array(actual)
    if array is None:
        return Outcome(name, False, f"is a {type(actual).__name__}, expected an array {_fmt_shape(expected.shape)}",
                       f"{name} should be a NumPy array of numbers")
    if array.shape != expected.shape:
        # A float where a (1, 1) array is asked, or the other way round, is not a mistake.
        if not (array.size == 1 and expected.size == 1):
            return Outcome(name, False, f"shape {_fmt_shape(array.shape)} expected {_fmt_shape(expected.shape)}",
                           _shape_hint(name, array, expected))
        array = array.reshape(expected.shape)
    if not np.all(np.isfinite(array)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        return Outcome(name, False, f"shape ok  contains nan/inf at {list(bad)}",
                       f"{name} has nan or inf: an overflow in exp, or log/division of 0?")
    diff = np.abs(array - expected)
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.size else ()
    where = f" at {[int(i) for i in worst]}" if diff.ndim else ""
    detail = f"shape ok  max|Δ| {float(diff.max()) if diff.size else 0.0:.1e}{where}"
    if np.allclose(array, expected, rtol=rtol, atol=atol):
        return Outcome(name, True, detail)
    hint = None
    matching = []
    for sentence, wrong in (mistakes or {}).items():
        wrong = np.asarray(wrong, dtype=np.float64)
        if wrong.shape == expected.shape and np.allclose(array, wrong, rtol=rtol, atol=atol):
            matching.append(sentence)
    if len(matching) == 1:
        hint = matching[0]
    elif matching:  # mistakes that give the same value here: the numbers do not say which one it is
        hint = "one of these mistakes (they give the same values here): " + "; or ".join(matching)
    if hint is None and expected.ndim == 2 and expected.shape[0] == expected.shape[1] \
            and np.allclose(array, expected.T, rtol=rtol, atol=atol):
        hint = f"{name} equals the transpose of the right answer: a transpose wrong?"
    if hint is None:
        hint = _scale_hint(name, array, expected, m)
    if hint is None and diff.size:
        got, want = float(array[worst]), float(expected[worst])
        hint = f"e.g. {name}{where.replace(' at ', '')} is {got:.6g}, expected {want:.6g}"
    return Outcome(name, False, detail, hint)


class Report:
    """Collects the outcomes of one exercise's check and ends with a table or a CheckFailed."""

    def __init__(self, exercise):
        self.exercise = exercise
        self.outcomes = []
        self._inputs_checked = False

    def note_inputs(self, changed, hint=None):
        """Record whether one call changed its inputs (their names); only the first change becomes a line of the
        table, with `hint` (what to do instead) or a general one."""
        if changed and not any(o.name == "inputs" and not o.ok for o in self.outcomes):
            self.add(Outcome("inputs", False, "changed: " + ", ".join(changed), hint or
                             f"your function changed its input {', '.join(changed)}, which must be left unchanged "
                             "(the caller still needs it): build new arrays instead of assigning into the given ones"))
        self._inputs_checked = True

    def add(self, outcome):
        self.outcomes.append(outcome)
        return outcome.ok

    def compare(self, name, actual, expected, *, group=None, **kwargs):
        outcome = compare(name, actual, expected, **kwargs)
        if group is not None:
            outcome.group = group
        return self.add(outcome)

    def expect(self, name, condition, detail, hint=None, *, group=None):
        """A free-form check: passes when condition is true; detail describes what was checked."""
        return self.add(Outcome(name, bool(condition), detail, None if condition else hint, group))

    @property
    def ok(self):
        return all(outcome.ok for outcome in self.outcomes)

    def text(self):
        if self._inputs_checked and not any(o.name == "inputs" for o in self.outcomes):
            self.outcomes.append(Outcome("inputs", True, "left unchanged"))
        width = max([8] + [len(o.name) for o in self.outcomes])
        failed = sum(not o.ok for o in self.outcomes)
        head = f"{self.exercise}: all {len(self.outcomes)} checks passed" if not failed else \
            f"{self.exercise}: {failed} of {len(self.outcomes)} checks failed"
        return "\n".join([head] + [o.line(width) for o in self.outcomes])

    def finish(self):
        """Print the table if everything passed; raise CheckFailed with the table otherwise."""
        if not self.ok:
            raise CheckFailed(self.text(), self.outcomes)
        print(self.text())
