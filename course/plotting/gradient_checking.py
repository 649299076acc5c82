"""Plots of assignment 04 "Gradient checking". They draw numbers the notebook computed with your functions."""

from __future__ import annotations

import numpy as np

from ._pyplot import plt

__all__ = ["plot_gradient_entries", "plot_kink", "plot_secants", "plot_step_errors"]


def plot_secants(f, x0, h, slope, title=None):
    """A curve, its tangent at x0, and the two secants a difference quotient with step h uses: each secant is
    drawn through its two points of the curve (their slopes are what the notebook's cell prints).

    Args:
        f: a function of one float.  x0: the point.  h: the step (large enough to see, e.g. 0.6).
        slope: the true derivative f'(x0), for the tangent.
    """
    xs = np.linspace(x0 - 2.2 * h, x0 + 2.2 * h, 200)
    _, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(xs, [f(x) for x in xs], color="black", lw=2, label="f")
    ax.axline((x0, f(x0)), slope=slope, color="tab:green", lw=1.5, label=f"tangent, slope f'(x₀) = {slope:g}")
    ax.axline((x0, f(x0)), (x0 + h, f(x0 + h)), color="tab:red", ls="--", lw=1.5,
              label="one-sided secant through x₀ and x₀ + h")
    ax.axline((x0 - h, f(x0 - h)), (x0 + h, f(x0 + h)), color="tab:blue", ls="--", lw=1.5,
              label="central secant through x₀ - h and x₀ + h")
    for x in (x0 - h, x0, x0 + h):
        ax.plot([x], [f(x)], "o", color="black", ms=5)
    ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(min(f(x) for x in xs) - 0.5, max(f(x) for x in xs) + 0.5)
    ax.set_xlabel("x")
    ax.set_title(title or f"Slopes at x₀ = {x0:g} with step h = {h:g}")
    ax.legend(fontsize=9, loc="upper left")
    ax.grid(alpha=0.3)
    plt.show()


def plot_step_errors(epsilons, errors, title=None, ylabel="error of the derivative", guides=True):
    """Errors against the step ε on log-log axes, one curve per method, with the best step of each marked.

    Args:
        epsilons: the steps, an array.  errors: {label: array of errors, one per step}.
        guides: also draw dotted lines ε/2 and ε²/6 (truncation errors of the one-sided and the central difference
            when |f''| and |f'''| are near 1) and u/ε with u = 1.1e-16 (round-off in float64).
    """
    epsilons = np.asarray(epsilons, dtype=float)
    _, ax = plt.subplots(figsize=(8, 4.8))
    colors = ["tab:red", "tab:blue", "tab:purple", "tab:orange", "tab:green"]
    for (label, values), color in zip(errors.items(), colors):
        values = np.maximum(np.asarray(values, dtype=float), 1e-18)  # an exact 0 would vanish from a log plot
        ax.loglog(epsilons, values, "o-", ms=3, lw=1.5, color=color, label=label)
        best = int(np.argmin(values))
        ax.plot(epsilons[best], values[best], "*", ms=14, color=color, markeredgecolor="black")
        ax.annotate(f"ε = {epsilons[best]:.0e}", (epsilons[best], values[best]), textcoords="offset points",
                    xytext=(6, -14), fontsize=8, color=color)
    if guides:  # the error model of a function with |f|, |f''|, |f'''| near 1, in float64
        grid = np.logspace(np.log10(epsilons.min()), np.log10(epsilons.max()), 50)
        for y, text, at in ((0.5 * grid, "∝ ε", -8), (grid ** 2 / 6, "∝ ε²", -8), (1.1e-16 / grid, "∝ 1/ε", 5)):
            ax.loglog(grid, y, ":", color="0.45", lw=1)
            ax.annotate(text, (grid[at], y[at]), textcoords="offset points", xytext=(-22, 4), fontsize=9,
                        color="0.35")
    ax.set_xlabel("step ε")
    ax.set_ylabel(ylabel)
    ax.set_ylim(1e-17, 10)
    ax.set_title(title or "Truncation error falls with ε, round-off error grows as ε shrinks")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9, loc="lower right")
    plt.show()


def plot_kink(z, numeric, exact, epsilon, title=None):
    """Numerical slopes of ReLU next to its kink, against the derivative the backward pass uses.

    Args:
        z: points around 0.  numeric: the central differences at those points.  exact: relu'(z) (0 or 1).
        epsilon: the step used, to shade the band |z| < ε where the two evaluations straddle the kink.
    """
    points = np.asarray(z, dtype=float)
    _, ax = plt.subplots(figsize=(7, 3.8))
    ax.axvspan(-epsilon, epsilon, color="tab:orange", alpha=0.15, label="|z| < ε: z ± ε straddle the kink")
    exact = np.asarray(exact, dtype=float)
    left = points <= 0
    ax.plot(points[left], exact[left], color="tab:green", lw=2, label="relu'(z) of the backward pass")
    ax.plot(points[~left], exact[~left], color="tab:green", lw=2)
    ax.plot([0.0], [0.0], "o", color="tab:green", ms=7)  # relu'(0) = 0 by convention
    ax.plot(points, numeric, "o", ms=4, color="tab:blue", label="central difference")
    ax.set_xlabel("z")
    ax.set_ylabel("slope")
    ax.set_title(title or f"ReLU's kink seen with ε = {epsilon:g}")
    ax.legend(fontsize=9, loc="upper left")
    ax.grid(alpha=0.3)
    plt.show()


def plot_gradient_entries(analytic, numeric, name):
    """The entries of one gradient from the backward pass against its numerical value, and their ratio.

    Args:
        analytic, numeric: arrays of one shape (the same gradient computed two ways).  name: e.g. "db2".
    """
    a = np.asarray(analytic, dtype=float).ravel()
    n = np.asarray(numeric, dtype=float).ravel()
    index = np.arange(a.size)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    left.bar(index - 0.2, n, width=0.4, color="tab:blue", label="numerical")
    left.bar(index + 0.2, a, width=0.4, color="tab:red", label="backward pass")
    left.set_xlabel(f"entry of {name} (flattened)")
    left.set_title(f"{name}, two ways")
    left.legend(fontsize=9)
    left.axhline(0, color="black", lw=0.8)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.abs(n) > 1e-12, a / n, np.nan)
    right.plot(index, ratio, "o", color="tab:purple")
    right.axhline(1, color="tab:green", lw=1, ls="--", label="ratio 1: right")
    right.set_xlabel(f"entry of {name} (flattened)")
    right.set_title("backward / numerical")
    right.legend(fontsize=9)
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.set_xticks(index)
    fig.tight_layout()
    plt.show()
