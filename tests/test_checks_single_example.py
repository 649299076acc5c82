"""Checks of assignment 01 "One example at a time": fast, no Jupyter kernel.

* every visible and hidden check passes on the reference, on differently written correct solutions
  (loops, einsum, float32 intermediates, (1, 1) arrays where a float is asked) and on the notebook's own
  solution cells;
* every mutant (a correct function with one typical mistake) makes the hidden check raise CheckFailed,
  naming the mistake where the check knows it, and the visible checks catch most of them;
* no check writes to stderr, whatever the student's function does.
"""

from __future__ import annotations

import math
import pathlib

import nbformat
import numpy as np
import pytest

import autograder.reference as ref
import course.checks as visible
from autograder import hidden
from course.checks import CheckFailed

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "source" / "01_single_example" / "01_single_example.ipynb"
EXERCISES = {
    "sigmoid": 1, "sigmoid_derivative": 1, "relu": 1, "relu_derivative": 1, "tanh_derivative": 1,
    "neuron_forward": 2, "xor_parameters": 2, "dense_forward_single": 2, "dense_backward_loops": 3,
    "dense_backward_single": 3,
}
ALLOWED = ("sigmoid", "relu", "tanh", "linear")


def _unknown(activation):
    raise ValueError(f"unknown activation {activation!r}: use one of {', '.join(ALLOWED)}")


# --------------------------------------------------------------------------------------------------------
# Running the checks on a set of functions
# --------------------------------------------------------------------------------------------------------

def run_visible(name, fn):
    """The visible check of exercise `name` (it finds the student's earlier functions in fn's namespace)."""
    return getattr(visible, f"check_{name}")(fn)


def run_hidden(name, fn):
    return getattr(hidden, f"check_{name}")(fn)


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_every_check(name):
    for _ in range(5):  # hidden inputs are random: a few draws
        run_hidden(name, getattr(ref, name))
    run_visible(name, getattr(ref, name))


# --------------------------------------------------------------------------------------------------------
# Correct solutions written differently
# --------------------------------------------------------------------------------------------------------

def sigmoid_via_tanh(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def sigmoid_naive(z):  # overflows (silently, inside the checks) at z = -800, but still returns the right limit
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_loops(z):
    out = np.empty_like(np.asarray(z, dtype=float))
    for index, value in np.ndenumerate(z):
        out[index] = 1.0 / (1.0 + math.exp(-value)) if value >= 0 else math.exp(value) / (1.0 + math.exp(value))
    return out


def sigmoid_float32(z):
    return (1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float32)))).astype(np.float32)


def sigmoid_derivative_exp(z):
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def sigmoid_derivative_float32(z):
    s = sigmoid_float32(z)
    return s * (np.float32(1) - s)


def relu_mask(z):
    return z * (z > 0)


def relu_where(z):
    return np.where(z > 0, z, 0.0)


def relu_derivative_heaviside(z):
    return np.heaviside(z, 0.0)


def relu_derivative_bool(z):
    return z > 0  # booleans are numbers too


def tanh_derivative_cosh(z):
    return 1.0 / np.cosh(z) ** 2


def tanh_derivative_float32(z):
    t = np.tanh(np.asarray(z, dtype=np.float32))
    return 1 - t ** 2


def _g(z, activation):
    if activation == "sigmoid":
        return sigmoid_via_tanh(z)
    if activation == "relu":
        return np.maximum(z, 0)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "linear":
        return z
    return _unknown(activation)


def _g_prime(z, activation):
    if activation == "sigmoid":
        return sigmoid_derivative_exp(z)
    if activation == "relu":
        return (z > 0) * 1.0
    if activation == "tanh":
        return tanh_derivative_cosh(z)
    if activation == "linear":
        return np.ones(np.shape(z))
    return _unknown(activation)


