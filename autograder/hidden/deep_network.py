"""Hidden checks of assignment 03: the student's function against the reference on fresh random inputs.

Networks of 1 to 4 layers with distinct sizes (no m equals any n_l), every hidden activation with every output
activation, and fixtures that hang together: caches come from the reference forward pass, so a cache's A_prev
really is g(Z) of the layer before. Typical mistakes are recomputed here and named when the student's output
matches one of them.

The catalogue of typical mistakes (the public functions `*_mistakes`, `*_shape_hints` and the sentences in
capitals) is written once, here: the hidden checks use it on their random inputs, and autograder/visible/
deep_network.py on the notebook's worked examples, to generate the values the visible checks compare with.
"""

from __future__ import annotations

import copy
import itertools

import numpy as np

from course.checks.calling import call, unpack
from course.checks.deep_network import expect_keys, expected_keys, init_quality, init_seeds
from course.checks.report import Outcome, compare

from .. import reference as ref
from ._harness import checking, distinct_dims

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

HIDDEN = ref.ACTIVATIONS
OUTPUTS = ref.OUTPUT_ACTIVATIONS
# Tolerances that accept float32 intermediates (relative error ~1e-7 per operation) in a correct solution.
FORWARD_TOL = {"rtol": 1e-5, "atol": 1e-6}
BACKWARD_TOL = {"rtol": 1e-4, "atol": 1e-6}


# --------------------------------------------------------------------------------------------------------
# Helpers shared by the checks below
# --------------------------------------------------------------------------------------------------------

