"""Plots of assignment 05 "Handwritten digits". They take data, labels and parameters; none runs a network."""

from __future__ import annotations

import numpy as np

from ._pyplot import plt

__all__ = ["plot_confusion", "plot_learning", "show_digits", "show_first_layer", "show_misclassified"]


def _image(column):
    return np.asarray(column, dtype=float).reshape(8, 8)


def show_digits(X, labels, count=30, per_row=10, predictions=None, title=None, indices=None):
    """A grid of digits, each with its label (and the prediction, if given).

    Args:
        X: (64, m) pixels in [0, 1], one image per column, row by row.  labels: (m,).
        count: how many to show (the first ones, or those in indices).  per_row: images per row.
        predictions: optional (m,) predicted labels, shown as "label → prediction".
        indices: optional column numbers to show instead of the first `count`.
    """
    X = np.asarray(X, dtype=float)
    indices = np.arange(min(count, X.shape[1])) if indices is None else np.asarray(indices)[:count]
    rows = max(1, int(np.ceil(len(indices) / per_row)))
    fig, axes = plt.subplots(rows, per_row, figsize=(1.15 * per_row, 1.35 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, i in zip(axes.ravel(), indices):
        ax.imshow(_image(X[:, i]), cmap="gray_r", vmin=0, vmax=max(1.0, float(X.max())))
        text = f"{labels[i]}" if predictions is None else f"{labels[i]} → {predictions[i]}"
        color = "black" if predictions is None or predictions[i] == labels[i] else "tab:red"
        ax.set_title(text, fontsize=10, color=color)
    fig.suptitle(title or "Digits and their labels", y=1.0)
    fig.tight_layout()
    plt.show()


def plot_learning(costs, epochs=None, train_accuracy=None, test_accuracy=None, title=None):
    """Costs per epoch (one curve per run), and next to them training and test accuracy against epochs.

    Args:
        costs: a list of floats (one run), or {label: list of floats} to compare runs.
        epochs: the epoch counts at which the accuracies were measured.
        train_accuracy, test_accuracy: lists of shares in [0, 1], one per entry of epochs.
    """
    runs = costs if isinstance(costs, dict) else {"mean cost of the epoch's batches": costs}
    panels = 2 if train_accuracy is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 4), squeeze=False)
    ax = axes[0, 0]
    for label, values in runs.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, values.size + 1), values, lw=2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("cross-entropy (log scale)")
    ax.set_title("Cost per epoch")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    if panels == 2:
        ax = axes[0, 1]
        ax.plot(epochs, 100 * np.asarray(train_accuracy), "o-", label="training set")
        ax.plot(epochs, 100 * np.asarray(test_accuracy), "s-", label="test set")
        ax.set_xlabel("epochs of training")
        ax.set_ylabel("accuracy (%)")
        ax.set_ylim(min(80.0, 100 * float(np.min(test_accuracy)) - 2), 100.5)
        ax.set_title("Accuracy")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def plot_confusion(predictions, labels, num_classes=10, title=None):
    """The confusion matrix: row = true digit, column = predicted digit, each cell a count.

    Args:
        predictions, labels: (m,) class numbers.  num_classes: k.
    """
    counts = np.zeros((num_classes, num_classes), dtype=int)
    np.add.at(counts, (np.asarray(labels, dtype=int), np.asarray(predictions, dtype=int)), 1)
    fig, ax = plt.subplots(figsize=(6.2, 5.4))
    shown = np.where(counts > 0, counts, np.nan)
    image = ax.imshow(np.log1p(np.nan_to_num(shown)), cmap="Blues")
    for (i, j), value in np.ndenumerate(counts):
        if value:
            ax.text(j, i, str(value), ha="center", va="center", fontsize=9,
                    color="white" if i == j else ("tab:red" if value else "black"))
    ax.set_xticks(range(num_classes))
    ax.set_yticks(range(num_classes))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title or "Confusion matrix (off the diagonal: mistakes)")
    fig.colorbar(image, ax=ax, label="log(1 + count)")
    plt.show()


def show_misclassified(X, labels, predictions, count=20, per_row=10, title=None):
    """The digits whose prediction is wrong, as "true → predicted" (at most count of them)."""
    wrong = np.flatnonzero(np.asarray(predictions) != np.asarray(labels))
    if wrong.size == 0:
        print("no misclassified digit")
        return
    show_digits(X, labels, count=count, per_row=per_row, predictions=predictions, indices=wrong,
                title=title or f"{wrong.size} misclassified digits (true → predicted); the first {min(count, wrong.size)}")


def show_first_layer(W1, count=16, per_row=8, title=None):
    """The rows of the first weight matrix as 8×8 images: the pattern each hidden unit responds to.

    Args:
        W1: (n_1, 64).  count: how many units to show.
    Red pixels push the unit's z up, blue ones down; white pixels do not matter to it.
    """
    W1 = np.asarray(W1, dtype=float)
    count = min(count, W1.shape[0])
    rows = int(np.ceil(count / per_row))
    fig, axes = plt.subplots(rows, per_row, figsize=(1.3 * per_row, 1.4 * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for unit, ax in zip(range(count), axes.ravel()):
        image = W1[unit].reshape(8, 8)
        scale = max(float(np.abs(image).max()), 1e-12)
        ax.imshow(image, cmap="RdBu_r", vmin=-scale, vmax=scale)
        ax.set_title(f"unit {unit + 1}", fontsize=9)
    fig.suptitle(title or "First-layer weights, one hidden unit per image", y=1.0)
    fig.tight_layout()
    plt.show()
