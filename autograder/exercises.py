"""The course's exercises, in the order students meet them: the one list that the hidden checks, the visible
checks' generator, the grader's stand-ins for earlier exercises, the README's curriculum table and the tests read.

Adding an exercise is one entry here plus the three places docs/authoring.md lists (its reference function, its
checks, its notebook cells); tests/test_conventions.py fails while any of them is missing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assignment:
    folder: str   # source/<folder>/<folder>.ipynb and release/<folder>/
    title: str    # as in the README's curriculum table

    @property
    def module(self):
        """The name of the assignment's modules of checks: `02_vectorized` -> `vectorized`."""
        return self.folder.split("_", 1)[1]


@dataclass(frozen=True)
class Exercise:
    name: str                 # the function, its grade_id, test_<name>, check_<name>, reference.<name>
    assignment: Assignment
    points: int
    summary: str              # its line in the README's curriculum table
    building_block: bool = False  # later exercises may call it; the grader then answers for it

    @property
    def calls(self):
        """The earlier exercises this one may call: every building block that comes before it."""
        before = EXERCISES[:EXERCISES.index(self)]
        return tuple(e.name for e in before if e.building_block)


A01 = Assignment("01_single_example", "01 One example at a time")
A02 = Assignment("02_vectorized", "02 A batch of m examples")
A03 = Assignment("03_deep_network", "03 L layers, end to end")
A04 = Assignment("04_gradient_checking", "04 Gradient checking")
A05 = Assignment("05_application", "05 Handwritten digits")

EXERCISES = (
    Exercise("sigmoid", A01, 1, "σ(z) = 1 / (1 + e^{−z}), elementwise, without overflow", building_block=True),
    Exercise("sigmoid_derivative", A01, 1, "σ'(z) = σ(z)(1 − σ(z))", building_block=True),
    Exercise("relu", A01, 1, "max(0, z)", building_block=True),
    Exercise("relu_derivative", A01, 1, "1 where z > 0, else 0 (relu'(0) = 0)", building_block=True),
    Exercise("tanh_derivative", A01, 1, "1 − tanh²(z)", building_block=True),
    Exercise("neuron_forward", A01, 2, "z = wᵀx + b, y = f(z) for one neuron"),
    Exercise("xor_parameters", A01, 2, "weights of a 2-layer step network computing XOR"),
    Exercise("dense_forward_single", A01, 2, "z = Wx + b, y = g(z), cache (z, x, W, b)", building_block=True),
    Exercise("dense_backward_loops", A01, 3, "∂J/∂x_i = Σ_j ∂J/∂y_j f'(z_j) w_ji, ∂J/∂w_ji, ∂J/∂b_j with loops"),
    Exercise("dense_backward_single", A01, 3, "dz = dy ⊙ g'(z), dW = dz xᵀ, db = dz, dx = Wᵀ dz", building_block=True),
    Exercise("layer_forward", A02, 2, "Z = W A_prev + b with broadcasting, A = g(Z)", building_block=True),
    Exercise("layer_backward", A02, 4, "dZ = dA ⊙ g'(Z), dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ dZ, dA_prev = Wᵀ dZ", building_block=True),
    Exercise("layer_backward_per_example", A02, 2, "the same by a loop over the m columns, averaged"),
    Exercise("layer_forward_rows", A02, 2, "row-major Z = XW + b (examples as rows)"),
    Exercise("layer_backward_rows", A02, 3, "row-major dW = Xᵀ dZ / m, db, dX = dZ Wᵀ"),
    Exercise("initialize_parameters", A03, 1, "scaled random W, zero b, for any depth", building_block=True),
    Exercise("softmax", A03, 2, "column softmax, stable for logits in the thousands", building_block=True),
    Exercise("model_forward", A03, 3, "L layers with caches; sigmoid, softmax or linear output", building_block=True),
    Exercise("compute_cost", A03, 1, "binary cross-entropy", building_block=True),
    Exercise("cost_gradient", A03, 1, "dA[L] = −Y/A + (1 − Y)/(1 − A)", building_block=True),
    Exercise("mse_cost", A03, 1, "J = (1/m) Σ ½‖ŷ − y‖²", building_block=True),
    Exercise("mse_gradient", A03, 1, "ŷ − y", building_block=True),
    Exercise("softmax_cross_entropy", A03, 1, "−(1/m) Σ Y log A", building_block=True),
    Exercise("model_backward", A03, 4, "all dW, db; dZ[L] = A[L] − Y for each output/loss pair", building_block=True),
    Exercise("tied_weights_backward", A03, 3, "one W used by two layers: ∂J/∂W = ∂J/∂W1 + ∂J/∂W2"),
    Exercise("update_parameters", A03, 1, "W ← W − α dW, a new dict", building_block=True),
    Exercise("numerical_gradient", A04, 3, "central differences, O(ε²), input left unchanged", building_block=True),
    Exercise("relative_error", A04, 1, "‖a − b‖ / (‖a‖ + ‖b‖), 0 when both are zero", building_block=True),
    Exercise("gradient_check", A04, 3, "model_backward against numerical gradients of the cost", building_block=True),
    Exercise("locate_gradient_bug", A04, 3, "find the gradient a planted bug breaks"),
    Exercise("one_hot", A05, 1, "labels (m,) to Y (k, m)"),
    Exercise("train", A05, 4, "mini-batch gradient descent, softmax output, your own functions"),
    Exercise("predict", A05, 2, "labels (m,) from the network's output"),
    Exercise("accuracy", A05, 1, "share of correct predictions"),
)

ASSIGNMENTS = tuple(dict.fromkeys(e.assignment for e in EXERCISES))
BY_NAME = {e.name: e for e in EXERCISES}


def of(folder):
    """The exercises of one assignment (by its folder name), in order."""
    return [e for e in EXERCISES if e.assignment.folder == folder]


def curriculum_table():
    """The README's curriculum table, in Markdown."""
    rows = ["| assignment | exercise | points | what it is |", "|---|---|---|---|"]
    shown = set()
    for e in EXERCISES:
        title = "" if e.assignment in shown else f" {e.assignment.title}"
        shown.add(e.assignment)
        rows.append(f"|{title} | `{e.name}` | {e.points} | {e.summary} |")
    return "\n".join(rows)


CURRICULUM_START = "<!-- curriculum: generated from autograder/exercises.py by `python -m autograder release` -->"
CURRICULUM_END = "<!-- end of curriculum -->"


def update_curriculum(readme, check=False):
    """Rewrite the curriculum table between its two markers in the README file `readme`.

    Returns the differences (one line, or none); with check, writes nothing.
    """
    text = readme.read_text(encoding="utf-8")
    if CURRICULUM_START not in text or CURRICULUM_END not in text:
        return [f"{readme.name}: the curriculum table's markers are missing"]
    head, rest = text.split(CURRICULUM_START, 1)
    _, tail = rest.split(CURRICULUM_END, 1)
    new = f"{head}{CURRICULUM_START}\n{curriculum_table()}\n{CURRICULUM_END}{tail}"
    if new == text:
        return []
    if not check:
        readme.write_text(new, encoding="utf-8")
    return [f"differs: {readme.name} (its curriculum table)"]
