"""``Likelihood``: the kernel that turns parameter vectors into fit statistics.

Built once from ``[(data, model), ...]``, it precomputes everything that does not depend on
the parameters (each unit's `bayspec.data.fold.UnitFold`): noticed, quality-filtered, grouped responses
folded with the model's integration operator and the source efficiency, and the data terms
of each unit's statistic (``bayspec.stat``'s ``prepare``). One evaluation of a batch of ``n``
free-parameter vectors then costs, per model, one evaluation of the model on the union of
its units' nodes and, per unit, one matmul, an optional scale and the statistic.

All statistics are −2 ln(likelihood ratio to the saturated model) (XSPEC convention), so the
log-likelihood up to a data-only constant is ``−stat / 2``.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from ..data.fold import plan_key, stat_with_factor
from ..errors import ModelError
from ..model.plan import IntegrationPlan
from ._params import ParameterSpace
from .pairs import as_pairs, as_units

__all__ = ["Likelihood", "as_units"]


class _UnitTerm:
    """One unit's share of an evaluation: its fold, node slice and (replaceable) data terms.

    The fold (`DataUnit.fold`) is the unit's own; the observed counts are copied here so
    that `Likelihood.replace_counts` can swap them without touching the unit or its fold.
    """

    def __init__(self, index, unit, fold, a, b):
        self.index, self.unit, self.fold, self.a, self.b = index, unit, fold, a, b
        self.name = unit.name
        self.weight = fold.weight
        self.bkg_par = fold.bkg_par
        self.func = fold.func
        self.S, self.sS, self.B, self.sB = fold.S, fold.sS, fold.B, fold.sB
        self.ts, self.tb = fold.ts, fold.tb

    def set_counts(self, S, B=None, sS=None, sB=None):
        """Replace the observed counts (same groups); the owning `_StatBatch` re-prepares."""
        S = np.asarray(S, dtype=float)
        if S.shape != self.S.shape:
            raise ModelError(f"{self.name}: source counts need shape {self.S.shape}, got {S.shape}")
        self.S = S
        if B is not None:
            if self.B is None:
                raise ModelError(f"{self.name}: this unit has no background")
            self.B = np.asarray(B, dtype=float).reshape(self.B.shape)
        if sS is not None:
            self.sS = np.asarray(sS, dtype=float).reshape(S.shape)
        if sB is not None:
            self.sB = np.asarray(sB, dtype=float).reshape(S.shape)

    def stat(self, counts, vals):
        """Per-channel statistic ``(n, k)`` with the background scale factor applied.

        Used when that factor is free or not 1 (the data terms then change with it); units
        whose factor is fixed at 1 go through their `_StatBatch`'s prepared statistic.
        """
        return stat_with_factor(self.func, self.S, self.B, counts, self.ts, self.tb,
                                self.fold.bkg_factor(vals), self.sS, self.sB)


class _StatBatch:
    """Units sharing one statistic: their channels concatenated into one statistic call.

    At a few hundred channels a statistic costs its numpy call overhead, not its
    arithmetic, so one call over all units (per-unit sums by ``np.add.reduceat``) is
    cheaper than one call per unit. A unit whose background scale factor varies or is not 1
    is evaluated on its own (its statistic terms depend on that factor).
    """

    def __init__(self, terms):
        self.terms = terms
        self.idx = np.array([t.index for t in terms])
        sizes = [t.S.size for t in terms]
        self.starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
        self.weights = np.array([t.weight for t in terms])
        self.prepare()

    def prepare(self):
        ts = self.terms
        cat = lambda xs: None if any(x is None for x in xs) else np.concatenate(  # noqa: E731
            [np.broadcast_to(np.asarray(x, dtype=float), t.S.shape) for x, t in zip(xs, ts)])
        self.prepared = ts[0].func.prepare(cat([t.S for t in ts]), cat([t.B for t in ts]),
                                           cat([t.ts for t in ts]), cat([t.tb for t in ts]),
                                           cat([t.sS for t in ts]), cat([t.sB for t in ts]))

    def plain(self, vals):
        """Whether every unit's background factor is fixed at 1 for this evaluation."""
        for t in self.terms:
            bp = t.bkg_par
            if bp is not None and (id(bp) in vals or bp.value != 1.0):
                return False
        return True