def neuron_forward_arrays(w, b, x, activation):
    """Returns (1, 1) arrays instead of floats, and sums with a loop."""
    z = np.zeros((1, 1))
    for i in range(w.shape[0]):
        z += w[i, 0] * x[i, 0]
    z = z + b
    return _g(z, activation), z


def neuron_forward_einsum(w, b, x, activation):
    z = np.einsum("ij,ij->", w, x) + b
    return float(_g(np.float32(z), activation)), np.float32(z)


def xor_nand():  # OR and NAND, then AND
    return {"W1": np.array([[1.0, 1.0], [-1.0, -1.0]]), "b1": np.array([[-0.5], [1.5]]),
            "W2": np.array([[1.0, 1.0]]), "b2": np.array([[-1.5]])}


def xor_lists():  # nested lists are accepted
    return {"W1": [[2, 2], [-2, -2]], "b1": [[-1], [3]], "W2": [[1, 1]], "b2": [[-2]]}


def dense_forward_einsum(x, W, b, activation):
    z = np.einsum("ji,ik->jk", W, x) + b
    return _g(z, activation), [z, x, W, b]  # a list is a fine cache too


def dense_forward_loops_float32(x, W, b, activation):
    n_y, n_x = W.shape
    z = np.zeros((n_y, 1), dtype=np.float32)
    for j in range(n_y):
        z[j, 0] = b[j, 0] + sum(W[j, i] * x[i, 0] for i in range(n_x))
    return _g(z, activation), (z, x, W, b)


def backward_loops_other_order(dy, cache, activation):
    """Loops with the inputs outside and plain Python floats."""
    z, x, W, _ = cache
    n_y, n_x = W.shape
    dz = [float(dy[j, 0]) * float(_g_prime(z[j, 0], activation)) for j in range(n_y)]
    dx = np.zeros((n_x, 1))
    dW = np.zeros((n_y, n_x))
    for i in range(n_x):
        total = 0.0
        for j in range(n_y):
            total += W[j, i] * dz[j]
            dW[j, i] = dz[j] * x[i, 0]
        dx[i, 0] = total
    return dx, dW, np.array(dz).reshape(n_y, 1)


def backward_loops_float32(dy, cache, activation):
    z, x, W, _ = cache
    n_y, n_x = W.shape
    dz = np.zeros((n_y, 1), dtype=np.float32)
    for j in range(n_y):
        dz[j, 0] = dy[j, 0] * _g_prime(z[j, 0], activation)
    dx = np.zeros((n_x, 1), dtype=np.float32)
    dW = np.zeros((n_y, n_x), dtype=np.float32)
    for j in range(n_y):
        for i in range(n_x):
            dx[i, 0] += W[j, i] * dz[j, 0]
            dW[j, i] = dz[j, 0] * x[i, 0]
    return dx, dW, dz


def backward_outer(dy, cache, activation):
    """Recomputes z from W x + b instead of reading it, and uses np.outer and einsum."""
    _, x, W, b = cache
    dz = dy * _g_prime(W @ x + b, activation)
    return np.einsum("ji,jk->ik", W, dz), np.outer(dz, x), dz


def backward_float32(dy, cache, activation):
    z, x, W, _ = cache
    dz = (dy * _g_prime(z, activation)).astype(np.float32)
    return W.T.astype(np.float32) @ dz, dz @ x.T.astype(np.float32), dz


ALTERNATIVES = [
    ("sigmoid", sigmoid_via_tanh), ("sigmoid", sigmoid_naive), ("sigmoid", sigmoid_loops),
    ("sigmoid", sigmoid_float32),
    ("sigmoid_derivative", sigmoid_derivative_exp), ("sigmoid_derivative", sigmoid_derivative_float32),
    ("relu", relu_mask), ("relu", relu_where),
    ("relu_derivative", relu_derivative_heaviside), ("relu_derivative", relu_derivative_bool),
    ("tanh_derivative", tanh_derivative_cosh), ("tanh_derivative", tanh_derivative_float32),
    ("neuron_forward", neuron_forward_arrays), ("neuron_forward", neuron_forward_einsum),
    ("xor_parameters", xor_nand), ("xor_parameters", xor_lists),
    ("dense_forward_single", dense_forward_einsum), ("dense_forward_single", dense_forward_loops_float32),
    ("dense_backward_loops", backward_loops_other_order), ("dense_backward_loops", backward_loops_float32),
    ("dense_backward_single", backward_outer), ("dense_backward_single", backward_float32),
]
@pytest.mark.parametrize(("name", "fn"), ALTERNATIVES, ids=[fn.__name__ for _, fn in ALTERNATIVES])
def test_correct_alternatives_pass(name, fn):
    for _ in range(20):
        run_hidden(name, fn)
    run_visible(name, fn)


