"""Speed of one training step: the reference against PyTorch and against its own matrix products.

One step of gradient descent (forward pass, backward pass, parameter update) of a [64, 256, 256, 10] network
with ReLU hidden layers and a softmax output with cross-entropy, float64, at batch sizes 1, 32, 512 and 2048,
timed side by side in one run (interleaved turns of 0.25 s after a pause, after a warm-up; the best of some
150 to 1,000 samples each, since anything else running on the machine can only make a sample slower):

- reference: `model_forward`, `model_backward`, `update_parameters` of `autograder/reference.py`;
- torch: the same step in PyTorch on the CPU (autograd; `addmm` with the bias, as `nn.Linear` does;
  `cross_entropy`; an in-place SGD update), after checking that it computes the same new parameters;
- lean: the fastest NumPy step found (`LeanStep`: the bias folded into the products, buffers made once,
  everything in place), checked to compute the reference's new parameters: how near the floor NumPy gets at
  the price of readability, so the reference's distance from the floor can be judged;
- floor: the eight matrix products that step needs (three forward, three dW, two dA_prev) and nothing else;
- torch floor: the same eight products in PyTorch.

Both libraries get the same number of threads (`--threads`, default: all cores): the OpenMP and BLAS variables
are set before NumPy loads, and `torch.set_num_threads`.

The step allocates fresh arrays (the reference's functions return new arrays), so its time depends on whether
glibc's malloc hands freed memory back to the kernel (then every step pays page faults to get it again). The
script measures both, each in a process of its own: `default` (glibc as it comes) and `retain`
(MALLOC_TRIM_THRESHOLD_ and MALLOC_MMAP_THRESHOLD_ raised, so freed memory is reused), the same for every
contender, and prints the median number of page faults of a reference step. With glibc's defaults it measures
the reference and the floor a second time in a process without PyTorch, as in a course notebook: PyTorch's own
allocations, interleaved with NumPy's, change how much freed memory glibc gives back, and so the faults.

    pip install -r requirements-bench.txt
    python benchmarks/training_step.py [--threads 2] [--batches 1 32 512 2048] [--allocator both]

Without PyTorch (or with --without-torch) only the reference and the floor are measured.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

import _timing

if __name__ == "__main__":
    _timing.pin_threads(_timing.threads_from_argv(sys.argv))

# NumPy only now, once the thread count is pinned (its BLAS reads it when it loads).
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # the repository's packages, also where it is not pip-installed
from autograder import reference as ref

LAYER_DIMS = [64, 256, 256, 10]
BATCHES = [1, 32, 512, 2048]
LEARNING_RATE = 0.01
GOAL_BATCH, GOAL_VS_TORCH, GOAL_VS_FLOOR = 512, 0.75, 1.15
ALLOCATORS = {
    "default": {},
    "retain": {"MALLOC_TRIM_THRESHOLD_": str(256 * 2**20), "MALLOC_MMAP_THRESHOLD_": str(32 * 2**20)},
}


def problem(m, seed=0):
    """(parameters, X, Y, labels) of the benchmark network for a batch of m random examples."""
    rng = np.random.default_rng(seed)
    parameters = ref.initialize_parameters(LAYER_DIMS, seed=seed)
    X = rng.standard_normal((LAYER_DIMS[0], m))
    labels = rng.integers(0, LAYER_DIMS[-1], size=m)
    return parameters, X, ref.one_hot(labels, LAYER_DIMS[-1]), labels


def reference_step(parameters, X, Y, learning_rate=LEARNING_RATE):
    """One step with the reference: forward, backward, update. Returns the new parameters."""
    AL, caches = ref.model_forward(X, parameters, "relu", "softmax")
    grads = ref.model_backward(AL, Y, caches, "relu", "softmax")
    return ref.update_parameters(parameters, grads, learning_rate)


def floor_products(parameters, X, Y):
    """A function of no arguments doing exactly the matrix products of one step, on the step's own arrays."""
    AL, caches = ref.model_forward(X, parameters, "relu", "softmax")
    (Z1, _, W1, _), (Z2, A1, W2, _), (_, A2, W3, _) = caches
    dZ3 = AL - Y
    dZ2 = (W3.T @ dZ3) * (Z2 > 0)
    dZ1 = (W2.T @ dZ2) * (Z1 > 0)

    def products():
        W1 @ X, W2 @ A1, W3 @ A2                  # forward: Z = W A_prev (the bias is not a product)
        dZ3 @ A2.T, dZ2 @ A1.T, dZ1 @ X.T         # dW = dZ A_prev^T
        W3.T @ dZ3, W2.T @ dZ2                    # dA_prev = W^T dZ (none for the input X)

    return products


