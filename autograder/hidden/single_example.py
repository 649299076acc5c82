"""Hidden checks of assignment 01: the student's function against the reference on fresh random inputs.

Inputs are drawn anew on every run, with distinct sizes (n_x != n_y) so that a transpose cannot go unnoticed,
and caches are consistent (the cache's z really is W x + b). Every call of a student's function runs with
NumPy's floating-point warnings silenced, so that a check never writes to stderr.
"""

from __future__ import annotations

import numpy as np

from course.checks.calling import call, expect_value_error, quiet, unpack
from course.checks.report import Report
from course.checks.single_example import XOR_INPUTS, XOR_MISTAKES, XOR_TARGETS, _bias_broadcast

from .. import reference as ref
from ._harness import away_from_zero, distinct_dims, fresh_rng, isolated

__all__ = [
    "check_dense_backward_loops",
    "check_dense_backward_single",
    "check_dense_forward_single",
    "check_neuron_forward",
    "check_relu",
    "check_relu_derivative",
    "check_sigmoid",
    "check_sigmoid_derivative",
    "check_tanh_derivative",
    "check_xor_parameters",
]

ACTIVATIONS = ref.ACTIVATIONS


# float32 arithmetic is accurate to about 1e-7 per operation (less after a cancellation such as 1 - tanh²).
# The mistakes these checks look for are off by far more, so an absolute tolerance of 1e-6 accepts float32
# intermediates and still catches every one of them.
ATOL = 1e-6


def _compare(report, name, actual, expected, **kwargs):
    kwargs.setdefault("atol", ATOL)
    return report.compare(name, actual, expected, **kwargs)


def _elementwise(name, fn, reference, wrong):
    """fn against reference on a column, a matrix and a (1, 1) array with distinct sizes and both signs."""
    rng = fresh_rng()
    report = Report(name)
    rows, cols = distinct_dims(rng, 2, 3, 7)
    with isolated(fn):
        for shape in [(rows, 1), (rows, cols), (1, 1)]:
            z = away_from_zero(rng, shape, margin=0.05) * 3
            if shape != (1, 1):  # always a 0 (relu'(0) = 0), a positive and a negative entry
                z.flat[0], z.flat[1], z.flat[-1] = 0.0, abs(z.flat[1]), -abs(z.flat[-1])
            out = call(report, fn, (z.copy(),), ["z"])
            _compare(report, f"{name} {shape}", out, reference(z), mistakes=wrong(z))
    report.finish()


def check_sigmoid(sigmoid):
    _elementwise("sigmoid", sigmoid, ref.sigmoid,
                 lambda z: {"1/(1 + e^{+z}) is σ(-z): check the sign of z in the exponent": ref.sigmoid(-z),
                            "σ(z) = 1/(1 + e^{-z}): the 1 + in the denominator is missing": np.exp(z)})


def check_sigmoid_derivative(sigmoid_derivative):
    _elementwise("sigmoid_derivative", sigmoid_derivative, ref.sigmoid_derivative,
                 lambda z: {"σ'(z) = σ(z)(1 - σ(z)), not 1 - σ(z)": 1 - ref.sigmoid(z),
                            "σ'(z) = σ(z)(1 - σ(z)), not σ(z)": ref.sigmoid(z),
                            "σ'(z) = σ(z)(1 - σ(z)), not z(1 - z): apply sigmoid first": z * (1 - z)})


def check_relu(relu):
    _elementwise("relu", relu, ref.relu,
                 lambda z: {"negative values must become 0, not |z|": np.abs(z),
                            "max(0, z), not min(0, z)": np.minimum(0.0, z),
                            "that is relu'(z), not relu(z)": ref.relu_derivative(z)})


def check_relu_derivative(relu_derivative):
    _elementwise("relu_derivative", relu_derivative, ref.relu_derivative,
                 lambda z: {"relu'(0) must be 0: use z > 0, not z >= 0": (z >= 0).astype(float),
                            "that is relu(z), not its derivative": ref.relu(z),
                            "relu' is 1 where z > 0 and 0 elsewhere: the comparison is the wrong way round":
                            (z <= 0).astype(float)})


