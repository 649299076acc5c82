"""The reference implementation against central differences of its own forward pass and costs."""

import itertools

import numpy as np
import pytest

from autograder import reference as ref

ACTS = ref.ACTIVATIONS
rng = np.random.default_rng(1234)


def numeric(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        keep = x[i]
        x[i] = keep + eps
        up = f()
        x[i] = keep - eps
        down = f()
        x[i] = keep
        grad[i] = (up - down) / (2 * eps)
    return grad


def rel_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-30)


def kink_free(shape):
    v = rng.standard_normal(shape)
    return np.where(np.abs(v) < 0.1, 0.1 * np.sign(v) + v, v)


@pytest.mark.parametrize("activation", ACTS)
def test_activation_derivatives(activation):
    z = kink_free((3, 4))
    expected = numeric(lambda: ref.activation_forward(z, activation).sum(), z)
    assert rel_error(ref.activation_derivative(z, activation), expected) < 1e-8


def test_activation_edge_cases():
    assert ref.relu_derivative(np.array([0.0]))[0] == 0.0
    assert ref.step(np.array([0.0, -1e-12]))[0] == 1.0 and ref.step(np.array([-1e-12]))[0] == 0.0
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert np.allclose(ref.sigmoid(np.array([-800.0, 800.0])), [0.0, 1.0])
    with pytest.raises(ValueError, match="sigmoid"):
        ref.activation_forward(np.zeros(2), "softplus")