class LeanStep:
    """The fastest NumPy step found, for scale, not for teaching: how close to the floor NumPy can get at all.

    It does the reference's arithmetic with every saving that costs readability, which the reference does not
    make: each layer's bias is folded into its product as one more column of W against a row of ones under
    A_prev ([W | b] [A_prev; 1], so dW and db come out of one product too); the activations are written into
    buffers made once; the softmax, dZ and the update are formed in place; no function calls, no dicts.
    """

    def __init__(self, parameters, X, Y, learning_rate=LEARNING_RATE):
        self.L = len(parameters) // 2
        m = X.shape[1]
        self.scale = learning_rate / m          # the 1/m of dW and db, and the learning rate, in one factor
        self.Y = Y
        # [W | b] of each layer, and [A_prev; 1]: layer 1's is X with its row of ones, the others are filled
        # by the forward pass above their row of ones.
        self.Wb = [np.hstack([parameters[f"W{layer}"], parameters[f"b{layer}"]]) for layer in range(1, self.L + 1)]
        self.inputs = [np.vstack([X, np.ones((1, m))])]
        self.inputs += [np.ones((Wb.shape[0] + 1, m)) for Wb in self.Wb[:-1]]

    def step(self):
        """Forward, backward and an in-place update of self.Wb."""
        Wb, inputs, L = self.Wb, self.inputs, self.L
        Z = [Wb[0] @ inputs[0]]
        for layer in range(1, L):
            np.maximum(Z[-1], 0.0, out=inputs[layer][:-1])     # A = relu(Z), above the row of ones
            Z.append(Wb[layer] @ inputs[layer])
        dZ = Z[-1]                                              # softmax in place, then AL - Y
        dZ -= dZ.max(axis=0)
        np.exp(dZ, out=dZ)
        dZ /= dZ.sum(axis=0)
        dZ -= self.Y
        for layer in range(L - 1, -1, -1):
            gradient = dZ @ inputs[layer].T                     # [dW | db] times m
            if layer > 0:
                dZ = Wb[layer][:, :-1].T @ dZ
                dZ *= Z[layer - 1] > 0
            gradient *= self.scale
            Wb[layer] -= gradient

    def numpy_parameters(self):
        """The current parameters as a dict of NumPy arrays, W1..WL and b1..bL."""
        parameters = {}
        for layer, Wb in enumerate(self.Wb, start=1):
            parameters[f"W{layer}"], parameters[f"b{layer}"] = Wb[:, :-1].copy(), Wb[:, -1:].copy()
        return parameters


