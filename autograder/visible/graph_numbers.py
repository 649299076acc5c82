"""Given numbers for the one computational-graph figure whose numbers would otherwise spell out an exercise.

03 §8.2 draws the two layers that share one weight matrix, with the gradient share W receives from each layer.
Computing those shares in the notebook takes the few lines that `tied_weights_backward` asks the student to write,
so they are computed here, on the instructor's side, with the reference, for the inputs the notebook draws in §8.2
(`default_rng(9)`), and stored as data in `course/data/graph_numbers.json`. The figure takes the sum dW and the
biases' gradients from the student's own `tied_weights_backward`. `python -m autograder release` rewrites the file;
`--check` fails when it is stale.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from course.checks.stored import encode

from .. import reference

FILE = Path("course") / "data" / "graph_numbers.json"  # inside a course directory (the repository)


def tied_weights():
    """The §8.2 example: {"forward": {Z1, A1, A2 (3, 5), J}, "backward": {dA2, dZ2, dW_layer2 (3, 3), dA1, slope1,
    dZ1 (3, 5), dW_layer1 (3, 3)}} for the notebook's X_t, Y_t (3, 5), W_t (3, 3), b1_t = b2_t = 0 (3, 1), tanh."""
    rng = np.random.default_rng(9)
    n, m = 3, 5
    X, Y = rng.standard_normal((n, m)), rng.standard_normal((n, m))
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    b = np.zeros((n, 1))
    A1, cache1 = reference.layer_forward(X, W, b, "tanh")
    A2, cache2 = reference.layer_forward(A1, W, b, "linear")
    dA2 = reference.mse_gradient(A2, Y)
    dA1, dW_layer2, _ = reference.layer_backward(dA2, cache2, "linear")
    _, dW_layer1, _ = reference.layer_backward(dA1, cache1, "tanh")
    slope1 = reference.activation_derivative(cache1[0], "tanh")
    return {"inputs": {"X": X, "Y": Y, "W": W},
            "forward": {"Z1": cache1[0], "A1": A1, "A2": A2, "J": reference.mse_cost(A2, Y)},
            "backward": {"dA2": dA2, "dZ2": dA2, "dW_layer2": dW_layer2, "dA1": dA1, "slope1": slope1,
                         "dZ1": dA1 * slope1, "dW_layer1": dW_layer1}}


def render():
    """The text of course/data/graph_numbers.json."""
    return json.dumps({"tied_weights": encode(tied_weights())}, indent=None) + "\n"


def update(repo, check=False):
    """Rewrite repo/course/data/graph_numbers.json (check: only compare); returns the differences, as update() of
    the stored checks does."""
    target, text = Path(repo) / FILE, render()
    if not target.exists():
        differences = [f"missing: {FILE}"]
    else:
        differences = [] if target.read_text(encoding="utf-8") == text else [f"differs: {FILE}"]
    if not check:
        target.write_text(text, encoding="utf-8")
    return differences
