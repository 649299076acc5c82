"""Building a stored visible check: the steps that course/checks/replay.py runs, with the expected values and
the values of typical mistakes filled in here, on the instructor's side, from the reference and the mistake
catalogues of the hidden checks (each catalogue is written once, in autograder/hidden/)."""

from __future__ import annotations

from course.checks.stored import encode


class Call:
    """One call of the student's function, and the comparisons of its outputs."""

    def __init__(self, args, names, unpack=None):
        self.step = {"call": encode(list(args)), "names": list(names),
                     "unpack": list(unpack) if unpack is not None else None, "parts": [], "compare": []}

    def part(self, path, names, hint=None):
        """The result at `path` must be a tuple (or list) of len(names) values, e.g. a cache; `hint` is said
        when it is not."""
        part = {"path": list(path), "names": list(names)}
        if hint:
            part["hint"] = hint
        self.step["parts"].append(part)
        return self

    def compare(self, path, label, expected, *, mistakes=None, shape_hints=None, m=None, rtol=None, atol=None,
                nonfinite=None, group=None):
        """Compare the result at `path` with expected; a value in `mistakes` names its sentence; `nonfinite` is
        the sentence for an output that holds nan or inf; `group` is the output the line is about (the label's
        first word when not given)."""
        item = {
            "path": list(path), "label": label, "expected": encode(expected),
            "mistakes": {sentence: encode(value) for sentence, value in (mistakes or {}).items()},
            "shape_hints": [[list(shape), sentence] for shape, sentence in (shape_hints or {}).items()],
            "m": m, "rtol": rtol, "atol": atol, "group": group or label.split()[0],
        }
        if nonfinite:
            item["nonfinite"] = nonfinite
        self.step["compare"].append(item)
        return self


class Script:
    """The stored visible check of one exercise."""

    def __init__(self, exercise, doc):
        self.exercise = exercise
        self.doc = " ".join(doc.split())
        self.steps = []
        self.values = {}

    def store(self, key, value):
        """Store a value for a check written by hand in course/checks/ (read there with stored.values)."""
        self.values[key] = value
        return value

    def call(self, args, names, unpack=None):
        step = Call(args, names, unpack)
        self.steps.append(step.step)
        return step

    def value_error(self, args, names, bad):
        """The function must raise ValueError for the unknown name `bad` among args."""
        self.steps.append({"value_error": encode(list(args)), "names": list(names), "bad": bad})

    def data(self):
        data = {"doc": self.doc, "steps": self.steps}
        if self.values:
            data["values"] = {key: encode(value) for key, value in self.values.items()}
        return data
