"""The four computational graphs of the notebooks, built from values the reference computes (autograder.reference),
on the notebooks' own worked examples: for tests/test_graph_view.py and the browser test."""

from __future__ import annotations

import numpy as np

from autograder import reference as ref
from course.plotting.graphs import (
    given_numbers,
    layer_units_graph,
    network_graph,
    neuron_graph,
    tied_weights_graph,
)


def neuron_values():
    """01 §1's worked example with a sigmoid, and the backward pass from dy = 1 (J = y)."""
    w, b, x = np.array([[1.0], [2.0], [-1.0]]), -0.5, np.array([[2.0], [-1.0], [0.5]])
    y, z = ref.neuron_forward(w, b, x, "sigmoid")
    dy, slope = 1.0, float(ref.sigmoid_derivative(z))
    dz = slope * dy
    backward = {"dy": dy, "slope": slope, "dz": dz, "db": dz, "dw": x * dz, "dx": w * dz}
    return (w, b, x), {"z": z, "y": y}, backward


def neuron():
    (w, b, x), forward, backward = neuron_values()
    return neuron_graph(w, b, x, forward, backward, "σ")


def layer_values():
    """01 §7's worked example: the layer of §6 with ReLU and dy = (0.7, -1.3)."""
    W = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    b, x, dy = np.array([[0.1], [-0.2]]), np.array([[1.0], [2.0], [-1.0]]), np.array([[0.7], [-1.3]])
    y, cache = ref.dense_forward_single(x, W, b, "relu")
    dx, dW, db = ref.dense_backward_loops(dy, cache, "relu")
    slope = ref.relu_derivative(cache[0])
    backward = {"dy": dy, "slope": slope, "dz": db, "db": db, "dW": dW, "dx": dx}
    return (x, W, b), {"z": cache[0], "y": y}, backward


def layer():
    (x, W, b), forward, backward = layer_values()
    return layer_units_graph(x, W, b, forward, backward, "relu")


def network_values():
    """03 §6.1's network: X (4, 6), layers 5, 3, 1 (relu, relu, sigmoid), parameters with seed 3."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((4, 6))
    Y = np.array([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]])
    p = ref.initialize_parameters([4, 5, 3, 1], seed=3)
    activations = ("relu", "relu", "sigmoid")
    forward, caches, A = {}, {}, X
    for l, g in enumerate(activations, start=1):
        A, caches[l] = ref.layer_forward(A, p[f"W{l}"], p[f"b{l}"], g)
        forward[f"Z{l}"], forward[f"A{l}"] = caches[l][0], A
    forward["J"] = ref.compute_cost(A, Y)
    backward = {"dA3": ref.cost_gradient(A, Y)}
    for l in (3, 2, 1):
        g = activations[l - 1]
        backward[f"slope{l}"] = ref.activation_derivative(caches[l][0], g)
        backward[f"dZ{l}"] = backward[f"dA{l}"] * backward[f"slope{l}"]
        backward[f"dA{l - 1}"], backward[f"dW{l}"], backward[f"db{l}"] = ref.layer_backward(backward[f"dA{l}"],
                                                                                           caches[l], g)
    return (X, Y, p), forward, backward, activations


def network():
    (X, Y, p), forward, backward, activations = network_values()
    return network_graph(X, Y, p, forward, backward, activations)


def tied_values():
    """03 §8.2's example (n = 3, m = 5, tanh, seed 9, zero biases): the course's given numbers, as the notebook
    reads them, and the reference's tied_weights_backward for the sum and the biases' gradients."""
    given = given_numbers("tied_weights")
    X, Y, W = (given["inputs"][k] for k in ("X", "Y", "W"))
    b1, b2 = np.zeros((3, 1)), np.zeros((3, 1))
    total = ref.tied_weights_backward(X, Y, W, b1, b2)
    return (X, Y, W, b1, b2), given["forward"], {**given["backward"], **total}


def tied():
    (X, Y, W, b1, b2), forward, backward = tied_values()
    return tied_weights_graph(X, Y, W, b1, b2, forward, backward, "tanh")


GRAPHS = {"neuron": neuron, "layer": layer, "network": network, "tied": tied}
