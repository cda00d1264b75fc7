"""Forward-mode derivatives of node values: the rules that compose them.

A derivative triple ``(value, grads, unknown)`` describes one node of an expression at the
energies ``E``:

``value``
    N(E) (or a factor, or an antiderivative), a scalar or an array broadcastable to
    ``(n, m)``.
``grads``
    ``{(id(component), i): ∂value/∂p_i}`` for the component parameters it depends on and
    whose derivative is known in closed form (arrays broadcastable to ``(n, m)``).
``unknown``
    The keys whose derivative is *not* known (a component without ``evaluate_grad``, the
    parameter of a convolution without one). The caller differentiates those numerically.

The sum, product and quotient rules below combine two triples; a key unknown on either
side stays unknown (its known part alone would be wrong).
"""

from __future__ import annotations

__all__ = ["plus", "minus", "times", "divide", "leaf", "opaque"]


def leaf(component, value, partials):
    """Triple of a component given its value and per-parameter partials (None: no
    dependence)."""
    cid = id(component)
    return value, {(cid, i): d for i, d in enumerate(partials) if d is not None}, frozenset()


def opaque(component_list, value):
    """Triple of a subtree whose parameter derivatives are all unknown."""
    keys = frozenset((id(c), i) for c in component_list for i in range(len(c._pars)))
    return value, {}, keys


def plus(a, b, sign=1.0):
    va, ga, ua = a
    vb, gb, ub = b
    g = dict(ga)
    for k, d in gb.items():
        g[k] = g[k] + sign * d if k in g else sign * d
    return va + sign * vb, g, ua | ub


def minus(a, b):
    return plus(a, b, -1.0)


def times(a, b):
    """Product rule: ``(ab)' = a' b + a b'``."""
    va, ga, ua = a
    vb, gb, ub = b
    g = {k: d * vb for k, d in ga.items()}
    for k, d in gb.items():
        g[k] = g[k] + va * d if k in g else va * d
    return va * vb, g, ua | ub


def divide(a, b):
    """Quotient rule: ``(a/b)' = a'/b − (a/b) b'/b``."""
    va, ga, ua = a
    vb, gb, ub = b
    inv = 1.0 / vb
    q = va * inv
    g = {k: d * inv for k, d in ga.items()}
    for k, d in gb.items():
        t = -q * d * inv
        g[k] = g[k] + t if k in g else t
    return q, g, ua | ub
