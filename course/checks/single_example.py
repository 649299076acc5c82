"""Visible checks of assignment 01 "One example at a time".

Each check needs no reference solution: it uses values worked out in the notebook, shapes, invariants, and the
student's own backward pass against numerical differentiation of the student's own forward pass.

Every call of a student's function runs with NumPy's floating-point warnings silenced: nbgrader gives 0 points
to a test cell that writes to stderr, and an overflow warning is not worth a cell's points (an overflow that
matters shows up as nan or inf and is reported in words).
"""

from __future__ import annotations

import numpy as np

from ._numeric import central_difference
from .calling import call, expect_value_error, quiet, unpack
from .report import Report

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

ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")

# A grid with both signs and zero; derivative checks use points away from 0 (ReLU has a kink there).
Z_GRID = np.array([[-3.0, -1.0, -0.25], [0.0, 0.5, 2.0]])
Z_SMOOTH = np.array([[-2.5, -0.7, -0.2], [0.3, 1.1, 2.4]])

# The neuron of the notebook's worked example: w^T x = 2 - 2 - 0.5 = -0.5, so z = -0.5 + b = -1.
NEURON_W = np.array([[1.0], [2.0], [-1.0]])
NEURON_B = -0.5
NEURON_X = np.array([[2.0], [-1.0], [0.5]])
NEURON_Z = -1.0

# The layer of the notebook's worked example: 3 inputs, 2 units.
W_SMALL = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
B_SMALL = np.array([[0.1], [-0.2]])
X_SMALL = np.array([[1.0], [2.0], [-1.0]])
Z_SMALL = np.array([[-3.4], [2.3]])  # W_SMALL @ X_SMALL + B_SMALL, worked out by hand in the notebook
DY_SMALL = np.array([[0.7], [-1.3]])  # the dJ/dy of the notebook's backward example

# Forward formulas of the four activations (they are in the notebook's text); used to know what y must be.
_FORWARD = {
    "linear": lambda z: np.array(z, dtype=float),
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
}

# Central differences: with a step of 1e-5 on a float64 function, the truncation error (~eps² g'''/6) and the
# rounding error (~1e-16 / eps) both stay below 1e-9, far inside the tolerance of the comparisons.
_EPS = 1e-5


# float32 arithmetic is accurate to about 1e-7 per operation (less after a cancellation such as 1 - tanh²).
# The mistakes these checks look for are off by far more, so an absolute tolerance of 1e-6 accepts float32
# intermediates and still catches every one of them.
ATOL = 1e-6


def _compare(report, name, actual, expected, **kwargs):
    kwargs.setdefault("atol", ATOL)
    return report.compare(name, actual, expected, **kwargs)


# Your own functions that a later exercise calls. When one of them is wrong, it loses the points of its own
# check; a later exercise that uses it is then checked against what it gives with your function, so that the
# same mistake does not cost points twice.
_OWN_FORWARD = {"sigmoid": "sigmoid", "relu": "relu"}
_OWN_DERIVATIVE = {"sigmoid": "sigmoid_derivative", "relu": "relu_derivative", "tanh": "tanh_derivative"}
_PROBE = np.array([[-3.4], [-2.5], [-0.7], [0.3], [1.1], [2.3]])


def _textbook_slope(activation):
    g = _FORWARD[activation]
    return lambda v: (g(v + 1e-6) - g(v - 1e-6)) / 2e-6


def _faulty_own(fn, name, textbook):
    """Your function `name`, as fn would find it, if it runs but gives wrong values; else None."""
    own = getattr(fn, "__globals__", {}).get(name) if name else None
    if not callable(own) or own is fn:
        return None
    try:
        with quiet():
            out = np.asarray(own(_PROBE.copy()), dtype=float)
    except Exception:  # noqa: BLE001 - an own function that fails is reported when fn calls it
        return None
    right = out.shape == _PROBE.shape and np.allclose(out, textbook(_PROBE), rtol=1e-5, atol=1e-6)
    return None if right else own