def test_every_exercise_has_an_alternative():
    assert {name for name, _ in ALTERNATIVES} == set(EXERCISES)


# --------------------------------------------------------------------------------------------------------
# Mutants: one typical mistake each
# --------------------------------------------------------------------------------------------------------

def _backward_with(dz_rule=None, dx_rule=None, dW_rule=None, db_rule=None):
    """A matrix-form backward pass with one of its four lines replaced."""
    def backward(dy, cache, activation):
        z, x, W, _ = cache
        dz = dz_rule(dy, z, activation) if dz_rule else dy * _g_prime(z, activation)
        dx = dx_rule(dy, dz, W) if dx_rule else W.T @ dz
        dW = dW_rule(dz, x) if dW_rule else dz @ x.T
        db = db_rule(dz) if db_rule else dz
        return dx, dW, db
    return backward


def _loops_with(accumulate=True, at_y=False):
    def backward(dy, cache, activation):
        z, x, W, _ = cache
        n_y, n_x = W.shape
        where = _g(z, activation) if at_y else z
        dz = np.zeros((n_y, 1))
        for j in range(n_y):
            dz[j, 0] = dy[j, 0] * _g_prime(where[j, 0], activation)
        dx, dW = np.zeros((n_x, 1)), np.zeros((n_y, n_x))
        for j in range(n_y):
            for i in range(n_x):
                dW[j, i] = dz[j, 0] * x[i, 0]
                if accumulate:
                    dx[i, 0] += dz[j, 0] * W[j, i]
                else:
                    dx[i, 0] = dz[j, 0] * W[j, i]
        return dx, dW, dz
    return backward


def backward_loops_swapped_index(dy, cache, activation):
    z, x, W, _ = cache
    n_y, n_x = W.shape
    dz = dy * _g_prime(z, activation)
    dx, dW = np.zeros((n_x, 1)), np.zeros((n_y, n_x))
    for j in range(n_y):
        for i in range(n_x):
            dW[j, i] = dz[j, 0] * x[i, 0]
            dx[i, 0] += dz[j, 0] * W[i, j]
    return dx, dW, dz


def backward_loops_in_place(dy, cache, activation):
    z, x, W, _ = cache
    dy *= _g_prime(z, activation)  # writes into the caller's dy
    return _loops_with()(dy, (z, x, W, None), "linear")


def _neuron_with(rule):
    def neuron_forward(w, b, x, activation):
        z, y = rule(w, b, x, activation)
        return y, z
    return neuron_forward


def _neuron_linear_fallback(w, b, x, activation):
    z = (w.T @ x).item() + b
    g = {"sigmoid": sigmoid_via_tanh, "relu": lambda v: max(v, 0.0), "tanh": np.tanh}.get(activation, lambda v: v)
    return float(g(z)), z


def _forward_with(rule):
    def dense_forward_single(x, W, b, activation):
        return rule(x, W, b, activation)
    return dense_forward_single


def relu_in_place(z):
    z[z < 0] = 0.0
    return z


def _xor(W1, b1, W2, b2):
    return lambda: {"W1": np.array(W1, float), "b1": np.array(b1, float), "W2": np.array(W2, float),
                    "b2": np.array(b2, float)}


