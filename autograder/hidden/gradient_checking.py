"""Hidden checks of assignment 04: the student's function against the reference on fresh random inputs.

numerical_gradient: smooth functions of 1-D, 2-D and 3-D arrays of fresh sizes, a cubic whose central difference
is exactly 3x² + ε² (so the epsilon argument and the central formula are both pinned down), and a steep exponential
on which a one-sided difference misses by more than the tolerance. gradient_check: fresh networks for every
output/cost pair, with the reference's model_backward (the answer must be below 1e-7) and with a fresh bug planted
in it (the answer must be the reference's). locate_gradient_bug: bugs planted at random places of a backward pass
built from the reference, each leaving one gradient clearly the worst.

While a check runs, `isolated` makes the student's notebook use the reference's building blocks (model_forward,
model_backward, the costs, and numerical_gradient and relative_error), so only the exercise itself is graded.
"""

from __future__ import annotations

import numpy as np

from course.checks.calling import call, number, quiet
from course.checks.gradient_checking import (
    LOCATE_THRESHOLD,
    RIGHT,
    _cubic_mistakes,
    _planted_error,
    _relative_mistakes,
    _Scalar,
    network,
    planted,
    scaled,
)
from course.checks.report import Report

from .. import reference as ref
from ._harness import distinct_dims, fresh_rng, isolated

__all__ = [
    "check_gradient_check",
    "check_locate_gradient_bug",
    "check_numerical_gradient",
    "check_relative_error",
]

# Captured once: while a bug is planted in a module's namespace, these still name the right functions.
_FORWARD, _BACKWARD, _COSTS = ref.model_forward, ref.model_backward, dict(ref.COSTS)
PAIRS = [("relu", "sigmoid"), ("tanh", "softmax"), ("sigmoid", "linear"), ("relu", "softmax")]


# --------------------------------------------------------------------------------------------------------
# numerical_gradient
# --------------------------------------------------------------------------------------------------------

def check_numerical_gradient(numerical_gradient):
    rng = fresh_rng()
    report = Report("numerical_gradient")
    names = ["f", "x", "epsilon"]
    a, b, c = distinct_dims(rng, 3, 2, 5)
    with isolated(numerical_gradient):
        for shape in [(a + 2,), (a, b), (c, a, b)]:
            x = rng.uniform(-2, 2, size=shape)
            w, s, u = rng.standard_normal(shape), rng.uniform(0.5, 2, size=shape), rng.standard_normal(shape) / 3
            f = _Scalar(shape, lambda v, w=w, s=s, u=u: np.sum(w * np.sin(v)) + 0.5 * np.sum(s * v ** 2)
                        + np.sum(u * v) ** 2)
            want = w * np.cos(x) + s * x + 2 * np.sum(u * x) * u
            out = call(report, numerical_gradient, (f, x.copy()), names[:2])
            with quiet():
                all_at_once = (f(x + 1e-6) - f(x - 1e-6)) / 2e-6
            report.compare(f"smooth {shape}", out, want,
                           mistakes={"divide by 2ε, not ε": 2 * want,
                                     "perturb one entry at a time: every entry got the change of f when all of them "
                                     "move together": np.full(shape, all_at_once)})

        eps = float(rng.choice([0.05, 0.1, 0.2]))
        x = rng.uniform(-2, 2, size=(b, c))
        x[np.abs(x) < 0.2] += 0.5
        cubic = _Scalar(x.shape, lambda v: np.sum(v ** 3))
        out = call(report, numerical_gradient, (cubic, x.copy(), eps), names)
        report.compare(f"Σx³ ε={eps:g}", out, 3 * x ** 2 + eps ** 2, mistakes=_cubic_mistakes(x, eps))

        k = float(rng.choice([80.0, 100.0, 120.0]))
        x = rng.uniform(-0.02, 0.02, size=(a + 1,))
        steep = _Scalar(x.shape, lambda v: np.sum(np.exp(k * v)) / k)
        out = call(report, numerical_gradient, (steep, x.copy()), names[:2])
        report.compare(f"steep e^{{{k:g}x}}", out, np.exp(k * x),
                       mistakes={"a one-sided difference: its O(ε) error, ε f''/2, is too large where f curves "
                                 "sharply; use (f(x + ε) - f(x - ε)) / (2ε)":
                                 np.exp(k * x) * np.expm1(k * 1e-6) / (k * 1e-6)})
    report.finish()


# --------------------------------------------------------------------------------------------------------
# relative_error
# --------------------------------------------------------------------------------------------------------

