"""Hidden checks of assignment 04: the student's function against the reference on fresh random inputs.

numerical_gradient: smooth functions of 1-D, 2-D and 3-D arrays of fresh sizes, a cubic whose central difference
is exactly 3x² + ε² (so the epsilon argument and the central formula are both pinned down), and a steep exponential
on which a one-sided difference misses by more than the tolerance. gradient_check: fresh networks for every
output/cost pair, with the reference's model_backward (the answer must be below 1e-7), and for two of the pairs with
a fresh bug planted in it (the answer must be the reference's). locate_gradient_bug: bugs planted at random places
of a backward pass built from the reference, each leaving one gradient clearly the worst.

While a check runs, `isolated` makes the student's notebook use the reference's building blocks (model_forward,
model_backward, the costs, and numerical_gradient and relative_error), so only the exercise itself is graded.

The catalogue of typical mistakes (the public functions and sentences below) is written once, here: the hidden
checks name the mistakes with it, and autograder/visible/gradient_checking.py stores its values for the visible
checks of the notebook's worked examples.
"""

from __future__ import annotations

import numpy as np

from course.checks.calling import call, number, planted, quiet
from course.checks.gradient_checking import ScalarFunction

from .. import reference as ref
from ._harness import checking, distinct_dims, fresh_rng

__all__ = [
    "check_gradient_check",
    "check_locate_gradient_bug",
    "check_numerical_gradient",
    "check_relative_error",
]

# Captured once: while a bug is planted in a module's namespace, these still name the right functions.
_FORWARD, _BACKWARD, _COSTS = ref.model_forward, ref.model_backward, dict(ref.COSTS)
PAIRS = [("relu", "sigmoid"), ("tanh", "softmax"), ("sigmoid", "linear"), ("relu", "softmax")]
# gradient_check's check plants a bug in the networks of two of the pairs, one softmax and one linear output: every
# call of the student's gradient_check costs some 6 round trips between kernel and grader per weight or bias (a
# call of f from numerical_gradient, and f's calls of model_forward and the cost), and the right backward on all
# four pairs already checks that each output gets its cost.
PLANTED_IN = [("tanh", "softmax"), ("sigmoid", "linear")]
BUG_TRIALS = 3  # locate_gradient_bug's check: networks with a bug planted in the backward pass (then 4 scaled ones)

RIGHT = 1e-7  # below RIGHT: a correct backward pass
LOCATE_THRESHOLD = 1e-5  # locate_gradient_bug answers None when every relative error is below this


# --------------------------------------------------------------------------------------------------------
# The catalogue: fixtures and typical mistakes (shared with the generator of the visible checks' values)
# --------------------------------------------------------------------------------------------------------

class ScalarOf(ScalarFunction):
    """The hidden check's f: `formula` on arrays of one fixed shape, refusing any other shape in words (as the
    visible check's test functions do)."""

    def __init__(self, shape, formula):
        super().__init__(shape)
        self.formula = formula

    def value(self, v):
        return self.formula(v)


ONE_SIDED = ("that is the one-sided difference {}, whose error is O(ε) (about ε f''/2, large where f curves "
             "sharply): use (f(x + ε) - f(x - ε)) / (2ε)")
DIVIDE_BY_2EPS = "the two evaluations are 2ε apart: divide by 2ε, not ε"
OWN_STEP = "the step must be the epsilon you are given: your result fits the default step 1e-6"
ALL_AT_ONCE = ("perturb one entry at a time: every entry got the same number, the change of f when all entries "
               "move together")
ORDER = "grad[i] must be the slope along x[i]: the entries are in the wrong order"


