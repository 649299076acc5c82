"""A minimal reverse-mode automatic differentiation over NumPy arrays, written independently of the reference so
the reference's hand-derived backward passes can be checked to round-off (numerical gradients only reach ~1e-8).

Each Var records its parents and, for each, a function from the output's gradient to the parent's share.
"""

from __future__ import annotations

import numpy as np


def _unbroadcast(grad, shape):
    """Sum grad over the axes along which an operand of `shape` was broadcast."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


class Var:
    __array_ufunc__ = None  # make `ndarray * Var` call Var.__rmul__ instead of building an object array

    def __init__(self, value, parents=()):
        self.value = np.asarray(value, dtype=np.float64)
        self.parents = parents  # tuples (parent Var, function: output grad -> parent grad)
        self.grad = None

    # construction helpers -------------------------------------------------------------------------------
    @staticmethod
    def lift(x):
        return x if isinstance(x, Var) else Var(x)

    def __add__(self, other):
        other = Var.lift(other)
        return Var(self.value + other.value, ((self, lambda g: _unbroadcast(g, self.value.shape)),
                                              (other, lambda g: _unbroadcast(g, other.value.shape))))

    __radd__ = __add__

    def __neg__(self):
        return Var(-self.value, ((self, lambda g: -g),))

    def __sub__(self, other):
        return self + (-Var.lift(other))

    def __rsub__(self, other):
        return Var.lift(other) + (-self)

    def __mul__(self, other):
        other = Var.lift(other)
        return Var(self.value * other.value,
                   ((self, lambda g: _unbroadcast(g * other.value, self.value.shape)),
                    (other, lambda g: _unbroadcast(g * self.value, other.value.shape))))

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = Var.lift(other)
        return self * other.reciprocal()

    def __rtruediv__(self, other):
        return Var.lift(other) * self.reciprocal()

    def reciprocal(self):
        return Var(1.0 / self.value, ((self, lambda g: -g / self.value ** 2),))

    def __matmul__(self, other):
        other = Var.lift(other)
        return Var(self.value @ other.value, ((self, lambda g: g @ other.value.T), (other, lambda g: self.value.T @ g)))

    def exp(self):
        out = np.exp(self.value)
        return Var(out, ((self, lambda g: g * out),))

    def log(self):
        return Var(np.log(self.value), ((self, lambda g: g / self.value),))

    def tanh(self):
        out = np.tanh(self.value)
        return Var(out, ((self, lambda g: g * (1 - out ** 2)),))

    def relu(self):
        mask = (self.value > 0).astype(float)
        return Var(self.value * mask, ((self, lambda g: g * mask),))

    def sum(self, axis=None):
        shape = self.value.shape
        if axis is None:
            return Var(self.value.sum(), ((self, lambda g: np.broadcast_to(g, shape).copy()),))
        return Var(self.value.sum(axis=axis, keepdims=True), ((self, lambda g: np.broadcast_to(g, shape).copy()),))

    def max_const(self, axis):
        """The maximum along axis as a constant (no gradient), as used by a stable softmax."""
        return Var(self.value.max(axis=axis, keepdims=True))

    # reverse pass ---------------------------------------------------------------------------------------
    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) in seen:
                return
            seen.add(id(node))
            for parent, _ in node.parents:
                visit(parent)
            order.append(node)

        visit(self)
        for node in order:
            node.grad = np.zeros_like(node.value)
        self.grad = np.ones_like(self.value)
        for node in reversed(order):
            for parent, share in node.parents:
                parent.grad = parent.grad + share(node.grad)


def sigmoid(v):
    return 1.0 / (1.0 + (-v).exp())


def softmax(v):
    e = (v - v.max_const(axis=0)).exp()
    return e / e.sum(axis=0)


ACTIVATE = {"sigmoid": sigmoid, "relu": Var.relu, "tanh": Var.tanh, "linear": lambda v: v, "softmax": softmax}
