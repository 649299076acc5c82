"""Plots of assignment 01 "One example at a time".

Every function draws what it is given: the student's own activation functions, parameters and measurements,
and stored values (course/checks/stored/). None of them computes an answer to an exercise (the only function
drawn here by itself is NumPy's np.tanh).
"""

from __future__ import annotations

import numpy as np

from ..checks import stored
from ._pyplot import plt

__all__ = ["plot_activations", "plot_loops_vs_matrix", "plot_perceptron", "plot_sweep", "plot_xor"]

_COLORS = {0: "tab:blue", 1: "tab:orange"}


def _line(ax, w, b, lo, hi, **style):
    """Draw the line w[0] x1 + w[1] x2 + b = 0 across [lo, hi] in both coordinates."""
    w = np.asarray(w, dtype=float).reshape(-1)
    b = float(np.asarray(b, dtype=float).reshape(-1)[0])
    if abs(w[1]) > 1e-12:
        x1 = np.linspace(lo, hi, 2)
        ax.plot(x1, -(w[0] * x1 + b) / w[1], **style)
    elif abs(w[0]) > 1e-12:
        ax.axvline(-b / w[0], **style)


def _points(ax, X, labels, names=None):
    for k in range(X.shape[1]):
        label = int(labels[k])
        ax.scatter(X[0, k], X[1, k], s=140, color=_COLORS[label], edgecolor="black", zorder=3)
        if names is not None:
            ax.annotate(names[k], (X[0, k], X[1, k]), textcoords="offset points", xytext=(9, 7), fontsize=9)


def plot_perceptron(w, b, X, labels, step):
    """A perceptron y = step(wᵀx + b) in the plane: the region where it outputs 1, its boundary, the points.

    Args:
        w: (2, 1) weights.  b: the bias, a number.  X: (2, m) points, one per column.
        labels: (m,) or (1, m) targets in {0, 1}.  step: the step function, applied to a (1, k) array.
    """
    X = np.asarray(X, dtype=float)
    labels = np.asarray(labels).reshape(-1)
    lo, hi = X.min() - 1.0, X.max() + 1.0
    g1, g2 = np.meshgrid(np.linspace(lo, hi, 300), np.linspace(lo, hi, 300))
    grid = np.vstack([g1.ravel(), g2.ravel()])
    out = np.asarray(step(np.asarray(w, dtype=float).reshape(1, -1) @ grid + b), dtype=float).reshape(g1.shape)
    _, ax = plt.subplots(figsize=(5, 4.5))
    ax.contourf(g1, g2, out, levels=[-0.5, 0.5, 1.5], colors=[_COLORS[0], _COLORS[1]], alpha=0.15)
    _line(ax, w, b, lo, hi, color="black", lw=2, label="wᵀx + b = 0")
    _points(ax, X, labels)
    ax.set(xlim=(lo, hi), ylim=(lo, hi), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title="perceptron: orange region = output 1")
    ax.legend(loc="lower right")
    plt.show()


