"""Visible checks of assignment 05 "Handwritten digits".

They need no reference solution: `one_hot`, `predict` and `accuracy` are checked on the notebook's worked examples
and on invariants (columns of a one-hot matrix hold a single 1; a softmax does not care about a constant added to
every logit). `train` is checked on a small problem and on an invariant of your own function: when all m examples
are alike, every batch has the same gradient, so an epoch of ⌈m / batch_size⌉ steps must give exactly what as many
full-batch epochs give.

Every call of a student's function runs with NumPy's floating-point warnings silenced: nbgrader gives 0 points to
a test cell that writes to stderr.
"""

from __future__ import annotations

import math

import numpy as np

from .calling import call, number, unpack
from .report import Report

__all__ = ["check_accuracy", "check_one_hot", "check_predict", "check_train"]


# --------------------------------------------------------------------------------------------------------
# one_hot
# --------------------------------------------------------------------------------------------------------

def one_hot_mistakes(labels, num_classes):
    """{sentence: value} of the usual wrong one-hot matrices (shape (num_classes, m))."""
    labels = np.asarray(labels).astype(int)
    m = labels.size
    shifted = np.zeros((num_classes, m))
    shifted[(labels - 1) % num_classes, np.arange(m)] = 1.0
    filled = np.zeros((num_classes, m))
    for i, label in enumerate(labels):
        filled[:label + 1, i] = 1.0
    return {"class c goes to row c (rows count from 0), not row c - 1": shifted,
            "a single 1 per column, in the row of the label": filled}


WORKED_LABELS = np.array([2, 0, 1, 2])
WORKED_Y = np.array([[0.0, 1.0, 0.0, 0.0],
                     [0.0, 0.0, 1.0, 0.0],
                     [1.0, 0.0, 0.0, 1.0]])


def _one_hot_case(report, one_hot, labels, k, label, expected=None):
    out = call(report, one_hot, (labels.copy(), k), ["labels", "num_classes"])
    if expected is None:
        expected = np.zeros((k, labels.size))
        expected[labels.astype(int), np.arange(labels.size)] = 1.0
    shape = np.shape(out)
    if shape != expected.shape and len(shape) == 2 and shape[1] == labels.size:
        report.expect(label, False, f"shape {shape}, expected {expected.shape}",
                      "Y has num_classes rows, one per class, even when some class does not occur in labels")
        return
    report.compare(label, out, expected, mistakes=one_hot_mistakes(labels, k))


def check_one_hot(one_hot):
    """The worked example (labels 2, 0, 1, 2 with 3 classes), 5 classes of which only 1 and 3 occur, and uint8
    labels like the digits' (10 classes, 7 examples)."""
    report = Report("one_hot")
    _one_hot_case(report, one_hot, WORKED_LABELS, 3, "worked (3, 4)", WORKED_Y)
    _one_hot_case(report, one_hot, np.array([1, 3]), 5, "absent classes (5, 2)")
    _one_hot_case(report, one_hot, np.array([7, 1, 0, 9, 9, 4, 2], dtype=np.uint8), 10, "uint8 (10, 7)")
    report.finish()


# --------------------------------------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------------------------------------

# The worked example of the notebook: 2 inputs, 3 ReLU units, 3 classes, 5 examples.
PREDICT_X = np.array([[1.0, -1.0, 2.0, 0.0, -2.0],
                      [0.0, 1.0, 1.0, -1.0, 1.0]])
PREDICT_PARAMETERS = {
    "W1": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]), "b1": np.zeros((3, 1)),
    "W2": np.array([[-1.0, 2.0, 2.0], [0.0, 2.0, -1.0], [2.0, 0.0, 1.0]]), "b2": np.array([[0.0], [0.5], [0.0]]),
}
PREDICT_LABELS = np.array([2, 1, 2, 0, 0])  # Z2 = W2 relu(W1 X + b1) + b2, worked out by hand in the notebook
PREDICT_MISTAKES = {
    "the hidden layers use ReLU; that answer comes from a linear (or tanh) hidden layer": np.array([1, 0, 1, 2, 0]),
    "the hidden layers use ReLU; that answer comes from a sigmoid hidden layer": np.array([2, 0, 1, 2, 0]),
}


