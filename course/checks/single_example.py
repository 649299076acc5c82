"""Visible checks of assignment 01 "One example at a time".

Each check needs no reference solution: it uses values worked out in the notebook, shapes, invariants, and the
student's own backward pass against numerical differentiation of the student's own forward pass.
"""

from __future__ import annotations

import numpy as np

from ._call import call, expect_value_error, unpack
from ._compare import Report
from ._numeric import central_difference

# A grid with both signs and zero; derivative checks use points away from 0 (ReLU has a kink there).
Z_GRID = np.array([[-3.0, -1.0, -0.25], [0.0, 0.5, 2.0]])
Z_SMOOTH = np.array([[-2.5, -0.7, -0.2], [0.3, 1.1, 2.4]])


def _elementwise(report, fn, z):
    out = call(report, fn, (z,), ["z"])
    report.expect("shape", np.shape(out) == z.shape, f"{np.shape(out)} for input {z.shape}",
                  "return an array shaped like z (apply the function elementwise)")
    return np.asarray(out, dtype=float) if np.shape(out) == z.shape else None


def _derivative_check(report, derivative, forward, z=Z_SMOOTH):
    """derivative(z) against central differences of forward, elementwise."""
    out = _elementwise(report, derivative, z)
    if out is None:
        return
    expected = np.array([central_difference(lambda zi=zi: float(np.asarray(forward(zi)).sum()), zi)
                         for zi in (z.copy().reshape(-1, 1, 1))]).reshape(z.shape)
    report.compare("g'(z)", out, expected, rtol=1e-5, atol=1e-7,
                   mistakes={"that is the slope of another function: check the formula": expected * 0})


def check_sigmoid(sigmoid):
    """sigmoid(ln 3) = 3/4, sigmoid(0) = 1/2, sigma(-z) = 1 - sigma(z), no overflow for |z| = 800."""
    report = Report("sigmoid")
    z = np.array([[0.0, np.log(3.0)], [-np.log(3.0), 2.0]])
    out = _elementwise(report, sigmoid, z)
    if out is not None:
        expected = [[0.5, 0.75], [0.25, 1 / (1 + np.exp(-2.0))]]
        report.compare("sigmoid", out, expected,
                       mistakes={"1/(1 + e^{+z}) is σ(-z): the sign of z in the exponent?": 1 - np.array(expected)})
        report.compare("σ(-z)", 1.0 - out[0, 1], out[1, 0])
    with np.errstate(over="ignore"):
        big = np.asarray(call(report, sigmoid, (np.array([[-800.0, 800.0]]),), ["z"]), dtype=float)
    report.compare("σ(±800)", big, [[0.0, 1.0]], atol=1e-12)
    report.finish()


def check_sigmoid_derivative(sigmoid_derivative, sigmoid):
    """sigma'(0) = 1/4 and sigma' matches the slope of your sigmoid."""
    report = Report("sigmoid_derivative")
    at_zero = call(report, sigmoid_derivative, (np.zeros((1, 1)),), ["z"])
    report.compare("σ'(0)", at_zero, [[0.25]],
                   mistakes={"σ'(z) is σ(z)(1 - σ(z)), not 1 - σ(z)": [[0.5]], "σ'(z) is σ(z)(1 - σ(z))": [[0.5]]})
    _derivative_check(report, sigmoid_derivative, sigmoid)
    report.finish()


def check_relu(relu):
    """relu is max(0, z) elementwise: 0 for z <= 0, z itself for z > 0."""
    report = Report("relu")
    out = _elementwise(report, relu, Z_GRID)
    if out is not None:
        report.compare("relu", out, [[0.0, 0.0, 0.0], [0.0, 0.5, 2.0]],
                       mistakes={"max(0, z), not min(0, z)": [[-3.0, -1.0, -0.25], [0.0, 0.0, 0.0]],
                                 "negative inputs must become 0, not |z|": np.abs(Z_GRID)})
    report.finish()


def check_relu_derivative(relu_derivative):
    """relu'(z) is 1 for z > 0 and 0 for z <= 0 (we take relu'(0) = 0)."""
    report = Report("relu_derivative")
    out = _elementwise(report, relu_derivative, Z_GRID)
    if out is not None:
        report.compare("relu'", out, [[0.0, 0.0, 0.0], [0.0, 1.0, 1.0]],
                       mistakes={"relu'(0) should be 0: use z > 0, not z >= 0": [[0, 0, 0], [1.0, 1.0, 1.0]],
                                 "that is relu(z), not its derivative": [[0, 0, 0], [0.0, 0.5, 2.0]]})
    report.finish()


def check_tanh_derivative(tanh_derivative):
    """tanh'(0) = 1 and tanh' matches the slope of np.tanh."""
    report = Report("tanh_derivative")
    report.compare("tanh'(0)", call(report, tanh_derivative, (np.zeros((1, 1)),), ["z"]), [[1.0]],
                   mistakes={"tanh'(z) is 1 - tanh(z)², not tanh(z)²": [[0.0]]})
    _derivative_check(report, tanh_derivative, np.tanh)
    report.finish()


def check_neuron_forward(neuron_forward):
    """The worked example of the notebook: w = (1, 2, -1), b = -0.5, x = (2, -1, 0.5) gives z = -1."""
    report = Report("neuron_forward")
    w = np.array([[1.0], [2.0], [-1.0]])
    x = np.array([[2.0], [-1.0], [0.5]])
    expected = {"linear": -1.0, "relu": 0.0, "tanh": np.tanh(-1.0), "sigmoid": 1 / (1 + np.e)}
    for activation, y_expected in expected.items():
        y, z = unpack(report, call(report, neuron_forward, (w, -0.5, x, activation), ["w", "b", "x", "activation"]),
                      ["y", "z"])
        report.compare(f"z {activation}", z, -1.0, mistakes={"z = wᵀx + b: is b missing?": -0.5})
        report.compare(f"y {activation}", y, y_expected)
    report.expect("y, z type", isinstance(y, (float, np.floating)) and isinstance(z, (float, np.floating)),
                  f"{type(y).__name__}, {type(z).__name__}", "return Python floats, e.g. float(z)")
    expect_value_error(report, neuron_forward, (w, -0.5, x, "softplus"), ["w", "b", "x", "activation"], "softplus")
    report.finish()


