"""Correctness oracle: the reference's forward and backward passes against PyTorch autograd, in float64.

For every hidden activation (sigmoid, relu, tanh, linear) and every output/loss pair of the course (sigmoid
with binary cross-entropy, softmax with categorical cross-entropy, linear with squared error), on random
networks of 1, 2, 3 and 5 layers with random sizes: the reference's output AL (`model_forward`), its cost
(`COSTS`) and every gradient dW1..dWL, db1..dbL (`model_backward`) are compared with PyTorch's, whose
gradients come from autograd on the cost written out independently. Also `layer_forward`/`layer_backward`
(including dA_prev, which `model_backward` does not return) and `tied_weights_backward`, for every activation.

Prints the largest relative error of each case, ‖reference − torch‖ / ‖torch‖ (per array, the worst array of
the case), and exits 1 if any exceeds 1e-10: float64 round-off is about 1e-16 per operation.

    pip install -r requirements-bench.txt
    python benchmarks/oracle_torch.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # the repository's packages, also where it is not pip-installed
import _timing

from autograder import reference as ref

TOLERANCE = 1e-10
DEPTHS = (1, 2, 3, 5)
LOSSES = {"sigmoid": "sigmoid + binary cross-entropy", "softmax": "softmax + cross-entropy",
          "linear": "linear + squared error"}


def relative_error(got, want):
    """‖got − want‖ / ‖want‖ over all entries (0 when both are zero)."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    scale = np.linalg.norm(want)
    difference = np.linalg.norm(got - want)
    return float(difference / scale) if scale else float(difference)


def random_network(rng, depth, output):
    """(parameters, X, Y) of a random network with `depth` layers, for the given output activation.

    Sizes are drawn from 2..9 and m from 3..40; weights are scaled by 1/sqrt(fan-in) and biases are non-zero,
    so no activation saturates and ReLU's kink at 0 is never hit. Y fits the loss: binary targets for a
    sigmoid output (one or several independent outputs), one-hot columns for softmax, real values for a linear
    output.
    """
    dims = [int(d) for d in rng.integers(2, 10, size=depth + 1)]
    m = int(rng.integers(3, 41))
    parameters = {}
    for layer in range(1, depth + 1):
        fan_in = dims[layer - 1]
        parameters[f"W{layer}"] = rng.standard_normal((dims[layer], fan_in)) / np.sqrt(fan_in)
        parameters[f"b{layer}"] = 0.5 * rng.standard_normal((dims[layer], 1))
    X = rng.standard_normal((dims[0], m))
    k = dims[-1]
    if output == "sigmoid":
        Y = (rng.random((k, m)) < 0.5).astype(np.float64)
    elif output == "softmax":
        Y = ref.one_hot(rng.integers(0, k, size=m), k)
    else:
        Y = rng.standard_normal((k, m))
    return parameters, X, Y


def torch_activation(torch, name):
    """The activation `name` (or an output activation) as a PyTorch function of a (n, m) tensor."""
    return {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh, "linear": lambda z: z,
            "softmax": lambda z: torch.softmax(z, dim=0)}[name]


def torch_cost(torch, Z_last, Y, output):
    """The course's cost of the output layer, from its logits Z_last, written with PyTorch's own functions."""
    m = Y.shape[1]
    F = torch.nn.functional
    if output == "sigmoid":
        return F.binary_cross_entropy_with_logits(Z_last, Y, reduction="sum") / m
    if output == "softmax":
        return -(Y * torch.log_softmax(Z_last, dim=0)).sum() / m
    return 0.5 * ((Z_last - Y) ** 2).sum() / m


def check_model(torch, rng, hidden, output, depth):
    """Worst relative error of AL, the cost and every gradient of one random network. Returns a float."""
    parameters, X, Y = random_network(rng, depth, output)
    AL, caches = ref.model_forward(X, parameters, hidden, output)
    cost = ref.COSTS[output](AL, Y)
    grads = ref.model_backward(AL, Y, caches, hidden, output)

    leaves = {name: torch.tensor(value, requires_grad=True) for name, value in parameters.items()}
    A = torch.tensor(X)
    for layer in range(1, depth + 1):
        Z = leaves[f"W{layer}"] @ A + leaves[f"b{layer}"]
        A = torch_activation(torch, hidden if layer < depth else output)(Z)
    torch_J = torch_cost(torch, Z, torch.tensor(Y), output)
    torch_J.backward()

    errors = [relative_error(AL, A.detach().numpy()), relative_error(cost, torch_J.item())]
    errors += [relative_error(grads[f"d{name}"], leaf.grad.numpy()) for name, leaf in leaves.items()]
    return max(errors)


