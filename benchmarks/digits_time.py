"""Seconds for the reference to reach 97% test accuracy on the handwritten digits of assignment 05.

The 05 notebook's set-up: the shipped digits (course/digits.py: 1,347 training and 450 test images), inputs
centred with the training mean, a [64, 64, 10] ReLU/softmax network, learning rate 0.1, batches of 32,
float64. For each seed the reference's training loop runs epoch by epoch (the loop of `reference.train`,
checked to give its very parameters) until the test accuracy reaches 97%, at most --max-epochs epochs; the
clock runs during training only, not while the test accuracy is measured. The yardsticks, measured side by
side in the same run: seconds per epoch, and, if PyTorch is installed, the same training in PyTorch (same
initial parameters, same shuffling, same steps), whose time to 97% gives the ratio reference / torch.

One thread by default (--threads), for NumPy's BLAS and for PyTorch alike: the matrices are tiny (a 64 × 64
weight matrix times 32 examples), and a second thread only adds synchronisation (on a busy machine PyTorch's
OpenMP threads then wait for a core at every operation).

    python benchmarks/digits_time.py [--seeds 10] [--max-epochs 100] [--threads 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import _timing

if __name__ == "__main__":
    _timing.pin_threads(_timing.threads_from_argv(sys.argv, default=1))

# NumPy only now, once the thread count is pinned (its BLAS reads it when it loads).
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # the repository's packages, also where it is not pip-installed
from autograder import reference as ref
from course.digits import load_digits

LAYER_DIMS, LEARNING_RATE, BATCH = [64, 64, 10], 0.1, 32   # the notebook's hyperparameters
TARGET = 0.97


def digits():
    """(X_train, Y_train, X_test, y_test) as the notebook prepares them: centred with the training mean."""
    X_train, y_train, X_test, y_test = load_digits()
    mean = X_train.mean(axis=1, keepdims=True)
    return X_train - mean, ref.one_hot(y_train, 10), X_test - mean, y_test


class ReferenceTrainer:
    """reference.train's loop, one epoch at a time: same initialisation, same shuffling, same steps."""

    def __init__(self, X, Y, seed):
        self.X, self.Y = X, Y
        self.rng = np.random.default_rng(seed)
        self.parameters = ref.initialize_parameters(LAYER_DIMS, seed=seed)

    def epoch(self):
        """One pass over the shuffled training set in batches of BATCH."""
        order = self.rng.permutation(self.X.shape[1])
        for start in range(0, order.size, BATCH):
            batch = order[start:start + BATCH]
            Y_batch = self.Y[:, batch]
            AL, caches = ref.model_forward(self.X[:, batch], self.parameters, "relu", "softmax")
            ref.softmax_cross_entropy(AL, Y_batch)   # train records each batch's cost: so do we
            grads = ref.model_backward(AL, Y_batch, caches, "relu", "softmax")
            self.parameters = ref.update_parameters(self.parameters, grads, LEARNING_RATE)

    def accuracy(self, X_test, y_test):
        """Test accuracy of the current parameters."""
        return ref.accuracy(ref.predict(X_test, self.parameters), y_test)


class TorchTrainer:
    """The same training in PyTorch: the reference's initial parameters and shuffling, in-place SGD."""

    def __init__(self, torch, X, Y, seed):
        self.torch = torch
        self.X = torch.tensor(X)
        self.labels = torch.tensor(Y.argmax(axis=0))
        self.rng = np.random.default_rng(seed)
        self.params = {name: torch.tensor(value, requires_grad=True)
                       for name, value in ref.initialize_parameters(LAYER_DIMS, seed=seed).items()}

    def _logits(self, X):
        p = self.params
        A1 = self.torch.relu(self.torch.addmm(p["b1"], p["W1"], X))
        return self.torch.addmm(p["b2"], p["W2"], A1)

    def epoch(self):
        """One pass over the training set in the reference's order, one SGD step per batch."""
        torch = self.torch
        order = torch.from_numpy(self.rng.permutation(self.X.shape[1]))
        for start in range(0, order.numel(), BATCH):
            batch = order[start:start + BATCH]
            loss = torch.nn.functional.cross_entropy(self._logits(self.X[:, batch]).T, self.labels[batch])
            loss.backward()
            with torch.no_grad():
                for value in self.params.values():
                    value.add_(value.grad, alpha=-LEARNING_RATE)
                    value.grad = None

    def accuracy(self, X_test, y_test):
        """Test accuracy of the current parameters."""
        with self.torch.no_grad():
            predictions = self._logits(self.torch.tensor(X_test)).argmax(dim=0).numpy()
        return ref.accuracy(predictions, y_test)