def numerical_gradient_mistakes(f, x, epsilon=1e-6):
    """The usual wrong difference quotients of f at x, each evaluated on f itself.

    Args:
        f: a function of an array shaped like x, returning a number.  x: the point, any shape.
        epsilon: the step the student is given.
    Returns:
        {sentence: array shaped like x}, leaving out the mistakes that give the right central difference here.
    """
    x = np.array(x, dtype=np.float64)

    def quotient(ahead, behind, divisor, step=epsilon):
        out = np.empty_like(x)
        for index in np.ndindex(x.shape):
            up, down = x.copy(), x.copy()
            up[index] += ahead * step
            down[index] -= behind * step
            out[index] = (float(f(up)) - float(f(down))) / (divisor * step)
        return out

    with quiet():
        right = quotient(1, 1, 2)
        mistakes = {
            ONE_SIDED.format("(f(x + ε) - f(x)) / ε"): quotient(1, 0, 1),
            ONE_SIDED.format("(f(x) - f(x - ε)) / ε"): quotient(0, 1, 1),
            DIVIDE_BY_2EPS: quotient(1, 1, 1),
            OWN_STEP: quotient(1, 1, 2, step=1e-6),
            ALL_AT_ONCE: np.full(x.shape, (float(f(x + epsilon)) - float(f(x - epsilon))) / (2 * epsilon)),
        }
        if x.ndim == 1 and x.size > 1:
            mistakes[ORDER] = right[::-1].copy()
    return {sentence: value for sentence, value in mistakes.items()
            if np.all(np.isfinite(value)) and not np.allclose(value, right, rtol=1e-5, atol=1e-7)}


BOTH_ZERO = "0 / 0 is nan: when ‖a‖ + ‖b‖ is 0 the two are equal, so return 0.0"


MAX_NOT_NORM = "use Euclidean norms, ‖v‖ = np.linalg.norm(v), not the largest entry max|v|"


def relative_error_mistakes(a, b):
    """{sentence: value} of the usual wrong formulas for ‖a − b‖ / (‖a‖ + ‖b‖), at a and b (arrays of one shape)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    na, nb, nd = np.linalg.norm(a), np.linalg.norm(b), np.linalg.norm(a - b)
    out = {}
    with quiet():
        out["that is the absolute error ‖a - b‖: divide by ‖a‖ + ‖b‖"] = nd
        out["divide by ‖a‖ + ‖b‖, not by ‖a‖ alone"] = nd / na
        out["divide by ‖a‖ + ‖b‖, not by ‖b‖ alone"] = nd / nb
        out["divide by ‖a‖ + ‖b‖, not by ‖a + b‖"] = nd / np.linalg.norm(a + b)
        out["the norms are not squared: ‖v‖ = sqrt(Σ v²)"] = nd ** 2 / (na ** 2 + nb ** 2)
        big_a, big_b, big_d = (np.max(np.abs(v), initial=0.0) for v in (a, b, a - b))
        out[MAX_NOT_NORM] = big_d / (big_a + big_b)
        out[MAX_NOT_NORM + " (and divide by ‖a‖ + ‖b‖, not by the larger of the two)"] = \
            big_d / np.maximum(big_a, big_b)
        if a.ndim == 2:
            out["use the norm of all the entries (np.linalg.norm(a)), not the matrix 2-norm"] = \
                np.linalg.norm(a - b, 2) / (np.linalg.norm(a, 2) + np.linalg.norm(b, 2))
    return {k: float(v) for k, v in out.items() if np.isfinite(v)}


def network(dims, m, hidden, output, seed, scale=1.0):
    """A random network and data for a gradient check (a fixture).

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


def _no_model_backward(*args, **kwargs):
    """Stands for model_backward while locate_gradient_bug is graded."""
    raise RuntimeError("model_backward is not available here: is `backward` (the argument) called? Locate the bug "
                       "by checking the gradients of the backward pass you are given")