def test_xor_parameters_compute_xor():
    p = ref.xor_parameters()
    X = np.array([[0, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
    out = ref.step(p["W2"] @ ref.step(p["W1"] @ X + p["b1"]) + p["b2"])
    assert out.tolist() == [[0.0, 1.0, 1.0, 0.0]]


@pytest.mark.parametrize("activation", ACTS)
def test_single_example_backward(activation):
    x, W, b = rng.standard_normal((4, 1)), rng.standard_normal((3, 4)), rng.standard_normal((3, 1))
    dy = rng.standard_normal((3, 1))
    W[:, :] = np.where(np.abs(W @ x + b) < 0.1, W + 0.3, W) if activation == "relu" else W

    def cost():
        return float((dy * ref.dense_forward_single(x, W, b, activation)[0]).sum())

    _, cache = ref.dense_forward_single(x, W, b, activation)
    for backward in (ref.dense_backward_single, ref.dense_backward_loops):
        dx, dW, db = backward(dy, cache, activation)
        assert rel_error(dx, numeric(cost, x)) < 1e-7
        assert rel_error(dW, numeric(cost, W)) < 1e-7
        assert rel_error(db, numeric(cost, b)) < 1e-7


@pytest.mark.parametrize("activation", ACTS)
def test_layer_backward_is_the_gradient_of_the_average(activation):
    n_prev, n, m = 5, 3, 7
    A_prev, W, b = rng.standard_normal((n_prev, m)), rng.standard_normal((n, n_prev)), rng.standard_normal((n, 1))
    G = rng.standard_normal((n, m))  # J = (1/m) sum(G * A), so dA (per example) = G

    def cost():
        return float((G * ref.layer_forward(A_prev, W, b, activation)[0]).sum() / m)

    _, cache = ref.layer_forward(A_prev, W, b, activation)
    dA_prev, dW, db = ref.layer_backward(G, cache, activation)
    assert rel_error(dW, numeric(cost, W)) < 1e-6
    assert rel_error(db, numeric(cost, b)) < 1e-6
    assert rel_error(dA_prev / m, numeric(cost, A_prev)) < 1e-6  # dA_prev carries no 1/m
    for got, want in zip(ref.layer_backward_per_example(G, cache, activation), (dA_prev, dW, db)):
        assert np.allclose(got, want)


@pytest.mark.parametrize("activation", ACTS)
def test_row_major_is_the_transpose_of_column_major(activation):
    m, n, h = 6, 4, 3
    X, W, b = rng.standard_normal((m, n)), rng.standard_normal((n, h)), rng.standard_normal((1, h))
    A_rows, cache_rows = ref.layer_forward_rows(X, W, b, activation)
    A_cols, cache_cols = ref.layer_forward(X.T, W.T, b.T, activation)
    assert np.allclose(A_rows, A_cols.T)
    dA = rng.standard_normal((m, h))
    for rows, cols in zip(ref.layer_backward_rows(dA, cache_rows, activation),
                          ref.layer_backward(dA.T, cache_cols, activation)):
        assert np.allclose(rows, cols.T)


def _network(dims, output, seed):
    r = np.random.default_rng(seed)
    params = ref.initialize_parameters(dims, seed=seed)
    params = {k: v + 0.1 * r.standard_normal(v.shape) for k, v in params.items()}  # nonzero biases too
    m = 6
    X = r.standard_normal((dims[0], m))
    if output == "softmax":
        Y = np.eye(dims[-1])[:, r.integers(0, dims[-1], m)]
    elif output == "sigmoid":
        Y = r.integers(0, 2, (dims[-1], m)).astype(float)
    else:
        Y = r.standard_normal((dims[-1], m))
    return params, X, Y


COST = {"sigmoid": ref.compute_cost, "softmax": ref.softmax_cross_entropy, "linear": ref.mse_cost}


@pytest.mark.parametrize("hidden,output,dims", [
    (h, o, d) for (h, o), d in zip(itertools.product(ACTS, ref.OUTPUT_ACTIVATIONS),
                                   itertools.cycle([[4, 5, 3], [3, 6, 4, 2], [5, 2], [2, 7, 3, 5, 3]]))])
def test_model_backward_is_the_gradient_of_the_cost(hidden, output, dims):
    if output == "sigmoid":
        dims = dims[:-1] + [1]
    params, X, Y = _network(dims, output, seed=len(dims) * 10 + len(hidden))

    def cost():
        return COST[output](ref.model_forward(X, params, hidden, output)[0], Y)

    AL, caches = ref.model_forward(X, params, hidden, output)
    grads = ref.model_backward(AL, Y, caches, hidden, output)
    assert sorted(grads) == sorted(f"d{k}" for k in params)
    for name, value in params.items():
        assert rel_error(grads[f"d{name}"], numeric(cost, value)) < 1e-5, name


def test_sigmoid_output_follows_the_seed_route():
    """dA[L] = -Y/A + (1-Y)/(1-A) through the sigmoid layer gives the same as dZ = A - Y."""
    params, X, Y = _network([3, 4, 1], "sigmoid", seed=5)
    AL, caches = ref.model_forward(X, params, "relu", "sigmoid")
    _, dW, db = ref.layer_backward(ref.cost_gradient(AL, Y), caches[-1], "sigmoid")
    grads = ref.model_backward(AL, Y, caches, "relu", "sigmoid")
    assert np.allclose(dW, grads["dW2"]) and np.allclose(db, grads["db2"])


def test_softmax_is_stable_and_normalised():
    Z = np.array([[1000.0, -1000.0], [999.0, -1002.0], [0.0, 5.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        S = ref.softmax(Z)
    assert np.allclose(S.sum(axis=0), 1.0) and np.all(S >= 0)
    assert np.allclose(S[:, 0], ref.softmax(Z[:, :1] - 1000.0)[:, 0])


@pytest.mark.parametrize("activation", ACTS)
def test_tied_weights_gradient(activation):
    n, m = 4, 5
    X, Y = rng.standard_normal((n, m)), rng.standard_normal((n, m))
    W, b1, b2 = rng.standard_normal((n, n)) * 0.5, rng.standard_normal((n, 1)), rng.standard_normal((n, 1))

    def cost():
        A1 = ref.activation_forward(W @ X + b1, activation)
        return ref.mse_cost(W @ A1 + b2, Y)

    grads = ref.tied_weights_backward(X, Y, W, b1, b2, activation)
    for name, value in (("dW", W), ("db1", b1), ("db2", b2)):
        assert rel_error(grads[name], numeric(cost, value)) < 1e-6


def test_update_parameters_leaves_inputs_alone():
    params = ref.initialize_parameters([3, 2], seed=1)
    before = {k: v.copy() for k, v in params.items()}
    grads = {f"d{k}": np.ones_like(v) for k, v in params.items()}
    new = ref.update_parameters(params, grads, 0.5)
    assert all(np.array_equal(params[k], before[k]) for k in params)
    assert np.allclose(new["W1"], before["W1"] - 0.5)


def test_initialize_parameters_shapes_and_scale():
    p = ref.initialize_parameters([400, 300, 1], seed=3)
    assert p["W1"].shape == (300, 400) and p["b2"].shape == (1, 1) and not p["b1"].any()
    assert abs(p["W1"].std() - np.sqrt(2 / 400)) < 0.01
    assert np.array_equal(p["W1"], ref.initialize_parameters([400, 300, 1], seed=3)["W1"])


# --- against an independent reverse-mode autodiff (tests/autodiff.py), to round-off -------------------------

def autodiff_cost(params, X, Y, hidden, output):
    """The network and its cost built from autodiff Vars; returns (cost Var, {name: Var})."""
    from .autodiff import ACTIVATE, Var

    leaves = {k: Var(v) for k, v in params.items()}
    L = len(params) // 2
    A = Var(X)
    for layer in range(1, L + 1):
        Z = leaves[f"W{layer}"] @ A + leaves[f"b{layer}"]
        A = ACTIVATE[hidden if layer < L else output](Z)
    m = X.shape[1]
    if output == "sigmoid":
        cost = -(Y * A.log() + (1 - Y) * (1 - A).log()).sum() / m
    elif output == "softmax":
        cost = -(Y * A.log()).sum() / m
    else:
        cost = 0.5 * ((A - Y) * (A - Y)).sum() / m
    return cost, leaves


@pytest.mark.parametrize("hidden,output", list(itertools.product(ACTS, ref.OUTPUT_ACTIVATIONS)))
def test_model_backward_agrees_with_autodiff_to_round_off(hidden, output):
    for dims in ([4, 5, 3], [3, 6, 4, 2], [2, 7, 3, 5, 3]):
        if output == "sigmoid":
            dims = dims[:-1] + [1]
        params, X, Y = _network(dims, output, seed=sum(dims))
        cost, leaves = autodiff_cost(params, X, Y, hidden, output)
        cost.backward()
        AL, caches = ref.model_forward(X, params, hidden, output)
        assert np.isclose(COST[output](AL, Y), float(cost.value), rtol=1e-12)
        grads = ref.model_backward(AL, Y, caches, hidden, output)
        for name, leaf in leaves.items():
            assert rel_error(grads[f"d{name}"], leaf.grad) < 1e-12, (name, dims)
