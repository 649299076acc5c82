"""The stored visible checks of assignment 04 "Gradient checking", on the notebook's worked examples.

numerical_gradient: the notebook's test functions (course/checks/gradient_checking.py), expected gradients from
the reference's numerical_gradient, mistakes evaluated by the hidden checks' catalogue. relative_error: the
notebook's worked pairs, replayed. gradient_check and locate_gradient_bug: fixed networks, the gradients the
stand-in backward returns (the reference's model_backward, or with a gradient scaled), the errors gradient_check
must report and the answers locate_gradient_bug must give, computed with the reference; their checks are written
by hand in course/checks/gradient_checking.py and read these values.
"""

from __future__ import annotations

import numpy as np

from course.checks.gradient_checking import scalar_function

from .. import reference as ref
from ..hidden import gradient_checking as catalogue
from .script import Script

# The notebook's worked example f(x) = x0² x1 + 5 x1 at x = (3, 2), gradient (12, 14); Σ X³/3 on a matrix,
# gradient X²; a cubic in 3-D whose central difference is exactly 3x² + ε²; a steep exponential (k = 100) on
# which a one-sided difference is off by about ε k / 2 = 5e-5 of the slope at ε = 1e-6, five times the tolerance.
GRADIENT_CASES = [
    ("worked (2,)", {"name": "worked example", "shape": [2]}, np.array([3.0, 2.0]), None),
    ("ΣX³/3 (2, 3)", {"name": "cube sum", "shape": [2, 3], "c": 1 / 3},
     np.array([[-2.0, -0.5, 1.0], [0.25, 1.5, 3.0]]), None),
    ("Σx³ ε=0.1", {"name": "cube sum", "shape": [2, 2, 2]},
     np.array([[[-1.5, 0.5], [2.0, -0.25]], [[1.0, -2.0], [0.75, 3.0]]]), 0.1),
    ("steep e^{100x}", {"name": "steep exponential", "shape": [4], "k": 100.0},
     np.array([-0.015, -0.004, 0.006, 0.018]), None),
]

# The notebook's worked pairs (a, b) for relative_error.
RELATIVE_CASES = [
    ("equal", [3.0, 4.0], [3.0, 4.0]),
    ("orthogonal", [1.0, 0.0], [0.0, 1.0]),
    ("b = 0", [3.0, 4.0], [0.0, 0.0]),
    ("(2, 2)", [[1.0, 0.0], [0.0, 2.0]], [[1.0, 1.0], [0.0, 2.0]]),
    ("1e-9 apart", [1.0, -2.0, 2.0], [1.0, -2.0, 2.0 + 6e-9]),
]

# Fixed networks: (dims, m, hidden, output, seed). Their hidden pre-activations all keep at least 1e-3 away from
# ReLU's kink, and no ReLU unit is dead on every example (tests/test_checks_gradient_checking.py makes sure).
CASES = [
    ([3, 5, 1], 7, "relu", "sigmoid", 12),
    ([3, 4, 2], 5, "tanh", "sigmoid", 12),
    ([4, 3, 3], 6, "relu", "softmax", 13),
    ([2, 5, 3, 2], 4, "sigmoid", "linear", 14),
]
LOCATE_CASES = [
    ([3, 4, 2, 1], 5, "tanh", "sigmoid", 21),
    ([4, 5, 3], 6, "relu", "softmax", 22),
]
BUG = (1, {"db1": 3.0}, "db1 tripled")  # gradient_check: the network CASES[1] with db1 × 3
COARSE = (1, 1e-2)  # gradient_check with epsilon = 1e-2 on CASES[1]: the truncation error, about ε², shows
# locate_gradient_bug: (network of LOCATE_CASES, factors of the planted bug, label)
LOCATE_TRIALS = [
    (0, {}, "right gradients"),
    (0, {"db2": 5.0}, "db2 × 5 (a 1/m forgotten)"),
    (0, {"dW3": -1.0}, "dW3 × -1"),
    (0, {"dW1": 1.5, "db3": 10.0}, "dW1 × 1.5 and db3 × 10"),
    (0, {"dW2": 1 + 4e-6}, "dW2 × (1 + 4e-6), error 2e-6"),
    (0, {"dW2": 1 + 1e-3}, "dW2 × 1.001, error 5e-4"),
    (1, {}, "right gradients"),
    (1, {"dW1": 0.0}, "dW1 × 0"),
]


def _numerical_gradient():
    script = Script("numerical_gradient", "Written by hand: the notebook's test functions, stored gradients.")
    cases = []
    for label, function, x, epsilon in GRADIENT_CASES:
        f = scalar_function(function)
        step = 1e-6 if epsilon is None else epsilon
        cases.append({"label": label, "function": function, "x": x, "epsilon": epsilon,
                      "expected": ref.numerical_gradient(f, x, step),
                      "mistakes": catalogue.numerical_gradient_mistakes(f, x, step)})
    script.store("cases", cases)
    return script