def check_relative_error(relative_error):
    rng = fresh_rng()
    report = Report("relative_error")
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
    with isolated(relative_error):
        for label, a, b in cases:
            got = number(report, label, call(report, relative_error, (a.copy(), b.copy()), names), hint)
            if got is not None:
                report.compare(label, got, ref.relative_error(a, b), rtol=1e-6, atol=1e-15,
                               mistakes=_relative_mistakes(a, b))
        zero = np.zeros((c_dim, a_dim))
        got = number(report, "both zero", call(report, relative_error, (zero, zero.copy()), names), hint)
        if got is not None:
            report.expect("both zero", got == 0.0, f"returned {got}, expected 0.0",
                          "0 / 0 is nan: when ‖a‖ + ‖b‖ is 0 the two are equal, so return 0.0")
    report.finish()


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


def _numeric(parameters, X, Y, hidden, output, epsilon=1e-6):
    cost = _COSTS[output]
    grads = {}
    for name, value in parameters.items():
        def f(v, name=name):
            return cost(_FORWARD(X, dict(parameters, **{name: v}), hidden, output)[0], Y)
        grads[f"d{name}"] = ref.numerical_gradient(f, value, epsilon)
    return grads


def _errors(backward, parameters, X, Y, hidden, output, numeric):
    AL, caches = _FORWARD(X, parameters, hidden, output)
    grads = backward(AL, Y, caches, hidden, output)
    return {k: ref.relative_error(grads[k], numeric[k]) for k in numeric}


def _wrong_cost_hints(parameters, X, Y, hidden, output, numeric_right):
    """{sentence: value} of gradient_check computed with a cost that does not go with the output."""
    hints = {}
    AL, caches = _FORWARD(X, parameters, hidden, output)
    analytic = _BACKWARD(AL, Y, caches, hidden, output)
    keys = sorted(numeric_right)
    for other, cost in _COSTS.items():
        if other == output or (output != "sigmoid" and other == "sigmoid" and np.any((AL <= 0) | (AL >= 1))):
            continue
        with quiet():
            numeric = {}
            for name, value in parameters.items():
                def f(v, name=name, cost=cost):
                    return cost(_FORWARD(X, dict(parameters, **{name: v}), hidden, output)[0], Y)
                numeric[f"d{name}"] = ref.numerical_gradient(f, value)
            value = ref.relative_error(np.concatenate([analytic[k].ravel() for k in keys]),
                                       np.concatenate([numeric[k].ravel() for k in keys]))
        if np.isfinite(value):
            hints[f"the cost must go with the output: {output} → {_COSTS[output].__name__}, "
                  f"not {cost.__name__}"] = value
    return hints


