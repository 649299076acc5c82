"""Visible checks of assignment 04 "Gradient checking" that are more than a replay of stored values.

`numerical_gradient` needs functions f to differentiate, `gradient_check` a model_backward to test and
`locate_gradient_bug` a backward function to judge: these checks hand your function the notebook's test functions
(the small classes below, which compute f itself and nothing else) and stand-ins that return gradients stored for
the check's fixed networks. Every number your function's answer is compared with (expected gradients, relative
errors of planted bugs, the values of typical mistakes) is stored in course/checks/stored/04_gradient_checking.json,
computed on the instructor's side. `relative_error`'s check is a plain replay of stored values.

Every call of a student's function runs with NumPy's floating-point warnings silenced: nbgrader gives 0 points to
a test cell that writes to stderr.
"""

from __future__ import annotations

import numpy as np

from . import stored
from .calling import call, number, planted
from .report import CheckFailed, Report

__all__ = [
    "check_gradient_check",
    "check_locate_gradient_bug",
    "check_numerical_gradient",
]


# --------------------------------------------------------------------------------------------------------
# The test functions of numerical_gradient's check
# --------------------------------------------------------------------------------------------------------

class ScalarFunction:
    """A scalar function f of arrays of one fixed shape (the check's f). It refuses arrays of any other shape, so
    that a numerical_gradient that flattens x or hands f a single entry is told so in words."""

    def __init__(self, shape):
        self.shape = tuple(shape)

    def __repr__(self):
        return "f"

    def __call__(self, v):
        v = np.asarray(v, dtype=np.float64)
        if v.shape != self.shape:
            raise ValueError(f"f was called with an array of shape {v.shape}, but x has shape {self.shape}: "
                             "give f a perturbed copy of the whole x, one entry changed")
        return float(self.value(v))

    def value(self, v):
        raise NotImplementedError


class WorkedExample(ScalarFunction):
    """The notebook's worked example f(x) = x0² x1 + 5 x1, of x with shape (2,)."""

    def value(self, v):
        return v[0] ** 2 * v[1] + 5 * v[1]


class CubeSum(ScalarFunction):
    """f(x) = c Σ x³ over every entry of x."""

    def __init__(self, shape, c=1.0):
        super().__init__(shape)
        self.c = float(c)

    def value(self, v):
        return self.c * np.sum(v ** 3)


class SteepExponential(ScalarFunction):
    """f(x) = Σ e^{k x} / k over every entry of x: for a large k it curves sharply."""

    def __init__(self, shape, k=100.0):
        super().__init__(shape)
        self.k = float(k)

    def value(self, v):
        return np.sum(np.exp(self.k * v)) / self.k


TEST_FUNCTIONS = {"worked example": WorkedExample, "cube sum": CubeSum, "steep exponential": SteepExponential}


def scalar_function(description):
    """The test function that a stored case describes: {"name": ..., "shape": [...], other arguments}."""
    arguments = dict(description)
    return TEST_FUNCTIONS[arguments.pop("name")](**arguments)


def check_numerical_gradient(numerical_gradient, *earlier):
    """The notebook's worked example (gradient (12, 14)), Σ X³/3 on a matrix (gradient X²), a cubic in 3-D with
    ε = 0.1 (exactly 3x² + ε²), a steep exponential at the default ε, and x left unchanged; against stored
    values."""
    report = Report("numerical_gradient")
    names = ["f", "x", "epsilon"]
    for case in stored.values("numerical_gradient")["cases"]:
        f = scalar_function(case["function"])
        args = (f, case["x"]) if case["epsilon"] is None else (f, case["x"], case["epsilon"])
        out = call(report, numerical_gradient, args, names[:len(args)])
        report.compare(case["label"], out, case["expected"], mistakes=case["mistakes"])
    report.finish()


# --------------------------------------------------------------------------------------------------------
# gradient_check and locate_gradient_bug
# --------------------------------------------------------------------------------------------------------

class StoredGradients:
    """A backward function (model_backward's signature) for one network of a check: it returns the gradients
    stored for that network (right ones, or with a planted bug), whatever AL and caches it is given, and refuses
    activations other than the network's."""

    def __init__(self, grads, hidden_activation, output_activation):
        self.grads = dict(grads)
        self.activations = (hidden_activation, output_activation)

    def __repr__(self):
        return "backward"

    def __call__(self, AL, Y, caches, hidden_activation="relu", output_activation="sigmoid"):
        if (hidden_activation, output_activation) != self.activations:
            raise ValueError(f"the backward pass was called with the activations ({hidden_activation!r}, "
                             f"{output_activation!r}) on a network with ({self.activations[0]!r}, "
                             f"{self.activations[1]!r}): pass hidden_activation and output_activation on")
        return {name: np.array(value) for name, value in self.grads.items()}