def _own_values(own, z):
    """own(z) as a float array, or None if it fails."""
    try:
        with quiet():
            return np.asarray(own(z.copy()), dtype=float)
    except Exception:  # noqa: BLE001
        return None


def _consistent(values, expected):
    """True if every value has the shape of, and is close to, its expected counterpart."""
    try:
        return all(np.shape(v) == np.shape(e) and np.allclose(np.asarray(v, dtype=float), e, rtol=1e-5, atol=ATOL)
                   for v, e in zip(values, expected))
    except (TypeError, ValueError):
        return False


def _note_own(exercise, name):
    print(f"(your {name} is wrong, see its own check: {exercise} is checked against what it gives with your "
          f"{name})")


def _elementwise(report, fn, z):
    out = call(report, fn, (z.copy(),), ["z"])
    report.expect("shape", np.shape(out) == z.shape, f"{np.shape(out)} for input {z.shape}",
                  "return an array shaped like z (apply the function elementwise)")
    return np.asarray(out, dtype=float) if np.shape(out) == z.shape else None


def _slopes(forward, z):
    """The slope of an elementwise function at every entry of z, by central differences of sum(forward(z))."""
    point = np.array(z, dtype=float)
    with quiet():
        return central_difference(lambda: float(np.sum(np.asarray(forward(point), dtype=float))), point, eps=_EPS)


def _derivative_check(report, derivative, forward, label):
    """derivative(z) against central differences of forward, elementwise, away from 0."""
    out = _elementwise(report, derivative, Z_SMOOTH)
    if out is None:
        return
    try:
        expected = _slopes(forward, Z_SMOOTH)
    except Exception:  # noqa: BLE001 - a broken forward is reported by its own check
        return
    _compare(report, label, out, expected,
             mistakes={f"{label} is 0 everywhere: it should be the slope of the function": 0 * expected})


def check_sigmoid(sigmoid):
    """sigmoid(0) = 1/2, sigmoid(±ln 3) = 3/4 and 1/4, sigma(-z) = 1 - sigma(z), and no nan for |z| = 800."""
    report = Report("sigmoid")
    z = np.array([[0.0, np.log(3.0)], [-np.log(3.0), 2.0]])
    out = _elementwise(report, sigmoid, z)
    if out is not None:
        expected = np.array([[0.5, 0.75], [0.25, 1 / (1 + np.exp(-2.0))]])
        _compare(report, "sigmoid", out, expected,
                 mistakes={"1/(1 + e^{+z}) is σ(-z): check the sign of z in the exponent": 1 - expected,
                           "σ(z) = 1/(1 + e^{-z}): the 1 + in the denominator is missing": np.exp(z)})
        _compare(report, "σ(-z)", 1.0 - out[0, 1], out[1, 0])
    big = call(report, sigmoid, (np.array([[-800.0, 800.0]]),), ["z"])
    _compare(report, "σ(±800)", big, [[0.0, 1.0]], atol=1e-12)
    report.finish()


def _trusted(name, student, textbook, probes):
    """The student's function if it reproduces the textbook one to float64 precision on the probes, else the
    textbook one, with a note saying why.

    Numerical slopes of a forward pass are only as good as the forward pass: a mistake in it must not make the
    derivative or the backward pass fail too (it costs points once, in its own check), and a forward pass in
    float32 (correct to ~1e-7) would give slopes that are off by ~1e-7 / eps.
    """
    try:
        with quiet():
            pairs = [(np.asarray(student(*args), dtype=float), np.asarray(textbook(*args), dtype=float))
                     for args in probes]
        close = [np.shape(a) == np.shape(e) and np.allclose(a, e, rtol=1e-5, atol=1e-6) for a, e in pairs]
        exact = all(c and np.allclose(a, e, rtol=1e-10, atol=1e-12) for c, (a, e) in zip(close, pairs))
    except Exception:  # noqa: BLE001 - any failure of the student's function means: do not use it here
        close, exact = [False], False
    if exact:
        return student
    if all(close):
        print(f"(your {name} is right to float32 precision only, so the slopes below come from a float64 one)")
    else:
        print(f"(your {name} does not pass its own check yet, so the slopes below come from a correct one)")
    return textbook


