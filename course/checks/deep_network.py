"""Visible checks of assignment 03 "L layers, end to end".

No reference solution is needed here. The checks use the worked examples of the notebook (their values were
computed by hand there), invariants (columns of a softmax sum to 1, a cache's Z really is W A_prev + b), and your
backward passes against central differences of your own forward pass.

How the backward checks turn your forward pass into a cost without needing your cost functions: for every
output activation of this course dJ/dZ[L] = (A[L] - Y) / m. At the point being checked the checks freeze
G = (A[L] - Y) / m and differentiate the "probe" S(θ) = sum(G ⊙ Z[L](θ)) numerically, where Z[L] comes from the
cache of your model_forward. By the chain rule dS/dθ = dJ/dθ at that point, for every parameter θ.
"""

from __future__ import annotations

import numpy as np

from ._numeric import central_difference
from .calling import call, unpack
from .report import CheckFailed, Outcome, Report, compare

__all__ = [
    "check_compute_cost",
    "check_cost_gradient",
    "check_initialize_parameters",
    "check_model_backward",
    "check_model_forward",
    "check_mse_cost",
    "check_mse_gradient",
    "check_softmax",
    "check_softmax_cross_entropy",
    "check_tied_weights_backward",
    "check_update_parameters",
]

HIDDEN = ("relu", "tanh", "sigmoid", "linear")
OUTPUTS = ("sigmoid", "softmax", "linear")


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _columns_normalised(E, axis=0):
    return E / E.sum(axis=axis, keepdims=True)


G = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "sigmoid": _sigmoid,
     "softmax": lambda z: _columns_normalised(np.exp(z - z.max(axis=0, keepdims=True)))}
G_PRIME = {"linear": np.ones_like, "relu": lambda z: (z > 0).astype(float),
           "tanh": lambda z: 1.0 - np.tanh(z) ** 2, "sigmoid": lambda z: _sigmoid(z) * (1.0 - _sigmoid(z))}

# Central differences with a step of 1e-3 (the fixtures keep every hidden Z of a ReLU layer at least 0.02 away
# from the kink), tolerances that a forward pass with float32 intermediates still meets.
EPS = 1e-3
RTOL, ATOL = 1e-3, 1e-5


# --------------------------------------------------------------------------------------------------------
# Shared helpers (the hidden checks use them too)
# --------------------------------------------------------------------------------------------------------

def cost_number(report, name, value, m=None):
    """A cost must be one number: a Python float, a NumPy scalar or a size-1 array. Returns it as a float,
    or None after recording what is wrong."""
    if isinstance(value, (str, bytes, dict)) or value is None:
        report.expect(name, False, f"is {type(value).__name__}", "a cost must be a number, e.g. return float(J)")
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        report.expect(name, False, f"is {type(value).__name__}", "a cost must be a number, e.g. return float(J)")
        return None
    if array.size != 1:
        where = f" over {m} examples" if m else ""
        report.expect(name, False, f"is an array of shape {array.shape}",
                      f"a cost returned as an array{where}: add up the losses of all examples into one number "
                      "(np.sum over everything) and return it, e.g. as float(...)")
        return None
    return float(array.reshape(()))


def compare_group(report, name, items):
    """Compare several (label, actual, expected, kwargs) at once: one line if all are right, else the wrong ones."""
    outcomes = [compare(f"{name} {label}", actual, expected, **kwargs) for label, actual, expected, kwargs in items]
    bad = [o for o in outcomes if not o.ok]
    if not bad:
        return report.add(Outcome(name, True, f"{len(outcomes)} arrays ok"))
    for outcome in bad:
        report.add(outcome)
    return False


def expected_keys(L, prefix=""):
    return [f"{prefix}W{layer}" for layer in range(1, L + 1)] + [f"{prefix}b{layer}" for layer in range(1, L + 1)]


def check_keys(report, name, result, keys, what):
    """result must be a dict with exactly these keys; returns whether it is (a line is recorded only if not)."""
    if not isinstance(result, dict):
        return report.expect(name, False, f"is a {type(result).__name__}", f"return a dict with keys {what}")
    if set(result) != set(keys):
        missing = [k for k in keys if k not in result]
        extra = [k for k in result if k not in keys]
        hint = f"expected exactly the keys {what}"
        if any(str(k).endswith("0") for k in extra):
            hint += ": layer numbers start at 1 (W1 is the first layer's matrix), an off-by-one?"
        return report.expect(name, False, f"missing {missing}, unexpected {extra}", hint)
    return True


# --------------------------------------------------------------------------------------------------------
# initialize_parameters
# --------------------------------------------------------------------------------------------------------

# Accepted scale of a weight matrix: std between 0.6 and 2.0 times 1/sqrt(n_prev). He (sqrt(2/n_prev), ratio
# 1.41), LeCun/Xavier (sqrt(1/n_prev), ratio 1) and Glorot (sqrt(2/(n_prev + n_l))) all fall inside; unscaled
# N(0, 1) and a fixed 0.01 do not for the wide layers where the scale is measured.
RATIO_LOW, RATIO_HIGH = 0.6, 2.0
WIDE = 64  # the scale is measured on layers with at least this many inputs and 2000 weights