# (exercise, mutant, phrase the hidden check must say or None, whether the visible check must catch it)
MUTANTS = [
    ("sigmoid", lambda z: 1 / (1 + np.exp(z)), "sign of z in the exponent", True),
    ("sigmoid", lambda z: np.exp(z), "the 1 + in the denominator is missing", True),
    ("sigmoid", lambda z: sigmoid_via_tanh(z).ravel(), "shape", True),
    ("sigmoid_derivative", lambda z: 1 - ref.sigmoid(z), "not 1 - σ(z)", True),
    ("sigmoid_derivative", lambda z: z * (1 - z), "apply sigmoid first", True),
    ("sigmoid_derivative", lambda z: ref.sigmoid(z), "not σ(z)", True),
    ("sigmoid_derivative", lambda z: ref.sigmoid(z) * (1 + ref.sigmoid(z)), "a minus, not a plus", True),
    ("relu", np.abs, "not |z|", True),
    ("relu", lambda z: np.minimum(0.0, z), "min(0, z)", True),
    ("relu", relu_in_place, "changed its input", True),
    ("relu", lambda z: (z > 0).astype(float), "that is relu'(z)", True),
    ("relu_derivative", lambda z: (z >= 0).astype(float), "relu'(0) must be 0", True),
    ("relu_derivative", lambda z: np.maximum(z, 0.0), "that is relu(z)", True),
    ("relu_derivative", lambda z: (z < 0).astype(float), "wrong way round", True),
    ("tanh_derivative", lambda z: np.tanh(z) ** 2, "not tanh(z)²", True),
    ("tanh_derivative", lambda z: 1 - z ** 2, "not 1 - z²", True),
    ("tanh_derivative", lambda z: 1 - np.tanh(z), "the square is missing", True),
    ("neuron_forward", _neuron_with(lambda w, b, x, a: ((w.T @ x).item(), _g((w.T @ x).item(), a))),
     "is b missing", True),
    ("neuron_forward", _neuron_with(lambda w, b, x, a: ((w.T @ x).item() - b, _g((w.T @ x).item() - b, a))),
     "b was subtracted", True),
    ("neuron_forward", lambda w, b, x, a: ((w.T @ x).item() + b, _g((w.T @ x).item() + b, a)), "swapped", True),
    ("neuron_forward", _neuron_with(lambda w, b, x, a: (w * x + b, _g(w * x + b, a))), "adds up the products", True),
    ("neuron_forward", _neuron_linear_fallback, "should raise ValueError", True),
    ("neuron_forward", _neuron_with(lambda w, b, x, a: ((w.T @ x).item() + b, (w.T @ x).item() + b)),
     "is the sigmoid missing", True),
    ("xor_parameters", _xor([[1, 1], [1, 1]], [[-0.5], [-1.5]], [[1, 0]], [[-0.5]]), "that computes OR", True),
    ("xor_parameters", _xor([[1, 1], [1, 1]], [[-0.5], [-1.5]], [[-1, 1]], [[0.5]]), "XNOR", True),
    ("xor_parameters", _xor([[1, 1], [1, 1]], [-0.5, -1.5], [[1, -1]], [[-0.5]]), "b1 must be (2, 1)", True),
    ("xor_parameters", _xor([[1, 1], [1, 1]], [[-0.5], [-1.0]], [[1, -1]], [[-0.5]]), "always 0", True),
    ("xor_parameters", lambda: [[1, 1], [1, 1]], "return a dict", True),
    ("dense_forward_single", _forward_with(lambda x, W, b, a: (_g(W @ x, a), (W @ x, x, W, b))), "is b missing",
     True),
    ("dense_forward_single", _forward_with(lambda x, W, b, a: (_g(W @ x + b, a), (_g(W @ x + b, a), x, W, b))),
     "must hold z", True),
    ("dense_forward_single", _forward_with(lambda x, W, b, a: (W @ x + b, (W @ x + b, x, W, b))),
     "activation is missing", True),
    ("dense_forward_single", _forward_with(lambda x, W, b, a: (_g(W.T @ x + b, a), (W.T @ x + b, x, W, b))),
     "raised ValueError", True),
    ("dense_forward_single", _forward_with(lambda x, W, b, a: (_g(W @ x + b.ravel(), a), (W @ x + b, x, W, b))),
     "must stay a column", True),
    ("dense_forward_single", _forward_with(lambda x, W, b, a: (_g(W @ x + b, a), (W @ x + b, x, W))),
     "cache must be (z, x, W, b)", True),
    ("dense_backward_loops", _loops_with(accumulate=False), "use += to accumulate", True),
    ("dense_backward_loops", _loops_with(at_y=True), "not at y = g(z)", True),
    ("dense_backward_loops", _backward_with(dz_rule=lambda dy, z, a: dy), "g'(z) was skipped", True),
    ("dense_backward_loops", backward_loops_swapped_index, "raised IndexError", True),
    ("dense_backward_loops", backward_loops_in_place, "changed its input dy", True),
    ("dense_backward_single", _backward_with(dW_rule=lambda dz, x: x @ dz.T), "looks transposed", True),
    ("dense_backward_single", _backward_with(dz_rule=lambda dy, z, a: dy * _g(z, a)), "used g(z) instead of g'(z)",
     True),
    ("dense_backward_single", _backward_with(db_rule=lambda dz: np.sum(dz)), "single number", True),
    ("dense_backward_single", _backward_with(dx_rule=lambda dy, dz, W: W.T @ dy), "g'(z) was skipped", True),
    ("dense_backward_single", _backward_with(dz_rule=lambda dy, z, a: dy * _g_prime(z, "linear" if a == "relu"
                                                                                      else a)), None, True),
]


