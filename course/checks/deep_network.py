"""The visible check of initialize_parameters (assignment 03 "L layers, end to end"), and the property checks of
parameter dicts that it shares with the hidden checks (public check vocabulary: they compute no answer).

Random initial weights have no single right value, so this check is not a replay of stored outputs: it checks
properties of what your function returns (the keys, each layer's shapes, zero biases, no two units alike, the
spread of a wide layer's weights, the seed) against targets stored in course/checks/stored/03_deep_network.json:
the shapes each layer must have and the range its weights' standard deviation must fall in. Every other check
of the assignment is a replay of stored values (course/checks/replay.py).
"""

from __future__ import annotations

import numpy as np

from . import stored
from .calling import call
from .report import Report

__all__ = ["check_initialize_parameters", "expect_keys", "expected_keys", "init_quality", "init_seeds"]


def expected_keys(L, prefix=""):
    """The keys of a parameter dict of L layers: [W1..WL, b1..bL], each name after `prefix` ("d" for grads)."""
    return [f"{prefix}W{layer}" for layer in range(1, L + 1)] + [f"{prefix}b{layer}" for layer in range(1, L + 1)]


def expect_keys(report, name, result, keys, what, group=None):
    """result must be a dict with at least these keys; returns whether it is. Extra keys (dA0, dA1, ... as some
    courses return) are ignored, with a note the first time; a missing key fails the line. group: the output the
    line counts for (its label's first word when None)."""
    if not isinstance(result, dict):
        return report.expect(name, False, f"is a {type(result).__name__}", f"return a dict with keys {what}",
                             group=group)
    missing = [k for k in keys if k not in result]
    extra = [k for k in result if k not in keys]
    if missing:
        hint = f"expected the keys {what}"
        if any(str(k)[-1:] == "0" and str(k)[:-1].rstrip("0123456789") in ("dW", "db", "W", "b") for k in extra):
            hint += ": layer numbers start at 1 (W1 is the first layer's matrix), an off-by-one?"
        return report.expect(name, False, f"missing {missing}" + (f", unexpected {extra}" if extra else ""), hint,
                             group=group)
    if extra and not any(o.detail.startswith("extra keys") for o in report.outcomes):
        report.expect(name, True, f"extra keys {extra} ignored (only {what} are read)", group=group)
    return True


def _shape_problem(layer, W, b, target):
    """The sentence for wrong shapes of W[layer], b[layer] (target: {"W": shape, "b": shape}), or None."""
    want_W, want_b = tuple(target["W"]), tuple(target["b"])
    if np.shape(W) == want_W and np.shape(b) == want_b:
        return None
    n = want_W[0]
    if np.shape(W) == want_W[::-1] and want_W[::-1] != want_W:
        return f"W{layer} looks transposed: rows are the layer's units, columns its inputs"
    if np.shape(W) == want_W and np.shape(b) in ((n,), (1, n)):
        return f"b{layer} must be a column (n_{layer}, 1), e.g. np.zeros((n, 1))"
    return f"W{layer} must be (n_{layer}, n_{layer - 1}) = {want_W} and b{layer} must be {want_b}"


def _value_problem(layer, W, b, target):
    """The sentence for the first thing wrong with the values of W[layer], b[layer], or None."""
    n, n_prev = tuple(target["W"])
    if not np.all(b == 0):
        return f"b{layer} should start at zeros (only the weights need to be random)"
    if np.all(W == 0):
        return (f"W{layer} is all zeros: every unit of the layer then computes the same value and gets the same "
                "gradient, so the units stay identical forever (symmetry); draw random weights")
    if (n > 1 and np.unique(W, axis=0).shape[0] < n) or np.unique(W).size == 1:
        return (f"W{layer} has identical rows or entries: units that start alike stay alike (symmetry); draw every "
                "weight independently")
    if target.get("std") is None:
        return None
    low, high = target["std"]
    std, mean = float(W.std()), float(W.mean())
    spread = f"W{layer} has std {std:.3g} for n_prev = {n_prev} inputs (expected between {low:.3g} and {high:.3g})"
    if abs(mean) > 0.1 * std:
        return (f"W{layer} has mean {mean:.3g}, not about 0: draw from a distribution centred on 0 "
                "(standard_normal, not rand)")
    if std > high:
        return (f"{spread}: unscaled N(0, 1) weights make z grow like sqrt(n_prev) at every layer; multiply by "
                "np.sqrt(2 / n_prev) (He) or np.sqrt(1 / n_prev)")
    if std < low:
        return (f"{spread}: weights this small (a fixed 0.01?) shrink the signal at every layer and the gradients "
                "vanish; multiply by np.sqrt(2 / n_prev) instead")
    return None


