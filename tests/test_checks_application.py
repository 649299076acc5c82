"""The checks of 05 "Handwritten digits": visible and hidden checks pass for correct solutions written in several
ways, the hidden check fails for every mutant (a correct function with one typical mistake) and names the mistake
where it can, and the visible checks catch most mutants. No kernel is started; the hidden train check trains once on
the digits (a fraction of a second)."""

import textwrap

import numpy as np
import pytest

import autograder.reference as ref
from autograder.hidden import application as hidden
from autograder.notebooks import grade_id, is_solution_cell, without_markers
from autograder.visible import application as generator
from course import checks
from course.checks import stored

from . import mutants
from .conftest import source_nb

EXERCISES = ["one_hot", "train", "predict", "accuracy"]
TOOLS = ["sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh_derivative", "activation_forward",
         "activation_derivative", "layer_forward", "layer_backward", "initialize_parameters", "softmax",
         "model_forward", "compute_cost", "mse_cost", "softmax_cross_entropy", "model_backward",
         "update_parameters"]


def notebook(source=""):
    """A namespace like a student's notebook: the earlier tools (the reference's), then `source` run in it."""
    namespace = {"np": np, **{name: getattr(ref, name) for name in TOOLS}}
    exec(textwrap.dedent(source), namespace)  # noqa: S102 - test code written here
    return namespace


def run_visible(exercise, namespace):
    return getattr(checks, f"check_{exercise}")(namespace[exercise])


def run_hidden(exercise, namespace):
    return getattr(hidden, f"check_{exercise}")(namespace[exercise])


def notebook_solutions():
    cells = [c for c in source_nb("05_application").cells if is_solution_cell(c) and grade_id(c) in EXERCISES]
    return notebook("\n\n".join(without_markers(c.source) for c in cells))


ALTERNATIVES = notebook('''
def one_hot(labels, num_classes):
    return np.eye(num_classes)[np.asarray(labels, dtype=int)].T


def predict(X, parameters):
    # the argmax of the last layer's Z (softmax keeps the order), read from the cache
    _, caches = model_forward(X, parameters, "relu", "softmax")
    return [int(i) for i in caches[-1][0].argmax(axis=0)]          # a list, not an array


def accuracy(predictions, labels):
    right = sum(int(p == l) for p, l in zip(list(predictions), list(labels)))
    return np.float32(right / len(labels))                         # a NumPy float32 scalar


def train(X, Y, layer_dims, learning_rate, num_epochs, batch_size, seed=0):
    # a while loop over a shuffled index array, in-place shuffle, costs as a NumPy array
    parameters = initialize_parameters(layer_dims, seed)
    generator = np.random.default_rng(seed)
    m = X.shape[1]
    costs = np.zeros(num_epochs)
    index = np.arange(m)
    for epoch in range(num_epochs):
        generator.shuffle(index)
        start, total, count = 0, 0.0, 0
        while start < m:
            take = index[start:start + batch_size]
            AL, caches = model_forward(X[:, take], parameters, "relu", "softmax")
            total += softmax_cross_entropy(AL, Y[:, take])
            count += 1
            grads = model_backward(AL, Y[:, take], caches, "relu", "softmax")
            parameters = {k: v - learning_rate * grads["d" + k] for k, v in parameters.items()}
            start += batch_size
        costs[epoch] = total / count
    return parameters, costs
''')

SOLUTIONS = {"reference": {name: getattr(ref, name) for name in EXERCISES}, "alternative": ALTERNATIVES}


@pytest.mark.parametrize("exercise", EXERCISES)
@pytest.mark.parametrize("solution", ["reference", "notebook", "alternative"])
def test_checks_pass_on_correct_solutions(exercise, solution, capfd):
    namespace = notebook_solutions() if solution == "notebook" else SOLUTIONS[solution]
    run_visible(exercise, namespace)
    for _ in range(2 if exercise == "train" else 4):
        run_hidden(exercise, namespace)
    assert capfd.readouterr().err == ""


def digits_accuracy(epochs, seed, learning_rate=hidden.DIGITS_LEARNING_RATE, batch=hidden.DIGITS_BATCH):
    from course.digits import load_digits

    X_train, y_train, X_test, y_test = load_digits()
    mean = X_train.mean(axis=1, keepdims=True)
    parameters, costs = ref.train(X_train - mean, ref.one_hot(y_train, 10), hidden.DIGITS_DIMS,
                                  learning_rate, epochs, batch, seed)
    assert len(costs) == epochs and costs[-1] < costs[0]
    return ref.accuracy(ref.predict(X_test - mean, parameters), y_test)