def check_sigmoid_derivative(sigmoid_derivative, sigmoid):
    """sigma'(0) = 1/4, sigma'(±ln 3) = 3/16, and sigma' matches the slope of your sigmoid."""
    report = Report("sigmoid_derivative")
    z = np.array([[0.0, np.log(3.0), -np.log(3.0)]])
    out = call(report, sigmoid_derivative, (z.copy(),), ["z"])
    _compare(report, "σ'", out, [[0.25, 3 / 16, 3 / 16]],
             mistakes={"σ'(z) = σ(z)(1 - σ(z)); that is 1 - σ(z)": [[0.5, 0.25, 0.75]],
                       "σ'(z) = σ(z)(1 - σ(z)); that is σ(z)": [[0.5, 0.75, 0.25]],
                       "σ'(z) = σ(z)(1 - σ(z)), not z(1 - z): apply σ first": z * (1 - z)})
    probes = [(z.copy(),), (Z_SMOOTH.copy(),)]
    _derivative_check(report, sigmoid_derivative, _trusted("sigmoid", sigmoid, _FORWARD["sigmoid"], probes), "slope")
    report.finish()


def check_relu(relu):
    """relu is max(0, z) elementwise: 0 for z <= 0, z itself for z > 0."""
    report = Report("relu")
    out = _elementwise(report, relu, Z_GRID)
    if out is not None:
        _compare(report, "relu", out, [[0.0, 0.0, 0.0], [0.0, 0.5, 2.0]],
                 mistakes={"max(0, z), not min(0, z)": [[-3.0, -1.0, -0.25], [0.0, 0.0, 0.0]],
                           "negative inputs must become 0, not |z|": np.abs(Z_GRID),
                           "that is relu'(z), the derivative, not relu(z)": [[0, 0, 0], [0.0, 1.0, 1.0]]})
    report.finish()


def check_relu_derivative(relu_derivative):
    """relu'(z) is 1 for z > 0 and 0 for z <= 0 (we take relu'(0) = 0)."""
    report = Report("relu_derivative")
    out = _elementwise(report, relu_derivative, Z_GRID)
    if out is not None:
        _compare(report, "relu'", out, [[0.0, 0.0, 0.0], [0.0, 1.0, 1.0]],
                 mistakes={"relu'(0) should be 0: use z > 0, not z >= 0": [[0, 0, 0], [1.0, 1.0, 1.0]],
                           "that is relu(z), not its derivative": [[0, 0, 0], [0.0, 0.5, 2.0]],
                           "relu' is 1 where z > 0 and 0 elsewhere: the comparison is the wrong way round":
                           [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]})
    report.finish()


def check_tanh_derivative(tanh_derivative):
    """tanh'(0) = 1, tanh'(ln 2) = 16/25 (tanh(ln 2) = 3/5), and tanh' matches the slope of np.tanh."""
    report = Report("tanh_derivative")
    z = np.array([[0.0, np.log(2.0)]])
    out = call(report, tanh_derivative, (z.copy(),), ["z"])
    _compare(report, "tanh'", out, [[1.0, 0.64]],
             mistakes={"tanh'(z) = 1 - tanh(z)²; that is tanh(z)²": [[0.0, 0.36]],
                       "tanh'(z) = 1 - tanh(z)², not 1 - z²: apply tanh first": 1 - z ** 2,
                       "tanh'(z) = 1 - tanh(z)²; the square is missing": [[1.0, 0.4]]})
    _derivative_check(report, tanh_derivative, np.tanh, "slope")
    report.finish()