def check_layer(torch, rng, activation):
    """Worst relative error of layer_forward's A and layer_backward's dA_prev, dW, db on one random layer.

    layer_backward's dA is per example and its dW, db carry the 1/m: they are the gradients of
    J = (1/m) Σ dA ⊙ A, and dA_prev is m times ∂J/∂A_prev.
    """
    n_prev, n, m = (int(v) for v in rng.integers(2, 12, size=3))
    A_prev, dA = rng.standard_normal((n_prev, m)), rng.standard_normal((n, m))
    W, b = rng.standard_normal((n, n_prev)) / np.sqrt(n_prev), 0.5 * rng.standard_normal((n, 1))
    A, cache = ref.layer_forward(A_prev, W, b, activation)
    dA_prev, dW, db = ref.layer_backward(dA, cache, activation)
    leaves = {"A_prev": A_prev, "W": W, "b": b}
    t = {name: torch.tensor(value, requires_grad=True) for name, value in leaves.items()}
    torch_A = torch_activation(torch, activation)(t["W"] @ t["A_prev"] + t["b"])
    ((torch.tensor(dA) * torch_A).sum() / m).backward()
    return max(relative_error(A, torch_A.detach().numpy()),
               relative_error(dA_prev, m * t["A_prev"].grad.numpy()),
               relative_error(dW, t["W"].grad.numpy()), relative_error(db, t["b"].grad.numpy()))


def check_tied(torch, rng, activation):
    """Worst relative error of tied_weights_backward's dW, db1, db2 (one W in two layers, squared error)."""
    n, m = (int(v) for v in rng.integers(2, 10, size=2))
    X, Y = rng.standard_normal((n, m)), rng.standard_normal((n, m))
    W = rng.standard_normal((n, n)) / np.sqrt(n)
    b1, b2 = 0.5 * rng.standard_normal((n, 1)), 0.5 * rng.standard_normal((n, 1))
    grads = ref.tied_weights_backward(X, Y, W, b1, b2, activation)
    t = {name: torch.tensor(value, requires_grad=True) for name, value in (("W", W), ("b1", b1), ("b2", b2))}
    A1 = torch_activation(torch, activation)(t["W"] @ torch.tensor(X) + t["b1"])
    (0.5 * ((t["W"] @ A1 + t["b2"] - torch.tensor(Y)) ** 2).sum() / m).backward()
    return max(relative_error(grads[f"d{name}"], leaf.grad.numpy()) for name, leaf in t.items())


def run(torch, seeds):
    """Every case on `seeds` random draws. Returns the table's rows: (case, hidden, output, worst)."""
    rows = []
    for output in ref.OUTPUT_ACTIVATIONS:
        # One layer has no hidden activation: that case once per output, the deeper ones for every hidden one.
        cases = [(DEPTHS[0], "linear")] + list(itertools.product(DEPTHS[1:], ref.ACTIVATIONS))
        for depth, hidden in cases:
            worst = max(check_model(torch, np.random.default_rng([seed, depth]), hidden, output, depth)
                        for seed in range(seeds))
            rows.append((f"model, {depth} layer{'s' if depth > 1 else ''}", hidden if depth > 1 else "-",
                         LOSSES[output], worst))
    for activation in ref.ACTIVATIONS:
        layer = max(check_layer(torch, np.random.default_rng([seed, 7]), activation) for seed in range(seeds))
        tied = max(check_tied(torch, np.random.default_rng([seed, 11]), activation) for seed in range(seeds))
        rows.append(("layer_forward/backward", activation, "-", layer))
        rows.append(("tied_weights_backward", activation, "linear + squared error", tied))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="random networks per case (default 3)")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("PyTorch is needed here: pip install -r requirements-bench.txt", file=sys.stderr)
        return 2
    torch.set_default_dtype(torch.float64)
    rows = run(torch, args.seeds)
    print(f"reference against PyTorch {torch.__version__} autograd, float64, {args.seeds} random networks "
          "per row: largest relative error of AL, the cost and every gradient")
    print(_timing.table(["case", "hidden", "output / loss", "max rel. error"],
                        [[case, hidden, output, f"{worst:.1e}"] for case, hidden, output, worst in rows]))
    worst = max(row[3] for row in rows)
    print(f"worst of all: {worst:.1e} (limit {TOLERANCE:.0e}): {'ok' if worst <= TOLERANCE else 'FAILED'}")
    return 0 if worst <= TOLERANCE else 1


if __name__ == "__main__":
    sys.exit(main())