@pytest.mark.parametrize(("name", "mutant", "phrase", "visible_catches"), MUTANTS,
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTANTS)])
def test_hidden_check_catches_mutant(name, mutant, phrase, visible_catches):
    for _ in range(3):
        with pytest.raises(CheckFailed) as failure:
            run_hidden(name, mutant)
        if phrase is not None:
            assert phrase in str(failure.value), str(failure.value)
    if visible_catches:
        with pytest.raises(CheckFailed):
            run_visible(name, mutant)


# Where the visible check words a mistake differently from the hidden one (the shape of a result is checked by
# the replay, course/checks/replay.py), the phrase it must say instead.
VISIBLE_PHRASES = {"cache must be (z, x, W, b)": "must return a tuple (z, x, W, b); it returned a tuple of 3"}


@pytest.mark.parametrize(("name", "mutant", "phrase"), [m[:3] for m in MUTANTS if m[2] is not None],
                         ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTANTS) if m[2] is not None])
def test_visible_messages_name_the_mistake(name, mutant, phrase):
    """The visible check names each mistake with the catalogue's sentence, as the hidden check does."""
    with pytest.raises(CheckFailed) as failure:
        run_visible(name, mutant)
    assert VISIBLE_PHRASES.get(phrase, phrase) in str(failure.value), str(failure.value)


def test_at_least_two_mutants_per_exercise_and_visible_catches_most():
    counts = {name: sum(m[0] == name for m in MUTANTS) for name in EXERCISES}
    assert min(counts.values()) >= 2, counts
    caught = 0
    for name, mutant, _, _ in MUTANTS:
        try:
            run_visible(name, mutant)
        except CheckFailed:
            caught += 1
    assert caught >= 0.9 * len(MUTANTS), f"visible checks catch {caught} of {len(MUTANTS)} mutants"


def test_unstable_sigmoid_is_caught_by_the_visible_check():
    """e^z / (1 + e^z) is nan at z = 800: the visible check says so (the hidden one never goes that far)."""
    with pytest.raises(CheckFailed, match="nan"):
        visible.check_sigmoid(lambda z: np.exp(z) / (1 + np.exp(z)))


