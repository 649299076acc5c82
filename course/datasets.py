"""Small, seeded data sets made on the spot (nothing is downloaded).

Every generator returns column-major arrays, as in the notebooks: X is (n_x, m) with one example per column and
the targets are (1, m) floats, or one-hot (k, m) for the multi-class sets (use `labels_of` to get the class
numbers back). The same seed always gives the same points.
"""

from __future__ import annotations

import numpy as np

__all__ = ["labels_of", "make_moons", "make_spirals", "make_wave", "make_xor_blobs"]


def _shuffle(rng, X, T):
    order = rng.permutation(X.shape[1])
    return X[:, order].copy(), T[:, order].copy()


def make_moons(m=300, noise=0.2, seed=0):
    """Two interleaved half circles in the plane, class 0 on top and class 1 below.

    Args:
        m: number of examples (half of them, rounded down, in class 0).
        noise: standard deviation of the Gaussian jitter added to every coordinate.
        seed: seed of the random generator.
    Returns:
        (X, Y): X (2, m) float64 points, Y (1, m) float64 labels in {0., 1.}.
    """
    rng = np.random.default_rng(seed)
    m0 = m // 2
    m1 = m - m0
    t0 = rng.uniform(0.0, np.pi, m0)
    t1 = rng.uniform(0.0, np.pi, m1)
    upper = np.vstack([np.cos(t0), np.sin(t0)])
    lower = np.vstack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.hstack([upper, lower]) + noise * rng.standard_normal((2, m))
    X = X - np.array([[0.5], [0.25]])  # centre the picture on the origin
    Y = np.hstack([np.zeros((1, m0)), np.ones((1, m1))])
    return _shuffle(rng, X, Y)


def make_xor_blobs(m=200, spread=0.35, seed=0):
    """Four Gaussian blobs at (±1, ±1); label 1 where the two coordinates have opposite signs (XOR).

    Args:
        m: number of examples, shared out among the four blobs.
        spread: standard deviation of each blob.
        seed: seed of the random generator.
    Returns:
        (X, Y): X (2, m) float64, Y (1, m) float64 labels in {0., 1.}.
    """
    rng = np.random.default_rng(seed)
    corners = np.array([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]]).T  # (2, 4)
    which = np.arange(m) % 4
    X = corners[:, which] + spread * rng.standard_normal((2, m))
    Y = (which >= 2).astype(float).reshape(1, m)
    return _shuffle(rng, X, Y)


def make_spirals(m=300, k=3, noise=0.2, seed=0):
    """k spiral arms winding out of the origin, one class per arm.

    Args:
        m: number of examples, shared out among the arms.
        k: number of classes (arms), at least 2.
        noise: jitter of the angle, in radians.
        seed: seed of the random generator.
    Returns:
        (X, Y): X (2, m) float64, Y (k, m) one-hot float64 (column i has a single 1, in the row of its class).
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(m) % k
    radius = rng.uniform(0.05, 1.0, m)
    angle = labels * (2.0 * np.pi / k) + 4.0 * radius + noise * rng.standard_normal(m)
    X = np.vstack([radius * np.cos(angle), radius * np.sin(angle)])
    # Example i is on arm i mod k, so the targets are the k × k identity repeated along the examples.
    return _shuffle(rng, X, np.tile(np.eye(k), (1, m // k + 1))[:, :m])


def make_wave(m=80, noise=0.1, seed=0):
    """A noisy wave y = sin(3x) + x/2 on x in [-1.5, 1.5]: a small regression problem for a linear output.

    Args:
        m: number of examples.  noise: standard deviation of the noise on y.  seed: seed of the generator.
    Returns:
        (X, Y): X (1, m) float64 inputs, Y (1, m) float64 targets.
    """
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.5, 1.5, m)
    y = np.sin(3.0 * x) + 0.5 * x + noise * rng.standard_normal(m)
    return x.reshape(1, m), y.reshape(1, m)


def labels_of(Y):
    """Class numbers back from the targets these generators make: (1, m) 0/1 labels give themselves, (k, m)
    one-hot columns the row of their single 1. Anything else (probabilities, a network's output) is refused:
    this reads targets, it does not turn a network's output into labels.

    Returns:
        (m,) int array.
    Raises:
        ValueError if Y is not (1, m) of 0s and 1s or (k, m) with a single 1 in every column and 0s elsewhere.
    """
    Y = np.asarray(Y)
    if Y.ndim != 2 or not np.all((Y == 0) | (Y == 1)) or (Y.shape[0] > 1 and not np.all(Y.sum(axis=0) == 1)):
        raise ValueError("labels_of reads targets: (1, m) labels 0/1 or (k, m) one-hot columns, "
                         f"got shape {Y.shape} with other values")
    if Y.shape[0] == 1:
        return Y.reshape(-1).astype(int)
    return np.nonzero(Y.T)[1]  # one 1 per column, and np.nonzero lists the columns of Y in order