class TorchStep:
    """The same training step in PyTorch (float64, CPU, column-major like the course), for timing."""

    def __init__(self, torch, parameters, X, labels, learning_rate=LEARNING_RATE):
        self.torch = torch
        self.learning_rate = learning_rate
        self.L = len(parameters) // 2
        self.params = {name: torch.tensor(value, dtype=torch.float64, requires_grad=True)
                       for name, value in parameters.items()}
        self.X = torch.tensor(X, dtype=torch.float64)
        self.labels = torch.tensor(labels, dtype=torch.int64)

    def step(self):
        """Forward, backward and an in-place SGD update of self.params."""
        torch, p = self.torch, self.params
        A = self.X
        for layer in range(1, self.L + 1):
            Z = torch.addmm(p[f"b{layer}"], p[f"W{layer}"], A)   # b + W A in one BLAS call
            A = torch.relu(Z) if layer < self.L else Z
        loss = torch.nn.functional.cross_entropy(Z.T, self.labels)  # softmax + cross-entropy, mean over m
        loss.backward()
        with torch.no_grad():
            for value in p.values():
                value.add_(value.grad, alpha=-self.learning_rate)
                value.grad = None

    def numpy_parameters(self):
        """The current parameters as NumPy arrays."""
        return {name: value.detach().numpy().copy() for name, value in self.params.items()}

    def floor_products(self, parameters, X, Y):
        """The eight matrix products of one step in PyTorch (torch.mm), as a function of no arguments."""
        torch = self.torch
        AL, caches = ref.model_forward(X, parameters, "relu", "softmax")
        (Z1, _, W1, _), (Z2, A1, W2, _), (_, A2, W3, _) = caches
        dZ3 = AL - Y
        dZ2 = (W3.T @ dZ3) * (Z2 > 0)
        dZ1 = (W2.T @ dZ2) * (Z1 > 0)
        arrays = {"X": X, "W1": W1, "W2": W2, "W3": W3, "A1": A1, "A2": A2,
                  "dZ1": dZ1, "dZ2": dZ2, "dZ3": dZ3}
        t = {name: torch.tensor(value) for name, value in arrays.items()}

        def products():
            mm = torch.mm
            mm(t["W1"], t["X"]), mm(t["W2"], t["A1"]), mm(t["W3"], t["A2"])
            mm(t["dZ3"], t["A2"].T), mm(t["dZ2"], t["A1"].T), mm(t["dZ1"], t["X"].T)
            mm(t["W3"].T, t["dZ3"]), mm(t["W2"].T, t["dZ2"])

        return products


def same_step(make_stepper, m):
    """The largest relative difference between the reference's parameters after one step and those of a
    stepper (a TorchStep or a LeanStep) made by make_stepper(parameters, X, Y, labels)."""
    parameters, X, Y, labels = problem(m, seed=1)
    want = reference_step(parameters, X, Y)
    stepper = make_stepper(parameters, X, Y, labels)
    stepper.step()
    got = stepper.numpy_parameters()
    return max(float(np.linalg.norm(got[k] - want[k]) / np.linalg.norm(want[k])) for k in want)


def measure(m, torch, rounds):
    """Best seconds per step of each contender at batch size m: {name: seconds}, and "faults": the median
    number of page faults (minor faults: memory the kernel had to map afresh) in one reference step."""
    parameters, X, Y, labels = problem(m)
    state, faults = {"reference": parameters}, []

    def reference():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        state["reference"] = reference_step(state["reference"], X, Y)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)

    contenders = {"reference": reference, "lean": LeanStep(parameters, X, Y).step,
                  "floor": floor_products(parameters, X, Y)}
    if torch is not None:
        stepper = TorchStep(torch, parameters, X, labels)
        contenders["torch"] = stepper.step
        contenders["torch floor"] = stepper.floor_products(parameters, X, Y)
    # Turns of 0.25 s, each after a 0.2 s pause: NumPy's and PyTorch's thread pools (OpenBLAS, OpenMP)
    # spin-wait for a while after their last call, and would steal the cores of whichever library runs next.
    samples = _timing.interleaved(contenders, rounds, block_seconds=0.25, pause=0.2)
    return {**{name: min(values) for name, values in samples.items()}, "faults": _timing.median(faults)}


def report(results, torch):
    """The table of results ({m: {name: seconds}}) with the ratios, and the verdict on the goals, as text."""
    header = ["batch", "reference ms", "ref page faults", "floor ms", "ref / floor", "lean ms", "lean / floor"]
    if torch is not None:
        header += ["torch ms", "torch floor ms", "ref / torch", "torch / torch floor"]
    rows = []
    for m, t in results.items():
        row = [str(m), f"{t['reference'] * 1e3:.3f}", f"{t['faults']:g}", f"{t['floor'] * 1e3:.3f}",
               f"{t['reference'] / t['floor']:.2f}", f"{t['lean'] * 1e3:.3f}", f"{t['lean'] / t['floor']:.2f}"]
        if torch is not None:
            row += [f"{t['torch'] * 1e3:.3f}", f"{t['torch floor'] * 1e3:.3f}",
                    f"{t['reference'] / t['torch']:.2f}", f"{t['torch'] / t['torch floor']:.2f}"]
        rows.append(row)
    lines = [_timing.table(header, rows)]
    if GOAL_BATCH in results:
        t = results[GOAL_BATCH]
        vs_floor = t["reference"] / t["floor"]
        lines.append(f"goal at batch {GOAL_BATCH}: reference / floor {vs_floor:.2f} <= {GOAL_VS_FLOOR}: "
                     f"{'met' if vs_floor <= GOAL_VS_FLOOR else 'NOT met'}")
        if torch is not None:
            vs_torch = t["reference"] / t["torch"]
            lines.append(f"goal at batch {GOAL_BATCH}: reference / torch {vs_torch:.2f} <= {GOAL_VS_TORCH}: "
                         f"{'met' if vs_torch <= GOAL_VS_TORCH else 'NOT met'}")
    return "\n".join(lines)


