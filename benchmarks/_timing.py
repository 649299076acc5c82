"""Shared helpers of the benchmark scripts: pinning BLAS threads, interleaved timing, plain-text tables.

Not a benchmark itself. The scripts import it as `_timing` (they run as `python benchmarks/<name>.py`, so this
folder is on the import path).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def threads_from_argv(argv, default=None):
    """The value of `--threads N` in argv (read before argparse runs, so before NumPy is imported).

    Returns an int: N, else `default`, else the number of cores.
    """
    for index, word in enumerate(argv):
        if word == "--threads" and index + 1 < len(argv):
            return int(argv[index + 1])
        if word.startswith("--threads="):
            return int(word.split("=", 1)[1])
    return default or os.cpu_count() or 1


def pin_threads(threads):
    """Ask every BLAS and OpenMP runtime of this process for `threads` threads.

    Works only before NumPy (or PyTorch) is first imported: the libraries read these variables when they load.
    Raises RuntimeError if NumPy is already loaded, rather than measure with a thread count nobody chose.
    """
    if "numpy" in sys.modules:
        raise RuntimeError("pin_threads must run before NumPy is imported")
    for name in THREAD_VARIABLES:
        os.environ[name] = str(threads)


def blas_threads():
    """NumPy's BLAS threads, as a short string (threadpoolctl's view if it is installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    pools = [f"{p['internal_api']} {p['num_threads']}" for p in threadpool_info() if p["user_api"] == "blas"]
    return ", ".join(pools) or "no BLAS pool found"


class OtherLoad:
    """How busy the rest of the machine was while a block of code ran (Linux: /proc/stat; elsewhere unknown).

    with OtherLoad() as load: ...   then load.cores: the average number of cores that other processes kept
    busy (0.0 on a quiet machine), or None where it cannot be told. A figure measured while that is well above
    0 is slower than the code is.

    Only children that have ended and been waited for count as this process's own work.
    """

    def _busy_ticks(self):
        with open("/proc/stat") as handle:
            fields = [int(v) for v in handle.readline().split()[1:]]
        return sum(fields) - fields[3] - fields[4]   # all but idle and iowait

    def __enter__(self):
        self.cores = None
        try:
            self._start = (self._busy_ticks(), os.times(), time.perf_counter())
        except OSError:
            self._start = None
        return self

    def __exit__(self, *exc):
        if self._start is not None:
            busy, times, start = self._start
            now = os.times()
            ticks = os.sysconf("SC_CLK_TCK")
            # This process's threads, and its children once waited for (a command and its kernel, say).
            own = sum(now[i] - times[i] for i in range(4))
            others = (self._busy_ticks() - busy) / ticks - own
            self.cores = max(0.0, others / (time.perf_counter() - start))
        return False


def load_note(load):
    """One line telling how busy the rest of the machine was (from an OtherLoad), with a warning if it was."""
    if load.cores is None:
        return "(how busy the rest of the machine was is unknown here)"
    return (f"other processes kept {load.cores:.2f} cores busy on average meanwhile"
            + (": the machine was not quiet, these figures are too slow" if load.cores > 0.1 else ""))


def calls_per_sample(fn, target_seconds):
    """How many calls of fn make one sample last about target_seconds (at least 1). Calls fn twice."""
    fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-7)
    return max(1, int(target_seconds / once))


def interleaved(contenders, rounds, target_seconds=0.002, warmup=3, block_seconds=0.0, pause=0.0):
    """Time several functions side by side, in one run, in rotating order.

    Every round times each contender in turn, starting with a different one each round, so that a slow patch
    of the machine or a warm cache favours nobody. A sample is `number` back-to-back calls (so that short
    calls are not dominated by the clock); a contender's turn is one sample, or as many as fill
    `block_seconds`.

    Args:
        contenders: {name: function of no arguments}.
        rounds: turns per contender.
        target_seconds: about how long one sample lasts.
        warmup: untimed calls of each contender first.
        block_seconds: how long one turn lasts (0: one sample per turn).
        pause: seconds to sleep before each turn. Libraries whose idle threads spin-wait after their last call
            (OpenBLAS' do so for about 0.1 s, OpenMP's for a while too) would otherwise slow down the
            contender that follows: a pause longer than that lets each turn start on a quiet machine.
    Returns:
        {name: list of seconds per call, one per sample}.
    """
    names = list(contenders)
    for name in names:
        for _ in range(warmup):
            contenders[name]()
    number = {name: calls_per_sample(contenders[name], target_seconds) for name in names}
    samples = {name: [] for name in names}
    for round_ in range(rounds):
        for offset in range(len(names)):
            name = names[(round_ + offset) % len(names)]
            fn, count = contenders[name], number[name]
            if pause:
                time.sleep(pause)
            turn_start = time.perf_counter()
            while True:
                start = time.perf_counter()
                for _ in range(count):
                    fn()
                end = time.perf_counter()
                samples[name].append((end - start) / count)
                if end - turn_start >= block_seconds:
                    break
    return samples


def median(values):
    """The median of a list of numbers."""
    return statistics.median(values)


def table(header, rows):
    """A plain-text table of header (column titles) and rows (lists of strings), as a str."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(str(cell).rjust(width) for cell, width in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
