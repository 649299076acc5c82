"""The stored visible checks of assignment 03 "L layers, end to end", on the notebook's worked examples.

The worked examples are those the notebook computes by hand: a network of 2 inputs, 3 ReLU units and one sigmoid
unit on 4 examples (and the same network with a 3-class softmax output), softmax logits whose columns have
exponentials proportional to (1, 2, 5), (1, 1, 1), (3, 1, 1), (1, 3, 1), the costs of the notebook's predictions,
a gradient-descent step with learning rate 0.1. Besides them, small fixed networks (drawn here once, from fixed
seeds) cover every hidden activation and depths 1 to 4. Expected values come from the reference, the mistakes
from the hidden checks' catalogue; initialize_parameters stores the targets of its property check.
"""

from __future__ import annotations

import numpy as np

from .. import reference as ref
from ..hidden.deep_network import (
    BACKWARD_TOL,
    CACHES_COUNT,
    COST_TOL,
    FORWARD_TOL,
    NO_SHIFT,
    backward_mistakes,
    backward_shape_hints,
    big_logit_mistakes,
    cache_mistakes,
    cache_shape_hints,
    compute_cost_mistakes,
    cost_gradient_mistakes,
    cost_shape_hints,
    cross_entropy_mistakes,
    forward_mistakes,
    init_targets,
    mse_cost_mistakes,
    mse_gradient_mistakes,
    softmax_mistakes,
    tied_mistakes,
    update_mistakes,
)
from .script import Script

# initialize_parameters: the scale is measured on the wide layer (300 inputs, 60000 weights).
INIT_DIMS = ([300, 200, 7, 1], [4, 3])
SEED_DIMS = [5, 4, 3]

# softmax: 3 classes, 4 examples. Column by column the exponentials are proportional to (1, 2, 5), (1, 1, 1),
# (3, 1, 1) and (1, 3, 1).
Z_SOFT = np.array([[0.0, 1.0, np.log(3.0), 2.0],
                   [np.log(2.0), 1.0, 0.0, 2.0 + np.log(3.0)],
                   [np.log(5.0), 1.0, 0.0, 2.0]])
P_SOFT = np.array([[1 / 8, 1 / 3, 3 / 5, 1 / 5],
                   [2 / 8, 1 / 3, 1 / 5, 3 / 5],
                   [5 / 8, 1 / 3, 1 / 5, 1 / 5]])

# model_forward: 2 inputs, 3 ReLU units, 1 sigmoid output, 4 examples; Z1 and Z2 by hand in the notebook.
X_NET = np.array([[1.0, 0.0, -1.0, 2.0],
                  [2.0, -1.0, 0.0, 1.0]])
PARAMS_NET = {
    "W1": np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0]]), "b1": np.array([[0.0], [-0.5], [1.0]]),
    "W2": np.array([[1.0, -2.0, 0.5]]), "b2": np.array([[-0.5]]),
}
# The same network with a 3-class softmax output layer (rows 2 and 3 of W2 are new).
PARAMS_NET3 = dict(PARAMS_NET, W2=np.array([[1.0, -2.0, 0.5], [0.0, 1.0, -1.0], [0.5, 0.0, 0.0]]),
                   b2=np.array([[-0.5], [0.0], [1.0]]))
# Small networks of 1 to 4 layers with every hidden activation: (layer sizes, m, hidden, output), drawn in this
# order from one generator seeded with 3.
FORWARD_CASES = [([3, 5, 4, 2, 1], 6, "tanh", "sigmoid"), ([4, 2], 3, "relu", "linear"),
                 ([2, 6, 3], 5, "sigmoid", "softmax"), ([5, 3, 4], 2, "linear", "sigmoid")]

# Binary cross-entropy: predictions 0.8, 0.9, 0.4 for labels 1, 1, 0; a coin flip; other values for the gradient.
AL_BCE, Y_BCE = np.array([[0.8, 0.9, 0.4]]), np.array([[1.0, 1.0, 0.0]])
AL_COIN, Y_COIN = np.full((1, 5), 0.5), np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])
AL_BCE2, Y_BCE2 = np.array([[0.3, 0.65, 0.2, 0.8]]), np.array([[0.0, 1.0, 1.0, 0.0]])

# Squared error: 3 outputs, 4 examples, errors ŷ - y = D_MSE; and one output over 5 examples.
AL_MSE = np.array([[1.0, 2.0, 0.5, 0.0], [0.0, -1.0, 3.0, 1.0], [2.0, 0.0, 1.0, 1.0]])
D_MSE = np.array([[-0.5, 0.0, 1.0, 1.0], [-1.0, 0.0, 2.0, 0.0], [0.0, 1.0, 0.0, -1.0]])
Y_MSE = AL_MSE - D_MSE
AL_MSE1, Y_MSE1 = np.array([[0.5, -1.0, 2.0, 0.0, 1.5]]), np.array([[1.0, -1.5, 2.0, 1.0, 0.0]])