def _softmax_rows(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def _output(Z, output):
    return ref.softmax(Z) if output == "softmax" else ref.activation_forward(Z, output)


def _network(rng, depth):
    """Random parameters for `depth` layers of distinct sizes, an input X and the number of examples m."""
    sizes = distinct_dims(rng, depth + 2, 2, 9)
    dims, m = sizes[:-1], sizes[-1]
    params = {}
    for layer in range(1, depth + 1):
        params[f"W{layer}"] = 1.3 * rng.standard_normal((dims[layer], dims[layer - 1])) / np.sqrt(dims[layer - 1])
        params[f"b{layer}"] = 0.5 * rng.standard_normal((dims[layer], 1))
    return params, rng.standard_normal((dims[0], m))


def _targets(rng, output, shape):
    if output == "sigmoid":
        Y = (rng.uniform(size=shape) < 0.5).astype(float)
        Y.flat[0], Y.flat[-1] = 0.0, 1.0  # both labels occur
        return Y
    if output == "softmax":
        Y = np.zeros(shape)
        Y[rng.integers(0, shape[0], shape[1]), np.arange(shape[1])] = 1.0
        return Y
    return rng.standard_normal(shape)


def compare_group(report, name, items):
    """Compare several (label, actual, expected, kwargs) at once: one line if all are right, else the wrong ones."""
    outcomes = [compare(f"{name} {label}", actual, expected, **kwargs) for label, actual, expected, kwargs in items]
    bad = [o for o in outcomes if not o.ok]
    if not bad:
        return report.add(Outcome(name, True, f"{len(outcomes)} arrays ok"))
    for outcome in bad:
        report.add(outcome)
    return False


def cost_array_sentence(m=None):
    """What to say when a cost (over m examples, if given) comes back as an array."""
    where = f" over {m} examples" if m else ""
    return (f"a cost returned as an array{where}: add up the losses of all examples into one number "
            "(np.sum over everything) and return it, e.g. as float(...)")


def cost_shape_hints(Y):
    """{shape: sentence} for a cost returned as an array of per-example or per-entry losses (Y: (k, m))."""
    k, m = Y.shape
    return {shape: cost_array_sentence(m) for shape in ((1, m), (m,), (k, m), (k, 1), (k,)) if shape != (1,)}


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
        report.expect(name, False, f"is an array of shape {array.shape}",
                      cost_array_sentence(m))
        return None
    return float(array.reshape(()))


# --------------------------------------------------------------------------------------------------------
# initialize_parameters
# --------------------------------------------------------------------------------------------------------

# Accepted scale of a weight matrix: std between 0.6 and 2.0 times 1/sqrt(n_prev). He (sqrt(2/n_prev), ratio
# 1.41), LeCun/Xavier (sqrt(1/n_prev), ratio 1) and Glorot (sqrt(2/(n_prev + n_l))) all fall inside; unscaled
# N(0, 1) and a fixed 0.01 do not for the wide layers where the scale is measured.
RATIO_LOW, RATIO_HIGH = 0.6, 2.0
WIDE = 64  # the scale is measured on layers with at least this many inputs and 2000 weights


def init_targets(dims):
    """The targets of init_quality (course/checks/deep_network.py) for layer sizes dims: per layer the shapes
    of W and b and, for a wide layer, the range of the standard deviation of its weights."""
    targets = []
    for n_prev, n in itertools.pairwise(dims):
        measured = n * n_prev >= 2000 and n_prev >= WIDE
        std = (RATIO_LOW / np.sqrt(n_prev), RATIO_HIGH / np.sqrt(n_prev)) if measured else None
        targets.append({"W": (n, n_prev), "b": (n, 1), "std": std})
    return targets


def check_initialize_parameters(initialize_parameters):
    with checking('initialize_parameters', initialize_parameters) as (report, rng):
        small = distinct_dims(rng, 2, 2, 7)
        wide = [int(rng.integers(256, 513)), int(rng.integers(100, 200)), small[0], small[1]]
        for dims in (wide, distinct_dims(rng, 5, 2, 9), distinct_dims(rng, 2, 2, 9)):
            params = call(report, initialize_parameters, (list(dims), int(rng.integers(0, 1000))),
                          ["layer_dims", "seed"])
            init_quality(report, params, init_targets(dims), label=str(dims))
        # Also when the values are wrong: a seed written into the code is a mistake of its own, said alongside.
        init_seeds(report, initialize_parameters, distinct_dims(rng, 4, 2, 9))


# --------------------------------------------------------------------------------------------------------
# softmax
# --------------------------------------------------------------------------------------------------------

WRONG_AXIS = "softmax over the wrong axis: each column (one example) must sum to 1, so sum over axis=0"
NO_SHIFT = ("softmax without the max shift: e^z overflows (or every e^z underflows to 0) for logits in the "
            "thousands; subtract each column's maximum from Z before np.exp (it does not change the result)")


WHOLE_MATRIX = ("softmax divided by the sum over the whole matrix: each column (one example) is divided by its own "
                "sum, np.sum(E, axis=0, keepdims=True), so that every column sums to 1")


def _softmax_whole(Z):
    """e^z divided by the sum of e^z over all entries (one shift for the whole matrix: stable)."""
    E = np.exp(Z - Z.max())
    return E / E.sum()


def softmax_mistakes(Z):
    """{sentence: P} for the typical mistakes of a softmax of the logits Z (k, m)."""
    mistakes = {"softmax divides e^z by the sum of e^z over the column; was np.exp forgotten?":
                Z / Z.sum(axis=0, keepdims=True)}
    if Z.shape[1] > 1:
        mistakes[WRONG_AXIS] = _softmax_rows(Z)
        mistakes[WHOLE_MATRIX] = _softmax_whole(Z)
    return mistakes


def big_logit_mistakes(P, Z=None):
    """{sentence: P} for a softmax of logits Z in the thousands whose right probabilities are P."""
    mistakes = {NO_SHIFT: np.zeros_like(P)}
    if Z is not None and Z.shape[1] > 1:
        mistakes[WHOLE_MATRIX] = _softmax_whole(Z)
    return mistakes


def softmax_big(report, fn, Z, expected, label):
    """Logits in the thousands: the result must still be right, and a nan is explained."""
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        out = call(report, fn, (Z,), ["Z"])
    try:
        array = np.asarray(out, dtype=float)
    except (TypeError, ValueError):  # not numbers at all: the comparison below says so
        array = None
    if array is not None and array.shape == Z.shape and not np.all(np.isfinite(array)):
        return report.expect(label, False, "contains nan/inf", NO_SHIFT)
    # Loose tolerance: float32 cannot even represent logits near 1000 to better than 6e-5, and this comparison
    # is about overflow, not about the last digits (those are checked on small logits).
    return report.compare(label, out, expected, mistakes=big_logit_mistakes(expected, Z), rtol=1e-3,
                          atol=1e-5)


def check_softmax(softmax):
    with checking('softmax', softmax) as (report, rng):
        k, m = distinct_dims(rng, 2, 2, 8)
        for shape in [(k, m), (m, k), (k, 1)]:
            Z = 3.0 * rng.standard_normal(shape)
            with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
                out = call(report, softmax, (Z,), ["Z"])
            report.compare(f"P {shape}", out, ref.softmax(Z), mistakes=softmax_mistakes(Z))
        Z = 3.0 * rng.standard_normal((k, m))
        shift = float(rng.uniform(800.0, 3000.0))
        softmax_big(report, softmax, Z + shift, ref.softmax(Z), f"Z + {shift:.0f}")
        softmax_big(report, softmax, Z - shift, ref.softmax(Z), f"Z - {shift:.0f}")


# --------------------------------------------------------------------------------------------------------
# model_forward
# --------------------------------------------------------------------------------------------------------

CACHES_COUNT = ("one cache (Z, A_prev, W, b) per layer, layer 1 first: an off-by-one in the layer loop "
                "(range(1, L + 1) visits layers 1..L)?")
LAYER_ORDER = "caches must be in layer order, layer 1 first (append while going forward)"


def _forward_variant(X, params, hidden_fn, output_fn):
    """A forward pass with arbitrary activation functions: the outputs of typical mistakes."""
    L = len(params) // 2
    A = X
    for layer in range(1, L + 1):
        Z = params[f"W{layer}"] @ A + params[f"b{layer}"]
        A = hidden_fn(Z) if layer < L else output_fn(Z)
    return A


def forward_mistakes(X, params, hidden, output):
    """{sentence: AL} for the typical mistakes of model_forward(X, params, hidden, output)."""
    g_hidden = lambda Z: ref.activation_forward(Z, hidden)
    g_out = lambda Z: _output(Z, output)
    mistakes = {}
    if hidden != output:
        mistakes["the last layer was treated like the hidden ones: layer L uses output_activation, "
                 "not hidden_activation"] = _forward_variant(X, params, g_hidden, g_hidden)
    if output != "softmax" and output != hidden:
        mistakes["hidden layers use hidden_activation; output_activation is for layer L only"] = \
            _forward_variant(X, params, lambda Z: _output(Z, output), g_out)
    if output == "softmax":
        mistakes[WRONG_AXIS] = _forward_variant(X, params, g_hidden, _softmax_rows)
    if output != "linear":
        mistakes["the output activation was skipped: AL = g(Z[L])"] = _forward_variant(X, params, g_hidden,
                                                                                        lambda Z: Z)
    mistakes["b is missing: Z = W A_prev + b"] = _forward_variant(
        X, {k: (v * 0 if k.startswith("b") else v) for k, v in params.items()}, g_hidden, g_out)
    return mistakes


def cache_mistakes(caches, hidden, output):
    """Per layer (layer 1 first) {"Z": {sentence: value}, "A_prev": {sentence: value}}: the typical mistakes of
    the caches of model_forward, given the right caches."""
    L = len(caches)
    found = []
    for layer in range(1, L + 1):
        Z, _, _, _ = caches[layer - 1]
        act = hidden if layer < L else output
        A = _output(Z, act)
        z_mistakes = {"the cache must hold Z (before the activation), not A": A} if act != "linear" else {}
        a_mistakes = {f"the cache of layer {layer} must hold its input A[{layer - 1}], not its output": A}
        if layer > 1 and hidden != "linear":
            a_mistakes[f"the cache of layer {layer} must hold its input A[{layer - 1}] = g(Z[{layer - 1}]), not "
                       f"Z[{layer - 1}]"] = caches[layer - 2][0]
        if L > 1:
            other = caches[L - layer]
            a_mistakes[LAYER_ORDER] = other[1]
            z_mistakes[LAYER_ORDER] = other[0]
        found.append({"Z": z_mistakes, "A_prev": a_mistakes})
    return found


def cache_shape_hints(caches):
    """Per layer (layer 1 first) {part: {shape: sentence}} for caches in the wrong order."""
    L = len(caches)
    found = []
    for layer in range(1, L + 1):
        mine, other = caches[layer - 1], caches[L - layer]
        found.append({part: ({np.shape(other[k]): LAYER_ORDER} if np.shape(other[k]) != np.shape(mine[k]) else {})
                      for k, part in enumerate(("Z", "A_prev", "W", "b"))})
    return found


def _compare_caches(report, label, caches, expected, hidden, output):
    L = len(expected)
    if not isinstance(caches, (list, tuple)) or len(caches) != L:
        count = len(caches) if isinstance(caches, (list, tuple)) else type(caches).__name__
        report.expect(f"{label} caches", False, f"{count} caches for {L} layers", CACHES_COUNT)
        return
    first = unpack(report, caches[0], ["Z", "A_prev", "W", "b"])
    if L > 1 and np.shape(first[2]) == expected[-1][2].shape != expected[0][2].shape:
        report.expect(f"{label} caches", False, "layer L first", LAYER_ORDER)
        return
    wrong, hints = cache_mistakes(expected, hidden, output), cache_shape_hints(expected)
    items = []
    for layer in range(1, L + 1):
        got = unpack(report, caches[layer - 1], ["Z", "A_prev", "W", "b"])
        Z, A_prev, W, b = expected[layer - 1]
        mistakes, shapes = wrong[layer - 1], hints[layer - 1]
        items += [(f"Z[{layer}]", got[0], Z, dict(FORWARD_TOL, mistakes=mistakes["Z"], shape_hints=shapes["Z"])),
                  (f"A_prev[{layer}]", got[1], A_prev,
                   dict(FORWARD_TOL, mistakes=mistakes["A_prev"], shape_hints=shapes["A_prev"])),
                  (f"W[{layer}]", got[2], W, {"shape_hints": shapes["W"]}),
                  (f"b[{layer}]", got[3], b, {"shape_hints": shapes["b"]})]
    compare_group(report, f"{label} caches", items)


def check_model_forward(model_forward):
    names = ["X", "parameters", "hidden_activation", "output_activation"]
    with checking('model_forward', model_forward) as (report, rng):
        combos = list(itertools.product(HIDDEN, OUTPUTS)) + [(None, None)]
        for i, (hidden, output) in enumerate(combos):
            depth = 1 + i % 4 if hidden else 3
            params, X = _network(rng, depth)
            args = (X, params, hidden, output) if hidden else (X, params)
            hidden, output = hidden or "relu", output or "sigmoid"
            label = f"L={depth} {hidden}/{output}" + ("" if len(args) == 4 else " (defaults)")
            AL, caches = unpack(report, call(report, model_forward, args, names[:len(args)]), ["AL", "caches"])
            AL_ref, caches_ref = ref.model_forward(X, params, hidden, output)
            report.compare(f"{label} AL", AL, AL_ref, mistakes=forward_mistakes(X, params, hidden, output),
                           **FORWARD_TOL)
            _compare_caches(report, label, caches, caches_ref, hidden, output)


# --------------------------------------------------------------------------------------------------------
# Costs and their gradients
# --------------------------------------------------------------------------------------------------------

# Guarded logs. A correct cost may take its logs as log(A + ε), log(max(A, ε)) or log(clip(A, ε, 1 - ε)) with any
# ε <= GUARD, so that a probability of exactly 0 never gives -inf. The costs are therefore evaluated only where every
# probability whose log counts (a for y = 1, 1 - a for y = 0, the true class's a for softmax) lies in
# [P_FLOOR, 1 - P_FLOOR]: hidden inputs (binary_case, cross_entropy_case) and the worked examples alike.
# There clipping changes nothing (ε < P_FLOOR), and log(p + ε) - log(p) = log(1 + ε/p) lies in [0, ε/p], at most
# GUARD / P_FLOOR = 2e-6. The cost averages one such log per example, so a guarded cost is off by at most 2e-6;
# its gradient -Y/(A + ε) + (1 - Y)/(1 - A + ε) by a relative ε/p <= 2e-6 per entry, within the rtol 1e-5 that
# float32 intermediates need anyway. COST_TOL allows twice the cost's bound on top of that rtol. Every named cost
# mistake is far outside it: each differs from J by a whole term, a factor or a share of J, and J itself is at
# least -log(1 - P_FLOOR) = 0.05 (tests/test_checks_deep_network.py checks both claims on many draws).
GUARD = 1e-7
P_FLOOR = 0.05
COST_TOL = {"rtol": 1e-5, "atol": 2 * GUARD / P_FLOOR}


def binary_case(rng, m, k=1):
    """Predictions AL (k, m) in [P_FLOOR, 1 - P_FLOOR] and labels Y with both labels present."""
    AL = rng.uniform(P_FLOOR, 1 - P_FLOOR, (k, m))
    return AL, _targets(rng, "sigmoid", (k, m))


def cross_entropy_case(rng, k, m):
    """Softmax outputs AL (k, m) and one-hot Y whose true-class probabilities lie in [P_FLOOR, 1 - P_FLOOR]; the
    other classes share the rest as a softmax of random logits does (some of them tiny)."""
    Y = _targets(rng, "softmax", (k, m))
    true = rng.uniform(P_FLOOR, 1 - P_FLOOR, m)
    rest = ref.softmax(np.where(Y == 1, -np.inf, 2.0 * rng.standard_normal((k, m))))
    return np.where(Y == 1, true, rest * (1 - true)), Y


def compute_cost_mistakes(AL, Y):
    """{sentence: J} for the typical mistakes of the binary cross-entropy of AL against labels Y."""
    m = Y.shape[1]
    J = ref.compute_cost(AL, Y)
    return {"the (1 - y) log(1 - ŷ) term is missing: examples with label 0 count too":
            float(-(Y * np.log(AL)).sum() / m),
            "the y log ŷ term is missing: examples with label 1 count too": float(-((1 - Y) * np.log(1 - AL)).sum() / m),
            "use the natural logarithm np.log, not log10": J / np.log(10),
            "use the natural logarithm np.log, not log2": J / np.log(2)}


def check_compute_cost(compute_cost):
    with checking('compute_cost', compute_cost) as (report, rng):
        for m in distinct_dims(rng, 3, 2, 12):
            AL, Y = binary_case(rng, m)
            value = cost_number(report, f"J m={m}", call(report, compute_cost, (AL, Y), ["AL", "Y"]), m=m)
            if value is None:
                continue
            report.compare(f"J m={m}", value, ref.compute_cost(AL, Y), m=m, mistakes=compute_cost_mistakes(AL, Y),
                           **COST_TOL)


def cost_gradient_mistakes(AL, Y):
    """{sentence: dAL} for the typical mistakes of the binary cross-entropy's gradient."""
    return {"the second term is +(1 - Y)/(1 - AL): dAL = -Y/AL + (1 - Y)/(1 - AL)": -Y / AL - (1 - Y) / (1 - AL),
            "the first term is -Y/AL, not -Y/(1 - AL)": -Y / (1 - AL) + (1 - Y) / (1 - AL),
            "dAL is the derivative of the loss, not the loss: -Y/AL + (1 - Y)/(1 - AL)":
                -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))}