def check_tanh_derivative(tanh_derivative):
    _elementwise("tanh_derivative", tanh_derivative, ref.tanh_derivative,
                 lambda z: {"tanh'(z) = 1 - tanh(z)², not tanh(z)²": np.tanh(z) ** 2,
                            "tanh'(z) = 1 - tanh(z)², not 1 - z²: apply tanh first": 1 - z ** 2,
                            "tanh'(z) = 1 - tanh(z)²: the square is missing": 1 - np.tanh(z)})


def _one_number(report, label, value, hint):
    try:
        size = np.size(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return report.expect(label, False, f"is a {type(value).__name__}, expected a number", hint)
    return size == 1 or report.expect(label, False, f"has shape {np.shape(value)}, expected one number", hint)


def check_neuron_forward(neuron_forward):
    rng = fresh_rng()
    report = Report("neuron_forward")
    names = ["w", "b", "x", "activation"]
    sizes = distinct_dims(rng, len(ACTIVATIONS), 2, 9)
    with isolated(neuron_forward):
        for activation, n in zip(ACTIVATIONS, sizes):
            w, x = rng.standard_normal((n, 1)), rng.standard_normal((n, 1))
            b = float(rng.uniform(0.5, 1.5) * rng.choice([-1.0, 1.0]))
            y, z = unpack(report, call(report, neuron_forward, (w.copy(), b, x.copy(), activation), names),
                          ["y", "z"])
            y_ref, z_ref = ref.neuron_forward(w, b, x, activation)
            if _one_number(report, f"z {activation}", z, "z is one number: wᵀx adds up the products (w.T @ x)"):
                _compare(report, f"z {activation}", z, z_ref,
                         mistakes={"z = wᵀx + b: is b missing?": z_ref - b,
                                   "z = wᵀx + b: b was subtracted": z_ref - 2 * b,
                                   "z is the value before the activation: (z, y) returned instead of (y, z)?":
                                   y_ref})
            if _one_number(report, f"y {activation}", y, "y = f(z) is one number"):
                g = ref.activation_forward
                _compare(report, f"y {activation}", y, y_ref,
                         mistakes={f"y = f(z): is the {activation} missing, or (z, y) swapped?": z_ref,
                                   "y is off because z is: is b missing?": g(z_ref - b, activation),
                                   "y is off because z is: b was subtracted": g(z_ref - 2 * b, activation)})
        with quiet():
            expect_value_error(report, neuron_forward, (w, b, x, "gelu"), names, "gelu")
    report.finish()


def check_xor_parameters(xor_parameters):
    report = Report("xor_parameters")
    params = call(report, xor_parameters, (), [])
    if not isinstance(params, dict):
        report.expect("type", False, type(params).__name__, "return a dict with keys W1, b1, W2, b2")
        report.finish()
    for key, value in ref.xor_parameters().items():
        try:
            got = np.shape(np.asarray(params.get(key), dtype=float)) if key in params else "missing"
        except (TypeError, ValueError):
            got = type(params.get(key)).__name__
        report.expect(key, got == value.shape, f"shape {got} expected {value.shape}", f"{key} must be {value.shape}")
    if report.ok:
        W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
        out = ref.step(W2 @ ref.step(W1 @ XOR_INPUTS + b1) + b2)
        _compare(report, "XOR", out, XOR_TARGETS, mistakes=XOR_MISTAKES)
    report.finish()


def _random_layer(rng, n_x, n_y):
    """x, W, b of a layer with n_x inputs and n_y >= 2 units whose z = W x + b is at least 0.15 away from 0,
    with at least one negative and one positive entry (so that relu' is neither all 0 nor all 1)."""
    x = rng.standard_normal((n_x, 1))
    W = rng.standard_normal((n_y, n_x))
    z = away_from_zero(rng, (n_y, 1)) * 1.5
    z[0, 0], z[-1, 0] = -abs(z[0, 0]), abs(z[-1, 0])
    return x, W, z - W @ x


def check_dense_forward_single(dense_forward_single):
    rng = fresh_rng()
    report = Report("dense_forward_single")
    names = ["x", "W", "b", "activation"]
    with isolated(dense_forward_single):
        for activation in ACTIVATIONS:
            x, W, b = _random_layer(rng, *distinct_dims(rng, 2, 2, 7))
            y, cache = unpack(report, call(report, dense_forward_single, (x.copy(), W.copy(), b.copy(), activation),
                                            names), ["y", "cache"])
            y_ref, (z_ref, *_rest) = ref.dense_forward_single(x, W, b, activation)
            if _bias_broadcast(report, f"y {activation}", y, W.shape[0]):
                _compare(report, f"y {activation}", y, y_ref,
                         mistakes={"z = Wx + b: is b missing?": ref.activation_forward(W @ x, activation),
                                   "y = g(z): the activation is missing": z_ref})
            if not isinstance(cache, (tuple, list)) or len(cache) != 4:
                report.expect("cache", False, f"is a {type(cache).__name__}", "the cache must be (z, x, W, b)")
                report.finish()
            z, cx, cW, cb = cache
            _compare(report, f"cache z {activation}", z, z_ref, mistakes={"the cache must hold z, not y": y_ref})
            for label, got, want in (("x", cx, x), ("W", cW, W), ("b", cb, b)):
                _compare(report, f"cache {label}", got, want)
        with quiet():
            expect_value_error(report, dense_forward_single, (x, W, b, "elu"), names, "elu")
    report.finish()


def _wrong_backward(dy, cache, activation, loops):
    """{label: {sentence: value}} for the typical mistakes, computed with the reference's activations."""
    z, x, W, _ = cache
    y = ref.activation_forward(z, activation)
    wrong_dz = {"g'(z) was skipped: dz = dy ⊙ g'(z), not dy": dy,
                "g' must be taken at z (from the cache), not at y = g(z)": dy * ref.activation_derivative(
                    y, activation),
                "dz = dy ⊙ g'(z): that used g(z) instead of g'(z)": dy * y}
    mistakes = {"dx": {}, "dW": {}, "db": {}}
    for sentence, dz in wrong_dz.items():
        mistakes["dx"][sentence] = W.T @ dz
        mistakes["dW"][sentence] = dz @ x.T
        mistakes["db"][sentence] = dz
    if loops:
        dz = dy * ref.activation_derivative(z, activation)
        mistakes["dx"]["dx_i is a sum over all units j: use += to accumulate, not ="] = dz[-1, 0] * W[-1:].T
    return mistakes


def _check_backward(name, fn, reference):
    rng = fresh_rng()
    report = Report(name)
    names = ["dy", "cache", "activation"]
    with isolated(fn):
        for activation in ACTIVATIONS:
            n_x, n_y = distinct_dims(rng, 2, 2, 7)
            x, W, b = _random_layer(rng, n_x, n_y)
            cache = (W @ x + b, x, W, b)
            dy = rng.standard_normal((n_y, 1))
            got = unpack(report, call(report, fn, (dy.copy(), tuple(c.copy() for c in cache), activation), names),
                         ["dx", "dW", "db"])
            want = reference(dy, cache, activation)
            mistakes = _wrong_backward(dy, cache, activation, loops=name.endswith("loops"))
            for label, value, expected in zip(("dx", "dW", "db"), got, want):
                _compare(report, f"{label} {activation}", value, expected, mistakes=mistakes[label])
        with quiet():
            expect_value_error(report, fn, (dy, cache, "softplus"), names, "softplus")
    report.finish()


def check_dense_backward_loops(dense_backward_loops):
    _check_backward("dense_backward_loops", dense_backward_loops, ref.dense_backward_loops)


def check_dense_backward_single(dense_backward_single):
    _check_backward("dense_backward_single", dense_backward_single, ref.dense_backward_single)