def test_reference_reaches_97_percent_quickly_with_the_notebooks_40_epochs():
    import time

    start = time.perf_counter()
    assert digits_accuracy(40, hidden.DIGITS_SEED, learning_rate=0.1, batch=32) >= 0.97  # the notebook's run
    assert time.perf_counter() - start < 20


def test_the_hidden_digits_run_passes_a_correct_train_with_a_margin():
    """The check's shorter run: 8 epochs of 11 steps, 92% required; a correct train with another seed (or another
    way of shuffling) still clears it by a point."""
    from course.digits import load_digits

    examples = load_digits()[0].shape[1]
    assert hidden.DIGITS_EPOCHS * -(-examples // hidden.DIGITS_BATCH) == 88
    accuracies = [digits_accuracy(hidden.DIGITS_EPOCHS, seed) for seed in range(20)]
    assert min(accuracies) >= hidden.DIGITS_REQUIRED + 0.01, min(accuracies)


def test_worked_predict_example():
    """The stored labels of the worked example are the notebook's, worked out by hand; every stored mistake of the
    worked example differs from them, and a hidden layer other than ReLU changes some label."""
    step = stored.script("predict")[1]["steps"][0]
    X, parameters = stored.decode(step["call"])
    assert np.array_equal(X, generator.PREDICT_X)
    assert all(np.array_equal(parameters[name], value) for name, value in generator.PREDICT_PARAMETERS.items())
    compared = step["compare"][0]
    assert np.array_equal(stored.decode(compared["expected"]), [2, 1, 2, 0, 0])
    mistakes = {sentence: stored.decode(value) for sentence, value in compared["mistakes"].items()}
    assert any("sigmoid hidden layers" in sentence for sentence in mistakes)
    for sentence, wrong in mistakes.items():
        assert not np.array_equal(wrong, [2, 1, 2, 0, 0]), sentence


# ---------------------------------------------------------------------------------------------------------------
# Mutants: (exercise, label, source, phrase the hidden check must say, a tuple of alternatives, or None)
# ---------------------------------------------------------------------------------------------------------------

MUTANTS = [
    ("one_hot", "rows are examples", '''
def one_hot(labels, num_classes):
    return np.eye(num_classes)[np.asarray(labels, dtype=int)]''', "transpose"),
    ("one_hot", "k from the labels", '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels, dtype=int)
    return np.eye(labels.max() + 1)[:, labels]''', "num_classes rows"),
    ("one_hot", "row label - 1", '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels, dtype=int)
    return np.eye(num_classes)[:, labels - 1]''', "row c - 1"),
    ("one_hot", "ones up to the label", '''
def one_hot(labels, num_classes):
    labels = np.asarray(labels, dtype=int)
    return (np.arange(num_classes)[:, None] <= labels[None, :]).astype(float)''', "a single 1 per column"),

    ("predict", "argmax over examples", '''
def predict(X, parameters):
    AL, _ = model_forward(X, parameters, "relu", "softmax")
    return AL.argmax(axis=1)''', "axis=0"),
    ("predict", "tanh hidden layers", '''
def predict(X, parameters):
    AL, _ = model_forward(X, parameters, "tanh", "softmax")
    return AL.argmax(axis=0)''', "ReLU"),
    ("predict", "sigmoid hidden layers", '''
def predict(X, parameters):
    AL, _ = model_forward(X, parameters, "sigmoid", "softmax")
    return AL.argmax(axis=0)''', "ReLU"),
    ("predict", "keepdims", '''
def predict(X, parameters):
    AL, _ = model_forward(X, parameters, "relu", "softmax")
    return np.argmax(AL, axis=0).reshape(1, -1)''', "1-D array"),
    ("predict", "argmin", '''
def predict(X, parameters):
    AL, _ = model_forward(X, parameters, "relu", "softmax")
    return AL.argmin(axis=0)''', ("argmin", "e.g.")),
    ("predict", "probabilities", '''
def predict(X, parameters):
    AL, _ = model_forward(X, parameters, "relu", "softmax")
    return AL.max(axis=0)''', "not probabilities"),

    ("accuracy", "percentage", '''
def accuracy(predictions, labels):
    return 100.0 * float(np.mean(np.asarray(predictions) == np.asarray(labels)))''', "percentage"),
    ("accuracy", "count", '''
def accuracy(predictions, labels):
    return float(np.sum(np.asarray(predictions) == np.asarray(labels)))''', "divide"),
    ("accuracy", "error rate", '''
def accuracy(predictions, labels):
    return float(np.mean(np.asarray(predictions) != np.asarray(labels)))''', "error rate"),
    ("accuracy", "broadcast to (m, m)", '''
def accuracy(predictions, labels):
    return float(np.mean(np.asarray(predictions).reshape(-1, 1) == np.asarray(labels)))''', None),
]

TRAIN = '''
def train(X, Y, layer_dims, learning_rate, num_epochs, batch_size, seed=0):
    parameters = initialize_parameters(layer_dims, seed=SEED)
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    costs = []
    for _ in range(num_epochs):
        order = ORDER
        epoch = []
        for start in range(0, STOP, batch_size):
            batch = order[start:start + batch_size]
            Xb, Yb = X[:, batch], Y[:, YBATCH]
            AL, caches = model_forward(Xb, parameters, "relu", "softmax")
            COST_BEFORE
            grads = model_backward(AL, Yb, caches, "relu", "softmax")
            UPDATE
            COST_AFTER
        costs.append(EPOCH_COST)
    return parameters, costs
'''
TRAIN_RIGHT = {"SEED": "seed", "ORDER": "rng.permutation(m)", "STOP": "m", "YBATCH": "batch",
               "COST_BEFORE": "epoch.append(softmax_cross_entropy(AL, Yb))",
               "UPDATE": "parameters = update_parameters(parameters, grads, learning_rate)", "COST_AFTER": "pass",
               "EPOCH_COST": "float(np.mean(epoch))"}


def train_mutant(**changes):
    source = TRAIN
    for key, value in {**TRAIN_RIGHT, **changes}.items():
        source = source.replace(key, value)
    return source


MUTANTS += [
    ("train", "last batch skipped", train_mutant(STOP="(m // batch_size) * batch_size"), "last, smaller batch"),
    ("train", "Y not shuffled with X", train_mutant(YBATCH="start:start + batch_size"), None),
    ("train", "update not kept", train_mutant(UPDATE="update_parameters(parameters, grads, learning_rate)"),
     "never change"),
    ("train", "cost after the update", train_mutant(
        COST_BEFORE="pass",
        COST_AFTER="epoch.append(softmax_cross_entropy(model_forward(Xb, parameters, 'relu', 'softmax')[0], Yb))"),
     "before its update"),
    ("train", "seed ignored", train_mutant(SEED="0"), "seed argument seems ignored"),
    ("train", "sum of batch costs", train_mutant(EPOCH_COST="float(np.sum(epoch))"), "not their sum"),
    ("train", "cost of the last batch", train_mutant(EPOCH_COST="float(epoch[-1])"), "not the last one's"),
    ("train", "global random generator", train_mutant(ORDER="np.random.permutation(m)"), "same seed"),
    ("train", "sigmoid output (the defaults)", train_mutant().replace(', "relu", "softmax")', ")"), None),
    ("train", "cost of the first batch", train_mutant(EPOCH_COST="float(epoch[0])"), "not the first one's"),
    ("train", "no learning rate", train_mutant(UPDATE="parameters = update_parameters(parameters, grads, 1.0)"),
     "learning_rate is not used"),
]

# Mutants the visible checks are not expected to catch, with the reason.
VISIBLE_MISSES = {
    # with all examples alike the cost of a step equals the cost before the next one: the invariant cannot see it
    "train: cost after the update",
    # the model trains a sigmoid output whose cost still falls on the clouds; only the reference can tell
    "train: sigmoid output (the defaults)",
}


@pytest.mark.parametrize("exercise, label, source, phrase", MUTANTS, ids=[f"{m[0]}: {m[1]}" for m in MUTANTS])
def test_hidden_check_fails_on_mutant(exercise, label, source, phrase, capfd):
    mutants.assert_hidden_catches(run_hidden, exercise, notebook(source), phrase, runs=2 if exercise == "train" else 3)
    assert capfd.readouterr().err == ""


def test_visible_checks_catch_the_mutants(capfd):
    missed = [f"{exercise}: {label}" for exercise, label, source, _ in MUTANTS
              if not mutants.visible_catches(run_visible, exercise, notebook(source))]
    assert capfd.readouterr().err == ""
    assert set(missed) == VISIBLE_MISSES, missed


# The visible checks name these mutants' mistakes with the catalogue's sentences (stored on the instructor's side).
VISIBLE_PHRASES = {
    "one_hot: rows are examples": "looks transposed",
    "one_hot: k from the labels": "num_classes rows",
    "one_hot: row label - 1": "row c - 1",
    "one_hot: ones up to the label": "a single 1 per column",
    "predict: argmax over examples": "axis=0",
    "predict: sigmoid hidden layers": "ReLU",
    "predict: tanh hidden layers": "ReLU",
    "predict: keepdims": "1-D array",
    "predict: argmin": "not the argmin",
    "predict: probabilities": "not probabilities",
    "accuracy: percentage": "not a percentage",
    "accuracy: count": "divide the number of right predictions by m",
    "accuracy: error rate": "error rate",
    "train: last batch skipped": "the last, smaller batch is skipped",
    "train: update not kept": "update_parameters(...)",
    "train: seed ignored": "the seed argument seems ignored",
    "train: sum of batch costs": "not their sum",
    "train: cost of the last batch": "not the last one's",
    "train: cost of the first batch": "not the first one's",
    "train: global random generator": "not NumPy's global generator",
    "train: no learning rate": "learning_rate is not used",
}


@pytest.mark.parametrize("case", sorted(VISIBLE_PHRASES))
def test_visible_messages_name_the_mistake(case, capfd):
    source = next(source for exercise, label, source, _ in MUTANTS if f"{exercise}: {label}" == case)
    exercise = case.split(":")[0]
    with pytest.raises(checks.CheckFailed) as failure:
        run_visible(exercise, notebook(source))
    assert VISIBLE_PHRASES[case] in str(failure.value), str(failure.value)
    assert capfd.readouterr().err == ""


def test_the_visible_sentences_are_the_hidden_catalogues():
    """Every mistake sentence stored for the visible checks is a sentence of the hidden checks' catalogue."""
    catalogue = set(hidden.MISTAKES.values()) | {hidden.ONE_HOT_ROWS, hidden.PREDICT_HINT, hidden.PREDICT_ONE_D,
                                                  hidden.ACCURACY_NUMBER}
    labels, k = np.array([2, 0, 3]), 5
    catalogue |= set(hidden.one_hot_mistakes(labels, k)) | set(hidden.accuracy_mistakes(0.5, 4))
    catalogue |= set(hidden.predict_mistakes(generator.PREDICT_X, generator.PREDICT_PARAMETERS))
    for exercise in EXERCISES:
        script = stored.script(exercise)[1]
        for step in script["steps"]:
            for item in step.get("compare", []):
                assert set(item["mistakes"]) <= catalogue, item["label"]
                assert {sentence for _, sentence in item["shape_hints"]} <= catalogue, item["label"]
    assert set(stored.values("train")["sentences"].values()) <= catalogue


def test_predicts_fixtures_tell_relu_from_the_other_hidden_activations():
    """Drawn at random, about one network in ten gives the same labels with sigmoid, tanh or linear hidden layers
    as with ReLU, and a predict with the wrong activation then passed (a flaky mutant test); no fixture may."""
    from autograder.hidden.application import _distinguishing_classifier

    rng = np.random.default_rng(0)
    for depth in (2, 3):
        for _ in range(100):
            parameters, X = _distinguishing_classifier(rng, depth)
            want = ref.predict(X, parameters)
            for activation in ("linear", "sigmoid", "tanh"):
                assert np.any(ref.model_forward(X, parameters, activation, "softmax")[0].argmax(axis=0) != want)


def test_labels_of_reads_targets_and_no_network_output():
    """course.datasets.labels_of gives the class numbers of targets back, but it is no predict: probabilities (a
    softmax's or a sigmoid's output) are refused, not turned into labels by an argmax or a threshold."""
    from course import datasets

    assert np.array_equal(datasets.labels_of(ref.one_hot(np.array([2, 0, 1, 2]), 4)), [2, 0, 1, 2])
    assert np.array_equal(datasets.labels_of(np.array([[0.0, 1.0, 1.0]])), [0, 1, 1])
    AL = ref.model_forward(generator.PREDICT_X, generator.PREDICT_PARAMETERS, "relu", "softmax")[0]
    for output in (AL, AL[:1], np.array([[1.0, 1.0], [0.0, 1.0]])):
        with pytest.raises(ValueError, match="reads targets"):
            datasets.labels_of(output)


def test_an_unwritten_exercise_says_so(capfd):
    mutants.assert_unwritten_says_so(EXERCISES, lambda exercise, fn: run_hidden(exercise, {exercise: fn}),
                                     lambda exercise, fn: run_visible(exercise, {exercise: fn}))
    assert capfd.readouterr().err == ""