class _ModelGroup:
    """All units that share one model: one model evaluation on the union of their nodes."""

    def __init__(self, model, names):
        self.model = model
        self.names = names  # model full name -> global name
        self.terms = []
        self._blocks = []  # (nodes, tnodes, plan kind) of each distinct plan
        self._keys = {}

    def add_block(self, fold):
        """Start index of the fold's nodes in the group's node array (shared if identical)."""
        p = fold.plan
        key = (p.nodes.tobytes(), None if p.tnodes is None else p.tnodes.tobytes())
        if key in self._keys:
            return self._keys[key]
        start = sum(b[0].size for b in self._blocks)
        self._blocks.append((p.nodes, p.tnodes, p.kind))
        self._keys[key] = (start, start + p.nodes.size)
        return self._keys[key]

    def finish(self):
        nodes = np.concatenate([b[0] for b in self._blocks])
        tn = [b[1] for b in self._blocks]
        tnodes = None if all(t is None for t in tn) else np.concatenate(
            [t if t is not None else np.zeros(b[0].size) for t, b in zip(tn, self._blocks)])
        kind = self._blocks[0][2]
        dummy = sparse.csr_array((nodes.size, 1))
        self.plan = IntegrationPlan(nodes, dummy, kind, tnodes)

    def pvals(self, vals):
        """``{model full name: value}`` for the parameters with batch values."""
        return {full: vals[pid] for full, pid in self._pids if pid in vals}

    def bind(self, space):
        self._pids = [(full, id(space.params[g])) for full, g in self.names.items()]