def _is_one_number(report, label, value, hint):
    """True if value is a number (or a size-1 array); otherwise a failed line saying why."""
    if _as_array(value) is None:
        return report.expect(label, False, f"is a {type(value).__name__}, expected a number", hint)
    return np.size(value) == 1 or report.expect(label, False, f"has shape {np.shape(value)}, expected one number",
                                                hint)


def _as_array(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def check_neuron_forward(neuron_forward):
    """The worked example of the notebook: w = (1, 2, -1), b = -0.5, x = (2, -1, 0.5) gives z = -1."""
    report = Report("neuron_forward")
    names = ["w", "b", "x", "activation"]
    b = NEURON_B
    for activation in ACTIVATIONS:
        g = _FORWARD[activation]
        y_expected = float(g(NEURON_Z))
        result = call(report, neuron_forward, (NEURON_W.copy(), b, NEURON_X.copy(), activation), names)
        y, z = unpack(report, result, ["y", "z"])
        own = _faulty_own(neuron_forward, _OWN_FORWARD.get(activation), g)
        own_y = None if own is None else _own_values(own, np.array([[NEURON_Z]]))
        if own_y is not None and own_y.size == 1 and np.size(y) == 1 and \
                _consistent([np.reshape(y, (1, 1))], [own_y.reshape(1, 1)]):
            _note_own("neuron_forward", _OWN_FORWARD[activation])
            y_expected = float(own_y.item())
        if _is_one_number(report, f"z {activation}", z,
                          "z is one number: wᵀx adds up the products (w.T @ x), w * x only multiplies them"):
            _compare(report, f"z {activation}", z, NEURON_Z,
                     mistakes={"z = wᵀx + b: is b missing?": NEURON_Z - b,
                               "z = wᵀx + b: b was subtracted": NEURON_Z - 2 * b,
                               "z is the value before the activation: did you return (z, y) instead of (y, z)?":
                               y_expected})
        if _is_one_number(report, f"y {activation}", y, "y = f(z) is one number"):
            _compare(report, f"y {activation}", y, y_expected,
                     mistakes={f"y = f(z): is the {activation} missing, or (z, y) swapped?": NEURON_Z,
                               "y is off because z is: is b missing?": float(g(NEURON_Z - b)),
                               "y is off because z is: b was subtracted": float(g(NEURON_Z - 2 * b))})
    with quiet():
        expect_value_error(report, neuron_forward, (NEURON_W, b, NEURON_X, "softplus"), names, "softplus")
    report.finish()


XOR_INPUTS = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
XOR_TARGETS = np.array([[0.0, 1.0, 1.0, 0.0]])


def _xor_outputs(params):
    """Runs a step-activation 2-2-1 network (step(z) = 1 if z >= 0 else 0) on the four inputs of XOR."""
    W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    hidden = np.where(W1 @ XOR_INPUTS + b1 >= 0, 1.0, 0.0)
    return np.where(W2 @ hidden + b2 >= 0, 1.0, 0.0)


XOR_MISTAKES = {
    "that computes OR: the output must be off when both inputs are 1": [[0.0, 1.0, 1.0, 1.0]],
    "that computes AND: the output must be on when exactly one input is 1": [[0.0, 0.0, 0.0, 1.0]],
    "that computes XNOR, the opposite of XOR: flip the output unit (negate W2 and b2)": [[1.0, 0.0, 0.0, 1.0]],
    "the output is always 1: is b2 too large?": [[1.0, 1.0, 1.0, 1.0]],
    "the output is always 0: is b2 too small (remember step(0) = 1)?": [[0.0, 0.0, 0.0, 0.0]],
}


def check_xor_parameters(xor_parameters):
    """Runs your parameters as a step-activation 2-2-1 network on the four inputs of XOR."""
    report = Report("xor_parameters")
    params = call(report, xor_parameters, (), [])
    if not isinstance(params, dict):
        report.expect("type", False, type(params).__name__, "return a dict with keys W1, b1, W2, b2")
        report.finish()
    shapes = {"W1": (2, 2), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}
    for key, shape in shapes.items():
        value = params.get(key)
        got = np.shape(value) if _as_array(value) is not None else type(value).__name__
        report.expect(key, got == shape, f"shape {got} expected {shape}",
                      f"{key} must be an array of shape {shape}" if key in params else f"the key {key!r} is missing")
    if report.ok:
        _compare(report, "XOR", _xor_outputs(params), XOR_TARGETS, mistakes=XOR_MISTAKES)
    report.finish()


def _forward_call(report, dense_forward_single, activation):
    args = (X_SMALL.copy(), W_SMALL.copy(), B_SMALL.copy(), activation)
    return unpack(report, call(report, dense_forward_single, args, ["x", "W", "b", "activation"]), ["y", "cache"])


def _unpack_cache(report, cache):
    if not isinstance(cache, (tuple, list)) or len(cache) != 4:
        got = f"a {type(cache).__name__} of {len(cache)}" if isinstance(cache, (tuple, list)) else \
            type(cache).__name__
        report.expect("cache", False, f"is {got}", "the cache must be the tuple (z, x, W, b)")
        report.finish()
    return tuple(cache)


def _bias_broadcast(report, label, y, n_y):
    """False, with a line saying why, if y is (n_y, n_y): the mark of a bias of shape (n_y,)."""
    if n_y > 1 and np.shape(y) == (n_y, n_y):
        return report.expect(label, False, f"shape {np.shape(y)} expected {(n_y, 1)}",
                             f"b must stay a column ({n_y}, 1): a bias of shape ({n_y},) makes W @ x + b "
                             f"broadcast into a ({n_y}, {n_y}) matrix")
    return True


def check_dense_forward_single(dense_forward_single):
    """z = W x + b for the worked example (z = (-3.4, 2.3)), y = g(z), and the cache (z, x, W, b)."""
    report = Report("dense_forward_single")
    for activation in ACTIVATIONS:
        g = _FORWARD[activation]
        y, cache = _forward_call(report, dense_forward_single, activation)
        mistakes = {"z = Wx + b: is b missing?": g(Z_SMALL - B_SMALL),
                    "y = g(z): the activation is missing": Z_SMALL}
        if activation == "relu":
            mistakes["relu(z) = max(0, z): the negative entries must become 0"] = np.abs(Z_SMALL)
        y_expected = g(Z_SMALL)
        own = _faulty_own(dense_forward_single, _OWN_FORWARD.get(activation), g)
        own_y = None if own is None else _own_values(own, Z_SMALL)
        if own_y is not None and _consistent([y], [own_y]):
            _note_own("dense_forward_single", _OWN_FORWARD[activation])
            y_expected = own_y
        if _bias_broadcast(report, f"y {activation}", y, Z_SMALL.shape[0]):
            _compare(report, f"y {activation}", y, y_expected, mistakes=mistakes)
        parts = _unpack_cache(report, cache)
        _compare(report, f"cache z {activation}", parts[0], Z_SMALL,
                 mistakes={"the cache must hold z (before the activation), not y": g(Z_SMALL)})
    for label, got, want in zip(("x", "W", "b"), parts[1:], (X_SMALL, W_SMALL, B_SMALL)):
        _compare(report, f"cache {label}", got, want)
    with quiet():
        expect_value_error(report, dense_forward_single, (X_SMALL, W_SMALL, B_SMALL, "swish"),
                           ["x", "W", "b", "activation"], "swish")
    report.finish()


def _textbook_layer(x, W, b, activation):
    return _FORWARD[activation](W @ x + b)


def _forward_for_slopes(dense_forward_single):
    """y of the student's dense_forward_single if it is right to float64 precision, else a correct y."""
    def student(x, W, b, activation):
        return dense_forward_single(x, W, b, activation)[0]

    probes = [(X_SMALL.copy(), W_SMALL.copy(), B_SMALL.copy(), a) for a in ACTIVATIONS]
    return _trusted("dense_forward_single", student, _textbook_layer, probes)


def _numeric_gradients(forward, activation):
    """dJ/dx, dJ/dW, dJ/db of J = sum(dy * y) by central differences of forward: then dJ/dy is exactly dy."""
    x, W, b = X_SMALL.copy(), W_SMALL.copy(), B_SMALL.copy()

    def cost():
        return float(np.sum(DY_SMALL * np.asarray(forward(x, W, b, activation), dtype=float)))

    with quiet():
        return [central_difference(cost, v, eps=_EPS) for v in (x, W, b)]


def _backward_mistakes(activation, loops):
    """{name: {sentence: wrong value}} for typical mistakes in the backward pass of the worked example."""
    g = _FORWARD[activation]

    def slope(v):  # g' by a tiny central difference of g: no formula for g' is given away here
        return (g(v + 1e-6) - g(v - 1e-6)) / 2e-6

    y = g(Z_SMALL)
    wrong_dz = {"g'(z) was skipped: dz = dy ⊙ g'(z), not dy": DY_SMALL,
                "g' must be taken at z (from the cache), not at y = g(z)": DY_SMALL * slope(y),
                "dz = dy ⊙ g'(z): that used g(z) instead of g'(z)": DY_SMALL * y}
    mistakes = {"dx": {}, "dW": {}, "db": {}}
    for sentence, dz in wrong_dz.items():
        mistakes["dx"][sentence] = W_SMALL.T @ dz
        mistakes["dW"][sentence] = dz @ X_SMALL.T
        mistakes["db"][sentence] = dz
    if loops:
        dz = DY_SMALL * slope(Z_SMALL)
        mistakes["dx"]["dx_i is a sum over all units j: use += to accumulate, not ="] = dz[-1, 0] * W_SMALL[-1:].T
    return mistakes


def _backward_check(name, backward, dense_forward_single):
    report = Report(name)
    forward = _forward_for_slopes(dense_forward_single)
    names = ["dy", "cache", "activation"]
    for activation in ACTIVATIONS:
        cache = (Z_SMALL.copy(), X_SMALL.copy(), W_SMALL.copy(), B_SMALL.copy())
        got = unpack(report, call(report, backward, (DY_SMALL.copy(), cache, activation), names), ["dx", "dW", "db"])
        expected = _numeric_gradients(forward, activation)
        own = _faulty_own(backward, _OWN_DERIVATIVE.get(activation), _textbook_slope(activation))
        slope = None if own is None else _own_values(own, Z_SMALL)
        if slope is not None and slope.shape == Z_SMALL.shape:
            dz = DY_SMALL * slope
            if _consistent(got, [W_SMALL.T @ dz, dz @ X_SMALL.T, dz]):
                _note_own(name, _OWN_DERIVATIVE[activation])
                expected = [W_SMALL.T @ dz, dz @ X_SMALL.T, dz]
        mistakes = _backward_mistakes(activation, loops=name.endswith("loops"))
        for label, value, want in zip(("dx", "dW", "db"), got, expected):
            _compare(report, f"{label} {activation}", value, want, mistakes=mistakes[label])
    cache = (Z_SMALL.copy(), X_SMALL.copy(), W_SMALL.copy(), B_SMALL.copy())
    with quiet():
        expect_value_error(report, backward, (DY_SMALL.copy(), cache, "softplus"), names, "softplus")
    report.finish()


def check_dense_backward_loops(dense_backward_loops, dense_forward_single):
    """Your loops against numerical derivatives of your own dense_forward_single, for every activation."""
    _backward_check("dense_backward_loops", dense_backward_loops, dense_forward_single)


def check_dense_backward_single(dense_backward_single, dense_forward_single):
    """Your matrix form against numerical derivatives of your own dense_forward_single, for every activation."""
    _backward_check("dense_backward_single", dense_backward_single, dense_forward_single)

