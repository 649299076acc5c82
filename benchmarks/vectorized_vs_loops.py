"""Vectorized against per-example loops: one layer's forward and backward pass, m = 1, 2, 4, ..., 4096.

The same measurement as section 5 of the 02 notebook, with the reference's functions: a tanh layer of 64
inputs and 32 units; forward as `layer_forward` against a loop of one-column products (the notebook's
`layer_forward_per_example`), backward as `layer_backward` against `layer_backward_per_example`. Each time is
the best of several samples (the best, as in the notebook: anything else running on the machine can only make
a sample slower), loop and vectorized interleaved in one run. Prints the times and the speed-ups per m, and
with --plot writes the notebook's figure to build/vectorized_vs_loops.png.

    python benchmarks/vectorized_vs_loops.py [--max-m 4096] [--plot]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # the repository's packages, also where it is not pip-installed
import _timing

from autograder import reference as ref

N_IN, N_UNITS, ACTIVATION = 64, 32, "tanh"   # the notebook's layer
PLOT_FILE = REPO / "build" / "vectorized_vs_loops.png"


def layer_forward_per_example(A_prev, W, b, activation):
    """The forward pass one column at a time (the notebook's loop). Returns A (n_l, m)."""
    columns = [ref.activation_forward(W @ A_prev[:, i:i + 1] + b, activation) for i in range(A_prev.shape[1])]
    return np.hstack(columns)


def measure(m, rng, rounds):
    """Best seconds per call of the four functions at batch size m: {name: seconds}."""
    W = rng.standard_normal((N_UNITS, N_IN)) / 8
    b = rng.standard_normal((N_UNITS, 1))
    A_prev, dA = rng.standard_normal((N_IN, m)), rng.standard_normal((N_UNITS, m))
    _, cache = ref.layer_forward(A_prev, W, b, ACTIVATION)
    contenders = {
        "forward loop": lambda: layer_forward_per_example(A_prev, W, b, ACTIVATION),
        "forward vectorized": lambda: ref.layer_forward(A_prev, W, b, ACTIVATION),
        "backward loop": lambda: ref.layer_backward_per_example(dA, cache, ACTIVATION),
        "backward vectorized": lambda: ref.layer_backward(dA, cache, ACTIVATION),
    }
    samples = _timing.interleaved(contenders, rounds, target_seconds=0.005, warmup=1)
    return {name: min(values) for name, values in samples.items()}


def plot(ms, results, path=PLOT_FILE):
    """Write the 02 notebook's figure (course.plotting.vectorized.plot_timings) for these results to path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course.plotting.vectorized import plot_timings

    series = {name: [results[m][name] for m in ms] for name in results[ms[0]]}
    plot_timings(ms, series["forward loop"], series["forward vectorized"], series["backward loop"],
                 series["backward vectorized"])
    path.parent.mkdir(parents=True, exist_ok=True)
    plt.gcf().savefig(path, dpi=110)
    plt.close("all")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-m", type=int, default=4096, help="largest batch size (a power of 2)")
    parser.add_argument("--rounds", type=int, default=7, help="samples per function and m (default 7)")
    parser.add_argument("--plot", action="store_true",
                        help=f"write the figure to {PLOT_FILE.relative_to(REPO)}")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    ms = [2 ** k for k in range(args.max_m.bit_length()) if 2 ** k <= args.max_m]
    with _timing.OtherLoad() as load:
        results = {m: measure(m, rng, args.rounds) for m in ms}
    print(f"one {ACTIVATION} layer, {N_IN} inputs, {N_UNITS} units, float64; best of {args.rounds} samples "
          f"(BLAS: {_timing.blas_threads()})")
    rows = []
    for m in ms:
        t = results[m]
        both_loop = t["forward loop"] + t["backward loop"]
        both_vectorized = t["forward vectorized"] + t["backward vectorized"]
        rows.append([str(m), f"{t['forward loop'] * 1e6:.1f}", f"{t['forward vectorized'] * 1e6:.1f}",
                     f"{t['backward loop'] * 1e6:.1f}", f"{t['backward vectorized'] * 1e6:.1f}",
                     f"{t['forward loop'] / t['forward vectorized']:.1f}",
                     f"{t['backward loop'] / t['backward vectorized']:.1f}",
                     f"{both_loop / both_vectorized:.1f}"])
    print(_timing.table(["m", "fwd loop µs", "fwd vect. µs", "bwd loop µs", "bwd vect. µs", "speed-up fwd",
                         "speed-up bwd", "speed-up fwd+bwd"], rows))
    print(_timing.load_note(load))
    if args.plot:
        print(f"figure written to {plot(ms, results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