def check_cost_gradient(cost_gradient):
    # binary_case keeps AL in [P_FLOOR, 1 - P_FLOOR]: a guarded -Y/(AL + ε) + (1 - Y)/(1 - AL + ε) is off by a
    # relative ε/p <= 2e-6 per entry (see GUARD above), inside the default rtol 1e-5.
    with checking('cost_gradient', cost_gradient) as (report, rng):
        m, k = distinct_dims(rng, 2, 2, 9)
        for shape in [(1, m), (k, m)]:
            AL, Y = binary_case(rng, shape[1], shape[0])
            out = call(report, cost_gradient, (AL, Y), ["AL", "Y"])
            report.compare(f"dAL {shape}", out, ref.cost_gradient(AL, Y), m=shape[1],
                           mistakes=cost_gradient_mistakes(AL, Y))


def mse_cost_mistakes(AL, Y):
    """{sentence: J} for the typical mistakes of the squared-error cost of AL (k, m) against Y."""
    k = Y.shape[0]
    J = ref.mse_cost(AL, Y)
    mistakes = {"the ½ is missing: J = (1/m) Σ ½‖ŷ - y‖²": 2 * J}
    if k > 1:
        mistakes["divide by the m examples, not by all k·m entries (np.mean averages over the outputs too)"] = J / k
        mistakes["divide by the m examples, not by all k·m entries, and keep the ½"] = 2 * J / k
    return mistakes


