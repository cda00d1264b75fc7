"""`FluxPointsEstimator`: forward-folded flux points (likelihood SED) over energy bins.

For each energy bin the reference model (its parameters at the global best fit) is scaled
by a normalisation ``norm`` (a multiplicative constant ``mconst`` put in front of the model
of every (data, model) pair) and only the noticed groups of each unit whose centre
``sqrt(lo hi)`` lies in the bin enter the statistic; units with no such group are skipped.
The statistic of a bin is the sum of the per-group statistics, so one kernel evaluation of
``theta (ngrid, nfree)`` gives the whole norm scan.

Inside a bin the reference spectral *shape* is frozen: every parameter of the reference
model (the first pair's model, and any parameter another pair's model shares with it) stays
at its reference value and only ``norm`` varies (Gamma Astro Data Format likelihood SED;
gammapy's ``FluxPointsEstimator`` does the same). With ``reoptimize=True`` the *other* free
parameters are re-fitted at every trial norm: parameters of the other pairs' models that the
reference model does not share (e.g. a cross-normalisation constant), and the units' free
scale factors (``<unit>.sf``, ``.bf``, ``.rf``). Background nuisance parameters of ``wstat``
and ``pgstat`` are profiled analytically by the statistic itself. The fits use the one
fitting driver, `bayspec.infer.mle.FitProblem`, with ``norm`` held at the trial value and the
bin's statistic as the objective.

Norm errors: ``norm_err`` from the curvature of the profile at the minimum
(``sqrt(2 / stat'')``), ``norm_errp``/``norm_errn`` from the profile (Δstat = n_sigma²,
asymmetric via brentq); the upper limit from Δstat = n_sigma_ul²;
``TS = stat(norm = 0) − stat(best)`` with ``stat``/``stat_null`` kept, ``sqrt_ts`` signed by
the norm. ``npred`` is the total predicted counts (signal + background prediction of each
unit's statistic), ``npred_excess`` the signal, ``counts`` the observed counts.

References
----------
Gamma Astro Data Format, "Flux points" (likelihood SED type),
https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/
"""

from __future__ import annotations

import contextlib

import numpy as np

from ..infer import Likelihood
from ..infer.mle import FitProblem
from ..model import MultConstant
from ..parameter import Uniform
from ._profile import profile_norm
from .base import Estimator
from .flux_points import FluxPoints

__all__ = ["FluxPointsEstimator"]

_NAN_ROW = {"norm": np.nan, "norm_err": np.nan, "norm_errp": np.nan, "norm_errn": np.nan,
            "norm_ul": np.nan, "ts": np.nan, "sqrt_ts": np.nan, "npred": np.nan,
            "npred_excess": np.nan, "stat": np.nan, "stat_null": np.nan}
#: Coarse norm grid searched for the minimum when other parameters are re-fitted.
_REOPT_GRID = np.concatenate([[0.0], np.geomspace(1e-3, 1e3, 37)])


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


def _curvature_error(prof, norm, errp, errn, n_sigma):
    """1σ error of ``norm`` from the curvature of the profile at its minimum,
    ``sqrt(2 / stat'')`` (stat = −2 ln L; the parabolic, Hessian error of MINUIT), by a
    central second difference with a step of a tenth of the profile error (one-sided at the
    ``norm = 0`` boundary). NaN when the curvature is not positive."""
    width = np.nanmean([errp, errn]) / max(float(n_sigma), 1e-12)
    h = 0.1 * width if np.isfinite(width) and width > 0 else 1e-3 * max(norm, 1e-3)
    if norm - h >= 0:
        f = prof(np.array([norm - h, norm, norm + h]))
        d2 = (f[0] - 2.0 * f[1] + f[2]) / h ** 2
    else:
        f = prof(np.array([norm, norm + h, norm + 2.0 * h]))
        d2 = (f[0] - 2.0 * f[1] + f[2]) / h ** 2
    return float(np.sqrt(2.0 / d2)) if np.isfinite(d2) and d2 > 0 else np.nan


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
        """``(total, signal)`` predicted counts in the bin at ``theta``: the signal folded
        through the responses plus each unit's background prediction for that signal
        (profiled for wstat/cstat/pgstat, ``alpha B`` otherwise; `UnitFold.background`)."""
        pc = self.lik.predicted_counts(np.atleast_2d(theta))
        signal = total = 0.0
        for units, model in self.lik.pairs:
            for u in units:
                m = self.masks.get(u.name)
                if m is None:
                    continue
                s = np.asarray(pc[u.name][0], dtype=float)
                b = np.asarray(u.fold(model).background(s), dtype=float)
                signal += float(s[m].sum())
                total += float((s + b)[m].sum())
        return total, signal


