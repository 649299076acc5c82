"""The benchmark scripts of benchmarks/ run, on tiny sizes, and measure what they say (no PyTorch needed).

Only the last test uses PyTorch (the optional requirements-bench.txt); it is skipped where PyTorch is absent,
and everything else here runs without it.
"""

import importlib
import subprocess
import sys

import numpy as np
import pytest

from autograder import reference as ref
from autograder.engine.demonstrations import is_marked
from autograder.notebooks import grade_id, is_solution_cell, is_test_cell, nbgrader_meta

from .conftest import ASSIGNMENTS, REPO, source_nb

BENCHMARKS = REPO / "benchmarks"


def bench(name):
    """Import benchmarks/<name>.py as a module (the scripts import their helper `_timing` from there)."""
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


SCRIPTS = ["oracle_torch", "training_step", "vectorized_vs_loops", "grading_cost", "digits_time"]


def test_every_script_says_what_it_measures_and_how_to_run_it():
    for name in SCRIPTS:
        doc = bench(name).__doc__
        assert doc and f"python benchmarks/{name}.py" in doc, f"{name}.py: docstring without its command"


def test_interleaved_timing_times_every_contender():
    timing = bench("_timing")
    samples = timing.interleaved({"a": lambda: sum(range(100)), "b": lambda: None}, rounds=3, warmup=1)
    assert set(samples) == {"a", "b"} and all(len(v) == 3 and min(v) > 0 for v in samples.values())
    text = timing.table(["x", "y"], [["1", "22"]])
    assert text.splitlines()[0].split() == ["x", "y"] and "22" in text


def test_training_step_floor_is_the_steps_own_products():
    training_step = bench("training_step")
    parameters, X, Y, labels = training_step.problem(5)
    assert X.shape == (64, 5) and Y.shape == (10, 5) and (Y.argmax(axis=0) == labels).all()
    new = training_step.reference_step(parameters, X, Y)
    AL, caches = ref.model_forward(X, parameters, "relu", "softmax")
    grads = ref.model_backward(AL, Y, caches, "relu", "softmax")
    step = training_step.LEARNING_RATE
    assert all(np.array_equal(new[k], parameters[k] - step * grads[f"d{k}"]) for k in new)
    training_step.floor_products(parameters, X, Y)()  # shapes fit: the eight products run


def test_training_steps_lean_contender_computes_the_references_step_twice_in_a_row():
    training_step = bench("training_step")
    for m in (1, 7):
        parameters, X, Y, _ = training_step.problem(m, seed=3)
        before = {k: v.copy() for k, v in parameters.items()}
        lean = training_step.LeanStep(parameters, X, Y)
        want = parameters
        for _ in range(2):   # its buffers and [W | b] carry over from one step to the next
            want = training_step.reference_step(want, X, Y)
            lean.step()
            got = lean.numpy_parameters()
            assert all(np.allclose(got[k], want[k], rtol=1e-12, atol=1e-15) for k in want), m
        assert all(np.array_equal(parameters[k], before[k]) for k in before)   # the problem is not touched


def test_training_step_runs_without_torch():
    command = [sys.executable, str(BENCHMARKS / "training_step.py"), "--batches", "4", "--rounds", "1",
               "--threads", "1", "--without-torch"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert "allocator: default" in done.stdout and "allocator: retain" in done.stdout
    assert "ref / floor" in done.stdout and "lean / floor" in done.stdout
    assert "torch" not in done.stdout.split("allocator")[1]


def test_vectorized_against_loops_runs_and_the_loop_is_the_layer(capsys):
    vectorized = bench("vectorized_vs_loops")
    rng = np.random.default_rng(0)
    A_prev, W, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 4)), rng.standard_normal((2, 1))
    np.testing.assert_allclose(vectorized.layer_forward_per_example(A_prev, W, b, "tanh"),
                               ref.layer_forward(A_prev, W, b, "tanh")[0], rtol=1e-14)
    assert vectorized.main(["--max-m", "4", "--rounds", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines[3:6]] == ["1", "2", "4"] and "cores busy" in lines[6]


def test_digits_benchmark_trains_with_the_references_loop(capsys):
    digits = bench("digits_time")
    assert digits.main(["--seeds", "1", "--max-epochs", "2", "--without-torch", "--threads", "1"]) == 0
    out = capsys.readouterr().out
    assert "ms / epoch" in out and "torch" not in out.split("(training only)")[1]


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_grading_floor_notebooks_have_the_same_cells(name):
    grading_cost = bench("grading_cost")
    source = source_nb(name)
    for keep_code in (False, True):
        floor = grading_cost.trivial_notebook(source, keep_code=keep_code)
        assert [c.cell_type for c in floor.cells] == [c.cell_type for c in source.cells]
        for original, cell in zip(source.cells, floor.cells):
            meta, original_meta = nbgrader_meta(cell), nbgrader_meta(original)
            assert {k: v for k, v in meta.items() if k != "grade_id"} == \
                   {k: v for k, v in original_meta.items() if k != "grade_id"}
            assert is_marked(cell) == (keep_code and is_marked(original))  # the floor steps through every cell
            if grade_id(original):  # no hidden check is attached to a test cell; `bring` finds solution cells
                want = f"floor_{grade_id(original)}" if is_test_cell(original) else grade_id(original)
                assert grade_id(cell) == want
            if cell.cell_type != "code":
                assert cell.source == original.source
            elif is_test_cell(cell):
                assert cell.source == "pass"
            elif keep_code:
                assert cell.source == original.source
            else:
                assert cell.source == (grading_cost.TRIVIAL_SOLUTION if is_solution_cell(cell) else "pass")


def test_oracle_networks_fit_their_losses():
    oracle = bench("oracle_torch")
    rng = np.random.default_rng(0)
    for output in ref.OUTPUT_ACTIVATIONS:
        for depth in oracle.DEPTHS:
            parameters, X, Y = oracle.random_network(rng, depth, output)
            AL, _ = ref.model_forward(X, parameters, "tanh", output)
            assert len(parameters) == 2 * depth and AL.shape == Y.shape
            assert np.isfinite(ref.COSTS[output](AL, Y))
            if output == "softmax":
                assert (Y.sum(axis=0) == 1).all()
    assert oracle.relative_error(np.ones(3), np.ones(3)) == 0.0
    assert oracle.relative_error(np.zeros(2), np.zeros(2)) == 0.0


def test_oracle_agrees_with_torch_to_round_off():
    torch = pytest.importorskip("torch")
    oracle = bench("oracle_torch")
    rows = oracle.run(torch, seeds=1)
    assert len(rows) == 3 * (1 + 3 * len(ref.ACTIVATIONS)) + 2 * len(ref.ACTIVATIONS)
    assert max(row[3] for row in rows) <= oracle.TOLERANCE