def check_mse_cost(mse_cost):
    with checking('mse_cost', mse_cost) as (report, rng):
        # k >= 3: with k = 2 outputs, np.mean((AL - Y)**2) happens to equal the right cost.
        for k, m in [distinct_dims(rng, 2, 3, 9), (1, distinct_dims(rng, 1, 3, 9)[0])]:
            AL, Y = rng.standard_normal((k, m)), rng.standard_normal((k, m))
            value = cost_number(report, f"J ({k}, {m})", call(report, mse_cost, (AL, Y), ["AL", "Y"]), m=m)
            if value is None:
                continue
            report.compare(f"J ({k}, {m})", value, ref.mse_cost(AL, Y), m=m, mistakes=mse_cost_mistakes(AL, Y))


def mse_gradient_mistakes(AL, Y):
    """{sentence: dAL} for the typical mistakes of the squared error's gradient."""
    return {"the gradient of ½(ŷ - y)² is (ŷ - y): the ½ and the 2 cancel": 2 * (AL - Y)}


def check_mse_gradient(mse_gradient):
    with checking('mse_gradient', mse_gradient) as (report, rng):
        k, m = distinct_dims(rng, 2, 2, 9)
        for shape in [(k, m), (1, m)]:
            AL, Y = rng.standard_normal(shape), rng.standard_normal(shape)
            out = call(report, mse_gradient, (AL, Y), ["AL", "Y"])
            report.compare(f"dAL {shape}", out, ref.mse_gradient(AL, Y), m=m, mistakes=mse_gradient_mistakes(AL, Y))