def check_xor_parameters(xor_parameters):
    """Runs your parameters as a step-activation 2-2-1 network on the four inputs of XOR."""
    report = Report("xor_parameters")
    params = call(report, xor_parameters, (), [])
    if not isinstance(params, dict):
        report.expect("type", False, type(params).__name__, "return a dict with keys W1, b1, W2, b2")
        report.finish()
    shapes = {"W1": (2, 2), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}
    for key, shape in shapes.items():
        got = np.shape(params.get(key))
        report.expect(key, got == shape, f"shape {got} expected {shape}", f"{key} must have shape {shape}")
    if report.ok:
        X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
        hidden = np.where(params["W1"] @ X + params["b1"] >= 0, 1.0, 0.0)
        out = np.where(params["W2"] @ hidden + params["b2"] >= 0, 1.0, 0.0)
        report.compare("XOR", out, [[0.0, 1.0, 1.0, 0.0]],
                       mistakes={"that computes OR: the output must be off when both inputs are 1": [[0, 1, 1, 1]],
                                 "that computes AND": [[0, 0, 0, 1]], "that computes XNOR: flip the output":
                                 [[1, 0, 0, 1]]})
    report.finish()


# A small layer of the notebook's worked example: 3 inputs, 2 units.
W_SMALL = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
B_SMALL = np.array([[0.1], [-0.2]])
X_SMALL = np.array([[1.0], [2.0], [-1.0]])
Z_SMALL = np.array([[-3.4], [2.3]])  # W_SMALL @ X_SMALL + B_SMALL, worked out by hand


def _layer_outputs(report, dense_forward_single, activation):
    args = (X_SMALL.copy(), W_SMALL.copy(), B_SMALL.copy(), activation)
    y, cache = unpack(report, call(report, dense_forward_single, args, ["x", "W", "b", "activation"]),
                      ["y", "cache"])
    return y, cache


def check_dense_forward_single(dense_forward_single):
    """z = W x + b for the worked example, y = g(z), and the cache (z, x, W, b)."""
    report = Report("dense_forward_single")
    for activation, g in [("linear", lambda z: z), ("relu", lambda z: np.maximum(z, 0)),
                          ("tanh", np.tanh), ("sigmoid", lambda z: 1 / (1 + np.exp(-z)))]:
        y, cache = _layer_outputs(report, dense_forward_single, activation)
        report.compare(f"y {activation}", y, g(Z_SMALL),
                       mistakes={"z = Wx + b: is b missing?": g(Z_SMALL - B_SMALL),
                                 "y = g(z): is the activation missing?": Z_SMALL})
    cache = unpack(report, cache, ["z", "x", "W", "b"])
    report.compare("cache z", cache[0], Z_SMALL, mistakes={"the cache must hold z, not y": g(Z_SMALL)})
    report.compare("cache x", cache[1], X_SMALL)
    report.compare("cache W", cache[2], W_SMALL)
    report.compare("cache b", cache[3], B_SMALL)
    expect_value_error(report, dense_forward_single, (X_SMALL, W_SMALL, B_SMALL, "swish"),
                       ["x", "W", "b", "activation"], "swish")
    report.finish()


def _backward_check(name, backward, dense_forward_single):
    report = Report(name)
    dy = np.array([[0.7], [-1.3]])
    for activation in ("linear", "relu", "tanh", "sigmoid"):
        x, W, b = X_SMALL.copy(), W_SMALL.copy(), B_SMALL.copy()

        def cost(x=x, W=W, b=b, activation=activation):
            y, _ = dense_forward_single(x, W, b, activation)
            return float(np.sum(dy * y))

        _, cache = _layer_outputs(report, dense_forward_single, activation)
        dx, dW, db = unpack(report, call(report, backward, (dy.copy(), cache, activation),
                                         ["dy", "cache", "activation"]), ["dx", "dW", "db"])
        numeric = {v: central_difference(cost, arr) for v, arr in (("dx", x), ("dW", W), ("db", b))}
        report.compare(f"dx {activation}", dx, numeric["dx"], rtol=1e-5, atol=1e-6,
                       mistakes={"dx = Wᵀ dz: did you use W instead of Wᵀ, or skip g'(z)?": W.T @ dy})
        report.compare(f"dW {activation}", dW, numeric["dW"], rtol=1e-5, atol=1e-6,
                       mistakes={"dW = dz xᵀ: did you skip g'(z)?": dy @ x.T})
        report.compare(f"db {activation}", db, numeric["db"], rtol=1e-5, atol=1e-6,
                       mistakes={"db = dz = dy ⊙ g'(z): did you skip g'(z)?": dy})
    report.finish()


def check_dense_backward_loops(dense_backward_loops, dense_forward_single):
    """Your loops against numerical derivatives of your own dense_forward_single, for every activation."""
    _backward_check("dense_backward_loops", dense_backward_loops, dense_forward_single)


def check_dense_backward_single(dense_backward_single, dense_forward_single):
    """Your matrix form against numerical derivatives of your own dense_forward_single, for every activation."""
    _backward_check("dense_backward_single", dense_backward_single, dense_forward_single)