def init_quality(report, params, dims, label=""):
    """Shapes, zero biases, no symmetry and a sane scale of initialize_parameters' output for layer_dims dims."""
    L = len(dims) - 1
    tag = f" {label}" if label else ""
    if not check_keys(report, f"keys{tag}", params, expected_keys(L), "W1..WL and b1..bL"):
        return False
    ok = True
    for layer in range(1, L + 1):
        n_prev, n = dims[layer - 1], dims[layer]
        W, b = params[f"W{layer}"], params[f"b{layer}"]
        good_shapes = np.shape(W) == (n, n_prev) and np.shape(b) == (n, 1)
        if not good_shapes:
            hint = f"W{layer} must be (n_{layer}, n_{layer - 1}) = {(n, n_prev)} and b{layer} must be {(n, 1)}"
            if np.shape(W) == (n_prev, n):
                hint = f"W{layer} looks transposed: rows are the layer's units, columns its inputs"
            elif np.shape(b) in ((n,), (1, n)):
                hint = f"b{layer} must be a column (n_{layer}, 1), e.g. np.zeros((n, 1))"
            report.expect(f"W{layer}, b{layer}", False, f"shapes {np.shape(W)}, {np.shape(b)}", hint)
            ok = False
            continue
        W = np.asarray(W, dtype=float)
        b = np.asarray(b, dtype=float)
        problems = []
        if not np.all(b == 0):
            problems.append(f"b{layer} should start at zeros (only the weights need to be random)")
        if np.all(W == 0):
            problems.append(f"W{layer} is all zeros: every unit of the layer then computes the same value and gets "
                            "the same gradient, so the units stay identical forever (symmetry); draw random weights")
        elif (n > 1 and np.unique(W, axis=0).shape[0] < n) or np.unique(W).size == 1:
            problems.append(f"W{layer} has identical rows or entries: units that start alike stay alike "
                            "(symmetry); draw every weight independently")
        elif W.size >= 2000 and n_prev >= WIDE:
            std, mean = float(W.std()), float(W.mean())
            ratio = std * np.sqrt(n_prev)
            if abs(mean) > 0.1 * std:
                problems.append(f"W{layer} has mean {mean:.3g}, not about 0: draw from a distribution centred on "
                                "0 (standard_normal, not rand)")
            elif ratio > RATIO_HIGH:
                problems.append(f"W{layer} has std {std:.3g} for n_prev = {n_prev} inputs ({ratio:.3g}/sqrt(n_prev)):"
                                " unscaled N(0, 1) weights make z grow like sqrt(n_prev) at every layer; multiply by "
                                "np.sqrt(2 / n_prev) (He) or np.sqrt(1 / n_prev)")
            elif ratio < RATIO_LOW:
                problems.append(f"W{layer} has std {std:.3g} for n_prev = {n_prev} inputs ({ratio:.3g}/sqrt(n_prev)):"
                                " weights this small (a fixed 0.01?) shrink the signal at every layer and the "
                                "gradients vanish; multiply by np.sqrt(2 / n_prev) instead")
        if problems:
            report.expect(f"W{layer}, b{layer}", False, "values", problems[0])
            ok = False
    if ok:
        report.expect(f"layers{tag}", True, f"{L} layers: shapes, zero b, random W, scale ok")
    return ok


def init_seeds(report, fn, dims):
    """Same seed, same parameters; another seed, other weights; the default seed is 0."""
    names = ["layer_dims", "seed"]
    first = call(report, fn, (list(dims), 5), names)
    again = call(report, fn, (list(dims), 5), names)
    other = call(report, fn, (list(dims), 6), names)
    default = call(report, fn, (list(dims),), names[:1])
    zero = call(report, fn, (list(dims), 0), names)
    keys = expected_keys(len(dims) - 1)
    if not all(isinstance(p, dict) and set(p) == set(keys) for p in (first, again, other, default, zero)):
        report.expect("seed", False, "not always a dict of W1..WL, b1..bL", "return the same keys on every call")
        return

    def same(p, q):
        return all(np.array_equal(np.asarray(p[k], dtype=float), np.asarray(q[k], dtype=float)) for k in keys)

    report.expect("same seed", same(first, again), "seed=5 twice gives the same parameters",
                  "use the seed: rng = np.random.default_rng(seed), then draw with rng.standard_normal(...)")
    report.expect("other seed", not same(first, other), "seed=5 and seed=6 give different weights",
                  "the weights do not depend on the seed: draw them from a generator made with this seed")
    report.expect("default", same(default, zero), "no seed given = seed 0", "the default seed must be 0 (seed=0)")


INIT_DIMS = [300, 200, 7, 1]


def check_initialize_parameters(initialize_parameters):
    """layer_dims [300, 200, 7, 1] and [4, 3]: keys W1..WL, b1..bL, shapes, zero biases, no two units alike, weight
    scale of the wide layer within [0.6, 2.0] / sqrt(n_prev) (He's sqrt(2/n_prev) and sqrt(1/n_prev) both pass),
    and seeds: the same seed gives the same parameters, another seed other ones."""
    report = Report("initialize_parameters")
    for dims in (INIT_DIMS, [4, 3]):
        params = call(report, initialize_parameters, (list(dims), 1), ["layer_dims", "seed"])
        init_quality(report, params, dims, label=str(dims))
    if report.ok:
        init_seeds(report, initialize_parameters, [5, 4, 3])
    report.finish()


# --------------------------------------------------------------------------------------------------------
# softmax
# --------------------------------------------------------------------------------------------------------

# The notebook's worked example: 3 classes, 4 examples. Column by column the exponentials are proportional to
# (1, 2, 5), (1, 1, 1), (3, 1, 1) and (1, 3, 1).
Z_SOFT = np.array([[0.0, 1.0, np.log(3.0), 2.0],
                   [np.log(2.0), 1.0, 0.0, 2.0 + np.log(3.0)],
                   [np.log(5.0), 1.0, 0.0, 2.0]])