def test_unfinished_function_says_not_written_yet():
    def unfinished(*args):
        raise NotImplementedError()
    for name in EXERCISES:
        for run in (run_visible, run_hidden):
            with pytest.raises(CheckFailed, match="not written yet"):
                run(name, unfinished)


def test_backward_checks_survive_a_broken_forward(capsys):
    """A mistake in dense_forward_single costs its own points, not those of the backward passes: they compare with
    stored values and never run the forward (an old notebook that still passes it, or the sigmoid, is accepted)."""
    def broken_forward(x, W, b, activation):
        return W @ x, (W @ x, x, W, b)
    visible.check_dense_backward_single(ref.dense_backward_single, broken_forward)
    visible.check_dense_backward_loops(ref.dense_backward_loops, broken_forward)
    visible.check_sigmoid_derivative(ref.sigmoid_derivative, lambda z: 1 / (1 + np.exp(z)))
    out = capsys.readouterr().out
    assert out.count("dense_backward_single: all 14 checks passed") == 1
    assert out.count("dense_backward_loops: all 14 checks passed") == 1
    assert "sigmoid_derivative: all 3 checks passed" in out


def test_checks_never_write_to_stderr(capfd):
    """nbgrader gives 0 points to a cell with stderr output: overflows and warnings must stay silent."""
    def noisy_sigmoid(z):
        return np.exp(z) / (1 + np.exp(z))  # overflow and invalid-value warnings at z = 800

    def warning_relu(z):
        np.log(np.zeros(1))  # a divide-by-zero warning on every call
        return np.maximum(z, 0.0)

    for run in (run_visible, run_hidden):
        for name, fn in [("sigmoid", sigmoid_naive), ("sigmoid", noisy_sigmoid), ("relu", warning_relu)]:
            try:
                run(name, fn)
            except CheckFailed:
                pass
    visible.check_sigmoid_derivative(ref.sigmoid_derivative, noisy_sigmoid)
    assert capfd.readouterr().err == ""


def test_visible_values_match_the_worked_examples():
    from autograder.visible import single_example as constants
    # the hand-worked numbers of the notebook's sections 4 and 6
    assert np.allclose(constants.W_SMALL @ constants.X_SMALL + constants.B_SMALL, [[-3.4], [2.3]])
    assert np.isclose((constants.NEURON_W.T @ constants.NEURON_X).item() + constants.NEURON_B, -1.0)
    _, cache = ref.dense_forward_single(constants.X_SMALL, constants.W_SMALL, constants.B_SMALL, "relu")
    dx, dW, db = ref.dense_backward_single(constants.DY_SMALL, cache, "relu")
    # the hand-worked numbers of the notebook's section 7
    assert np.allclose(dx.ravel(), [-1.95, -0.325, 0.65])
    assert np.allclose(dW, [[0, 0, 0], [-1.3, -2.6, 1.3]])
    assert np.allclose(db.ravel(), [0, -1.3])


# --------------------------------------------------------------------------------------------------------
# The notebook: structure, and its solutions against the checks (without a kernel)
# --------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def notebook():
    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_structure(notebook):
    assert notebook.metadata["kernelspec"] == {"display_name": "Python 3", "language": "python", "name": "python3"}
    cells = notebook.cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    imports = cells[1]
    assert imports.cell_type == "code" and imports.metadata["nbgrader"]["locked"]
    assert "import numpy as np" in imports.source and "from course.plotting import" in imports.source
    points = {}
    for k, cell in enumerate(cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert "%matplotlib" not in cell.source
        meta = cell.metadata.get("nbgrader")
        if not meta or not meta["solution"]:
            continue
        name = meta["grade_id"]
        assert f"def {name}(" in cell.source and "### BEGIN SOLUTION" in cell.source
        test = cells[k + 1]
        tmeta = test.metadata["nbgrader"]
        assert tmeta["grade_id"] == f"test_{name}" and tmeta["grade"] and tmeta["locked"]
        assert test.source == (f"from course.checks import check_{name}\n\ncheck_{name}({name})\n"
                               f"### BEGIN HIDDEN TESTS\nfrom course.checks import hidden_check\n"
                               f"\nhidden_check(\"{name}\")\n### END HIDDEN TESTS")
        points[name] = tmeta["points"]
    assert points == EXERCISES


def test_notebook_solutions_pass_every_check(notebook):
    namespace = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or cell is notebook.cells[1]):
            exec(compile(cell.source, "<notebook>", "exec"), namespace)  # noqa: S102 - our own notebook
    for name in EXERCISES:
        run_visible(name, namespace[name])
        run_hidden(name, namespace[name])


