"""Hidden checks of assignment 02: the student's function against the reference on fresh random inputs.

Every case draws new sizes with n_prev, n_l and m all different (plus one batch of a single example), builds a
consistent cache (its Z really is W A_prev + b) and names the typical mistakes when an output matches one.
Tolerances are a little wider than the defaults so that a correct solution with float32 intermediates passes;
every mistake named here is off by far more.
"""

from __future__ import annotations

import numpy as np

from course.checks.calling import call, expect_value_error, unpack
from course.checks.report import Report

from .. import reference as ref
from ._harness import checking, distinct_dims

__all__ = [
    "check_layer_backward",
    "check_layer_backward_per_example",
    "check_layer_backward_rows",
    "check_layer_forward",
    "check_layer_forward_rows",
]

ACTIVATIONS = ref.ACTIVATIONS
RTOL = 1e-4


def _atol(expected):
    """An absolute tolerance scaled to the size of the values compared."""
    return 1e-6 * max(1.0, float(np.max(np.abs(expected), initial=0.0)))


def _cases(rng):
    """(activation, n_prev, n_l, m): every activation on distinct sizes, then one batch of a single example."""
    cases = [(activation, *distinct_dims(rng, 3, 2, 8)) for activation in ACTIVATIONS]
    n_prev, n_l = distinct_dims(rng, 2, 2, 8)
    return cases + [(str(rng.choice(ACTIVATIONS)), n_prev, n_l, 1)]


def _layer(rng, n_prev, n_l, m, rows):
    """A_prev, W, b, Z, dA of one random layer, in the column layout or transposed to the row layout.

    Z has entries of both signs, so that relu'(Z) is neither all 1 nor all 0: about one small layer in twenty
    drawn at random has Z > 0 throughout, and then a ReLU mistake such as masking dA in place went unseen.
    """
    while True:
        A_prev = rng.standard_normal((n_prev, m))
        W = rng.standard_normal((n_l, n_prev)) / np.sqrt(n_prev)
        b = rng.standard_normal((n_l, 1))
        Z = W @ A_prev + b
        if (Z < 0).any() and (Z > 0).any():
            break
    dA = rng.standard_normal((n_l, m))
    if rows:
        return A_prev.T.copy(), W.T.copy(), b.T.copy(), Z.T.copy(), dA.T.copy()
    return A_prev, W, b, Z, dA


# --------------------------------------------------------------------------------------------------------
# Forward
# --------------------------------------------------------------------------------------------------------

def forward_mistakes(Z, b, activation, rows):
    """{sentence: A} for the typical mistakes of a layer's forward pass that give A the right shape."""
    linear = "X W + b" if rows else "W A_prev + b"
    mistakes = {f"Z = {linear}: is b missing?": ref.activation_forward(Z - b, activation)}
    if activation != "linear":
        mistakes["A = g(Z): is the activation missing?"] = Z
        for other in ACTIVATIONS:
            if other != activation:
                mistakes.setdefault(f"A looks like {other}(Z), not {activation}(Z)", ref.activation_forward(Z, other))
    return mistakes


def cache_z_mistakes(Z, b, activation, rows):
    """{sentence: cached Z} for the typical mistakes of the Z a layer's forward pass caches."""
    linear = "X W + b" if rows else "W A_prev + b"
    mistakes = {f"Z = {linear}: is b missing?": Z - b}
    if activation != "linear":
        mistakes["the cache must hold Z (before the activation), not A"] = ref.activation_forward(Z, activation)
    return mistakes


def _check_forward(name, fn, reference, rows):
    input_name = "X" if rows else "A_prev"
    arg_names = [input_name, "W", "b", "activation"]
    with checking(name, fn) as (report, rng):
        for case, (activation, n_prev, n_l, m) in enumerate(_cases(rng)):
            A_prev, W, b, Z, _ = _layer(rng, n_prev, n_l, m, rows)
            label = f"{activation} m={m}"
            A_ref, _ = reference(A_prev, W, b, activation)
            args = (A_prev.copy(), W.copy(), b.copy(), activation)
            A, cache = unpack(report, call(report, fn, args, arg_names), ["A", "cache"])
            report.compare(f"A {label}", A, A_ref, mistakes=forward_mistakes(Z, b, activation, rows), m=m,
                           shape_hints={Z.T.shape: "A looks transposed"} if m > 1 else None,
                           rtol=RTOL, atol=_atol(A_ref))
            parts = unpack(report, cache, ["Z", input_name, "W", "b"])
            order = f"the cache is (Z, {input_name}, W, b), in this order"
            report.compare(f"cache Z {label}", parts[0], Z, shape_hints={A_prev.shape: order},
                           mistakes=cache_z_mistakes(Z, b, activation, rows), rtol=RTOL, atol=_atol(Z))
            for part, value, part_name in zip(parts[1:], (A_prev, W, b), (input_name, "W", "b")):
                # The inputs pass through unchanged: checked every time, shown in the table once or when wrong.
                scratch = Report(name)
                scratch.compare(f"cache {part_name} {label}", part, value, shape_hints={Z.shape: order})
                if case == 0 or not scratch.ok:
                    report.add(scratch.outcomes[0])
        expect_value_error(report, fn, (A_prev, W, b, "swish"), arg_names, "swish")


def check_layer_forward(layer_forward):
    _check_forward("layer_forward", layer_forward, ref.layer_forward, rows=False)


