"""The checks of 04 "Gradient checking": visible and hidden checks pass for correct solutions written in several
ways, the hidden check fails for every mutant (a correct function with one typical mistake) and names the mistake
where it can, and the visible checks catch most mutants. Fast: no kernel is started."""

import textwrap

import numpy as np
import pytest

import autograder.reference as ref
import course.checks as visible
from autograder.engine.verdict import points_for, share_of
from autograder.hidden import gradient_checking as hidden
from autograder.notebooks import grade_id, is_solution_cell, without_markers
from autograder.visible import gradient_checking as generator
from course.checks import CheckFailed, stored

from . import mutants
from .conftest import source_nb

EXERCISES = ["numerical_gradient", "relative_error", "gradient_check", "locate_gradient_bug"]
TOOLS = ["sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh_derivative", "activation_forward",
         "activation_derivative", "layer_forward", "layer_backward", "initialize_parameters", "softmax",
         "model_forward", "compute_cost", "mse_cost", "softmax_cross_entropy", "model_backward",
         "update_parameters", "numerical_gradient", "relative_error"]


def notebook(source=""):
    """A namespace like a student's notebook: the earlier tools (the reference's), then `source` run in it."""
    namespace = {"np": np, **{name: getattr(ref, name) for name in TOOLS}}
    exec(textwrap.dedent(source), namespace)  # noqa: S102 - test code written here
    return namespace


def run_visible(exercise, namespace):
    return getattr(visible, f"check_{exercise}")(namespace[exercise])


def run_hidden(exercise, namespace):
    return getattr(hidden, f"check_{exercise}")(namespace[exercise])


def notebook_solutions():
    """The source notebook's solution cells (markers removed), run in one namespace."""
    cells = [c for c in source_nb("04_gradient_checking").cells if is_solution_cell(c) and grade_id(c) in EXERCISES]
    return notebook("\n\n".join(without_markers(c.source) for c in cells))


ALTERNATIVES = notebook('''
def numerical_gradient(f, x, epsilon=1e-6):
    # a flat loop over x.size, a fresh step array per entry, no in-place change at all
    x = np.asarray(x, dtype=float)
    grad = np.zeros(x.size)
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = epsilon
        step = step.reshape(x.shape)
        grad[i] = (f(x + step) - f(x - step)) / (2.0 * epsilon)
    return grad.reshape(x.shape)


def relative_error(a, b):
    a, b = np.ravel(a).astype(float), np.ravel(b).astype(float)
    top, bottom = np.linalg.norm(a - b), np.linalg.norm(a) + np.linalg.norm(b)
    return np.array([[top / bottom if bottom > 0 else 0.0]])   # a (1, 1) array where a float is asked


COST = {"sigmoid": "compute_cost", "softmax": "softmax_cross_entropy", "linear": "mse_cost"}


def gradient_check(parameters, X, Y, hidden_activation="relu", output_activation="sigmoid", epsilon=1e-6):
    # its own loop (no numerical_gradient), perturbing a private copy in place and restoring exactly
    cost = globals()[COST[output_activation]]
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    trial = {k: v.copy() for k, v in parameters.items()}
    analytic, numeric = [], []
    for name in sorted(trial):
        values = trial[name].reshape(-1)
        for i in range(values.size):
            kept = values[i]
            values[i] = kept + epsilon
            up = cost(model_forward(X, trial, hidden_activation, output_activation)[0], Y)
            values[i] = kept - epsilon
            down = cost(model_forward(X, trial, hidden_activation, output_activation)[0], Y)
            values[i] = kept
            numeric.append((up - down) / (2 * epsilon))
        analytic.extend(np.ravel(grads["d" + name]))
    analytic, numeric = np.array(analytic), np.array(numeric)
    return float(np.linalg.norm(analytic - numeric) / (np.linalg.norm(analytic) + np.linalg.norm(numeric)))


def locate_gradient_bug(backward, parameters, X, Y, hidden_activation="relu", output_activation="sigmoid",
                        epsilon=1e-6):
    cost = globals()[COST[output_activation]]
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    grads = backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {}
    for name, value in parameters.items():
        f = lambda v, name=name: cost(model_forward(X, {**parameters, name: v}, hidden_activation,
                                                    output_activation)[0], Y)
        errors["d" + name] = relative_error(grads["d" + name], numerical_gradient(f, value, epsilon))
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-5 else None
''')

