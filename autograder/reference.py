"""Reference implementation of every graded function of the course (instructors only).

Conventions (as in the notebooks): examples are columns, ``A`` is (n, m), ``W`` is (n_l, n_{l-1}),
``b`` is (n_l, 1), float64, and a layer cache is ``(Z, A_prev, W, b)``. The row-major functions of
assignment 02 are the one exception and say so.

The hidden checks in :mod:`autograder.hidden` compare a student's function with the function of the same
name here. Nothing in this module is ever shipped to students.

Every function is written as the math it stands for, and returns new arrays without changing its inputs.
Speed is not its job: grading time goes into the round trips to the student's kernel, and the fastest NumPy
training step found is kept in ``benchmarks/training_step.py`` (the "lean" contender) instead.
"""

from __future__ import annotations

import numpy as np

ACTIVATIONS = ("sigmoid", "relu", "tanh", "linear")


def _require_activation(activation, allowed=ACTIVATIONS):
    if activation not in allowed:
        raise ValueError(f"activation must be one of {', '.join(map(repr, allowed))}; got {activation!r}")


# --------------------------------------------------------------------------------------------------------
# 01 One example at a time
# --------------------------------------------------------------------------------------------------------

def step(z):
    """Perceptron output: 1.0 where z >= 0, else 0.0. z: any shape; returns the same shape."""
    return np.where(np.asarray(z, dtype=float) >= 0, 1.0, 0.0)


def sigmoid(z):
    """Logistic function 1 / (1 + e^{-z}). z: array of any shape; returns an array of the same shape.

    Written in a form that never evaluates e^{+large}, so it neither overflows nor warns.
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z):
    """sigma'(z) = sigma(z) (1 - sigma(z)). z: any shape; returns the same shape."""
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z):
    """max(0, z) elementwise. z: any shape; returns the same shape."""
    return np.maximum(0.0, np.asarray(z, dtype=float))


def relu_derivative(z):
    """1 where z > 0, else 0 (so relu'(0) = 0). z: any shape; returns the same shape."""
    return (np.asarray(z) > 0).astype(float)


def tanh_derivative(z):
    """tanh'(z) = 1 - tanh(z)^2. z: any shape; returns the same shape."""
    return 1.0 - np.tanh(np.asarray(z, dtype=float)) ** 2


def activation_forward(z, activation):
    """g(z) for activation in ACTIVATIONS. z: any shape; returns the same shape."""
    _require_activation(activation)
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "relu":
        return relu(z)
    if activation == "tanh":
        return np.tanh(z)
    return np.array(z, dtype=float)


def activation_derivative(z, activation):
    """g'(z) for activation in ACTIVATIONS. z: any shape; returns the same shape."""
    _require_activation(activation)
    if activation == "sigmoid":
        return sigmoid_derivative(z)
    if activation == "relu":
        return relu_derivative(z)
    if activation == "tanh":
        return tanh_derivative(z)
    return np.ones_like(z, dtype=float)


def neuron_forward(w, b, x, activation):
    """One neuron: z = w^T x + b, y = f(z).

    Args:
        w: weights, (n, 1).  b: bias, a scalar.  x: input, (n, 1).
        activation: one of "sigmoid", "relu", "tanh", "linear".
    Returns:
        (y, z): two Python floats.
    """
    _require_activation(activation)
    z = float((w.T @ x).item() + b)
    return float(activation_forward(z, activation)), z


def xor_parameters():
    """Weights of a 2-2-1 network of step units that computes XOR.

    Returns:
        dict with W1 (2, 2), b1 (2, 1), W2 (1, 2), b2 (1, 1). Hidden unit 1 is OR, unit 2 is AND,
        the output fires for "OR and not AND".
    """
    return {
        "W1": np.array([[1.0, 1.0], [1.0, 1.0]]),
        "b1": np.array([[-0.5], [-1.5]]),
        "W2": np.array([[1.0, -1.0]]),
        "b2": np.array([[-0.5]]),
    }


