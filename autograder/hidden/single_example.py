"""Hidden checks of assignment 01: the student's function against the reference on fresh random inputs.

Inputs are drawn anew on every run, with distinct sizes (n_x != n_y) so that a transpose cannot go unnoticed,
and caches are consistent (the cache's z really is W x + b). Every call of a student's function runs with
NumPy's floating-point warnings silenced, so that a check never writes to stderr.

The typical mistakes of each exercise are catalogued here once (the public `*_mistakes` functions, the XOR
targets and mistakes, the shape sentences): the hidden checks use them, and autograder/visible/single_example.py
stores their values on the notebook's worked examples for the visible checks.
"""

from __future__ import annotations

import numpy as np

from course.checks.calling import call, expect_value_error, quiet, unpack
from course.checks.report import Report

from .. import reference as ref
from ._harness import away_from_zero, checking, distinct_dims, fresh_rng

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
    with checking(name, fn) as (report, rng):
        rows, cols = distinct_dims(rng, 2, 3, 7)
        for shape in [(rows, 1), (rows, cols), (1, 1)]:
            z = away_from_zero(rng, shape, margin=0.05) * 3
            if shape != (1, 1):  # always a 0 (relu'(0) = 0), a positive and a negative entry
                z.flat[0], z.flat[1], z.flat[-1] = 0.0, abs(z.flat[1]), -abs(z.flat[-1])
            out = call(report, fn, (z.copy(),), ["z"])
            _compare(report, f"{name} {shape}", out, reference(z), mistakes=wrong(z))


def sigmoid_mistakes(z):
    """{sentence: value} of the typical mistakes of sigmoid at z."""
    return {"1/(1 + e^{+z}) is σ(-z): check the sign of z in the exponent": ref.sigmoid(-z),
            "σ(z) = 1/(1 + e^{-z}): the 1 + in the denominator is missing": np.exp(z)}


def sigmoid_derivative_mistakes(z):
    """{sentence: value} of the typical mistakes of sigmoid_derivative at z."""
    return {"σ'(z) = σ(z)(1 - σ(z)), not 1 - σ(z)": 1 - ref.sigmoid(z),
            "σ'(z) = σ(z)(1 - σ(z)), not σ(z)": ref.sigmoid(z),
            "σ'(z) = σ(z)(1 - σ(z)), not z(1 - z): apply sigmoid first": z * (1 - z),
            "σ'(z) = σ(z)(1 - σ(z)): a minus, not a plus, in (1 - σ(z))": ref.sigmoid(z) * (1 + ref.sigmoid(z)),
            "σ' is 0 everywhere: it should be the slope of the sigmoid": np.zeros_like(z, dtype=float)}


def relu_mistakes(z):
    """{sentence: value} of the typical mistakes of relu at z."""
    return {"negative inputs must become 0, not |z|": np.abs(z),
            "max(0, z), not min(0, z)": np.minimum(0.0, z),
            "that is relu'(z), not relu(z)": ref.relu_derivative(z)}


def relu_derivative_mistakes(z):
    """{sentence: value} of the typical mistakes of relu_derivative at z."""
    return {"relu'(0) must be 0: use z > 0, not z >= 0": (z >= 0).astype(float),
            "that is relu(z), not its derivative": ref.relu(z),
            "relu' is 1 where z > 0 and 0 elsewhere: the comparison is the wrong way round": (z <= 0).astype(float),
            "relu' is 1 where z > 0 and 0 elsewhere: z < 0 is the wrong way round": (z < 0).astype(float)}


def tanh_derivative_mistakes(z):
    """{sentence: value} of the typical mistakes of tanh_derivative at z."""
    return {"tanh'(z) = 1 - tanh(z)², not tanh(z)²": np.tanh(z) ** 2,
            "tanh'(z) = 1 - tanh(z)², not 1 - z²: apply tanh first": 1 - z ** 2,
            "tanh'(z) = 1 - tanh(z)²: the square is missing": 1 - np.tanh(z),
            "tanh' is 0 everywhere: it should be the slope of tanh": np.zeros_like(z, dtype=float)}


# The derivative exercises by activation (what a backward pass calls), with their catalogues.
DERIVATIVES = {"sigmoid": ("sigmoid_derivative", sigmoid_derivative_mistakes),
               "relu": ("relu_derivative", relu_derivative_mistakes),
               "tanh": ("tanh_derivative", tanh_derivative_mistakes)}

# The activation exercises a forward pass calls, by activation (tanh is NumPy's np.tanh).
FORWARDS = {"sigmoid": "sigmoid", "relu": "relu"}


def check_sigmoid(sigmoid):
    _elementwise("sigmoid", sigmoid, ref.sigmoid, sigmoid_mistakes)


def check_sigmoid_derivative(sigmoid_derivative):
    _elementwise("sigmoid_derivative", sigmoid_derivative, ref.sigmoid_derivative, sigmoid_derivative_mistakes)


