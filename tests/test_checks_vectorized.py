"""Checks of assignment 02 "A batch of m examples", without Jupyter kernels.

* Every visible and hidden check passes on the reference, on correct solutions written differently (loops,
  einsum, float32 intermediates, lists instead of tuples) and on the notebook's own solution cells.
* Every mutant (a correct function with one typical mistake) fails the hidden check, with the mistake named
  where the check can name it, and the visible checks catch (almost) all of them.
* Nothing is ever written to stderr.
"""

from __future__ import annotations

import contextlib
import io
import json
import pathlib

import numpy as np
import pytest

from autograder import hidden
from autograder import reference as ref
from course import checks
from course.checks import CheckFailed

from . import mutants

NOTEBOOK = pathlib.Path(__file__).resolve().parents[1] / "source" / "02_vectorized" / "02_vectorized.ipynb"
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
    if activation not in NAMES:
        raise ValueError(f"activation must be one of {NAMES}, not {activation!r}")
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-Z))
        return s * (1 - s)
    if activation == "relu":
        return np.where(Z > 0, 1.0, 0.0)
    if activation == "tanh":
        return 1 - np.tanh(Z) ** 2
    return np.ones(Z.shape)


# --------------------------------------------------------------------------------------------------------
# Correct solutions, written differently from the reference
# --------------------------------------------------------------------------------------------------------

def forward_einsum(A_prev, W, b, activation):
    Z = np.einsum("jk,ki->ji", W, A_prev) + b
    return _g(Z, activation), [Z, A_prev, W, b]          # a list instead of a tuple


def forward_loop(A_prev, W, b, activation):
    _g(np.zeros((1, 1)), activation)                     # validate the name first
    n_l, m = W.shape[0], A_prev.shape[1]
    Z = np.zeros((n_l, m))
    for i in range(m):
        for j in range(n_l):
            Z[j, i] = sum(W[j, k] * A_prev[k, i] for k in range(W.shape[1])) + b[j, 0]
    return _g(Z, activation), (Z, A_prev, W, b)


def forward_float32(A_prev, W, b, activation):
    Z32 = W.astype(np.float32) @ A_prev.astype(np.float32) + b.astype(np.float32)
    return _g(Z32, activation).astype(np.float64), (Z32.astype(np.float64), A_prev, W, b)