def dense_forward_single(x, W, b, activation):
    """One dense layer on one example: z = W x + b, y = g(z).

    Args:
        x: (n_x, 1).  W: (n_y, n_x).  b: (n_y, 1).  activation: a name in ACTIVATIONS.
    Returns:
        (y, cache): y is (n_y, 1); cache is (z, x, W, b) with z (n_y, 1).
    """
    _require_activation(activation)
    z = W @ x + b
    return activation_forward(z, activation), (z, x, W, b)


def dense_backward_loops(dy, cache, activation):
    """Backward pass of one dense layer, one example, unit by unit (the backpropagation note's equations 6-9).

    Args:
        dy: dJ/dy, (n_y, 1).  cache: (z, x, W, b) from dense_forward_single.  activation: name.
    Returns:
        (dx, dW, db): (n_x, 1), (n_y, n_x), (n_y, 1).
    """
    _require_activation(activation)
    z, x, W, _ = cache
    n_y, n_x = W.shape
    dz = np.zeros((n_y, 1))
    for j in range(n_y):
        dz[j, 0] = dy[j, 0] * float(activation_derivative(z[j, 0], activation))
    dx = np.zeros((n_x, 1))
    for i in range(n_x):
        for j in range(n_y):
            dx[i, 0] += dz[j, 0] * W[j, i]
    dW = np.zeros((n_y, n_x))
    for j in range(n_y):
        for i in range(n_x):
            dW[j, i] = dz[j, 0] * x[i, 0]
    return dx, dW, dz.copy()


def dense_backward_single(dy, cache, activation):
    """The same backward pass in matrix form: dz = dy * g'(z), dW = dz x^T, db = dz, dx = W^T dz.

    Args and returns as dense_backward_loops.
    """
    _require_activation(activation)
    z, x, W, _ = cache
    dz = dy * activation_derivative(z, activation)
    return W.T @ dz, dz @ x.T, dz


# --------------------------------------------------------------------------------------------------------
# 02 A batch of m examples
# --------------------------------------------------------------------------------------------------------

def layer_forward(A_prev, W, b, activation):
    """Vectorized layer: Z = W A_prev + b (b broadcast over the m columns), A = g(Z).

    Args:
        A_prev: (n_prev, m).  W: (n_l, n_prev).  b: (n_l, 1).  activation: a name in ACTIVATIONS.
    Returns:
        (A, cache): A is (n_l, m); cache is (Z, A_prev, W, b).
    """
    _require_activation(activation)
    Z = W @ A_prev + b
    return activation_forward(Z, activation), (Z, A_prev, W, b)


def linear_backward(dZ, cache):
    """The linear half of a layer's backward pass, given dZ (n_l, m) and the cache (Z, A_prev, W, b).

    Returns (dA_prev, dW, db) with shapes (n_prev, m), (n_l, n_prev), (n_l, 1). The 1/m of the
    averaged cost appears in dW and db only: dA_prev is per example.
    """
    _, A_prev, W, _ = cache
    m = A_prev.shape[1]
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def layer_backward(dA, cache, activation):
    """Vectorized backward pass of one layer: dZ = dA * g'(Z), dW = dZ A_prev^T / m,
    db = sum_columns(dZ) / m, dA_prev = W^T dZ.

    Args:
        dA: (n_l, m).  cache: (Z, A_prev, W, b).  activation: a name in ACTIVATIONS.
    Returns:
        (dA_prev, dW, db): (n_prev, m), (n_l, n_prev), (n_l, 1).
    """
    _require_activation(activation)
    Z = cache[0]
    return linear_backward(dA * activation_derivative(Z, activation), cache)


def layer_backward_per_example(dA, cache, activation):
    """layer_backward computed one column at a time with the single-example equations, then averaged.

    Args and returns as layer_backward.
    """
    _require_activation(activation)
    Z, A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev = np.zeros_like(A_prev, dtype=float)
    dW = np.zeros_like(W, dtype=float)
    db = np.zeros_like(b, dtype=float)
    for i in range(m):
        column = (Z[:, i:i + 1], A_prev[:, i:i + 1], W, b)
        dx, dW_i, db_i = dense_backward_single(dA[:, i:i + 1], column, activation)
        dA_prev[:, i:i + 1] = dx
        dW += dW_i
        db += db_i
    return dA_prev, dW / m, db / m