def check_gradient_check(gradient_check):
    rng = fresh_rng()
    report = Report("gradient_check")
    names = ["parameters", "X", "Y", "hidden_activation", "output_activation", "epsilon"]
    with isolated(gradient_check):
        for hidden, output in PAIRS:
            parameters, X, Y = _fixture(rng, hidden, output)
            default = (hidden, output) == ("relu", "sigmoid")
            args = (parameters, X, Y) if default else (parameters, X, Y, hidden, output)
            label = f"{hidden}/{output}"
            with planted(gradient_check, "model_backward", _BACKWARD):
                value = number(report, label, call(report, gradient_check, args, names[:len(args)]),
                                "return one number, the relative error")
            numeric = _numeric(parameters, X, Y, hidden, output)
            if value is not None and not 0 <= value < RIGHT:
                with quiet():
                    wrong = _wrong_cost_hints(parameters, X, Y, hidden, output, numeric)
                hint = next((s for s, v in wrong.items() if np.isclose(value, v, rtol=1e-3)),
                            f"model_backward is right here, so the error must be below {RIGHT:g}")
                report.expect(label, False, f"relative error {value:.2e}, expected < {RIGHT:g}", hint)
            elif value is not None:
                report.expect(label, True, f"relative error {value:.1e} < {RIGHT:g}")

            # A fresh bug: one gradient scaled by a factor that is never 1.
            m = X.shape[1]
            key = str(rng.choice(_sizeable(numeric)))
            factor = float(rng.choice([m, 1.0 / m, -1.0, 2.0, 0.5, 0.0]))
            AL, caches = _FORWARD(X, parameters, hidden, output)
            grads = {k: np.asarray(v) for k, v in _BACKWARD(AL, Y, caches, hidden, output).items()}
            keys = sorted(numeric)
            bad = {k: grads[k] * (factor if k == key else 1.0) for k in keys}
            expected = ref.relative_error(np.concatenate([bad[k].ravel() for k in keys]),
                                          np.concatenate([numeric[k].ravel() for k in keys]))
            _, wrong = _planted_error(grads, {key: factor}, ref.relative_error)
            with planted(gradient_check, "model_backward", scaled(_BACKWARD, {key: factor})):
                value = number(report, f"{label} {key}×{factor:.3g}",
                                call(report, gradient_check, (parameters, X, Y, hidden, output), names[:5]),
                                "return one number")
            if value is not None and value < RIGHT:
                report.expect(f"{label} {key}×{factor:.3g}", False, f"relative error {value:.2e}",
                              "a bug was planted in model_backward, yet gradient_check found nothing: does it call "
                              "model_backward and compare its gradients with numerical ones?")
            elif value is not None:
                report.compare(f"{label} {key}×{factor:.3g}", value, expected, rtol=1e-3, atol=1e-12,
                               mistakes=wrong)

        parameters, X, Y = _fixture(rng, "tanh", "sigmoid", depth=2)
        eps = float(rng.choice([1e-2, 2e-2]))
        numeric = _numeric(parameters, X, Y, "tanh", "sigmoid", eps)
        AL, caches = _FORWARD(X, parameters, "tanh", "sigmoid")
        grads = _BACKWARD(AL, Y, caches, "tanh", "sigmoid")
        keys = sorted(numeric)
        expected = ref.relative_error(np.concatenate([grads[k].ravel() for k in keys]),
                                      np.concatenate([numeric[k].ravel() for k in keys]))
        with planted(gradient_check, "model_backward", _BACKWARD):
            value = number(report, f"epsilon={eps:g}",
                            call(report, gradient_check, (parameters, X, Y, "tanh", "sigmoid", eps), names),
                            "return one number")
        if value is not None:
            ignored = value < expected / 100
            report.compare(f"epsilon={eps:g}", value, expected, rtol=1e-2, atol=0,
                           mistakes={"the epsilon argument is ignored: pass it on to numerical_gradient": value}
                           if ignored else None)
    report.finish()


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
    rng = fresh_rng()
    report = Report("locate_gradient_bug")
    names = ["backward", "parameters", "X", "Y", "hidden_activation", "output_activation"]
    trials = []
    with quiet():
        while len(trials) < 5:
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
            numeric = _numeric(parameters, X, Y, hidden, output)
            expected = _clear(_errors(backward, parameters, X, Y, hidden, output, numeric))
            nones = sum(trial[-1] is None for trial in trials)
            if expected is not False and (expected is not None or nones == 0):
                trials.append((f"{hidden}/{output} {bug} in layer {layer}", backward, parameters, X, Y, hidden,
                               output, expected))
        # the correct backward, two gradients scaled by a hair (one below the threshold, one above) and two scaled
        # plainly; with a hidden activation other than the default ReLU, so that it must be passed on to backward
        hidden, output = [("tanh", "softmax"), ("sigmoid", "linear"), ("tanh", "sigmoid")][int(rng.integers(3))]
        parameters, X, Y = _fixture(rng, hidden, output)
        keys = _sizeable(_numeric(parameters, X, Y, hidden, output))  # in parameter order: dW1, db1, dW2, ...
        small, large = (str(k) for k in rng.choice(keys, size=2, replace=False))
        first, later = sorted(rng.choice(len(keys), size=2, replace=False))
        first, later = keys[first], keys[later]
        for label, backward, expected in [
                ("correct backward", _BACKWARD, None),
                (f"{small} × (1 + 4e-6)", scaled(_BACKWARD, {small: 1 + 4e-6}), None),
                (f"{large} × (1 + 2e-4)", scaled(_BACKWARD, {large: 1 + 2e-4}), large),
                (f"{first} × 1.5 and {later} × 10", scaled(_BACKWARD, {first: 1.5, later: 10.0}), later)]:
            trials.append((f"{hidden}/{output} {label}", backward, parameters, X, Y, hidden, output, expected))

    with isolated(locate_gradient_bug):
        for label, backward, parameters, X, Y, hidden, output, expected in trials:
            with planted(locate_gradient_bug, "model_backward", _BACKWARD):
                answer = call(report, locate_gradient_bug, (backward, parameters, X, Y, hidden, output), names)
            if answer is not None and not isinstance(answer, str):
                report.expect(label, False, f"returned a {type(answer).__name__}",
                              "return a name such as 'dW2', or None")
                continue
            report.expect(label, answer == expected, f"returned {answer!r}, expected {expected!r}",
                          _locate_hint(answer, expected))
    report.finish()


def _locate_hint(answer, expected):
    if isinstance(answer, str) and expected and answer == expected[1:]:
        return f"return the gradient's name, {expected!r}, not the parameter's, {answer!r}"
    if expected is None:
        return (f"every gradient's relative error is below {LOCATE_THRESHOLD:g} here, so the answer is None: is the "
                "threshold 1e-5?")
    if answer is None:
        return (f"{expected} is wrong: is `backward` (the argument) called with the activations passed on, and is "
                f"None returned only when every relative error is below {LOCATE_THRESHOLD:g}?")
    return f"{expected} has the largest relative error: return the worst gradient, not the first one or the best"
