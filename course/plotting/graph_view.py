"""A computational graph, drawn step by step: the forward pass node by node, then the backward pass.

The view only arranges and formats numbers it is given. Every forward value, every gradient and every factor of a
"local derivative × upstream gradient" product comes from the caller (the student's own functions, or numbers
written in the notebook); nothing here evaluates an activation, a derivative or a product. The builders of the
notebooks' graphs are in `course.plotting.graphs`.

Step 0 shows the graph with its given inputs; step k adds the k-th event: first the forward events (a node gets
its value), then the backward events (a node or an edge gets its gradient, with the product that formed it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ._pyplot import plt

__all__ = ["Backward", "ComputationalGraph", "Forward", "Node", "format_value", "plot_graph", "step_through"]

_FACE = {"input": "#e8f0fb", "param": "#fdf1dc", "op": "#ffffff", "cost": "#f3e6f7", "cache": "#f2f2f2"}
_GRAD = "tab:red"


@dataclass
class Node:
    """One node of the graph.

    Args:
        name: its key (also the gid of its texts in the figure: "value:<name>", "grad:<name>").
        label: what the figure writes in it, e.g. "z" or "W¹".
        xy: its position (x, y) in the figure's own units.
        value: its forward value: a number or an array, as given; None when it has none to show.
        kind: "input" and "param" nodes are given (shown from step 0); "op", "cost", "cache" get their value from
            a Forward event.
    """

    name: str
    label: str
    xy: tuple
    value: object = None
    kind: str = "op"

    @property
    def given(self):
        return self.kind in ("input", "param")


@dataclass
class Forward:
    """A forward event: node `node` gets its value. `equation` is how it is computed (text, e.g. "z = wᵀx + b");
    `edges` are the (source, destination) edges that carry the values into it."""

    node: str
    equation: str
    edges: tuple = ()


@dataclass
class Backward:
    """A backward event: a node or an edge gets its gradient.

    Args:
        target: a node's name, or an edge (source, destination) for the gradient of a weight on that edge.
        label: the gradient's name, e.g. "dz".
        grad: its value, as given (a number or an array).
        equation: the symbolic product that formed it, e.g. "σ'(z) × dy" (empty for a given starting gradient).
        terms: the numbers of that product as given: a tuple of terms, each a tuple of factors; several terms are
            written as a sum ("w₁₁ dz₁ + w₂₁ dz₂"). The view writes them next to the gradient; it never multiplies.
        edges: the edges the gradient flows back along (highlighted in the step).
        at: where on an edge target the text sits (0 = source, 1 = destination).
    """

    target: object
    label: str
    grad: object
    equation: str = ""
    terms: tuple = ()
    edges: tuple = ()
    at: float = 0.5


@dataclass
class ComputationalGraph:
    """Nodes, edges and the ordered events of one forward and backward pass.

    Args:
        title: the figure's title.
        nodes: the nodes (Node), any order.
        edges: (source, destination) pairs of node names.
        forward: Forward events in the order the forward pass fires them.
        backward: Backward events in the order the backward pass fires them.
        edge_labels: {edge: text} written on an edge from the start (e.g. a weight's name and value), or
            {edge: (text, at)} to place it at a fraction `at` of the way from source to destination.
    """

    title: str
    nodes: list
    edges: list
    forward: list
    backward: list
    edge_labels: dict = field(default_factory=dict)

    def __post_init__(self):
        self.by_name = {node.name: node for node in self.nodes}
        for event in self.forward:
            if event.node not in self.by_name:
                raise ValueError(f"forward event for an unknown node {event.node!r}")
        for src, dst in self.edges:
            if src not in self.by_name or dst not in self.by_name:
                raise ValueError(f"edge ({src!r}, {dst!r}) joins a node the graph does not have")

    @property
    def n_steps(self):
        """How many steps there are: step 0 (the given inputs) plus one per forward and backward event."""
        return 1 + len(self.forward) + len(self.backward)

    def shown(self, step=None):
        """What the figure shows at a step.

        Args:
            step: 0..n_steps - 1, or None for the last step (everything).
        Returns:
            (forward, backward): the lists of Forward and Backward events that have fired.
        """
        step = self.n_steps - 1 if step is None else int(step)
        if not 0 <= step < self.n_steps:
            raise ValueError(f"step must be between 0 and {self.n_steps - 1}, not {step}")
        n_forward = min(step, len(self.forward))
        return self.forward[:n_forward], self.backward[:max(0, step - len(self.forward))]

    def caption(self, step=None):
        """The text of the step: which pass, which event, its equation."""
        step = self.n_steps - 1 if step is None else int(step)
        if step == 0:
            return "the given inputs and parameters"
        if step <= len(self.forward):
            event = self.forward[step - 1]
            return f"forward {step}/{len(self.forward)}: {event.equation}"
        k = step - len(self.forward)
        event = self.backward[k - 1]
        equation = f" = {event.equation}" if event.equation else " (given)"
        return f"backward {k}/{len(self.backward)}: {event.label}{equation}"


def _number(x):
    x = float(x) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{x:.4g}"


def format_value(value, rows=3, cols=3):
    """A number or an array as short text: a number with 4 significant digits; an array's first rows and columns
    (with "…" for the rest) and its shape.

    Args:
        value: a number, or an array of any shape (more than 2 dimensions are flattened to a row); a str is
            returned as it is.
        rows, cols: how many rows and columns of an array to write.
    Returns:
        the text (str).
    """
    if isinstance(value, str):
        return value
    array = np.asarray(value, dtype=float)
    if array.size == 1:
        return _number(array.reshape(-1)[0])
    shape = "×".join(str(n) for n in array.shape)
    if array.ndim != 2:
        array = array.reshape(1, -1)
    lines = []
    for row in array[:rows]:
        entries = ", ".join(_number(v) for v in row[:cols]) + (", …" if row.size > cols else "")
        lines.append(f"[{entries}]")
    if array.shape[0] > rows:
        lines.append("…")
    if len(lines) == 1:
        return f"{lines[0]}\n({shape})"
    return "\n".join(lines) + f"  ({shape})"


def _terms_text(terms):
    """The numbers of a product or sum of products, as given: "0.1966 × 1" or "0.5 × 0 + 1.5 × -1.3"."""
    def factor(value):
        text = format_value(value, rows=1, cols=2).split("\n")[0]  # an array: the start of its first row
        return f"({text})" if text.startswith("-") and len(terms) > 1 else text
    return " + ".join(" × ".join(factor(v) for v in term) for term in terms)


def _midpoint(graph, edge, at):
    (x0, y0), (x1, y1) = graph.by_name[edge[0]].xy, graph.by_name[edge[1]].xy
    return x0 + at * (x1 - x0), y0 + at * (y1 - y0)


def plot_graph(graph, step=None, ax=None):
    """Draw the graph as it stands at a step (a static figure: for nbconvert, feedback pages, no widgets).

    Args:
        graph: a ComputationalGraph.
        step: 0..graph.n_steps - 1, or None for the whole forward and backward pass.
        ax: an existing matplotlib Axes to draw into; None makes a new figure.
    Returns:
        the matplotlib Figure.
    """
    forward, backward = graph.shown(step)
    xs = [node.xy[0] for node in graph.nodes]
    ys = [node.xy[1] for node in graph.nodes]
    if ax is None:
        width = max(6.0, 1.6 * (max(xs) - min(xs) + 1.8))
        height = max(3.5, 1.2 * (max(ys) - min(ys) + 2.0))
        _, ax = plt.subplots(figsize=(width, height))
    fig = ax.figure
    ax.set_xlim(min(xs) - 0.9, max(xs) + 0.9)
    ax.set_ylim(min(ys) - 1.3, max(ys) + 0.7)
    ax.axis("off")

    valued = {event.node for event in forward}
    latest = (forward + backward)[-1] if forward or backward else None
    flowing = set(backward[-1].edges) if backward and latest is backward[-1] else set()
    firing = set(forward[-1].edges) if forward and latest is forward[-1] else set()
    for edge in graph.edges:
        src, dst = (graph.by_name[n] for n in edge)
        color, width = ("black", 0.9)
        if edge in firing:
            color, width = ("tab:blue", 2.4)
        if edge in flowing:
            color, width = (_GRAD, 2.4)
        style = "--" if "cache" in (src.kind, dst.kind) else "-"
        ax.annotate("", xy=dst.xy, xytext=src.xy, arrowprops={"arrowstyle": "-|>", "color": color, "lw": width,
                                                                  "linestyle": style, "shrinkA": 24, "shrinkB": 24})
        if edge in graph.edge_labels:
            label = graph.edge_labels[edge]
            text, at = label if isinstance(label, tuple) else (label, 0.5)
            x, y = _midpoint(graph, edge, at)
            ax.text(x, y + 0.08, text, fontsize=8, ha="center", va="bottom", color="dimgray",
                    gid=f"edge:{edge[0]}>{edge[1]}")

    for node in graph.nodes:
        shows = node.given or node.name in valued
        value = format_value(node.value) if shows and node.value is not None else ""
        current = latest is not None and isinstance(latest, Forward) and latest.node == node.name
        ax.text(*node.xy, node.label, ha="center", va="center", fontsize=11, fontweight="bold",
                bbox={"boxstyle": "round,pad=0.5", "fc": _FACE.get(node.kind, "white"),
                          "ec": "tab:blue" if current else "black", "lw": 2.4 if current else 1.0}, gid=f"node:{node.name}")
        if value:
            ax.text(node.xy[0], node.xy[1] - 0.3, value, ha="center", va="top", fontsize=8, family="monospace",
                    gid=f"value:{node.name}")

    line = 0.17  # the height of a line of small text, in the figure's units
    below = {}  # where the next text under a node or on an edge goes
    for event in backward:
        current = event is latest
        if isinstance(event.target, tuple):
            x, y = _midpoint(graph, event.target, event.at)
            y = below.get(event.target, y - 0.12)
            gid = f"{event.target[0]}>{event.target[1]}"
        else:
            node = graph.by_name[event.target]
            x, y = node.xy
            shown = node.value is not None and (node.given or node.name in valued)
            y = below.get(event.target, y - 0.35 - (line * (format_value(node.value).count("\n") + 1) if shown else 0))
            gid = event.target
        value = format_value(event.grad)
        text = f"{event.label} = {value}" if "\n" not in value else f"{event.label} =\n{value}"
        ax.text(x, y, text, ha="center", va="top", fontsize=8, color=_GRAD, family="monospace", gid=f"grad:{gid}",
                bbox={"boxstyle": "round,pad=0.2", "fc": "#fff4f4", "ec": _GRAD if current else "none"})
        y -= line * (text.count("\n") + 1) + 0.1
        if event.equation and event.terms:
            ax.text(x, y, f"= {event.equation}\n= {_terms_text(event.terms)}", ha="center", va="top", fontsize=7,
                    color="darkred", gid=f"product:{gid}")
            y -= 2 * line + 0.05
        below[event.target] = y - 0.05

    ax.set_title(f"{graph.title}\nstep {graph.n_steps - 1 if step is None else step}/{graph.n_steps - 1}: "
                 f"{graph.caption(step)}", fontsize=10)
    return fig


def _widgets_wanted():
    """Widgets need a live JupyterLab: not while nbgrader or nbconvert runs the notebook, not without ipywidgets."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def step_through(graph, step=0, static=None):
    """Show the graph in a notebook with controls that advance it one event at a time (ipywidgets); where widgets
    are not available show the static figure of every step instead.

    Widgets need a live JupyterLab. They are left out on their own while nbgrader runs the notebook (autograde,
    so feedback pages get the figure) and when ipywidgets is not installed; for a notebook executed by nbconvert
    pass static=True (or call plot_graph).

    Args:
        graph: a ComputationalGraph.
        step: the step shown first (0..graph.n_steps - 1); with static=True the step drawn, None for all of them.
        static: True for the static figure, False for the widgets, None to choose as above.
    Returns:
        the ipywidgets box (already displayed), or None when the static figure was shown instead.
    """
    from IPython.display import display

    if static or (static is None and not _widgets_wanted()):
        display(plot_graph(graph, step if static else None))
        plt.close("all")
        return None
    import ipywidgets as widgets

    slider = widgets.IntSlider(value=step, min=0, max=graph.n_steps - 1, description="step",
                               continuous_update=False, layout=widgets.Layout(width="420px"))
    back = widgets.Button(description="◀ back", layout=widgets.Layout(width="90px"))
    ahead = widgets.Button(description="next ▶", layout=widgets.Layout(width="90px"))
    caption = widgets.Label()
    caption.add_class("graph-caption")
    out = widgets.Output()

    def draw(change=None):
        caption.value = graph.caption(slider.value)
        with out:
            out.clear_output(wait=True)
            fig = plot_graph(graph, slider.value)
            display(fig)
            plt.close(fig)

    back.on_click(lambda _: setattr(slider, "value", max(slider.min, slider.value - 1)))
    ahead.on_click(lambda _: setattr(slider, "value", min(slider.max, slider.value + 1)))
    slider.observe(draw, names="value")
    box = widgets.VBox([widgets.HBox([back, slider, ahead]), caption, out])
    draw()
    display(box)
    return box
