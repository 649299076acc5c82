"""Visible checks of assignment 04 "Gradient checking".

They need no reference solution. `numerical_gradient` and `relative_error` are checked on values worked out in the
notebook (a central difference of a cubic is off by exactly ε², a steep exponential exposes a one-sided difference).
`gradient_check` and `locate_gradient_bug` are checked with *your own* `model_backward` from the cell
tools_from_03: unchanged it must pass, and with a bug planted on top of it (one gradient scaled) it must be caught,
by the amount that the scaling implies.

Every call of a student's function runs with NumPy's floating-point warnings silenced: nbgrader gives 0 points to
a test cell that writes to stderr.
"""

from __future__ import annotations

import contextlib

import numpy as np

from .calling import call, number, quiet
from .report import CheckFailed, Report

__all__ = [
    "check_gradient_check",
    "check_locate_gradient_bug",
    "check_numerical_gradient",
    "check_relative_error",
]

RIGHT, WRONG = 1e-7, 1e-3  # below RIGHT: a correct backward pass; above WRONG: a bug
LOCATE_THRESHOLD = 1e-5  # locate_gradient_bug answers None when every relative error is below this


# --------------------------------------------------------------------------------------------------------
# numerical_gradient
# --------------------------------------------------------------------------------------------------------

class _Scalar:
    """A scalar function of an array of one fixed shape that refuses arrays of any other shape (so that a
    numerical_gradient that flattens x or hands f a single entry is told so in words)."""

    def __init__(self, shape, formula):
        self.shape, self.formula = tuple(shape), formula

    def __repr__(self):
        return "f"

    def __call__(self, v):
        v = np.asarray(v, dtype=np.float64)
        if v.shape != self.shape:
            raise ValueError(f"f was called with an array of shape {v.shape}, but x has shape {self.shape}: "
                             "give f a perturbed copy of the whole x, one entry changed")
        return float(self.formula(v))


# The worked example of the notebook: f(x) = x0² x1 + 5 x1 at x = (3, 2) has gradient (2 x0 x1, x0² + 5) = (12, 14).
WORKED_X = np.array([3.0, 2.0])
WORKED_GRAD = np.array([12.0, 14.0])
# A cubic in any shape: the central difference of x³ is exactly 3x² + ε² (the ε³ terms cancel, the ε² stays).
CUBIC_X = np.array([[[-1.5, 0.5], [2.0, -0.25]], [[1.0, -2.0], [0.75, 3.0]]])
# A steep exponential: f = Σ e^{k x} / k has slope e^{k x} and curvature k e^{k x}. A one-sided difference is
# off by about ε k / 2 = 5e-5 of the slope at ε = 1e-6, five times the tolerance; a central one by ε² k² / 6.
STEEP_K = 100.0
STEEP_X = np.array([-0.015, -0.004, 0.006, 0.018])


def _cubic_mistakes(x, eps):
    """{sentence: value} for the usual wrong difference quotients of f = Σ x³ (exact formulas, no loop)."""
    right = 3 * x ** 2 + eps ** 2
    return {
        "that is the one-sided difference (f(x + ε) - f(x)) / ε, whose error is O(ε): use "
        "(f(x + ε) - f(x - ε)) / (2ε)": 3 * x ** 2 + 3 * x * eps + eps ** 2,
        "that is the one-sided difference (f(x) - f(x - ε)) / ε, whose error is O(ε): use "
        "(f(x + ε) - f(x - ε)) / (2ε)": 3 * x ** 2 - 3 * x * eps + eps ** 2,
        "the step must be the epsilon you are given: your result fits a much smaller step": 3 * x ** 2,
        "the two evaluations are 2ε apart: divide by 2ε, not ε": 2 * right,
        "perturb one entry at a time: every entry got the same number, the change of f when all entries move":
            np.full(x.shape, right.sum()),
    }