def cross_entropy_mistakes(AL, Y):
    """{sentence: J} for the typical mistakes of the categorical cross-entropy of AL (k, m) against one-hot Y."""
    k, m = Y.shape
    J = ref.softmax_cross_entropy(AL, Y)
    return {"that is the binary cross-entropy: with softmax only the true class's -log p counts, -(1/m) Σ Y log AL":
            float(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)).sum() / m),
            "divide by the m examples, not by all k·m entries (np.mean averages over the classes too)": J / k,
            "only the true class's probability counts: Y log AL, not log AL over every class":
                float(-np.log(AL).sum() / m)}


def check_softmax_cross_entropy(softmax_cross_entropy):
    with checking('softmax_cross_entropy', softmax_cross_entropy) as (report, rng):
        for k, m in [distinct_dims(rng, 2, 2, 9), distinct_dims(rng, 2, 2, 9)]:
            AL, Y = cross_entropy_case(rng, k, m)
            value = cost_number(report, f"J ({k}, {m})", call(report, softmax_cross_entropy, (AL, Y), ["AL", "Y"]),
                                m=m)
            if value is None:
                continue
            report.compare(f"J ({k}, {m})", value, ref.softmax_cross_entropy(AL, Y), m=m,
                           mistakes=cross_entropy_mistakes(AL, Y), **COST_TOL)