# Categorical cross-entropy on P_SOFT with true classes 2, 0, 0, 1; and a network that knows nothing.
Y_CCE = np.array([[0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]])
AL_UNIFORM, Y_UNIFORM = np.full((3, 5), 1 / 3), Y_CCE[:, [0, 1, 2, 3, 0]].copy()

# model_backward: (layer sizes, m, hidden, output, seed). The seeds keep every hidden ReLU |Z| >= 0.02.
BACKWARD_CASES = [
    ([3, 5, 4, 1], 6, "relu", "sigmoid", 11),   # the ReLU-ReLU-sigmoid network of the lecture notes
    ([4, 5, 3], 6, "tanh", "softmax", 12),
    ([2, 3, 4, 2], 5, "sigmoid", "linear", 13),
    ([4, 1], 3, "relu", "sigmoid", 14),          # one layer: it is the output layer
    ([3, 2, 4, 5, 2], 7, "relu", "softmax", 15),
]

# update_parameters: the new values with learning rate 0.1 are worked by hand in the notebook.
PARAMS_UPD = {"W1": np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -1.0]]), "b1": np.array([[0.5], [-0.5]]),
              "W2": np.array([[2.0, -1.0]]), "b2": np.array([[0.0]])}
GRADS_UPD = {"dW1": np.array([[10.0, 0.0, -5.0], [2.0, -20.0, 1.0]]), "db1": np.array([[1.0], [-3.0]]),
             "dW2": np.array([[-4.0, 6.0]]), "db2": np.array([[2.5]])}

# tied_weights_backward: (n, m, hidden activation, seed), every hidden activation (tanh is the default).
TIED_CASES = [(3, 5, "tanh", 21), (4, 3, "relu", 22), (2, 6, "sigmoid", 23), (3, 4, "linear", 24)]


def random_network(rng, dims, m, scale=1.0):
    """Parameters W ~ N(0, scale²/n_prev), b ~ N(0, 0.3²) for layer sizes dims, and an input X (dims[0], m)."""
    params = {}
    for layer in range(1, len(dims)):
        params[f"W{layer}"] = scale * rng.standard_normal((dims[layer], dims[layer - 1])) / np.sqrt(dims[layer - 1])
        params[f"b{layer}"] = 0.3 * rng.standard_normal((dims[layer], 1))
    return params, rng.standard_normal((dims[0], m))


def _targets(rng, output, shape):
    if output == "sigmoid":
        return (rng.uniform(size=shape) < 0.5).astype(float)
    if output == "softmax":
        Y = np.zeros(shape)
        Y[rng.integers(0, shape[0], shape[1]), np.arange(shape[1])] = 1.0
        return Y
    return rng.standard_normal(shape)


def backward_fixture(case):
    """(parameters, X, Y) of a case of BACKWARD_CASES."""
    dims, m, _, output, seed = case
    rng = np.random.default_rng(seed)
    params, X = random_network(rng, dims, m, scale=1.5)
    return params, X, _targets(rng, output, (dims[-1], m))


def forward_fixtures():
    """(parameters, X) of each case of FORWARD_CASES."""
    rng = np.random.default_rng(3)
    return [random_network(rng, dims, m) for dims, m, _, _ in FORWARD_CASES]