P_SOFT = np.array([[1 / 8, 1 / 3, 3 / 5, 1 / 5],
                   [2 / 8, 1 / 3, 1 / 5, 3 / 5],
                   [5 / 8, 1 / 3, 1 / 5, 1 / 5]])
WRONG_AXIS = "softmax over the wrong axis: each column (one example) must sum to 1, so sum over axis=0"
NO_SHIFT = ("softmax without the max shift: e^z overflows (or every e^z underflows to 0) for logits in the "
            "thousands; subtract each column's maximum from Z before np.exp (it does not change the result)")


def softmax_call(report, fn, Z):
    """Call the student's softmax with NumPy's overflow warnings silenced (they would go to stderr)."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        return call(report, fn, (Z,), ["Z"])


def softmax_big(report, fn, Z, expected, label):
    """Logits in the thousands: the result must still be right, and a nan is explained."""
    out = softmax_call(report, fn, Z)
    array = np.asarray(out, dtype=float) if np.shape(out) == Z.shape else None
    if array is not None and not np.all(np.isfinite(array)):
        return report.expect(label, False, "contains nan/inf", NO_SHIFT)
    # Loose tolerance: float32 cannot even represent logits near 1000 to better than 6e-5, and this comparison
    # is about overflow, not about the last digits (those are checked on small logits).
    return report.compare(label, out, expected, mistakes={NO_SHIFT: np.zeros_like(expected)}, rtol=1e-3, atol=1e-5)


def check_softmax(softmax):
    """The worked example (columns proportional to (1, 2, 5), (1, 1, 1), (3, 1, 1), (1, 3, 1)), one column alone,
    and the same logits shifted by +1000 and -1000 (same probabilities, no overflow, no nan)."""
    report = Report("softmax")
    out = softmax_call(report, softmax, Z_SOFT.copy())
    report.compare("P", out, P_SOFT, mistakes={WRONG_AXIS: _columns_normalised(np.exp(Z_SOFT), axis=1),
                                               "softmax divides e^z by the sum of e^z; did you forget np.exp?":
                                               _columns_normalised(Z_SOFT + 0.0)})
    if np.shape(out) == P_SOFT.shape:
        sums = np.asarray(out, dtype=float).sum(axis=0)
        report.expect("col sums", np.allclose(sums, 1.0), f"columns sum to {np.round(sums, 4).tolist()}",
                      "every column of a softmax must sum to 1 (one probability distribution per example)")
    one = softmax_call(report, softmax, Z_SOFT[:, :1].copy())
    report.compare("m=1", one, P_SOFT[:, :1])
    softmax_big(report, softmax, Z_SOFT + 1000.0, P_SOFT, "Z + 1000")
    softmax_big(report, softmax, Z_SOFT - 1000.0, P_SOFT, "Z - 1000")
    report.finish()


# --------------------------------------------------------------------------------------------------------
# model_forward
# --------------------------------------------------------------------------------------------------------

# The notebook's worked example: 2 inputs, 3 ReLU units, 1 sigmoid output, 4 examples; Z1 and Z2 by hand.
X_NET = np.array([[1.0, 0.0, -1.0, 2.0],
                  [2.0, -1.0, 0.0, 1.0]])
PARAMS_NET = {
    "W1": np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0]]), "b1": np.array([[0.0], [-0.5], [1.0]]),
    "W2": np.array([[1.0, -2.0, 0.5]]), "b2": np.array([[-0.5]]),
}
Z1_NET = np.array([[-1.0, 1.0, -1.0, 1.0], [1.0, -1.0, -1.0, 1.0], [4.0, -1.0, 2.0, 1.0]])
A1_NET = np.array([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0], [4.0, 0.0, 2.0, 1.0]])
Z2_NET = np.array([[-0.5, 0.5, 0.5, -1.0]])
# The same network with a 3-class softmax output layer (rows 2 and 3 of W2 are new).
PARAMS_NET3 = dict(PARAMS_NET, W2=np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0], [0.5, 0.0, 0.0]]),
                   b2=np.array([[-0.5], [0.0], [1.0]]))
Z2_NET3 = np.array([[-0.5, 0.5, 0.5, -1.0], [-3.0, 0.0, -2.0, 0.0], [1.0, 1.5, 1.0, 1.5]])


def random_network(rng, dims, m, scale=1.0):
    """Parameters W ~ N(0, 1/n_prev), b ~ N(0, 0.3²) for layer sizes dims, and an input X (dims[0], m)."""
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = scale * rng.standard_normal((dims[layer], dims[layer - 1])) / np.sqrt(dims[layer - 1])
        params[f"b{layer}"] = 0.3 * rng.standard_normal((dims[layer], 1))
    return params, rng.standard_normal((dims[0], m))


def forward_consistent(report, label, X, params, hidden, output, result, **tol):
    """Check model_forward's (AL, caches) through invariants of its own caches: A_prev of layer 1 is X, each
    cache holds that layer's W and b, its Z is W A_prev + b, the next layer's A_prev is g(Z), and AL is the
    output activation of Z[L]. No forward pass is recomputed here: every step is checked on your own values."""
    L = len(params) // 2
    AL, caches = unpack(report, result, ["AL", "caches"])
    if not isinstance(caches, (list, tuple)) or len(caches) != L:
        count = len(caches) if isinstance(caches, (list, tuple)) else type(caches).__name__
        return report.expect(f"{label} caches", False, f"{count} caches for {L} layers",
                             f"one cache (Z, A_prev, W, b) per layer, layer 1 first: {L} caches for a {L}-layer "
                             "network. An off-by-one in the layer loop (range(1, L + 1) visits layers 1..L)?")
    parts = [unpack(report, cache, ["Z", "A_prev", "W", "b"]) for cache in caches]
    if L > 1 and np.shape(parts[0][2]) == np.shape(params[f"W{L}"]) != np.shape(params["W1"]):
        return report.expect(f"{label} caches", False, "layer L first",
                             "caches must be in layer order, layer 1 first (append while going forward)")
    items = [("A_prev[1]", parts[0][1], X, {})]
    for layer in range(1, L + 1):
        Z, A_prev, W, b = (np.asarray(v, dtype=float) for v in parts[layer - 1])
        items += [(f"W[{layer}]", W, params[f"W{layer}"], {}), (f"b[{layer}]", b, params[f"b{layer}"], {})]
        if np.shape(A_prev) != (np.shape(W)[1], X.shape[1]):
            items.append((f"A_prev[{layer}]", A_prev, np.zeros((np.shape(W)[1], X.shape[1])), {}))
            break
        linear = W @ A_prev + b
        act = hidden if layer < L else ("linear" if output == "softmax" else output)
        mistakes = {f"the cache of layer {layer} must hold Z (before the activation), not A":
                    G[act](linear)} if act != "linear" else {}
        items.append((f"Z[{layer}]", Z, linear, {"mistakes": mistakes}))
        if layer < L:
            following = parts[layer][1]
            mistakes = {f"hidden layers use hidden_activation ({hidden!r}); output_activation is for layer L only":
                        G[output](Z)} if output != hidden and output != "softmax" else {}
            mistakes[f"the cache of layer {layer + 1} must hold its input A[{layer}] = g(Z[{layer}])"] = Z
            items.append((f"A_prev[{layer + 1}]", following, G[hidden](Z), {"mistakes": mistakes}))
    if not compare_group(report, f"{label} caches", [(n, a, e, dict(kw, **tol)) for n, a, e, kw in items]):
        return False
    Z_L = np.asarray(parts[-1][0], dtype=float)
    mistakes = {}
    if hidden != output:
        mistakes[f"the last layer was treated like the hidden ones: layer L uses output_activation "
                 f"({output!r}), not {hidden!r}"] = G[hidden](Z_L)
    if output == "softmax":
        mistakes[WRONG_AXIS] = _columns_normalised(np.exp(Z_L), axis=1)
    if output != "linear":
        mistakes["the output activation was skipped: AL = g(Z[L])"] = Z_L
    return report.compare(f"{label} AL", AL, G[output](Z_L), mistakes=mistakes, **tol)


def _worked_forward(report, model_forward, args, arg_names, label, Z2, output, params):
    result = call(report, model_forward, args, arg_names)
    AL, caches = unpack(report, result, ["AL", "caches"])
    mistakes = {"the last layer was treated like the hidden ones: its activation is output_activation":
                np.maximum(Z2, 0.0)} if output != "linear" else {}
    if output != "linear":
        mistakes["the output activation was skipped: AL = g(Z[L])"] = Z2
    if output == "softmax":
        mistakes[WRONG_AXIS] = _columns_normalised(np.exp(Z2), axis=1)
    report.compare(f"{label} AL", AL, G[output](Z2), mistakes=mistakes)
    if isinstance(caches, (list, tuple)) and len(caches) == 2:
        c1 = unpack(report, caches[0], ["Z1", "A0", "W1", "b1"])
        c2 = unpack(report, caches[1], ["Z2", "A1", "W2", "b2"])
        compare_group(report, f"{label} caches", [
            ("Z1", c1[0], Z1_NET, {"mistakes": {"the cache holds Z (before the activation), not A": A1_NET}}),
            ("A0", c1[1], X_NET, {}), ("W1", c1[2], params["W1"], {}), ("b1", c1[3], params["b1"], {}),
            ("Z2", c2[0], Z2, {}),
            ("A1", c2[1], A1_NET, {"mistakes": {"A_prev of layer 2 is A1 = relu(Z1), the output of layer 1": Z1_NET}}),
            ("W2", c2[2], params["W2"], {}), ("b2", c2[3], params["b2"], {})])
    else:
        count = len(caches) if isinstance(caches, (list, tuple)) else type(caches).__name__
        report.expect(f"{label} caches", False, f"{count} caches for 2 layers",
                      "one cache (Z, A_prev, W, b) per layer, layer 1 first: an off-by-one in the layer loop?")


def check_model_forward(model_forward):
    """The worked example (2 inputs, 3 ReLU units, 1 sigmoid unit, 4 examples): AL and both caches as computed by
    hand in the notebook, also with the default activations and with "linear" and 3-class "softmax" outputs.
    Then networks of 1 to 4 layers with every hidden activation, checked through their own caches."""
    report = Report("model_forward")
    names = ["X", "parameters", "hidden_activation", "output_activation"]
    _worked_forward(report, model_forward, (X_NET.copy(), dict(PARAMS_NET), "relu", "sigmoid"), names,
                    "sigmoid", Z2_NET, "sigmoid", PARAMS_NET)
    _worked_forward(report, model_forward, (X_NET.copy(), dict(PARAMS_NET)), names[:2],
                    "defaults", Z2_NET, "sigmoid", PARAMS_NET)
    _worked_forward(report, model_forward, (X_NET.copy(), dict(PARAMS_NET), "relu", "linear"), names,
                    "linear", Z2_NET, "linear", PARAMS_NET)
    _worked_forward(report, model_forward, (X_NET.copy(), dict(PARAMS_NET3), "relu", "softmax"), names,
                    "softmax", Z2_NET3, "softmax", PARAMS_NET3)
    rng = np.random.default_rng(3)
    for dims, m, hidden, output in [([3, 5, 4, 2, 1], 6, "tanh", "sigmoid"), ([4, 2], 3, "relu", "linear"),
                                    ([2, 6, 3], 5, "sigmoid", "softmax"), ([5, 3, 4], 2, "linear", "sigmoid")]:
        params, X = random_network(rng, dims, m)
        result = call(report, model_forward, (X, params, hidden, output), names)
        forward_consistent(report, f"L={len(dims) - 1} {hidden}/{output}", X, params, hidden, output, result)
    report.finish()


# --------------------------------------------------------------------------------------------------------
# Costs and their gradients
# --------------------------------------------------------------------------------------------------------

# Binary cross-entropy, worked in the notebook: three examples, predictions 0.8, 0.9, 0.4 for labels 1, 1, 0.
AL_BCE = np.array([[0.8, 0.9, 0.4]])
Y_BCE = np.array([[1.0, 1.0, 0.0]])
J_BCE = -(np.log(0.8) + np.log(0.9) + np.log(0.6)) / 3
DAL_BCE = np.array([[-1 / 0.8, -1 / 0.9, 1 / 0.6]])


def _numeric_cost_gradient(report, cost, AL, Y, fname):
    """m * dJ/dAL of the student's cost, by central differences (the per-example gradient)."""
    m = Y.shape[1]
    AL = AL.copy()

    def J():
        value = cost(AL, Y)
        array = np.asarray(value, dtype=float)
        if array.size != 1:
            raise CheckFailed(f"your {fname} returns an array, not a number. Make check_{fname} pass first.")
        return float(array.reshape(()))

    try:
        return m * central_difference(J, AL, eps=1e-3)
    except CheckFailed:
        raise
    except Exception as error:
        raise CheckFailed(f"this check differentiates your {fname}, which raised {type(error).__name__}: {error}. "
                          f"Make check_{fname} pass first.") from error


