"""02's timing figure never contradicts its text: one BLAS thread while measuring, the median of several runs, and
the figure says when the machine was too busy to measure."""

import time

import matplotlib
import numpy as np
import pytest
from threadpoolctl import threadpool_info

from course.timing import Stopwatch

from .conftest import source_nb

matplotlib.use("Agg")


def blas_threads():
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_blas_runs_on_one_thread_only_while_measuring():
    before = blas_threads()
    assert before, "NumPy's BLAS is visible to threadpoolctl"
    with Stopwatch(repeat=1) as stopwatch:
        assert blas_threads() == [1] * len(before)
        stopwatch.seconds_per_call(np.dot, np.ones((50, 50)), np.ones((50, 50)))
    assert blas_threads() == before


def test_measuring_outside_the_with_block_is_refused():
    with pytest.raises(RuntimeError, match="with stopwatch"):
        Stopwatch().seconds_per_call(abs, 1)


def test_one_slow_run_does_not_move_the_median():
    calls = []

    def sometimes_slow():
        calls.append(None)
        time.sleep(0.06 if len(calls) == 3 else 0.002)   # the third call: another process took the core

    with Stopwatch(repeat=7, budget=0) as stopwatch:
        seconds = stopwatch.seconds_per_call(sometimes_slow)
    assert len(calls) == 8                                  # a first call, then 7 runs of one call
    assert 0.002 <= seconds < 0.02


def test_a_process_without_its_core_is_told_it_was_too_busy():
    with Stopwatch() as stopwatch:
        time.sleep(0.2)                                     # wall time passes, this process computes nothing
    assert stopwatch.core_share < 0.5
    assert "too busy to measure" in stopwatch.verdict()
    quiet, busy = Stopwatch(), Stopwatch()
    quiet.wall, quiet.cpu = 2.0, 1.9
    busy.wall, busy.cpu = 2.0, 0.6
    assert quiet.verdict() is None
    assert "30% of a core" in busy.verdict()
    assert Stopwatch().verdict() is None, "nothing measured, nothing claimed"


@pytest.mark.parametrize("busy", [None, "The machine was too busy to measure: 30% of a core."])
def test_the_figure_says_when_the_machine_was_busy(monkeypatch, busy):
    import matplotlib.pyplot as plt

    from course.plotting import plot_timings

    shown = []
    monkeypatch.setattr(plt, "show", lambda: shown.append(plt.gcf()))
    ms = np.array([1, 4, 16])
    plot_timings(ms, ms * 2e-6, ms * 0 + 1e-5, ms * 3e-6, ms * 0 + 2e-5, busy=busy)
    figure = shown[0]
    title = figure._suptitle.get_text() if figure._suptitle else ""
    if busy:
        assert "too busy to measure" in title
    else:
        assert title == ""
    plt.close(figure)


def test_the_02_notebook_measures_with_the_stopwatch_and_passes_its_verdict_to_the_figure():
    code = "\n".join(c.source for c in source_nb("02_vectorized").cells if c.cell_type == "code")
    assert "with stopwatch:" in code and "stopwatch.seconds_per_call(" in code
    assert "busy=stopwatch.verdict()" in code
