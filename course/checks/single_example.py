"""Visible checks of assignment 01 "One example at a time" that are more than a replay of stored values.

The other checks of the assignment (sigmoid, the derivatives, relu) are replays (course/checks/replay.py). These
replay their stored values too, and add one thing each:

* neuron_forward, dense_forward_single and the backward passes call your own earlier functions (sigmoid, relu,
  a derivative). When one of those is wrong, that costs points in its own check only: the later check then
  accepts what the later function gives with your earlier one (for a forward pass, your function's own value;
  for a backward pass, the stored outputs of a right backward pass with that wrong derivative, for the wrong
  derivatives the course knows). Nothing here computes an activation, a derivative or a backward pass.
* xor_parameters: any parameters that compute XOR are right, so the check runs yours (see _step_network).

Every call of a student's function runs with NumPy's floating-point warnings silenced: nbgrader gives 0 points
to a test cell that writes to stderr.
"""

from __future__ import annotations

import copy

import numpy as np

from . import replay, stored
from .calling import call, quiet
from .report import Report

__all__ = [
    "check_dense_backward_loops",
    "check_dense_backward_single",
    "check_dense_forward_single",
    "check_neuron_forward",
    "check_xor_parameters",
]


def _as_array(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _close(actual, expected):
    """True if actual is an array of numbers close to expected (a size-1 array matches a number)."""
    array, expected = _as_array(actual), np.asarray(expected, dtype=float)
    if array is None or (array.shape != expected.shape and not (array.size == expected.size == 1)):
        return False
    return bool(np.all(np.isfinite(array))) and np.allclose(array.reshape(expected.shape), expected,
                                                            rtol=1e-5, atol=1e-6)


def _quietly(fn, *args):
    """fn(*args), or None if it raises (the replay reports what the student's function does)."""
    try:
        with quiet():
            return fn(*copy.deepcopy(args))
    except Exception:  # noqa: BLE001 - any failure here is reported by the replay's own call
        return None


def _at(result, path):
    try:
        for index in path:
            result = result[index]
    except (TypeError, IndexError, KeyError):
        return None
    return result


def _note(exercise, function):
    print(f"(your {function} is wrong, see its own check: {exercise} is checked against what it gives with your "
          f"{function})")


def _expected_with_own(exercise, fn, args, spec):
    """[expected value per path of spec], if the student's own earlier function spec["function"] is wrong and fn
    gives what it should with it; else None."""
    namespace = getattr(fn, "__globals__", {})
    earlier = namespace.get(spec["function"]) if isinstance(namespace, dict) else None
    if not callable(earlier) or earlier is fn:
        return None
    values = _quietly(earlier, spec["z"])
    if values is None or _close(values, spec["right"]):
        return None
    if "cases" in spec:  # a backward pass: the stored outputs for a wrong derivative of the catalogue
        expected = next((case["expected"] for case in spec["cases"] if _close(values, case["values"])), None)
        if expected is None:
            print(f"(your {spec['function']} is wrong, see its own check: {exercise} is compared with what a right "
                  f"{spec['function']} gives)")
            return None
    else:  # a forward pass: your own function's value
        expected = [values]
    result = _quietly(fn, *args)
    if not all(_close(_at(result, path), want) for path, want in zip(spec["paths"], expected)):
        return None
    _note(exercise, spec["function"])
    return expected


def _run_with_own(exercise, fn):
    """The stored check of exercise, with the expected values of each call adapted to a wrong earlier function."""
    script = copy.deepcopy(stored.script(exercise)[1])
    own = stored.values(exercise).get("own", {})
    for step in script["steps"]:
        if "call" not in step:
            continue
        args = stored.decode(step["call"])
        spec = own.get(args[-1]) if isinstance(args[-1], str) else None
        expected = None if spec is None else _expected_with_own(exercise, fn, args, spec)
        if expected is None:
            continue
        for item in step["compare"]:
            if item["path"] in spec["paths"]:
                shape = np.shape(stored.decode(item["expected"]))
                value = np.asarray(expected[spec["paths"].index(item["path"])], dtype=float).reshape(shape)
                item["expected"] = stored.encode(value)
    replay.run(exercise, fn, script)


def check_neuron_forward(neuron_forward, *earlier):
    """The worked example of the notebook: w = (1, 2, -1), b = -0.5, x = (2, -1, 0.5) gives z = -1, for every
    activation; an unknown name raises ValueError. Earlier functions passed after yours are not used."""
    _run_with_own("neuron_forward", neuron_forward)


def check_dense_forward_single(dense_forward_single, *earlier):
    """z = W x + b for the worked example (z = (-3.4, 2.3)), y = g(z), and the cache (z, x, W, b)."""
    _run_with_own("dense_forward_single", dense_forward_single)


def check_dense_backward_loops(dense_backward_loops, *earlier):
    """Your loops on the worked example (dy = (0.7, -1.3)) for every activation, against stored values.
    Earlier functions passed after yours (an older notebook passed dense_forward_single) are not used."""
    _run_with_own("dense_backward_loops", dense_backward_loops)


def check_dense_backward_single(dense_backward_single, *earlier):
    """Your matrix form on the worked example (dy = (0.7, -1.3)) for every activation, against stored values.
    Earlier functions passed after yours (an older notebook passed dense_forward_single) are not used."""
    _run_with_own("dense_backward_single", dense_backward_single)


def _step_network(params, inputs):
    """The outputs of the 2-2-1 network of step units with the student's params on the inputs (one per column).

    This runs the student's own parameters: any parameters that compute XOR are right, so no stored output can
    judge them. No exercise of the course asks for this network: the exercise asks for its parameters, and the
    notebook gives the step function and runs the same network itself right after the exercise.
    """
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    hidden = np.where(W1 @ inputs + b1 >= 0, 1.0, 0.0)
    return np.where(W2 @ hidden + b2 >= 0, 1.0, 0.0)


def check_xor_parameters(xor_parameters):
    """Runs your parameters as a step-activation 2-2-1 network on the four inputs of XOR."""
    values = stored.values("xor_parameters")
    report = Report("xor_parameters")
    params = call(report, xor_parameters, (), [])
    if not isinstance(params, dict):
        report.expect("type", False, type(params).__name__, "return a dict with keys W1, b1, W2, b2")
        report.finish()
    for key, (shape, hint) in values["shapes"].items():
        value = params.get(key)
        got = np.shape(value) if _as_array(value) is not None else type(value).__name__
        report.expect(key, got == tuple(shape), f"shape {got} expected {tuple(shape)}",
                      hint if key in params else f"the key {key!r} is missing")
    if report.ok:
        report.compare("XOR", _step_network(params, values["inputs"]), values["targets"], mistakes=values["mistakes"])
    report.finish()