def _cost_is_right(report, cost, AL, Y, J, fname):
    """Whether the student's cost gives the worked example's value; if not, the slope comparison is skipped
    with a note (a cost mistake is charged to check_<cost>, not again to its gradient)."""
    try:
        good = np.allclose(float(np.asarray(cost(AL.copy(), Y.copy()), dtype=float).reshape(())), J)
    except Exception:  # noqa: BLE001 - any failure of the cost is treated alike
        good = False
    if not good:
        report.expect("slope", True, f"skipped: it needs a right {fname}; make check_{fname} pass, then run this "
                      "cell again")
    return good


def check_compute_cost(compute_cost):
    """The worked example (predictions 0.8, 0.9, 0.4 for labels 1, 1, 0: J = 0.2798) and a coin flip
    (every prediction 0.5: J = ln 2 whatever the labels); the cost must be one number."""
    report = Report("compute_cost")
    names = ["AL", "Y"]
    value = cost_number(report, "J", call(report, compute_cost, (AL_BCE.copy(), Y_BCE.copy()), names), m=3)
    if value is not None:
        report.compare("J", value, J_BCE, m=3, mistakes={
            "the (1 - y) log(1 - ŷ) term is missing: examples with label 0 count too": -(np.log(0.8) + np.log(0.9)) / 3,
            "use the natural logarithm np.log, not log10 or log2": J_BCE / np.log(10)})
    coin = cost_number(report, "J coin flip", call(report, compute_cost, (np.full((1, 5), 0.5),
                                                                          np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])),
                                                   names), m=5)
    if coin is not None:
        report.compare("J coin flip", coin, np.log(2.0), m=5)
    report.finish()