def check_numerical_gradient(numerical_gradient):
    """The notebook's worked example (gradient (12, 14)), Σ X³/3 on a matrix (gradient X²), a cubic in 3-D with
    ε = 0.1 (exactly 3x² + ε²), a steep exponential at the default ε, and x left unchanged."""
    report = Report("numerical_gradient")
    names = ["f", "x"]

    worked = _Scalar(WORKED_X.shape, lambda v: v[0] ** 2 * v[1] + 5 * v[1])
    out = call(report, numerical_gradient, (worked, WORKED_X.copy()), names)
    report.compare("worked (2,)", out, WORKED_GRAD,
                   mistakes={"the two entries are swapped": WORKED_GRAD[::-1],
                             "divide by 2ε, not ε": 2 * WORKED_GRAD})

    X = np.array([[-2.0, -0.5, 1.0], [0.25, 1.5, 3.0]])
    out = call(report, numerical_gradient, (_Scalar(X.shape, lambda v: np.sum(v ** 3) / 3), X.copy()), names)
    report.compare("ΣX³/3 (2, 3)", out, X ** 2,
                   mistakes={"divide by 2ε, not ε": 2 * X ** 2})

    eps = 0.1
    cubic = _Scalar(CUBIC_X.shape, lambda v: np.sum(v ** 3))
    out = call(report, numerical_gradient, (cubic, CUBIC_X.copy(), eps), names + ["epsilon"])
    report.compare("Σx³ ε=0.1", out, 3 * CUBIC_X ** 2 + eps ** 2, mistakes=_cubic_mistakes(CUBIC_X, eps))

    k, x = STEEP_K, STEEP_X
    steep = _Scalar(x.shape, lambda v: np.sum(np.exp(k * v)) / k)
    out = call(report, numerical_gradient, (steep, x.copy()), names)
    one_sided = np.exp(k * x) * np.expm1(k * 1e-6) / (k * 1e-6)
    report.compare("steep e^{100x}", out, np.exp(k * x),
                   mistakes={"a one-sided difference: its O(ε) error, ε f''/2, is too large where f curves "
                             "sharply; use (f(x + ε) - f(x - ε)) / (2ε)": one_sided})
    report.finish()


# --------------------------------------------------------------------------------------------------------
# relative_error
# --------------------------------------------------------------------------------------------------------

def _relative_mistakes(a, b):
    """{sentence: value} of the usual wrong formulas for ‖a − b‖ / (‖a‖ + ‖b‖)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    na, nb, nd = np.linalg.norm(a), np.linalg.norm(b), np.linalg.norm(a - b)
    out = {}
    with quiet():
        out["that is the absolute error ‖a - b‖: divide by ‖a‖ + ‖b‖"] = nd
        out["divide by ‖a‖ + ‖b‖, not by ‖a‖ alone"] = nd / na
        out["divide by ‖a‖ + ‖b‖, not by ‖b‖ alone"] = nd / nb
        out["divide by ‖a‖ + ‖b‖, not by ‖a + b‖"] = nd / np.linalg.norm(a + b)
        out["the norms are not squared: ‖v‖ = sqrt(Σ v²)"] = nd ** 2 / (na ** 2 + nb ** 2)
        if a.ndim == 2:
            out["use the norm of all the entries (np.linalg.norm(a)), not the matrix 2-norm"] = \
                np.linalg.norm(a - b, 2) / (np.linalg.norm(a, 2) + np.linalg.norm(b, 2))
    return {k: v for k, v in out.items() if np.isfinite(v)}


RELATIVE_CASES = [
    ("equal", [3.0, 4.0], [3.0, 4.0], 0.0),
    ("orthogonal", [1.0, 0.0], [0.0, 1.0], np.sqrt(2.0) / 2),
    ("b = 0", [3.0, 4.0], [0.0, 0.0], 1.0),
    ("(2, 2)", [[1.0, 0.0], [0.0, 2.0]], [[1.0, 1.0], [0.0, 2.0]], 1.0 / (np.sqrt(5.0) + np.sqrt(6.0))),
    ("1e-9 apart", [1.0, -2.0, 2.0], [1.0, -2.0, 2.0 + 6e-9], 1e-9),
]


def check_relative_error(relative_error):
    """The notebook's worked values (0, √2/2, 1, 1/(√5 + √6), 1e-9), 0.0 for two zero vectors, symmetry."""
    report = Report("relative_error")
    names = ["a", "b"]
    hint = "return one number, e.g. float(...)"
    for label, a, b, want in RELATIVE_CASES:
        a, b = np.array(a), np.array(b)
        got = number(report, label, call(report, relative_error, (a.copy(), b.copy()), names), hint)
        if got is not None:
            report.compare(label, got, want, rtol=1e-6, atol=1e-15, mistakes=_relative_mistakes(a, b))
        if label == "(2, 2)":
            swapped = number(report, "symmetric", call(report, relative_error, (b.copy(), a.copy()), names), hint)
            if got is not None and swapped is not None:
                report.compare("symmetric", swapped, got, rtol=1e-12, atol=0)
    zero = np.zeros((2, 3))
    got = number(report, "both zero", call(report, relative_error, (zero.copy(), zero.copy()), names), hint)
    if got is not None:
        report.expect("both zero", got == 0.0, f"returned {got}, expected 0.0",
                      "0 / 0 is nan: when ‖a‖ + ‖b‖ is 0 the two are equal, so return 0.0")
    report.finish()


