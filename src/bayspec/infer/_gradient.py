"""Gradient of the likelihood kernel's statistic with respect to the free parameters.

For unit ``u`` with predicted counts ``c_u = s_u · F_u v`` (``v`` the model's node values,
``F_u`` its linear fold, ``s_u = sf · rf``) and statistic ``L_u(c_u)``, the chain rule gives

    ∂L/∂θ_j = Σ_u w_u Σ_k ∂L_u/∂c_uk · ∂c_uk/∂θ_j,
    ∂c_u/∂θ_j = s_u F_u ∂v/∂θ_j        (model parameters, links included)
              = c_u / s_j               (a free source or response scale factor).

``∂L_u/∂c`` comes from `bayspec.stat.gradient` (exact, the profiled backgrounds by the
envelope theorem) and the fold is linear, so the only derivative that can be approximate
is ``∂v/∂θ``. `Model.node_grad` gives it in closed form for every component with
``evaluate_grad`` (the library's), composed through sums, products, quotients and
convolutions; for the parameters it cannot (user components without ``evaluate_grad``, a
free model redshift, convolution parameters without a closed form) it is a central
difference of the node values, all perturbed vectors in one batched model call, with the
step ``1e-6 · max(1, |θ_j|)`` (truncation error ~1e-12 relative for smooth models). The
background scale factor ``bf``, when free, is differentiated the same way through the
statistic.
"""

from __future__ import annotations

import numpy as np

from ..data.fold import grad_with_factor, stat_with_factor

__all__ = ["evaluate_and_grad"]

#: Relative step of the central differences of node values.
REL_STEP = 1e-6


def _model_columns(group, space):
    """Indices of the free parameters that change this model's node values."""
    ids = {id(p) for p in group.model.params.values()}
    for p in list(group.model.params.values()):
        if p.linked:
            ids.update(id(q) for q in p._dependencies())
    return [j for j, p in enumerate(space._free_list) if id(p) in ids]


def _node_derivatives(group, space, th, cols):
    """``(v (n, m), dv (len(cols), n, m))``: node values and their θ-derivatives.

    Closed forms from ``model.node_grad`` where the components give them (through links by
    the chain rule, the link's own derivative by differences); central differences of
    the node values, all perturbed vectors in one batched model call, for the rest.
    """
    model, plan = group.model, group.plan
    vals = space.values(th)
    v, grads, unknown = model.node_grad(plan, group.pvals(vals))
    if not cols:
        return v, np.zeros((0,) + v.shape)
    free = space._free_list
    name_of = {id(p): full for full, p in model.params.items()}
    linked = [(full, p) for full, p in model.params.items() if p.linked]
    col_of = {id(free[j]): j for j in cols}
    dv = np.zeros((len(cols),) + v.shape)
    numeric = []
    for i, j in enumerate(cols):
        full = name_of.get(id(free[j]))
        if full is not None:
            if full in unknown:
                numeric.append(i)
                continue
            if full in grads:
                dv[i] += grads[full]
    for full, q in linked:
        deps = [col_of[id(d)] for d in q._dependencies() if id(d) in col_of]
        if not deps:
            continue
        if full in unknown:
            numeric.extend(cols.index(j) for j in deps)
            continue
        if full not in grads:
            continue
        for j, d in _link_derivatives(space, th, q, {id(free[j]): j for j in deps}).items():
            dv[cols.index(j)] += grads[full] * d[:, None]
    numeric = sorted(set(numeric))
    if numeric:
        dv[numeric] = _numeric_node_derivatives(group, space, th, [cols[i] for i in numeric])
    return v, dv


def _numeric_node_derivatives(group, space, th, cols):
    """Central differences of the node values for columns ``cols``: ``(len(cols), n, m)``."""
    model, plan = group.model, group.plan
    n, p = th.shape
    h = REL_STEP * np.maximum(1.0, np.abs(th[:, cols]))  # (n, c)
    c = len(cols)
    T = np.repeat(th[None, :, :], 2 * c, axis=0)  # (2c, n, p)
    for i, j in enumerate(cols):
        T[i, :, j] += h[:, i]
        T[c + i, :, j] -= h[:, i]
    T = T.reshape(2 * c * n, p)
    V = model.node_values(plan, group.pvals(space.values(T))).reshape(2 * c, n, -1)
    return (V[:c] - V[c:]) / (2.0 * h.T[:, :, None])