def check_cost_gradient(cost_gradient, compute_cost):
    """The worked example (dAL = -1/0.8, -1/0.9, +1/0.6) and, on other values, m times the slope of your own
    compute_cost measured by central differences (cost_gradient is per example: no 1/m)."""
    report = Report("cost_gradient")
    names = ["AL", "Y"]
    out = call(report, cost_gradient, (AL_BCE.copy(), Y_BCE.copy()), names)
    report.compare("dAL", out, DAL_BCE, m=3, mistakes={
        "the second term is +(1 - Y)/(1 - AL): dAL = -Y/AL + (1 - Y)/(1 - AL)": -Y_BCE / AL_BCE - (1 - Y_BCE) / (1 - AL_BCE)})
    AL, Y = np.array([[0.3, 0.65, 0.2, 0.8]]), np.array([[0.0, 1.0, 1.0, 0.0]])
    if _cost_is_right(report, compute_cost, AL_BCE, Y_BCE, J_BCE, "compute_cost"):
        slope = _numeric_cost_gradient(report, compute_cost, AL, Y, "compute_cost")
        out = call(report, cost_gradient, (AL.copy(), Y.copy()), names)
        report.compare("dAL vs slope", out, slope, m=4, rtol=1e-3, atol=1e-3)
    report.finish()


