"""The stored values of the visible checks: what each check calls your function with, and what it expects back.

They are computed on the instructor's side (from the course's reference solution and its catalogue of typical
mistakes) and shipped as one JSON file per assignment in `course/checks/stored/`; nothing in this package
computes an answer. A value is plain JSON, with three tags for what JSON lacks:

    {"array": [flat float64 values], "shape": [...]}   a NumPy array (float64; exact: floats print as repr)
    {"array": [flat integers], "shape": [...], "dtype": "uint8"}   an array of integers keeps its dtype
    {"tuple": [...]}                                   a tuple (a list stays a list)
    {"dict": {...}}                                    a dict with string keys
"""

from __future__ import annotations

import functools
import json
import pathlib

import numpy as np

FOLDER = pathlib.Path(__file__).resolve().parent / "stored"


def encode(value):
    """value (arrays, tuples, lists, dicts with string keys, numbers, strings, None) as plain JSON data."""
    if isinstance(value, np.ndarray) and value.dtype.kind in "iu":
        return {"array": [int(v) for v in value.reshape(-1)], "shape": list(value.shape), "dtype": str(value.dtype)}
    if isinstance(value, np.ndarray):
        array = np.asarray(value, dtype=np.float64)
        return {"array": [float(v) for v in array.reshape(-1)], "shape": list(array.shape)}
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"dict": {str(k): encode(v) for k, v in value.items()}}
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise TypeError(f"cannot store a {type(value).__name__}")


def decode(data):
    """The value that encode(value) described: a fresh copy every time."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if isinstance(data, dict):
        if "array" in data:
            return np.array(data["array"], dtype=data.get("dtype", "float64")).reshape(data["shape"])
        if "tuple" in data:
            return tuple(decode(v) for v in data["tuple"])
        return {k: decode(v) for k, v in data["dict"].items()}
    return data


def path(assignment):
    """The file that holds one assignment's visible checks."""
    return FOLDER / f"{assignment}.json"


@functools.cache
def _load(assignment):
    return json.loads(path(assignment).read_text(encoding="utf-8"))


def assignments():
    """The names of the assignments that have stored checks, in order."""
    return sorted(p.stem for p in FOLDER.glob("*.json"))


def script(exercise):
    """(assignment, the stored check of `exercise` as JSON data)."""
    for assignment in assignments():
        checks = _load(assignment)["checks"]
        if exercise in checks:
            return assignment, checks[exercise]
    raise KeyError(f"no stored visible check for {exercise!r}")


def values(exercise):
    """{key: value} stored for a check of `exercise` written by hand (fresh copies)."""
    return {key: decode(v) for key, v in script(exercise)[1].get("values", {}).items()}


def exercises():
    """{exercise: its stored check} for every exercise of every assignment, in the course's order."""
    found = {}
    for assignment in assignments():
        found.update(_load(assignment)["checks"])
    return found