def evaluate_and_grad(lik, theta):
    """Total statistic ``(n,)`` and its gradient ``(n, nfree)`` for ``theta (n, nfree)``.

    Per model: one forward pass (node values → counts → statistic and ∂stat/∂counts), one
    backward pass through each unit's fold (``fold.backward``: the transposed matrix, one
    matmul), then the node-value derivatives contracted with the node-space gradient —
    two matmuls per unit whatever the number of parameters.
    """
    lik.sync()
    space = lik.space
    th = space.as_theta(theta)
    n, p = th.shape
    vals = space.values(th)
    free = space._free_list
    col_of = {id(q): j for j, q in enumerate(free)}
    total = np.zeros(n)
    grad = np.zeros((n, p))
    for g in lik._groups:
        cols = _model_columns(g, space)
        v, dv = _node_derivatives(g, space, th, cols)
        gv = np.zeros_like(v)  # ∂L/∂v over the group's nodes
        for t in g.terms:
            fold = t.fold
            counts = fold.scale(fold.counts(v[:, t.a:t.b]), vals)
            f = fold.bkg_factor(vals)
            stat = fold.stat(counts, vals) if t.S is fold.S else t.stat(counts, vals)
            total += stat.sum(axis=1) * t.weight
            dL = _stat_grad(t, fold, counts, f) * t.weight  # (n, k)
            if cols:
                gv[:, t.a:t.b] += fold.backward(fold.scale(dL, vals))
            for q in fold.scale_pars:
                j = col_of.get(id(q))
                if j is not None:
                    grad[:, j] += (dL * counts).sum(axis=1) / th[:, j]
                elif q.linked:
                    qv = np.ravel(vals[id(q)]) if id(q) in vals else np.full(n, q.value)
                    dcq = (dL * counts).sum(axis=1) / qv
                    for jj, d in _link_derivatives(space, th, q, col_of).items():
                        grad[:, jj] += dcq * d
            j = col_of.get(id(fold.bkg_par)) if fold.bkg_par is not None else None
            if j is not None:
                grad[:, j] += _bkg_factor_grad(t, counts, th[:, j]) * t.weight
        if cols:
            grad[:, cols] += np.einsum("nm,cnm->nc", gv, dv)
    return total, grad


def _link_derivatives(space, th, q, col_of):
    """``{j: ∂q/∂θ_j (n,)}`` of a linked parameter ``q`` by central differences of its
    link (through `ParameterSpace.values`, so chains of links are followed)."""
    out = {}
    for dep in q._dependencies():
        j = col_of.get(id(dep))
        if j is None:
            continue
        h = REL_STEP * np.maximum(1.0, np.abs(th[:, j]))
        up, dn = th.copy(), th.copy()
        up[:, j] += h
        dn[:, j] -= h
        out[j] = (np.ravel(space.values(up)[id(q)]) - np.ravel(space.values(dn)[id(q)])) / (2 * h)
    return out


def _stat_grad(term, fold, counts, f):
    """∂stat/∂counts with the term's (possibly replaced) data and background factor."""
    if term.S is fold.S and term.B is fold.B:
        return fold.stat_grad(counts, None if np.ndim(f) == 0 and f == 1.0 else
                              {id(fold.bkg_par): f})
    return grad_with_factor(term.func, term.S, term.B, counts, term.ts, term.tb, f, term.sS,
                            term.sB)


def _bkg_factor_grad(term, counts, f):
    """∂stat/∂bf by central differences through the statistic's data terms (one row per
    parameter vector: ``bf`` changes the data terms)."""
    f = np.ravel(f)
    h = REL_STEP * np.maximum(1.0, np.abs(f))
    up = stat_with_factor(term.func, term.S, term.B, counts, term.ts, term.tb, (f + h)[:, None],
                          term.sS, term.sB).sum(axis=1)
    dn = stat_with_factor(term.func, term.S, term.B, counts, term.ts, term.tb, (f - h)[:, None],
                          term.sS, term.sB).sum(axis=1)
    return (up - dn) / (2.0 * h)
