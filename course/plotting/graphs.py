"""The computational graphs of the notebooks, built from numbers the notebook gives.

Four graphs: one neuron (01 §1), one dense layer unit by unit (01 §7), the three-layer ReLU-ReLU-sigmoid network
with its caches (03 §6.1) and the two layers that share one weight matrix (03 §8.2). Each builder takes the
forward values and, optionally, the gradients as the notebook computed them (with the student's own functions,
or written in the cell) and only arranges them: which node holds which number, which numbers form which product.
Without `backward` the graph has its forward pass only. Show one with `step_through(graph)` or
`plot_graph(graph, step)` from `course.plotting.graph_view`.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from ..checks.stored import decode
from .graph_view import Backward, ComputationalGraph, Forward, Node

__all__ = ["given_numbers", "layer_units_graph", "network_graph", "neuron_graph", "tied_weights_graph"]

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


GIVEN = Path(__file__).resolve().parent.parent / "data" / "graph_numbers.json"


def given_numbers(example):
    """Numbers computed by the course's authors for a figure whose numbers would otherwise spell out an exercise's
    code (`python -m autograder release` writes them). example: "tied_weights" (03 §8.2), whose value is
    {"inputs": {"X", "Y" (3, 5), "W" (3, 3)}, "forward": {...}, "backward": {...}} as tied_weights_graph takes
    them, without the sum dW and the biases' gradients, which come from the student's own function."""
    numbers = json.loads(GIVEN.read_text(encoding="utf-8"))
    if example not in numbers:
        raise KeyError(f"no given numbers for {example!r}; there are: {sorted(numbers)}")
    return decode(numbers[example])


def _sub(*indices):
    return "".join(str(i + 1) for i in indices).translate(_SUB)


def _sup(layer):
    return str(layer).translate(_SUP)


def _column(value):
    return np.asarray(value, dtype=float).reshape(-1)


def _need(values, keys, what):
    missing = [key for key in keys if key not in values]
    if missing:
        raise ValueError(f"{what} needs the values {missing}; it was given {sorted(values)}")


def neuron_graph(w, b, x, forward, backward=None, activation="f"):
    """One neuron z = wᵀx + b, y = f(z), and its backward pass from a given dy.

    Args:
        w: (n, 1) weights.  b: the bias, a number.  x: (n, 1) input.
        forward: {"z": the pre-activation, "y": the output}, numbers.
        backward: None (forward pass only), or {"dy": dJ/dy, "slope": f'(z), "dz": dJ/dz, "db": dJ/db, numbers;
            "dw": (n, 1) dJ/dw, "dx": (n, 1) dJ/dx}, as computed elsewhere.
        activation: the name of f written in the figure.
    Returns:
        a ComputationalGraph: nodes x₁..xₙ, b, z, y; forward events z, y; backward events dy, dz, db, dw_i on the
        edges, dx_i.
    """
    _need(forward, ("z", "y"), "neuron_graph's forward")
    w, x = _column(w), _column(x)
    n = x.size
    top = 1.1 * (n - 1)
    nodes = [Node(f"x{i}", f"x{_sub(i)}", (0.0, top - 2.2 * i), x[i], "input") for i in range(n)]
    nodes += [Node("b", "b", (1.4, top + 1.6), b, "param"), Node("z", "z", (2.6, 0.0), forward["z"]),
              Node("y", "y", (4.4, 0.0), forward["y"])]
    edges = [(f"x{i}", "z") for i in range(n)] + [("b", "z"), ("z", "y")]
    labels = {(f"x{i}", "z"): (f"w{_sub(i)} = {w[i]:.4g}", 0.4) for i in range(n)}
    events = [Forward("z", "z = w₁x₁ + … + wₙxₙ + b", tuple(edges[:n + 1])),
              Forward("y", f"y = {activation}(z)", (("z", "y"),))]
    steps = []
    if backward is not None:
        _need(backward, ("dy", "slope", "dz", "db", "dw", "dx"), "neuron_graph's backward")
        dw, dx, dz = _column(backward["dw"]), _column(backward["dx"]), backward["dz"]
        steps = [Backward("y", "dy", backward["dy"]),
                 Backward("z", "dz", dz, f"{activation}'(z) × dy", ((backward["slope"], backward["dy"]),),
                          (("z", "y"),)),
                 Backward("b", "db", backward["db"], "1 × dz", ((1, dz),), (("b", "z"),))]
        for i in range(n):
            edge = (f"x{i}", "z")
            steps.append(Backward(edge, f"dw{_sub(i)}", dw[i], f"x{_sub(i)} × dz", ((x[i], dz),), (edge,), 0.7))
        for i in range(n):
            steps.append(Backward(f"x{i}", f"dx{_sub(i)}", dx[i], f"w{_sub(i)} × dz", ((w[i], dz),),
                                  ((f"x{i}", "z"),)))
    return ComputationalGraph(f"one neuron, {activation} activation", nodes, edges, events, steps, labels)


def layer_units_graph(x, W, b, forward, backward=None, activation="g"):
    """A dense layer on one example, unit by unit: z_j = Σ_i w_ji x_i + b_j, y_j = g(z_j), and the four lines of
    its backward pass (dz_j = g'(z_j) dy_j, db_j = dz_j, dw_ji = dz_j x_i, dx_i = Σ_j w_ji dz_j).

    Args:
        x: (n_x, 1) input.  W: (n_y, n_x) weights.  b: (n_y, 1) biases.
        forward: {"z": (n_y, 1), "y": (n_y, 1)}.
        backward: None, or {"dy": (n_y, 1), "slope": (n_y, 1) g'(z), "dz": (n_y, 1), "db": (n_y, 1),
            "dW": (n_y, n_x), "dx": (n_x, 1)}, as computed elsewhere.
        activation: the name of g written in the figure.
    Returns:
        a ComputationalGraph with nodes x_i, b_j, z_j, y_j; weights w_ji on the edges.
    """
    _need(forward, ("z", "y"), "layer_units_graph's forward")
    x, z, y = _column(x), _column(forward["z"]), _column(forward["y"])
    W, b = np.asarray(W, dtype=float), _column(b)
    n_y, n_x = W.shape
    x_top, u_top = 1.5 * (n_x - 1), 1.8 * (n_y - 1)
    nodes = [Node(f"x{i}", f"x{_sub(i)}", (0.0, x_top - 3.0 * i), x[i], "input") for i in range(n_x)]
    for j in range(n_y):
        height = u_top - 3.6 * j
        nodes += [Node(f"b{j}", f"b{_sub(j)}", (5.2, height + 1.4), b[j], "param"),
                  Node(f"z{j}", f"z{_sub(j)}", (4.2, height), z[j]), Node(f"y{j}", f"y{_sub(j)}", (6.4, height), y[j])]
    weights = [(f"x{i}", f"z{j}") for j in range(n_y) for i in range(n_x)]
    edges = weights + [(f"b{j}", f"z{j}") for j in range(n_y)] + [(f"z{j}", f"y{j}") for j in range(n_y)]
    labels = {(f"x{i}", f"z{j}"): (f"w{_sub(j, i)} = {W[j, i]:.4g}", 0.22 + 0.18 * j) for i, j in
              ((i, j) for j in range(n_y) for i in range(n_x))}
    events = [Forward(f"z{j}", f"z{_sub(j)} = " + " + ".join(f"w{_sub(j, i)}x{_sub(i)}" for i in range(n_x))
                      + f" + b{_sub(j)}", tuple(e for e in edges if e[1] == f"z{j}")) for j in range(n_y)]
    events += [Forward(f"y{j}", f"y{_sub(j)} = {activation}(z{_sub(j)})", ((f"z{j}", f"y{j}"),)) for j in range(n_y)]
    steps = []
    if backward is not None:
        _need(backward, ("dy", "slope", "dz", "db", "dW", "dx"), "layer_units_graph's backward")
        dy, slope, dz, db = (_column(backward[k]) for k in ("dy", "slope", "dz", "db"))
        dW, dx = np.asarray(backward["dW"], dtype=float), _column(backward["dx"])
        steps += [Backward(f"y{j}", f"dy{_sub(j)}", dy[j]) for j in range(n_y)]
        steps += [Backward(f"z{j}", f"dz{_sub(j)}", dz[j], f"{activation}'(z{_sub(j)}) × dy{_sub(j)}",
                           ((slope[j], dy[j]),), ((f"z{j}", f"y{j}"),)) for j in range(n_y)]
        steps += [Backward(f"b{j}", f"db{_sub(j)}", db[j], f"1 × dz{_sub(j)}", ((1, dz[j]),), ((f"b{j}", f"z{j}"),))
                  for j in range(n_y)]
        for j in range(n_y):
            for i in range(n_x):
                edge = (f"x{i}", f"z{j}")
                steps.append(Backward(edge, f"dw{_sub(j, i)}", dW[j, i], f"x{_sub(i)} × dz{_sub(j)}",
                                      ((x[i], dz[j]),), (edge,), 0.62 + 0.14 * j))
        for i in range(n_x):
            steps.append(Backward(f"x{i}", f"dx{_sub(i)}", dx[i],
                                  " + ".join(f"w{_sub(j, i)} × dz{_sub(j)}" for j in range(n_y)),
                                  tuple((W[j, i], dz[j]) for j in range(n_y)),
                                  tuple((f"x{i}", f"z{j}") for j in range(n_y))))
    return ComputationalGraph(f"a dense layer unit by unit, {activation} activation", nodes, edges, events, steps,
                              labels)


def network_graph(X, Y, parameters, forward, backward=None, activations=("relu", "relu", "sigmoid")):
    """An L-layer network on a batch, layer by layer, with its caches, the cost and the backward pass.

    Args:
        X: (n_0, m) input.  Y: (n_L, m) targets.
        parameters: {"W1": (n_1, n_0), "b1": (n_1, 1), ..., "WL", "bL"}.
        forward: {"Z1", "A1", ..., "ZL", "AL": the (n_l, m) values of the forward pass, "J": the cost}.
        backward: None, or {"dAL": the starting gradient, and for every layer l: "dZl", "slopel" (g'(Zl), the
            shape of Zl), "dWl", "dbl", "dA(l-1)" (dA0 is dX)}, as computed elsewhere.
        activations: the L activation names, first layer first.
    Returns:
        a ComputationalGraph with nodes X, Wl, bl, Zl, Al, cachel (dashed: what the forward pass keeps), Y, J.
    """
    L = len(activations)
    m = np.asarray(X).shape[1]
    _need(parameters, [f"{p}{l}" for l in range(1, L + 1) for p in "Wb"], "network_graph's parameters")
    _need(forward, [f"{p}{l}" for l in range(1, L + 1) for p in "ZA"] + ["J"], "network_graph's forward")
    A = {0: "X"}
    nodes = [Node("X", "X", (0.0, 0.0), X, "input")]
    edges, events = [], []
    for l in range(1, L + 1):
        s, left = _sup(l), 4.4 * l - 2.4
        A[l] = f"A{l}"
        nodes += [Node(f"W{l}", f"W{s}", (left - 0.9, 4.4), parameters[f"W{l}"], "param"),
                  Node(f"b{l}", f"b{s}", (left + 0.9, 4.4), parameters[f"b{l}"], "param"),
                  Node(f"Z{l}", f"Z{s}", (left, 0.0), forward[f"Z{l}"]),
                  Node(f"A{l}", f"A{s}", (left + 2.2, 0.0), forward[f"A{l}"]),
                  Node(f"cache{l}", f"cache{s} = (Z{s}, {'X' if l == 1 else 'A' + _sup(l - 1)}, W{s}, b{s})",
                       (left, -4.2), kind="cache")]
        into = ((A[l - 1], f"Z{l}"), (f"W{l}", f"Z{l}"), (f"b{l}", f"Z{l}"))
        edges += [*into, (f"Z{l}", f"A{l}"), (f"Z{l}", f"cache{l}")]
        prev = "X" if l == 1 else f"A{_sup(l - 1)}"
        events += [Forward(f"Z{l}", f"Z{s} = W{s} {prev} + b{s}", into),
                   Forward(f"A{l}", f"A{s} = {activations[l - 1]}(Z{s})", ((f"Z{l}", f"A{l}"),)),
                   Forward(f"cache{l}", f"cache{s} = (Z{s}, {prev}, W{s}, b{s}) kept for the backward pass",
                           ((f"Z{l}", f"cache{l}"),))]
    right = 4.4 * L - 2.4 + 2.2
    nodes += [Node("Y", "Y", (right + 1.2, 4.4), Y, "input"), Node("J", "J", (right + 2.2, 0.0), forward["J"], "cost")]
    edges += [(f"A{L}", "J"), ("Y", "J")]
    events.append(Forward("J", f"J = cost(A{_sup(L)}, Y)", ((f"A{L}", "J"), ("Y", "J"))))
    steps = []
    if backward is not None:
        _need(backward, [f"dA{L}"] + [f"{g}{l}" for l in range(1, L + 1) for g in ("dZ", "slope", "dW", "db")]
              + [f"dA{l - 1}" for l in range(1, L + 1)], "network_graph's backward")
        steps.append(Backward(f"A{L}", f"dA{_sup(L)}", backward[f"dA{L}"], edges=((f"A{L}", "J"),)))
        for l in range(L, 0, -1):
            s, prev = _sup(l), "X" if l == 1 else f"A{_sup(l - 1)}"
            read = (f"Z{l}", f"cache{l}")
            steps += [
                Backward(f"Z{l}", f"dZ{s}", backward[f"dZ{l}"], f"{activations[l - 1]}'(Z{s}) ⊙ dA{s}",
                         ((backward[f"slope{l}"], backward[f"dA{l}"]),), ((f"Z{l}", f"A{l}"), read)),
                Backward(f"W{l}", f"dW{s}", backward[f"dW{l}"], f"1/m × dZ{s} · {prev}ᵀ",
                         ((f"1/{m}", backward[f"dZ{l}"], np.asarray(forward.get(f"A{l - 1}", X)).T),),
                         ((f"W{l}", f"Z{l}"), read)),
                Backward(f"b{l}", f"db{s}", backward[f"db{l}"], f"1/m × (row sums of dZ{s})",
                         ((f"1/{m}", backward[f"dZ{l}"]),), ((f"b{l}", f"Z{l}"), read)),
                Backward(A[l - 1], "dX" if l == 1 else f"dA{_sup(l - 1)}", backward[f"dA{l - 1}"],
                         f"W{s}ᵀ · dZ{s}", ((np.asarray(parameters[f"W{l}"]).T, backward[f"dZ{l}"]),),
                         ((A[l - 1], f"Z{l}"), read))]
    title = f"{L} layers ({', '.join(activations)}) on {m} examples"
    return ComputationalGraph(title, nodes, edges, events, steps)


def tied_weights_graph(X, Y, W, b1, b2, forward, backward=None, hidden_activation="tanh"):
    """Two layers that share one weight matrix: A1 = g(W X + b1), A2 = W A1 + b2 (linear), J = squared error; W gets
    a gradient share from each layer and its gradient is their sum.

    Args:
        X: (n, m) input.  Y: (n, m) targets.  W: (n, n) the shared weights.  b1, b2: (n, 1) biases.
        forward: {"Z1", "A1", "A2": (n, m) values, "J": the cost}.
        backward: None, or {"dA2", "dZ2", "dW_layer2", "db2", "dA1", "slope1" (g'(Z1)), "dZ1", "dW_layer1",
            "db1", "dW" (the sum of the two shares)}, as computed elsewhere.
        hidden_activation: the name of g written in the figure.
    Returns:
        a ComputationalGraph with nodes X, W, b1, Z1, A1, b2, A2, Y, J; two edges leave W.
    """
    _need(forward, ("Z1", "A1", "A2", "J"), "tied_weights_graph's forward")
    m = np.asarray(X).shape[1]
    nodes = [Node("X", "X", (0.0, 0.0), X, "input"), Node("W", "W (shared)", (3.6, 5.4), W, "param"),
             Node("b1", "b₁", (1.0, 3.4), b1, "param"), Node("Z1", "Z₁", (2.2, 0.0), forward["Z1"]),
             Node("A1", "A₁", (4.6, 0.0), forward["A1"]), Node("b2", "b₂", (8.0, 3.4), b2, "param"),
             Node("A2", "A₂ = Z₂", (7.0, 0.0), forward["A2"]), Node("Y", "Y", (9.9, 3.4), Y, "input"),
             Node("J", "J", (9.4, 0.0), forward["J"], "cost")]
    edges = [("X", "Z1"), ("W", "Z1"), ("b1", "Z1"), ("Z1", "A1"), ("A1", "A2"), ("W", "A2"), ("b2", "A2"),
             ("A2", "J"), ("Y", "J")]
    events = [Forward("Z1", "Z₁ = W X + b₁ (W's first use)", edges[:3]),
              Forward("A1", f"A₁ = {hidden_activation}(Z₁)", (("Z1", "A1"),)),
              Forward("A2", "A₂ = W A₁ + b₂ (W's second use, linear)", (("A1", "A2"), ("W", "A2"), ("b2", "A2"))),
              Forward("J", "J = (1/m) Σ ½‖a₂ − y‖²", (("A2", "J"), ("Y", "J")))]
    steps = []
    if backward is not None:
        _need(backward, ("dA2", "dZ2", "dW_layer2", "db2", "dA1", "slope1", "dZ1", "dW_layer1", "db1", "dW"),
              "tied_weights_graph's backward")
        g = hidden_activation
        steps = [Backward("A2", "dA₂", backward["dA2"], edges=(("A2", "J"),)),
                 Backward("A2", "dZ₂", backward["dZ2"], "1 ⊙ dA₂ (linear)", ((1, backward["dA2"]),)),
                 Backward(("W", "A2"), "dW⁽²⁾", backward["dW_layer2"], "1/m × dZ₂ · A₁ᵀ",
                          ((f"1/{m}", backward["dZ2"], np.asarray(forward["A1"]).T),), (("W", "A2"),), 0.6),
                 Backward("b2", "db₂", backward["db2"], "1/m × (row sums of dZ₂)", ((f"1/{m}", backward["dZ2"]),),
                          (("b2", "A2"),)),
                 Backward("A1", "dA₁", backward["dA1"], "Wᵀ · dZ₂", ((np.asarray(W).T, backward["dZ2"]),),
                          (("A1", "A2"),)),
                 Backward("Z1", "dZ₁", backward["dZ1"], f"{g}'(Z₁) ⊙ dA₁", ((backward["slope1"], backward["dA1"]),),
                          (("Z1", "A1"),)),
                 Backward(("W", "Z1"), "dW⁽¹⁾", backward["dW_layer1"], "1/m × dZ₁ · Xᵀ",
                          ((f"1/{m}", backward["dZ1"], np.asarray(X).T),), (("W", "Z1"),), 0.6),
                 Backward("b1", "db₁", backward["db1"], "1/m × (row sums of dZ₁)", ((f"1/{m}", backward["dZ1"]),),
                          (("b1", "Z1"),)),
                 Backward("W", "dW", backward["dW"], "dW⁽¹⁾ + dW⁽²⁾",
                          ((backward["dW_layer1"],), (backward["dW_layer2"],)), (("W", "Z1"), ("W", "A2")))]
    return ComputationalGraph(f"tied weights: one W in two layers ({hidden_activation}, then linear)", nodes, edges,
                              events, steps)