# Squared error, worked in the notebook: 3 outputs, 4 examples, errors ŷ - y = D_MSE.
AL_MSE = np.array([[1.0, 2.0, 0.5, 0.0], [0.0, -1.0, 3.0, 1.0], [2.0, 0.0, 1.0, 1.0]])
D_MSE = np.array([[-0.5, 0.0, 1.0, 1.0], [-1.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, -1.0]])
Y_MSE = AL_MSE - D_MSE
J_MSE = (0.625 + 0.5 + 2.5 + 1.0) / 4  # (1/m) sum of ½‖ŷ - y‖² per column


def check_mse_cost(mse_cost):
    """The worked example (3 outputs, 4 examples: J = 4.625 / 4 = 1.15625), one number per call."""
    report = Report("mse_cost")
    value = cost_number(report, "J", call(report, mse_cost, (AL_MSE.copy(), Y_MSE.copy()), ["AL", "Y"]), m=4)
    if value is not None:
        report.compare("J", value, J_MSE, m=4, mistakes={
            "the ½ is missing: J = (1/m) Σ ½‖ŷ - y‖²": 2 * J_MSE,
            "divide by the m examples, not by all k·m entries (np.mean averages over the outputs too)":
                J_MSE * 4 / 12,
            "divide by the m examples, not by all k·m entries, and keep the ½": 2 * J_MSE * 4 / 12})
    report.finish()


def check_mse_gradient(mse_gradient, mse_cost):
    """The worked example (dAL = ŷ - y) and m times the slope of your own mse_cost (per example: no 1/m)."""
    report = Report("mse_gradient")
    names = ["AL", "Y"]
    out = call(report, mse_gradient, (AL_MSE.copy(), Y_MSE.copy()), names)
    report.compare("dAL", out, D_MSE, m=4)
    if _cost_is_right(report, mse_cost, AL_MSE, Y_MSE, J_MSE, "mse_cost"):
        slope = _numeric_cost_gradient(report, mse_cost, AL_MSE, Y_MSE, "mse_cost")
        report.compare("dAL vs slope", out, slope, m=4, rtol=1e-3, atol=1e-3)
    report.finish()