def _relative_error():
    script = Script("relative_error",
                    "The notebook's worked values (0, √2/2, 1, 1/(√5 + √6), 1e-9), the same value with a and b "
                    "swapped, 0.0 for two zero arrays; a and b are left unchanged.")
    names = ["a", "b"]
    for label, a, b in RELATIVE_CASES:
        a, b = np.array(a), np.array(b)
        want, wrong = ref.relative_error(a, b), catalogue.relative_error_mistakes(a, b)
        script.call((a, b), names).compare([], label, want, mistakes=wrong, rtol=1e-6, atol=1e-15)
        if label == "(2, 2)":
            script.call((b, a), names).compare([], "symmetric", ref.relative_error(b, a),
                                               mistakes=catalogue.relative_error_mistakes(b, a), rtol=1e-6,
                                               atol=1e-15)
    zero = np.zeros((2, 3))
    script.call((zero, zero), names).compare([], "both zero", ref.relative_error(zero, zero), rtol=0, atol=1e-15)
    return script


def _network(case, label):
    dims, m, hidden, output, seed = case
    parameters, X, Y = catalogue.network(dims, m, hidden, output, seed)
    grads = catalogue.backward_gradients(ref.model_backward, parameters, X, Y, hidden, output)
    return {"label": label, "parameters": parameters, "X": X, "Y": Y, "hidden": hidden, "output": output,
            "defaults": (hidden, output) == ("relu", "sigmoid"), "grads": grads}


def _gradient_check():
    script = Script("gradient_check", "Written by hand: fixed networks, stored gradients and errors.")
    networks = []
    for case in CASES:
        _, _, hidden, output, _ = case
        default = (hidden, output) == ("relu", "sigmoid")
        network = _network(case, f"{hidden}/{output}" + (" (defaults)" if default else ""))
        network["wrong_cost"] = catalogue.wrong_cost_mistakes(network["parameters"], network["X"], network["Y"],
                                                              hidden, output, network["grads"])
        networks.append(network)

    def numeric(network, epsilon=1e-6):
        return catalogue.numeric_gradients(network["parameters"], network["X"], network["Y"], network["hidden"],
                                           network["output"], epsilon)

    index, factors, label = BUG
    network = networks[index]
    bad = catalogue.backward_gradients(catalogue.scaled(ref.model_backward, factors), network["parameters"],
                                       network["X"], network["Y"], network["hidden"], network["output"])
    exact = numeric(network)
    bug = {"label": label, "network": index, "grads": bad, "expected": catalogue.overall_error(bad, exact),
           "mistakes": catalogue.gradient_check_mistakes(bad, exact)}

    index, epsilon = COARSE
    coarse = {"label": f"epsilon={epsilon:g}", "network": index, "epsilon": epsilon,
              "expected": catalogue.overall_error(networks[index]["grads"], numeric(networks[index], epsilon))}

    script.store("networks", networks)
    script.store("bug", bug)
    script.store("epsilon", coarse)
    script.store("right_below", catalogue.RIGHT)
    # In the notebook the cost comes from the student's own model_forward (brought from 03 by the cell tools_from_03).
    right = catalogue.RIGHT_HINT + " (with your model_forward, brought from 03, if 03's check passes)"
    script.store("sentences", {"right": right, "found_nothing": catalogue.FOUND_NOTHING,
                               "epsilon_ignored": catalogue.EPSILON_IGNORED})
    return script


def _locate_gradient_bug():
    script = Script("locate_gradient_bug", "Written by hand: fixed networks, stored gradients and answers.")
    networks = [_network(case, f"{case[2]}/{case[3]}") for case in LOCATE_CASES]
    trials = []
    for index, factors, label in LOCATE_TRIALS:
        network = networks[index]
        args = (network["parameters"], network["X"], network["Y"], network["hidden"], network["output"])
        backward = catalogue.scaled(ref.model_backward, factors)
        expected = ref.locate_gradient_bug(backward, *args)
        keys = list(network["grads"])
        answers = [None, *keys, *(key[1:] for key in keys)]
        hints = {str(answer): catalogue.locate_hint(answer, expected) for answer in answers if answer != expected}
        hints["other"] = catalogue.locate_hint("?", expected)
        trials.append({"label": f"{network['label']}, {label}", "network": index,
                       "grads": catalogue.backward_gradients(backward, *args), "expected": expected,
                       "hints": hints})
    for network in networks:
        del network["grads"]
    script.store("networks", networks)
    script.store("trials", trials)
    script.store("not_a_name", catalogue.NOT_A_NAME)
    return script


def scripts():
    """{exercise: Script} of assignment 04."""
    return {script.exercise: script for script in (
        _numerical_gradient(), _relative_error(), _gradient_check(), _locate_gradient_bug())}
