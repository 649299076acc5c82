"""Visible checks of assignment 02 "A batch of m examples".

No reference solution is needed here: the forward checks use the worked example of the notebook (its Z was
computed by hand there), and the backward checks compare your backward pass with central differences of your
own forward pass on that example.

How the backward checks turn a forward pass into a cost: they pick a fixed matrix G shaped like A and use the
"probe" cost J = (1/m) sum_i L_i with L_i = sum_k G[k, i] A[k, i]. Its per-example gradient dL_i/dA[:, i] is
G[:, i], so G is exactly the dA your function receives; dW and db are dJ/dW and dJ/db, and column i of dA_prev
is dL_i/dA_prev[:, i] (per example, no 1/m), i.e. m * dJ/dA_prev.
"""

from __future__ import annotations

import numpy as np

from ._call import call, expect_value_error, unpack
from ._compare import Report, compare
from ._numeric import central_difference

__all__ = [
    "check_layer_backward",
    "check_layer_backward_per_example",
    "check_layer_backward_rows",
    "check_layer_forward",
    "check_layer_forward_rows",
]

ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")

# The worked example of the notebook: a layer of 2 units with 3 inputs, on a batch of 4 examples (columns).
# Column 0 is the single example of assignment 01.
W_EX = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
B_EX = np.array([[0.1], [-0.2]])
A_PREV_EX = np.array([[1.0, 0.0, 2.0, -1.0], [2.0, 1.0, 0.0, 1.0], [-1.0, 1.0, 0.5, 0.0]])
Z_EX = np.array([[-3.4, 1.1, 2.1, -1.4], [2.3, -0.45, 2.55, -1.45]])  # W_EX @ A_PREV_EX + B_EX, by hand
# The dA used by the backward checks (the probe G above); column 0 is the dy of assignment 01.
DA_EX = np.array([[0.7, 0.2, -0.5, 1.0], [-1.3, 0.8, 0.6, -0.4]])

# The blog post's shapes-table network (02, section 6), with the numbers of the notebook (row-major: 3 examples, 1 feature).
X_TABLE = np.array([[1.0], [-2.0], [0.5]])
W_H_TABLE, B_H_TABLE = np.array([[1.0, -0.5]]), np.array([[0.5, 1.0]])
H_TABLE = np.array([[1.5, 0.5], [0.0, 2.0], [1.0, 0.75]])  # relu(X W_h + b_h), by hand
W_O_TABLE, B_O_TABLE = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[-0.5, 0.25]])
O_TABLE = np.array([[1.25, 0.0], [0.5, 4.25], [0.875, 0.75]])  # relu(H W_o + b_o), by hand

# Central differences with a step of 1e-3: small enough for these smooth functions (|Z| >= 0.45, so ReLU's kink
# is never crossed), large enough that a forward pass with float32 intermediates still differentiates well.
EPS = 1e-3
RTOL, ATOL = 1e-3, 2e-4


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


G = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "sigmoid": _sigmoid}
G_PRIME = {"linear": np.ones_like, "relu": lambda z: (z > 0).astype(float),
           "tanh": lambda z: 1.0 - np.tanh(z) ** 2, "sigmoid": lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))}


def _shape(value):
    try:
        return np.shape(value)
    except (TypeError, ValueError):
        return None


def compare_explained(report, name, actual, expected, shape_hints=None, **kwargs):
    """report.compare, but a wrong shape listed in shape_hints gets that sentence as its hint."""
    outcome = compare(name, actual, expected, **kwargs)
    if not outcome.ok and shape_hints:
        shape = _shape(actual)
        if shape != np.shape(expected) and shape in shape_hints:
            outcome.hint = shape_hints[shape]
    return report.add(outcome)


def _layout(rows):
    """The worked example in the column layout (rows=False) or transposed to the row layout (rows=True)."""
    if rows:
        return A_PREV_EX.T.copy(), W_EX.T.copy(), B_EX.T.copy(), Z_EX.T.copy(), DA_EX.T.copy()
    return A_PREV_EX.copy(), W_EX.copy(), B_EX.copy(), Z_EX.copy(), DA_EX.copy()


