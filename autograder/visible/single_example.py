"""The stored visible checks of assignment 01 "One example at a time", on the notebook's worked examples.

The worked examples: the neuron w = (1, 2, -1), b = -0.5, x = (2, -1, 0.5) (z = -1), and the layer of 2 units
with 3 inputs W (2, 3), b (2, 1), x (3, 1) (z = (-3.4, 2.3)) with the dy = (0.7, -1.3) of the backward example.
Expected values come from the reference; the mistakes from the hidden checks' catalogue.

Besides the steps, some checks store values for the parts written by hand in course/checks/single_example.py:
- "own" (neuron_forward, dense_forward_single, the backward passes): a later function calls the student's own
  earlier one (sigmoid, relu, a derivative). When that one is wrong, it costs points in its own check only: the
  later check then accepts what the later function gives with it. For a forward pass that is the student's own
  function's value at z; for a backward pass, the outputs that a right backward pass gives with each wrong
  derivative of the catalogue (computed here, so that nothing in course/ computes a backward pass).
- xor_parameters: the targets, the catalogue's mistakes and the parameters' shapes.
- tanh_derivative: the slopes that plot_activations draws as dots.
"""

from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..hidden.single_example import (
    DERIVATIVES,
    FORWARDS,
    XOR_INPUTS,
    XOR_SHAPES,
    XOR_TARGETS,
    Y_ONE_NUMBER,
    Z_ONE_NUMBER,
    backward_mistakes,
    bias_broadcast_hint,
    cache_z_mistakes,
    forward_mistakes,
    neuron_y_mistakes,
    neuron_z_mistakes,
    relu_derivative_mistakes,
    relu_mistakes,
    sigmoid_derivative_mistakes,
    sigmoid_mistakes,
    tanh_derivative_mistakes,
    xor_mistakes,
    xor_shape_hint,
)
from .script import Script

# The order of the old visible checks (and of the notebook's text): linear first.
ACTIVATIONS = ("linear", "relu", "tanh", "sigmoid")

# A grid with both signs and zero; smooth points away from 0 for the derivatives.
Z_GRID = np.array([[-3.0, -1.0, -0.25], [0.0, 0.5, 2.0]])
Z_SMOOTH = np.array([[-2.5, -0.7, -0.2], [0.3, 1.1, 2.4]])
# Points where the values are known by hand: σ(0) = 1/2, σ(±ln 3) = 3/4, 1/4; σ'(±ln 3) = 3/16; tanh(ln 2) = 3/5.
Z_SIGMOID = np.array([[0.0, np.log(3.0)], [-np.log(3.0), 2.0]])
Z_SIGMOID_DERIVATIVE = np.array([[0.0, np.log(3.0), -np.log(3.0)]])
Z_TANH_DERIVATIVE = np.array([[0.0, np.log(2.0)]])
# No nan far out; 0 in the middle, so that a step function (1 where z >= 0) is not taken for a right sigmoid.
Z_HUGE = np.array([[-800.0, 0.0, 800.0]])

# The neuron of the notebook's worked example: w^T x = 2 - 2 - 0.5 = -0.5, so z = -0.5 + b = -1.
NEURON_W = np.array([[1.0], [2.0], [-1.0]])
NEURON_B = -0.5
NEURON_X = np.array([[2.0], [-1.0], [0.5]])

# The layer of the notebook's worked example: 3 inputs, 2 units.
W_SMALL = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
B_SMALL = np.array([[0.1], [-0.2]])
X_SMALL = np.array([[1.0], [2.0], [-1.0]])
DY_SMALL = np.array([[0.7], [-1.3]])  # the dJ/dy of the notebook's backward example

# float32 arithmetic is accurate to about 1e-7 per operation (less after a cancellation such as 1 - tanh²); the
# mistakes these checks look for are off by far more, so an absolute tolerance of 1e-6 accepts float32
# intermediates and still catches every one of them.
ATOL = 1e-6

