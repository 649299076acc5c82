"""Hidden checks of assignment 01: the student's function against the reference on fresh random inputs."""

from __future__ import annotations

import numpy as np

from course.checks._call import call, expect_value_error, unpack
from course.checks._compare import Report

from .. import reference as ref
from ._harness import away_from_zero, distinct_dims, fresh_rng, isolated

ACTIVATIONS = ref.ACTIVATIONS


def _elementwise(name, fn, reference, wrong=None):
    rng = fresh_rng()
    report = Report(name)
    with isolated(fn):
        for shape in [(distinct_dims(rng, 1)[0], 1), tuple(distinct_dims(rng, 2)), (1, 1)]:
            z = away_from_zero(rng, shape, margin=0.05) * 3
            if name.startswith("relu"):
                z.flat[0] = 0.0  # relu'(0) = 0 and relu(0) = 0 are part of the contract
            out = call(report, fn, (z,), ["z"])
            report.compare(f"{name} {shape}", out, reference(z), mistakes=(wrong(z) if wrong else None))
    report.finish()


def check_sigmoid(sigmoid):
    _elementwise("sigmoid", sigmoid, ref.sigmoid,
                 lambda z: {"the sign of z in the exponent: 1/(1 + e^{-z})": ref.sigmoid(-z)})


def check_sigmoid_derivative(sigmoid_derivative):
    _elementwise("sigmoid_derivative", sigmoid_derivative, ref.sigmoid_derivative,
                 lambda z: {"σ'(z) = σ(z)(1 - σ(z)), not 1 - σ(z)": 1 - ref.sigmoid(z),
                            "σ'(z) = σ(z)(1 - σ(z)), not z(1 - z): apply sigmoid first": z * (1 - z)})


def check_relu(relu):
    _elementwise("relu", relu, ref.relu, lambda z: {"negative values must become 0, not |z|": np.abs(z)})


def check_relu_derivative(relu_derivative):
    _elementwise("relu_derivative", relu_derivative, ref.relu_derivative,
                 lambda z: {"relu'(0) must be 0: use z > 0": (z >= 0).astype(float),
                            "that is relu(z), not its derivative": ref.relu(z)})


def check_tanh_derivative(tanh_derivative):
    _elementwise("tanh_derivative", tanh_derivative, ref.tanh_derivative,
                 lambda z: {"tanh'(z) = 1 - tanh(z)²": np.tanh(z) ** 2, "tanh'(z) is 1 - tanh(z)², not 1 - z²": 1 - z ** 2})


def check_neuron_forward(neuron_forward):
    rng = fresh_rng()
    report = Report("neuron_forward")
    with isolated(neuron_forward):
        for activation in ACTIVATIONS:
            n = distinct_dims(rng, 1, 3, 8)[0]
            w, x, b = rng.standard_normal((n, 1)), rng.standard_normal((n, 1)), float(rng.standard_normal())
            y, z = unpack(report, call(report, neuron_forward, (w, b, x, activation), ["w", "b", "x", "activation"]),
                          ["y", "z"])
            y_ref, z_ref = ref.neuron_forward(w, b, x, activation)
            report.compare(f"z {activation}", z, z_ref, mistakes={"z = wᵀx + b: is b missing?": z_ref - b})
            report.compare(f"y {activation}", y, y_ref)
        expect_value_error(report, neuron_forward, (w, b, x, "gelu"), ["w", "b", "x", "activation"], "gelu")
    report.finish()


def check_xor_parameters(xor_parameters):
    report = Report("xor_parameters")
    params = call(report, xor_parameters, (), [])
    if not isinstance(params, dict):
        report.expect("type", False, type(params).__name__, "return a dict with keys W1, b1, W2, b2")
        report.finish()
    for key, value in ref.xor_parameters().items():
        got = np.shape(params.get(key))
        report.expect(key, got == value.shape, f"shape {got} expected {value.shape}", f"{key} must be {value.shape}")
    if report.ok:
        X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
        hidden = ref.step(np.asarray(params["W1"], float) @ X + np.asarray(params["b1"], float))
        out = ref.step(np.asarray(params["W2"], float) @ hidden + np.asarray(params["b2"], float))
        report.compare("XOR", out, [[0.0, 1.0, 1.0, 0.0]])
    report.finish()


def _random_layer(rng):
    n_x, n_y = distinct_dims(rng, 2, 2, 6)
    x = rng.standard_normal((n_x, 1))
    W = rng.standard_normal((n_y, n_x))
    b = rng.standard_normal((n_y, 1))
    return x, W, b


def check_dense_forward_single(dense_forward_single):
    rng = fresh_rng()
    report = Report("dense_forward_single")
    with isolated(dense_forward_single):
        for activation in ACTIVATIONS:
            x, W, b = _random_layer(rng)
            y, cache = unpack(report, call(report, dense_forward_single, (x, W, b, activation),
                                           ["x", "W", "b", "activation"]), ["y", "cache"])
            y_ref, (z_ref, *_rest) = ref.dense_forward_single(x, W, b, activation)
            report.compare(f"y {activation}", y, y_ref,
                           mistakes={"z = Wx + b: is b missing?": ref.activation_forward(W @ x, activation)})
            z, cx, cW, cb = unpack(report, cache, ["z", "x", "W", "b"])
            report.compare(f"cache z {activation}", z, z_ref, mistakes={"the cache must hold z, not y": y_ref})
            for label, got, want in (("x", cx, x), ("W", cW, W), ("b", cb, b)):
                report.compare(f"cache {label}", got, want)
        expect_value_error(report, dense_forward_single, (x, W, b, "elu"), ["x", "W", "b", "activation"], "elu")
    report.finish()


def _check_backward(name, fn, reference):
    rng = fresh_rng()
    report = Report(name)
    with isolated(fn):
        for activation in ACTIVATIONS:
            x, W, b = _random_layer(rng)
            z = away_from_zero(rng, (W.shape[0], 1))
            dy = rng.standard_normal(z.shape)
            cache = (z, x, W, b)
            got = unpack(report, call(report, fn, (dy, cache, activation), ["dy", "cache", "activation"]),
                         ["dx", "dW", "db"])
            want = reference(dy, cache, activation)
            no_gprime = ref.dense_backward_single(dy, (z, x, W, b), "linear")
            for label, g, w, skip in zip(("dx", "dW", "db"), got, want, no_gprime):
                report.compare(f"{label} {activation}", g, w,
                               mistakes={f"{label}: dz = dy ⊙ g'(z): was g'(z) skipped?": skip,
                                         f"{label}: g'(z) takes z from the cache, not y": _apply_to_y(
                                             label, dy, z, x, W, activation)})
    report.finish()


def _apply_to_y(label, dy, z, x, W, activation):
    """The outputs a student gets when g' is evaluated at y = g(z) instead of z."""
    y = ref.activation_forward(z, activation)
    dz = dy * ref.activation_derivative(y, activation)
    return {"dx": W.T @ dz, "dW": dz @ x.T, "db": dz}[label]


def check_dense_backward_loops(dense_backward_loops):
    _check_backward("dense_backward_loops", dense_backward_loops, ref.dense_backward_loops)


def check_dense_backward_single(dense_backward_single):
    _check_backward("dense_backward_single", dense_backward_single, ref.dense_backward_single)