# --------------------------------------------------------------------------------------------------------
# gradient_check and locate_gradient_bug
# --------------------------------------------------------------------------------------------------------

def network(dims, m, hidden, output, seed, scale=1.0):
    """A random network and data for a gradient check (not an exercise: a fixture).

    Args:
        dims: [n_0, ..., n_L].  m: number of examples.  hidden, output: the activations, which fix the targets.
        seed: seed of the generator.  scale: multiplies the weights.
    Returns:
        (parameters, X, Y): W_l (n_l, n_{l-1}) ~ N(0, scale²/n_{l-1}), b_l (n_l, 1) ~ N(0, 0.25), X (n_0, m) ~ N(0, 1),
        Y (n_L, m): 0/1 labels for a sigmoid output, one-hot columns for softmax, N(0, 1) values for linear.
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    for layer in range(1, len(dims)):
        parameters[f"W{layer}"] = rng.standard_normal((dims[layer], dims[layer - 1])) * scale / np.sqrt(dims[layer - 1])
        parameters[f"b{layer}"] = 0.5 * rng.standard_normal((dims[layer], 1))
    X = rng.standard_normal((dims[0], m))
    k = dims[-1]
    if output == "sigmoid":
        Y = (rng.random((k, m)) < 0.5).astype(float)
    elif output == "softmax":
        Y = np.zeros((k, m))
        Y[rng.integers(0, k, size=m), np.arange(m)] = 1.0
    else:
        Y = rng.standard_normal((k, m))
    return parameters, X, Y


# Fixed networks of the visible checks: (dims, m, hidden, output, seed). Their hidden pre-activations all keep at
# least 1e-3 away from ReLU's kink, and no ReLU unit is dead on every example (tests/test_checks_gradient_checking.py
# makes sure).
CASES = [
    ([3, 5, 1], 7, "relu", "sigmoid", 12),
    ([3, 4, 2], 5, "tanh", "sigmoid", 12),
    ([4, 3, 3], 6, "relu", "softmax", 13),
    ([2, 5, 3, 2], 4, "sigmoid", "linear", 14),
]
LOCATE_CASES = [
    ([3, 4, 2, 1], 5, "tanh", "sigmoid", 21),
    ([4, 5, 3], 6, "relu", "softmax", 22),
]


@contextlib.contextmanager
def planted(fn, name, replacement):
    """While active, the name `name` in fn's module (your notebook) means `replacement`; restored afterwards."""
    namespace = getattr(fn, "__globals__", None)
    if not isinstance(namespace, dict):
        yield
        return
    had, old = name in namespace, namespace.get(name)
    namespace[name] = replacement
    try:
        yield
    finally:
        if had:
            namespace[name] = old
        else:
            namespace.pop(name, None)