# The dots of plot_activations: the slope of each right activation measured numerically, (g(z+h) - g(z-h))/2h,
# at every 25th point of the plot's grid.
PLOT_Z = np.linspace(-4.0, 4.0, 401)[5::25]
PLOT_H = 1e-5


def _elementwise(exercise, doc, cases, reference, mistakes, label):
    script = Script(exercise, doc)
    for k, z in enumerate(cases):
        step = script.call((z,), ["z"])
        flat = "return an array shaped like z (apply the function elementwise)"
        step.compare([], label if k == 0 else f"{label} {z.shape}", reference(z), mistakes=mistakes(z),
                     shape_hints={(z.size,): flat, (z.shape[1], z.shape[0]): flat} if z.ndim == 2 else None,
                     atol=ATOL)
    return script


def _sigmoid():
    script = _elementwise("sigmoid", "σ(0) = 1/2, σ(±ln 3) = 3/4 and 1/4, σ(2), and no nan for |z| = 800.",
                          [Z_SIGMOID], ref.sigmoid, sigmoid_mistakes, "sigmoid")
    script.call((Z_HUGE,), ["z"]).compare([], "σ(-800, 0, 800)", ref.sigmoid(Z_HUGE), atol=1e-12)
    return script


def _tanh_derivative():
    script = _elementwise("tanh_derivative", "tanh'(0) = 1, tanh'(ln 2) = 16/25 (tanh(ln 2) = 3/5), and six more "
                          "points of both signs.", [Z_TANH_DERIVATIVE, Z_SMOOTH], ref.tanh_derivative,
                          tanh_derivative_mistakes, "tanh'")
    slopes = {"z": PLOT_Z}
    for activation in ("sigmoid", "tanh", "relu", "linear"):
        g = ref.activation_forward
        slopes[activation] = (g(PLOT_Z + PLOT_H, activation) - g(PLOT_Z - PLOT_H, activation)) / (2 * PLOT_H)
    script.store("plot_activations", slopes)
    return script


def _neuron_forward():
    script = Script("neuron_forward", "The worked example of the notebook: w = (1, 2, -1), b = -0.5, "
                    "x = (2, -1, 0.5) gives z = -1, for every activation; an unknown name raises ValueError.")
    names = ["w", "b", "x", "activation"]
    own = {}
    for activation in ACTIVATIONS:
        y, z = ref.neuron_forward(NEURON_W, NEURON_B, NEURON_X, activation)
        step = script.call((NEURON_W, NEURON_B, NEURON_X, activation), names, unpack=["y", "z"])
        step.compare([1], f"z {activation}", z, mistakes=neuron_z_mistakes(z, y, NEURON_B),
                     shape_hints={NEURON_W.shape: Z_ONE_NUMBER}, atol=ATOL)
        step.compare([0], f"y {activation}", y, mistakes=neuron_y_mistakes(z, NEURON_B, activation),
                     shape_hints={NEURON_W.shape: Y_ONE_NUMBER}, atol=ATOL)
        if activation in FORWARDS:
            at = np.array([[z]])
            own[activation] = {"function": FORWARDS[activation], "z": at,
                               "right": ref.activation_forward(at, activation), "paths": [[0]]}
    script.value_error((NEURON_W, NEURON_B, NEURON_X, "softplus"), names, "softplus")
    script.store("own", own)
    return script


def _xor_parameters():
    script = Script("xor_parameters", "Runs your parameters as a step-activation 2-2-1 network on the four "
                    "inputs of XOR.")
    script.store("inputs", XOR_INPUTS)
    script.store("targets", XOR_TARGETS)
    script.store("mistakes", xor_mistakes())
    script.store("shapes", {key: [list(shape), xor_shape_hint(key)] for key, shape in XOR_SHAPES.items()})
    return script


