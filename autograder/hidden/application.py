"""Hidden checks of assignment 05: the student's function against the reference on fresh random inputs.

train is compared with the reference where the shuffling cannot matter (one batch holding every example; or m
identical examples, where every batch has the same gradient, with m not a multiple of the batch size), and then
trained on the digits for 8 epochs in batches of 128 (88 steps): the test accuracy must reach 92% (the reference
reaches 95.3% with the check's seed, and 93.3% or more for every one of 200 seeds tried). While a check runs,
`isolated` makes the student's notebook use the reference's building blocks (initialize_parameters, model_forward,
model_backward, the costs, update_parameters).

The mistake catalogue of the assignment is written here, once (one_hot_mistakes, predict_mistakes,
accuracy_mistakes, MISTAKES of train and the shape hints): these checks name mistakes with it, and
autograder/visible/application.py stores its sentences and values for the visible checks.
"""

from __future__ import annotations

import math
import time

import numpy as np

from course.checks.calling import call, number, quiet, unpack

from .. import reference as ref
from ._harness import checking, distinct_dims

__all__ = ["check_accuracy", "check_one_hot", "check_predict", "check_train"]

# The digits run: the notebook's network and centred inputs, but fewer, larger steps than the notebook's 40 epochs in
# batches of 32 at α = 0.1 (1,720 steps): while the check runs, each step is four calls between the kernel and the
# grader, which answers for the building blocks, and every step costs about 3 ms of grading. 8 epochs in batches of
# 128 at α = 0.5 are 88 steps: the reference reaches 95.3% (the notebook's first 10 epochs, 430 steps, 94.7%), and at
# least 93.3% for each of 200 seeds, as 10 epochs of the notebook's steps did; a train that loses the pairing of X
# and Y stays near 10%.
DIGITS_DIMS, DIGITS_LEARNING_RATE, DIGITS_EPOCHS, DIGITS_BATCH, DIGITS_SEED = [64, 64, 10], 0.5, 8, 128, 0
DIGITS_REQUIRED = 0.92


# --------------------------------------------------------------------------------------------------------
# one_hot
# --------------------------------------------------------------------------------------------------------

ONE_HOT_ROWS = "Y has num_classes rows, one per class, even when some class does not occur in labels"


def one_hot_mistakes(labels, num_classes):
    """{sentence: value} of the usual wrong one-hot matrices (shape (num_classes, m)) for these labels."""
    labels = np.asarray(labels).astype(int)
    m = labels.size
    shifted = np.zeros((num_classes, m))
    shifted[(labels - 1) % num_classes, np.arange(m)] = 1.0
    filled = np.zeros((num_classes, m))
    for i, label in enumerate(labels):
        filled[:label + 1, i] = 1.0
    return {"class c goes to row c (rows count from 0), not row c - 1": shifted,
            "a single 1 per column, in the row of the label": filled}


def one_hot_shape_hints(labels, num_classes):
    """{shape: sentence} of a one-hot matrix with as many rows as the largest label asks for, not num_classes."""
    labels = np.asarray(labels).astype(int)
    rows = int(labels.max()) + 1
    return {(rows, labels.size): ONE_HOT_ROWS} if rows != num_classes else {}


def _one_hot_case(report, one_hot, labels, k, label, expected):
    out = call(report, one_hot, (labels.copy(), k), ["labels", "num_classes"])
    try:
        shape = np.shape(out)
    except (TypeError, ValueError):  # a ragged result: report.compare says what it is
        shape = None
    if shape is not None and shape != expected.shape and len(shape) == 2 and shape[1] == labels.size:
        report.expect(label, False, f"shape {shape}, expected {expected.shape}", ONE_HOT_ROWS)
        return
    report.compare(label, out, expected, mistakes=one_hot_mistakes(labels, k))


def check_one_hot(one_hot):
    with checking('one_hot', one_hot) as (report, rng):
        for dtype in (np.int64, np.uint8, np.int32):
            m, k = distinct_dims(rng, 2, 3, 12)
            labels = rng.integers(0, max(k - 1, 1), size=m).astype(dtype)  # the last class never occurs
            _one_hot_case(report, one_hot, labels, k, f"{np.dtype(dtype).name} ({k}, {m})", ref.one_hot(labels, k))


