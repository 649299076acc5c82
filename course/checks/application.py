"""The visible check of `train` (assignment 05 "Handwritten digits"), written by hand: it compares your train with
itself. On three clouds of points (stored data) the cost must fall, the same seed must give the same result, a
learning rate of 0 must change nothing and another seed must start from other weights. On identical examples every
batch has the same gradient, so an epoch of ⌈m / batch_size⌉ steps must give exactly what as many full-batch epochs
give, and an epoch's cost must be the mean of those steps' costs.

The data and the sentences that name the typical mistakes are stored (course/checks/stored/05_application.json,
generated on the instructor's side); one_hot, predict and accuracy are checked by replaying stored values.

Every call of a student's function runs with NumPy's floating-point warnings silenced: nbgrader gives 0 points to
a test cell that writes to stderr.
"""

from __future__ import annotations

import math

import numpy as np

from . import stored
from .calling import call, unpack
from .report import Report

__all__ = ["check_train"]


def _train_call(report, train, args, label):
    names = ["X", "Y", "layer_dims", "learning_rate", "num_epochs", "batch_size", "seed"]
    result = unpack(report, call(report, train, args, names), ["parameters", "costs"])
    parameters, costs = result
    dims, epochs = args[2], args[4]
    ok = isinstance(parameters, dict)
    if not ok:
        report.expect(f"{label} parameters", False, f"is a {type(parameters).__name__}",
                      "return the trained parameters, a dict")
    else:
        for layer in range(1, len(dims)):
            for name, shape in ((f"W{layer}", (dims[layer], dims[layer - 1])), (f"b{layer}", (dims[layer], 1))):
                got = np.shape(parameters[name]) if name in parameters else "missing"
                if got != shape:
                    report.expect(f"{label} {name}", False, f"{got}, expected {shape}",
                                  f"parameters must hold {name} of shape {shape}")
                    ok = False
    try:
        costs_array = np.asarray(costs, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        costs_array = None
    if costs_array is None or costs_array.size != epochs:
        got = "not numbers" if costs_array is None else f"{costs_array.size} values"
        report.expect(f"{label} costs", False, f"{got}, expected {epochs}", "costs holds one number per epoch")
        ok = False
    elif not np.all(np.isfinite(costs_array)):
        report.expect(f"{label} costs", False, "nan or inf", "a cost is nan or inf: is the learning rate too large, "
                      "or a log taken of 0?")
        ok = False
    return (parameters, costs_array) if ok else (None, None)


def _same(a, b):
    return all(np.allclose(np.asarray(a[k], dtype=float), np.asarray(b[k], dtype=float), rtol=1e-6, atol=1e-9)
               for k in a)


def check_train(train):
    """Three clouds of points: the cost must fall by more than half; the same seed must give the same result; with
    learning rate 0 nothing may change, and another seed must start from other weights; and with 30 identical
    examples, 3 epochs of batches of 7 (5 steps each, the last batch of 2) must equal 15 epochs of one batch of 30."""
    report = Report("train")
    values = stored.values("train")
    X, Y = values["clouds"]
    X_same, Y_same = values["alike"]
    says = values["sentences"]
    dims = [4, 6, 3]
    args = (X, Y, dims, 0.5, 15, 8, 3)
    parameters, costs = _train_call(report, train, args, "clouds")
    if parameters is None:
        report.finish()
    report.expect("returns", True, f"parameters W1..W{len(dims) - 1}, b1..b{len(dims) - 1} of the right shapes and "
                  f"{costs.size} finite costs")
    report.expect("cost falls", costs[-1] < 0.5 * costs[0], f"from {costs[0]:.3f} to {costs[-1]:.3f}",
                  "the cost should fall by more than half on these clouds: is every step's update kept "
                  "(parameters = update_parameters(...)), and is each batch of X paired with its own Y?")
    again, costs_again = _train_call(report, train, args, "same seed")
    if again is not None:
        report.expect("same seed", _same(parameters, again) and np.allclose(costs, costs_again),
                      "the same seed gives the same parameters" if _same(parameters, again) else "results differ",
                      says["global_rng"])
    # With learning_rate 0 nothing may move: the parameters are the initial ones, so another seed must give other
    # ones, and every epoch has the same cost (batches of 6 divide the 60 examples: the mean of the batch costs is
    # the cost of all 60, whatever the shuffle).
    still, still_costs = _train_call(report, train, (X, Y, dims, 0.0, 3, 6, 3), "α = 0")
    once, _ = _train_call(report, train, (X, Y, dims, 0.0, 1, 6, 3), "α = 0, 1 epoch")
    if still is not None and once is not None:
        flat = np.allclose(still_costs, still_costs[0], rtol=1e-9, atol=1e-12)
        report.expect("α = 0", flat, "the cost stays put" if flat else f"costs {np.round(still_costs, 4).tolist()}",
                      says["no_rate"] if not _same(still, once) else
                      "with learning_rate = 0 the parameters stay put, yet the epoch costs vary: is an epoch's "
                      "cost the mean of all its batches' costs?")
        other, _ = _train_call(report, train, (X, Y, dims, 0.0, 1, 6, 4), "seed 4")
        if other is not None:
            differ = not np.allclose(other["W1"], still["W1"])
            report.expect("seed 4", differ, "another seed, other initial weights" if differ else "the same weights",
                          says["init_seed"])

    m, bs, epochs = X_same.shape[1], 7, 3
    steps = math.ceil(m / bs)
    batched, costs_batched = _train_call(report, train, (X_same, Y_same, dims, 0.2, epochs, bs, 1), f"batches of {bs}")
    full, costs_full = _train_call(report, train, (X_same, Y_same, dims, 0.2, epochs * steps, m, 1), "one batch")
    if batched is not None and full is not None:
        same = _same(batched, full)
        hint = None
        if not same:
            fewer, _ = _train_call(report, train, (X_same, Y_same, dims, 0.2, epochs * (steps - 1), m, 1), "fewer")
            hint = (says["skip_last"] if fewer is not None and _same(batched, fewer) else
                    "an epoch makes one step per batch, ⌈m / batch_size⌉ steps, each on the gradient of its batch")
        report.expect(f"{steps} steps per epoch", same,
                      f"{epochs} epochs of batches of {bs} {'=' if same else '≠'} {epochs * steps} epochs of one batch",
                      hint)
        if same:
            # Your own full-batch costs, one per step: your epoch costs must be the mean of each epoch's steps.
            step_costs = costs_full.reshape(epochs, steps)
            mean_costs = step_costs.mean(axis=1)
            report.compare("epoch cost", costs_batched, mean_costs,
                           mistakes={says["cost_sum"]: mean_costs * steps, says["cost_last"]: step_costs[:, -1],
                                     says["cost_first"]: step_costs[:, 0]})
    report.finish()