def layer_forward_rows(X, W, b, activation):
    """Row-major layer (examples are rows, as in the blog post and most frameworks): Z = X W + b.

    Args:
        X: (m, n).  W: (n, h).  b: (1, h).  activation: a name in ACTIVATIONS.
    Returns:
        (A, cache): A is (m, h); cache is (Z, X, W, b).
    """
    _require_activation(activation)
    Z = X @ W + b
    return activation_forward(Z, activation), (Z, X, W, b)


def layer_backward_rows(dA, cache, activation):
    """Row-major backward pass: dZ = dA * g'(Z), dW = X^T dZ / m, db = sum_rows(dZ) / m, dX = dZ W^T.

    Args:
        dA: (m, h).  cache: (Z, X, W, b) from layer_forward_rows.  activation: a name in ACTIVATIONS.
    Returns:
        (dX, dW, db): (m, n), (n, h), (1, h).
    """
    _require_activation(activation)
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA * activation_derivative(Z, activation)
    return dZ @ W.T, (X.T @ dZ) / m, dZ.sum(axis=0, keepdims=True) / m


# --------------------------------------------------------------------------------------------------------
# 03 L layers, end to end
# --------------------------------------------------------------------------------------------------------

OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "linear")


def initialize_parameters(layer_dims, seed=0):
    """He-scaled random weights and zero biases.

    Args:
        layer_dims: [n_0, n_1, ..., n_L], the input size followed by each layer's size.
        seed: seed of the random generator; the same seed gives the same parameters.
    Returns:
        dict with W1..WL, Wl of shape (n_l, n_{l-1}) and standard deviation sqrt(2 / n_{l-1}),
        and b1..bL, bl zeros of shape (n_l, 1).
    """
    rng = np.random.default_rng(seed)
    parameters = {}
    for layer in range(1, len(layer_dims)):
        n_prev, n = layer_dims[layer - 1], layer_dims[layer]
        parameters[f"W{layer}"] = rng.standard_normal((n, n_prev)) * np.sqrt(2.0 / n_prev)
        parameters[f"b{layer}"] = np.zeros((n, 1))
    return parameters


def softmax(Z):
    """Column-wise softmax. Z: (k, m) logits; returns (k, m) whose columns are positive and sum to 1.

    Subtracting each column's maximum changes nothing mathematically and keeps e^z from overflowing.
    """
    shifted = np.exp(Z - Z.max(axis=0, keepdims=True))
    return shifted / shifted.sum(axis=0, keepdims=True)


def model_forward(X, parameters, hidden_activation="relu", output_activation="sigmoid"):
    """Forward pass of an L-layer network.

    Args:
        X: (n_0, m).  parameters: dict W1..WL, b1..bL.
        hidden_activation: a name in ACTIVATIONS for layers 1..L-1.
        output_activation: "sigmoid", "softmax" or "linear" for layer L.
    Returns:
        (AL, caches): AL is (n_L, m); caches is a list of L tuples (Z, A_prev, W, b), layer 1 first.
    """
    _require_activation(hidden_activation)
    _require_activation(output_activation, OUTPUT_ACTIVATIONS)
    L = len(parameters) // 2
    A = X
    caches = []
    for layer in range(1, L + 1):
        W, b = parameters[f"W{layer}"], parameters[f"b{layer}"]
        if layer < L:
            A, cache = layer_forward(A, W, b, hidden_activation)
        elif output_activation == "softmax":
            Z = W @ A + b
            A, cache = softmax(Z), (Z, A, W, b)
        else:
            A, cache = layer_forward(A, W, b, output_activation)
        caches.append(cache)
    return A, caches


def compute_cost(AL, Y):
    """Binary cross-entropy averaged over examples: -(1/m) sum(Y log AL + (1 - Y) log(1 - AL)).

    Args: AL, Y: (1, m) (or (k, m) of independent binary outputs). Returns: a Python float.
    """
    m = Y.shape[1]
    return float(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)).sum() / m)


def cost_gradient(AL, Y):
    """dJ/dAL of the binary cross-entropy, per example (no 1/m): -Y/AL + (1 - Y)/(1 - AL). Shape of AL."""
    return -Y / AL + (1 - Y) / (1 - AL)