class Likelihood:
    """Fit statistic of one or several (data, model) pairs, evaluated on batches.

    Parameters
    ----------
    pairs : list of (Data or DataUnit or list of DataUnit, Model)
        Each model predicts the source spectra of its units. Units are fitted jointly; a
        parameter shared between models (same ``Par`` object, or a link) is one parameter.

    Attributes
    ----------
    params : SuperDict
        Every parameter by name (``"cpl.alpha"``, ``"n6.sf"``), free or not.
    free_names : list of str
        Names of the free parameters, the column order of ``theta``.
    units : list of DataUnit

    Notes
    -----
    Each unit contributes its own fold (`DataUnit.fold`); the kernel stacks them. Before
    every evaluation it checks each unit's ``selection_version`` and the models'
    integration settings and rebuilds itself when one changed (:meth:`sync`), so notice,
    grouping or count changes are always seen. Freezing, thawing or linking parameters
    only needs :meth:`refresh`.
    """

    def __init__(self, pairs):
        norm = [(as_units(d), m) for d, m in as_pairs(pairs)]
        self.pairs = norm
        self.space = ParameterSpace(norm)
        self.rebuilds = 0
        self._build()

    def _state(self):
        """What the kernel was built from: each unit's selection version and fold key."""
        return [(u.selection_version, u.rsp_ins.state, plan_key(m))
                for units, m in self.pairs for u in units]

    def _build(self):
        """(Re)build the stacked folds and statistic batches from the units as they are."""
        self.units = []
        groups = {}
        for k, (units, model) in enumerate(self.pairs):
            g = groups.get(id(model))
            if g is None:
                g = groups[id(model)] = _ModelGroup(model, self.space.model_names[k])
            for u in units:
                fold = u.fold(model)
                a, b = g.add_block(fold)
                term = _UnitTerm(len(self.units), u, fold, a, b)
                g.terms.append(term)
                self.units.append(u)
        names = [u.name for u in self.units]
        if len(set(names)) != len(names):
            raise ModelError(f"unit names must be unique in a fit, got {names}")
        self._groups = list(groups.values())
        for g in self._groups:
            g.finish()
            g.bind(self.space)
        self.unit_names = names
        self._terms = sorted((t for g in self._groups for t in g.terms), key=lambda t: t.index)
        keyed = {}
        for t in self._terms:
            keyed.setdefault((t.func.stat_name, t.B is None, t.sS is None, t.sB is None), []).append(t)
        self._batches = [_StatBatch(ts) for ts in keyed.values()]
        self.npoints = int(sum(t.S.size for g in self._groups for t in g.terms))
        self._built_from = self._state()

    def sync(self) -> bool:
        """Rebuild if any unit's selection (notice, grouping, quality, counts, ...) or a
        model's integration settings changed since the kernel was built; True if it did.

        Every evaluation calls it (a comparison of a few integers per unit), so a changed
        unit is always seen. Counts swapped with `replace_counts` are dropped by a rebuild.
        """
        if self._state() == self._built_from:
            return False
        fresh = ParameterSpace(self.pairs)
        if list(fresh.params.items()) != list(self.space.params.items()):
            self.space = fresh  # a unit gained or lost a scale factor (e.g. a background)
        self._build()
        self.rebuilds += 1
        return True

    # ------------------------------------------------------------------ parameters
    @property
    def params(self):
        return self.space.params

    @property
    def free_params(self):
        return self.space.free

    @property
    def free_names(self):
        return self.space.free_names

    @property
    def nfree(self):
        return self.space.nfree

    @property
    def dof(self):
        """Degrees of freedom: noticed groups minus free parameters."""
        self.sync()
        return self.npoints - self.nfree

    def refresh(self):
        """Re-read frozen/free/linked flags of the parameters."""
        self.space.refresh()

    # ------------------------------------------------------------------ evaluation
    def _run(self, theta, per_channel=False, counts_only=False):
        self.sync()
        th = self.space.as_theta(theta)
        n = th.shape[0]
        vals = self.space.values(th)
        counts = [None] * len(self._terms)
        for g in self._groups:
            v = g.model.node_values(g.plan, g.pvals(vals))
            for t in g.terms:
                counts[t.index] = t.fold.scale(t.fold.counts(v[:, t.a:t.b]), vals)
        if counts_only:
            return {t.name: counts[t.index] for t in self._terms}
        out = {} if per_channel else np.empty((n, len(self._terms)))
        for b in self._batches:
            if b.plain(vals):
                if len(b.terms) == 1:
                    s = b.prepared(counts[b.idx[0]])
                    if per_channel:
                        out[b.terms[0].name] = s * b.weights[0]
                    else:
                        out[:, b.idx[0]] = s.sum(axis=1) * b.weights[0]
                    continue
                s = b.prepared(np.concatenate([counts[i] for i in b.idx], axis=1))
                if per_channel:
                    for t, part in zip(b.terms, np.split(s, b.starts[1:], axis=1)):
                        out[t.name] = part * t.weight
                else:
                    out[:, b.idx] = np.add.reduceat(s, b.starts, axis=1) * b.weights
                continue
            for t in b.terms:
                s = t.stat(counts[t.index], vals)
                if per_channel:
                    out[t.name] = s * t.weight
                else:
                    out[:, t.index] = s.sum(axis=1) * t.weight
        return out

    def evaluate(self, theta) -> np.ndarray:
        """Total statistic for free-parameter vectors ``theta (n, nfree)`` → ``(n,)``."""
        if len(self.units) == 1:
            return self._run(theta)[:, 0]
        return self._run(theta).sum(axis=1)

    def evaluate_and_grad(self, theta):
        """Total statistic ``(n,)`` and its gradient ``(n, nfree)`` (see
        `bayspec.infer._gradient`: exact through the statistic and the fold)."""
        from ._gradient import evaluate_and_grad

        return evaluate_and_grad(self, theta)

    def evaluate_per_unit(self, theta) -> np.ndarray:
        """Per-unit statistic ``(n, nunits)`` (columns in ``unit_names`` order)."""
        return self._run(theta)

    def replace_counts(self, unit_name, src_counts, bkg_counts=None, src_errors=None, bkg_errors=None):
        """Swap a unit's observed counts (noticed groups) without rebuilding the kernel.

        Only the statistic's data terms are re-prepared; responses and model plans are
        kept. Meant for simulations (many fake spectra through one response). The
        `DataUnit` itself is not changed.
        """
        for g in self._groups:
            for t in g.terms:
                if t.name == unit_name:
                    t.set_counts(src_counts, bkg_counts, src_errors, bkg_errors)
                    for b in self._batches:
                        if t in b.terms:
                            b.prepare()
                    return
        raise ModelError(f"no unit {unit_name!r}; units: {', '.join(self.unit_names)}")

    def stat(self) -> float:
        """Total statistic at the parameters' current values."""
        return float(self.evaluate(self.space.current()[None, :])[0])

    def stat_per_unit(self) -> dict:
        """``{unit name: statistic}`` at the current values."""
        row = self._run(self.space.current()[None, :])[0]
        return dict(zip(self.unit_names, map(float, row)))

    def stat_channels(self, theta=None) -> dict:
        """``{unit name: per-group statistic (n, k)}`` (current values when ``theta`` is None)."""
        th = self.space.current()[None, :] if theta is None else theta
        return self._run(th, per_channel=True)

    def predicted_counts(self, theta=None) -> dict:
        """``{unit name: predicted source counts (n, k)}`` in each noticed group."""
        th = self.space.current()[None, :] if theta is None else theta
        return self._run(th, counts_only=True)

    def logprior(self, theta) -> np.ndarray:
        """Sum of the free parameters' log priors, ``(n,)`` (−inf outside bounds)."""
        return self.space.logprior(theta)

    def loglike(self, theta) -> np.ndarray:
        """``−stat / 2``, ``(n,)``; −inf where a parameter is outside its bounds."""
        th = self.space.as_theta(theta)
        lo, hi = self.space.bounds().T
        ok = np.all((th >= lo) & (th <= hi), axis=1)
        out = np.full(th.shape[0], -np.inf)
        if ok.any():
            out[ok] = -0.5 * self.evaluate(th[ok])
        return out

    def logposterior(self, theta) -> np.ndarray:
        """``loglike + logprior``, ``(n,)``; the prior is evaluated first and rows with
        zero prior density skip the statistic."""
        th = self.space.as_theta(theta)
        lp = self.logprior(th)
        ok = np.isfinite(lp)
        out = np.full(th.shape[0], -np.inf)
        if ok.any():
            out[ok] = lp[ok] - 0.5 * self.evaluate(th[ok])
        return out