def tied_fixture(n, m, seed):
    """(X, Y, W, b1, b2) of a case of TIED_CASES."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n)) / np.sqrt(n) * 1.5
    b1, b2 = 0.3 * rng.standard_normal((n, 1)), 0.3 * rng.standard_normal((n, 1))
    X, Y = rng.standard_normal((n, m)), rng.standard_normal((n, m))
    return X, Y, W, b1, b2


# --------------------------------------------------------------------------------------------------------

def _initialize_parameters():
    script = Script("initialize_parameters",
                    "layer_dims [300, 200, 7, 1] and [4, 3]: keys, shapes, zero biases, no two units alike, the "
                    "spread of the wide layer's weights; the same seed gives the same parameters, another seed "
                    "other ones.")
    script.store("cases", [{"dims": list(dims), "layers": init_targets(dims)} for dims in INIT_DIMS])
    script.store("seed_dims", SEED_DIMS)
    return script


def _softmax():
    script = Script("softmax", "The worked example (columns proportional to (1, 2, 5), (1, 1, 1), (3, 1, 1), "
                               "(1, 3, 1)), one column alone, and the same logits shifted by +1000 and -1000 (same "
                               "probabilities, no overflow, no nan).")
    P = ref.softmax(Z_SOFT)
    script.call((Z_SOFT,), ["Z"]).compare([], "P", P, mistakes=softmax_mistakes(Z_SOFT))
    one = Z_SOFT[:, :1].copy()
    script.call((one,), ["Z"]).compare([], "m=1", ref.softmax(one), mistakes=softmax_mistakes(one))
    for shift in (1000.0, -1000.0):
        script.call((Z_SOFT + shift,), ["Z"]).compare(
            [], f"Z {'+' if shift > 0 else '-'} 1000", P, mistakes=big_logit_mistakes(P, Z_SOFT + shift), nonfinite=NO_SHIFT,
            rtol=1e-3, atol=1e-5)
    return script


def _forward_call(script, X, params, hidden, output, label, args, *, inputs=False, caches_shown=None):
    """One call of model_forward: AL always, the cached Z and A_prev of the layers in caches_shown (all by
    default), and the cached W, b when `inputs`."""
    names = ["X", "parameters", "hidden_activation", "output_activation"][:len(args)]
    AL, caches = ref.model_forward(X, params, hidden, output)
    L = len(caches)
    step = script.call(args, names, unpack=["AL", "caches"])
    step.part([1], [f"cache {layer}" for layer in range(1, L + 1)], hint=CACHES_COUNT)
    for layer in range(L):
        step.part([1, layer], ["Z", "A_prev", "W", "b"])
    step.compare([0], f"{label} AL", AL, mistakes=forward_mistakes(X, params, hidden, output), **FORWARD_TOL)
    wrong, hints = cache_mistakes(caches, hidden, output), cache_shape_hints(caches)
    for layer in (range(1, L + 1) if caches_shown is None else caches_shown):
        for k, part in enumerate(("Z", "A_prev", "W", "b")):
            if part in ("W", "b") and not inputs:
                continue
            if part == "A_prev" and layer == 1 and not inputs:
                continue
            tol = FORWARD_TOL if part in ("Z", "A_prev") else {}
            step.compare([1, layer - 1, k], f"{label} {part}[{layer}]", caches[layer - 1][k],
                         mistakes=wrong[layer - 1].get(part), shape_hints=hints[layer - 1][part], **tol)
    return step


def _model_forward():
    script = Script("model_forward",
                    "The worked example (2 inputs, 3 ReLU units, 1 sigmoid unit, 4 examples): AL and both caches "
                    "as computed by hand in the notebook, also with the default activations and with \"linear\" "
                    "and 3-class \"softmax\" outputs; then networks of 1 to 4 layers with every hidden activation.")
    _forward_call(script, X_NET, PARAMS_NET, "relu", "sigmoid", "sigmoid", (X_NET, PARAMS_NET, "relu", "sigmoid"),
                  inputs=True)
    _forward_call(script, X_NET, PARAMS_NET, "relu", "sigmoid", "defaults", (X_NET, PARAMS_NET), caches_shown=())
    _forward_call(script, X_NET, PARAMS_NET, "relu", "linear", "linear", (X_NET, PARAMS_NET, "relu", "linear"),
                  caches_shown=(2,))
    _forward_call(script, X_NET, PARAMS_NET3, "relu", "softmax", "softmax",
                  (X_NET, PARAMS_NET3, "relu", "softmax"), caches_shown=(2,))
    for (dims, _, hidden, output), (params, X) in zip(FORWARD_CASES, forward_fixtures()):
        _forward_call(script, X, params, hidden, output, f"L={len(dims) - 1} {hidden}/{output}",
                      (X, params, hidden, output))
    return script


def _cost(exercise, reference, mistakes, cases, doc, tolerance=None):
    """A cost's script; tolerance: {"rtol", "atol"} for the log costs (COST_TOL: every probability whose log
    counts in these worked examples lies in [P_FLOOR, 1 - P_FLOOR], so a guarded log is within it)."""
    script = Script(exercise, doc)
    for label, AL, Y in cases:
        script.call((AL, Y), ["AL", "Y"]).compare([], label, reference(AL, Y), m=Y.shape[1], mistakes=mistakes(AL, Y),
                                                  shape_hints=cost_shape_hints(Y), **(tolerance or {}))
    return script


def _gradient(exercise, reference, mistakes, cases, doc):
    script = Script(exercise, doc)
    for label, AL, Y in cases:
        script.call((AL, Y), ["AL", "Y"]).compare([], label, reference(AL, Y), m=Y.shape[1], mistakes=mistakes(AL, Y))
    return script


def _model_backward():
    script = Script("model_backward",
                    "Fixed networks of 1 to 4 layers with each output activation (dJ/dZ[L] = (AL - Y)/m for all "
                    "three), including the lecture notes' ReLU-ReLU-sigmoid network: every dW and db, by key.")
    names = ["AL", "Y", "caches", "hidden_activation", "output_activation"]
    for case in BACKWARD_CASES:
        _, m, hidden, output, _ = case
        params, X, Y = backward_fixture(case)
        AL, caches = ref.model_forward(X, params, hidden, output)
        want = ref.model_backward(AL, Y, caches, hidden, output)
        wrong = backward_mistakes(AL, Y, caches, hidden, output)
        hints = backward_shape_hints(caches)
        L = len(caches)
        step = script.call((AL, Y, caches, hidden, output), names)
        for key in [f"dW{layer}" for layer in range(1, L + 1)] + [f"db{layer}" for layer in range(1, L + 1)]:
            step.compare([key], f"L={L} {hidden}/{output} {key}", want[key], m=m,
                         mistakes={sentence: grads[key] for sentence, grads in wrong.items()},
                         shape_hints=hints[key], **BACKWARD_TOL)
    return script


def _tied_weights_backward():
    script = Script("tied_weights_backward",
                    "Tied two-layer networks (A1 = g(W X + b1), A2 = W A1 + b2, squared-error cost) for every "
                    "hidden activation, tanh by default: dW must be the sum of the two layers' shares.")
    names = ["X", "Y", "W", "b1", "b2", "hidden_activation"]
    for n, m, hidden, seed in TIED_CASES:
        X, Y, W, b1, b2 = tied_fixture(n, m, seed)
        args = (X, Y, W, b1, b2) if hidden == "tanh" else (X, Y, W, b1, b2, hidden)
        label = hidden + (" (default)" if hidden == "tanh" else "")
        want = ref.tied_weights_backward(X, Y, W, b1, b2, hidden)
        wrong = tied_mistakes(X, Y, W, b1, b2, hidden)
        step = script.call(args, names[:len(args)])
        for key in ("dW", "db1", "db2"):
            step.compare([key], f"{label} {key}", want[key], m=m, mistakes=wrong[key], **BACKWARD_TOL)
    return script


def _update_parameters():
    script = Script("update_parameters",
                    "The worked example with learning rate 0.1 (new values by hand in the notebook) and with "
                    "learning rate 0; the parameters and gradients you were given are left unchanged.")
    names = ["parameters", "grads", "learning_rate"]
    for lr in (0.1, 0.0):
        want = ref.update_parameters(PARAMS_UPD, GRADS_UPD, lr)
        wrong = update_mistakes(PARAMS_UPD, GRADS_UPD, lr)
        step = script.call((PARAMS_UPD, GRADS_UPD, lr), names)
        for name in PARAMS_UPD:
            step.compare([name], f"α={lr:g} {name}", want[name], mistakes=wrong[name])
    return script


def scripts():
    """{exercise: Script} of assignment 03."""
    return {script.exercise: script for script in (
        _initialize_parameters(),
        _softmax(),
        _model_forward(),
        _cost("compute_cost", ref.compute_cost, compute_cost_mistakes,
              [("J", AL_BCE, Y_BCE), ("J coin flip", AL_COIN, Y_COIN)],
              "The worked example (predictions 0.8, 0.9, 0.4 for labels 1, 1, 0: J = 0.2798) and a coin flip "
              "(every prediction 0.5: J = ln 2 whatever the labels); the cost must be one number.", COST_TOL),
        _gradient("cost_gradient", ref.cost_gradient, cost_gradient_mistakes,
                  [("dAL", AL_BCE, Y_BCE), ("dAL 4 examples", AL_BCE2, Y_BCE2)],
                  "The worked example (dAL = -1/0.8, -1/0.9, +1/0.6) and four more predictions; cost_gradient is "
                  "per example (no 1/m)."),
        _cost("mse_cost", ref.mse_cost, mse_cost_mistakes,
              [("J", AL_MSE, Y_MSE), ("J one output", AL_MSE1, Y_MSE1)],
              "The worked example (3 outputs, 4 examples: J = 4.625 / 4 = 1.15625) and one output over 5 "
              "examples; the cost must be one number."),
        _gradient("mse_gradient", ref.mse_gradient, mse_gradient_mistakes,
                  [("dAL", AL_MSE, Y_MSE), ("dAL one output", AL_MSE1, Y_MSE1)],
                  "The worked example (dAL = ŷ - y) and one output over 5 examples; per example: no 1/m."),
        _cost("softmax_cross_entropy", ref.softmax_cross_entropy, cross_entropy_mistakes,
              [("J", P_SOFT, Y_CCE), ("J uniform", AL_UNIFORM, Y_UNIFORM)],
              "The worked example (probabilities 5/8, 1/3, 3/5, 3/5 for the true classes: J = 0.6476) and a "
              "network that knows nothing (probability 1/3 for each of 3 classes: J = ln 3); one number per call.",
              COST_TOL),
        _model_backward(),
        _tied_weights_backward(),
        _update_parameters(),
    )}