def mse_cost(AL, Y):
    """Squared error J = (1/m) sum_i 1/2 ||yhat_i - y_i||^2. AL, Y: (k, m). Returns a Python float."""
    m = Y.shape[1]
    return float(0.5 * ((AL - Y) ** 2).sum() / m)


def mse_gradient(AL, Y):
    """dJ/dAL of mse_cost, per example (no 1/m): AL - Y, the (yhat - y) error of the blog post. Shape of AL."""
    return AL - Y


def softmax_cross_entropy(AL, Y):
    """Categorical cross-entropy -(1/m) sum(Y log AL). AL: softmax output (k, m); Y: one-hot (k, m).

    Returns a Python float.
    """
    m = Y.shape[1]
    return float(-(Y * np.log(AL)).sum() / m)


def model_backward(AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
    """Backward pass of an L-layer network.

    The loss is the one that goes with the output activation: sigmoid with binary cross-entropy,
    softmax with categorical cross-entropy, linear with squared error. For all three dZ[L] = AL - Y.

    Args:
        AL: (n_L, m).  Y: (n_L, m).  caches: the list from model_forward.
        hidden_activation, output_activation: as given to model_forward.
    Returns:
        dict with dW1..dWL (shapes of W1..WL) and db1..dbL (shapes of b1..bL).
    """
    _require_activation(hidden_activation)
    _require_activation(output_activation, OUTPUT_ACTIVATIONS)
    L = len(caches)
    grads = {}
    # The loss's dA[L] times g'(Z[L]) simplifies to AL - Y for each pair: no division by AL.
    dZ = AL - Y
    for layer in range(L, 0, -1):
        dA_prev, grads[f"dW{layer}"], grads[f"db{layer}"] = linear_backward(dZ, caches[layer - 1])
        if layer > 1:
            dZ = dA_prev * activation_derivative(caches[layer - 2][0], hidden_activation)
    return grads


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step. Returns a new dict {name: value - learning_rate * d<name>};
    the input dicts and their arrays are left untouched."""
    return {name: value - learning_rate * grads[f"d{name}"] for name, value in parameters.items()}


def tied_weights_backward(X, Y, W, b1, b2, hidden_activation="tanh"):
    """Two layers that share one square weight matrix W (the backpropagation note's tied weights).

    Forward: A1 = g(W X + b1), A2 = W A1 + b2 (linear), cost J = mse_cost(A2, Y).
    Because the chain rule is linear, dJ/dW is the sum of the gradients W receives in each layer:
    dW = dW[1] + dW[2].

    Args:
        X: (n, m).  Y: (n, m).  W: (n, n).  b1, b2: (n, 1).  hidden_activation: a name in ACTIVATIONS.
    Returns:
        dict with dW (n, n), db1 (n, 1), db2 (n, 1).
    """
    _require_activation(hidden_activation)
    A1, cache1 = layer_forward(X, W, b1, hidden_activation)
    A2, cache2 = layer_forward(A1, W, b2, "linear")
    dA1, dW2, db2 = linear_backward(mse_gradient(A2, Y), cache2)
    _, dW1, db1 = layer_backward(dA1, cache1, hidden_activation)
    return {"dW": dW1 + dW2, "db1": db1, "db2": db2}


# --------------------------------------------------------------------------------------------------------
# 04 Gradient checking
# --------------------------------------------------------------------------------------------------------

COSTS = {"sigmoid": compute_cost, "softmax": softmax_cross_entropy, "linear": mse_cost}


def numerical_gradient(f, x, epsilon=1e-6):
    """Central differences (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), one entry of x at a time.

    Args:
        f: a function of one array shaped like x, returning a number.
        x: the point, any shape.  epsilon: the step.
    Returns:
        an array shaped like x. x itself is left unchanged (f is given perturbed copies).
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += epsilon
        minus[index] -= epsilon
        grad[index] = (float(f(plus)) - float(f(minus))) / (2 * epsilon)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||), and 0.0 when both are zero. a, b: arrays of one shape. Returns a float."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def _numerical_grads(parameters, X, Y, hidden_activation, output_activation, epsilon):
    cost = COSTS[output_activation]
    grads = {}
    for name, value in parameters.items():
        def f(v, name=name):
            trial = dict(parameters, **{name: v})
            return cost(model_forward(X, trial, hidden_activation, output_activation)[0], Y)
        grads[f"d{name}"] = numerical_gradient(f, value, epsilon)
    return grads


def gradient_check(parameters, X, Y, hidden_activation="relu", output_activation="sigmoid", epsilon=1e-6):
    """Relative error between model_backward's gradients and central differences of the cost, all parameters
    flattened into one vector.

    Args:
        parameters: dict W1..WL, b1..bL.  X: (n_0, m).  Y: (n_L, m).  activations as for model_forward.
    Returns:
        a float: below 1e-7 means right, above 1e-3 means wrong.
    """
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    analytic = model_backward(AL, Y, caches, hidden_activation, output_activation)
    numeric = _numerical_grads(parameters, X, Y, hidden_activation, output_activation, epsilon)
    keys = sorted(numeric)
    return relative_error(np.concatenate([analytic[k].ravel() for k in keys]),
                          np.concatenate([numeric[k].ravel() for k in keys]))


def locate_gradient_bug(backward, parameters, X, Y, hidden_activation="relu", output_activation="sigmoid",
                        epsilon=1e-6):
    """Which gradient a (possibly buggy) backward function gets wrong.

    Args:
        backward: a function with model_backward's signature.  Others as for gradient_check.
    Returns:
        the name of the gradient ("dW2", "db1", ...) whose relative error against central differences is the
        largest, or None if every relative error is below 1e-5.
    """
    AL, caches = model_forward(X, parameters, hidden_activation, output_activation)
    analytic = backward(AL, Y, caches, hidden_activation, output_activation)
    numeric = _numerical_grads(parameters, X, Y, hidden_activation, output_activation, epsilon)
    errors = {k: relative_error(analytic[k], numeric[k]) for k in numeric}
    worst = max(errors, key=errors.get)
    return worst if errors[worst] > 1e-5 else None


# --------------------------------------------------------------------------------------------------------
# 05 Handwritten digits
# --------------------------------------------------------------------------------------------------------

def one_hot(labels, num_classes):
    """labels: (m,) integers in [0, num_classes). Returns Y (num_classes, m) with Y[labels[i], i] = 1."""
    labels = np.asarray(labels).astype(int).ravel()
    Y = np.zeros((num_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def predict(X, parameters):
    """Class labels (m,) of a ReLU network with a softmax output: the argmax of each column of AL."""
    AL, _ = model_forward(X, parameters, "relu", "softmax")
    return AL.argmax(axis=0)


def accuracy(predictions, labels):
    """The share of predictions equal to labels, a float in [0, 1]. predictions, labels: (m,)."""
    return float(np.mean(np.asarray(predictions).ravel() == np.asarray(labels).ravel()))


def train(X, Y, layer_dims, learning_rate, num_epochs, batch_size, seed=0):
    """Mini-batch gradient descent on a ReLU network with a softmax output and cross-entropy.

    Args:
        X: (n_0, m).  Y: one-hot (k, m).  layer_dims: [n_0, ..., k].  learning_rate: step size.
        num_epochs: passes over the data.  batch_size: examples per step (the last batch may be smaller).
        seed: seeds both the initialisation and the shuffling.
    Returns:
        (parameters, costs): the trained parameters and a list of num_epochs floats, each the mean cost of
        the epoch's mini-batches.
    """
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters(layer_dims, seed=seed)
    m = X.shape[1]
    costs = []
    for _ in range(num_epochs):
        order = rng.permutation(m)
        epoch = []
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            AL, caches = model_forward(X[:, batch], parameters, "relu", "softmax")
            epoch.append(softmax_cross_entropy(AL, Y[:, batch]))
            grads = model_backward(AL, Y[:, batch], caches, "relu", "softmax")
            parameters = update_parameters(parameters, grads, learning_rate)
        costs.append(float(np.mean(epoch)))
    return parameters, costs
