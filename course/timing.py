"""Timing code fairly, for 02's comparison of loops and vectorized layers.

A measurement on a shared machine can say the opposite of the truth: another process takes the core half-way
through, or NumPy's BLAS spreads one matrix product over threads that other work is using. So a Stopwatch
pins BLAS to one thread while it measures (threadpoolctl), takes the median of several runs of each function, and
notes how much of a core this process really got meanwhile (its CPU time over the wall-clock time). When that
share is low, its `verdict()` says the machine was too busy to measure, and the figure should say so too.
"""

from __future__ import annotations

import statistics
import time

__all__ = ["Stopwatch"]


class Stopwatch:
    """Measures seconds per call with one BLAS thread; use it as a context manager around all the measurements.

    Args:
        repeat: runs of each function; seconds_per_call returns their median.
        budget: seconds each run lasts at least (a fast function is called many times per run).
        quiet_share: the least share of one core this process must get while measuring for the numbers to count.
    """

    def __init__(self, repeat=7, budget=0.005, quiet_share=0.8):
        self.repeat, self.budget, self.quiet_share = repeat, budget, quiet_share
        self.wall = self.cpu = 0.0
        self._limits = None

    def __enter__(self):
        from threadpoolctl import threadpool_limits

        self._limits = threadpool_limits(limits=1, user_api="blas")
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall += time.perf_counter() - self._wall
        self.cpu += time.process_time() - self._cpu
        self._limits.restore_original_limits()
        self._limits = None
        return False

    def seconds_per_call(self, fn, *args):
        """The median over `repeat` runs of the seconds one call fn(*args) takes (a float).

        Args:
            fn: the function to time.  args: its arguments, the same for every call.
        """
        if self._limits is None:
            raise RuntimeError("measure inside `with stopwatch:` (BLAS is pinned to one thread only there)")
        start = time.perf_counter()
        fn(*args)                                     # a first call, which also warms the caches
        number = max(1, int(self.budget / max(time.perf_counter() - start, 1e-7)))
        runs = []
        for _ in range(self.repeat):
            start = time.perf_counter()
            for _ in range(number):
                fn(*args)
            runs.append((time.perf_counter() - start) / number)
        return statistics.median(runs)

    @property
    def core_share(self):
        """The share of one core this process got while measuring (CPU time / wall time; 1.0 on a quiet machine)."""
        return self.cpu / self.wall if self.wall > 0 else 0.0

    def verdict(self):
        """None if the machine was quiet enough; otherwise a sentence saying the numbers cannot be trusted."""
        if self.wall == 0 or self.core_share >= self.quiet_share:   # nothing measured, or a quiet machine
            return None
        return (f"The machine was too busy to measure: this notebook got only {self.core_share:.0%} of a core "
                "while timing, so these numbers say little. Run the cell again when the machine is quieter.")