def plot_sweep(values, curves, xlabel, title=None):
    """Side by side, one panel per curve: how a cost changes while one parameter is swept.

    Args:
        values: (k,) the parameter's values.  curves: {panel title: (k,) cost values}.
        xlabel: the parameter's name.  title: an optional title over all panels.
    """
    fig, axes = plt.subplots(1, len(curves), figsize=(5 * len(curves), 3.4), squeeze=False)
    for ax, (name, ys) in zip(axes[0], curves.items()):
        ax.plot(values, np.asarray(ys, dtype=float), lw=2)
        ax.set(xlabel=xlabel, title=name)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_activations(sigmoid, sigmoid_derivative, relu, relu_derivative, tanh_derivative):
    """Each activation g (solid, your function) with your g' (dashed) and the slope of g measured numerically (dots).

    The dots are stored values (course/checks/stored/), measured on the instructor's side as (g(z+h) - g(z-h))/2h
    on the right g: if your g and your derivative are right, the dots sit on the dashed line. tanh itself is
    NumPy's np.tanh; the linear activation g(z) = z has slope 1 everywhere.
    """
    z = np.linspace(-4.0, 4.0, 401)
    column = z.reshape(-1, 1)
    dots = stored.values("tanh_derivative")["plot_activations"]
    panels = [
        ("sigmoid  σ(z)", sigmoid, sigmoid_derivative, "sigmoid"),
        ("tanh(z)", np.tanh, tanh_derivative, "tanh"),
        ("ReLU  max(0, z)", relu, relu_derivative, "relu"),
        ("linear  z", lambda v: v, lambda v: np.ones_like(v), "linear"),
    ]
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.4))
    for ax, (name, g, g_prime, key) in zip(axes, panels):
        values = np.asarray(g(column.copy()), dtype=float).reshape(-1)
        slopes = np.asarray(g_prime(column.copy()), dtype=float).reshape(-1)
        ax.plot(z, values, lw=2.5, label="g(z)")
        ax.plot(z, slopes, "--", lw=2, label="your g'(z)")
        ax.plot(dots["z"], dots[key], "o", ms=4, color="black", label="measured slope")
        ax.axhline(0, color="gray", lw=0.5)
        ax.axvline(0, color="gray", lw=0.5)
        ax.set(title=name, xlabel="z")
    axes[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_xor(params=None, step=None):
    """The four points of XOR; with a 2-2-1 step network's params, also its hidden units and hidden space.

    Args:
        params: None, or a dict with W1 (2, 2), b1 (2, 1), W2 (1, 2), b2 (1, 1).
        step: the step function (needed with params), applied to (2, 4) and (1, 4) arrays.
    """
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    labels = np.array([0, 1, 1, 0])
    names = ["(0,0)", "(0,1)", "(1,0)", "(1,1)"]
    ncols = 1 if params is None else 2
    fig, axes = plt.subplots(1, ncols, figsize=(5.2 * ncols, 4.6), squeeze=False)
    ax = axes[0, 0]
    _points(ax, X, labels, names)
    ax.set(xlim=(-0.6, 1.6), ylim=(-0.6, 1.6), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title="input space x (orange: XOR = 1)")
    if params is not None:
        W1, b1, W2, b2 = (np.asarray(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
        for k, style in enumerate(("-", "--")):
            _line(ax, W1[k], b1[k], -0.6, 1.6, color="black", ls=style, label=f"hidden unit {k + 1}: z = 0")
        ax.legend(loc="lower left", fontsize=8)
        H = np.asarray(step(W1 @ X + b1), dtype=float)
        out = np.asarray(step(W2 @ H + b2), dtype=float).reshape(-1)
        ax = axes[0, 1]
        _points(ax, H, labels)
        for h in np.unique(H.T, axis=0):
            same = [k for k in range(4) if np.array_equal(H[:, k], h)]
            text = ", ".join(names[k] for k in same) + f" → y = {out[same[0]]:.0f}"
            ax.annotate(text, (h[0], h[1]), textcoords="offset points", xytext=(-20, 12), fontsize=8)
        _line(ax, W2[0], b2[0], -0.6, 1.6, color="black", lw=2, label="output unit: z = 0")
        ax.set(xlim=(-0.6, 1.6), ylim=(-0.6, 1.6), xlabel="$h_1$", ylabel="$h_2$", aspect="equal",
               title="hidden space h = step(W1 x + b1)")
        ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    plt.show()


def plot_loops_vs_matrix(sizes, loop_seconds, matrix_seconds):
    """Time of one backward pass against the layer size n (n inputs, n units), loops against matrix form.

    Args:
        sizes: (k,) layer sizes.  loop_seconds, matrix_seconds: (k,) times in seconds.
    """
    fig, ax = plt.subplots(figsize=(6, 3.8))
    ax.loglog(sizes, loop_seconds, "o-", label="dense_backward_loops")
    ax.loglog(sizes, matrix_seconds, "s-", label="dense_backward_single")
    ax.set(xlabel="layer size n (n inputs, n units)", ylabel="seconds per call",
           title="Python loops against matrix products")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    plt.show()