# --------------------------------------------------------------------------------------------------------
# Forward
# --------------------------------------------------------------------------------------------------------

def _forward_check(name, forward, rows):
    report = Report(name)
    arg_names = ["X", "W", "b", "activation"] if rows else ["A_prev", "W", "b", "activation"]
    input_name = "X" if rows else "A_prev"
    A_prev, W, b, Z, _ = _layout(rows)
    shapes = {Z.T.shape: f"A looks transposed: {'examples are rows here' if rows else 'examples are columns'}"}
    for activation in ACTIVATIONS:
        args = (A_prev.copy(), W.copy(), b.copy(), activation)
        A, cache = unpack(report, call(report, forward, args, arg_names), ["A", "cache"])
        mistakes = {"Z = " + ("X W + b" if rows else "W A_prev + b") + ": is b missing?": G[activation](Z - b)}
        if activation != "linear":
            mistakes["A = g(Z): is the activation missing?"] = Z
            for other in ACTIVATIONS:
                if other not in (activation, "linear"):
                    mistakes[f"A looks like {other}(Z), not {activation}(Z)"] = G[other](Z)
        compare_explained(report, f"A {activation}", A, G[activation](Z), shape_hints=shapes,
                          mistakes=mistakes, rtol=1e-5, atol=1e-7)
    # The cache of the last call (sigmoid, where A and Z differ).
    parts = unpack(report, cache, ["Z", input_name, "W", "b"])
    order = f"the cache is (Z, {input_name}, W, b), in this order"
    compare_explained(report, "cache Z", parts[0], Z, shape_hints={A_prev.shape: order},
                      mistakes={"the cache must hold Z (before the activation), not A": G["sigmoid"](Z)})
    compare_explained(report, f"cache {input_name}", parts[1], A_prev, shape_hints={Z.shape: order})
    report.compare("cache W", parts[2], W)
    report.compare("cache b", parts[3], b)
    # One example is a batch too: m = 1 must work (this is assignment 01's dense layer).
    one = (A_prev[:1, :].copy(), W.copy(), b.copy(), "tanh") if rows else \
        (A_prev[:, :1].copy(), W.copy(), b.copy(), "tanh")
    A1, _ = unpack(report, call(report, forward, one, arg_names), ["A", "cache"])
    compare_explained(report, "A m=1", A1, np.tanh(Z[:1, :] if rows else Z[:, :1]))
    expect_value_error(report, forward, (A_prev, W, b, "softplus"), arg_names, "softplus")
    return report


def check_layer_forward(layer_forward):
    """The worked example: W (2, 3), b (2, 1), A_prev (3, 4) gives the Z computed by hand in the notebook;
    A = g(Z) for every activation, the cache is (Z, A_prev, W, b), m = 1 works, unknown names raise."""
    _forward_check("layer_forward", layer_forward, rows=False).finish()


def check_layer_forward_rows(layer_forward_rows):
    """The worked example transposed (X (4, 3), W (3, 2), b (1, 2)) gives Zᵀ, and the blog post's two-layer ReLU
    network of the shapes table gives the hidden and output activations computed by hand in the notebook."""
    report = _forward_check("layer_forward_rows", layer_forward_rows, rows=True)
    names = ["X", "W", "b", "activation"]
    H, _ = unpack(report, call(report, layer_forward_rows, (X_TABLE.copy(), W_H_TABLE.copy(), B_H_TABLE.copy(),
                                                            "relu"), names), ["A", "cache"])
    report.compare("H of the table", H, H_TABLE)
    O, _ = unpack(report, call(report, layer_forward_rows, (H_TABLE.copy(), W_O_TABLE.copy(), B_O_TABLE.copy(),
                                                            "relu"), names), ["A", "cache"])
    report.compare("O of the table", O, O_TABLE)
    report.finish()