# --------------------------------------------------------------------------------------------------------
# One mistake costs points once: later checks are fair to a student whose earlier function is wrong
# --------------------------------------------------------------------------------------------------------

STUDENT_CODE = '''
def sigmoid(z):
    return {sigmoid}


def sigmoid_derivative(z):
    return {sigmoid_derivative}


def relu(z):
    return np.maximum(z, 0)


def relu_derivative(z):
    return (z > 0).astype(float)


def tanh_derivative(z):
    return 1 - np.tanh(z) ** 2


def activate(z, activation):
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "relu":
        return relu(z)
    if activation == "tanh":
        return np.tanh(z)
    if activation == "linear":
        return z
    raise ValueError("activation must be sigmoid, relu, tanh or linear")


def slope_of(z, activation):
    if activation == "sigmoid":
        return sigmoid_derivative(z)
    if activation == "relu":
        return relu_derivative(z)
    if activation == "tanh":
        return tanh_derivative(z)
    if activation == "linear":
        return np.ones_like(z)
    raise ValueError("activation must be sigmoid, relu, tanh or linear")


def neuron_forward(w, b, x, activation):
    z = (w.T @ x).item() + b
    return float(np.asarray(activate(np.array([[z]]), activation)).item()), z


def dense_forward_single(x, W, b, activation):
    z = W @ x + b
    return activate(z, activation), (z, x, W, b)


def dense_backward_single(dy, cache, activation):
    z, x, W, b = cache
    dz = dy * slope_of(z, activation)
    return W.T @ dz, dz @ x.T, dz
'''


