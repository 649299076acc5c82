"""The computational-graph view (course/plotting/graph_view.py, graphs.py): the numbers its static figure shows
agree with the layer functions (autograder.reference), each step shows the right part of the passes, and the
step-through's controls advance it (the browser test of tests/test_browser.py watches it in JupyterLab)."""

from __future__ import annotations

import re

import matplotlib
import numpy as np
import pytest

from autograder import reference
from course.plotting import graph_view
from course.plotting.graphs import GIVEN

from . import graph_examples as examples

matplotlib.use("Agg")
import matplotlib.pyplot as plt

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
SHAPE = re.compile(r"\(\d+(?:×\d+)*\)")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def texts(fig):
    """{gid: text} of the figure's text artists that have a gid."""
    return {t.get_gid(): t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_gid()}


def numbers(text):
    """The numbers written in a text, without the shape tags "(5×6)"."""
    return [float(n) for n in NUMBER.findall(SHAPE.sub("", text))]


def shown_entries(value):
    """The entries of a value the figure is to write: an array's first three rows and columns, row by row."""
    array = np.asarray(value, dtype=float)
    if array.ndim != 2:
        array = array.reshape(1, -1)
    return array[:3, :3].ravel()


def assert_shows(text, value):
    got, want = numbers(text), shown_entries(value)
    assert len(got) == len(want), (text, want)
    np.testing.assert_allclose(got, want, rtol=6e-4, atol=1e-12, err_msg=text)


def grad_part(text):
    return text.split("=", 1)[1]


def test_the_neuron_shows_its_forward_values_and_gradients():
    (_, _, x), forward, backward = examples.neuron_values()
    shown = texts(graph_view.plot_graph(examples.neuron()))
    assert_shows(shown["value:z"], -1.0)  # 01 §1: z = wᵀx + b = -1
    assert_shows(shown["value:y"], forward["y"])
    for i in range(3):
        assert_shows(shown[f"value:x{i}"], x[i])
        assert_shows(grad_part(shown[f"grad:x{i}>z"]), backward["dw"][i])
        assert_shows(grad_part(shown[f"grad:x{i}"]), backward["dx"][i])
    assert_shows(grad_part(shown["grad:z"]), backward["dz"])
    assert_shows(grad_part(shown["grad:b"]), backward["db"])
    # the product that formed dz: σ'(z) and dy as given; their product is the gradient shown
    slope, dy = numbers(shown["product:z"].splitlines()[-1])
    assert "σ'(z) × dy" in shown["product:z"]
    np.testing.assert_allclose([slope, dy], [backward["slope"], 1.0], rtol=6e-4)
    np.testing.assert_allclose(slope * dy, numbers(grad_part(shown["grad:z"]))[0], rtol=1e-3)


def test_the_layer_shows_the_four_lines_unit_by_unit():
    (x, W, _), forward, backward = examples.layer_values()
    shown = texts(graph_view.plot_graph(examples.layer()))
    dx, dW, db = backward["dx"], backward["dW"], backward["db"]
    for j in range(2):
        assert_shows(shown[f"value:z{j}"], forward["z"][j])
        assert_shows(shown[f"value:y{j}"], forward["y"][j])
        assert_shows(grad_part(shown[f"grad:z{j}"]), db[j])
        assert_shows(grad_part(shown[f"grad:b{j}"]), db[j])
        for i in range(3):
            assert_shows(grad_part(shown[f"grad:x{i}>z{j}"]), dW[j, i])
            factors = numbers(shown[f"product:x{i}>z{j}"].splitlines()[-1])
            np.testing.assert_allclose(factors, [x[i, 0], db[j, 0]], rtol=6e-4)
    for i in range(3):
        assert_shows(grad_part(shown[f"grad:x{i}"]), dx[i])
        # dx_i = w_1i dz_1 + w_2i dz_2: the four numbers of the sum, as given
        terms = numbers(shown[f"product:x{i}"].splitlines()[-1])
        np.testing.assert_allclose(terms, [W[0, i], db[0, 0], W[1, i], db[1, 0]], rtol=6e-4, atol=1e-12)


def test_the_network_shows_every_layer_and_its_gradients():
    (X, _, p), forward, backward, _ = examples.network_values()
    shown = texts(graph_view.plot_graph(examples.network()))
    assert_shows(shown["value:X"], X)
    assert_shows(shown["value:J"], forward["J"])
    for l in (1, 2, 3):
        for name in (f"Z{l}", f"A{l}"):
            assert_shows(shown[f"value:{name}"], forward[name])
        assert_shows(shown[f"value:W{l}"], p[f"W{l}"])
        assert_shows(grad_part(shown[f"grad:W{l}"]), backward[f"dW{l}"])
        assert_shows(grad_part(shown[f"grad:b{l}"]), backward[f"db{l}"])
        assert_shows(grad_part(shown[f"grad:Z{l}"]), backward[f"dZ{l}"])
        assert f"node:cache{l}" in shown
    assert_shows(grad_part(shown["grad:A3"]), backward["dA3"])
    assert_shows(grad_part(shown["grad:A2"]), backward["dA2"])
    assert_shows(grad_part(shown["grad:X"]), backward["dA0"])


