"""Checks of assignment 03 "L layers, end to end", without Jupyter kernels.

* Every visible and hidden check passes on the reference, on correct solutions written differently (loops,
  einsum, float32 intermediates, a (1, 1) array or a NumPy scalar for a cost, other initialisation schemes) and
  on the notebook's own solution cells.
* Every mutant (a correct function with one typical mistake) fails the hidden check, with the mistake named
  where the check can name it, and the visible checks catch them all.
* The worked examples of the visible checks are the notebook's (their values by hand), and their fixed networks
  are what their comments promise (ReLU kinks far enough, no saturated output).
* Nothing is ever written to stderr.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import pathlib

import matplotlib
import numpy as np
import pytest

from autograder import hidden
from autograder import reference as ref
from autograder.engine.verdict import points_for, share_of
from autograder.exercises import BY_NAME
from autograder.hidden import deep_network as catalogue
from autograder.visible import deep_network as worked
from course import checks, datasets
from course.checks import CheckFailed

from . import mutants

matplotlib.use("Agg")

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "source" / "03_deep_network" / "03_deep_network.ipynb"
NAMES = ("sigmoid", "relu", "tanh", "linear")


# --------------------------------------------------------------------------------------------------------
# Helpers the solutions below use (underscored, so the hidden checks' isolation never swaps them).
# --------------------------------------------------------------------------------------------------------

def _g(Z, activation):
    if activation not in NAMES:
        raise ValueError(f"activation must be one of {NAMES}, not {activation!r}")
    return {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh,
            "linear": lambda z: z + 0.0}[activation](Z)


def _gp(Z, activation):
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-Z))
        return s * (1 - s)
    if activation == "relu":
        return np.where(Z > 0, 1.0, 0.0)
    if activation == "tanh":
        return 1 - np.tanh(Z) ** 2
    return np.ones(Z.shape)


def _softmax_lse(Z):
    shifted = Z - Z.max(axis=0)
    return np.exp(shifted - np.log(np.exp(shifted).sum(axis=0)))


def _forward(X, parameters, hidden, output, *, hidden_fn=None, output_fn=None, cache_A=False, stop=0,
             reverse=False):
    """A configurable forward pass: correct by default, one mistake per keyword."""
    L = len(parameters) // 2
    A, caches = X, []
    for layer in range(1, L + 1 - stop):
        W, b = parameters[f"W{layer}"], parameters[f"b{layer}"]
        Z = W @ A + b
        A_prev = A
        if layer < L:
            A = hidden_fn(Z) if hidden_fn else _g(Z, hidden)
        else:
            A = output_fn(Z) if output_fn else (_softmax_lse(Z) if output == "softmax" else _g(Z, output))
        caches.append((A if cache_A else Z, A_prev, W, b))
    return A, caches[::-1] if reverse else caches


def _backward(AL, Y, caches, hidden, *, dZ_L=None, hidden_dZ=None, dA_scale=1.0, prefix="d", first=1):
    """A configurable backward pass: correct by default, one mistake per keyword."""
    L = len(caches)
    grads = {}
    dZ = AL - Y if dZ_L is None else dZ_L
    dA = None                                   # set by layer L before any hidden layer reads it
    for layer in range(L, 0, -1):
        Z, A_prev, W, _ = caches[layer - 1]
        if layer < L:
            dZ = hidden_dZ(dA, Z) if hidden_dZ else dA * _gp(Z, hidden)
        m = A_prev.shape[1]
        grads[f"{prefix}W{layer - 1 + first}"] = dZ @ A_prev.T / m
        grads[f"{prefix}b{layer - 1 + first}"] = dZ.sum(axis=1, keepdims=True) / m
        dA = dA_scale * (W.T @ dZ)
    return grads


# --------------------------------------------------------------------------------------------------------
# Correct solutions, written differently from the reference
# --------------------------------------------------------------------------------------------------------

def init_lecun_legacy_rng(layer_dims, seed=0):
    state = np.random.RandomState(seed)
    out = {}
    for layer in range(1, len(layer_dims)):
        out["W" + str(layer)] = state.randn(layer_dims[layer], layer_dims[layer - 1]) / np.sqrt(layer_dims[layer - 1])
        out["b" + str(layer)] = np.zeros((layer_dims[layer], 1))
    return out


def init_he_uniform(layer_dims, seed=0):
    rng = np.random.default_rng(seed)
    out = {}
    for layer, (n_prev, n) in enumerate(itertools.pairwise(layer_dims), start=1):
        limit = np.sqrt(6.0 / n_prev)
        out[f"W{layer}"] = rng.uniform(-limit, limit, (n, n_prev))
        out[f"b{layer}"] = np.zeros((n, 1))
    return out


def init_glorot(layer_dims, seed=0):
    rng = np.random.default_rng(seed + 1000)
    out = {}
    for layer in range(1, len(layer_dims)):
        n_prev, n = layer_dims[layer - 1], layer_dims[layer]
        out[f"W{layer}"] = rng.normal(0.0, np.sqrt(2.0 / (n_prev + n)), size=(n, n_prev))
        out[f"b{layer}"] = np.zeros(shape=(n, 1))
    return out


def softmax_loop(Z):
    out = np.empty_like(Z, dtype=float)
    for i in range(Z.shape[1]):
        column = np.exp(Z[:, i] - np.max(Z[:, i]))
        out[:, i] = column / column.sum()
    return out


def softmax_float32(Z):
    Z32 = Z.astype(np.float32)
    E = np.exp(Z32 - Z32.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def softmax_global_max(Z):
    E = np.exp(Z - np.max(Z))          # one shift for the whole batch: fine for the logits of the checks
    return E / np.sum(E, axis=0)


def forward_explicit(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    A, caches = _forward(X, parameters, hidden_activation, output_activation)
    return A, tuple(caches)            # a tuple of caches instead of a list


def forward_float32(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    L = len([k for k in parameters if k.startswith("W")])
    A = X.astype(np.float32)
    caches = []
    for layer in range(1, L + 1):
        W, b = parameters[f"W{layer}"].astype(np.float32), parameters[f"b{layer}"].astype(np.float32)
        Z = W @ A + b
        caches.append([Z.astype(float), A.astype(float), parameters[f"W{layer}"], parameters[f"b{layer}"]])
        if layer < L:
            A = _g(Z, hidden_activation).astype(np.float32)
        elif output_activation == "softmax":
            A = softmax_float32(Z)
        else:
            A = _g(Z, output_activation)
    return A.astype(float), caches


def forward_with_layer_forward(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    caches = []
    A = X
    L = len(parameters) // 2
    for layer in range(1, L):
        A, cache = ref.layer_forward(A, parameters[f"W{layer}"], parameters[f"b{layer}"], hidden_activation)
        caches.append(cache)
    act = "linear" if output_activation == "softmax" else output_activation
    A, cache = ref.layer_forward(A, parameters[f"W{L}"], parameters[f"b{L}"], act)
    caches.append(cache)
    return (softmax_loop(A) if output_activation == "softmax" else A), caches


def cost_dot(AL, Y):
    m = Y.shape[1]
    return -(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m      # a (1, 1) array


def cost_squeeze(AL, Y):
    return np.squeeze(-np.mean(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))      # a 0-d array


def cost_float32(AL, Y):
    AL32, Y32 = AL.astype(np.float32), Y.astype(np.float32)
    return np.float32(-np.sum(Y32 * np.log(AL32) + (1 - Y32) * np.log1p(-AL32)) / Y.shape[1])


def cost_gradient_seed(AL, Y):
    return -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))


def cost_gradient_float32(AL, Y):
    AL32 = AL.astype(np.float32)
    return (-Y / AL32 + (1 - Y) / (1 - AL32)).astype(float)


def mse_columns(AL, Y):
    return np.mean(0.5 * np.sum((AL - Y) ** 2, axis=0))


def mse_einsum(AL, Y):
    D = AL - Y
    return np.array([[0.5 * np.einsum("ki,ki->", D, D) / Y.shape[1]]])


def mse_gradient_subtract(AL, Y):
    return np.subtract(AL, Y)


def mse_gradient_float32(AL, Y):
    return AL.astype(np.float32) - Y.astype(np.float32)


def ce_mask(AL, Y):
    return -np.sum(np.log(AL[Y == 1])) / Y.shape[1]


def ce_columns(AL, Y):
    return -np.mean(np.sum(Y * np.log(AL), axis=0))


# The usual guards of a log cost, with the largest ε the README allows (1e-7): correct, full marks everywhere.
EPS = 1e-7


def cost_guard_eps(AL, Y):
    return float(-np.mean(Y * np.log(AL + EPS) + (1 - Y) * np.log(1 - AL + EPS)))


def cost_clip(AL, Y):
    A = np.clip(AL, EPS, 1 - EPS)
    return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / Y.shape[1]


def cost_gradient_guard(AL, Y):
    return -Y / (AL + EPS) + (1 - Y) / (1 - AL + EPS)


def ce_guard_eps(AL, Y):
    return float(-np.sum(Y * np.log(AL + EPS)) / Y.shape[1])


def ce_maximum(AL, Y):
    return -np.mean(np.sum(Y * np.log(np.maximum(AL, EPS)), axis=0))


def ce_clip(AL, Y):
    return float(-np.sum(Y * np.log(np.clip(AL, EPS, 1 - EPS))) / Y.shape[1])


GUARDED = {"compute_cost": [cost_guard_eps, cost_clip], "cost_gradient": [cost_gradient_guard],
           "softmax_cross_entropy": [ce_guard_eps, ce_maximum, ce_clip]}


def backward_loop(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    return _backward(AL, Y, list(caches), hidden_activation)


def backward_einsum(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    grads = {}
    dZ, dA = AL - Y, None
    for layer in reversed(range(1, len(caches) + 1)):
        Z, A_prev, W, _ = caches[layer - 1]
        if layer < len(caches):
            dZ = dA * _gp(Z, hidden_activation)
        m = A_prev.shape[1]
        grads[f"dW{layer}"] = np.einsum("ji,ki->jk", dZ, A_prev) / m
        grads[f"db{layer}"] = dZ.mean(axis=1, keepdims=True)
        dA = np.einsum("jk,ji->ki", W, dZ)
    return grads


def backward_float32(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    grads = {}
    L = len(caches)
    dZ, dA = (AL - Y).astype(np.float32), None
    for layer in range(L, 0, -1):
        Z, A_prev, W, _ = caches[layer - 1]
        if layer < L:
            dZ = dA * _gp(Z, hidden_activation).astype(np.float32)
        m = A_prev.shape[1]
        grads[f"dW{layer}"] = dZ @ A_prev.T.astype(np.float32) / m
        grads[f"db{layer}"] = np.sum(dZ, axis=1, keepdims=True) / m
        dA = W.T.astype(np.float32) @ dZ
    return grads


def backward_with_layer_backward(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    L = len(caches)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = ref.layer_backward(AL - Y, caches[-1], "linear")
    for layer in range(L - 1, 0, -1):
        dA, grads[f"dW{layer}"], grads[f"db{layer}"] = ref.layer_backward(dA, caches[layer - 1], hidden_activation)
    return grads


def update_copy(parameters, grads, learning_rate):
    new = {}
    for name in parameters:
        new[name] = np.copy(parameters[name])
        new[name] -= learning_rate * grads["d" + name]
    return new


def update_by_layer(parameters, grads, learning_rate):
    new = {}
    for layer in range(1, len(parameters) // 2 + 1):
        new[f"W{layer}"] = parameters[f"W{layer}"] - learning_rate * grads[f"dW{layer}"]
        new[f"b{layer}"] = parameters[f"b{layer}"] - learning_rate * grads[f"db{layer}"]
    return new


def tied_by_hand(X, Y, W, b1, b2, hidden_activation="tanh"):
    m = X.shape[1]
    Z1 = W @ X + b1
    A1 = _g(Z1, hidden_activation)
    A2 = W @ A1 + b2
    dZ2 = A2 - Y
    dZ1 = (W.T @ dZ2) * _gp(Z1, hidden_activation)
    return {"dW": (dZ1 @ X.T + dZ2 @ A1.T) / m, "db1": dZ1.mean(axis=1, keepdims=True),
            "db2": dZ2.mean(axis=1, keepdims=True)}


def tied_float32(X, Y, W, b1, b2, hidden_activation="tanh"):
    X32, W32 = X.astype(np.float32), W.astype(np.float32)
    m = X.shape[1]
    Z1 = W32 @ X32 + b1.astype(np.float32)
    A1 = _g(Z1, hidden_activation)
    dZ2 = W32 @ A1 + b2.astype(np.float32) - Y.astype(np.float32)
    dZ1 = (W32.T @ dZ2) * _gp(Z1, hidden_activation)
    return {"dW": np.einsum("ji,ki->jk", dZ1, X32) / m + np.einsum("ji,ki->jk", dZ2, A1) / m,
            "db1": dZ1.sum(axis=1, keepdims=True) / m, "db2": dZ2.sum(axis=1, keepdims=True) / m}


def backward_seed_route(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    dZ_L = AL - Y
    if output_activation == "sigmoid":
        dZ_L = (-Y / AL + (1 - Y) / (1 - AL)) * _gp(caches[-1][0], "sigmoid")
    return _backward(AL, Y, caches, hidden_activation, dZ_L=dZ_L)


CORRECT = {
    "initialize_parameters": [ref.initialize_parameters, init_lecun_legacy_rng, init_he_uniform, init_glorot],
    "softmax": [ref.softmax, softmax_loop, softmax_float32, softmax_global_max, _softmax_lse],
    "model_forward": [ref.model_forward, forward_explicit, forward_float32, forward_with_layer_forward],
    "compute_cost": [ref.compute_cost, cost_dot, cost_squeeze, cost_float32, *GUARDED["compute_cost"]],
    "cost_gradient": [ref.cost_gradient, cost_gradient_seed, cost_gradient_float32, *GUARDED["cost_gradient"]],
    "mse_cost": [ref.mse_cost, mse_columns, mse_einsum],
    "mse_gradient": [ref.mse_gradient, mse_gradient_subtract, mse_gradient_float32],
    "softmax_cross_entropy": [ref.softmax_cross_entropy, ce_mask, ce_columns, *GUARDED["softmax_cross_entropy"]],
    "model_backward": [ref.model_backward, backward_loop, backward_einsum, backward_float32,
                       backward_with_layer_backward, backward_seed_route],  # the lesson's route through dA[L] is right
    "update_parameters": [ref.update_parameters, update_copy, update_by_layer],
    "tied_weights_backward": [ref.tied_weights_backward, tied_by_hand, tied_float32],
}

def run_visible(exercise, fn):
    return getattr(checks, f"check_{exercise}")(fn)


def run_hidden(exercise, fn):
    return getattr(hidden, f"check_{exercise}")(fn)


@pytest.mark.parametrize("exercise,fn", [(e, f) for e, fs in CORRECT.items() for f in fs],
                         ids=lambda v: getattr(v, "__name__", v))
def test_correct_solutions_pass(exercise, fn, capsys):
    run_hidden(exercise, fn)
    run_visible(exercise, fn)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("repeat", range(4))
def test_hidden_checks_pass_on_reference_every_time(repeat, capsys):
    """The hidden inputs are fresh each run: the reference must pass whatever sizes are drawn."""
    for exercise in CORRECT:
        run_hidden(exercise, getattr(ref, exercise))
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------------------------
# Mutants: a correct function with one typical mistake
# --------------------------------------------------------------------------------------------------------

def _init(layer_dims, seed, make_W, make_b=None, key=lambda kind, layer: f"{kind}{layer}"):
    rng = np.random.default_rng(seed)
    out = {}
    for layer in range(1, len(layer_dims)):
        n_prev, n = layer_dims[layer - 1], layer_dims[layer]
        out[key("W", layer)] = make_W(rng, n, n_prev)
        out[key("b", layer)] = make_b(rng, n) if make_b else np.zeros((n, 1))
    return out


def i_seeded_001(layer_dims, seed=0):
    np.random.seed(1)                  # a seed written into the code, and a fixed 0.01 scale
    parameters = {}
    for layer in range(1, len(layer_dims)):
        parameters["W" + str(layer)] = np.random.randn(layer_dims[layer], layer_dims[layer - 1]) * 0.01
        parameters["b" + str(layer)] = np.zeros((layer_dims[layer], 1))
    return parameters


def i_zeros(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: np.zeros((n, p)))


def i_unscaled(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: rng.standard_normal((n, p)))


def i_times_001(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: 0.01 * rng.standard_normal((n, p)))


def i_random_b(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: rng.standard_normal((n, p)) * np.sqrt(2 / p),
                 lambda rng, n: rng.standard_normal((n, 1)))


def i_transposed(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: rng.standard_normal((p, n)) * np.sqrt(2 / p))


def i_flat_b(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: rng.standard_normal((n, p)) * np.sqrt(2 / p),
                 lambda rng, n: np.zeros(n))


def i_no_seed(layer_dims, seed=0):
    return _init(layer_dims, None, lambda rng, n, p: rng.standard_normal((n, p)) * np.sqrt(2 / p))


def i_zero_indexed(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: rng.standard_normal((n, p)) * np.sqrt(2 / p),
                 key=lambda kind, layer: f"{kind}{layer - 1}")


def i_same_rows(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: np.tile(rng.standard_normal((1, p)) * np.sqrt(2 / p), (n, 1)))


def i_positive(layer_dims, seed=0):
    return _init(layer_dims, seed, lambda rng, n, p: rng.random((n, p)) * np.sqrt(2 / p))


def s_no_shift(Z):
    E = np.exp(Z)
    return E / E.sum(axis=0, keepdims=True)


def s_axis1(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def s_in_place(Z):
    Z -= Z.max(axis=0, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=0, keepdims=True)


def s_whole_matrix(Z):
    E = np.exp(Z - np.max(Z))
    return E / np.sum(E)               # the sum over every entry, not per column


def s_no_exp(Z):
    return Z / Z.sum(axis=0, keepdims=True)


def mf_last_hidden(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    return _forward(X, parameters, hidden_activation, output_activation,
                    output_fn=lambda Z: _g(Z, hidden_activation))


def mf_off_by_one(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    return _forward(X, parameters, hidden_activation, output_activation, stop=1)


def mf_output_everywhere(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    act = "linear" if output_activation == "softmax" else output_activation
    return _forward(X, parameters, hidden_activation, output_activation, hidden_fn=lambda Z: _g(Z, act))


def mf_cache_A(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    return _forward(X, parameters, hidden_activation, output_activation, cache_A=True)


def mf_reversed(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    return _forward(X, parameters, hidden_activation, output_activation, reverse=True)


def mf_A_prev_is_Z(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    A, caches = _forward(X, parameters, hidden_activation, output_activation)
    return A, [caches[0]] + [(Z, caches[layer - 1][0], W, b) for layer, (Z, _, W, b) in enumerate(caches[1:], 1)]


def mf_softmax_axis1(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    return _forward(X, parameters, hidden_activation, output_activation,
                    output_fn=(s_axis1 if output_activation == "softmax" else None))


def mf_no_output_activation(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    return _forward(X, parameters, hidden_activation, output_activation, output_fn=lambda Z: Z)


def c_array(AL, Y):
    return -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1]


def c_no_m(AL, Y):
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))


def c_sign(AL, Y):
    return float(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1])


def c_one_term(AL, Y):
    return float(-np.sum(Y * np.log(AL)) / Y.shape[1])


def c_log10(AL, Y):
    return float(-np.sum(Y * np.log10(AL) + (1 - Y) * np.log10(1 - AL)) / Y.shape[1])


def g_second_sign(AL, Y):
    return -Y / AL - (1 - Y) / (1 - AL)


def g_sign(AL, Y):
    return Y / AL - (1 - Y) / (1 - AL)


def g_over_m(AL, Y):
    return (-Y / AL + (1 - Y) / (1 - AL)) / Y.shape[1]


def mse_no_half(AL, Y):
    return float(np.sum((AL - Y) ** 2) / Y.shape[1])


def mse_np_mean(AL, Y):
    return float(np.mean((AL - Y) ** 2))


def mse_array(AL, Y):
    return 0.5 * np.sum((AL - Y) ** 2, axis=0, keepdims=True) / Y.shape[1]


def mse_no_m(AL, Y):
    return float(0.5 * np.sum((AL - Y) ** 2))


def mg_sign(AL, Y):
    return Y - AL


def mg_over_m(AL, Y):
    return (AL - Y) / Y.shape[1]


def mg_twice(AL, Y):
    return 2 * (AL - Y)


def ce_binary(AL, Y):
    return float(-np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / Y.shape[1])


def ce_mean_km(AL, Y):
    return float(-np.mean(Y * np.log(AL)))


def ce_array(AL, Y):
    return -np.sum(Y * np.log(AL), axis=0, keepdims=True) / Y.shape[1]


def ce_no_m(AL, Y):
    return float(-np.sum(Y * np.log(AL)))


def ce_all_classes(AL, Y):
    return float(-np.sum(np.log(AL)) / Y.shape[1])


def mb_sigma_twice(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    dZ_L = (AL - Y) * (_gp(caches[-1][0], "sigmoid") if output_activation == "sigmoid" else 1.0)
    return _backward(AL, Y, caches, hidden_activation, dZ_L=dZ_L)


def mb_last_as_hidden(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    return _backward(AL, Y, caches, hidden_activation, dZ_L=(AL - Y) * _gp(caches[-1][0], hidden_activation))


def mb_skip_gprime(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    return _backward(AL, Y, caches, hidden_activation, hidden_dZ=lambda dA, Z: dA)


def mb_gprime_of_A(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    return _backward(AL, Y, caches, hidden_activation,
                     hidden_dZ=lambda dA, Z: dA * _gp(_g(Z, hidden_activation), hidden_activation))


def mb_no_m(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    m = AL.shape[1]
    return {k: v * m for k, v in _backward(AL, Y, caches, hidden_activation).items()}


def mb_m_in_dA(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    return _backward(AL, Y, caches, hidden_activation, dA_scale=1.0 / AL.shape[1])


def mb_zero_indexed(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    return _backward(AL, Y, caches, hidden_activation, first=0)


def mb_param_names(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    return _backward(AL, Y, caches, hidden_activation, prefix="")


def mb_cache_off_by_one(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    L = len(caches)
    grads = {}
    dA, grads[f"dW{L}"], grads[f"db{L}"] = ref.layer_backward(AL - Y, caches[L - 1], "linear")
    for layer in range(L - 1, 0, -1):
        dA, grads[f"dW{layer}"], grads[f"db{layer}"] = ref.layer_backward(dA, caches[layer], hidden_activation)
    return grads


def u_plus(parameters, grads, learning_rate):
    return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}


def u_in_place(parameters, grads, learning_rate):
    for k in parameters:
        parameters[k] -= learning_rate * grads["d" + k]
    return parameters


def u_same_dict(parameters, grads, learning_rate):
    for k in list(parameters):
        parameters[k] = parameters[k] - learning_rate * grads["d" + k]
    return parameters


def u_no_learning_rate(parameters, grads, learning_rate):
    return {k: v - grads["d" + k] for k, v in parameters.items()}


def u_grad_keys(parameters, grads, learning_rate):
    return {k: parameters[k[1:]] - learning_rate * v for k, v in grads.items()}


def u_weights_only(parameters, grads, learning_rate):
    return {k: (v - learning_rate * grads["d" + k] if k.startswith("W") else v) for k, v in parameters.items()}


def _tied(X, Y, W, b1, b2, hidden_activation, combine, *, gprime=None, swap_b=False, scale=1.0):
    m = X.shape[1]
    Z1 = W @ X + b1
    A1 = _g(Z1, hidden_activation)
    dZ2 = W @ A1 + b2 - Y
    derivative = gprime(Z1, A1) if gprime else _gp(Z1, hidden_activation)
    dZ1 = (W.T @ dZ2) * derivative
    share1, share2 = dZ1 @ X.T / m, dZ2 @ A1.T / m
    db1, db2 = dZ1.sum(axis=1, keepdims=True) / m, dZ2.sum(axis=1, keepdims=True) / m
    if swap_b:
        db1, db2 = db2, db1
    return {"dW": scale * combine(share1, share2), "db1": scale * db1, "db2": scale * db2}


def t_only_layer2(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: s2)


def t_only_layer1(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: s1)


def t_average(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: (s1 + s2) / 2)


def t_transposed(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: s1 + s2.T)


def t_skip_gprime(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: s1 + s2, gprime=lambda Z, A: 1.0)


def t_gprime_of_A(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: s1 + s2,
                 gprime=lambda Z, A: _gp(A, hidden_activation))


def t_swap_b(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: s1 + s2, swap_b=True)


def t_no_m(X, Y, W, b1, b2, hidden_activation="tanh"):
    return _tied(X, Y, W, b1, b2, hidden_activation, lambda s1, s2: s1 + s2, scale=X.shape[1])


# (exercise, mutant, phrase the hidden check's message must contain, or None when no sentence is promised)
MUTANTS = [
    ("initialize_parameters", i_zeros, "is all zeros"),
    ("initialize_parameters", i_unscaled, "unscaled N(0, 1)"),
    ("initialize_parameters", i_times_001, "a fixed 0.01"),
    ("initialize_parameters", i_random_b, "should start at zeros"),
    ("initialize_parameters", i_transposed, "looks transposed"),
    ("initialize_parameters", i_flat_b, "must be a column"),
    ("initialize_parameters", i_no_seed, "use the seed"),
    ("initialize_parameters", i_zero_indexed, "layer numbers start at 1"),
    ("initialize_parameters", i_same_rows, "identical rows"),
    ("initialize_parameters", i_positive, "centred on 0"),
    ("softmax", s_no_shift, "without the max shift"),
    ("softmax", s_axis1, "wrong axis"),
    ("softmax", s_in_place, "changed its input Z"),
    ("softmax", s_no_exp, "np.exp"),
    ("softmax", s_whole_matrix, "sum over the whole matrix"),
    ("initialize_parameters", i_seeded_001, "a fixed 0.01"),
    ("model_forward", mf_last_hidden, "treated like the hidden ones"),
    ("model_forward", mf_off_by_one, "off-by-one"),
    ("model_forward", mf_output_everywhere, "hidden layers use hidden_activation"),
    ("model_forward", mf_cache_A, "not A"),
    ("model_forward", mf_reversed, "layer order"),
    ("model_forward", mf_softmax_axis1, "wrong axis"),
    ("model_forward", mf_no_output_activation, "output activation was skipped"),
    ("model_forward", mf_A_prev_is_Z, "not Z["),
    ("compute_cost", c_array, "a cost returned as an array"),
    ("compute_cost", c_no_m, "is the 1/m missing"),
    ("compute_cost", c_sign, "opposite sign"),
    ("compute_cost", c_one_term, "(1 - y) log(1 - ŷ) term is missing"),
    ("compute_cost", c_log10, "natural logarithm"),
    ("cost_gradient", g_second_sign, "the second term is +(1 - Y)/(1 - AL)"),
    ("cost_gradient", g_sign, "opposite sign"),
    ("cost_gradient", g_over_m, "a 1/m too many"),
    ("mse_cost", mse_no_half, "the ½ is missing"),
    ("mse_cost", mse_np_mean, "not by all k·m entries"),
    ("mse_cost", mse_array, "a cost returned as an array"),
    ("mse_cost", mse_no_m, "is the 1/m missing"),
    ("mse_gradient", mg_sign, "opposite sign"),
    ("mse_gradient", mg_over_m, "a 1/m too many"),
    ("mse_gradient", mg_twice, "the ½ and the 2 cancel"),
    ("softmax_cross_entropy", ce_binary, "that is the binary cross-entropy"),
    ("softmax_cross_entropy", ce_mean_km, "not by all k·m entries"),
    ("softmax_cross_entropy", ce_array, "a cost returned as an array"),
    ("softmax_cross_entropy", ce_no_m, "is the 1/m missing"),
    ("softmax_cross_entropy", ce_all_classes, "only the true class's probability counts"),
    ("model_backward", mb_sigma_twice, "already includes σ'(Z[L])"),
    ("model_backward", mb_last_as_hidden, "treated like the hidden ones"),
    ("model_backward", mb_skip_gprime, "was g'(Z) skipped"),
    ("model_backward", mb_gprime_of_A, "not A = g(Z)"),
    ("model_backward", mb_no_m, "is the 1/m missing"),
    ("model_backward", mb_m_in_dA, "the 1/m belongs to dW and db only"),
    ("model_backward", mb_zero_indexed, "layer numbers start at 1"),
    ("model_backward", mb_param_names, "expected the keys"),
    ("model_backward", mb_cache_off_by_one, "raised"),
    ("update_parameters", u_plus, "goes against the gradient"),
    ("update_parameters", u_in_place, "changed its input parameters"),
    ("update_parameters", u_same_dict, "changed its input parameters"),
    ("update_parameters", u_no_learning_rate, "the learning rate is missing"),
    ("update_parameters", u_grad_keys, "expected the keys"),
    ("update_parameters", u_weights_only, None),
    ("tied_weights_backward", t_only_layer2, "layer 2's share alone"),
    ("tied_weights_backward", t_only_layer1, "layer 1's share alone"),
    ("tied_weights_backward", t_average, "do not average them"),
    ("tied_weights_backward", t_transposed, "transposed"),
    ("tied_weights_backward", t_skip_gprime, "was g'(Z1) skipped"),
    ("tied_weights_backward", t_gprime_of_A, "not A1 = g(Z1)"),
    ("tied_weights_backward", t_swap_b, "db1 and db2 are swapped"),
    ("tied_weights_backward", t_no_m, "is the 1/m missing"),
]


def test_at_least_two_mutants_per_exercise():
    mutants.assert_two_per_exercise(CORRECT, MUTANTS)


@pytest.mark.parametrize("exercise,mutant,phrase", MUTANTS, ids=[m.__name__ for _, m, _ in MUTANTS])
def test_hidden_check_catches_mutant(exercise, mutant, phrase, capsys):
    mutants.assert_hidden_catches(run_hidden, exercise, mutant, phrase)
    assert capsys.readouterr().err == ""


def _visible_catches(exercise, mutant):
    return mutants.visible_catches(run_visible, exercise, mutant)


# Mutants the visible checks cannot see by design: none at present.
VISIBLE_BLIND = set()


def test_visible_checks_catch_the_mutants(capsys):
    missed = [m.__name__ for e, m, _ in MUTANTS if not _visible_catches(e, m) and m.__name__ not in VISIBLE_BLIND]
    capsys.readouterr()
    print(f"visible checks catch {len(MUTANTS) - len(missed)} of {len(MUTANTS)} mutants; missed: {missed}")
    assert not missed
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("exercise,mutant,phrase", [
    ("initialize_parameters", i_zeros, "symmetry"),
    ("initialize_parameters", i_unscaled, "unscaled N(0, 1)"),
    ("initialize_parameters", i_times_001, "a fixed 0.01"),
    ("softmax", s_no_shift, "without the max shift"),
    ("softmax", s_axis1, "wrong axis"),
    ("softmax", s_whole_matrix, "sum over the whole matrix"),
    ("initialize_parameters", i_seeded_001, "a seed is written into the code"),
    ("model_forward", mf_last_hidden, "treated like the hidden ones"),
    ("model_forward", mf_off_by_one, "off-by-one"),
    ("model_forward", mf_cache_A, "not A"),
    ("model_forward", mf_reversed, "layer order"),
    ("model_forward", mf_A_prev_is_Z, "must hold its input A[1] = g(Z[1]), not Z[1]"),
    ("model_forward", mf_output_everywhere, "hidden layers use hidden_activation"),
    ("compute_cost", c_array, "a cost returned as an array"),
    ("compute_cost", c_no_m, "3× too large over 3 examples: is the 1/m missing?"),
    ("compute_cost", c_one_term, "(1 - y) log(1 - ŷ) term is missing"),
    ("cost_gradient", g_second_sign, "the second term"),
    ("mse_cost", mse_np_mean, "not by all k·m entries"),
    ("mse_cost", mse_no_half, "the ½ is missing"),
    ("mse_cost", mse_array, "a cost returned as an array"),
    ("mse_gradient", mg_twice, "the ½ and the 2 cancel"),
    ("softmax_cross_entropy", ce_binary, "that is the binary cross-entropy"),
    ("softmax_cross_entropy", ce_all_classes, "only the true class's probability counts"),
    ("model_backward", mb_sigma_twice, "already includes σ'(Z[L])"),
    ("model_backward", mb_last_as_hidden, "treated like the hidden ones"),
    ("model_backward", mb_no_m, "is the 1/m missing"),
    ("model_backward", mb_zero_indexed, "layer numbers start at 1"),
    ("model_backward", mb_gprime_of_A, "not A = g(Z)"),
    ("model_backward", mb_m_in_dA, "the 1/m belongs to dW and db only"),
    ("update_parameters", u_plus, "goes against the gradient"),
    ("update_parameters", u_in_place, "changed its input parameters"),
    ("tied_weights_backward", t_only_layer2, "layer 2's share alone"),
    ("tied_weights_backward", t_average, "do not average them"),
    ("tied_weights_backward", t_swap_b, "db1 and db2 are swapped"),
])
def test_visible_messages_name_the_mistake(exercise, mutant, phrase):
    with pytest.raises(CheckFailed) as failure:
        run_visible(exercise, mutant)
    assert phrase in str(failure.value), str(failure.value)


def test_a_wrong_companion_is_not_charged_twice(capsys):
    """A right function passes its visible check whatever the student's earlier functions do: the check compares
    with stored values and never runs them (an old notebook or a tools cell that still passes them is accepted)."""
    checks.check_model_backward(ref.model_backward, mf_last_hidden)
    assert "model_backward: all 27 checks passed" in capsys.readouterr().out
    checks.check_tied_weights_backward(ref.tied_weights_backward, lambda A, W, b, g: (W @ A, None))
    assert "tied_weights_backward: all 13 checks passed" in capsys.readouterr().out
    checks.check_cost_gradient(ref.cost_gradient, c_array)
    checks.check_mse_gradient(ref.mse_gradient, mse_no_half)
    checks.check_initialize_parameters(ref.initialize_parameters, i_zeros)
    assert capsys.readouterr().out.count("checks passed") == 3


def test_unwritten_exercise_says_so():
    mutants.assert_unwritten_says_so(CORRECT, run_hidden, run_visible)


@pytest.mark.parametrize("value", [0.5, np.float64(0.5), np.float32(0.5), np.array(0.5), np.array([[0.5]])])
def test_a_cost_may_be_any_single_number(value):
    report = checks.Report("cost")
    assert catalogue.cost_number(report, "J", value) == pytest.approx(0.5)
    assert report.ok


@pytest.mark.parametrize("value", [np.array([[0.5, 0.25]]), "0.5", None])
def test_a_cost_must_be_one_number(value):
    report = checks.Report("cost")
    assert catalogue.cost_number(report, "J", value, m=2) is None
    assert not report.ok


def test_hidden_isolation_uses_the_reference_for_earlier_exercises():
    namespace = {}
    exec("import numpy as np\n"  # noqa: S102 - a stand-in for a student's notebook
         "def softmax(Z):\n    return Z\n"                                   # a wrong softmax of the student
         "def layer_forward(A_prev, W, b, activation):\n    raise RuntimeError('broken')\n"
         "def model_forward(X, parameters, hidden_activation='relu', output_activation='sigmoid'):\n"
         "    caches, A, L = [], X, len(parameters) // 2\n"
         "    for l in range(1, L + 1):\n"
         "        act = hidden_activation if l < L else output_activation\n"
         "        A, cache = layer_forward(A, parameters[f'W{l}'], parameters[f'b{l}'],\n"
         "                                 'linear' if act == 'softmax' else act)\n"
         "        if act == 'softmax':\n"
         "            A = softmax(A)\n"
         "        caches.append(cache)\n"
         "    return A, caches\n", namespace)
    student_softmax = namespace["softmax"]
    hidden.check_model_forward(namespace["model_forward"])    # passes: the earlier exercises are the reference's
    assert namespace["softmax"] is student_softmax


# --------------------------------------------------------------------------------------------------------
# Fixtures of the visible checks
# --------------------------------------------------------------------------------------------------------

# The notebook's worked examples, by hand: the network's Z1, A1 = relu(Z1), Z2 (and Z2 with the softmax output),
# the softmax probabilities, the costs and the new parameters of one step with learning rate 0.1.
Z1_NET = np.array([[-1.0, 1.0, -1.0, 1.0], [1.0, -1.0, -1.0, 1.0], [4.0, -1.0, 2.0, 1.0]])
A1_NET = np.array([[0.0, 1.0, 0.0, 1.0], [1.0, 0.0, 0.0, 1.0], [4.0, 0.0, 2.0, 1.0]])
Z2_NET = np.array([[-0.5, 0.5, 0.5, -1.0]])
Z2_NET3 = np.array([[-0.5, 0.5, 0.5, -1.0], [-3.0, 0.0, -2.0, 0.0], [1.0, 1.5, 1.0, 1.5]])
NEW_UPD = {"W1": np.array([[0.0, -2.0, 1.0], [-0.2, 5.0, -1.1]]), "b1": np.array([[0.4], [-0.2]]),
           "W2": np.array([[2.4, -1.6]]), "b2": np.array([[-0.25]])}


def test_worked_examples_are_the_notebooks():
    _, caches = ref.model_forward(worked.X_NET, worked.PARAMS_NET)
    assert np.array_equal(caches[0][0], Z1_NET) and np.array_equal(caches[1][1], A1_NET)
    assert np.allclose(caches[1][0], Z2_NET)
    _, caches = ref.model_forward(worked.X_NET, worked.PARAMS_NET3, "relu", "softmax")
    assert np.allclose(caches[1][0], Z2_NET3)
    assert np.allclose(ref.softmax(worked.Z_SOFT), worked.P_SOFT)
    assert ref.compute_cost(worked.AL_BCE, worked.Y_BCE) == pytest.approx(0.2798, abs=1e-4)
    assert ref.mse_cost(worked.AL_MSE, worked.Y_MSE) == pytest.approx(4.625 / 4)
    assert ref.softmax_cross_entropy(worked.P_SOFT, worked.Y_CCE) == pytest.approx(
        -(np.log(5 / 8) + np.log(1 / 3) + np.log(3 / 5) + np.log(3 / 5)) / 4)
    assert ref.softmax_cross_entropy(worked.AL_UNIFORM, worked.Y_UNIFORM) == pytest.approx(np.log(3.0))
    new = ref.update_parameters(worked.PARAMS_UPD, worked.GRADS_UPD, 0.1)
    assert new.keys() == NEW_UPD.keys() and all(np.allclose(new[k], NEW_UPD[k]) for k in new)


def test_visible_fixtures_keep_relu_away_from_its_kink_and_never_saturate():
    for case in worked.BACKWARD_CASES:
        params, X, _ = worked.backward_fixture(case)
        _, _, hidden_activation, output, _ = case
        AL, caches = ref.model_forward(X, params, hidden_activation, output)
        if hidden_activation == "relu":
            assert all(np.abs(c[0]).min() >= 0.02 for c in caches[:-1]), case
        assert not np.any(AL == 1.0), case
    for n, m, hidden_activation, seed in worked.TIED_CASES:
        X, _, W, b1, _ = worked.tied_fixture(n, m, seed)
        if hidden_activation == "relu":
            assert np.abs(W @ X + b1).min() >= 0.02


def test_initialize_parameters_targets_are_stored():
    """The visible check of initialize_parameters measures the wide layer's spread against a stored range:
    [0.6, 2.0] / sqrt(300) for the 300 inputs of layer 1, no range for the layers too small to measure."""
    from course.checks import stored

    cases = stored.values("initialize_parameters")["cases"]
    assert [case["dims"] for case in cases] == [[300, 200, 7, 1], [4, 3]]
    first = cases[0]["layers"]
    assert first[0]["std"] == pytest.approx((0.6 / np.sqrt(300), 2.0 / np.sqrt(300)))
    assert [layer["std"] for layer in first[1:]] == [None, None] and cases[1]["layers"][0]["std"] is None
    assert [tuple(layer["W"]) for layer in first] == [(200, 300), (7, 200), (1, 7)]


# --------------------------------------------------------------------------------------------------------
# Data sets and plots
# --------------------------------------------------------------------------------------------------------

def test_datasets_are_column_major_and_seeded():
    for make, out_rows in [(datasets.make_moons, 1), (datasets.make_xor_blobs, 1), (datasets.make_spirals, 3)]:
        X, Y = make(m=101, seed=4)
        assert X.shape == (2, 101) and Y.shape == (out_rows, 101) and X.dtype == Y.dtype == np.float64
        X2, Y2 = make(m=101, seed=4)
        assert np.array_equal(X, X2) and np.array_equal(Y, Y2)
        assert not np.array_equal(X, make(m=101, seed=5)[0])
        assert set(np.unique(Y)) == {0.0, 1.0}
    _, Y = datasets.make_spirals(m=90, k=3, seed=0)
    assert np.all(Y.sum(axis=0) == 1) and np.array_equal(np.bincount(datasets.labels_of(Y)), [30, 30, 30])
    X, Y = datasets.make_wave(m=20, seed=0)
    assert X.shape == Y.shape == (1, 20)


def test_plots_draw_what_they_are_given(capsys):
    import matplotlib.pyplot as plt

    from course.plotting import deep_network as plots

    X, Y = datasets.make_moons(m=40, seed=0)
    params = ref.initialize_parameters([2, 4, 1])
    plots.plot_dataset(X, Y)
    plots.plot_decision_boundary(lambda P: ref.model_forward(P, params)[0], X, Y, resolution=30)
    Xs, Ys = datasets.make_spirals(m=30, seed=0)
    params3 = ref.initialize_parameters([2, 4, 3])
    plots.plot_decision_boundary(lambda P: ref.model_forward(P, params3, "relu", "softmax")[0], Xs, Ys,
                                 resolution=30)
    plots.plot_costs([1.0, 0.5, 0.2], every=10)
    plots.plot_costs({"a": [1.0, 0.5], "b": [1.0, 1.0]})
    plots.plot_training([1.0, 0.5], lambda P: ref.model_forward(P, params)[0], X, Y)
    plots.plot_curves(np.arange(3), {"x": [1.0, np.nan, 3.0]}, "x", "y", logy=True, styles={"x": "-"})
    Xw, Yw = datasets.make_wave(m=10)
    plots.plot_fit(lambda P: P * 0.0, Xw, Yw)
    plots.plot_weight_paths({"run": [np.zeros((2, 3)), np.ones((2, 3))]})
    plt.close("all")
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------------------------
# The notebook's own solution cells (no kernel: their code is run in a plain namespace)
# --------------------------------------------------------------------------------------------------------

def _notebook_namespace():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    namespace = {"np": np}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and (meta.get("solution") or meta.get("grade_id") == "activation_dispatch"):
            exec("".join(cell["source"]), namespace)  # noqa: S102 - our own notebook
        elif str(meta.get("grade_id")).startswith("tools_from_"):  # bring: from the source notebooks beside it
            with contextlib.chdir(NOTEBOOK.parent), contextlib.redirect_stdout(io.StringIO()):
                exec("".join(cell["source"]), namespace)  # noqa: S102 - our own notebook
    return namespace


def test_notebook_solutions_pass_every_check(capsys):
    namespace = _notebook_namespace()
    for exercise in CORRECT:
        fn = namespace[exercise]
        run_hidden(exercise, fn)
        run_visible(exercise, fn)
    assert capsys.readouterr().err == ""


def test_extra_entries_in_a_returned_dict_are_ignored_with_a_note(capsys):
    """deeplearning.ai's habit: model_backward also returns dA0, dA1, ...; nothing reads them, full marks."""
    def with_dA(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
        grads = ref.model_backward(AL, Y, caches, hidden_activation, output_activation)
        grads.update({f"dA{layer}": cache[1] for layer, cache in enumerate(caches)})
        return grads

    hidden.check_model_backward(with_dA)
    assert "ignored" in capsys.readouterr().out
    checks.check_model_backward(with_dA)


# --------------------------------------------------------------------------------------------------------
# Guarded logs: the tolerance from the math (autograder/hidden/deep_network.py, COST_TOL)
# --------------------------------------------------------------------------------------------------------

def test_guarded_logs_keep_full_marks_on_every_hidden_input(capsys):
    """log(A + ε), log(max(A, ε)), clip(A, ε, 1 - ε) with ε = 1e-7: full marks on 150 fresh draws each."""
    for _ in range(150):
        for exercise, solutions in GUARDED.items():
            for fn in solutions:
                run_hidden(exercise, fn)
    assert capsys.readouterr().err == ""


def _log_cost_cases(rng):
    k, m = catalogue.distinct_dims(rng, 2, 2, 12)
    AL, Y = catalogue.binary_case(rng, m)
    yield "compute_cost", AL, Y, ref.compute_cost(AL, Y), catalogue.compute_cost_mistakes(AL, Y)
    AL, Y = catalogue.cross_entropy_case(rng, k, m)
    assert np.allclose(AL.sum(axis=0), 1.0) and np.all(AL > 0)
    yield "softmax_cross_entropy", AL, Y, ref.softmax_cross_entropy(AL, Y), catalogue.cross_entropy_mistakes(AL, Y)


def test_the_cost_tolerance_holds_every_guard_and_no_named_mistake():
    """On 3000 draws of the hidden inputs: every probability whose log counts lies in [P_FLOOR, 1 - P_FLOOR], a
    guarded cost is within the bound GUARD / P_FLOOR the check's comment derives (well inside COST_TOL), and every
    named mistake (and m·J, -J, J/m) is more than 100 times the tolerance away from the right cost."""
    rng = np.random.default_rng(16)
    bound = catalogue.GUARD / catalogue.P_FLOOR
    for _ in range(1500):
        for exercise, AL, Y, J, named in _log_cost_cases(rng):
            counted = np.where(Y == 1, AL, 1 - AL) if exercise == "compute_cost" else AL[Y == 1]
            assert counted.min() >= catalogue.P_FLOOR and counted.max() <= 1 - catalogue.P_FLOOR
            for fn in GUARDED[exercise]:
                assert abs(float(fn(AL, Y)) - J) <= bound
            allowed = catalogue.COST_TOL["atol"] + catalogue.COST_TOL["rtol"] * abs(J)
            m = Y.shape[1]
            for sentence, wrong in {**named, "1/m": m * J, "sign": -J, "m too many": J / m}.items():
                assert abs(wrong - J) > 100 * allowed, (exercise, sentence)


def test_the_worked_costs_keep_the_floor_and_their_tolerance():
    cases = [(worked.AL_BCE, worked.Y_BCE, True), (worked.AL_COIN, worked.Y_COIN, True),
             (worked.AL_BCE2, worked.Y_BCE2, True), (worked.P_SOFT, worked.Y_CCE, False),
             (worked.AL_UNIFORM, worked.Y_UNIFORM, False)]
    for AL, Y, binary in cases:
        counted = np.where(Y == 1, AL, 1 - AL) if binary else AL[Y == 1]
        assert counted.min() >= catalogue.P_FLOOR and counted.max() <= 1 - catalogue.P_FLOOR
    for exercise in ("compute_cost", "softmax_cross_entropy"):
        _, script = checks.stored.script(exercise)
        for step in script["steps"]:
            for item in step["compare"]:
                assert (item["rtol"], item["atol"]) == (catalogue.COST_TOL["rtol"], catalogue.COST_TOL["atol"])


# --------------------------------------------------------------------------------------------------------
# Hints that are never wrong, and points that a named mistake does not keep
# --------------------------------------------------------------------------------------------------------

def _hidden_failure(exercise, fn):
    """(points earned, report text) of a hidden check that fails."""
    with pytest.raises(CheckFailed) as failure:
        run_hidden(exercise, fn)
    return points_for(share_of(failure.value.outcomes), BY_NAME[exercise].points), str(failure.value)


def test_an_in_place_update_with_the_right_sign_is_named_for_what_it_does(capsys):
    """The returned values are right, so no "minus sign"; the docstring asks for the inputs unchanged, so the
    line `inputs` says the given dict or its arrays were modified, and costs the points."""
    for fn in (u_in_place, u_same_dict):
        earned, text = _hidden_failure("update_parameters", fn)
        assert earned == 0 and "changed its input parameters" in text and "modified in place" in text, text
        assert "minus sign" not in text and "dA.copy()" not in text, text
        with pytest.raises(CheckFailed) as failure:
            run_visible("update_parameters", fn)
        assert "changed its input parameters" in str(failure.value)
        assert "minus sign" not in str(failure.value) and "dA.copy()" not in str(failure.value)
    _, text = _hidden_failure("update_parameters", u_plus)  # the wrong sign is still named
    assert "minus sign" in text
    capsys.readouterr()


def test_a_fixed_scale_and_a_seed_in_the_code_earn_nothing_and_both_are_named(capsys):
    for fn in (i_times_001, i_seeded_001):
        earned, text = _hidden_failure("initialize_parameters", fn)
        assert earned == 0 and "a fixed 0.01" in text, text
    _, text = _hidden_failure("initialize_parameters", i_seeded_001)
    assert "a seed is written into the code" in text, text
    with pytest.raises(CheckFailed) as failure:
        run_visible("initialize_parameters", i_seeded_001)
    assert "a fixed 0.01" in str(failure.value) and "a seed is written into the code" in str(failure.value)
    capsys.readouterr()


def test_a_softmax_over_the_whole_matrix_is_named_on_every_line_it_fails(capsys):
    _, text = _hidden_failure("softmax", s_whole_matrix)
    failed = [line for line in text.splitlines() if "✗" in line]
    assert failed and all("sum over the whole matrix" in line for line in failed), text
    capsys.readouterr()


# Attacks that try to steer the verdict by changing the inputs, so that expected values computed after the call
# would agree with what they return (issue 21): graded through the real engine by tests/test_mutants_graded.py,
# where each must score 0 and the report must name the changed input.
def steer_model_backward(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    Y[...] = AL  # with Y = AL, every gradient is 0
    return {f"{p}{layer}": np.zeros_like(cache[2] if p == "dW" else cache[3])
            for layer, cache in enumerate(caches, start=1) for p in ("dW", "db")}


def steer_tied_weights_backward(X, Y, W, b1, b2, hidden_activation="tanh"):
    for given in (X, Y, W, b1, b2):
        given[...] = 0.0  # all zeros: every gradient is 0
    return {"dW": np.zeros_like(W), "db1": np.zeros_like(b1), "db2": np.zeros_like(b2)}


def steer_update_parameters(parameters, grads, learning_rate):
    for gradient in grads.values():
        gradient[...] = 0.0  # with no gradient, the parameters stay where they are
    return {key: value.copy() for key, value in parameters.items()}


STEERING = [("model_backward", steer_model_backward, "changed its input"),
            ("tied_weights_backward", steer_tied_weights_backward, "changed its input"),
            ("update_parameters", steer_update_parameters, "changed its input")]