def _needs_forward(fn, exercise):
    """Your model_forward, as the notebook defines it (brought from 03 by the cell tools_from_03), must be there."""
    if not callable(getattr(fn, "__globals__", {}).get("model_forward")):
        raise CheckFailed(f"{exercise} uses your model_forward: run the cell that brings your functions from 03 "
                          "(tools_from_03, near the top) first")


def _arguments(network, with_activations=True):
    base = (network["parameters"], network["X"], network["Y"])
    return base + (network["hidden"], network["output"]) if with_activations else base


def check_gradient_check(gradient_check, *earlier):
    """While the check runs, model_backward returns gradients stored for its fixed networks. With the right ones
    the error must be below 1e-7 (four networks, every output/cost pair, and the default activations); with a bug
    planted (db1 tripled) it must be the stored error that the bug makes; epsilon must be passed on; parameters,
    X and Y must be left unchanged."""
    report = Report("gradient_check")
    values = stored.values("gradient_check")
    sentences, below = values["sentences"], values["right_below"]
    names = ["parameters", "X", "Y", "hidden_activation", "output_activation", "epsilon"]
    _needs_forward(gradient_check, "gradient_check")

    def run(label, network, grads, args):
        with planted(gradient_check, "model_backward",
                     StoredGradients(grads, network["hidden"], network["output"])):
            return number(report, label, call(report, gradient_check, args, names[:len(args)]),
                          "return one number, the relative error")

    networks = values["networks"]
    for network in networks:
        value = run(network["label"], network, network["grads"], _arguments(network, not network["defaults"]))
        if value is not None and not 0 <= value < below:
            hint = next((s for s, v in network["wrong_cost"].items() if np.isclose(value, v, rtol=1e-3)),
                        sentences["right"])
            report.expect(network["label"], False, f"relative error {value:.2e}, expected < {below:g}", hint)
        elif value is not None:
            report.expect(network["label"], True, f"relative error {value:.1e} < {below:g}")
    if not report.ok:
        report.finish()

    bug = values["bug"]
    network = networks[bug["network"]]
    value = run(bug["label"], network, bug["grads"], _arguments(network))
    if value is not None and value < below:
        report.expect(bug["label"], False, f"relative error {value:.2e}, expected {bug['expected']:.3g}",
                      sentences["found_nothing"])
    elif value is not None:
        report.compare(bug["label"], value, bug["expected"], rtol=1e-3, atol=1e-12, mistakes=bug["mistakes"])

    coarse = values["epsilon"]
    network = networks[coarse["network"]]
    value = run(coarse["label"], network, network["grads"], _arguments(network) + (coarse["epsilon"],))
    if value is not None:
        report.compare(coarse["label"], value, coarse["expected"], rtol=1e-2, atol=0,
                       mistakes={sentences["epsilon_ignored"]: value} if value < coarse["expected"] / 100 else None)
    report.finish()


def check_locate_gradient_bug(locate_gradient_bug, *earlier):
    """The backward passed in returns gradients stored for the check's fixed networks: the right ones (the answer
    is None), or with bugs planted (a gradient scaled); the answer must be the stored one, the gradient with the
    largest relative error, or None when every error is below 1e-5."""
    report = Report("locate_gradient_bug")
    values = stored.values("locate_gradient_bug")
    names = ["backward", "parameters", "X", "Y", "hidden_activation", "output_activation"]
    _needs_forward(locate_gradient_bug, "locate_gradient_bug")
    for trial in values["trials"]:
        network = values["networks"][trial["network"]]
        backward = StoredGradients(trial["grads"], network["hidden"], network["output"])
        answer = call(report, locate_gradient_bug, (backward, *_arguments(network)), names)
        label, expected = trial["label"], trial["expected"]
        if answer is not None and not isinstance(answer, str):
            report.expect(label, False, f"returned a {type(answer).__name__}", values["not_a_name"])
            continue
        hints = trial["hints"]
        report.expect(label, answer == expected, f"returned {answer!r}, expected {expected!r}",
                      hints.get(str(answer), hints["other"]))
    report.finish()