def test_tied_weights_show_two_shares_and_their_sum():
    _, forward, backward = examples.tied_values()
    shown = texts(graph_view.plot_graph(examples.tied()))
    assert_shows(grad_part(shown["grad:W>A2"]), backward["dW_layer2"])
    assert_shows(grad_part(shown["grad:W>Z1"]), backward["dW_layer1"])
    assert_shows(grad_part(shown["grad:W"]), backward["dW"])
    # the sum at W is written with the two shares' numbers, and they add up to the gradient shown
    first, second = (numbers(term) for term in shown["product:W"].splitlines()[-1][1:].split(" + "))
    np.testing.assert_allclose(first, backward["dW_layer1"][0, :2], rtol=6e-4)
    np.testing.assert_allclose(second, backward["dW_layer2"][0, :2], rtol=6e-4)
    np.testing.assert_allclose(np.add(first, second), numbers(grad_part(shown["grad:W"]))[:2], rtol=2e-3)
    assert_shows(shown["value:A2"], forward["A2"])


@pytest.mark.parametrize("name", sorted(examples.GRAPHS))
def test_each_step_shows_what_has_fired_and_nothing_more(name):
    graph = examples.GRAPHS[name]()
    F = len(graph.forward)
    given = {node.name for node in graph.nodes if node.given and node.value is not None}
    _, ax = plt.subplots()
    # the first and last steps of each pass and one between (drawing every step would take seconds per graph)
    steps = sorted({0, 1, F, F + 1, F + 3, graph.n_steps - 1} & set(range(graph.n_steps)))
    for step in steps:
        ax.clear()
        shown = texts(graph_view.plot_graph(graph, step, ax=ax))
        values = {gid.split(":", 1)[1] for gid in shown if gid.startswith("value:")}
        valued = {event.node for event in graph.forward[:step]}
        assert values == given | {n for n in valued if graph.by_name[n].value is not None}, step
        grads = [gid for gid in shown if gid.startswith("grad:")]
        targets = {e.target if isinstance(e.target, str) else f"{e.target[0]}>{e.target[1]}"
                   for e in graph.backward[:max(0, step - F)]}
        assert {gid.split(":", 1)[1] for gid in grads} == targets, step
        event = (graph.forward + graph.backward)[step - 1] if step else None
        caption = graph.caption(step)
        if event is not None and step <= F:
            assert event.equation in caption
        elif event is not None:
            assert caption.startswith(f"backward {step - F}/") and event.label in caption


def test_a_step_outside_the_passes_is_refused():
    graph = examples.neuron()
    with pytest.raises(ValueError, match="step must be between 0 and 11"):
        graph.shown(graph.n_steps)


def test_the_step_through_advances_and_falls_back_to_a_static_figure(monkeypatch):
    graph = examples.neuron()
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    box = graph_view.step_through(graph)
    back, slider, ahead = box.children[0].children
    caption = box.children[1]
    assert slider.value == 0 and caption.value == graph.caption(0)
    ahead.click()
    assert slider.value == 1 and caption.value.startswith("forward 1/2: z =")
    slider.value = graph.n_steps - 2
    ahead.click()
    ahead.click()  # at the last step already: it stays there
    assert slider.value == graph.n_steps - 1 and caption.value == graph.caption(None)
    back.click()
    assert slider.value == graph.n_steps - 2

    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # nbgrader runs the notebook: the figure of every step
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert graph_view.step_through(graph) is None
    assert len(shown) == 1 and isinstance(shown[0], matplotlib.figure.Figure)
    assert "step 11/11" in shown[0].axes[0].get_title()


def test_a_graph_without_the_backward_pass_has_its_forward_steps_only():
    (w, b, x), forward, _ = examples.neuron_values()
    from course.plotting import neuron_graph

    graph = neuron_graph(w, b, x, forward)
    assert graph.n_steps == 3 and not graph.backward
    shown = texts(graph_view.plot_graph(graph))
    assert not [gid for gid in shown if gid.startswith(("grad:", "product:"))]
    with pytest.raises(ValueError, match="needs the values"):
        neuron_graph(w, b, x, {"z": -1.0})


def test_a_chosen_step_as_a_static_figure(monkeypatch):
    graph = examples.tied()
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert graph_view.step_through(graph, step=len(graph.forward), static=True) is None
    title = shown[0].axes[0].get_title()
    assert f"step {len(graph.forward)}/{graph.n_steps - 1}: forward" in title and "J = " in title
    assert not [gid for gid in texts(shown[0]) if gid.startswith("grad:")]


def test_the_given_tied_weights_numbers_are_the_reference_s():
    """03 §8.2's given shares are what the reference's layers give for the notebook's inputs, and they add up to the
    reference's tied_weights_backward dW; the file is in step with its generator."""
    from autograder.visible import graph_numbers

    (X, Y, W, b1, _), forward, backward = examples.tied_values()
    rng = np.random.default_rng(9)
    assert np.array_equal(X, rng.standard_normal((3, 5))) and np.array_equal(Y, rng.standard_normal((3, 5)))
    assert np.array_equal(W, rng.standard_normal((3, 3)) / np.sqrt(3))
    A1, cache1 = reference.layer_forward(X, W, b1, "tanh")
    assert np.allclose(forward["A1"], A1) and np.allclose(forward["Z1"], cache1[0])
    assert np.allclose(backward["dW_layer1"] + backward["dW_layer2"], backward["dW"], rtol=1e-12, atol=1e-15)
    assert not np.allclose(backward["dW_layer1"], backward["dW"])  # two real shares, neither is the whole
    assert GIVEN.read_text(encoding="utf-8") == graph_numbers.render()