def _dense_forward_single():
    script = Script("dense_forward_single", "z = W x + b for the worked example (z = (-3.4, 2.3)), y = g(z) for "
                    "every activation, the cache (z, x, W, b); an unknown name raises ValueError.")
    names = ["x", "W", "b", "activation"]
    own = {}
    for activation in ACTIVATIONS:
        y, (z, *_) = ref.dense_forward_single(X_SMALL, W_SMALL, B_SMALL, activation)
        step = script.call((X_SMALL, W_SMALL, B_SMALL, activation), names, unpack=["y", "cache"])
        step.part([1], ["z", "x", "W", "b"])
        step.compare([0], f"y {activation}", y, mistakes=forward_mistakes(X_SMALL, W_SMALL, B_SMALL, activation),
                     shape_hints={(len(z), len(z)): bias_broadcast_hint(len(z))}, atol=ATOL)
        step.compare([1, 0], f"cache z {activation}", z, mistakes=cache_z_mistakes(y), atol=ATOL)
        if activation == ACTIVATIONS[-1]:
            for k, (value, part) in enumerate(((X_SMALL, "x"), (W_SMALL, "W"), (B_SMALL, "b")), start=1):
                step.compare([1, k], f"cache {part}", value)
        if activation in FORWARDS:
            own[activation] = {"function": FORWARDS[activation], "z": z,
                               "right": ref.activation_forward(z, activation), "paths": [[0]]}
    script.value_error((X_SMALL, W_SMALL, B_SMALL, "swish"), names, "swish")
    script.store("own", own)
    return script


def _outputs_with_slope(slope):
    """(dx, dW, db) of a right backward pass of the worked example whose derivative gives `slope` at z."""
    dz = DY_SMALL * slope
    return W_SMALL.T @ dz, dz @ X_SMALL.T, dz


def _backward(exercise, reference, doc):
    script = Script(exercise, doc)
    names = ["dy", "cache", "activation"]
    loops = exercise.endswith("loops")
    own = {}
    z = W_SMALL @ X_SMALL + B_SMALL
    cache = (z, X_SMALL, W_SMALL, B_SMALL)
    for activation in ACTIVATIONS:
        want = reference(DY_SMALL, cache, activation)
        wrong = backward_mistakes(DY_SMALL, cache, activation, loops)
        step = script.call((DY_SMALL, cache, activation), names, unpack=["dx", "dW", "db"])
        for k, output in enumerate(("dx", "dW", "db")):
            step.compare([k], f"{output} {activation}", want[k], mistakes=wrong[output], atol=ATOL)
        if activation in DERIVATIVES:
            function, mistakes = DERIVATIVES[activation]
            right = ref.activation_derivative(z, activation)
            cases = [{"values": slope, "expected": list(_outputs_with_slope(slope))}
                     for slope in mistakes(z).values() if not np.allclose(slope, right)]
            own[activation] = {"function": function, "z": z, "right": right, "paths": [[0], [1], [2]],
                               "cases": cases}
    script.value_error((DY_SMALL, cache, "softplus"), names, "softplus")
    script.store("own", own)
    return script


def scripts():
    """{exercise: Script} of assignment 01."""
    return {script.exercise: script for script in (
        _sigmoid(),
        _elementwise("sigmoid_derivative", "σ'(0) = 1/4, σ'(±ln 3) = 3/16, and six more points of both signs.",
                     [Z_SIGMOID_DERIVATIVE, Z_SMOOTH], ref.sigmoid_derivative, sigmoid_derivative_mistakes, "σ'"),
        _elementwise("relu", "relu is max(0, z) elementwise: 0 for z <= 0, z itself for z > 0.", [Z_GRID],
                     ref.relu, relu_mistakes, "relu"),
        _elementwise("relu_derivative", "relu'(z) is 1 for z > 0 and 0 for z <= 0 (we take relu'(0) = 0).",
                     [Z_GRID], ref.relu_derivative, relu_derivative_mistakes, "relu'"),
        _tanh_derivative(),
        _neuron_forward(),
        _xor_parameters(),
        _dense_forward_single(),
        _backward("dense_backward_loops", ref.dense_backward_loops,
                  "The worked example (dy = (0.7, -1.3)) for every activation; dy and the cache are left "
                  "unchanged; an unknown name raises ValueError."),
        _backward("dense_backward_single", ref.dense_backward_single,
                  "As dense_backward_loops: the worked example for every activation."),
    )}
