"""The parameter space of a likelihood: every ``Par`` of the models and data units, by name.

Models name their parameters ``"cpl.alpha"``; a data unit's scale factors are named
``"<unit>.sf"``, ``"<unit>.bf"``, ``"<unit>.rf"``. A parameter shared by several pairs (the
same model object, or the same ``Par``) appears once. Two *different* parameters with the
same name get the suffix ``@k`` (k = 1-based pair number) on the later one.
"""

from __future__ import annotations

import numpy as np

from .._superdict import SuperDict
from ..errors import ParameterError


def _model_pars(model):
    """``[(full_name, Par), ...]`` of a model; redshift only when it is not the default."""
    return list(model.params.items())


class ParameterSpace:
    """All parameters of a set of (units, model) pairs, with the free ones in order.

    Parameters
    ----------
    pairs : list of (list of DataUnit, Model)
    """

    def __init__(self, pairs):
        self.params = SuperDict()
        self._owner = {}  # id(par) -> name
        self.model_names = []  # per pair: {model_full_name: global_name}
        for k, (units, model) in enumerate(pairs, start=1):
            local = {}
            for full, par in _model_pars(model):
                local[full] = self._add(full, par, k)
            self.model_names.append(local)
            for u in units:
                for pname, par in u.par.items():
                    self._add(f"{u.name}.{pname}", par, k)
        self.refresh()

    def _add(self, name, par, k):
        if id(par) in self._owner:
            return self._owner[id(par)]
        if name in self.params:
            name = f"{name}@{k}"
        self.params[name] = par
        self._owner[id(par)] = name
        return name

    def refresh(self):
        """Re-read which parameters are free or linked (call after freezing/linking)."""
        self.free = SuperDict((k, p) for k, p in self.params.items() if p.free)
        self._free_list = list(self.free.values())
        self._linked = self._link_order([p for p in self.params.values() if p.linked])
        for p in self._linked:
            for q in p._dependencies():
                if id(q) not in self._owner:
                    raise ParameterError(
                        f"is linked to {q.name!r}, which belongs to no model or unit of this fit",
                        key=self._owner[id(p)])

    @staticmethod
    def _link_order(linked):
        """Linked parameters sorted so that each comes after those it depends on."""
        order, done = [], set()

        def visit(p):
            if id(p) in done:
                return
            for q in p.link_pars:
                if q.linked:
                    visit(q)
            done.add(id(p))
            order.append(p)

        for p in linked:
            visit(p)
        return order

    @property
    def free_names(self):
        return list(self.free)

    @property
    def nfree(self):
        return len(self._free_list)

    def values(self, theta):
        """Map free-parameter vectors ``theta (n, nfree)`` to ``{id(par): value}``.

        Free parameters get ``(n, 1)`` column views of ``theta``; linked parameters their
        derived values; others are absent (callers fall back to ``par.value``).
        """
        vals = {id(p): theta[:, j:j + 1] for j, p in enumerate(self._free_list)}
        for p in self._linked:
            vals[id(p)] = p.link_fn(*[vals[id(q)] if id(q) in vals else q.value for q in p.link_pars])
        return vals

    def as_theta(self, theta):
        """``theta`` as a float64 ``(n, nfree)`` array, checked."""
        th = np.asarray(theta, dtype=float)
        if th.ndim == 1:
            th = th[None, :]
        if th.ndim != 2 or th.shape[1] != self.nfree:
            raise ParameterError(
                f"theta must have shape (n, {self.nfree}) for free parameters "
                f"{', '.join(self.free_names)}; got {np.shape(theta)}")
        return th

    def current(self):
        """Current values of the free parameters, ``(nfree,)``."""
        return np.array([p.value for p in self._free_list], dtype=float)

    def set(self, values):
        """Set the free parameters to ``values (nfree,)``."""
        for p, v in zip(self._free_list, np.asarray(values, dtype=float).ravel()):
            p.value = float(v)

    def bounds(self):
        """``(nfree, 2)`` array of the free parameters' bounds."""
        return np.array([p.bounds for p in self._free_list], dtype=float).reshape(-1, 2)

    def logprior(self, theta):
        """Sum of the free parameters' log prior densities, ``(n,)``; −inf out of bounds."""
        th = self.as_theta(theta)
        out = np.zeros(th.shape[0])
        for j, p in enumerate(self._free_list):
            out += np.asarray(p.logprior(th[:, j]), dtype=float)
        return out

    def logprior_grad(self, theta):
        """Gradient of `logprior` with respect to the free parameters, ``(n, nfree)``.

        Column ``j`` is ``d ln p_j / dθ_j`` of free parameter ``j``'s prior (the priors are
        independent, so the gradient is the vector of their derivatives), in 1 / (units of
        θ_j); ``nan`` where the row is outside that parameter's bounds. Linked parameters
        carry no prior of their own (`logprior` sums the free ones only).
        """
        th = self.as_theta(theta)
        out = np.empty_like(th)
        for j, p in enumerate(self._free_list):
            out[:, j] = p.prior.dlogpdf(th[:, j])
        lo, hi = self.bounds().T
        return np.where((th >= lo) & (th <= hi), out, np.nan)
