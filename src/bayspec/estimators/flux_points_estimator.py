"""`FluxPointsEstimator`: forward-folded flux points (likelihood SED) over energy bins.

For each energy bin the reference model (its parameters at the global best fit) is scaled
by a normalisation ``norm`` (a multiplicative constant ``mconst`` put in front of the model,
shared by every (data, model) pair) and only the noticed groups of each unit whose centre
``sqrt(lo hi)`` lies in the bin enter the statistic; units with no such group are skipped.
Other free parameters stay frozen at their current values or, with ``reoptimize=True``,
are re-fitted at every norm (additive normalisations ``*.K`` stay frozen: they are
degenerate with ``norm``). The statistic of a bin is the sum of the per-group statistics,
so one kernel evaluation of ``theta (ngrid, nfree)`` gives the whole norm scan.

Norm errors come from the profile (Δstat = n_sigma², asymmetric via brentq), the upper
limit from Δstat = n_sigma_ul², ``TS = stat(norm = 0) − stat(best)``.

References
----------
Gamma Astro Data Format, "Flux points" (likelihood SED type),
https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..infer import Likelihood
from ..infer.pairs import as_pairs
from ..model import MultConstant
from ..parameter import Uniform
from . import _fit
from ._profile import profile_norm
from .flux_points import FluxPoints
from .flux_result import energy_quantity

__all__ = ["FluxPointsEstimator"]

_NAN_ROW = {"norm": np.nan, "norm_err": np.nan, "norm_errp": np.nan, "norm_errn": np.nan,
            "norm_ul": np.nan, "ts": np.nan, "sqrt_ts": np.nan, "npred": np.nan}


@contextlib.contextmanager
def _keep_state(params):
    """Restore frozen flags and values of ``params`` on exit."""
    saved = [(p, p.frozen, p.value) for p in params if not p.linked]
    try:
        yield
    finally:
        for p, fr, v in saved:
            p.frozen = fr
            p.value = v


class _BinStat:
    """Statistic of one energy bin as a function of the free parameters (batched)."""

    def __init__(self, lik, masks):
        self.lik, self.masks = lik, masks

    def __call__(self, theta):
        per = self.lik.stat_channels(np.atleast_2d(theta))
        tot = 0.0
        for name, m in self.masks.items():
            tot = tot + per[name][:, m].sum(axis=1)
        return np.asarray(tot, dtype=float)

    def counts(self):
        return float(sum(np.asarray(u.src_counts)[self.masks[u.name]].sum()
                         for u in self.lik.units if u.name in self.masks))

    def npred(self, theta):
        pc = self.lik.predicted_counts(np.atleast_2d(theta))
        return float(sum(pc[n][0, m].sum() for n, m in self.masks.items()))


class FluxPointsEstimator:
    """Flux points by forward folding a reference model in energy bins.

    Parameters
    ----------
    energy_edges : Quantity or array (nbin + 1,)
        Bin edges (plain numbers in keV).
    reoptimize : bool
        Re-fit the other free parameters at every norm (default False: frozen).
    n_sigma : float
        Error level (Δstat = n_sigma²).
    n_sigma_ul : float
        Upper-limit level (Δstat = n_sigma_ul²; 2 → ~97.7 % one-sided).
    selection_optional : tuple of str
        ``"ul"`` (upper limits) and/or ``"scan"`` (stat scan); ``"all"`` for both.
    norm_scan : array, optional
        Norm values of the scan (default ``geomspace(0.2, 5, 21)``).
    ts_threshold_ul : float
        TS below which points are drawn as upper limits (default 4).
    """

    def __init__(self, energy_edges, reoptimize=False, n_sigma=1.0, n_sigma_ul=2.0,
                 selection_optional=("ul", "scan"), norm_scan=None, ts_threshold_ul=4.0):
        self.energy_edges = energy_quantity(energy_edges)
        if self.energy_edges.ndim != 1 or self.energy_edges.size < 2:
            raise ValueError("energy_edges needs at least two values")
        if np.any(np.diff(self.energy_edges.to_value("keV")) <= 0):
            raise ValueError("energy_edges must increase")
        self.reoptimize = bool(reoptimize)
        self.n_sigma, self.n_sigma_ul = float(n_sigma), float(n_sigma_ul)
        sel = selection_optional
        self.selection_optional = ("ul", "scan") if sel == "all" else tuple(sel or ())
        self.norm_scan = np.geomspace(0.2, 5.0, 21) if norm_scan is None else np.asarray(norm_scan, float)
        self.ts_threshold_ul = ts_threshold_ul

    # ------------------------------------------------------------------ helpers
    def _masks(self, lik):
        edges = self.energy_edges.to_value("keV")
        out = [dict() for _ in range(edges.size - 1)]
        for unit in lik.units:
            ch = np.asarray(unit.rsp_chbin, dtype=float)
            c = np.sqrt(ch[:, 0] * ch[:, 1])
            idx = np.searchsorted(edges, c, side="right") - 1
            for b in range(edges.size - 1):
                m = idx == b
                if m.any():
                    out[b][unit.name] = m
        return out

    def _estimate_bin(self, lik, masks, jnorm, nuis, logm):
        fun = _BinStat(lik, masks)
        x0 = lik.space.current()
        bounds = lik.space.bounds()
        if not nuis:
            def prof(norms):
                th = np.repeat(x0[None, :], np.size(norms), axis=0)
                th[:, jnorm] = norms
                return fun(th)
            grid = None
        else:
            def prof(norms):
                out = np.empty(np.size(norms))
                start = x0.copy()
                for i, n in enumerate(np.atleast_1d(norms)):
                    r = _fit.fit_function(fun, start, bounds, logm, fixed={jnorm: float(n)},
                                          errors=False)
                    out[i] = r.stat
                return out
            grid = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, 37)])
        scan = self.norm_scan if "scan" in self.selection_optional else None
        res = profile_norm(prof, self.n_sigma, self.n_sigma_ul, scan=scan,
                           ul="ul" in self.selection_optional, grid=grid)
        th = x0.copy()
        th[jnorm] = res["norm"]
        if nuis:
            th = _fit.fit_function(fun, th, bounds, logm, fixed={jnorm: res["norm"]},
                                   errors=False).values
        res["npred"] = fun.npred(th)
        res["counts"] = fun.counts()
        return res

    # ------------------------------------------------------------------ run
    def run(self, pairs):
        """Estimate flux points.

        Parameters
        ----------
        pairs : list of (Data or DataUnit, Model), one pair, or an Infer-like object
            The models at their reference (best-fit) values. The reference model of the
            result is the first pair's model.

        Returns
        -------
        FluxPoints
        """
        pairs = as_pairs(pairs)
        ref_model = pairs[0][1]
        mc = MultConstant()
        norm = mc["f"]
        norm.prior = Uniform(0.0, 1e6)
        norm.value = 1.0
        wrapped = [(d, mc * m) for d, m in pairs]
        lik = Likelihood(wrapped)
        rows = []
        with _keep_state(lik.params.values()):
            for name, p in lik.params.items():
                if p is norm or p.linked:
                    continue
                if not self.reoptimize or name.endswith(".K") or name == "K":
                    p.frozen = True
            lik.refresh()
            names = lik.free_names
            jnorm = next(i for i, n in enumerate(names) if lik.params[n] is norm)
            nuis = [i for i in range(len(names)) if i != jnorm]
            logm = _fit.log_mask(list(lik.space.free.values()))
            for masks in self._masks(lik):
                if not masks:
                    rows.append(dict(_NAN_ROW, counts=0.0))
                    continue
                rows.append(self._estimate_bin(lik, masks, jnorm, nuis, logm))
                lik.space.set(np.where(np.arange(len(names)) == jnorm, 1.0, lik.space.current()))
        if "scan" in self.selection_optional:
            for r in rows:
                r.setdefault("norm_scan", self.norm_scan)
                r.setdefault("stat_scan", np.full(self.norm_scan.size, np.nan))
        e = self.energy_edges
        return FluxPoints.from_estimates(rows, e[:-1], e[1:], ref_model,
                                         ts_threshold_ul=self.ts_threshold_ul,
                                         meta={"ESTIMATR": "FluxPointsEstimator",
                                               "REOPTIM": self.reoptimize,
                                               "N_SIGMA": self.n_sigma,
                                               "N_SIG_UL": self.n_sigma_ul})
