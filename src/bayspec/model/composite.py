"""``CompositeModel``: expressions of components built with ``+ - * /``, numbers and
convolutions.

Kind rules (``kind`` of the result):

=====================  ==========================================================
``A + A``, ``A - A``   additive
``M + M``, ``M - M``   multiplicative; numbers may be added to multiplicative terms
``M * A``, ``A * M``   additive
``M * M``              multiplicative
``A * A``              additive (a plain product: units are N(E)², use knowingly)
``x / M``, ``x / c``   kind of ``x`` (c a number)
``A / A``              multiplicative (a dimensionless ratio)
``c * x``              kind of ``x``
``conv(x)``            kind of ``x``
=====================  ==========================================================

Adding a multiplicative term to an additive one (or a number to an additive model) is a
``ModelError``; so is using an un-applied convolution in arithmetic.

Components keep their identity: a component appearing twice (``p + p``) is one component.
Distinct components with the same name are suffixed in expression order: ``pl``, ``pl_2``.
"""

from __future__ import annotations

import numbers

import numpy as np

from ..errors import ModelError
from . import _derivs
from .base import Model
from .component import Component, Convolution

__all__ = ["CompositeModel", "combine", "convolve"]

_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


class _Number:
    """A numeric constant inside an expression (no parameters)."""

    kind = "number"

    def __init__(self, value: float):
        self.value = float(value)

    def _leaves(self):
        return []

    def _density(self, E, args, t):
        return self.value

    def _density_grad(self, E, args, t):
        return self.value, {}, frozenset()

    def _exact(self):
        return True

    def _expr(self, names):
        return f"{self.value:g}"


def _operand(x):
    if isinstance(x, Model):
        if x.kind == "convolution" and isinstance(x, Component):
            raise ModelError(f"{x.name} is a convolution: apply it to a model ({x.name}(model)) before arithmetic")
        r = x.redshift
        if not (r.frozen and not r.linked and r.value == 0.0):
            raise ModelError(
                f"{x.expr} has its own redshift; set the redshift on the full expression, or use zshift(...)")
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, bool):
        if not np.isfinite(x):
            raise ModelError(f"numbers in expressions must be finite, got {x}")
        return _Number(x)
    raise ModelError(f"cannot combine a model with {type(x).__name__}")


def _result_kind(op, a, b) -> str:
    ka, kb = a.kind, b.kind
    if op in "+-":
        if ka == kb == "number":
            raise ModelError("an expression needs at least one component")
        kinds = {ka, kb} - {"number"}
        if len(kinds) > 1:
            raise ModelError(f"cannot {'add' if op == '+' else 'subtract'} {ka} and {kb} terms")
        k = kinds.pop()
        if "number" in (ka, kb) and k == "additive":
            raise ModelError("cannot add a number to an additive model; use const() for a constant spectrum")
        return k
    if op == "*":
        kinds = [k for k in (ka, kb) if k != "number"]
        return "additive" if "additive" in kinds else (kinds[0] if kinds else "number")
    # division
    if kb == "additive":
        if ka == "additive":
            return "multiplicative"
        raise ModelError(f"cannot divide a {ka} term by an additive model")
    return ka if ka != "number" else kb


def combine(op: str, a, b) -> CompositeModel:
    """Build ``a op b`` (op one of ``+ - * /``), numbers allowed on either side."""
    a, b = _operand(a), _operand(b)
    return CompositeModel(op, a, b, _result_kind(op, a, b))


def convolve(conv: Convolution, inner) -> CompositeModel:
    """Apply convolution component ``conv`` to model ``inner``."""
    inner = _operand(inner)
    if not isinstance(inner, Model):
        raise ModelError(f"{conv.name} needs a model, not a number")
    return CompositeModel("conv", conv, inner, inner.kind)


def _unique_names(leaves) -> dict:
    """``id(component) -> name``: own names, suffixed ``_2``, ``_3`` ... on repeats."""
    names, count = {}, {}
    used = {c.name for c in leaves}
    for c in leaves:
        base = c.name
        count[base] = count.get(base, 0) + 1
        if count[base] == 1:
            names[id(c)] = base
        else:
            k = count[base]
            while f"{base}_{k}" in used:
                k += 1
            names[id(c)] = f"{base}_{k}"
            used.add(names[id(c)])
    return names