def _labels(report, label, out, m, hint="return the argmax of each column of AL: np.argmax(AL, axis=0)"):
    """out as an (m,) float array if it is a vector of m whole numbers, else a failed line and None."""
    try:
        array = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        report.expect(label, False, f"is a {type(out).__name__}, expected an array of {m} labels", hint)
        return None
    if array.shape != (m,):
        more = " (a 1-D array: np.argmax(AL, axis=0), no keepdims)" if array.size == m else ""
        report.expect(label, False, f"shape {array.shape}, expected ({m},){more}", hint)
        return None
    if not np.all(array == np.round(array)):
        report.expect(label, False, "holds fractions", "labels are class numbers (argmax), not probabilities")
        return None
    return array


def check_predict(predict):
    """The worked example (labels 2, 1, 2, 0, 0), the same with the columns reversed, and with 7 added to every
    output bias (a softmax is blind to a constant added to all logits: nothing may change)."""
    report = Report("predict")
    names = ["X", "parameters"]

    def run(X, parameters, label, expected, mistakes=None):
        out = call(report, predict, (X.copy(), {k: v.copy() for k, v in parameters.items()}), names)
        got = _labels(report, label, out, X.shape[1])
        if got is not None:
            report.compare(label, got, expected, mistakes=mistakes)

    run(PREDICT_X, PREDICT_PARAMETERS, "worked", PREDICT_LABELS, PREDICT_MISTAKES)
    run(PREDICT_X[:, ::-1], PREDICT_PARAMETERS, "columns reversed", PREDICT_LABELS[::-1])
    run(PREDICT_X, dict(PREDICT_PARAMETERS, b2=PREDICT_PARAMETERS["b2"] + 7.0), "b2 + 7", PREDICT_LABELS)
    report.finish()


# --------------------------------------------------------------------------------------------------------
# accuracy
# --------------------------------------------------------------------------------------------------------

ACCURACY_CASES = [
    ("worked", [3, 1, 4, 1, 5], [3, 1, 4, 4, 4], 0.6),
    ("all right", [0, 2, 2, 1], [0, 2, 2, 1], 1.0),
    ("all wrong", [1, 1, 0], [0, 0, 1], 0.0),
    ("float predictions", [2.0, 0.0, 1.0, 1.0, 0.0, 2.0, 2.0, 1.0], [2, 0, 1, 0, 0, 2, 1, 1], 0.75),
]


def check_accuracy(accuracy):
    """The worked example (3 of 5 right: 0.6), all right, all wrong, and float predictions against int labels."""
    report = Report("accuracy")
    for label, predictions, labels, want in ACCURACY_CASES:
        predictions, labels = np.array(predictions), np.array(labels)
        m = labels.size
        out = call(report, accuracy, (predictions.copy(), labels.copy()), ["predictions", "labels"])
        got = number(report, label, out, "return one number: the share of predictions equal to the labels")
        if got is not None:
            report.compare(label, got, want, mistakes={
                "accuracy is a share in [0, 1], not a percentage": 100 * want,
                "divide the number of right predictions by m": want * m,
                "that is the error rate, 1 - accuracy": 1 - want})
    report.finish()


# --------------------------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------------------------