SOLUTIONS = {"reference": {name: getattr(ref, name) for name in [*EXERCISES, "model_backward"]},
             "alternative": ALTERNATIVES}


@pytest.mark.parametrize("exercise", EXERCISES)
@pytest.mark.parametrize("solution", ["reference", "notebook", "alternative"])
def test_checks_pass_on_correct_solutions(exercise, solution, capfd):
    namespace = notebook_solutions() if solution == "notebook" else SOLUTIONS[solution]
    run_visible(exercise, namespace)
    for _ in range(3):  # hidden inputs are fresh every time
        run_hidden(exercise, namespace)
    assert capfd.readouterr().err == ""


def test_fixtures_keep_away_from_the_kink():
    for dims, m, hidden_activation, output, seed in generator.CASES + generator.LOCATE_CASES:
        parameters, X, _ = hidden.network(dims, m, hidden_activation, output, seed)
        _, caches = ref.model_forward(X, parameters, hidden_activation, output)
        assert min(np.abs(cache[0]).min() for cache in caches[:-1]) > 1e-3
        if hidden_activation == "relu":
            assert all(np.all(cache[0].max(axis=1) > 0) for cache in caches[:-1]), "a hidden unit is dead"


def test_reference_module_is_restored_after_planting():
    original = ref.model_backward
    visible.check_gradient_check(ref.gradient_check)
    hidden.check_gradient_check(ref.gradient_check)
    visible.check_locate_gradient_bug(ref.locate_gradient_bug)
    assert ref.model_backward is original


# ---------------------------------------------------------------------------------------------------------------
# Mutants: (exercise, label, source, phrase the hidden check must say, a tuple of alternatives, or None)
# ---------------------------------------------------------------------------------------------------------------