# --------------------------------------------------------------------------------------------------------
# Backward
# --------------------------------------------------------------------------------------------------------

def _forward_is_right(report, forward, rows):
    """Whether the student's forward is right on the worked example. If it is not, the numerical comparison
    is skipped (with a note): a mistake in the forward pass is charged to its own exercise, not again here.
    The hidden check still compares this backward pass on its own."""
    A_prev, W, b, Z, _ = _layout(rows)
    fname = "layer_forward_rows" if rows else "layer_forward"
    try:
        good = all(np.allclose(np.asarray(forward(A_prev.copy(), W.copy(), b.copy(), a)[0], dtype=float),
                               G[a](Z), rtol=1e-5, atol=1e-6) for a in ACTIVATIONS)
    except Exception:  # noqa: BLE001 - any failure of the forward pass is treated alike
        good = False
    if not good:
        report.expect("numerical", True, f"skipped: it needs a right {fname}; make check_{fname} pass, then "
                      "run this cell again")
    return good


def _numeric_gradients(forward, A_prev, W, b, dA, activation, rows):
    """dJ/dW, dJ/db and m * dJ/dA_prev of the probe cost J = (1/m) sum(dA * forward(A_prev, W, b)[0])."""
    m = A_prev.shape[0] if rows else A_prev.shape[1]
    A_prev, W, b = A_prev.copy(), W.copy(), b.copy()

    def cost():
        A, _ = forward(A_prev, W, b, activation)
        return float(np.sum(dA * np.asarray(A, dtype=float))) / m

    return (m * central_difference(cost, A_prev, eps=EPS), central_difference(cost, W, eps=EPS),
            central_difference(cost, b, eps=EPS))


def _wrong_values(A_prev, W, Z, dA, activation, rows):
    """What typical mistakes return, as {output index: {sentence: value}}."""
    m = A_prev.shape[0] if rows else A_prev.shape[1]
    g, gp = G[activation], G_PRIME[activation]

    def outputs(dZ):
        if rows:
            return dZ @ W.T, A_prev.T @ dZ / m, dZ.sum(axis=0, keepdims=True) / m
        return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m

    variants = []
    if activation != "linear":
        variants.append(("dZ = dA ⊙ g'(Z): was g'(Z) skipped?", outputs(dA)))
    variants.append(("dZ = dA ⊙ g'(Z): that is dA ⊙ g(Z), the activation instead of its derivative",
                     outputs(dA * g(Z))))
    if activation in ("tanh", "sigmoid"):
        variants.append(("g' must be evaluated at Z (from the cache), not at A = g(Z)", outputs(dA * gp(g(Z)))))
    mistakes = {0: {}, 1: {}, 2: {}}
    for sentence, values in variants:
        for k in range(3):
            mistakes[k][sentence] = values[k]
    if m > 1:  # a loop that assigns (=) instead of accumulating (+=) keeps only the last example
        last = (slice(m - 1, m), slice(None)) if rows else (slice(None), slice(m - 1, m))
        dZ_last = dA[last] * gp(Z[last])
        own = (A_prev[last].T @ dZ_last, dZ_last.sum(axis=0, keepdims=True)) if rows else \
            (dZ_last @ A_prev[last].T, dZ_last)
        for k, name in ((1, "dW"), (2, "db")):
            mistakes[k][f"{name} holds only the last example's gradient: accumulate with += inside the loop"] = \
                own[k - 1]
            mistakes[k][f"{name} is the last example's gradient over m: accumulate with += inside the loop"] = \
                own[k - 1] / m
    return mistakes