# --------------------------------------------------------------------------------------------------------
# model_backward
# --------------------------------------------------------------------------------------------------------

SATURATED = ("start from dZ[L] = AL - Y: when the sigmoid saturates, AL is exactly 1.0 in floating point and "
             "dA[L] = -Y/AL + (1 - Y)/(1 - AL) divides by 1 - AL = 0 (inf, then inf · σ'(Z) = inf · 0 = nan)")


def _backward_variant(AL, Y, caches, hidden, dZ_L, hidden_dZ):
    """Gradients of a backward pass that starts from dZ_L and forms each hidden dZ with hidden_dZ(dA, Z)."""
    L = len(caches)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = ref.linear_backward(dZ_L, caches[L - 1])
    for layer in range(L - 1, 0, -1):
        dA, grads[f"dW{layer}"], grads[f"db{layer}"] = ref.linear_backward(hidden_dZ(dA, caches[layer - 1][0]),
                                                                         caches[layer - 1])
    return grads


def backward_mistakes(AL, Y, caches, hidden, output):
    """{sentence: grads} for the typical mistakes of model_backward(AL, Y, caches, hidden, output)."""
    Z_L = caches[-1][0]
    right = lambda dA, Z: dA * ref.activation_derivative(Z, hidden)
    variants = {}
    if output == "sigmoid":
        variants["dZ[L] = AL - Y already includes σ'(Z[L]) (sigmoid with cross-entropy): do not multiply by it "
                 "again"] = ((AL - Y) * ref.sigmoid_derivative(Z_L), right)
    if hidden != "linear" and len(caches) > 1:
        variants["hidden layers: dZ = dA ⊙ g'(Z); was g'(Z) skipped?"] = (AL - Y, lambda dA, Z: dA)
    if hidden in ("tanh", "sigmoid") and len(caches) > 1:
        variants["g' takes Z from the cache, not A = g(Z)"] = (
            AL - Y, lambda dA, Z: dA * ref.activation_derivative(ref.activation_forward(Z, hidden), hidden))
    if hidden != "linear" and output != "softmax" and hidden != output:
        variants["the last layer was treated like the hidden ones: dZ[L] = AL - Y, without the hidden g'"] = (
            (AL - Y) * ref.activation_derivative(Z_L, hidden), right)
    if len(caches) > 1:
        variants["the 1/m belongs to dW and db only: dA_prev = Wᵀ dZ has none, or the deeper layers get it twice"] \
            = (AL - Y, lambda dA, Z: dA * ref.activation_derivative(Z, hidden) / AL.shape[1])
    return {sentence: _backward_variant(AL, Y, caches, hidden, dZ_L, fn)
            for sentence, (dZ_L, fn) in variants.items()}