def backward_einsum(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return (np.einsum("jk,ji->ki", W, dZ), np.einsum("ji,ki->jk", dZ, A_prev) / m,
            dZ @ np.ones((m, 1)) / m)


def backward_mean(dA, cache, activation):
    Z, A_prev, W, _ = cache
    dZ = np.multiply(dA, _gp(Z, activation))
    return np.dot(W.T, dZ), np.dot(dZ, A_prev.T) / A_prev.shape[1], dZ.mean(axis=1, keepdims=True)


def backward_float32(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = (dA * _gp(Z, activation)).astype(np.float32)
    return (W.T.astype(np.float32) @ dZ, dZ @ A_prev.T.astype(np.float32) / np.float32(m),
            dZ.sum(axis=1, keepdims=True) / np.float32(m))


def per_example_outer(dA, cache, activation):
    Z, A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev, dW, db = np.empty_like(A_prev), np.zeros_like(W), np.zeros_like(b)
    for i in range(m):
        dz = dA[:, i] * _gp(Z[:, i], activation)          # 1-D, with np.outer: also right
        dW = dW + np.outer(dz, A_prev[:, i]) / m
        db = db + dz.reshape(-1, 1) / m
        dA_prev[:, i] = W.T @ dz
    return dA_prev, dW, db


def per_example_reference_style(dA, cache, activation):
    return ref.layer_backward_per_example(dA, cache, activation)


def rows_forward_transposed(X, W, b, activation):
    Z = (W.T @ X.T + b.T).T
    return _g(Z, activation), (Z, X, W, b)


def rows_forward_float32(X, W, b, activation):
    Z = (X.astype(np.float32) @ W.astype(np.float32) + b.astype(np.float32)).astype(float)
    return _g(Z, activation), (Z, X, W, b)


def rows_backward_via_columns(dA, cache, activation):
    Z, X, W, b = cache
    dA_prev, dW, db = ref.layer_backward(dA.T, (Z.T, X.T, W.T, b.T), activation)
    return dA_prev.T, dW.T, db.T


def rows_backward_einsum(dA, cache, activation):
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA * _gp(Z, activation)
    return np.einsum("ih,nh->in", dZ, W), np.einsum("in,ih->nh", X, dZ) / m, np.ones((1, m)) @ dZ / m


CORRECT = {
    "layer_forward": [ref.layer_forward, forward_einsum, forward_loop, forward_float32],
    "layer_backward": [ref.layer_backward, backward_einsum, backward_mean, backward_float32,
                       per_example_outer],
    "layer_backward_per_example": [ref.layer_backward_per_example, per_example_outer, backward_einsum],
    "layer_forward_rows": [ref.layer_forward_rows, rows_forward_transposed, rows_forward_float32],
    "layer_backward_rows": [ref.layer_backward_rows, rows_backward_via_columns, rows_backward_einsum],
}

# The extra student function a visible check needs (the forward pass it differentiates).
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


@pytest.mark.parametrize("repeat", range(5))
def test_hidden_checks_pass_on_reference_every_time(repeat, capsys):
    """The hidden inputs are fresh each run: the reference must pass whatever sizes are drawn."""
    for exercise in CORRECT:
        run_hidden(exercise, getattr(ref, exercise))
    assert capsys.readouterr().err == ""


# --------------------------------------------------------------------------------------------------------
# Mutants: a correct function with one typical mistake
# --------------------------------------------------------------------------------------------------------

def f_no_bias(A_prev, W, b, activation):
    Z = W @ A_prev
    return _g(Z, activation), (Z, A_prev, W, b)


def f_no_activation(A_prev, W, b, activation):
    _g(A_prev, activation)
    Z = W @ A_prev + b
    return Z, (Z, A_prev, W, b)


def f_cache_A(A_prev, W, b, activation):
    A = _g(W @ A_prev + b, activation)
    return A, (A, A_prev, W, b)


def f_flat_bias(A_prev, W, b, activation):
    Z = W @ A_prev + b.ravel()
    return _g(Z, activation), (Z, A_prev, W, b)


def f_cache_order(A_prev, W, b, activation):
    Z = W @ A_prev + b
    return _g(Z, activation), (A_prev, Z, W, b)


def f_sigmoid_is_tanh(A_prev, W, b, activation):
    Z = W @ A_prev + b
    return _g(Z, "tanh" if activation == "sigmoid" else activation), (Z, A_prev, W, b)


def f_no_value_error(A_prev, W, b, activation):
    Z = W @ A_prev + b
    return (_g(Z, activation) if activation in NAMES else Z), (Z, A_prev, W, b)


def b_no_m_dW(dA, cache, activation):
    Z, A_prev, W, _ = cache
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T, dZ.sum(axis=1, keepdims=True) / A_prev.shape[1]


def b_no_m_db(dA, cache, activation):
    Z, A_prev, W, _ = cache
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / A_prev.shape[1], dZ.sum(axis=1, keepdims=True)


def b_m_in_dA_prev(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ / m, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def b_no_keepdims(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1) / m


def b_axis0(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=0, keepdims=True) / m


def b_sum_all(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, np.sum(dZ) / m


def b_skip_gprime(dA, cache, activation):
    Z, A_prev, W, _ = cache
    _gp(Z, activation)
    m = A_prev.shape[1]
    return W.T @ dA, dA @ A_prev.T / m, dA.sum(axis=1, keepdims=True) / m


def b_gprime_of_A(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(_g(Z, activation), activation)
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def b_g_not_gprime(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _g(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def b_dW_transposed(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ, A_prev @ dZ.T / m, dZ.sum(axis=1, keepdims=True) / m


def b_dW_with_Z(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return W.T @ dZ, dZ @ Z.T / m, dZ.sum(axis=1, keepdims=True) / m


def b_in_place(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA
    dZ *= _gp(Z, activation)
    return W.T @ dZ, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def b_dA_prev_skips_gprime(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dZ = dA * _gp(Z, activation)
    return W.T @ dA, dZ @ A_prev.T / m, dZ.sum(axis=1, keepdims=True) / m


def p_no_average(dA, cache, activation):
    Z, A_prev, W, b = cache
    dA_prev, dW, db = np.zeros(A_prev.shape), np.zeros(W.shape), np.zeros(b.shape)
    for i in range(A_prev.shape[1]):
        dz = dA[:, i:i + 1] * _gp(Z[:, i:i + 1], activation)
        dW += dz @ A_prev[:, i:i + 1].T
        db += dz
        dA_prev[:, i:i + 1] = W.T @ dz
    return dA_prev, dW, db


def p_overwrite(dA, cache, activation):
    Z, A_prev, W, _ = cache
    m = A_prev.shape[1]
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        dz = dA[:, i:i + 1] * _gp(Z[:, i:i + 1], activation)
        dW = dz @ A_prev[:, i:i + 1].T
        db = dz
        dA_prev[:, i:i + 1] = W.T @ dz
    return dA_prev, dW / m, db / m


def p_dA_prev_over_m(dA, cache, activation):
    dA_prev, dW, db = ref.layer_backward_per_example(dA, cache, activation)
    return dA_prev / cache[1].shape[1], dW, db


def p_one_d_slices(dA, cache, activation):
    Z, A_prev, W, b = cache
    m = A_prev.shape[1]
    dA_prev, dW, db = np.zeros(A_prev.shape), np.zeros(W.shape), np.zeros(b.shape)
    for i in range(m):
        dz = dA[:, i] * _gp(Z[:, i], activation)
        dW += np.dot(dz, A_prev[:, i])                    # an inner product, not an outer one
        db += dz.reshape(-1, 1)
        dA_prev[:, i] = W.T @ dz
    return dA_prev, dW / m, db / m


def p_skip_gprime(dA, cache, activation):
    return b_skip_gprime(dA, cache, activation)


def r_no_bias(X, W, b, activation):
    Z = X @ W
    return _g(Z, activation), (Z, X, W, b)


def r_W_transposed(X, W, b, activation):
    Z = X @ W.T + b
    return _g(Z, activation), (Z, X, W, b)


def r_column_bias(X, W, b, activation):
    Z = X @ W + b.T
    return _g(Z, activation), (Z, X, W, b)


def r_cache_A(X, W, b, activation):
    A = _g(X @ W + b, activation)
    return A, (A, X, W, b)


def rb_no_m_dW(dA, cache, activation):
    Z, X, W, _ = cache
    dZ = dA * _gp(Z, activation)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True) / X.shape[0]


def rb_axis1(dA, cache, activation):
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA * _gp(Z, activation)
    return dZ @ W.T, X.T @ dZ / m, dZ.sum(axis=1, keepdims=True) / m


def rb_no_keepdims(dA, cache, activation):
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA * _gp(Z, activation)
    return dZ @ W.T, X.T @ dZ / m, dZ.sum(axis=0) / m


def rb_dX_over_m(dA, cache, activation):
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA * _gp(Z, activation)
    return dZ @ W.T / m, X.T @ dZ / m, dZ.sum(axis=0, keepdims=True) / m


def rb_dW_transposed(dA, cache, activation):
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA * _gp(Z, activation)
    return dZ @ W.T, dZ.T @ X / m, dZ.sum(axis=0, keepdims=True) / m


def rb_dX_transposed(dA, cache, activation):
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA * _gp(Z, activation)
    return W @ dZ.T, X.T @ dZ / m, dZ.sum(axis=0, keepdims=True) / m


def rb_skip_gprime(dA, cache, activation):
    Z, X, W, _ = cache
    _gp(Z, activation)
    m = X.shape[0]
    return dA @ W.T, X.T @ dA / m, dA.sum(axis=0, keepdims=True) / m


def rb_in_place_mask(dA, cache, activation):
    Z, X, W, _ = cache
    m = X.shape[0]
    dZ = dA
    if activation == "relu":
        dZ[Z <= 0] = 0
    else:
        dZ = dA * _gp(Z, activation)
    return dZ @ W.T, X.T @ dZ / m, dZ.sum(axis=0, keepdims=True) / m


# (exercise, mutant, phrase the hidden check's message must contain, or None when no sentence is promised)
MUTANTS = [
    ("layer_forward", f_no_bias, "is b missing"),
    ("layer_forward", f_no_activation, "is the activation missing"),
    ("layer_forward", f_cache_A, "not A"),
    ("layer_forward", f_flat_bias, "raised ValueError"),
    ("layer_forward", f_cache_order, "in this order"),
    ("layer_forward", f_sigmoid_is_tanh, "looks like tanh(Z)"),
    ("layer_forward", f_no_value_error, "should raise ValueError"),
    ("layer_backward", b_no_m_dW, "dW: the 1/m is missing"),
    ("layer_backward", b_no_m_db, "db: the 1/m is missing"),
    ("layer_backward", b_m_in_dA_prev, "dA_prev has no 1/m"),
    ("layer_backward", b_no_keepdims, "keepdims=True"),
    ("layer_backward", b_axis0, "not axis=0"),
    ("layer_backward", b_sum_all, "summed over too many axes"),
    ("layer_backward", b_skip_gprime, "was g'(Z) skipped"),
    ("layer_backward", b_gprime_of_A, "not at A = g(Z)"),
    ("layer_backward", b_g_not_gprime, "the activation instead of its derivative"),
    ("layer_backward", b_dW_transposed, "looks transposed"),
    ("layer_backward", b_dW_with_Z, "not by its Z or A"),
    ("layer_backward", b_in_place, "changed its input dA"),
    ("layer_backward", b_dA_prev_skips_gprime, "was g'(Z) skipped"),
    ("layer_backward_per_example", p_no_average, "the 1/m is missing"),
    ("layer_backward_per_example", p_overwrite, "accumulate with +="),
    ("layer_backward_per_example", p_dA_prev_over_m, "dA_prev has no 1/m"),
    ("layer_backward_per_example", p_one_d_slices, None),
    ("layer_backward_per_example", p_skip_gprime, "was g'(Z) skipped"),
    ("layer_forward_rows", r_no_bias, "is b missing"),
    ("layer_forward_rows", r_W_transposed, "raised ValueError"),
    ("layer_forward_rows", r_column_bias, "raised ValueError"),
    ("layer_forward_rows", r_cache_A, "not A"),
    ("layer_backward_rows", rb_no_m_dW, "dW: the 1/m is missing"),
    ("layer_backward_rows", rb_axis1, "sum over axis=0"),
    ("layer_backward_rows", rb_no_keepdims, "keepdims=True"),
    ("layer_backward_rows", rb_dX_over_m, "dX has no 1/m"),
    ("layer_backward_rows", rb_dW_transposed, "looks transposed"),
    ("layer_backward_rows", rb_dX_transposed, "looks transposed"),
    ("layer_backward_rows", rb_skip_gprime, "was g'(Z) skipped"),
    ("layer_backward_rows", rb_in_place_mask, "changed its input dA"),
]


def test_at_least_two_mutants_per_exercise():
    mutants.assert_two_per_exercise(CORRECT, MUTANTS)


@pytest.mark.parametrize("exercise,mutant,phrase", MUTANTS, ids=[m.__name__ for _, m, _ in MUTANTS])
def test_hidden_check_catches_mutant(exercise, mutant, phrase, capsys):
    mutants.assert_hidden_catches(run_hidden, exercise, mutant, phrase)
    assert capsys.readouterr().err == ""


def _visible_catches(exercise, mutant):
    return mutants.visible_catches(run_visible, exercise, mutant)


def test_visible_checks_catch_the_mutants(capsys):
    missed = [mutant.__name__ for exercise, mutant, _ in MUTANTS if not _visible_catches(exercise, mutant)]
    capsys.readouterr()
    print(f"visible checks catch {len(MUTANTS) - len(missed)} of {len(MUTANTS)} mutants; missed: {missed}")
    assert not missed


@pytest.mark.parametrize("exercise,mutant,phrase", [
    ("layer_backward", b_m_in_dA_prev, "dA_prev has no 1/m"),
    ("layer_backward", b_no_m_dW, "dW: the 1/m is missing"),
    ("layer_backward", b_no_keepdims, "keepdims=True"),
    ("layer_backward", b_axis0, "not axis=0"),
    ("layer_backward", b_gprime_of_A, "not at A = g(Z)"),
    ("layer_backward", b_in_place, "changed its input dA"),
    ("layer_backward_per_example", p_overwrite, None),
    ("layer_backward_rows", rb_axis1, "sum over axis=0"),
    ("layer_forward", f_no_bias, "is b missing"),
    ("layer_forward", f_cache_A, "not A"),
    ("layer_forward_rows", r_no_bias, "is b missing"),
])
def test_visible_messages_name_the_mistake(exercise, mutant, phrase):
    with pytest.raises(CheckFailed) as failure:
        run_visible(exercise, mutant)
    if phrase:
        assert phrase in str(failure.value), str(failure.value)


def test_a_wrong_forward_is_not_charged_to_the_backward(capsys):
    """A right backward passes its visible check whatever the student's forward does: the check compares with
    stored values and never runs the forward (an old notebook that still passes it is accepted)."""
    checks.check_layer_backward(ref.layer_backward, f_no_bias)
    checks.check_layer_backward_rows(ref.layer_backward_rows)
    assert "all 17 checks passed" in capsys.readouterr().out


def test_layer_fixtures_have_Z_of_both_signs():
    """Drawn freely, about one small layer in twenty had Z > 0 throughout, and a backward that masks dA in place
    for ReLU then passed the hidden check (a flaky mutant test); no fixture may."""
    from autograder.hidden.vectorized import _cases, _layer

    rng = np.random.default_rng(0)
    for _ in range(300):
        for _activation, n_prev, n_l, m in _cases(rng):
            for rows in (False, True):
                Z = _layer(rng, n_prev, n_l, m, rows)[3]
                assert (Z < 0).any() and (Z > 0).any(), (n_prev, n_l, m, rows)


def test_unwritten_exercise_says_so():
    mutants.assert_unwritten_says_so(CORRECT, run_hidden, run_visible)


def test_hidden_isolation_restores_the_students_names():
    namespace = {}
    exec("import numpy as np\n"  # noqa: S102 - a stand-in for a student's notebook
         "def relu(z):\n    return z\n"
         "def layer_forward(A_prev, W, b, activation):\n"
         "    Z = W @ A_prev + b\n"
         "    if activation not in ('sigmoid', 'relu', 'tanh', 'linear'):\n"
         "        raise ValueError('sigmoid, relu, tanh or linear')\n"
         "    A = {'relu': relu, 'tanh': np.tanh, 'linear': lambda z: z,\n"
         "         'sigmoid': lambda z: 1 / (1 + np.exp(-z))}[activation](Z)\n"
         "    return A, (Z, A_prev, W, b)\n", namespace)
    student_relu = namespace["relu"]
    hidden.check_layer_forward(namespace["layer_forward"])   # passes: relu is the reference's while graded
    assert namespace["relu"] is student_relu


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
        getattr(checks, f"check_{exercise}")(fn)
    assert capsys.readouterr().err == ""


def test_the_wording_of_a_value_error_is_advice_never_points(capsys):
    """A correct layer whose ValueError does not list the four names keeps full marks, with a tip."""
    def terse(A_prev, W, b, activation):
        if activation not in NAMES:
            raise ValueError("unknown")
        return ref.layer_forward(A_prev, W, b, activation)

    run_hidden("layer_forward", terse)
    run_visible("layer_forward", terse)
    assert "tip: say which names are allowed" in capsys.readouterr().out