def _student(sigmoid="1 / (1 + np.exp(-z))", sigmoid_derivative="sigmoid(z) * (1 - sigmoid(z))"):
    """The functions of a student whose sigmoid and sigmoid_derivative are the given expressions."""
    namespace = {"np": np}
    exec(STUDENT_CODE.format(sigmoid=sigmoid, sigmoid_derivative=sigmoid_derivative), namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize("sigmoid", ["1 / (1 + np.exp(-z))",
                                     "(1 / (1 + np.exp(-np.asarray(z, dtype=np.float32)))).astype(np.float32)"],
                         ids=["float64", "float32"])
def test_a_right_student_passes_everything(sigmoid, capsys):
    """Right functions pass, also when the later ones call a sigmoid that is right to float32 precision only."""
    student = _student(sigmoid=sigmoid)
    for name in ("sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh_derivative", "neuron_forward",
                 "dense_forward_single", "dense_backward_single"):
        run_visible(name, student[name])
        run_hidden(name, student[name])
    assert "is wrong" not in capsys.readouterr().out


@pytest.mark.parametrize("wrong", ["1 - sigmoid(z)", "sigmoid(z)", "z * (1 - z)"])
def test_each_wrong_sigmoid_derivative_of_the_catalogue_costs_its_own_points_only(wrong, capsys):
    student = _student(sigmoid_derivative=wrong)
    with pytest.raises(CheckFailed):
        run_visible("sigmoid_derivative", student["sigmoid_derivative"])
    run_visible("dense_backward_single", student["dense_backward_single"])
    assert "your sigmoid_derivative is wrong, see its own check" in capsys.readouterr().out


def test_a_wrong_derivative_the_course_does_not_know_is_said_and_the_right_values_are_expected(capsys):
    """Nothing in course/ computes a backward pass: a wrong derivative outside the catalogue cannot be followed,
    the check says so and compares with the right values."""
    student = _student(sigmoid_derivative="0.5 * sigmoid(z)")
    with pytest.raises(CheckFailed, match=r"dx sigmoid .*✗"):
        run_visible("dense_backward_single", student["dense_backward_single"])
    assert "dense_backward_single is compared with what a right sigmoid_derivative gives" in capsys.readouterr().out


def test_a_wrong_sigmoid_derivative_costs_its_own_points_only(capsys):
    student = _student(sigmoid_derivative="1 - sigmoid(z)")
    with pytest.raises(CheckFailed):
        run_visible("sigmoid_derivative", student["sigmoid_derivative"])
    run_visible("dense_backward_single", student["dense_backward_single"])
    run_hidden("dense_backward_single", student["dense_backward_single"])
    assert "your sigmoid_derivative is wrong" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", ["1 / (1 + np.exp(z))", "np.exp(z)", "0.25 * z + 0.5"])
def test_a_wrong_sigmoid_costs_its_own_points_only(wrong, capsys):
    """Forward passes follow any wrong sigmoid (its own values are the student's); backward passes follow it when
    the derivative it makes is a wrong one of the catalogue, or right (σ(-z) has the same derivative)."""
    student = _student(sigmoid=wrong)
    with pytest.raises(CheckFailed):
        run_visible("sigmoid", student["sigmoid"])
    for name in ("neuron_forward", "dense_forward_single"):
        run_visible(name, student[name])
        run_hidden(name, student[name])
    if wrong == "1 / (1 + np.exp(z))":
        run_visible("dense_backward_single", student["dense_backward_single"])
    out = capsys.readouterr().out
    assert "your sigmoid is wrong, see its own check: neuron_forward is checked against" in out
    assert "your sigmoid is wrong, see its own check: dense_forward_single is checked against" in out


def test_a_wrong_forward_is_still_caught_when_the_sigmoid_is_wrong():
    student = _student(sigmoid="1 / (1 + np.exp(z))")
    exec("def dense_forward_single(x, W, b, activation):\n"  # noqa: S102
         "    z = W @ x\n"
         "    return activate(z, activation), (z, x, W, b)\n", student)
    with pytest.raises(CheckFailed, match=r"y sigmoid .*✗"):
        run_visible("dense_forward_single", student["dense_forward_single"])


def test_a_wrong_later_function_is_still_caught_when_an_earlier_one_is_wrong():
    student = _student(sigmoid_derivative="1 - sigmoid(z)")
    exec("def dense_backward_single(dy, cache, activation):\n"  # noqa: S102
         "    z, x, W, b = cache\n"
         "    dz = dy * slope_of(z, activation)\n"
         "    return W.T @ dy, dz @ x.T, dz\n", student)
    with pytest.raises(CheckFailed, match="g'\\(z\\) was skipped"):
        run_visible("dense_backward_single", student["dense_backward_single"])


def test_an_unwritten_earlier_function_is_named():
    student = _student()
    exec("def sigmoid_derivative(z):\n    raise NotImplementedError()\n", student)  # noqa: S102
    with pytest.raises(CheckFailed, match="calls sigmoid_derivative, which is not written yet"):
        run_visible("dense_backward_single", student["dense_backward_single"])


def test_sigma_times_one_plus_sigma_is_named_and_never_a_constant_factor():
    """σ(1 + σ) is (1 + σ)/(1 - σ) times σ': not one factor, so the hint names the plus, never "a constant factor"."""
    def plus(z):
        s = ref.sigmoid(z)
        return s * (1 + s)

    for run in (hidden.check_sigmoid_derivative, visible.check_sigmoid_derivative):
        with pytest.raises(CheckFailed) as failure:
            run(plus)
        text = str(failure.value)
        assert "a minus, not a plus" in text and "constant factor" not in text, text