# Every line about the initial parameters counts for one output, the parameters: the dict is one answer, and its
# layers, scale and seed are parts of it (a fixed 0.01 scale or a seed written into the code earns no point).
PARAMETERS = "parameters"


def init_quality(report, params, targets, label=""):
    """Check a dict of initial parameters against per-layer targets; returns whether all is well.

    Args:
        report: the Report the lines go to.
        params: what initialize_parameters returned.
        targets: one dict a layer, layer 1 first: {"W": (n_l, n_{l-1}), "b": (n_l, 1), "std": (low, high) or
            None}; "std" is the range the standard deviation of the layer's weights must fall in (None: the
            layer is too small to measure it).
        label: what the lines are about, e.g. the layer sizes.
    """
    L = len(targets)
    tag = f" {label}" if label else ""
    if not expect_keys(report, f"keys{tag}", params, expected_keys(L), "W1..WL and b1..bL", group=PARAMETERS):
        return False
    ok = True
    for layer, target in enumerate(targets, start=1):
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        problem = _shape_problem(layer, W, b, target)
        if problem:
            report.expect(f"W{layer}, b{layer}", False, f"shapes {np.shape(W)}, {np.shape(b)}", problem,
                          group=PARAMETERS)
            ok = False
            continue
        problem = _value_problem(layer, np.asarray(W, dtype=float), np.asarray(b, dtype=float), target)
        if problem:
            report.expect(f"W{layer}, b{layer}", False, "values", problem, group=PARAMETERS)
            ok = False
    if ok:
        report.expect(f"layers{tag}", True, f"{L} layers: shapes, zero b, random W, scale ok", group=PARAMETERS)
    return ok


def init_seeds(report, fn, dims):
    """Same seed, same parameters; another seed, other weights (a seed written into the code is named); the
    default seed is 0."""
    names = ["layer_dims", "seed"]
    first = call(report, fn, (list(dims), 5), names)
    again = call(report, fn, (list(dims), 5), names)
    other = call(report, fn, (list(dims), 6), names)
    default = call(report, fn, (list(dims),), names[:1])
    zero = call(report, fn, (list(dims), 0), names)
    keys = expected_keys(len(dims) - 1)
    if not all(isinstance(p, dict) and set(p) == set(keys) for p in (first, again, other, default, zero)):
        report.expect("seed", False, "not always a dict of W1..WL, b1..bL", "return the same keys on every call",
                      group=PARAMETERS)
        return

    def same(p, q):
        return all(np.array_equal(np.asarray(p[k], dtype=float), np.asarray(q[k], dtype=float)) for k in keys)

    repeatable = same(first, again)
    report.expect("same seed", repeatable, "seed=5 twice gives the same parameters",
                  "use the seed: rng = np.random.default_rng(seed), then draw with rng.standard_normal(...)",
                  group=PARAMETERS)
    fixed = ("the seed argument is ignored: seed=5 and seed=6 give the same weights, so a seed is written into the "
             "code (np.random.seed(1)?); draw from rng = np.random.default_rng(seed)") if repeatable else \
        "the weights do not depend on the seed: draw them from a generator made with this seed"
    report.expect("other seed", not same(first, other), "seed=5 and seed=6 give different weights", fixed,
                  group=PARAMETERS)
    report.expect("default", same(default, zero), "no seed given = seed 0", "the default seed must be 0 (seed=0)",
                  group=PARAMETERS)


def check_initialize_parameters(initialize_parameters, *earlier):
    """layer_dims [300, 200, 7, 1] and [4, 3]: keys W1..WL, b1..bL, shapes, zero biases, no two units alike, the
    standard deviation of the wide layer's weights within the stored range ([0.6, 2.0] / sqrt(n_prev): He's
    sqrt(2/n_prev) and sqrt(1/n_prev) both pass), and seeds: the same seed gives the same parameters, another
    seed other ones. Earlier functions passed after yours are accepted and not used."""
    values = stored.values("initialize_parameters")
    report = Report("initialize_parameters")
    for case in values["cases"]:
        dims = case["dims"]
        params = call(report, initialize_parameters, (list(dims), 1), ["layer_dims", "seed"])
        init_quality(report, params, case["layers"], label=str(list(dims)))
    init_seeds(report, initialize_parameters, values["seed_dims"])  # also when the values are wrong: a fixed seed
    # is a mistake of its own, said alongside the others
    report.finish()