ZERO_INDEXED = "layer numbers start at 1 (dW1 is the gradient of W1, the first layer's matrix): an off-by-one?"


def backward_shape_hints(caches):
    """{key: {shape: sentence}} for gradients numbered from 0 (dW1 then holds the second layer's gradient)."""
    L = len(caches)
    hints = {}
    for layer in range(1, L + 1):
        _, _, W, b = caches[layer - 1]
        following = caches[layer] if layer < L else None
        for name, own, k in (("W", W, 2), ("b", b, 3)):
            other = np.shape(following[k]) if following is not None else None
            hints[f"d{name}{layer}"] = {other: ZERO_INDEXED} if other and other != np.shape(own) else {}
    return hints


def check_model_backward(model_backward):
    names = ["AL", "Y", "caches", "hidden_activation", "output_activation"]
    with checking('model_backward', model_backward) as (report, rng):
        # No case saturates the sigmoid (AL exactly 1.0): the lesson's route dA[L] -> dZ[L] is correct maths and
        # gives nan there, so it is taught in the notebook, not graded.
        combos = [(h, o, 0.0) for h, o in itertools.product(HIDDEN, OUTPUTS)]
        for i, (hidden, output, shift) in enumerate(combos):
            depth = 1 + i % 4 if not shift else 2
            params, X = _network(rng, depth)
            params[f"b{depth}"] = params[f"b{depth}"] + shift
            AL, caches = ref.model_forward(X, params, hidden, output)
            m = X.shape[1]
            Y = _targets(rng, output, AL.shape)
            label = f"L={depth} {hidden}/{output}" + (" saturated" if shift else "")
            keys = ["d" + k for k in expected_keys(depth)]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                grads = call(report, model_backward, (AL, Y, caches, hidden, output), names)
            if not expect_keys(report, f"{label} keys", grads, keys, "dW1..dWL, db1..dbL"):
                continue
            if shift and not all(np.all(np.isfinite(np.asarray(grads[k], dtype=float))) for k in keys):
                report.expect(label, False, "nan/inf in the gradients", SATURATED)
                continue
            want = ref.model_backward(AL, Y, caches, hidden, output)
            wrong = backward_mistakes(AL, Y, caches, hidden, output)
            hints = backward_shape_hints(caches)
            compare_group(report, label, [
                (key, grads[key], want[key], dict(BACKWARD_TOL, m=m, mistakes={s: v[key] for s, v in wrong.items()},
                                                  shape_hints=hints[key]))
                for key in keys])


# --------------------------------------------------------------------------------------------------------
# update_parameters
# --------------------------------------------------------------------------------------------------------

STEP_SIGN = "W ← W - α dW: the step goes against the gradient (a minus sign)"


def update_mistakes(params, grads, lr):
    """{parameter name: {sentence: new value}} for the typical mistakes of one gradient-descent step."""
    return {name: {STEP_SIGN: value + lr * grads[f"d{name}"],
                   "the learning rate is missing: W ← W - α dW": value - grads[f"d{name}"]}
            for name, value in params.items()}


def update_compare(report, label, new, params, grads, lr, expected, given=None):
    """Compare the new parameters with expected; params, grads: the inputs as drawn (never the ones the student's
    function was handed, which it may have changed); given: the dict it was handed, if it ran in this process."""
    if not expect_keys(report, f"{label} keys", new, list(params), ", ".join(params) + " (the names of parameters)"):
        return
    if given is not None:
        report.expect(f"{label} new", new is not given, "a new dict",
                      "return a new dict (the docstring's new_parameters): the caller still needs the old parameters")
    wrong = update_mistakes(params, grads, lr)
    compare_group(report, label, [(name, new[name], expected[name], {"mistakes": wrong[name]}) for name in params])


def check_update_parameters(update_parameters):
    names = ["parameters", "grads", "learning_rate"]
    with checking('update_parameters', update_parameters) as (report, rng):
        for depth in (1, 3):
            params, _ = _network(rng, depth)
            grads = {f"d{k}": rng.standard_normal(v.shape) for k, v in params.items()}
            lr = float(rng.uniform(0.01, 2.0))
            # Expected values and mistakes come from the inputs as drawn: a function that updates the caller's
            # arrays in place returns the right values (so no "minus sign"), and loses its points on the line
            # `inputs` alone, which says what the numbers show (the docstring asks for the inputs unchanged).
            drawn, drawn_grads = copy.deepcopy(params), copy.deepcopy(grads)
            new = call(report, update_parameters, (params, grads, lr), names)
            update_compare(report, f"L={depth} α={lr:.3g}", new, drawn, drawn_grads, lr,
                           ref.update_parameters(drawn, drawn_grads, lr), given=params)


