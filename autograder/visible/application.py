"""The stored visible checks of assignment 05 "Handwritten digits", on the notebook's worked examples.

one_hot, predict and accuracy are replays: the notebook's worked examples (and a few variations of them), the
expected values from the reference, the values of the typical mistakes from the hidden checks' catalogue. train's
visible check is written by hand (course/checks/application.py: it compares the student's train with itself); its
data (three clouds of points, identical examples) and its sentences are stored here.
"""

from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..hidden.application import (
    ACCURACY_NUMBER,
    MISTAKES,
    accuracy_mistakes,
    one_hot_mistakes,
    one_hot_shape_hints,
    predict_mistakes,
    predict_shape_hints,
)
from .script import Script

# one_hot: the notebook's worked example, 5 classes of which only 1 and 3 occur, uint8 labels like the digits'.
ONE_HOT_CASES = [
    ("worked (3, 4)", np.array([2, 0, 1, 2]), 3),
    ("absent classes (5, 2)", np.array([1, 3]), 5),
    ("uint8 (10, 7)", np.array([7, 1, 0, 9, 9, 4, 2], dtype=np.uint8), 10),
]

# predict: the worked example of the notebook, 2 inputs, 3 ReLU units, 3 classes, 5 examples; its labels
# (2, 1, 2, 0, 0) are worked out by hand in the notebook.
PREDICT_X = np.array([[1.0, -1.0, 2.0, 0.0, -2.0],
                      [0.0, 1.0, 1.0, -1.0, 1.0]])
PREDICT_PARAMETERS = {
    "W1": np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]), "b1": np.zeros((3, 1)),
    "W2": np.array([[-1.0, 2.0, 2.0], [0.0, 2.0, -1.0], [2.0, 0.0, 1.0]]), "b2": np.array([[0.0], [0.5], [0.0]]),
}

# accuracy: the worked example (3 of 5 right), 1 of 4, 7 of 8, float predictions against int labels. No case is
# all right or all wrong: an answer of 1.0 or 0.0 is also what any yes/no function of two arrays returns.
ACCURACY_CASES = [
    ("worked", np.array([3, 1, 4, 1, 5]), np.array([3, 1, 4, 4, 4])),
    ("1 of 4", np.array([0, 1, 1, 0]), np.array([1, 1, 0, 2])),
    ("7 of 8", np.array([0, 2, 2, 1, 1, 0, 2, 1]), np.array([0, 2, 2, 1, 1, 0, 2, 0])),
    ("float predictions", np.array([2.0, 0.0, 1.0, 1.0, 0.0, 2.0, 2.0, 1.0]), np.array([2, 0, 1, 0, 0, 2, 1, 1])),
]

# train: the sentences of the catalogue that the visible check can tell apart with its own runs.
TRAIN_SENTENCES = ("no_update", "global_rng", "no_rate", "init_seed", "skip_last", "cost_sum", "cost_last",
                   "cost_first")
ALIKE = 30  # identical examples, so that every batch has the same gradient


def blobs(m=60, seed=5):
    """Three well separated clouds of points in 4-D: X (4, m) and one-hot Y (3, m)."""
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % 3
    centres = np.array([[2.0, 0.0, -1.0, 0.0], [-1.0, 2.0, 0.0, 1.0], [0.0, -2.0, 1.5, -1.0]]).T
    X = centres[:, labels] + 0.4 * rng.standard_normal((4, m))
    return X, ref.one_hot(labels, 3)


def _one_hot():
    script = Script("one_hot", "The worked example (labels 2, 0, 1, 2 with 3 classes), 5 classes of which only 1 "
                               "and 3 occur, and uint8 labels like the digits' (10 classes, 7 examples).")
    for label, labels, k in ONE_HOT_CASES:
        script.call((labels, k), ["labels", "num_classes"]).compare(
            [], label, ref.one_hot(labels, k), mistakes=one_hot_mistakes(labels, k),
            shape_hints=one_hot_shape_hints(labels, k))
    return script


def _predict():
    script = Script("predict", "The worked example (labels 2, 1, 2, 0, 0), the same with the columns reversed, and "
                               "with 7 added to every output bias (a softmax is blind to a constant added to all "
                               "logits: nothing may change).")
    shifted = dict(PREDICT_PARAMETERS, b2=PREDICT_PARAMETERS["b2"] + 7.0)
    for label, X, parameters in (("worked", PREDICT_X, PREDICT_PARAMETERS),
                                 ("columns reversed", PREDICT_X[:, ::-1].copy(), PREDICT_PARAMETERS),
                                 ("b2 + 7", PREDICT_X, shifted)):
        script.call((X, parameters), ["X", "parameters"]).compare(
            [], label, ref.predict(X, parameters), mistakes=predict_mistakes(X, parameters),
            shape_hints=predict_shape_hints(X.shape[1], parameters["b2"].shape[0]))
    return script


def _accuracy():
    script = Script("accuracy", "The worked example (3 of 5 right: 0.6), 1 of 4 right, 7 of 8 right, and float "
                                "predictions against int labels.")
    for label, predictions, labels in ACCURACY_CASES:
        want = ref.accuracy(predictions, labels)
        m = labels.size
        script.call((predictions, labels), ["predictions", "labels"]).compare(
            [], label, want, mistakes=accuracy_mistakes(want, m),
            shape_hints={(m,): ACCURACY_NUMBER})
    return script


def _train():
    script = Script("train", "Three clouds of points: the cost falls, the same seed gives the same result, a "
                             "learning rate of 0 changes nothing and another seed starts elsewhere; identical "
                             "examples: an epoch of batches equals as many full-batch steps.")
    X, Y = blobs()
    script.store("clouds", (X, Y))
    script.store("alike", (np.repeat(X[:, :1], ALIKE, axis=1), np.repeat(Y[:, :1], ALIKE, axis=1)))
    script.store("sentences", {key: MISTAKES[key] for key in TRAIN_SENTENCES})
    return script


def scripts():
    """{exercise: Script} of assignment 05."""
    return {script.exercise: script for script in (_one_hot(), _train(), _predict(), _accuracy())}