def check_layer_forward_rows(layer_forward_rows):
    _check_forward("layer_forward_rows", layer_forward_rows, ref.layer_forward_rows, rows=True)


# --------------------------------------------------------------------------------------------------------
# Backward
# --------------------------------------------------------------------------------------------------------

def _outputs(dZ, A_prev, W, rows):
    """(dA_prev, dW, db) from dZ with the right linear algebra, to build the values of mistakes."""
    if rows:
        m = A_prev.shape[0]
        return dZ @ W.T, A_prev.T @ dZ / m, dZ.sum(axis=0, keepdims=True) / m
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def backward_mistakes(A_prev, W, Z, dA, activation, rows, per_example):
    """{output index: {sentence: value}} for the typical mistakes that give an output of the right shape."""
    m = A_prev.shape[0] if rows else A_prev.shape[1]
    g = ref.activation_forward(Z, activation)
    dZ = dA * ref.activation_derivative(Z, activation)
    right = _outputs(dZ, A_prev, W, rows)
    first = "dX" if rows else "dA_prev"
    unit = "row" if rows else "column"
    found = {0: {}, 1: {}, 2: {}}
    if m > 1:
        found[0][f"{first} has no 1/m: each {unit} is one example's own gradient (the layer below averages)"] = \
            right[0] / m
        found[1]["dW: the 1/m is missing (the cost is an average over the m examples)"] = right[1] * m
        found[2]["db: the 1/m is missing (the cost is an average over the m examples)"] = right[2] * m
        if per_example:
            last = (slice(m - 1, m), slice(None)) if rows else (slice(None), slice(m - 1, m))
            only_last = _outputs(dZ[last], A_prev[last], W, rows)
            for k, name in ((1, "dW"), (2, "db")):
                # only_last is the last example's own gradient (computed on a batch of one, so not divided).
                found[k][f"{name} holds only the last example's gradient: accumulate with += inside the loop"] = \
                    only_last[k]
                found[k][f"{name} is the last example's gradient over m: accumulate with += inside the loop"] = \
                    only_last[k] / m
    variants = []
    if activation != "linear":
        variants.append(("dZ = dA ⊙ g'(Z): was g'(Z) skipped?", _outputs(dA, A_prev, W, rows)))
    variants.append(("dZ = dA ⊙ g'(Z): that is dA ⊙ g(Z), the activation instead of its derivative",
                     _outputs(dA * g, A_prev, W, rows)))
    if activation in ("tanh", "sigmoid"):
        variants.append(("g' must be evaluated at Z (from the cache), not at A = g(Z)",
                         _outputs(dA * ref.activation_derivative(g, activation), A_prev, W, rows)))
    for sentence, values in variants:
        for k in range(3):
            found[k].setdefault(sentence, values[k])
    return found


def backward_shape_hints(A_prev, W, rows):
    if rows:
        m, n_l = A_prev.shape[0], W.shape[1]
        wrong_axis = "db has one entry per example: in the row layout examples are rows, sum over axis=0"
        return {"dX": {(m, n_l): "dX must have the shape of X (m, n): dX = dZ Wᵀ"},
                "dW": {(n_l, n_l): "dW = Xᵀ dZ / m: multiply by the layer's input X, not by its Z or A"},
                "db": {(m, 1): wrong_axis, (m,): wrong_axis}}
    m, n_l = A_prev.shape[1], W.shape[0]
    wrong_axis = "db has one entry per example: sum over axis=1 (the examples), not axis=0 (the units)"
    return {"dA_prev": {(n_l, m): "dA_prev must have the shape of A_prev (n_prev, m): dA_prev = Wᵀ dZ"},
            "dW": {(n_l, n_l): "dW = (1/m) dZ A_prevᵀ: multiply by the layer's input A_prev, not by its Z or A"},
            "db": {(1, m): wrong_axis, (m,): wrong_axis}}


def _check_backward(name, fn, reference, rows, per_example=False):
    names = ("dX", "dW", "db") if rows else ("dA_prev", "dW", "db")
    with checking(name, fn) as (report, rng):
        for activation, n_prev, n_l, m in _cases(rng):
            A_prev, W, b, Z, dA = _layer(rng, n_prev, n_l, m, rows)
            cache = (Z, A_prev, W, b)
            want = reference(dA, cache, activation)
            wrong = backward_mistakes(A_prev, W, Z, dA, activation, rows, per_example)
            args = (dA.copy(), tuple(part.copy() for part in cache), activation)
            got = unpack(report, call(report, fn, args, ["dA", "cache", "activation"]), list(names))
            hints = backward_shape_hints(A_prev, W, rows)
            for k, output in enumerate(names):
                report.compare(f"{output} {activation} m={m}", got[k], want[k],
                                  shape_hints=hints[output] if m > 1 else None, mistakes=wrong[k], m=m,
                                  rtol=RTOL, atol=_atol(want[k]))
        expect_value_error(report, fn, (dA, cache, "gelu"), ["dA", "cache", "activation"], "gelu")


def check_layer_backward(layer_backward):
    _check_backward("layer_backward", layer_backward, ref.layer_backward, rows=False)


def check_layer_backward_per_example(layer_backward_per_example):
    _check_backward("layer_backward_per_example", layer_backward_per_example, ref.layer_backward_per_example,
                    rows=False, per_example=True)


def check_layer_backward_rows(layer_backward_rows):
    _check_backward("layer_backward_rows", layer_backward_rows, ref.layer_backward_rows, rows=True)