def blobs(m=60, seed=5):
    """Three well separated clouds of points in 4-D: X (4, m), labels (m,), Y one-hot (3, m). A fixture."""
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % 3
    centres = np.array([[2.0, 0.0, -1.0, 0.0], [-1.0, 2.0, 0.0, 1.0], [0.0, -2.0, 1.5, -1.0]]).T
    X = centres[:, labels] + 0.4 * rng.standard_normal((4, m))
    Y = np.zeros((3, m))
    Y[labels, np.arange(m)] = 1.0
    return X, labels, Y


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
    X, _, Y = blobs()
    dims = [4, 6, 3]
    args = (X, Y, dims, 0.5, 15, 8, 3)
    parameters, costs = _train_call(report, train, args, "clouds")
    if parameters is None:
        report.finish()
    report.expect("returns", True, f"parameters W1..W{len(dims) - 1}, b1..b{len(dims) - 1} of the right shapes and "
                  f"{costs.size} finite costs")
    report.expect("cost falls", costs[-1] < 0.5 * costs[0], f"from {costs[0]:.3f} to {costs[-1]:.3f}",
                  "the cost should fall: are the parameters updated (parameters = update_parameters(...)) at every "
                  "step, and kept from one step to the next?")
    again, costs_again = _train_call(report, train, args, "same seed")
    if again is not None:
        report.expect("same seed", _same(parameters, again) and np.allclose(costs, costs_again),
                      "the same seed gives the same parameters" if _same(parameters, again) else "results differ",
                      "seed every random choice: initialize_parameters(layer_dims, seed) and a generator made with "
                      "np.random.default_rng(seed) for the shuffling")
    # With learning_rate 0 nothing may move: the parameters are the initial ones, so another seed must give other
    # ones, and every epoch has the same cost (batches of 6 divide the 60 examples: the mean of the batch costs is
    # the cost of all 60, whatever the shuffle).
    still, still_costs = _train_call(report, train, (X, Y, dims, 0.0, 3, 6, 3), "α = 0")
    if still is not None:
        report.expect("α = 0", np.allclose(still_costs, still_costs[0], rtol=1e-9, atol=1e-12),
                      "the cost stays put" if np.allclose(still_costs, still_costs[0], rtol=1e-9, atol=1e-12) else
                      f"costs {np.round(still_costs, 4).tolist()}",
                      "with learning_rate = 0 nothing may change: is learning_rate passed to update_parameters?")
        other, _ = _train_call(report, train, (X, Y, dims, 0.0, 1, 6, 4), "seed 4")
        if other is not None:
            differ = not np.allclose(other["W1"], still["W1"])
            report.expect("seed 4", differ, "another seed, other initial weights" if differ else "the same weights",
                          "the seed argument seems ignored: initialize_parameters(layer_dims, seed)")

    m, bs, epochs = 30, 7, 3
    steps = math.ceil(m / bs)
    x = X[:, :1]
    X_same, Y_same = np.repeat(x, m, axis=1), np.repeat(Y[:, :1], m, axis=1)
    batched, costs_batched = _train_call(report, train, (X_same, Y_same, dims, 0.2, epochs, bs, 1), f"batches of {bs}")
    full, costs_full = _train_call(report, train, (X_same, Y_same, dims, 0.2, epochs * steps, m, 1), "one batch")
    if batched is not None and full is not None:
        same = _same(batched, full)
        hint = None
        if not same:
            fewer, _ = _train_call(report, train, (X_same, Y_same, dims, 0.2, epochs * (steps - 1), m, 1), "fewer")
            hint = ("with 30 examples and batches of 7, an epoch has 5 batches, the last one of 2 examples: it looks "
                    "skipped" if fewer is not None and _same(batched, fewer) else
                    "an epoch makes one step per batch, ⌈m / batch_size⌉ steps, each on the gradient of its batch")
        report.expect(f"{steps} steps per epoch", same,
                      f"{epochs} epochs of batches of {bs} {'=' if same else '≠'} {epochs * steps} epochs of one batch",
                      hint)
        if same:
            mean_costs = costs_full.reshape(epochs, steps).mean(axis=1)
            report.compare("epoch cost", costs_batched, mean_costs,
                           mistakes={"an epoch's cost is the mean of its batches' costs, not their sum":
                                     mean_costs * steps,
                                     "an epoch's cost is the mean of all its batches' costs, not the last one's":
                                     costs_full.reshape(epochs, steps)[:, -1],
                                     "an epoch's cost is the mean of its batches' costs, not the first one's":
                                     costs_full.reshape(epochs, steps)[:, 0]})
    report.finish()