class FluxPointsEstimator(Estimator):
    """Flux points by forward folding a reference model in energy bins.

    Parameters
    ----------
    energy_edges, n_sigma, n_sigma_ul, ts_threshold_ul
        See `Estimator`.
    reoptimize : bool
        Re-fit the free parameters other than the reference shape (other models'
        parameters, unit scale factors) at every norm (default False: all frozen). The
        reference model's own parameters are frozen either way.
    selection_optional : tuple of str
        ``"ul"`` (upper limits) and/or ``"scan"`` (stat scan); ``"all"`` for both
        (default both).
    norm_scan : array, optional
        Norm values of the scan (default ``geomspace(0.2, 5, 21)``).
    """

    tag = "FluxPointsEstimator"
    default_selection = ("ul", "scan")

    def __init__(self, energy_edges, reoptimize=False, n_sigma=1.0, n_sigma_ul=2.0,
                 selection_optional=("ul", "scan"), norm_scan=None, ts_threshold_ul=4.0):
        super().__init__(energy_edges, n_sigma=n_sigma, n_sigma_ul=n_sigma_ul,
                         selection_optional=selection_optional, ts_threshold_ul=ts_threshold_ul)
        self.reoptimize = bool(reoptimize)
        self.norm_scan = np.geomspace(0.2, 5.0, 21) if norm_scan is None else np.asarray(norm_scan, float)

    def meta(self) -> dict:
        return dict(super().meta(), REOPTIM=self.reoptimize)

    # ------------------------------------------------------------------ one bin
    def _estimate_bin(self, lik, masks, norm_name):
        fun = _BinStat(lik, masks)
        x0 = lik.space.current()
        jnorm = lik.free_names.index(norm_name)
        if lik.nfree == 1:
            def prof(norms):
                th = np.repeat(x0[None, :], np.size(norms), axis=0)
                th[:, jnorm] = norms
                return fun(th)
            grid = None
            problem = None
        else:
            problem = FitProblem(lik, fixed={norm_name: 1.0}, stat=fun)
            start = problem.current()

            def prof(norms):
                out = np.empty(np.size(norms))
                for i, n in enumerate(np.atleast_1d(norms)):
                    problem.set_fixed({norm_name: float(n)})
                    out[i] = problem.fit(start, hesse=False, raise_on_failure=False).stat
                return out
            grid = _REOPT_GRID
        scan = self.norm_scan if "scan" in self.selection_optional else None
        res = profile_norm(prof, self.n_sigma, self.n_sigma_ul, scan=scan,
                           ul="ul" in self.selection_optional, grid=grid)
        th = x0.copy()
        th[jnorm] = res["norm"]
        if problem is not None:
            problem.set_fixed({norm_name: res["norm"]})
            problem.fit(start, hesse=False, raise_on_failure=False)
            th = lik.space.current()
        res["npred"], res["npred_excess"] = fun.npred(th)
        res["counts"] = fun.counts()
        res["norm_err"] = _curvature_error(prof, res["norm"], res["norm_errp"],
                                           res["norm_errn"], self.n_sigma)
        res["sqrt_ts"] = float(np.sign(res["norm"]) * np.sqrt(max(res["ts"], 0.0)))
        return res

    # ------------------------------------------------------------------ run
    def run(self, datasets):
        """Estimate flux points.

        Parameters
        ----------
        datasets : list of (Data or DataUnit, Model), one pair, or an Infer-like object
            The models at their reference (best-fit) values. The reference model of the
            result is the first pair's model.

        Returns
        -------
        FluxPoints
        """
        return super().run(datasets)

    def _run(self, pairs):
        ref_model = pairs[0][1]
        shape = {id(p) for p in ref_model.params.values()}
        mc = MultConstant()
        norm = mc["f"]
        norm.prior = Uniform(0.0, 1e6)
        norm.value = 1.0
        lik = Likelihood([(d, mc * m) for d, m in pairs])
        rows = []
        with _keep_state(lik.params.values()):
            for p in lik.params.values():
                if p is norm or p.linked:
                    continue
                if not self.reoptimize or id(p) in shape:
                    p.frozen = True
            lik.refresh()
            norm_name = next(n for n in lik.free_names if lik.params[n] is norm)
            x_ref = lik.space.current()
            for masks in self.bin_masks(lik.units):
                if not masks:
                    rows.append(dict(_NAN_ROW, counts=0.0))
                    continue
                lik.space.set(x_ref)  # every bin starts from the reference values
                rows.append(self._estimate_bin(lik, masks, norm_name))
        if "scan" in self.selection_optional:
            for r in rows:
                r.setdefault("norm_scan", self.norm_scan)
                r.setdefault("stat_scan", np.full(self.norm_scan.size, np.nan))
        e = self.energy_edges
        return FluxPoints.from_estimates(rows, e[:-1], e[1:], ref_model,
                                         ts_threshold_ul=self.ts_threshold_ul, meta=self.meta())