# Categorical cross-entropy, worked in the notebook on P_SOFT with true classes 2, 0, 0, 1.
Y_CCE = np.array([[0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
J_CCE = -(np.log(5 / 8) + np.log(1 / 3) + np.log(3 / 5) + np.log(3 / 5)) / 4


def check_softmax_cross_entropy(softmax_cross_entropy):
    """The worked example (probabilities 5/8, 1/3, 3/5, 3/5 for the true classes: J = 0.6476) and a network that
    knows nothing (probability 1/3 for each of 3 classes: J = ln 3); one number per call."""
    report = Report("softmax_cross_entropy")
    names = ["AL", "Y"]
    value = cost_number(report, "J", call(report, softmax_cross_entropy, (P_SOFT.copy(), Y_CCE.copy()), names), m=4)
    binary = -np.sum(Y_CCE * np.log(P_SOFT) + (1 - Y_CCE) * np.log(1 - P_SOFT)) / 4
    if value is not None:
        report.compare("J", value, J_CCE, m=4, mistakes={
            "that is the binary cross-entropy: with softmax only the true class's -log p counts, -(1/m) Σ Y log AL":
                binary,
            "divide by the m examples, not by all k·m entries (np.mean averages over the classes too)": J_CCE / 3})
    uniform = call(report, softmax_cross_entropy, (np.full((3, 5), 1 / 3), Y_CCE[:, [0, 1, 2, 3, 0]].copy()), names)
    value = cost_number(report, "J uniform", uniform, m=5)
    if value is not None:
        report.compare("J uniform", value, np.log(3.0), m=5)
    report.finish()


# --------------------------------------------------------------------------------------------------------
# model_backward
# --------------------------------------------------------------------------------------------------------

def _model_forward_is_right(report, model_forward):
    """Whether the student's model_forward is right on the worked example. If not, the numerical comparison is
    skipped (with a note): a forward mistake is charged to check_model_forward, not again here. The hidden check
    still compares model_backward on its own."""
    try:
        AL, caches = model_forward(X_NET.copy(), dict(PARAMS_NET), "relu", "sigmoid")
        good = np.shape(AL) == Z2_NET.shape and np.allclose(np.asarray(AL, dtype=float), _sigmoid(Z2_NET)) \
            and len(caches) == 2
    except Exception:  # noqa: BLE001 - any failure of the forward pass is treated alike
        good = False
    if not good:
        report.expect("numerical", True, "skipped: it needs a right model_forward; make check_model_forward pass, "
                      "then run this cell again")
    return good


def _targets(rng, output, shape):
    if output == "sigmoid":
        return (rng.uniform(size=shape) < 0.5).astype(float)
    if output == "softmax":
        Y = np.zeros(shape)
        Y[rng.integers(0, shape[0], shape[1]), np.arange(shape[1])] = 1.0
        return Y
    return rng.standard_normal(shape)


# (layer sizes, m, hidden, output, seed, shift of b[L]). The seeds keep every hidden ReLU |Z| >= 0.02 (tests check it).
BACKWARD_CASES = [
    ([3, 5, 4, 1], 6, "relu", "sigmoid", 11, 0.0),   # the lesson's ReLU-ReLU-sigmoid network (03, section 1)
    ([4, 5, 3], 6, "tanh", "softmax", 12, 0.0),
    ([2, 3, 4, 2], 5, "sigmoid", "linear", 13, 0.0),
    ([4, 1], 3, "relu", "sigmoid", 14, 0.0),          # one layer: it is the output layer
    ([3, 2, 4, 5, 2], 7, "relu", "softmax", 15, 0.0),
]
SATURATED = ("start from dZ[L] = AL - Y: when the sigmoid saturates, AL is exactly 1.0 in floating point and "
             "dA[L] = -Y/AL + (1 - Y)/(1 - AL) divides by 1 - AL = 0 (inf, then inf · σ'(Z) = inf · 0 = nan)")


def backward_fixture(case):
    dims, m, _, output, seed, shift = case
    rng = np.random.default_rng(seed)
    params, X = random_network(rng, dims, m, scale=1.5)
    L = len(dims) - 1
    params[f"b{L}"] = params[f"b{L}"] + shift
    Y = _targets(rng, output, (dims[-1], m))
    return params, X, Y


def _probe_gradients(model_forward, X, params, hidden, output, G_probe):
    """dS/dθ for S(θ) = sum(G_probe ⊙ Z[L](θ)), with Z[L] = W[L] A[L-1] + b[L] formed from the last cache of
    the student's model_forward. (Forming it here, rather than reading Z[L] from the cache, keeps a large b[L],
    as in the saturated case, out of the differences: a float32 forward pass still differentiates well.)"""
    params = {k: np.array(v, dtype=float) for k, v in params.items()}

    def probe():
        _, caches = model_forward(X, params, hidden, output)
        _, A_prev, W, b = (np.asarray(v, dtype=float) for v in caches[-1])
        return float(np.sum(G_probe * (W @ A_prev))) + float(np.sum(G_probe * b))

    return {f"d{name}": central_difference(probe, params[name], eps=EPS) for name in params}


def check_model_backward(model_backward, model_forward):
    """Your gradients against central differences of your own model_forward, on networks of 1 to 4 layers with
    each output activation (dJ/dZ[L] = (AL - Y)/m for all three), including the lesson's ReLU-ReLU-sigmoid network.
    (A saturated sigmoid, AL = 1.0 exactly, is shown in the notebook but not graded: the lesson's route through
    dA[L] is correct and gives nan there.)"""
    report = Report("model_backward")
    if not _model_forward_is_right(report, model_forward):
        report.finish()
        return
    names = ["AL", "Y", "caches", "hidden_activation", "output_activation"]
    for case in BACKWARD_CASES:
        dims, m, hidden, output, _, shift = case
        L = len(dims) - 1
        label = f"L={L} {hidden}/{output}" + (" saturated" if shift else "")
        params, X, Y = backward_fixture(case)
        AL, caches = model_forward(X, params, hidden, output)
        AL = np.asarray(AL, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            grads = call(report, model_backward, (AL, Y, caches, hidden, output), names)
        if not check_keys(report, f"{label} keys", grads, ["d" + k for k in expected_keys(L)], "dW1..dWL, db1..dbL"):
            continue
        if shift and not all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in grads.values()):
            report.expect(label, False, "nan/inf in the gradients", SATURATED)
            continue
        want = _probe_gradients(model_forward, X, params, hidden, output, (AL - Y) / m)
        Z_L = np.asarray(caches[-1][0], dtype=float)
        variants = {}
        if output == "sigmoid" and not shift:
            variants["dZ[L] = AL - Y already includes σ'(Z[L]) (sigmoid with cross-entropy): do not multiply by "
                     "it again"] = (AL - Y) * G_PRIME["sigmoid"](Z_L) / m
        if hidden != output and output != "softmax" and hidden != "linear" and not shift:
            variants[f"the last layer was treated like the hidden ones: {hidden}' must not be applied to Z[L]; "
                     "dZ[L] = AL - Y"] = (AL - Y) * G_PRIME[hidden](Z_L) / m
        wrong = {sentence: _probe_gradients(model_forward, X, params, hidden, output, G_wrong)
                 for sentence, G_wrong in variants.items()}
        items = []
        for key in ["d" + k for k in expected_keys(L)]:
            mistakes = {sentence: values[key] for sentence, values in wrong.items()}
            # Numerical noise scales with the gradient: a float32 forward pass is differentiated too.
            atol = max(ATOL, 3e-3 * float(np.abs(want[key]).max()))
            items.append((key, grads[key], want[key], {"m": m, "mistakes": mistakes, "rtol": RTOL, "atol": atol}))
        compare_group(report, label, items)
    report.finish()


# --------------------------------------------------------------------------------------------------------
# update_parameters
# --------------------------------------------------------------------------------------------------------

PARAMS_UPD = {"W1": np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), "b1": np.array([[0.5], [-0.5]]),
              "W2": np.array([[2.0, -1.0]]), "b2": np.array([[0.0]])}
GRADS_UPD = {"dW1": np.array([[10.0, 0.0, -5.0], [2.0, -20.0, 1.0]]), "db1": np.array([[1.0], [-3.0]]),
             "dW2": np.array([[-4.0, 6.0]]), "db2": np.array([[2.5]])}
NEW_UPD = {"W1": np.array([[0.0, -2.0, 1.0], [-0.2, 5.0, -1.1]]), "b1": np.array([[0.4], [-0.2]]),
           "W2": np.array([[2.4, -1.6]]), "b2": np.array([[-0.25]])}  # with learning rate 0.1, by hand


def update_compare(report, label, new, params, grads, lr, expected):
    if not check_keys(report, f"{label} keys", new, list(params), ", ".join(params) + " (the names of parameters)"):
        return
    report.expect(f"{label} new", new is not params, "a new dict",
                  "return a new dict; the caller may still need the old parameters")
    items = []
    for name in params:
        mistakes = {"W ← W - α dW: the step goes against the gradient (a minus sign)": params[name] + lr * grads[
            f"d{name}"], "the learning rate is missing: W ← W - α dW": params[name] - grads[f"d{name}"]}
        items.append((name, new[name], expected[name], {"mistakes": mistakes}))
    compare_group(report, label, items)


def check_update_parameters(update_parameters):
    """The worked example with learning rate 0.1 (new values by hand in the notebook), a new dict, and the
    parameters and gradients you were given left untouched."""
    report = Report("update_parameters")
    names = ["parameters", "grads", "learning_rate"]
    params = {k: v.copy() for k, v in PARAMS_UPD.items()}
    grads = {k: v.copy() for k, v in GRADS_UPD.items()}
    new = call(report, update_parameters, (params, grads, 0.1), names)
    update_compare(report, "α=0.1", new, params, grads, 0.1, NEW_UPD)
    new = call(report, update_parameters, (params, grads, 0.0), names)
    update_compare(report, "α=0", new, params, grads, 0.0, PARAMS_UPD)
    report.finish()


# --------------------------------------------------------------------------------------------------------
# tied_weights_backward
# --------------------------------------------------------------------------------------------------------

def _layer_forward_is_right(report, layer_forward):
    """Whether the student's layer_forward (tools_from_02, not graded here) is right; if not, the numerical
    comparison is skipped with a note, and the hidden check still grades tied_weights_backward on its own."""
    W = np.array([[0.5, -1.0], [2.0, 0.25]])
    A = np.array([[1.0, 0.0, -2.0], [2.0, 1.0, 0.5]])
    b = np.array([[0.1], [-0.2]])
    try:
        out, _ = layer_forward(A, W, b, "tanh")
        good = np.shape(out) == (2, 3) and np.allclose(np.asarray(out, dtype=float), np.tanh(W @ A + b))
    except Exception:  # noqa: BLE001 - any failure of the forward pass is treated alike
        good = False
    if not good:
        report.expect("numerical", True, "skipped: it needs a right layer_forward; fix the cell tools_from_02, "
                      "then run this cell again")
    return good


TIED_CASES = [(3, 5, "tanh", 21), (4, 3, "relu", 22), (2, 6, "sigmoid", 23), (3, 4, "linear", 24)]


def tied_fixture(n, m, seed):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n)) / np.sqrt(n) * 1.5
    b1, b2 = 0.3 * rng.standard_normal((n, 1)), 0.3 * rng.standard_normal((n, 1))
    X, Y = rng.standard_normal((n, m)), rng.standard_normal((n, m))
    return X, Y, W, b1, b2