def _backward_shape_hints(A_prev, W, rows):
    m = A_prev.shape[0] if rows else A_prev.shape[1]
    if rows:
        n_l = W.shape[1]
        return {
            "dW": {(n_l, n_l): "dW = Xᵀ dZ / m: multiply by the layer's input X, not by its Z or A"},
            "db": {(m, 1): "db has one entry per example: in the row layout examples are rows, sum over axis=0",
                   (1, m): "db has one entry per example: in the row layout examples are rows, sum over axis=0"},
            "dX": {(m, n_l): "dX must have the shape of X (m, n): dX = dZ Wᵀ"},
        }
    n_l = W.shape[0]
    return {
        "dW": {(n_l, n_l): "dW = (1/m) dZ A_prevᵀ: multiply by the layer's input A_prev, not by its Z or A"},
        "db": {(1, m): "db has one entry per example: sum over axis=1 (the examples), not axis=0 (the units)",
               (m,): "db has one entry per example: sum over axis=1 (the examples), not axis=0 (the units)"},
        "dA_prev": {(n_l, m): "dA_prev must have the shape of A_prev (n_prev, m): dA_prev = Wᵀ dZ"},
    }


def _backward_check(report_name, backward, forward, rows):
    report = Report(report_name)
    A_prev, W, b, Z, dA = _layout(rows)
    # an unwritten or crashing backward is reported before anything is said about the forward pass
    call(report, backward, (dA.copy(), (Z, A_prev, W, b), "linear"), ["dA", "cache", "activation"])
    if not _forward_is_right(report, forward, rows):
        report.finish()
        return
    names = ("dX", "dW", "db") if rows else ("dA_prev", "dW", "db")
    hints = {
        names[0]: f"{names[0]} has no 1/m: each {'row' if rows else 'column'} is one example's own gradient",
    }
    cases = [(activation, slice(None)) for activation in ACTIVATIONS] + [("sigmoid", slice(0, 1))]
    for activation, cols in cases:
        A_prev, W, b, Z, dA = _layout(rows)
        if rows:
            A_prev, Z, dA = A_prev[cols, :].copy(), Z[cols, :].copy(), dA[cols, :].copy()
        else:
            A_prev, Z, dA = A_prev[:, cols].copy(), Z[:, cols].copy(), dA[:, cols].copy()
        m = A_prev.shape[0] if rows else A_prev.shape[1]
        label = activation if m > 1 else f"{activation} m=1"
        cache = (Z, A_prev, W, b)
        result = call(report, backward, (dA.copy(), cache, activation), ["dA", "cache", "activation"])
        got = unpack(report, result, list(names))
        want = _numeric_gradients(forward, A_prev, W, b, dA, activation, rows)
        wrong = _wrong_values(A_prev, W, Z, dA, activation, rows)
        shape_hints = _backward_shape_hints(A_prev, W, rows)
        for k, name in enumerate(names):
            mistakes = dict(wrong[k])
            if k == 0 and m > 1:
                mistakes[hints[name]] = want[0] / m
            compare_explained(report, f"{name} {label}", got[k], want[k], shape_hints=shape_hints[name],
                              mistakes=mistakes, m=m, rtol=RTOL, atol=ATOL)
    A_prev, W, b, Z, dA = _layout(rows)
    expect_value_error(report, backward, (dA, (Z, A_prev, W, b), "softplus"), ["dA", "cache", "activation"],
                       "softplus")
    report.finish()


def check_layer_backward(layer_backward, layer_forward):
    """Your layer_backward against central differences of your layer_forward on the worked example, for every
    activation and for a batch of one; dA is left unchanged; unknown names raise."""
    _backward_check("layer_backward", layer_backward, layer_forward, rows=False)


def check_layer_backward_per_example(layer_backward_per_example, layer_forward):
    """Your loop over examples against central differences of your layer_forward, as for layer_backward."""
    _backward_check("layer_backward_per_example", layer_backward_per_example, layer_forward, rows=False)


def check_layer_backward_rows(layer_backward_rows, layer_forward_rows):
    """Your row-major backward pass against central differences of your layer_forward_rows on the worked
    example transposed (X (4, 3), W (3, 2), b (1, 2)), for every activation and for a batch of one."""
    _backward_check("layer_backward_rows", layer_backward_rows, layer_forward_rows, rows=True)