def scaled(backward, factors):
    """A backward function that returns backward's gradients with some of them multiplied: factors is
    {"db2": 3.0, ...}. The planted bug of the checks (the dict backward returned is left as it was)."""
    def backward_with_a_bug(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
        grads = dict(backward(AL, Y, caches, hidden_activation, output_activation))
        for name, factor in factors.items():
            grads[name] = np.asarray(grads[name], dtype=np.float64) * factor
        return grads
    return backward_with_a_bug


def _tools(fn, exercise):
    """Your model_forward and model_backward, as the notebook defines them (the cell tools_from_03)."""
    namespace = getattr(fn, "__globals__", {})
    missing = [n for n in ("model_forward", "model_backward") if not callable(namespace.get(n))]
    if missing:
        raise CheckFailed(f"{exercise} uses your {' and '.join(missing)}: run the cell tools_from_03 first")
    return namespace["model_forward"], namespace["model_backward"]


def _own_gradients(exercise, model_forward, model_backward, case):
    """Your model_backward's gradients on a fixture, as float64 arrays (for the expected planted errors)."""
    dims, m, hidden, output, seed = case
    parameters, X, Y = network(dims, m, hidden, output, seed)
    try:
        with quiet():
            AL, caches = model_forward(X, parameters, hidden, output)
            grads = model_backward(AL, Y, caches, hidden, output)
        return {k: np.asarray(v, dtype=np.float64) for k, v in grads.items()}
    except NotImplementedError as error:
        raise CheckFailed(f"{exercise} uses your model_forward and model_backward: paste them into the cell "
                          "tools_from_03 first") from error
    except Exception as error:  # a broken tool is explained, not shown as a traceback
        raise CheckFailed(f"{exercise} uses your model_forward and model_backward (cell tools_from_03), which "
                          f"raised {type(error).__name__}: {error}") from error


def _flat(grads, keys):
    return np.concatenate([np.asarray(grads[k], dtype=np.float64).ravel() for k in keys])


def _planted_error(grads, factors, relative_error):
    """What gradient_check must report when model_backward's gradients are scaled by factors: the relative error
    between the scaled and the true gradients, all parameters in one vector; and the usual wrong variants. The
    errors are measured with `relative_error`: yours in a visible check (its own check comes first)."""
    def _rel(a, b):
        return float(np.asarray(relative_error(a, b), dtype=np.float64).reshape(-1)[0])

    keys = sorted(grads)
    bad = {k: grads[k] * factors.get(k, 1.0) for k in keys}
    right = _rel(_flat(bad, keys), _flat(grads, keys))
    each = [_rel(bad[k], grads[k]) for k in keys]
    weights = [k for k in keys if k.startswith("dW")]
    wrong = {
        "one relative error of all the parameters in one vector (concatenate the flattened gradients), not the "
        "largest of the per-parameter errors": max(each),
        "one relative error of all the parameters in one vector, not the mean of the per-parameter errors":
            float(np.mean(each)),
        "every parameter counts, the biases too: concatenate dW1, db1, dW2, ...":
            _rel(_flat(bad, weights), _flat(grads, weights)),
    }
    return right, {k: v for k, v in wrong.items() if not np.isclose(v, right, rtol=1e-3)}


def check_gradient_check(gradient_check):
    """With your own model_backward the error must be below 1e-7 (four networks, every output/cost pair, and the
    default activations); with a bug planted on top of it (db1 tripled) it must be exactly the error the bug
    makes; epsilon must be passed on; parameters, X and Y must be left unchanged."""
    report = Report("gradient_check")
    names = ["parameters", "X", "Y", "hidden_activation", "output_activation", "epsilon"]
    model_forward, model_backward = _tools(gradient_check, "gradient_check")
    right = {}
    for case in CASES:
        dims, m, hidden, output, seed = case
        parameters, X, Y = network(dims, m, hidden, output, seed)
        default = (hidden, output) == ("relu", "sigmoid")
        args = (parameters, X, Y) if default else (parameters, X, Y, hidden, output)
        label = f"{hidden}/{output}" + (" (defaults)" if default else "")
        value = number(report, label, call(report, gradient_check, args, names[:len(args)]),
                        "return one number, the relative error")
        if value is not None:
            right[label] = value
            report.expect(label, 0 <= value < RIGHT, f"relative error {value:.2e}, expected < {RIGHT:g}",
                          "your model_backward (tools_from_03) is right if 03's check passes; then gradient_check "
                          f"is wrong: {value:.2e} means the two gradients differ. Is the cost the one that goes with "
                          "the output (sigmoid: compute_cost, softmax: softmax_cross_entropy, linear: mse_cost)?")
    if not report.ok:
        report.finish()

    case = CASES[1]
    dims, m, hidden, output, seed = case
    parameters, X, Y = network(dims, m, hidden, output, seed)
    factors = {"db1": 3.0}
    relative_error = getattr(gradient_check, "__globals__", {}).get("relative_error")
    if not callable(relative_error):
        raise CheckFailed("gradient_check's check measures the planted bug with your relative_error: run its cell "
                          "first")
    expected, wrong = _planted_error(_own_gradients("gradient_check", model_forward, model_backward, case), factors,
                                     relative_error)
    with planted(gradient_check, "model_backward", scaled(model_backward, factors)):
        value = number(report, "db1 tripled", call(report, gradient_check, (parameters, X, Y, hidden, output),
                                                     names[:5]), "return one number")
    if value is not None and value < RIGHT:
        report.expect("db1 tripled", False, f"relative error {value:.2e}, expected {expected:.3g}",
                      "a bug was planted in model_backward (db1 × 3), yet gradient_check found nothing: does it call "
                      "model_backward, and compare its gradients with numerical ones?")
    elif value is not None:
        report.compare("db1 tripled", value, expected, rtol=1e-3, atol=1e-12, mistakes=wrong)

    coarse = number(report, "epsilon=1e-2", call(report, gradient_check, (parameters, X, Y, hidden, output, 1e-2),
                                                  names), "return one number")
    if coarse is not None:
        fine = right.get("tanh/sigmoid", 0.0)
        report.expect("epsilon=1e-2", 1e-8 < coarse < WRONG and coarse > 50 * fine,
                      f"relative error {coarse:.2e} (with the default ε: {fine:.2e})",
                      "with ε = 1e-2 the truncation error, about ε², should show (about 1e-5 here): is epsilon passed "
                      "on to numerical_gradient?")
    report.finish()


def _answer_hint(answer, expected, errors_known=None):
    if isinstance(answer, str) and expected and answer == expected[1:]:
        return f"return the gradient's name, {expected!r}, not the parameter's, {answer!r}"
    if expected is None:
        return (f"every gradient is right to better than {LOCATE_THRESHOLD:g}, so the answer is None; "
                f"you returned {answer!r}")
    if answer is None:
        return (f"the backward passed in gets {expected} wrong: is `backward` (the argument) called, with the "
                f"activations passed on, and is None returned only when every error is below {LOCATE_THRESHOLD:g}?")
    return f"{expected} has the largest relative error; return the worst gradient, not the first or the best"


def check_locate_gradient_bug(locate_gradient_bug, model_backward):
    """Your own model_backward must give None; with bugs planted on top of it (a gradient scaled) the answer must
    be the gradient with the largest relative error, and None when every error is below 1e-5."""
    report = Report("locate_gradient_bug")
    names = ["backward", "parameters", "X", "Y", "hidden_activation", "output_activation"]
    tanh_case, relu_case = LOCATE_CASES
    m = tanh_case[1]
    trials = [
        (tanh_case, {}, None, "your own model_backward"),
        (tanh_case, {"db2": float(m)}, "db2", f"db2 × {m} (a 1/m forgotten)"),
        (tanh_case, {"dW3": -1.0}, "dW3", "dW3 × -1"),
        (tanh_case, {"dW1": 1.5, "db3": 10.0}, "db3", "dW1 × 1.5 and db3 × 10"),
        (tanh_case, {"dW2": 1 + 4e-6}, None, "dW2 × (1 + 4e-6), error 2e-6"),
        (tanh_case, {"dW2": 1 + 1e-3}, "dW2", "dW2 × 1.001, error 5e-4"),
        (relu_case, {}, None, "your own model_backward"),
        (relu_case, {"dW1": 0.0}, "dW1", "dW1 × 0"),
    ]
    for case, factors, expected, label in trials:
        dims, m, hidden, output, seed = case
        parameters, X, Y = network(dims, m, hidden, output, seed)
        backward = scaled(model_backward, factors) if factors else model_backward
        answer = call(report, locate_gradient_bug, (backward, parameters, X, Y, hidden, output), names)
        shown = f"{hidden}/{output}, {label}"
        if not factors and answer is not None:
            report.expect(shown, False, f"returned {answer!r}, expected None",
                          f"either your model_backward (tools_from_03) gets {answer} wrong (does 03's check pass?), "
                          "or locate_gradient_bug does not compare each gradient with its numerical value")
            continue
        if answer is not None and not isinstance(answer, str):
            report.expect(shown, False, f"returned a {type(answer).__name__}", "return a name such as 'dW2', or None")
            continue
        report.expect(shown, answer == expected, f"returned {answer!r}, expected {expected!r}",
                      _answer_hint(answer, expected))
    report.finish()