NG = "def numerical_gradient(f, x, epsilon=1e-6):\n"
MUTANTS = [
    ("numerical_gradient", "one-sided forward", NG + '''
    x = np.asarray(x, dtype=float); g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        p = x.copy(); p[i] += epsilon
        g[i] = (f(p) - f(x.copy())) / epsilon
    return g''', "one-sided"),
    ("numerical_gradient", "one-sided backward", NG + '''
    x = np.asarray(x, dtype=float); g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        q = x.copy(); q[i] -= epsilon
        g[i] = (f(x.copy()) - f(q)) / epsilon
    return g''', "one-sided"),
    ("numerical_gradient", "divides by ε", NG + '''
    x = np.asarray(x, dtype=float); g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        p, q = x.copy(), x.copy(); p[i] += epsilon; q[i] -= epsilon
        g[i] = (f(p) - f(q)) / epsilon
    return g''', "2ε"),
    ("numerical_gradient", "all entries at once", NG + '''
    x = np.asarray(x, dtype=float)
    return np.full(x.shape, (f(x + epsilon) - f(x - epsilon)) / (2 * epsilon))''', "one entry at a time"),
    ("numerical_gradient", "epsilon ignored", NG + '''
    x = np.asarray(x, dtype=float); g = np.zeros_like(x); h = 1e-6
    for i in np.ndindex(x.shape):
        p, q = x.copy(), x.copy(); p[i] += h; q[i] -= h
        g[i] = (f(p) - f(q)) / (2 * h)
    return g''', "epsilon"),
    ("numerical_gradient", "restores x by arithmetic", NG + '''
    g = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        x[i] += epsilon; up = f(x)
        x[i] -= 2 * epsilon; down = f(x)
        x[i] += epsilon
        g[i] = (up - down) / (2 * epsilon)
    return g''', "changed its input"),
    ("numerical_gradient", "no copy", NG + '''
    g = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        p = x; p[i] = p[i] + epsilon; up = f(p)
        q = x; q[i] = q[i] - epsilon; down = f(q)
        g[i] = (up - down) / (2 * epsilon)
    return g''', "0.5×"),
    ("numerical_gradient", "matrices only", NG + '''
    x = np.asarray(x, dtype=float); g = np.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            p, q = x.copy(), x.copy(); p[i, j] += epsilon; q[i, j] -= epsilon
            g[i, j] = (f(p) - f(q)) / (2 * epsilon)
    return g''', "raised"),
    ("numerical_gradient", "sign flipped", NG + '''
    x = np.asarray(x, dtype=float); g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        p, q = x.copy(), x.copy(); p[i] += epsilon; q[i] -= epsilon
        g[i] = (f(q) - f(p)) / (2 * epsilon)
    return g''', "opposite sign"),

    ("relative_error", "absolute", '''
def relative_error(a, b):
    return float(np.linalg.norm(np.ravel(a) - np.ravel(b)))''', "absolute error"),
    ("relative_error", "divides by ‖a‖", '''
def relative_error(a, b):
    a, b = np.ravel(a), np.ravel(b)
    with np.errstate(all="ignore"):
        return float(np.linalg.norm(a - b) / np.linalg.norm(a))''', "alone"),
    ("relative_error", "divides by ‖a + b‖", '''
def relative_error(a, b):
    a, b = np.ravel(a), np.ravel(b)
    with np.errstate(all="ignore"):
        return float(np.linalg.norm(a - b) / np.linalg.norm(a + b))''', "‖a + b‖"),
    ("relative_error", "squared norms", '''
def relative_error(a, b):
    a, b = np.ravel(a), np.ravel(b)
    d = np.sum(a ** 2) + np.sum(b ** 2)
    return 0.0 if d == 0 else float(np.sum((a - b) ** 2) / d)''', "squared"),
    ("relative_error", "nan for two zeros", '''
def relative_error(a, b):
    a, b = np.ravel(a), np.ravel(b)
    return float(np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b)))''', "0 / 0"),
    ("relative_error", "matrix 2-norm", '''
def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = np.linalg.norm(a, 2) + np.linalg.norm(b, 2)
    return 0.0 if d == 0 else float(np.linalg.norm(a - b, 2) / d)''', None),
    ("relative_error", "max norm", '''
def relative_error(a, b):
    a, b = np.ravel(a), np.ravel(b)
    d = np.abs(a).max() + np.abs(b).max()
    return 0.0 if d == 0 else float(np.abs(a - b).max() / d)''', "not the largest entry"),
    ("relative_error", "max over the larger max", '''
def relative_error(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = max(np.max(np.abs(a)), np.max(np.abs(b)))
    return 0.0 if d == 0 else float(np.max(np.abs(a - b)) / d)''', "not the largest entry"),
]