def run_here(args):
    """Measure in this process (whose allocator settings are already in place) and print the table."""
    torch = None
    if not args.without_torch:
        try:
            import torch
        except ImportError:
            print("PyTorch is not installed (pip install -r requirements-bench.txt): "
                  "reference and floor only")
    if torch is not None:
        torch.set_num_threads(args.threads)
    print(f"allocator: {args.allocator} "
          f"({' '.join(f'{k}={v}' for k, v in ALLOCATORS[args.allocator].items()) or 'glibc defaults'})"
          + ("; NumPy only, no PyTorch in the process (as in a course notebook)" if torch is None else ""))
    print(f"threads: {args.threads} (NumPy BLAS: {_timing.blas_threads()}"
          + (f"; torch {torch.__version__}: {torch.get_num_threads()})" if torch is not None else ")"))
    lean = max(same_step(lambda parameters, X, Y, labels: LeanStep(parameters, X, Y), m) for m in args.batches)
    print(f"lean step against the reference: largest relative difference of the new parameters {lean:.1e}")
    if lean > 1e-10:
        raise SystemExit("the lean step does not compute the reference's step: timing it would be meaningless")
    if torch is not None:
        worst = max(same_step(lambda parameters, X, Y, labels: TorchStep(torch, parameters, X, labels), m)
                    for m in args.batches)
        print(f"same step in both: largest relative difference of the new parameters {worst:.1e}")
        if worst > 1e-10:
            raise SystemExit("PyTorch's step does not compute the reference's step: "
                             "timing it would be meaningless")
    results = {}
    with _timing.OtherLoad() as load:
        for m in args.batches:
            results[m] = measure(m, torch, args.rounds)
    print(report(results, torch))
    print(_timing.load_note(load))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=_timing.threads_from_argv([]),
                        help="threads for NumPy's BLAS and for PyTorch (default: all cores)")
    parser.add_argument("--batches", type=int, nargs="+", default=BATCHES)
    parser.add_argument("--rounds", type=int, default=8, help="turns of 0.25 s per contender and batch size")
    parser.add_argument("--allocator", choices=[*ALLOCATORS, "both"], default="both")
    parser.add_argument("--without-torch", action="store_true",
                        help="measure the reference and the floor only")
    parser.add_argument("--here", action="store_true", help=argparse.SUPPRESS)  # a child of --allocator both
    args = parser.parse_args(argv)
    if args.here:
        run_here(args)
        return 0
    print(f"[{', '.join(map(str, LAYER_DIMS))}] ReLU/softmax, float64, one step = forward + backward + "
          f"update; best time per step, {os.cpu_count()} cores")
    allocators = list(ALLOCATORS) if args.allocator == "both" else [args.allocator]
    # Each run in a fresh process: glibc reads the allocator variables once, at start-up. With glibc's
    # defaults the reference runs once more in a process without PyTorch: PyTorch's own allocations,
    # interleaved with NumPy's, change which freed memory glibc hands back to the kernel (and so the
    # reference's page faults).
    runs = [("default", True)] if "default" in allocators and not args.without_torch else []
    runs += [(allocator, args.without_torch) for allocator in allocators]
    for allocator, without_torch in runs:
        env = {k: v for k, v in os.environ.items() if k not in ALLOCATORS["retain"]}
        env.update(ALLOCATORS[allocator])
        command = [sys.executable, __file__, "--here", "--allocator", allocator,
                   "--threads", str(args.threads), "--rounds", str(args.rounds),
                   "--batches", *map(str, args.batches)]
        print(flush=True)
        done = subprocess.run(command + (["--without-torch"] if without_torch else []), env=env, check=False)
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