# --------------------------------------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------------------------------------

PREDICT_HINT = "return the argmax of each column of AL: np.argmax(AL, axis=0)"
PREDICT_ONE_D = "a 1-D array: np.argmax(AL, axis=0), no keepdims"
PREDICT_FRACTIONS = "labels are class numbers (argmax), not probabilities"


def predict_mistakes(X, parameters):
    """{sentence: labels} of the usual wrong predictions of the ReLU/softmax network `parameters` on X (n_0, m)."""
    want = ref.predict(X, parameters)
    AL = ref.model_forward(X, parameters, "relu", "softmax")[0]
    mistakes = {"the label is the argmax of each column (the most probable class), not the argmin":
                AL.argmin(axis=0), "classes count from 0: no + 1": want + 1, PREDICT_FRACTIONS: AL.max(axis=0)}
    if len(parameters) // 2 > 1:
        for hidden in ("linear", "sigmoid", "tanh"):
            wrong = ref.model_forward(X, parameters, hidden, "softmax")[0].argmax(axis=0)
            mistakes[f"the hidden layers use ReLU; that answer comes from {hidden} hidden layers"] = wrong
    return mistakes


def predict_shape_hints(m, k):
    """{shape: sentence} of labels returned as a 2-D array, or one per class (k) instead of one per example (m)."""
    hints = {(k,): PREDICT_HINT} if k != m else {}
    return {**hints, (1, m): PREDICT_ONE_D, (m, 1): PREDICT_ONE_D}


def _labels(report, label, out, m, hint=PREDICT_HINT):
    """out as an (m,) float array if it is a vector of m whole numbers, else a failed line and None."""
    try:
        array = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        report.expect(label, False, f"is a {type(out).__name__}, expected an array of {m} labels", hint)
        return None
    if array.shape != (m,):
        more = f" ({PREDICT_ONE_D})" if array.size == m else ""
        report.expect(label, False, f"shape {array.shape}, expected ({m},){more}", hint)
        return None
    if not np.all(array == np.round(array)):
        report.expect(label, False, "holds fractions", PREDICT_FRACTIONS)
        return None
    return array


def _random_classifier(rng, depth):
    dims = distinct_dims(rng, depth + 1, 2, 8)
    m = int(rng.integers(25, 40))  # many examples: a wrong hidden activation changes some answer
    parameters = {}
    for layer in range(1, depth + 1):
        parameters[f"W{layer}"] = rng.standard_normal((dims[layer], dims[layer - 1])) * 1.5
        parameters[f"b{layer}"] = rng.standard_normal((dims[layer], 1))
    return parameters, rng.standard_normal((dims[0], m))


def _distinguishing_classifier(rng, depth, tries=100):
    """_random_classifier, drawn again until other hidden activations than ReLU give other labels for at least one
    example (with few hidden units they sometimes agree on every column, and a wrong predict would pass)."""
    for _ in range(tries):
        parameters, X = _random_classifier(rng, depth)
        want = ref.predict(X, parameters)
        if depth == 1 or all(np.any(ref.model_forward(X, parameters, hidden, "softmax")[0].argmax(axis=0) != want)
                             for hidden in ("linear", "sigmoid", "tanh")):
            break
    return parameters, X


def check_predict(predict):
    names = ["X", "parameters"]
    with checking('predict', predict) as (report, rng):
        for depth in (1, 2, 3):
            parameters, X = _distinguishing_classifier(rng, depth)
            want = ref.predict(X, parameters)
            out = call(report, predict, (X.copy(), {k: v.copy() for k, v in parameters.items()}), names)
            label = f"{depth} layer{'s' if depth > 1 else ''}, m={X.shape[1]}"
            got = _labels(report, label, out, X.shape[1])
            if got is None:
                continue
            report.compare(label, got, want, mistakes=predict_mistakes(X, parameters))


# --------------------------------------------------------------------------------------------------------
# accuracy
# --------------------------------------------------------------------------------------------------------

ACCURACY_NUMBER = "return one number: the share of predictions equal to the labels"


def accuracy_mistakes(want, m):
    """{sentence: value} of the usual wrong accuracies when the right one is `want` over m examples."""
    return {"accuracy is a share in [0, 1], not a percentage": 100 * want,
            "divide the number of right predictions by m": want * m,
            "that is the error rate, 1 - accuracy": 1 - want}