def time_to_target(trainer, X_test, y_test, max_epochs):
    """Train until the test accuracy reaches TARGET: (epochs or None, training seconds, seconds/epoch)."""
    seconds = 0.0
    for epoch in range(1, max_epochs + 1):
        start = time.perf_counter()
        trainer.epoch()
        seconds += time.perf_counter() - start
        if trainer.accuracy(X_test, y_test) >= TARGET:
            return epoch, seconds, seconds / epoch
    return None, seconds, seconds / max_epochs


def check_same_as_train(X, Y):
    """ReferenceTrainer gives exactly reference.train's parameters (3 epochs, seed 0); raises if not."""
    want, _ = ref.train(X, Y, LAYER_DIMS, LEARNING_RATE, 3, BATCH, seed=0)
    trainer = ReferenceTrainer(X, Y, seed=0)
    for _ in range(3):
        trainer.epoch()
    if not all(np.array_equal(trainer.parameters[k], want[k]) for k in want):
        raise SystemExit("the benchmark's loop is not reference.train's: timing it would be meaningless")


def run_seed(seed, torch, X_train, Y_train, X_test, y_test, max_epochs, ratios, reached):
    """Time one seed with the reference (and PyTorch, if given). Returns the table row; appends the
    reference's (epochs, seconds, seconds per epoch) to `reached` if it got to TARGET, and reference / torch
    per epoch to `ratios`."""
    reference = ReferenceTrainer(X_train, Y_train, seed)
    epochs, seconds, per_epoch = time_to_target(reference, X_test, y_test, max_epochs)
    row = [str(seed), str(epochs or f">{max_epochs}"), f"{seconds:.3f}" if epochs else "-",
           f"{per_epoch * 1e3:.1f}"]
    if epochs:
        reached.append((epochs, seconds, per_epoch))
    if torch is not None:
        trainer = TorchTrainer(torch, X_train, Y_train, seed)
        t_epochs, t_seconds, t_per_epoch = time_to_target(trainer, X_test, y_test, max_epochs)
        row += [str(t_epochs or f">{max_epochs}"), f"{t_seconds:.3f}" if t_epochs else "-",
                f"{t_per_epoch * 1e3:.1f}", f"{per_epoch / t_per_epoch:.2f}"]
        ratios.append(per_epoch / t_per_epoch)
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds 0 .. N-1 (default 10)")
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1, help="threads for BLAS and PyTorch (default 1)")
    parser.add_argument("--without-torch", action="store_true")
    args = parser.parse_args(argv)
    torch = None
    if not args.without_torch:
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed (pip install -r requirements-bench.txt): the reference alone")
    if torch is not None:
        torch.set_num_threads(args.threads)
    X_train, Y_train, X_test, y_test = digits()
    check_same_as_train(X_train, Y_train)
    threads = f"{args.threads} thread{'s' if args.threads > 1 else ''}"
    print(f"digits: [{', '.join(map(str, LAYER_DIMS))}] ReLU/softmax, α = {LEARNING_RATE}, "
          f"batches of {BATCH}, float64, {threads}; time to {TARGET:.0%} test accuracy (training only)")
    rows, ratios, reached = [], [], []
    with _timing.OtherLoad() as load:
        for seed in range(args.seeds):
            rows.append(run_seed(seed, torch, X_train, Y_train, X_test, y_test, args.max_epochs, ratios,
                                 reached))
    header = ["seed", "epochs", "seconds", "ms / epoch"]
    if torch is not None:
        header += ["torch epochs", "torch seconds", "torch ms / epoch", "ref / torch per epoch"]
    print(_timing.table(header, rows))
    if reached:
        epochs, seconds, per_epoch = (_timing.median([r[i] for r in reached]) for i in range(3))
        print(f"reference: {len(reached)} of {args.seeds} seeds reach {TARGET:.0%}; median {seconds:.2f} s, "
              f"{epochs:g} epochs, {per_epoch * 1e3:.1f} ms per epoch")
    else:
        print(f"reference: no seed reaches {TARGET:.0%} within {args.max_epochs} epochs")
    if ratios:
        print(f"reference / torch, time per epoch: median {_timing.median(ratios):.2f}")
    print(_timing.load_note(load))
    return 0


if __name__ == "__main__":
    sys.exit(main())