GC_HEAD = '''
COST = {"sigmoid": compute_cost, "softmax": softmax_cross_entropy, "linear": mse_cost}


def _numeric(parameters, X, Y, hidden, output, epsilon, cost=None):
    cost = cost or COST[output]
    out = {}
    for name in parameters:
        def f(v, name=name):
            return cost(model_forward(X, dict(parameters, **{name: v}), hidden, output)[0], Y)
        out["d" + name] = numerical_gradient(f, parameters[name], epsilon)
    return out

'''
GC = GC_HEAD + '''
def gradient_check(parameters, X, Y, hidden_activation="relu", output_activation="sigmoid", epsilon=1e-6):
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
'''
MUTANTS += [
    ("gradient_check", "largest per-parameter error", GC + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon)
    return max(relative_error(grads[k], num[k]) for k in num)''', "largest of the per-parameter"),
    ("gradient_check", "mean per-parameter error", GC + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon)
    return float(np.mean([relative_error(grads[k], num[k]) for k in num]))''', "mean of the per-parameter"),
    ("gradient_check", "weights only", GC + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon)
    keys = [k for k in num if k.startswith("dW")]
    return relative_error(np.concatenate([grads[k].ravel() for k in keys]),
                          np.concatenate([num[k].ravel() for k in keys]))''', ("the biases too", "found nothing")),
    ("gradient_check", "always compute_cost", GC + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    with np.errstate(all="ignore"):
        num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon, cost=compute_cost)
    return relative_error(np.concatenate([grads[k].ravel() for k in num]),
                          np.concatenate([num[k].ravel() for k in num]))''', "the cost must go with the output"),
    ("gradient_check", "epsilon ignored", GC + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, 1e-6)
    return relative_error(np.concatenate([grads[k].ravel() for k in num]),
                          np.concatenate([num[k].ravel() for k in num]))''', "epsilon"),
    ("gradient_check", "compares the numbers with themselves", GC + '''
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon)
    return relative_error(np.concatenate([num[k].ravel() for k in num]),
                          np.concatenate([num[k].ravel() for k in num]))''', "found nothing"),
    ("gradient_check", "orders differ", GC + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon)
    return relative_error(np.concatenate([grads[k].ravel() for k in sorted(grads)]),
                          np.concatenate([num[k].ravel() for k in num]))''', None),
    ("gradient_check", "activations not passed to model_backward", GC + '''
    grads = model_backward(AL, Y, caches)
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon)
    return relative_error(np.concatenate([grads[k].ravel() for k in num]),
                          np.concatenate([num[k].ravel() for k in num]))''', None),
    ("gradient_check", "perturbs the caller's arrays", GC + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    cost = COST[output_activation]
    analytic, numeric = [], []
    for name, value in parameters.items():
        flat = value.reshape(-1)
        for i in range(flat.size):
            flat[i] += epsilon
            up = cost(model_forward(X, parameters, hidden_activation, output_activation)[0], Y)
            flat[i] -= 2 * epsilon
            down = cost(model_forward(X, parameters, hidden_activation, output_activation)[0], Y)
            flat[i] += epsilon
            numeric.append((up - down) / (2 * epsilon))
        analytic.extend(grads["d" + name].ravel())
    return relative_error(np.array(analytic), np.array(numeric))''', "changed its input"),
]

LB = GC_HEAD + '''
def locate_gradient_bug(backward, parameters, X, Y, hidden_activation="relu", output_activation="sigmoid",
                        epsilon=1e-6):
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    num = _numeric(parameters, X, Y, hidden_activation, output_activation, epsilon)
'''
MUTANTS += [
    ("locate_gradient_bug", "calls model_backward", LB + '''
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {k: relative_error(grads[k], num[k]) for k in num}
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-5 else None''', "is `backward` (the argument) called"),
    ("locate_gradient_bug", "parameter's name", LB + '''
    grads = backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {k: relative_error(grads[k], num[k]) for k in num}
    worst = max(errors, key=errors.get)
    return worst[1:] if errors[worst] > 1e-5 else None''', "not the parameter's"),
    ("locate_gradient_bug", "first above the line", LB + '''
    grads = backward(AL, Y, caches, hidden_activation, output_activation)
    for k in num:
        if relative_error(grads[k], num[k]) > 1e-5:
            return k
    return None''', "the worst gradient"),
    ("locate_gradient_bug", "threshold 1e-3", LB + '''
    grads = backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {k: relative_error(grads[k], num[k]) for k in num}
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-3 else None''', "None returned only when"),
    ("locate_gradient_bug", "threshold 1e-7", LB + '''
    grads = backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {k: relative_error(grads[k], num[k]) for k in num}
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-7 else None''', "the answer is None"),
    ("locate_gradient_bug", "the best instead of the worst", LB + '''
    grads = backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {k: relative_error(grads[k], num[k]) for k in num}
    worst = max(errors, key=errors.get)
    return min(errors, key=errors.get) if errors[worst] > 1e-5 else None''', None),
    ("locate_gradient_bug", "activations not passed to backward", LB + '''
    grads = backward(AL, Y, caches)
    errors = {k: relative_error(grads[k], num[k]) for k in num}
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-5 else None''', None),
]

# Mutants the visible checks are not expected to catch (each has a reason).
VISIBLE_MISSES = {
    # the visible networks' weights-only error happens to be close enough to... (none expected)
}


@pytest.mark.parametrize("exercise, label, source, phrase", MUTANTS, ids=[f"{m[0]}: {m[1]}" for m in MUTANTS])
def test_hidden_check_fails_on_mutant(exercise, label, source, phrase, capfd):
    mutants.assert_hidden_catches(run_hidden, exercise, notebook(source), phrase, runs=3)
    assert capfd.readouterr().err == ""


def test_visible_checks_catch_the_mutants(capfd):
    missed = [f"{exercise}: {label}" for exercise, label, source, _ in MUTANTS
              if not mutants.visible_catches(run_visible, exercise, notebook(source))]
    assert capfd.readouterr().err == ""
    assert set(missed) == set(VISIBLE_MISSES), missed


# ---------------------------------------------------------------------------------------------------------------
# The stored values: right by calculus, and the visible checks use nothing but them
# ---------------------------------------------------------------------------------------------------------------

def test_stored_gradients_agree_with_calculus():
    """The expected values of numerical_gradient's check (from the reference's central differences) are the
    derivatives the notebook works out: (12, 14), X², exactly 3x² + ε² for a cubic, e^{kx} for the steep one."""
    cases = {case["label"]: case for case in stored.values("numerical_gradient")["cases"]}
    assert set(cases) == {"worked (2,)", "ΣX³/3 (2, 3)", "Σx³ ε=0.1", "steep e^{100x}"}
    np.testing.assert_allclose(cases["worked (2,)"]["expected"], [12.0, 14.0], rtol=1e-8)
    matrix = cases["ΣX³/3 (2, 3)"]
    np.testing.assert_allclose(matrix["expected"], matrix["x"] ** 2, rtol=1e-8, atol=1e-9)
    cubic = cases["Σx³ ε=0.1"]
    np.testing.assert_allclose(cubic["expected"], 3 * cubic["x"] ** 2 + 0.1 ** 2, rtol=1e-12)
    steep = cases["steep e^{100x}"]
    np.testing.assert_allclose(steep["expected"], np.exp(100 * steep["x"]), rtol=1e-8)
    one_sided = next(v for s, v in steep["mistakes"].items() if "(f(x + ε) - f(x)) / ε" in s)
    assert np.all(np.abs(one_sided / steep["expected"] - 1) > 4e-5), "a one-sided difference must show"


def test_stored_relative_errors_are_the_worked_values():
    want = {"equal": 0.0, "orthogonal": np.sqrt(2.0) / 2, "b = 0": 1.0, "(2, 2)": 1 / (np.sqrt(5.0) + np.sqrt(6.0)),
            "symmetric": 1 / (np.sqrt(5.0) + np.sqrt(6.0)), "1e-9 apart": 1e-9, "both zero": 0.0}
    steps = stored.script("relative_error")[1]["steps"]
    got = {step["compare"][0]["label"]: stored.decode(step["compare"][0]["expected"]) for step in steps}
    assert got.keys() == want.keys()
    for label, value in want.items():
        assert got[label] == pytest.approx(value, rel=1e-6, abs=1e-15), label


def test_stored_answers_of_locate_gradient_bug_are_the_planted_bugs():
    trials = stored.values("locate_gradient_bug")["trials"]
    assert [t["expected"] for t in trials] == [None, "db2", "dW3", "db3", None, "dW2", None, "dW1"]
    values = stored.values("gradient_check")
    grads = values["networks"][values["bug"]["network"]]["grads"]
    planted = values["bug"]["grads"]
    np.testing.assert_allclose(planted["db1"], 3 * grads["db1"])
    assert all(np.array_equal(planted[k], grads[k]) for k in grads if k != "db1")
    # the error a tripled db1 makes: ‖2 db1‖ / (‖g‖ + ‖bad‖), up to the numerical gradient's own error
    norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
    bad = np.sqrt(sum(np.sum(g ** 2) for g in planted.values()))
    assert values["bug"]["expected"] == pytest.approx(2 * np.linalg.norm(grads["db1"]) / (norm + bad), rel=1e-6)


def test_stored_values_are_the_generators():
    """What course/checks/stored holds is what autograder/visible/gradient_checking.py generates now."""
    for exercise, script in generator.scripts().items():
        assert stored.script(exercise)[1] == script.data(), exercise


def test_the_checks_of_gradient_check_and_locate_do_not_use_the_students_model_backward(capfd):
    """The visible checks hand the student's function stored gradients: a wrong model_backward in the notebook
    (03's mistake) does not fail them, and the notebook's model_backward is back in place afterwards."""
    namespace = notebook_solutions()

    def model_backward(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
        grads = ref.model_backward(AL, Y, caches, hidden_activation, output_activation)
        return {k: 2 * v for k, v in grads.items()}  # every gradient twice too large

    namespace["model_backward"] = model_backward
    run_visible("gradient_check", namespace)
    run_visible("locate_gradient_bug", namespace)
    assert namespace["model_backward"] is model_backward
    assert capfd.readouterr().err == ""


def test_the_stand_in_backward_says_when_the_activations_are_not_passed_on():
    for exercise, label in [("locate_gradient_bug", "activations not passed to backward"),
                            ("gradient_check", "activations not passed to model_backward")]:
        with pytest.raises(CheckFailed, match="pass hidden_activation and output_activation on"):
            run_visible(exercise, notebook(MUTANT_SOURCE[exercise, label]))


MUTANT_SOURCE = {(exercise, label): source for exercise, label, source, _ in MUTANTS}


@pytest.mark.parametrize("exercise, label, phrase", [
    ("numerical_gradient", "one-sided forward", "one-sided difference (f(x + ε) - f(x)) / ε"),
    ("numerical_gradient", "one-sided backward", "one-sided difference (f(x) - f(x - ε)) / ε"),
    ("numerical_gradient", "divides by ε", "divide by 2ε, not ε"),
    ("numerical_gradient", "all entries at once", "perturb one entry at a time"),
    ("numerical_gradient", "epsilon ignored", "the epsilon you are given"),
    ("numerical_gradient", "restores x by arithmetic", "changed its input"),
    ("relative_error", "absolute", "absolute error"),
    ("relative_error", "divides by ‖a‖", "not by ‖a‖ alone"),
    ("relative_error", "divides by ‖a + b‖", "not by ‖a + b‖"),
    ("relative_error", "squared norms", "not squared"),
    ("gradient_check", "largest per-parameter error", "largest of the per-parameter"),
    ("gradient_check", "mean per-parameter error", "mean of the per-parameter"),
    ("gradient_check", "always compute_cost", "the cost must go with the output"),
    ("gradient_check", "epsilon ignored", "epsilon argument is ignored"),
    ("gradient_check", "compares the numbers with themselves", "found nothing"),
    ("locate_gradient_bug", "calls model_backward", "is `backward` (the argument) called"),
    ("locate_gradient_bug", "parameter's name", "not the parameter's"),
    ("locate_gradient_bug", "first above the line", "return the worst gradient"),
    ("locate_gradient_bug", "threshold 1e-3", "None returned only when"),
    ("locate_gradient_bug", "threshold 1e-7", "the answer is None"),
])
def test_visible_messages_name_the_mistake(exercise, label, phrase, capfd):
    """The visible checks speak the hidden checks' catalogue: the same sentence for the same mistake."""
    with pytest.raises(CheckFailed) as failure:
        run_visible(exercise, notebook(MUTANT_SOURCE[exercise, label]))
    assert phrase in str(failure.value), str(failure.value)
    assert capfd.readouterr().err == ""


def _hand_written_cases():
    """(exercise, args, answer) on the stored inputs of the checks written by hand (numerical_gradient,
    gradient_check, locate_gradient_bug), which tests/test_course_answers_nothing.py does not replay."""
    from course.checks.gradient_checking import StoredGradients, scalar_function

    for case in stored.values("numerical_gradient")["cases"]:
        args = (scalar_function(case["function"]), case["x"])
        yield "numerical_gradient", args + (() if case["epsilon"] is None else (case["epsilon"],)), case["expected"]
    values = stored.values("gradient_check")
    for trial in (values["bug"], values["epsilon"]):
        net = values["networks"][trial["network"]]
        args = (net["parameters"], net["X"], net["Y"], net["hidden"], net["output"])
        yield "gradient_check", args + ((trial["epsilon"],) if "epsilon" in trial else ()), trial["expected"]
    values = stored.values("locate_gradient_bug")
    for trial in values["trials"]:
        net = values["networks"][trial["network"]]
        if trial["expected"] is not None:  # None is what any procedure returns
            backward = StoredGradients(trial["grads"], net["hidden"], net["output"])
            yield "locate_gradient_bug", (backward, net["parameters"], net["X"], net["Y"], net["hidden"],
                                          net["output"]), trial["expected"]


def _is(got, answer):
    if isinstance(answer, str):
        return got == answer
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == np.shape(answer) and bool(np.allclose(got, answer, rtol=1e-6, atol=1e-12))


def test_no_course_function_returns_a_hand_written_checks_answer():
    """As tests/test_course_answers_nothing.py for replayed checks: on the stored inputs of 04's hand-written
    checks, no function, class or method of course/ returns the stored answer."""
    import matplotlib.pyplot as plt

    from course.checks.calling import quiet

    from .test_course_answers_nothing import SECONDS, _deadline, course_callables

    cases = list(_hand_written_cases())
    assert len(cases) == 4 + 2 + 5
    leaks = set()
    for label, candidate in course_callables().items():
        for exercise, args, answer in cases:
            try:
                with _deadline(SECONDS), quiet():
                    got = candidate(*args)
            except Exception:  # noqa: BLE001, S112 - a failure answers nothing
                continue
            finally:
                plt.close("all")
            if _is(got, answer):
                leaks.add(f"{label} on {exercise}")
    assert not leaks, sorted(leaks)


def test_locating_a_bug_by_comparing_with_model_backward_earns_nothing(capfd):
    """While locate_gradient_bug is graded, the notebook's model_backward is the backward pass under test, so a
    function that compares the two instead of checking gradients finds no bug (it used to score 3 of 3)."""
    cheat = notebook('''
def locate_gradient_bug(backward, parameters, X, Y, hidden_activation="relu", output_activation="sigmoid"):
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    mine = backward(AL, Y, caches, hidden_activation, output_activation)
    right = model_backward(AL, Y, caches, hidden_activation, output_activation)
    worst = max(mine, key=lambda k: float(np.max(np.abs(mine[k] - right[k]))))
    return worst if np.max(np.abs(mine[worst] - right[worst])) > 0 else None
''')
    with pytest.raises(CheckFailed):
        run_hidden("locate_gradient_bug", cheat)
    capfd.readouterr()


def test_a_max_instead_of_norms_earns_nothing_on_the_special_cases_alone(capfd):
    """A max instead of norms gets b = 0, a = b and two zeros right; they are cases of the one formula (one group
    of the report), so the exercise earns 0, and no line names a mistake the numbers do not show."""
    for label in ("max norm", "max over the larger max"):
        with pytest.raises(CheckFailed) as failure:
            run_hidden("relative_error", notebook(MUTANT_SOURCE["relative_error", label]))
        assert points_for(share_of(failure.value.outcomes), 1) == 0, str(failure.value)
        failed = [line for line in str(failure.value).splitlines() if "✗" in line]
        assert all("not the largest entry" in line or "e.g." in line for line in failed), str(failure.value)
    assert capfd.readouterr().err == ""


def test_a_right_formula_without_the_zero_guard_loses_its_point_once():
    with pytest.raises(CheckFailed) as failure:
        run_hidden("relative_error", notebook(MUTANT_SOURCE["relative_error", "nan for two zeros"]))
    assert [o.name for o in failure.value.outcomes if not o.ok] == ["both zero"]


# Attacks that try to steer the verdict rather than compute (issue 21): graded through the real engine by
# tests/test_mutants_graded.py, where each must score 0 and the report must name what it did.
STEERING = [
    ("gradient_check", "zeroes the parameters it was given, then reports agreement", GC_HEAD + '''
def gradient_check(parameters, X, Y, hidden_activation="relu", output_activation="sigmoid", epsilon=1e-6):
    for value in parameters.values():
        value[...] = 0.0
    return 0.0''', ("changed its input", "raised")),
    ("locate_gradient_bug", "compares `backward` with model_backward instead of numerical gradients", GC_HEAD + '''
def locate_gradient_bug(backward, parameters, X, Y, hidden_activation="relu", output_activation="sigmoid",
                        epsilon=1e-6):
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    planted = backward(AL, Y, caches, hidden_activation, output_activation)
    right = model_backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {k: relative_error(planted[k], right[k]) for k in planted}
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-5 else None''', ("model_backward", "raised")),
]