def check_tied_weights_backward(tied_weights_backward, layer_forward):
    """Your dW, db1, db2 against central differences of the tied two-layer network built with your own
    layer_forward (A1 = g(W X + b1), A2 = W A1 + b2, squared-error cost), for every hidden activation; dW must
    be the sum of the two layers' shares, which the check also measures one by one."""
    report = Report("tied_weights_backward")
    if not _layer_forward_is_right(report, layer_forward):
        report.finish()
        return
    names = ["X", "Y", "W", "b1", "b2", "hidden_activation"]
    for n, m, hidden, seed in TIED_CASES:
        X, Y, W, b1, b2 = tied_fixture(n, m, seed)
        args = (X, Y, W, b1, b2) if hidden == "tanh" else (X, Y, W, b1, b2, hidden)
        grads = call(report, tied_weights_backward, args, names[:len(args)])
        label = hidden + (" (default)" if hidden == "tanh" else "")
        if not check_keys(report, f"{label} keys", grads, ["dW", "db1", "db2"], "dW, db1, db2"):
            continue
        W1, W2, c1, c2 = W.copy(), W.copy(), b1.copy(), b2.copy()
        A2_now = layer_forward(layer_forward(X, W, b1, hidden)[0], W, b2, "linear")[0]
        G_probe = (np.asarray(A2_now, dtype=float) - Y) / m

        def probe(X=X, W1=W1, W2=W2, c1=c1, c2=c2, hidden=hidden, G_probe=G_probe):
            A1, _ = layer_forward(X, W1, c1, hidden)
            A2, _ = layer_forward(A1, W2, c2, "linear")
            return float(np.sum(G_probe * np.asarray(A2, dtype=float)))

        share1 = central_difference(probe, W1, eps=EPS)  # W used by layer 1 only moves
        share2 = central_difference(probe, W2, eps=EPS)  # W used by layer 2 only moves
        mistakes = {"dW must add both layers' shares, dW = dW[1] + dW[2]; that is layer 1's share alone": share1,
                    "dW must add both layers' shares, dW = dW[1] + dW[2]; that is layer 2's share alone": share2,
                    "add the two shares, do not average them: dW = dW[1] + dW[2]": (share1 + share2) / 2}
        compare_group(report, label, [
            ("dW", grads["dW"], share1 + share2, {"m": m, "mistakes": mistakes, "rtol": RTOL, "atol": ATOL}),
            ("db1", grads["db1"], central_difference(probe, c1, eps=EPS), {"m": m, "rtol": RTOL, "atol": ATOL}),
            ("db2", grads["db2"], central_difference(probe, c2, eps=EPS), {"m": m, "rtol": RTOL, "atol": ATOL})])
    report.finish()