class CompositeModel(Model):
    """A node of a model expression: ``left op right`` or ``conv(inner)``.

    Built by the operators and by calling convolution components; not usually instantiated
    directly. See the module docstring for the kind rules.
    """

    def __init__(self, op: str, left, right, kind: str):
        super().__init__()
        if kind == "number":
            raise ModelError("an expression needs at least one component")
        self.op, self.left, self.right, self.kind = op, left, right, kind
        leaves = []
        seen = set()
        for side in (left, right):
            for c in side._leaves():
                if id(c) not in seen:
                    seen.add(id(c))
                    leaves.append(c)
        self._leaf_list = leaves
        self._names = _unique_names(leaves)

    def __setstate__(self, state):
        # the names are keyed by id(component): rebuild them for the unpickled components
        self.__dict__.update(state)
        self._names = _unique_names(self._leaf_list)
        self._table_cache = None

    def _leaves(self):
        return self._leaf_list

    def _component_names(self):
        return self._names

    # ---------------------------------------------------------------- evaluation
    def _density(self, E, args, t):
        op = self.op
        if op == "conv":
            inner = self.right
            return self.left.convolve(lambda E2: inner._density(E2, args, t), E, *args[id(self.left)])
        a = self.left._density(E, args, t)
        b = self.right._density(E, args, t)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        return a / b

    def _density_grad(self, E, args, t):
        """Derivative triple of ``_density`` (`bayspec.model._derivs`)."""
        op = self.op
        if op == "conv":
            conv, inner = self.left, self.right
            if conv.convolve_grad is None:
                return _derivs.opaque(self._leaf_list, self._density(E, args, t))
            return conv.convolve_grad(lambda E2: inner._density_grad(E2, args, t), E, *args[id(conv)])
        return _RULES[op](self.left._density_grad(E, args, t), self.right._density_grad(E, args, t))

    def _antideriv_grad(self, E, args, t):
        """Derivative triple of ``_antideriv``."""
        op, lhs, r = self.op, self.left, self.right
        if op == "conv":
            if lhs.convolve_antiderivative_grad is None:
                return _derivs.opaque(self._leaf_list, self._antideriv(E, args, t))
            return lhs.convolve_antiderivative_grad(lambda E2: r._antideriv_grad(E2, args, t), E,
                                                    *args[id(lhs)])
        if op in "+-":
            return _RULES[op](lhs._antideriv_grad(E, args, t), r._antideriv_grad(E, args, t))
        if op == "*":
            if lhs.kind == "additive":
                return _derivs.times(lhs._antideriv_grad(E, args, t), r._density_grad(E, args, t))
            return _derivs.times(lhs._density_grad(E, args, t), r._antideriv_grad(E, args, t))
        return _derivs.divide(lhs._antideriv_grad(E, args, t), r._density_grad(E, args, t))

    def _exact(self):
        # For additive nodes: an exact antiderivative exists. For multiplicative nodes and
        # numbers: the factor does not depend on energy.
        op, lhs, r = self.op, self.left, self.right
        if op == "conv":
            if r.kind == "additive":
                return lhs.convolve_antiderivative is not None and r._exact()
            return r._exact()
        if op in "+-":
            return lhs._exact() and r._exact()
        if op == "*":
            return not (lhs.kind == "additive" and r.kind == "additive") and lhs._exact() and r._exact()
        return r.kind != "additive" and lhs._exact() and r._exact()

    def _antideriv(self, E, args, t):
        op, lhs, r = self.op, self.left, self.right
        if op == "conv":
            return lhs.convolve_antiderivative(lambda E2: r._antideriv(E2, args, t), E, *args[id(lhs)])
        if op == "+":
            return lhs._antideriv(E, args, t) + r._antideriv(E, args, t)
        if op == "-":
            return lhs._antideriv(E, args, t) - r._antideriv(E, args, t)
        if op == "*":
            if lhs.kind == "additive":
                return lhs._antideriv(E, args, t) * r._density(E, args, t)
            return lhs._density(E, args, t) * r._antideriv(E, args, t)
        return lhs._antideriv(E, args, t) / r._density(E, args, t)

    # ---------------------------------------------------------------- display
    def _expr(self, names):
        op = self.op
        if op == "conv":
            return f"{self.left._expr(names)}({self.right._expr(names)})"
        p = _PREC[op]

        def wrap(node, right_side):
            s = node._expr(names)
            if isinstance(node, CompositeModel) and node.op != "conv":
                q = _PREC[node.op]
                if q < p or (right_side and q == p and op in "-/"):
                    return f"({s})"
            elif isinstance(node, _Number) and node.value < 0:
                return f"({s})"
            return s

        return f"{wrap(self.left, False)} {op} {wrap(self.right, True)}"


_RULES = {"+": _derivs.plus, "-": _derivs.minus, "*": _derivs.times, "/": _derivs.divide}