def scaled(backward, factors):
    """A backward function that returns backward's gradients with some of them multiplied: factors is
    {"db2": 3.0, ...}. The planted bug of the checks (the dict backward returned is left as it was)."""
    def backward_with_a_bug(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
        grads = dict(backward(AL, Y, caches, hidden_activation, output_activation))
        for name, factor in factors.items():
            grads[name] = np.asarray(grads[name], dtype=np.float64) * factor
        return grads
    return backward_with_a_bug


def numeric_gradients(parameters, X, Y, hidden, output, epsilon=1e-6, cost=None):
    """{"dW1": ..., "db1": ...}: central differences of the cost (the one that goes with the output, or `cost`)."""
    cost = cost or _COSTS[output]
    grads = {}
    for name, value in parameters.items():
        def f(v, name=name):
            return cost(_FORWARD(X, dict(parameters, **{name: v}), hidden, output)[0], Y)
        grads[f"d{name}"] = ref.numerical_gradient(f, value, epsilon)
    return grads


def backward_gradients(backward, parameters, X, Y, hidden, output):
    """{"dW1": ..., "db1": ...} of a backward function on a network, as float64 arrays."""
    AL, caches = _FORWARD(X, parameters, hidden, output)
    return {k: np.asarray(v, dtype=np.float64) for k, v in backward(AL, Y, caches, hidden, output).items()}


def _flat(grads, keys):
    return np.concatenate([np.asarray(grads[k], dtype=np.float64).ravel() for k in keys])


def overall_error(grads, numeric, keys=None):
    """What gradient_check returns: the relative error of all the gradients in one vector (sorted keys)."""
    keys = sorted(numeric) if keys is None else keys
    return ref.relative_error(_flat(grads, keys), _flat(numeric, keys))


def gradient_check_mistakes(grads, numeric):
    """{sentence: value} of the usual wrong ways to sum up the per-parameter errors, for backward gradients
    `grads` against `numeric` (those that differ from the right value, by more than 1e-3 relatively)."""
    keys = sorted(numeric)
    right = overall_error(grads, numeric)
    each = [ref.relative_error(grads[k], numeric[k]) for k in keys]
    wrong = {
        "one relative error of all the parameters in one vector (concatenate the flattened gradients), not the "
        "largest of the per-parameter errors": max(each),
        "one relative error of all the parameters in one vector, not the mean of the per-parameter errors":
            float(np.mean(each)),
        "every parameter counts, the biases too: concatenate dW1, db1, dW2, ...":
            overall_error(grads, numeric, [k for k in keys if k.startswith("dW")]),
    }
    return {k: v for k, v in wrong.items() if not np.isclose(v, right, rtol=1e-3)}


def wrong_cost_mistakes(parameters, X, Y, hidden, output, grads):
    """{sentence: value} of gradient_check computed with a cost that does not go with the output, for backward
    gradients `grads`."""
    hints = {}
    AL, _ = _FORWARD(X, parameters, hidden, output)
    for other, cost in _COSTS.items():
        if other == output or (output != "sigmoid" and other == "sigmoid" and np.any((AL <= 0) | (AL >= 1))):
            continue
        with quiet():
            value = overall_error(grads, numeric_gradients(parameters, X, Y, hidden, output, cost=cost))
        if np.isfinite(value):
            hints[f"the cost must go with the output: {output} → {_COSTS[output].__name__}, "
                  f"not {cost.__name__}"] = value
    return hints


RIGHT_HINT = f"model_backward is right here, so the error must be below {RIGHT:g}"
FOUND_NOTHING = ("a bug was planted in model_backward, yet gradient_check found nothing: does it call "
                 "model_backward and compare its gradients with numerical ones?")
EPSILON_IGNORED = "the epsilon argument is ignored: pass it on to numerical_gradient"


def locate_hint(answer, expected):
    """The sentence for locate_gradient_bug's wrong `answer` when `expected` (a name or None) is right."""
    if isinstance(answer, str) and expected and answer == expected[1:]:
        return f"return the gradient's name, {expected!r}, not the parameter's, {answer!r}"
    if expected is None:
        return (f"every gradient's relative error is below {LOCATE_THRESHOLD:g} here, so the answer is None: is the "
                "threshold 1e-5?")
    if answer is None:
        return (f"{expected} is wrong: is `backward` (the argument) called with the activations passed on, and is "
                f"None returned only when every relative error is below {LOCATE_THRESHOLD:g}?")
    return f"{expected} has the largest relative error: return the worst gradient, not the first one or the best"


NOT_A_NAME = "return a name such as 'dW2', or None"


# --------------------------------------------------------------------------------------------------------
# numerical_gradient
# --------------------------------------------------------------------------------------------------------

def check_numerical_gradient(numerical_gradient):
    rng = fresh_rng()  # drawn before the check's calls begin
    names = ["f", "x", "epsilon"]
    a, b, c = distinct_dims(rng, 3, 2, 5)
    with checking('numerical_gradient', numerical_gradient) as (report, _):
        for shape in [(a + 2,), (a, b), (c, a, b)]:
            x = rng.uniform(-2, 2, size=shape)
            w, s, u = rng.standard_normal(shape), rng.uniform(0.5, 2, size=shape), rng.standard_normal(shape) / 3
            f = ScalarOf(shape, lambda v, w=w, s=s, u=u: np.sum(w * np.sin(v)) + 0.5 * np.sum(s * v ** 2)
                         + np.sum(u * v) ** 2)
            want = w * np.cos(x) + s * x + 2 * np.sum(u * x) * u
            mistakes = numerical_gradient_mistakes(f, x)  # before the call: f is the grader's, whatever happens
            out = call(report, numerical_gradient, (f, x.copy()), names[:2])
            report.compare(f"smooth {shape}", out, want, mistakes=mistakes)

        eps = float(rng.choice([0.05, 0.1, 0.2]))
        x = rng.uniform(-2, 2, size=(b, c))
        x[np.abs(x) < 0.2] += 0.5
        cubic = ScalarOf(x.shape, lambda v: np.sum(v ** 3))
        mistakes = numerical_gradient_mistakes(cubic, x, eps)
        out = call(report, numerical_gradient, (cubic, x.copy(), eps), names)
        report.compare(f"Σx³ ε={eps:g}", out, 3 * x ** 2 + eps ** 2, mistakes=mistakes)

        k = float(rng.choice([80.0, 100.0, 120.0]))
        x = rng.uniform(-0.02, 0.02, size=(a + 1,))
        steep = ScalarOf(x.shape, lambda v: np.sum(np.exp(k * v)) / k)
        mistakes = numerical_gradient_mistakes(steep, x)
        out = call(report, numerical_gradient, (steep, x.copy()), names[:2])
        report.compare(f"steep e^{{{k:g}x}}", out, np.exp(k * x), mistakes=mistakes)


# --------------------------------------------------------------------------------------------------------
# relative_error
# --------------------------------------------------------------------------------------------------------

def check_relative_error(relative_error):
    rng = fresh_rng()  # drawn before the check's calls begin
    names = ["a", "b"]
    a_dim, b_dim, c_dim = distinct_dims(rng, 3, 2, 6)
    cases = []
    for shape in [(a_dim + 3,), (a_dim, b_dim), (c_dim, a_dim, b_dim)]:
        x = rng.standard_normal(shape)
        cases += [(f"close {shape}", x, x + 1e-7 * rng.standard_normal(shape)),
                  (f"unrelated {shape}", x, rng.standard_normal(shape) * 3)]
    x = rng.standard_normal((b_dim, c_dim))
    cases += [("b = 0", x, np.zeros_like(x)), ("b = -a", x, -x), ("a = b", x, x.copy())]
    hint = "return one number, e.g. float(...)"
    # One output, one group: the special cases (b = 0, b = -a, a = b, both zero) are cases of the same formula, and
    # wrong formulas often get them right (a max instead of norms gives 1, 1, 0 and 0 there too), so they earn
    # nothing apart from the general cases.
    group = "error"
    with checking('relative_error', relative_error) as (report, _):
        for label, a, b in cases:
            got = number(report, label, call(report, relative_error, (a.copy(), b.copy()), names), hint, group=group)
            if got is not None:
                report.compare(label, got, ref.relative_error(a, b), rtol=1e-6, atol=1e-15,
                               mistakes=relative_error_mistakes(a, b), group=group)
        zero = np.zeros((c_dim, a_dim))
        got = number(report, "both zero", call(report, relative_error, (zero, zero.copy()), names), hint, group=group)
        if got is not None:
            report.expect("both zero", got == 0.0, f"returned {got}, expected 0.0", BOTH_ZERO, group=group)


# --------------------------------------------------------------------------------------------------------
# gradient_check and locate_gradient_bug
# --------------------------------------------------------------------------------------------------------

def _fixture(rng, hidden, output, depth=None, margin=1e-3):
    """A fresh network whose hidden pre-activations all keep `margin` away from ReLU's kink and whose every hidden
    unit is active for some example (so that no gradient is zero), with sizes that never coincide (m != n_l)."""
    depth = depth or int(rng.integers(2, 4))
    dims = distinct_dims(rng, depth + 1, 2, 5)
    m = int(rng.choice([n for n in range(5, 12) if n not in dims]))
    if output == "sigmoid" and rng.random() < 0.5:
        dims[-1] = 1  # one binary output, as in the lesson's 3-layer example
    for _ in range(1000):
        parameters, X, Y = network(dims, m, hidden, output, int(rng.integers(2**31)))
        _, caches = _FORWARD(X, parameters, hidden, output)
        hidden_Z = [cache[0] for cache in caches[:-1]]
        alive = hidden != "relu" or all(np.all(Z.max(axis=1) > 0) for Z in hidden_Z)
        if alive and min(np.abs(Z).min() for Z in hidden_Z) > margin:
            return parameters, X, Y  # away from the kink, and no unit dead on every example
    raise RuntimeError("no fixture away from the kink")  # pragma: no cover - practically impossible


def _sizeable(grads):
    """Names of the gradients that are not negligible (a bug planted in a zero gradient would change nothing)."""
    total = np.sqrt(sum(float(np.sum(g ** 2)) for g in grads.values()))
    return [k for k, g in grads.items() if np.linalg.norm(g) > 1e-3 * total]


def _errors(backward, parameters, X, Y, hidden, output, numeric):
    grads = backward_gradients(backward, parameters, X, Y, hidden, output)
    return {k: ref.relative_error(grads[k], numeric[k]) for k in numeric}


def check_gradient_check(gradient_check):
    names = ["parameters", "X", "Y", "hidden_activation", "output_activation", "epsilon"]
    with checking('gradient_check', gradient_check) as (report, rng):
        for hidden, output in PAIRS:
            parameters, X, Y = _fixture(rng, hidden, output)
            default = (hidden, output) == ("relu", "sigmoid")
            args = (parameters, X, Y) if default else (parameters, X, Y, hidden, output)
            label = f"{hidden}/{output}"
            with planted(gradient_check, "model_backward", _BACKWARD):
                value = number(report, label, call(report, gradient_check, args, names[:len(args)]),
                                "return one number, the relative error")
            numeric = numeric_gradients(parameters, X, Y, hidden, output)
            grads = backward_gradients(_BACKWARD, parameters, X, Y, hidden, output)
            if value is not None and not 0 <= value < RIGHT:
                with quiet():
                    wrong = wrong_cost_mistakes(parameters, X, Y, hidden, output, grads)
                hint = next((s for s, v in wrong.items() if np.isclose(value, v, rtol=1e-3)), RIGHT_HINT)
                report.expect(label, False, f"relative error {value:.2e}, expected < {RIGHT:g}", hint)
            elif value is not None:
                report.expect(label, True, f"relative error {value:.1e} < {RIGHT:g}")

            if (hidden, output) not in PLANTED_IN:
                continue
            # A fresh bug: one gradient scaled by a factor that is never 1.
            m = X.shape[1]
            key = str(rng.choice(_sizeable(numeric)))
            factor = float(rng.choice([m, 1.0 / m, -1.0, 2.0, 0.5, 0.0]))
            bad = backward_gradients(scaled(_BACKWARD, {key: factor}), parameters, X, Y, hidden, output)
            shown = f"{label} {key}×{factor:.3g}"
            with planted(gradient_check, "model_backward", scaled(_BACKWARD, {key: factor})):
                value = number(report, shown,
                                call(report, gradient_check, (parameters, X, Y, hidden, output), names[:5]),
                                "return one number")
            if value is not None and value < RIGHT:
                report.expect(shown, False, f"relative error {value:.2e}", FOUND_NOTHING)
            elif value is not None:
                report.compare(shown, value, overall_error(bad, numeric), rtol=1e-3, atol=1e-12,
                               mistakes=gradient_check_mistakes(bad, numeric))

        parameters, X, Y = _fixture(rng, "tanh", "sigmoid", depth=2)
        eps = float(rng.choice([1e-2, 2e-2]))
        grads = backward_gradients(_BACKWARD, parameters, X, Y, "tanh", "sigmoid")
        expected = overall_error(grads, numeric_gradients(parameters, X, Y, "tanh", "sigmoid", eps))
        with planted(gradient_check, "model_backward", _BACKWARD):
            value = number(report, f"epsilon={eps:g}",
                            call(report, gradient_check, (parameters, X, Y, "tanh", "sigmoid", eps), names),
                            "return one number")
        if value is not None:
            report.compare(f"epsilon={eps:g}", value, expected, rtol=1e-2, atol=0,
                           mistakes={EPSILON_IGNORED: value} if value < expected / 100 else None)


def _planted_backward(bug, layer):
    """A backward pass (model_backward's signature) built from the reference's pieces with one bug at `layer`."""
    def backward(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
        L, m = len(caches), Y.shape[1]
        grads = {}
        dZ = AL - Y
        dA = None
        for layer_now in range(L, 0, -1):
            Z = caches[layer_now - 1][0]
            here = layer_now == layer
            if layer_now < L:
                if here and bug == "g' of A":
                    slope = ref.activation_derivative(ref.activation_forward(Z, hidden_activation), hidden_activation)
                elif here and bug == "g' skipped":
                    slope = 1.0
                else:
                    slope = ref.activation_derivative(Z, hidden_activation)
                dZ = dA * slope
            dA, dW, db = ref.linear_backward(dZ, caches[layer_now - 1])
            if here and bug == "db without 1/m":
                db = db * m
            elif here and bug == "dW without 1/m":
                dW = dW * m
            elif here and bug == "dW sign":
                dW = -dW
            elif here and bug == "db halved":
                db = db / 2
            elif here and bug == "dA_prev scaled":
                dA = dA * 3
            grads[f"dW{layer_now}"], grads[f"db{layer_now}"] = dW, db
        return grads
    return backward


BUGS = ["g' of A", "g' skipped", "db without 1/m", "dW without 1/m", "dW sign", "db halved", "dA_prev scaled"]


def _clear(errors):
    """The worst gradient's name if it is clearly the worst and clearly wrong, None if all are clearly right,
    and False if the case is too close to call (then another bug is drawn)."""
    ranked = sorted(errors.values(), reverse=True)
    if ranked[0] < RIGHT:
        return None
    if ranked[0] > 1e-3 and (len(ranked) == 1 or ranked[0] > 1.3 * ranked[1]):
        return max(errors, key=errors.get)
    return False


def check_locate_gradient_bug(locate_gradient_bug):
    rng = fresh_rng()  # drawn before the check's calls begin
    names = ["backward", "parameters", "X", "Y", "hidden_activation", "output_activation"]
    trials = []
    with quiet():
        while len(trials) < BUG_TRIALS:
            hidden, output = PAIRS[int(rng.integers(len(PAIRS)))]
            parameters, X, Y = _fixture(rng, hidden, output)
            L = len(parameters) // 2
            bug = str(rng.choice(BUGS))
            if bug.startswith("g'"):
                layer = int(rng.integers(1, L))  # a hidden layer
            elif bug == "dA_prev scaled":
                layer = int(rng.integers(2, L + 1))  # a layer with a layer below it
            else:
                layer = int(rng.integers(1, L + 1))
            backward = _planted_backward(bug, layer)
            numeric = numeric_gradients(parameters, X, Y, hidden, output)
            expected = _clear(_errors(backward, parameters, X, Y, hidden, output, numeric))
            nones = sum(trial[-1] is None for trial in trials)
            if expected is not False and (expected is not None or nones == 0):
                trials.append((f"{hidden}/{output} {bug} in layer {layer}", backward, parameters, X, Y, hidden,
                               output, expected))
        # the correct backward, two gradients scaled by a hair (one below the threshold, one above) and two scaled
        # plainly; with a hidden activation other than the default ReLU, so that it must be passed on to backward
        hidden, output = [("tanh", "softmax"), ("sigmoid", "linear"), ("tanh", "sigmoid")][int(rng.integers(3))]
        parameters, X, Y = _fixture(rng, hidden, output)
        keys = _sizeable(numeric_gradients(parameters, X, Y, hidden, output))  # in parameter order: dW1, db1, dW2, ...
        small, large = (str(k) for k in rng.choice(keys, size=2, replace=False))
        first, later = sorted(rng.choice(len(keys), size=2, replace=False))
        first, later = keys[first], keys[later]
        for label, backward, expected in [
                ("correct backward", _BACKWARD, None),
                (f"{small} × (1 + 4e-6)", scaled(_BACKWARD, {small: 1 + 4e-6}), None),
                (f"{large} × (1 + 2e-4)", scaled(_BACKWARD, {large: 1 + 2e-4}), large),
                (f"{first} × 1.5 and {later} × 10", scaled(_BACKWARD, {first: 1.5, later: 10.0}), later)]:
            trials.append((f"{hidden}/{output} {label}", backward, parameters, X, Y, hidden, output, expected))

    with checking('locate_gradient_bug', locate_gradient_bug) as (report, _):
        for label, backward, parameters, X, Y, hidden, output, expected in trials:
            # No right model_backward while this is graded: comparing `backward` with one would locate the bug
            # without checking a gradient. The function must check the backward pass it is given.
            with planted(locate_gradient_bug, "model_backward", _no_model_backward):
                answer = call(report, locate_gradient_bug, (backward, parameters, X, Y, hidden, output), names)
            if answer is not None and not isinstance(answer, str):
                report.expect(label, False, f"returned a {type(answer).__name__}", NOT_A_NAME)
                continue
            report.expect(label, answer == expected, f"returned {answer!r}, expected {expected!r}",
                          locate_hint(answer, expected))

