"""Plots of assignment 02 "A batch of m examples". They draw what the notebook computed; none computes an answer."""

from __future__ import annotations

from textwrap import fill

import numpy as np

from ._pyplot import plt

__all__ = ["plot_broadcast", "plot_gradient_scale", "plot_timings"]


def _matrix(ax, values, title, faded=None, vmax=None):
    """Draw a small matrix as coloured cells with its numbers written in them."""
    values = np.asarray(values, dtype=float)
    vmax = vmax or max(float(np.abs(values).max()), 1e-12)
    ax.imshow(values, cmap="coolwarm", vmin=-vmax, vmax=vmax, aspect="equal")
    if faded is not None:  # cells that NumPy never stores: drawn washed out, like a ghost of the real column
        ax.imshow(np.where(faded, 0.0, np.nan), cmap="Greys", vmin=0, vmax=1, alpha=0.6, aspect="equal")
    for (i, j), v in np.ndenumerate(values):
        ghost = faded is not None and faded[i, j]
        ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=9, color="0.45" if ghost else "black")
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    ax.set_xticklabels([f"ex {j + 1}" for j in range(values.shape[1])], fontsize=8)
    ax.set_yticklabels([f"unit {i + 1}" for i in range(values.shape[0])], fontsize=8)
    ax.set_title(title, fontsize=10)


def plot_broadcast(WA, b, Z):
    """Show Z = W A_prev + b cell by cell.

    Args:
        WA: the product W @ A_prev, (n_l, m).  b: the bias, (n_l, 1).  Z: your W @ A_prev + b, (n_l, m).
    The third panel is b as broadcasting uses it: the same column for every example. Its faded copies are
    never stored in memory; NumPy reads the one column of b again for each example.
    """
    WA, b, Z = (np.asarray(v, dtype=float) for v in (WA, b, Z))
    stretched = np.broadcast_to(b, WA.shape)
    faded = np.ones(WA.shape, dtype=bool)
    faded[:, 0] = False
    vmax = max(float(np.abs(v).max()) for v in (WA, b, Z))
    widths = [WA.shape[1], 1, WA.shape[1], WA.shape[1]]
    fig, axes = plt.subplots(1, 4, figsize=(13, 2.8), gridspec_kw={"width_ratios": widths})
    _matrix(axes[0], WA, f"W A_prev  {WA.shape}", vmax=vmax)
    _matrix(axes[1], b, f"b  {b.shape}", vmax=vmax)
    axes[1].set_xticklabels([""])
    _matrix(axes[2], stretched, "b as broadcasting reads it (one column, reused)", faded=faded, vmax=vmax)
    _matrix(axes[3], Z, f"Z = W A_prev + b  {Z.shape}", vmax=vmax)
    for ax, sign in zip(axes[:3], ("+", "≡", "→")):
        ax.annotate(sign, xy=(1.02, 0.5), xycoords="axes fraction", fontsize=16, va="center")
    fig.tight_layout()
    plt.show()


def plot_timings(ms, forward_loop, forward_vectorized, backward_loop, backward_vectorized, busy=None):
    """Log-log plot of measured times per call against the batch size m, and the speed-up of the vectorized code.

    Args:
        ms: the batch sizes measured, increasing.  forward_loop, forward_vectorized, backward_loop,
            backward_vectorized: seconds per call, one per entry of ms.
        busy: None, or a sentence saying the machine was too busy to measure (course.timing.Stopwatch.verdict()):
            it is written across the figure, which is then greyed out, so it never seems to contradict the text.
    """
    ms = np.asarray(ms, dtype=float)
    curves = {"forward, loop over examples": forward_loop, "forward, vectorized": forward_vectorized,
              "backward, loop over examples": backward_loop, "backward, vectorized": backward_vectorized}
    styles = [("tab:blue", "--", "o"), ("tab:blue", "-", "s"), ("tab:red", "--", "o"), ("tab:red", "-", "s")]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    for (label, seconds), (color, line, marker) in zip(curves.items(), styles):
        left.loglog(ms, np.asarray(seconds) * 1e6, line, color=color, marker=marker, ms=4, label=label)
    left.set_xlabel("batch size m")
    left.set_ylabel("time per call (µs)")
    left.set_title("The loops grow like m from the start; the vectorized calls start out flat")
    left.title.set_fontsize(10)
    left.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    for label, slow, fast, color in (("forward", forward_loop, forward_vectorized, "tab:blue"),
                                     ("backward", backward_loop, backward_vectorized, "tab:red")):
        right.semilogx(ms, np.asarray(slow) / np.asarray(fast), "-o", ms=4, color=color, label=label)
    right.axhline(1.0, color="grey", lw=1)
    right.set_yscale("log")
    right.set_xlabel("batch size m")
    right.set_ylabel("loop time / vectorized time")
    right.set_title("Speed-up of the vectorized layer", fontsize=10)
    right.grid(True, which="both", alpha=0.3)
    right.legend(fontsize=8)
    fig.tight_layout()
    if busy:
        for ax in (left, right):
            ax.set_facecolor("0.92")
            for artist in ax.lines:
                artist.set_alpha(0.35)
        fig.subplots_adjust(top=0.78)
        fig.suptitle(fill(busy, 110), color="tab:red", fontsize=11, fontweight="bold")
    plt.show()


def plot_gradient_scale(ms, mean_norms, sum_norms):
    """How big dW is as the batch grows, when the cost is an average (with 1/m) or a sum (without).

    Args:
        ms: batch sizes.  mean_norms, sum_norms: the norm of dW for each batch size, with and without the 1/m.
    """
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    ax.loglog(ms, sum_norms, "-o", ms=4, color="tab:red", label="summed cost (no 1/m): ‖dW‖ grows like m")
    ax.loglog(ms, mean_norms, "-s", ms=4, color="tab:green", label="averaged cost (1/m): ‖dW‖ settles")
    ax.set_xlabel("batch size m")
    ax.set_ylabel("‖dW‖ (Frobenius norm)")
    ax.set_title("Same weights, same data distribution: only the batch size changes", fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    plt.show()
