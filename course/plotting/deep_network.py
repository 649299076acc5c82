"""Plots of assignment 03 "L layers, end to end".

Every function draws what it is given: data, lists of numbers the notebook measured, or a prediction function
the notebook builds from the student's own model_forward. None of them runs a network or computes a gradient.
"""

from __future__ import annotations

import numpy as np

from ..datasets import labels_of
from ._pyplot import plt

__all__ = [
    "plot_costs",
    "plot_curves",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_fit",
    "plot_training",
    "plot_weight_paths",
]

_CLASS_COLORS = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]


def _new_axes(ax, figsize):
    if ax is not None:
        return ax, False
    _, ax = plt.subplots(figsize=figsize)
    return ax, True


def _finish(fig_owned):
    if fig_owned:
        plt.tight_layout()
        plt.show()


def _scatter(ax, X, Y):
    labels = labels_of(Y)
    for c in np.unique(labels):
        pick = labels == c
        ax.scatter(X[0, pick], X[1, pick], s=14, color=_CLASS_COLORS[c % len(_CLASS_COLORS)],
                   edgecolor="black", linewidth=0.3, label=f"class {c}", zorder=3)


def plot_dataset(X, Y, title=None, ax=None):
    """A 2-D data set, one colour per class.

    Args:
        X: (2, m) points.  Y: (1, m) 0/1 labels or (k, m) one-hot targets.  title: optional.
        ax: an existing matplotlib Axes to draw into (then the figure is not shown here).
    """
    ax, owned = _new_axes(ax, (4.6, 4.2))
    X = np.asarray(X, dtype=float)
    _scatter(ax, X, Y)
    ax.set(xlabel="$x_1$", ylabel="$x_2$", aspect="equal", title=title or f"{X.shape[1]} examples")
    ax.legend(loc="best", fontsize=8)
    _finish(owned)


def plot_decision_boundary(predict, X, Y, title=None, ax=None, resolution=200, margin=0.4):
    """The regions a classifier assigns to each class, with the data on top.

    Args:
        predict: a function of a (2, n) array of points returning (1, n) probabilities of class 1, or (k, n)
            class probabilities (for example `lambda P: model_forward(P, parameters)[0]`).
        X: (2, m) points.  Y: (1, m) labels or (k, m) one-hot targets.  title: optional.
        ax: an existing Axes to draw into.  resolution: grid points per axis.  margin: space around the data.
    """
    ax, owned = _new_axes(ax, (4.8, 4.2))
    X = np.asarray(X, dtype=float)
    lo, hi = X.min(axis=1) - margin, X.max(axis=1) + margin
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.vstack([g1.ravel(), g2.ravel()])
    P = np.asarray(predict(grid), dtype=float)
    if P.shape[0] == 1:
        prob = P.reshape(g1.shape)
        ax.contourf(g1, g2, prob, levels=np.linspace(0.0, 1.0, 11), cmap="RdBu_r", alpha=0.35)
        ax.contour(g1, g2, prob, levels=[0.5], colors="black", linewidths=1.5)
    else:
        k = P.shape[0]
        cls = P.argmax(axis=0).reshape(g1.shape)
        colors = [_CLASS_COLORS[c % len(_CLASS_COLORS)] for c in range(k)]
        ax.contourf(g1, g2, cls, levels=np.arange(k + 1) - 0.5, colors=colors, alpha=0.25)
        ax.contour(g1, g2, cls, levels=np.arange(k) + 0.5, colors="black", linewidths=1.0)
    _scatter(ax, X, Y)
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]), xlabel="$x_1$", ylabel="$x_2$", aspect="equal",
           title=title or "decision regions")
    _finish(owned)


def plot_curves(x, curves, xlabel, ylabel, title=None, logy=False, ax=None, styles=None):
    """Several measured curves on one set of axes.

    Args:
        x: (n,) abscissae shared by all curves.  curves: {label: (n,) values}, drawn in this order (later on
            top); nan values are left out.  xlabel, ylabel, title: text.  logy: logarithmic y axis.
        ax: an existing Axes to draw into.  styles: optional {label: matplotlib format string, e.g. "--"};
            the default is "o-".
    """
    ax, owned = _new_axes(ax, (6.0, 3.8))
    for label, values in curves.items():
        fmt = (styles or {}).get(label, "o-")
        ax.plot(x, np.asarray(values, dtype=float), fmt, ms=3, lw=1.8, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or "")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    _finish(owned)


def plot_costs(costs, every=1, title=None, ax=None):
    """Cost against iteration number.

    Args:
        costs: a list of costs recorded every `every` iterations, or {label: such a list} for several runs
            (drawn with different line styles, so that runs with the same costs stay visible).
        every: iterations between two recorded costs.  title: optional.  ax: an existing Axes to draw into.
    """
    ax, owned = _new_axes(ax, (5.2, 3.6))
    runs = costs if isinstance(costs, dict) else {"cost": costs}
    for k, (label, values) in enumerate(runs.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(values.size) * every, values, ("-", "--", ":", "-.")[k % 4], lw=2, label=label)
    ax.set(xlabel="iteration", ylabel="cost J", title=title or "learning curve")
    ax.grid(alpha=0.3)
    if len(runs) > 1:
        ax.legend(fontsize=8)
    _finish(owned)


def plot_training(costs, predict, X, Y, every=1, title=None):
    """Learning curve (left) and decision regions (right) of one training run, side by side.

    Args: as plot_costs and plot_decision_boundary.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10.5, 4.0))
    plot_costs(costs, every=every, ax=axes[0])
    plot_decision_boundary(predict, X, Y, ax=axes[1])
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_fit(predict, X, Y, title=None, ax=None):
    """A 1-D regression: the data and the curve a model draws through it.

    Args:
        predict: a function of a (1, n) array of inputs returning (1, n) predictions.
        X: (1, m) inputs.  Y: (1, m) targets.  title: optional.  ax: an existing Axes to draw into.
    """
    ax, owned = _new_axes(ax, (5.6, 3.6))
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    xs = np.linspace(X.min() - 0.1, X.max() + 0.1, 300).reshape(1, -1)
    ax.scatter(X.ravel(), Y.ravel(), s=14, color="tab:blue", edgecolor="black", linewidth=0.3, label="data")
    ax.plot(xs.ravel(), np.asarray(predict(xs), dtype=float).ravel(), color="tab:red", lw=2, label="network")
    ax.set(xlabel="x", ylabel="y", title=title or "fit")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    _finish(owned)


def plot_weight_paths(histories, title=None):
    """How each weight of a layer moves during training, one panel per run.

    Args:
        histories: {panel title: list of (n_units, n_inputs) weight matrices, one per recorded step}.
            Each unit gets its own colour; its incoming weights are its lines.
        title: optional title over all panels.
    """
    fig, axes = plt.subplots(1, len(histories), figsize=(5.2 * len(histories), 3.6), squeeze=False)
    for ax, (name, history) in zip(axes[0], histories.items()):
        stack = np.array([np.asarray(W, dtype=float) for W in history])  # (steps, n_units, n_inputs)
        steps = np.arange(stack.shape[0])
        for unit in range(stack.shape[1]):
            color = _CLASS_COLORS[unit % len(_CLASS_COLORS)]
            for i in range(stack.shape[2]):
                ax.plot(steps, stack[:, unit, i], color=color, lw=1.5, alpha=0.8,
                        label=f"unit {unit + 1}" if i == 0 else None)
        ax.set(xlabel="step", ylabel="weight value", title=name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()