def check_accuracy(accuracy):
    with checking('accuracy', accuracy) as (report, rng):
        for share, as_float in ((0.7, False), (0.3, True), (0.9, False)):
            m, k = int(rng.integers(20, 60)), int(rng.integers(3, 11))
            labels = rng.integers(0, k, size=m)
            predictions = np.where(rng.random(m) < share, labels, (labels + rng.integers(1, k, size=m)) % k)
            if as_float:
                predictions = predictions.astype(float)
            want = ref.accuracy(predictions, labels)
            out = call(report, accuracy, (predictions.copy(), labels.copy()), ["predictions", "labels"])
            label = f"m={m}{' (floats)' if as_float else ''}"
            got = number(report, label, out, ACCURACY_NUMBER)
            if got is not None:
                report.compare(label, got, want, mistakes=accuracy_mistakes(want, m))


# --------------------------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------------------------

def _variant(X, Y, dims, learning_rate, epochs, batch_size, seed, *, init_seed=None, skip_last=False,
             cost_after=False, cost_sum=False, cost_last=False, cost_first=False, no_update=False, no_rate=False):
    """train with one typical mistake, without shuffling: only for cases where the shuffle cannot matter."""
    learning_rate = 1.0 if no_rate else learning_rate
    parameters = ref.initialize_parameters(dims, seed=seed if init_seed is None else init_seed)
    m = X.shape[1]
    stop = (m // batch_size) * batch_size if skip_last else m
    costs = []
    for _ in range(epochs):
        epoch = []
        for start in range(0, stop, batch_size):
            Xb, Yb = X[:, start:start + batch_size], Y[:, start:start + batch_size]
            AL, caches = ref.model_forward(Xb, parameters, "relu", "softmax")
            grads = ref.model_backward(AL, Yb, caches, "relu", "softmax")
            new = ref.update_parameters(parameters, grads, learning_rate)
            parameters = parameters if no_update else new
            if cost_after:
                AL = ref.model_forward(Xb, parameters, "relu", "softmax")[0]
            epoch.append(ref.softmax_cross_entropy(AL, Yb))
        costs.append(epoch[-1] if cost_last else epoch[0] if cost_first else
                     float(np.sum(epoch)) if cost_sum else float(np.mean(epoch)))
    return parameters, np.array(costs)


MISTAKES = {
    "init_seed": "initialize with initialize_parameters(layer_dims, seed): the seed argument seems ignored",
    "no_update": "the parameters never change: keep what update_parameters returns (parameters = ...)",
    "cost_after": "an epoch's cost comes from the forward pass of each step, before its update",
    "skip_last": "the last, smaller batch is skipped: an epoch has ⌈m / batch_size⌉ batches",
    "cost_sum": "an epoch's cost is the mean of its batches' costs, not their sum",
    "cost_last": "an epoch's cost is the mean of all its batches' costs, not the last one's",
    "cost_first": "an epoch's cost is the mean of its batches' costs, not the first one's",
    "no_rate": "learning_rate is not used: pass it to update_parameters (with learning_rate = 0 nothing may change)",
    # not a variant: a train that draws from NumPy's global generator gives other results at every run
    "global_rng": "seed every random choice: initialize_parameters(layer_dims, seed), and "
                  "np.random.default_rng(seed) for the shuffling (not NumPy's global generator)",
}


def _compare_run(report, label, got, args, variants):
    """Compare (parameters, costs) returned by the student's train with the reference's on args."""
    parameters, costs = unpack(report, got, ["parameters", "costs"])
    want_parameters, want_costs = ref.train(*args)
    wrong = {name: _variant(*args, **{name: value}) for name, value in variants.items()}
    if not isinstance(parameters, dict):
        report.expect(f"{label} parameters", False, f"is a {type(parameters).__name__}", "return a dict")
        return
    for name, want in want_parameters.items():
        if name not in parameters:
            report.expect(f"{label} {name}", False, "missing", f"parameters must hold {name}")
            continue
        report.compare(f"{label} {name}", parameters[name], want,
                       mistakes={MISTAKES[v]: w[0][name] for v, w in wrong.items()})
    try:
        costs = np.asarray(costs, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        report.expect(f"{label} costs", False, "not numbers", "costs is a list of one float per epoch")
        return
    report.compare(f"{label} costs", costs, np.asarray(want_costs),
                   mistakes={MISTAKES[v]: w[1] for v, w in wrong.items()})


def _copies(args):
    return tuple(a.copy() if isinstance(a, (np.ndarray, list)) else a for a in args)


def check_train(train):
    names = ["X", "Y", "layer_dims", "learning_rate", "num_epochs", "batch_size", "seed"]
    with checking('train', train) as (report, rng):
        # One batch holding all m examples: no shuffle can change anything.
        n0, n1, k, m = distinct_dims(rng, 4, 2, 9)
        m += 8
        X, labels = rng.standard_normal((n0, m)), rng.integers(0, k, size=m)
        args = (X, ref.one_hot(labels, k), [n0, n1, k], 0.3, 4, m, int(rng.integers(1, 10**6)))
        got = call(report, train, _copies(args), names)
        _compare_run(report, "one batch", got, args,
                     {"init_seed": 0, "no_update": True, "cost_after": True, "no_rate": True})

        # m identical examples: every batch has the same gradient, whatever the shuffle.
        batch = int(rng.integers(3, 8))
        m = batch * int(rng.integers(3, 5)) + int(rng.integers(1, batch))
        n0, n1, k = distinct_dims(rng, 3, 2, 9)
        X = np.repeat(rng.standard_normal((n0, 1)), m, axis=1)
        Y = np.repeat(ref.one_hot([int(rng.integers(k))], k), m, axis=1)
        args = (X, Y, [n0, n1, k], 0.2, 3, batch, int(rng.integers(1, 10**6)))
        got = call(report, train, _copies(args), names)
        _compare_run(report, f"{m} alike, batches of {batch}", got, args,
                     {"skip_last": True, "cost_sum": True, "cost_last": True, "cost_first": True,
                      "cost_after": True})
        # The same seed twice, on distinct examples in several batches: the same result.
        n0, n1, k = distinct_dims(rng, 3, 2, 9)
        m = int(rng.integers(20, 40))
        X, labels = rng.standard_normal((n0, m)), rng.integers(0, k, size=m)
        args = (X, ref.one_hot(labels, k), [n0, n1, k], 0.2, 2, int(rng.integers(3, 8)), int(rng.integers(1, 10**6)))
        runs = [call(report, train, _copies(args), names) for _ in range(2)]
        try:
            same = all(np.array_equal(np.asarray(runs[0][0][name]), np.asarray(runs[1][0][name]))
                       for name in runs[0][0])
        except Exception:  # noqa: BLE001 - a malformed result fails the comparisons above already
            same = False
        report.expect("same seed", same, "two runs with the same seed " + ("agree" if same else "differ"),
                      MISTAKES["global_rng"])
        if not report.ok:
            report.finish()

        # The digits, with the notebook's hyperparameters.
        from course.digits import load_digits

        X_train, y_train, X_test, y_test = load_digits()
        mean = X_train.mean(axis=1, keepdims=True)
        args = (X_train - mean, ref.one_hot(y_train, 10), list(DIGITS_DIMS), DIGITS_LEARNING_RATE, DIGITS_EPOCHS,
                DIGITS_BATCH, DIGITS_SEED)
        start = time.perf_counter()
        got = call(report, train, _copies(args), names)
        seconds = time.perf_counter() - start
        parameters, _ = unpack(report, got, ["parameters", "costs"])
        try:
            with quiet():
                share = ref.accuracy(ref.predict(X_test - mean, parameters), y_test)
        except Exception as error:  # noqa: BLE001 - a malformed result is reported, not raised
            report.expect("digits", False, f"the parameters could not be used: {type(error).__name__}: {error}",
                          "return a dict W1, b1, W2, b2 of the shapes layer_dims asks for")
        else:
            steps = DIGITS_EPOCHS * math.ceil(X_train.shape[1] / DIGITS_BATCH)
            report.expect("digits", share >= DIGITS_REQUIRED,
                          f"test accuracy {share:.1%} after {DIGITS_EPOCHS} epochs ({steps} steps, {seconds:.1f} s)",
                          f"a correct train reaches about 95% here; {DIGITS_REQUIRED:.0%} is required")