# --------------------------------------------------------------------------------------------------------
# tied_weights_backward
# --------------------------------------------------------------------------------------------------------

def _tied_pieces(X, Y, W, b1, b2, hidden, g_of_A=False, skip_gprime=False):
    """Both layers' shares of dW, and db1, db2, computed with ref pieces, optionally with a typical mistake."""
    A1, cache1 = ref.layer_forward(X, W, b1, hidden)
    A2, cache2 = ref.layer_forward(A1, W, b2, "linear")
    dA1, dW2, db2 = ref.linear_backward(ref.mse_gradient(A2, Y), cache2)
    Z1 = cache1[0]
    if skip_gprime:
        dZ1 = dA1
    elif g_of_A:
        dZ1 = dA1 * ref.activation_derivative(A1, hidden)
    else:
        dZ1 = dA1 * ref.activation_derivative(Z1, hidden)
    _, dW1, db1 = ref.linear_backward(dZ1, cache1)
    return dW1, dW2, db1, db2


def tied_mistakes(X, Y, W, b1, b2, hidden):
    """{"dW": {sentence: value}, "db1": {...}, "db2": {...}}: the typical mistakes of tied_weights_backward."""
    dW1, dW2, db1, db2 = _tied_pieces(X, Y, W, b1, b2, hidden)
    found = {"dW": {
        "dW must add both layers' shares, dW = dW[1] + dW[2]; that is layer 1's share alone": dW1,
        "dW must add both layers' shares, dW = dW[1] + dW[2]; that is layer 2's share alone": dW2,
        "add the two shares, do not average them: dW = dW[1] + dW[2]": (dW1 + dW2) / 2,
        "one of the two shares is transposed: both are dZ A_prevᵀ of their own layer": dW1 + dW2.T,
    }, "db1": {}, "db2": {}}
    swapped = "db1 and db2 are swapped: db1 belongs to the first (hidden) layer"
    found["db1"][swapped], found["db2"][swapped] = db2, db1
    if hidden != "linear":
        sW1, _, sdb1, _ = _tied_pieces(X, Y, W, b1, b2, hidden, skip_gprime=True)
        found["dW"]["layer 1: dZ1 = dA1 ⊙ g'(Z1); was g'(Z1) skipped?"] = sW1 + dW2
        found["db1"]["layer 1: dZ1 = dA1 ⊙ g'(Z1); was g'(Z1) skipped?"] = sdb1
    if hidden in ("tanh", "sigmoid"):
        aW1, _, adb1, _ = _tied_pieces(X, Y, W, b1, b2, hidden, g_of_A=True)
        found["dW"]["g' takes Z1 from the cache, not A1 = g(Z1)"] = aW1 + dW2
        found["db1"]["g' takes Z1 from the cache, not A1 = g(Z1)"] = adb1
    return found


def check_tied_weights_backward(tied_weights_backward):
    names = ["X", "Y", "W", "b1", "b2", "hidden_activation"]
    with checking('tied_weights_backward', tied_weights_backward) as (report, rng):
        for hidden in HIDDEN:
            n, m = distinct_dims(rng, 2, 2, 8)
            W = 1.3 * rng.standard_normal((n, n)) / np.sqrt(n)
            b1, b2 = 0.5 * rng.standard_normal((n, 1)), 0.5 * rng.standard_normal((n, 1))
            X, Y = rng.standard_normal((n, m)), rng.standard_normal((n, m))
            args = (X, Y, W, b1, b2) if hidden == "tanh" else (X, Y, W, b1, b2, hidden)
            label = f"n={n} m={m} {hidden}" + (" (default)" if hidden == "tanh" else "")
            grads = call(report, tied_weights_backward, args, names[:len(args)])
            if not expect_keys(report, f"{label} keys", grads, ["dW", "db1", "db2"], "dW, db1, db2"):
                continue
            want = ref.tied_weights_backward(X, Y, W, b1, b2, hidden)
            wrong = tied_mistakes(X, Y, W, b1, b2, hidden)
            compare_group(report, label, [(key, grads[key], want[key], dict(BACKWARD_TOL, m=m, mistakes=wrong[key]))
                                          for key in ("dW", "db1", "db2")])
