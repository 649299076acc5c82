"""Submissions written in the habits of other courses, wrapped to this course's signatures as a student would.

Habits of the deeplearning.ai style: `parameters`/`grads` dicts with extra keys (dA0, dA1, ...), nested caches
((A_prev, W, b), Z) turned into ours at the end, costs through np.dot and np.squeeze (a 0-d array), guarded logs
log(A + 1e-7), numerical gradients that perturb θ[i] in place and restore it, `assert x.shape == ...` everywhere.
Habits of the CS231n style: row-major layers (one example per row) with 1-D biases, called through a thin transpose
of our column-major arrays, views returned instead of copies, clipped probabilities, float32 intermediates, NumPy
scalars for numbers, np.nditer over a writable input.

Everything here is written by this project in its own words. Every exercise of assignment A is graded
independently (the grader answers for the earlier exercises an exercise calls), so one notebook holds a whole set
of functions in one style: those of a `Habit` are right and must earn full marks, except the exercises in `wrong`,
each of which holds one typical mistake and must lose points with the mistake named (a short phrase of the
catalogue's hint, autograder/hidden/*). Exercises a habit does not write are the course's own solutions.

Like a student who deleted them, the notebooks have none of the course's ordinary code cells (the demos and plots,
which no test cell uses): they would cost most of the grading time (a minute per notebook of 03 or 05), and grading
must not depend on them.

`build(course_dir)` writes submitted/<student>/<assignment>/<assignment>.ipynb for every habit (the release
notebook completed, with the habit's cells) and returns {student: Habit}.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.commands.example_class import completed, with_answers
from autograder.notebooks import read_notebook

A1, A2, A3, A4, A5 = ("01_single_example", "02_vectorized", "03_deep_network", "04_gradient_checking",
                      "05_application")


@dataclass(frozen=True)
class Habit:
    assignment: str
    style: str  # what the notebook does like another course
    answers: dict  # solution cell grade_id -> the whole cell
    wrong: dict = field(default_factory=dict)  # exercise -> a phrase its report must hold
    notes: dict = field(default_factory=dict)  # right exercise -> a phrase its (full-marks) report must hold


def _cells(*functions):
    """{grade_id: code} of function definitions, each keyed by the name of the last function it defines."""
    found = {}
    for code in functions:
        code = code.strip("\n") + "\n"
        names = [line.split("(")[0][4:] for line in code.splitlines() if line.startswith("def ")]
        found[names[-1]] = code
    return found


# --------------------------------------------------------------------------------------------------------
# 01_single_example
# --------------------------------------------------------------------------------------------------------

DLAI_01 = _cells('''
def sigmoid(z):
    # clipped so that np.exp never overflows; sigma(±500) is 0 or 1 to far below any tolerance
    z = np.clip(np.asarray(z, dtype=float), -500, 500)
    s = 1 / (1 + np.exp(-z))
    assert s.shape == z.shape
    return s
''', '''
def sigmoid_derivative(z):
    s = sigmoid(z)
    ds = s * (1 - s)
    assert ds.shape == np.shape(z)
    return ds
''', '''
def relu(z):
    a = np.array(z, dtype=float, copy=True)
    a[a < 0] = 0
    assert a.shape == np.shape(z)
    return a
''', '''
def relu_derivative(z):
    dz = np.ones(np.shape(z))
    dz[np.asarray(z) <= 0] = 0
    return dz
''', '''
def tanh_derivative(z):
    return 1 - np.power(np.tanh(z), 2)
''', '''
def neuron_forward(w, b, x, activation):
    assert w.shape == x.shape
    z = np.dot(w.T, x) + b            # a (1, 1) array, as the course this comes from leaves it
    if activation == "sigmoid":
        y = sigmoid(z)
    elif activation == "relu":
        y = relu(z)
    elif activation == "tanh":
        y = np.tanh(z)
    elif activation == "linear":
        y = z
    else:
        raise ValueError("unknown activation " + str(activation))
    return np.squeeze(y), np.squeeze(z)   # 0-d arrays
''', '''
def xor_parameters():
    parameters = {}
    parameters["W1"] = np.array([[20.0, 20.0], [-20.0, -20.0]])   # OR and NAND
    parameters["b1"] = np.array([[-10.0], [30.0]])
    parameters["W2"] = np.array([[20.0, 20.0]])                    # AND of the two
    parameters["b2"] = np.array([[-30.0]])
    return parameters
''', '''
def _linear_forward(A_prev, W, b):
    Z = np.dot(W, A_prev) + b
    assert Z.shape == (W.shape[0], A_prev.shape[1])
    return Z, (A_prev, W, b)


def dense_forward_single(x, W, b, activation):
    Z, linear_cache = _linear_forward(x, W, b)
    if activation == "sigmoid":
        A = sigmoid(Z)
    elif activation == "relu":
        A = relu(Z)
    elif activation == "tanh":
        A = np.tanh(Z)
    elif activation == "linear":
        A = Z
    else:
        raise ValueError(f"no activation called {activation}")
    cache = (linear_cache, Z)             # ((A_prev, W, b), Z), as the other course keeps it
    (A_prev, W_, b_), Z_ = cache
    return A, (Z_, A_prev, W_, b_)        # ... handed over in this course's order
''', '''
def dense_backward_loops(dy, cache, activation):
    z, x, W, b = cache
    derivative = {"sigmoid": sigmoid_derivative, "relu": relu_derivative, "tanh": tanh_derivative,
                  "linear": lambda v: np.ones_like(v)}
    if activation not in derivative:
        raise ValueError(activation)
    slope = derivative[activation](z)
    dx, dW, db = np.zeros(x.shape), np.zeros(W.shape), np.zeros(b.shape)
    for j in range(W.shape[0]):
        dz_j = dy[j][0] * slope[j][0]
        db[j][0] = dz_j
        for i in range(W.shape[1]):
            dW[j][i] = dz_j * x[i][0]
            dx[i][0] = dx[i][0] + W[j][i] * dz_j
    assert dW.shape == W.shape and db.shape == b.shape and dx.shape == x.shape
    return dx, dW, db
''', '''
def dense_backward_single(dy, cache, activation):
    z, x, W, b = cache
    if activation == "sigmoid":
        dz = dy * sigmoid_derivative(z)
    elif activation == "relu":
        dz = np.array(dy, copy=True)
        dz[z <= 0] = 0
    elif activation == "tanh":
        dz = dy * tanh_derivative(z)
    elif activation == "linear":
        dz = dy
    else:
        raise ValueError(activation)
    dW = np.dot(dz, x.T)
    db = np.sum(dz, axis=1, keepdims=True)
    dx = np.dot(W.T, dz)
    assert dx.shape == x.shape
    return dx, dW, db
''')

ROWS_01 = _cells('''
def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])
    out[~positive] = e / (1.0 + e)
    return out
''', '''
def sigmoid_derivative(z):
    return z * (1 - z)
''', '''
def relu(z):
    return np.abs(z)
''', '''
def relu_derivative(z):
    return (np.asarray(z) > 0) * 1.0
''', '''
def tanh_derivative(z):
    t = np.tanh(np.asarray(z, dtype=np.float32))          # float32 intermediates
    return (1 - t * t).astype(np.float64)
''', '''
def neuron_forward(w, b, x, activation):
    z = x.ravel() @ w.ravel() + b                          # row-major: a 1-D input times a 1-D weight vector
    table = {"sigmoid": sigmoid, "relu": relu, "tanh": np.tanh, "linear": lambda v: v}
    if activation not in table:
        raise ValueError(f"activation must be one of {sorted(table)}")
    return np.float64(table[activation](z)), np.float64(z)  # NumPy scalars
''', '''
def _affine_rows(x_rows, W_rows, b_flat):
    """One example per row: x_rows (N, D), W_rows (D, M), a 1-D bias (M,)."""
    return x_rows @ W_rows + b_flat


def dense_forward_single(x, W, b, activation):
    out = _affine_rows(x.T, W.T, b.reshape(-1))            # (1, n_y)
    z = out.T                                              # a view, shape (n_y, 1)
    if activation == "relu":
        y = np.maximum(z, 0)
    elif activation == "sigmoid":
        y = sigmoid(z)
    elif activation == "tanh":
        y = np.tanh(z)
    elif activation == "linear":
        y = z                                              # the same object as the cache's z
    else:
        raise ValueError("unsupported activation")
    return y, (z, x, W, b)
''', '''
def _affine_backward_rows(dout, x_rows, W_rows):
    """Row-major: dout (N, M), x_rows (N, D), W_rows (D, M) -> dx (N, D), dW (D, M), db (M,)."""
    return dout @ W_rows.T, x_rows.T @ dout, dout.sum(axis=0)


def dense_backward_single(dy, cache, activation):
    z, x, W, b = cache
    if activation == "linear":
        dz = dy
    elif activation in ("sigmoid", "relu", "tanh"):
        dz = dy
    else:
        raise ValueError(activation)
    dx_rows, dW_rows, db_flat = _affine_backward_rows(dz.T, x.T, W.T)
    return dx_rows.T, dW_rows.T, db_flat.reshape(-1, 1)
''')


# --------------------------------------------------------------------------------------------------------
# 02_vectorized
# --------------------------------------------------------------------------------------------------------

DLAI_02 = _cells('''
def layer_forward(A_prev, W, b, activation):
    assert W.shape[1] == A_prev.shape[0]
    assert b.shape == (W.shape[0], 1)
    Z = np.dot(W, A_prev) + b
    linear_cache = (A_prev, W, b)
    A = activation_forward(Z, activation)
    assert A.shape == (W.shape[0], A_prev.shape[1])
    cache = (linear_cache, Z)
    (A_prev_, W_, b_), Z_ = cache
    return A, (Z_, A_prev_, W_, b_)
''', '''
def layer_backward(dA, cache, activation):
    Z, A_prev, W, b = cache
    m = A_prev.shape[1]
    dZ = np.multiply(dA, activation_derivative(Z, activation))
    dW = 1.0 / m * np.dot(dZ, A_prev.T)
    db = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    assert dA_prev.shape == A_prev.shape
    assert dW.shape == W.shape
    assert db.shape == b.shape
    return dA_prev, dW, db
''', '''
def layer_backward_per_example(dA, cache, activation):
    Z, A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.zeros_like(A_prev, dtype=float)
    dW = np.zeros_like(W, dtype=float)
    db = np.zeros_like(b, dtype=float)
    for i in range(m):
        dz = dA[:, [i]] * activation_derivative(Z[:, [i]], activation)
        assert dz.shape == (W.shape[0], 1)
        dW = dW + np.dot(dz, A_prev[:, [i]].T)
        db = db + dz
        dA_prev[:, [i]] = np.dot(W.T, dz)
    return dA_prev, dW / m, db / m
''', '''
def layer_forward_rows(X, W, b, activation):
    # the column-major layer of this notebook, run on the transposes
    A_cols, (Z_cols, _, _, _) = layer_forward(X.T, W.T, b.T, activation)
    return A_cols.T, (Z_cols.T, X, W, b)
''', '''
def layer_backward_rows(dA, cache, activation):
    Z, X, W, b = cache
    dX_cols, dW_cols, db_cols = layer_backward(dA.T, (Z.T, X.T, W.T, b.T), activation)
    return dX_cols.T, dW_cols.T, db_cols.T
''')

ROWS_02 = _cells('''
def layer_forward(A_prev, W, b, activation):
    Z = np.dot(W, A_prev)
    return activation_forward(Z, activation), (Z, A_prev, W, b)
''', '''
def layer_backward(dA, cache, activation):
    Z, A_prev, W, b = cache
    dZ = dA * activation_derivative(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True)
''', '''
def layer_forward_rows(X, W, b, activation):
    Z = X.dot(W) + b.reshape(-1)                    # a 1-D bias broadcast along the rows
    return activation_forward(Z, activation), (Z, X, W, b)
''', '''
def layer_backward_rows(dA, cache, activation):
    Z, X, W, b = cache
    m = X.shape[0]
    dZ = dA * activation_derivative(Z, activation)
    return dZ.dot(W.T), X.T.dot(dZ) / m, dZ.sum(axis=1, keepdims=True) / m
''')


# --------------------------------------------------------------------------------------------------------
# 03_deep_network
# --------------------------------------------------------------------------------------------------------

DLAI_03 = _cells('''
def initialize_parameters(layer_dims, seed=0):
    rng = np.random.default_rng(seed)
    parameters = {}
    L = len(layer_dims)
    for l in range(1, L):
        parameters["W" + str(l)] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) / np.sqrt(
            layer_dims[l - 1] / 2)
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
        assert parameters["W" + str(l)].shape == (layer_dims[l], layer_dims[l - 1])
        assert parameters["b" + str(l)].shape == (layer_dims[l], 1)
    return parameters
''', '''
def softmax(Z):
    t = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    A = t / np.sum(t, axis=0, keepdims=True)
    assert A.shape == Z.shape
    return A
''', '''
def model_forward(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    if output_activation not in ("sigmoid", "softmax", "linear"):
        raise ValueError(output_activation)
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A_prev = A
        A, cache = layer_forward(A_prev, parameters["W" + str(l)], parameters["b" + str(l)], hidden_activation)
        caches.append(cache)
    if output_activation == "softmax":
        ZL, cache = layer_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "linear")
        AL = softmax(ZL)
    else:
        AL, cache = layer_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], output_activation)
    caches.append(cache)
    assert AL.shape == (parameters["W" + str(L)].shape[0], X.shape[1])
    return AL, caches
''', '''
def compute_cost(AL, Y):
    m = Y.shape[1]
    cost = -1 / m * (np.dot(Y, np.log(AL + 1e-7).T) + np.dot(1 - Y, np.log(1 - AL + 1e-7).T))
    cost = np.squeeze(cost)      # a 0-d array
    assert cost.shape == ()
    return cost
''', '''
def cost_gradient(AL, Y):
    dAL = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    assert dAL.shape == AL.shape
    return dAL
''', '''
def mse_cost(AL, Y):
    m = Y.shape[1]
    return np.sum(np.square(AL - Y)) / (2 * m)      # a NumPy scalar
''', '''
def mse_gradient(AL, Y):
    return np.subtract(AL, Y)
''', '''
def softmax_cross_entropy(AL, Y):
    m = Y.shape[1]
    cost = -np.sum(np.multiply(Y, np.log(AL + 1e-7))) / m   # the guarded log
    return np.array([[cost]])                                # a (1, 1) array
''', '''
def model_backward(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    grads = {}
    L = len(caches)
    dZL = AL - Y
    current_cache = caches[L - 1]
    grads["dA" + str(L - 1)], grads["dW" + str(L)], grads["db" + str(L)] = layer_backward(
        dZL, current_cache, "linear")
    for l in reversed(range(L - 1)):
        current_cache = caches[l]
        dA_prev_temp, dW_temp, db_temp = layer_backward(grads["dA" + str(l + 1)], current_cache, hidden_activation)
        grads["dA" + str(l)] = dA_prev_temp              # dA0 ... dA(L-1), as the other course returns them
        grads["dW" + str(l + 1)] = dW_temp
        grads["db" + str(l + 1)] = db_temp
    return grads
''', '''
def tied_weights_backward(X, Y, W, b1, b2, hidden_activation="tanh"):
    caches = {}
    A1, caches["layer1"] = layer_forward(X, W, b1, hidden_activation)
    A2, caches["layer2"] = layer_forward(A1, W, b2, "linear")
    grads = {}
    dA1, grads["dW_2"], grads["db2"] = layer_backward(mse_gradient(A2, Y), caches["layer2"], "linear")
    grads["dA0"], grads["dW_1"], grads["db1"] = layer_backward(dA1, caches["layer1"], hidden_activation)
    grads["dW"] = grads["dW_1"] + grads["dW_2"]
    return grads                                          # with extra keys dW_1, dW_2, dA0
''', '''
def update_parameters(parameters, grads, learning_rate):
    import copy
    parameters = copy.deepcopy(parameters)                 # then updated in place, the caller's dict untouched
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] -= learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] -= learning_rate * grads["db" + str(l + 1)]
    return parameters
''')

ROWS_03 = _cells('''
def initialize_parameters(layer_dims, seed=0):
    rng = np.random.default_rng(seed)
    return {name: value for l in range(1, len(layer_dims)) for name, value in (
        (f"W{l}", rng.normal(0.0, np.sqrt(1.0 / layer_dims[l - 1]), size=(layer_dims[l], layer_dims[l - 1]))),
        (f"b{l}", np.zeros((layer_dims[l], 1))))}
''', '''
def softmax(Z):
    scores = Z.T                                           # one example per row
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted)
    probs /= probs.sum(axis=1, keepdims=True)
    return probs.T
''', '''
def compute_cost(AL, Y):
    p = np.clip(AL, 1e-7, 1 - 1e-7)                        # clipped probabilities
    return float(-np.mean(Y * np.log10(p) + (1 - Y) * np.log10(1 - p)))
''', '''
def cost_gradient(AL, Y):
    return -Y / AL - (1 - Y) / (1 - AL)
''', '''
def mse_cost(AL, Y):
    return float(np.sum((AL - Y) ** 2) / Y.shape[1])
''', '''
def mse_gradient(AL, Y):
    return (AL - Y).astype(np.float32).astype(np.float64)   # float32 intermediates
''', '''
def softmax_cross_entropy(AL, Y):
    probs = np.clip(AL.T, 1e-7, 1.0)                        # rows are examples
    return float(-np.mean(Y.T * np.log(probs)))
''', '''
def tied_weights_backward(X, Y, W, b1, b2, hidden_activation="tanh"):
    A1, cache1 = layer_forward(X, W, b1, hidden_activation)
    A2, cache2 = layer_forward(A1, W, b2, "linear")
    dA1, dW2, db2 = layer_backward(A2 - Y, cache2, "linear")
    _, dW1, db1 = layer_backward(dA1, cache1, hidden_activation)
    return {"dW": (dW1 + dW2) / 2, "db1": db1, "db2": db2}
''', '''
def update_parameters(parameters, grads, learning_rate):
    return {k: v + learning_rate * grads["d" + k] for k, v in parameters.items()}
''')


# --------------------------------------------------------------------------------------------------------
# 04_gradient_checking
# --------------------------------------------------------------------------------------------------------

DLAI_04 = _cells('''
def numerical_gradient(f, x, epsilon=1e-6):
    # θ[i] nudged in place, f evaluated, θ[i] put back: x is as it was when this returns
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        theta_i = x[i]
        x[i] = theta_i + epsilon
        J_plus = f(x)
        x[i] = theta_i - epsilon
        J_minus = f(x)
        x[i] = theta_i
        grad[i] = (J_plus - J_minus) / (2 * epsilon)
    assert grad.shape == x.shape
    return grad
''', '''
def relative_error(a, b):
    numerator = np.linalg.norm(a - b)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0:
        return 0.0
    difference = numerator / denominator
    return difference                                      # a NumPy scalar
''', '''
def _to_vector(dictionary, keys):
    return np.concatenate([np.reshape(dictionary[k], (-1, 1)) for k in keys], axis=0)


def _to_dictionary(theta, like, keys):
    out, start = {}, 0
    for k in keys:
        size = like[k].size
        out[k] = theta[start:start + size].reshape(like[k].shape)
        start += size
    return out


def gradient_check(parameters, X, Y, hidden_activation="relu", output_activation="sigmoid", epsilon=1e-6):
    costs = {"sigmoid": compute_cost, "softmax": softmax_cross_entropy, "linear": mse_cost}
    keys = list(parameters)
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    grad = _to_vector(grads, ["d" + k for k in keys])
    theta = _to_vector(parameters, keys)
    gradapprox = np.zeros(theta.shape)
    for i in range(theta.shape[0]):
        theta_plus = np.copy(theta)
        theta_plus[i][0] += epsilon
        J_plus = costs[output_activation](
            model_forward(X, _to_dictionary(theta_plus, parameters, keys), hidden_activation, output_activation)[0], Y)
        theta_minus = np.copy(theta)
        theta_minus[i][0] -= epsilon
        J_minus = costs[output_activation](
            model_forward(X, _to_dictionary(theta_minus, parameters, keys), hidden_activation, output_activation)[0],
            Y)
        gradapprox[i] = (J_plus - J_minus) / (2 * epsilon)
    return relative_error(grad, gradapprox)
''', '''
def locate_gradient_bug(backward, parameters, X, Y, hidden_activation="relu", output_activation="sigmoid",
                        epsilon=1e-6):
    costs = {"sigmoid": compute_cost, "softmax": softmax_cross_entropy, "linear": mse_cost}
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    grads = backward(AL, Y, caches, hidden_activation, output_activation)
    errors = {}
    for key in parameters:
        def J(value, key=key):
            trial = dict(parameters)
            trial[key] = value
            return costs[output_activation](model_forward(X, trial, hidden_activation, output_activation)[0], Y)
        numeric = numerical_gradient(J, parameters[key].copy(), epsilon)
        assert numeric.shape == grads["d" + key].shape
        errors["d" + key] = relative_error(grads["d" + key], numeric)
    worst = max(errors, key=errors.get)
    return worst if errors[worst] >= 1e-5 else None
''')

ROWS_04 = _cells('''
def numerical_gradient(f, x, epsilon=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + epsilon
        fxph = f(x)
        x[ix] = old - epsilon
        fxmh = f(x)
        x[ix] = old
        grad[ix] = (fxph - fxmh) / epsilon
        it.iternext()
    return grad
''', '''
def relative_error(a, b):
    return float(np.linalg.norm(a - b))
''', '''
def gradient_check(parameters, X, Y, hidden_activation="relu", output_activation="sigmoid", epsilon=1e-6):
    cost = {"sigmoid": compute_cost, "softmax": softmax_cross_entropy, "linear": mse_cost}[output_activation]
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    grads = model_backward(AL, Y, caches, hidden_activation, output_activation)
    errors = []
    for name in parameters:
        def f(value, name=name):
            return cost(model_forward(X, {**parameters, name: value}, hidden_activation, output_activation)[0], Y)
        errors.append(relative_error(grads["d" + name], numerical_gradient(f, parameters[name].copy(), epsilon)))
    return float(np.mean(errors))
''')


# --------------------------------------------------------------------------------------------------------
# 05_application
# --------------------------------------------------------------------------------------------------------

DLAI_05 = _cells('''
def one_hot(labels, num_classes):
    Y = np.eye(num_classes)[np.asarray(labels).reshape(-1)].T    # a transposed view of a fresh array
    assert Y.shape == (num_classes, np.size(labels))
    return Y
''', '''
def train(X, Y, layer_dims, learning_rate, num_epochs, batch_size, seed=0):
    parameters = initialize_parameters(layer_dims, seed)
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    costs = []
    for epoch in range(num_epochs):
        permutation = list(rng.permutation(m))
        shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
        minibatches = []
        for k in range(0, m, batch_size):
            minibatches.append((shuffled_X[:, k:k + batch_size], shuffled_Y[:, k:k + batch_size]))
        cost_total = 0
        for minibatch_X, minibatch_Y in minibatches:
            AL, caches = model_forward(minibatch_X, parameters, "relu", "softmax")
            cost_total += softmax_cross_entropy(AL, minibatch_Y)
            grads = model_backward(AL, minibatch_Y, caches, "relu", "softmax")
            parameters = update_parameters(parameters, grads, learning_rate)
        costs.append(cost_total / len(minibatches))
    return parameters, costs
''', '''
def predict(X, parameters):
    AL, caches = model_forward(X, parameters, "relu", "softmax")
    p = np.argmax(AL, axis=0)
    assert p.shape == (X.shape[1],)
    return p
''', '''
def accuracy(predictions, labels):
    return np.mean(predictions == labels)                        # a NumPy scalar
''')

ROWS_05 = _cells('''
def one_hot(labels, num_classes):
    labels = np.asarray(labels).reshape(-1).astype(int)
    Y = np.zeros((labels.size, num_classes))
    Y[np.arange(labels.size), labels - 1] = 1
    return Y.T
''', '''
def train(X, Y, layer_dims, learning_rate, num_epochs, batch_size, seed=0):
    parameters = initialize_parameters(layer_dims, seed=seed)
    rng = np.random.default_rng(seed)
    N = X.shape[1]
    history = []
    for _ in range(num_epochs):
        idx = rng.permutation(N)
        losses = []
        for start in range(0, N, batch_size):
            cols = idx[start:start + batch_size]
            AL, caches = model_forward(X[:, cols], parameters, "relu", "softmax")
            losses.append(softmax_cross_entropy(AL, Y[:, cols]))
            parameters = update_parameters(parameters, model_backward(AL, Y[:, cols], caches, "relu", "softmax"),
                                           learning_rate)
        history.append(float(np.sum(losses)))
    return parameters, history
''', '''
def predict(X, parameters):
    scores, _ = model_forward(X, parameters, "relu", "softmax")
    return np.argmin(scores.T, axis=1)                         # rows are examples
''', '''
def accuracy(predictions, labels):
    return 100.0 * (np.asarray(predictions) == np.asarray(labels)).mean()
''')


def _only(cells, *names):
    return {name: cells[name] for name in names}


def _without(cells, *names):
    return {name: code for name, code in cells.items() if name not in names}


HABITS = {
    # deeplearning.ai's habits, every exercise right
    "h01_dlai": Habit(A1, "dicts, nested caches, clipped sigmoid, (1, 1) and 0-d numbers, asserts", DLAI_01),
    "h02_dlai": Habit(A2, "nested caches, asserts, the row layer through the column layer's transposes", DLAI_02),
    "h03_dlai": Habit(A3, "dA0... keys, 0-d and (1, 1) costs, guarded logs, deepcopy then in-place update",
                      DLAI_03, notes={"model_backward": "extra keys ['dA0'",
                                      "tied_weights_backward": "extra keys ["}),
    "h04_dlai": Habit(A4, "θ[i] perturbed in place and restored, dict <-> vector, NumPy scalars", DLAI_04),
    "h05_dlai": Habit(A5, "np.eye one-hot view, mini-batch lists, a NumPy scalar accuracy", DLAI_05),
    # CS231n's habits: row-major layers behind transposes, 1-D biases, views, clipping, float32; one typical
    # mistake in each of the exercises named in `wrong`, the others right
    "h01_rows": Habit(A1, "row-major affine with 1-D bias, views, NumPy scalars, float32", ROWS_01, {
        "sigmoid_derivative": "apply sigmoid first",
        "relu": "not |z|",
        "dense_backward_single": "g'(z) was skipped"}),
    "h02_rows": Habit(A2, "1-D bias in the row layer, .dot", ROWS_02, {
        "layer_forward": "is b missing?",
        "layer_backward": "the 1/m is missing",
        "layer_backward_rows": "db has one entry per example"}),
    "h03_rows": Habit(A3, "clipped probabilities, rows through transposes, float32, rng.normal", ROWS_03, {
        "compute_cost": "not log10",
        "cost_gradient": "the second term is +(1 - Y)/(1 - AL)",
        "mse_cost": "the ½ is missing",
        "softmax_cross_entropy": "divide by the m examples",
        "tied_weights_backward": "do not average them",
        "update_parameters": "a minus sign"}),
    "h04_rows": Habit(A4, "np.nditer over a writable x, restored", ROWS_04, {
        "numerical_gradient": "divide by 2ε, not ε",
        "relative_error": "that is the absolute error",
        "gradient_check": "not the mean of the per-parameter errors"}),
    "h05_rows": Habit(A5, "row-major scores, a transposed one-hot", ROWS_05, {
        "one_hot": "not row c - 1",
        "train": "not their sum",
        "predict": "not the argmin",
        "accuracy": "not a percentage"}),
}
STUDENTS = sorted(HABITS)
ASSIGNMENTS = sorted({h.assignment for h in HABITS.values()})


def without_demos(nb):
    """nb without its ordinary code cells (those that are neither nbgrader cells nor the student's answers)."""
    nb.cells = [c for c in nb.cells if c.cell_type != "code" or c.metadata.get("nbgrader")]
    return nb


def build(course_dir):
    """Write every habit's submission; returns {student: Habit}."""
    course_dir = Path(course_dir)
    for student, habit in HABITS.items():
        a = habit.assignment
        good = completed(read_notebook(course_dir / "release" / a / f"{a}.ipynb"),
                         read_notebook(course_dir / "source" / a / f"{a}.ipynb"))
        folder = course_dir / "submitted" / student / a
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(without_demos(with_answers(good, habit.answers)), folder / f"{a}.ipynb")
    return dict(HABITS)
