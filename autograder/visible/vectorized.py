"""The stored visible checks of assignment 02 "A batch of m examples", on the notebook's worked example.

The worked example is a layer of 2 units with 3 inputs on a batch of 4 examples (columns; column 0 is the single
example of assignment 01), and, for the row-major view, the two-layer ReLU network of the ml-cheatsheet's table of
shapes. Expected values come from the reference; the mistakes from the hidden checks' catalogue.
"""

from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..hidden.vectorized import backward_mistakes, backward_shape_hints, cache_z_mistakes, forward_mistakes
from .script import Script

W_EX = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
B_EX = np.array([[0.1], [-0.2]])
A_PREV_EX = np.array([[1.0, 0.0, 2.0, -1.0], [2.0, 1.0, 0.0, 1.0], [-1.0, 1.0, 0.5, 0.0]])
# The dA of the backward checks; column 0 is the dy of assignment 01.
DA_EX = np.array([[0.7, 0.2, -0.5, 1.0], [-1.3, 0.8, 0.6, -0.4]])

# The ml-cheatsheet's shapes-table network, with the notebook's numbers (row-major: 3 examples, 1 feature).
X_TABLE = np.array([[1.0], [-2.0], [0.5]])
W_H_TABLE, B_H_TABLE = np.array([[1.0, -0.5]]), np.array([[0.5, 1.0]])
W_O_TABLE, B_O_TABLE = np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([[-0.5, 0.25]])

# Tolerances: a correct solution with float32 intermediates is within 1e-6 of float64 on these small values;
# every named mistake is off by more than 1e-2.
RTOL, ATOL = 1e-5, 1e-6


def _layout(rows):
    """A_prev, W, b, dA of the worked example in the column layout, or transposed to the row layout."""
    if rows:
        return A_PREV_EX.T.copy(), W_EX.T.copy(), B_EX.T.copy(), DA_EX.T.copy()
    return A_PREV_EX.copy(), W_EX.copy(), B_EX.copy(), DA_EX.copy()


def _forward(exercise, forward, rows, doc):
    script = Script(exercise, doc)
    input_name = "X" if rows else "A_prev"
    names = [input_name, "W", "b", "activation"]
    A_prev, W, b, _ = _layout(rows)
    for activation in ref.ACTIVATIONS:
        A, (Z, *_) = forward(A_prev, W, b, activation)
        order = f"the cache is (Z, {input_name}, W, b), in this order"
        step = script.call((A_prev, W, b, activation), names, unpack=["A", "cache"])
        step.part([1], ["Z", input_name, "W", "b"])
        step.compare([0], f"A {activation}", A, mistakes=forward_mistakes(Z, b, activation, rows), m=A.shape[1],
                     shape_hints={Z.T.shape: "A looks transposed: " + ("examples are rows here" if rows
                                                                        else "examples are columns")},
                     rtol=RTOL, atol=ATOL)
        step.compare([1, 0], f"cache Z {activation}", Z, mistakes=cache_z_mistakes(Z, b, activation, rows),
                     shape_hints={A_prev.shape: order}, rtol=RTOL, atol=ATOL)
        if activation == ref.ACTIVATIONS[0]:
            for k, (value, part) in enumerate(((A_prev, input_name), (W, "W"), (b, "b")), start=1):
                step.compare([1, k], f"cache {part}", value, shape_hints={Z.shape: order})
    one = (A_prev[:1, :], W, b, "tanh") if rows else (A_prev[:, :1], W, b, "tanh")
    A1, (Z1, *_) = forward(*one)
    script.call(one, names, unpack=["A", "cache"]).compare(
        [0], "A m=1", A1, mistakes=forward_mistakes(Z1, b, "tanh", rows), rtol=RTOL, atol=ATOL)
    script.value_error((A_prev, W, b, "softplus"), names, "softplus")
    return script


def _backward(exercise, backward, forward, rows, per_example, doc):
    script = Script(exercise, doc)
    outputs = ("dX", "dW", "db") if rows else ("dA_prev", "dW", "db")
    names = ["dA", "cache", "activation"]
    cases = [(activation, slice(None)) for activation in ref.ACTIVATIONS] + [("sigmoid", slice(0, 1))]
    for activation, examples in cases:
        A_prev, W, b, dA = _layout(rows)
        if rows:
            A_prev, dA = A_prev[examples, :].copy(), dA[examples, :].copy()
        else:
            A_prev, dA = A_prev[:, examples].copy(), dA[:, examples].copy()
        _, cache = forward(A_prev, W, b, activation)
        Z = cache[0]
        m = A_prev.shape[0] if rows else A_prev.shape[1]
        label = activation if m > 1 else f"{activation} m=1"
        want = backward(dA, cache, activation)
        wrong = backward_mistakes(A_prev, W, Z, dA, activation, rows, per_example)
        hints = backward_shape_hints(A_prev, W, rows)
        step = script.call((dA, cache, activation), names, unpack=outputs)
        for k, output in enumerate(outputs):
            step.compare([k], f"{output} {label}", want[k], mistakes=wrong[k], m=m,
                         shape_hints=hints[output] if m > 1 else None, rtol=RTOL, atol=ATOL)
    A_prev, W, b, dA = _layout(rows)
    _, cache = forward(A_prev, W, b, "linear")
    script.value_error((dA, cache, "softplus"), names, "softplus")
    return script


def _rows_table(script):
    """The ml-cheatsheet's shapes-table network: the hidden layer H from X, the output O from H."""
    names = ["X", "W", "b", "activation"]
    H, _ = ref.layer_forward_rows(X_TABLE, W_H_TABLE, B_H_TABLE, "relu")
    O, _ = ref.layer_forward_rows(H, W_O_TABLE, B_O_TABLE, "relu")
    script.call((X_TABLE, W_H_TABLE, B_H_TABLE, "relu"), names, unpack=["A", "cache"]).compare(
        [0], "H (table)", H)
    script.call((H, W_O_TABLE, B_O_TABLE, "relu"), names, unpack=["A", "cache"]).compare([0], "O (table)", O)
    return script


def scripts():
    """{exercise: Script} of assignment 02."""
    return {script.exercise: script for script in (
        _forward("layer_forward", ref.layer_forward, False,
                 "The worked example: W (2, 3), b (2, 1), A_prev (3, 4); A = g(Z) for every activation, the "
                 "cache is (Z, A_prev, W, b), a batch of one example works, an unknown name raises ValueError."),
        _backward("layer_backward", ref.layer_backward, ref.layer_forward, False, False,
                  "The worked example for every activation and for a batch of one example; dA and the cache "
                  "are left unchanged; an unknown name raises ValueError."),
        _backward("layer_backward_per_example", ref.layer_backward_per_example, ref.layer_forward, False, True,
                  "As layer_backward: the worked example for every activation and for a batch of one."),
        _rows_table(_forward("layer_forward_rows", ref.layer_forward_rows, True,
                             "The worked example transposed: X (4, 3), W (3, 2), b (1, 2), and the two-layer "
                             "ReLU network of the ml-cheatsheet's table of shapes.")),
        _backward("layer_backward_rows", ref.layer_backward_rows, ref.layer_forward_rows, True, False,
                  "The worked example transposed (X (4, 3), W (3, 2), b (1, 2)), for every activation and for a "
                  "batch of one example."),
    )}