def check_relu(relu):
    _elementwise("relu", relu, ref.relu, relu_mistakes)


def check_relu_derivative(relu_derivative):
    _elementwise("relu_derivative", relu_derivative, ref.relu_derivative, relu_derivative_mistakes)


def check_tanh_derivative(tanh_derivative):
    _elementwise("tanh_derivative", tanh_derivative, ref.tanh_derivative, tanh_derivative_mistakes)


# The hints for a z or y of neuron_forward that is not one number.
Z_ONE_NUMBER = "z is one number: wᵀx adds up the products (w.T @ x), w * x only multiplies them"
Y_ONE_NUMBER = "y = f(z) is one number"


def _one_number(report, label, value, hint):
    try:
        size = np.size(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return report.expect(label, False, f"is a {type(value).__name__}, expected a number", hint)
    return size == 1 or report.expect(label, False, f"has shape {np.shape(value)}, expected one number", hint)


def neuron_z_mistakes(z, y, b):
    """{sentence: z} of the typical mistakes of neuron_forward's z, for the right z, y and the bias b."""
    return {"z = wᵀx + b: is b missing?": z - b,
            "z = wᵀx + b: b was subtracted": z - 2 * b,
            "z is the value before the activation: (z, y) returned instead of (y, z)?": y}


def neuron_y_mistakes(z, b, activation):
    """{sentence: y} of the typical mistakes of neuron_forward's y, for the right z and the bias b."""
    g = ref.activation_forward
    return {f"y = f(z): is the {activation} missing, or (z, y) swapped?": z,
            "y is off because z is: is b missing?": float(g(z - b, activation)),
            "y is off because z is: b was subtracted": float(g(z - 2 * b, activation))}


def check_neuron_forward(neuron_forward):
    rng = fresh_rng()  # drawn before the check's calls begin
    names = ["w", "b", "x", "activation"]
    sizes = distinct_dims(rng, len(ACTIVATIONS), 2, 9)
    with checking('neuron_forward', neuron_forward) as (report, _):
        for activation, n in zip(ACTIVATIONS, sizes):
            w, x = rng.standard_normal((n, 1)), rng.standard_normal((n, 1))
            b = float(rng.uniform(0.5, 1.5) * rng.choice([-1.0, 1.0]))
            y, z = unpack(report, call(report, neuron_forward, (w.copy(), b, x.copy(), activation), names),
                          ["y", "z"])
            y_ref, z_ref = ref.neuron_forward(w, b, x, activation)
            if _one_number(report, f"z {activation}", z, Z_ONE_NUMBER):
                _compare(report, f"z {activation}", z, z_ref, mistakes=neuron_z_mistakes(z_ref, y_ref, b))
            if _one_number(report, f"y {activation}", y, Y_ONE_NUMBER):
                _compare(report, f"y {activation}", y, y_ref, mistakes=neuron_y_mistakes(z_ref, b, activation))
        with quiet():
            expect_value_error(report, neuron_forward, (w, b, x, "gelu"), names, "gelu")


# XOR: the four inputs (one column each), the targets, and what typical wrong parameters compute instead.
XOR_INPUTS = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
XOR_TARGETS = np.array([[0.0, 1.0, 1.0, 0.0]])
XOR_SHAPES = {key: value.shape for key, value in ref.xor_parameters().items()}


def xor_mistakes():
    """{sentence: outputs on XOR_INPUTS} of the typical wrong parameters of xor_parameters."""
    return {
        "that computes OR: the output must be off when both inputs are 1": np.array([[0.0, 1.0, 1.0, 1.0]]),
        "that computes AND: the output must be on when exactly one input is 1": np.array([[0.0, 0.0, 0.0, 1.0]]),
        "that computes XNOR, the opposite of XOR: flip the output unit (negate W2 and b2)":
            np.array([[1.0, 0.0, 0.0, 1.0]]),
        "the output is always 1: is b2 too large?": np.array([[1.0, 1.0, 1.0, 1.0]]),
        "the output is always 0: is b2 too small (remember step(0) = 1)?": np.array([[0.0, 0.0, 0.0, 0.0]]),
    }


def xor_shape_hint(key):
    """The sentence for a parameter of xor_parameters with a wrong shape."""
    return f"{key} must be {XOR_SHAPES[key]}"


def check_xor_parameters(xor_parameters):
    report = Report("xor_parameters")
    params = call(report, xor_parameters, (), [])
    if not isinstance(params, dict):
        report.expect("type", False, type(params).__name__, "return a dict with keys W1, b1, W2, b2")
        report.finish()
    for key, shape in XOR_SHAPES.items():
        try:
            got = np.shape(np.asarray(params.get(key), dtype=float)) if key in params else "missing"
        except (TypeError, ValueError):
            got = type(params.get(key)).__name__
        report.expect(key, got == shape, f"shape {got} expected {shape}", xor_shape_hint(key))
    if report.ok:
        W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
        out = ref.step(W2 @ ref.step(W1 @ XOR_INPUTS + b1) + b2)
        _compare(report, "XOR", out, XOR_TARGETS, mistakes=xor_mistakes())
    report.finish()


def _random_layer(rng, n_x, n_y):
    """x, W, b of a layer with n_x inputs and n_y >= 2 units whose z = W x + b is at least 0.15 away from 0,
    with at least one negative and one positive entry (so that relu' is neither all 0 nor all 1)."""
    x = rng.standard_normal((n_x, 1))
    W = rng.standard_normal((n_y, n_x))
    z = away_from_zero(rng, (n_y, 1)) * 1.5
    z[0, 0], z[-1, 0] = -abs(z[0, 0]), abs(z[-1, 0])
    return x, W, z - W @ x


def bias_broadcast_hint(n_y):
    """The sentence for a y of shape (n_y, n_y): the mark of a bias of shape (n_y,)."""
    return (f"b must stay a column ({n_y}, 1): a bias of shape ({n_y},) makes W @ x + b broadcast into a "
            f"({n_y}, {n_y}) matrix")


def _bias_broadcast(report, label, y, n_y):
    """False, with a line saying why, if y is (n_y, n_y): the mark of a bias of shape (n_y,)."""
    if n_y > 1 and np.shape(y) == (n_y, n_y):
        return report.expect(label, False, f"shape {np.shape(y)} expected {(n_y, 1)}", bias_broadcast_hint(n_y))
    return True


def forward_mistakes(x, W, b, activation):
    """{sentence: y} of the typical mistakes of dense_forward_single that give y the right shape."""
    z = W @ x + b
    mistakes = {"z = Wx + b: is b missing?": ref.activation_forward(W @ x, activation),
                "y = g(z): the activation is missing": z}
    if activation == "relu":
        mistakes["relu(z) = max(0, z): the negative entries must become 0"] = np.abs(z)
    return mistakes


def cache_z_mistakes(y):
    """{sentence: cached z} of the typical mistakes of the z that dense_forward_single caches, for the right y."""
    return {"the cache must hold z (before the activation), not y": y}


def check_dense_forward_single(dense_forward_single):
    names = ["x", "W", "b", "activation"]
    with checking('dense_forward_single', dense_forward_single) as (report, rng):
        for activation in ACTIVATIONS:
            x, W, b = _random_layer(rng, *distinct_dims(rng, 2, 2, 7))
            y, cache = unpack(report, call(report, dense_forward_single, (x.copy(), W.copy(), b.copy(), activation),
                                            names), ["y", "cache"])
            y_ref, (z_ref, *_rest) = ref.dense_forward_single(x, W, b, activation)
            if _bias_broadcast(report, f"y {activation}", y, W.shape[0]):
                _compare(report, f"y {activation}", y, y_ref, mistakes=forward_mistakes(x, W, b, activation))
            if not isinstance(cache, (tuple, list)) or len(cache) != 4:
                report.expect("cache", False, f"is a {type(cache).__name__}", "the cache must be (z, x, W, b)")
                report.finish()
            z, cx, cW, cb = cache
            _compare(report, f"cache z {activation}", z, z_ref, mistakes=cache_z_mistakes(y_ref))
            for label, got, want in (("x", cx, x), ("W", cW, W), ("b", cb, b)):
                _compare(report, f"cache {label}", got, want)
        with quiet():
            expect_value_error(report, dense_forward_single, (x, W, b, "elu"), names, "elu")


def backward_mistakes(dy, cache, activation, loops):
    """{"dx"|"dW"|"db": {sentence: value}} of the typical mistakes of a backward pass (loops: of the loop form)."""
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
    names = ["dy", "cache", "activation"]
    with checking(name, fn) as (report, rng):
        for activation in ACTIVATIONS:
            n_x, n_y = distinct_dims(rng, 2, 2, 7)
            x, W, b = _random_layer(rng, n_x, n_y)
            cache = (W @ x + b, x, W, b)
            dy = rng.standard_normal((n_y, 1))
            got = unpack(report, call(report, fn, (dy.copy(), tuple(c.copy() for c in cache), activation), names),
                         ["dx", "dW", "db"])
            want = reference(dy, cache, activation)
            mistakes = backward_mistakes(dy, cache, activation, loops=name.endswith("loops"))
            for label, value, expected in zip(("dx", "dW", "db"), got, want):
                _compare(report, f"{label} {activation}", value, expected, mistakes=mistakes[label])
        with quiet():
            expect_value_error(report, fn, (dy, cache, "softplus"), names, "softplus")


def check_dense_backward_loops(dense_backward_loops):
    _check_backward("dense_backward_loops", dense_backward_loops, ref.dense_backward_loops)


def check_dense_backward_single(dense_backward_single):
    _check_backward("dense_backward_single", dense_backward_single, ref.dense_backward_single)
