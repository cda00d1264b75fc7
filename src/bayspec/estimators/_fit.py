"""Constrained minimiser of a batched statistic for the estimators (private).

Full-model fits go through `bayspec.infer.mle.fit_mle`. The flux-point estimator also
minimises *partial* statistics (the groups of one energy bin) with the norm held at given
values while nuisance parameters re-optimise; that is what this module does. Parameters
that `bayspec.infer` fits in log10 (`infer._transform.transform_for`) are fitted in log10
here too (iminuit's Hesse step breaks down on limits spanning twenty decades); others are
fitted linearly within their bounds. The statistic is −2 ln L, so ``errordef = 1`` gives 1σ errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from iminuit import Minuit

from ..errors import FitError
from ..infer._transform import LOG10, transform_for

__all__ = ["FitOutcome", "fit_function", "log_mask"]


@dataclass
class FitOutcome:
    """Result of :func:`fit_function`.

    Attributes
    ----------
    values, errors : ndarray (nfree,)
        Best-fit values and symmetric 1σ (Hesse) errors, in linear space.
    stat : float
        Minimum of the statistic.
    valid : bool
        iminuit's validity flag.
    """

    values: np.ndarray
    errors: np.ndarray
    stat: float
    valid: bool


def log_mask(params):
    """Boolean array: True for parameters fitted in log10 (`infer`'s `transform_for`)."""
    return np.array([transform_for(p) is LOG10 for p in params], dtype=bool)


def fit_function(fun, x0, bounds, logmask=None, fixed=None, errors=True, ncall=None):
    """Minimise ``fun(theta (n, k)) -> (n,)`` with iminuit.

    Parameters
    ----------
    fun : callable
        Batched statistic (−2 ln L).
    x0 : array (k,)
        Start values (linear space).
    bounds : array (k, 2)
        Limits (linear space); infinite ends are left open.
    logmask : bool array (k,), optional
        Parameters fitted in log10 space (need positive bounds).
    fixed : dict {index: value}, optional
        Parameters held at a value.
    errors : bool
        Run Hesse for errors.

    Returns
    -------
    FitOutcome
    """
    x0 = np.asarray(x0, dtype=float).copy()
    k = x0.size
    bounds = np.asarray(bounds, dtype=float).reshape(k, 2)
    lm = np.zeros(k, bool) if logmask is None else np.asarray(logmask, bool)
    fixed = dict(fixed or {})
    for i, v in fixed.items():
        x0[i] = v
    lo, hi = bounds[:, 0], bounds[:, 1]
    x0 = np.clip(x0, lo, hi)
    with np.errstate(divide="ignore"):
        start = np.where(lm, np.log10(np.where(lm, np.maximum(x0, 1e-300), 1.0)), x0)
        lim_lo = np.where(lm, np.log10(np.where(lm & (lo > 0), lo, 1e-300)), lo)
        lim_hi = np.where(lm, np.log10(np.where(lm, np.maximum(hi, 1e-300), 1.0)), hi)

    def to_lin(u):
        u = np.asarray(u, dtype=float)
        with np.errstate(over="ignore"):
            return np.where(lm, 10.0 ** np.where(lm, u, 0.0), u)

    def cost(*u):
        v = fun(to_lin(np.array(u))[None, :])
        v = float(np.asarray(v).ravel()[0])
        return v if np.isfinite(v) else 1e300

    if k == len(fixed):
        s = float(np.asarray(fun(x0[None, :])).ravel()[0])
        return FitOutcome(x0, np.zeros(k), s, True)
    m = Minuit(cost, *start, name=[f"x{i}" for i in range(k)])
    m.errordef = 1.0
    m.strategy = 1
    for i in range(k):
        m.limits[i] = (lim_lo[i] if np.isfinite(lim_lo[i]) else None,
                       lim_hi[i] if np.isfinite(lim_hi[i]) else None)
        step = 0.1 if lm[i] else max(0.1 * abs(start[i]), 0.05)
        m.errors[i] = step
        if i in fixed:
            m.fixed[i] = True
    m.migrad(ncall=ncall)
    if not m.valid:
        m.migrad(ncall=ncall)
    err = np.zeros(k)
    if errors:
        try:
            m.hesse()
        except Exception:  # pragma: no cover - iminuit failures are reported as invalid
            pass
        e = np.array([m.errors[i] for i in range(k)], dtype=float)
        best = np.array(m.values, dtype=float)
        err = np.where(lm, np.log(10.0) * 10.0 ** best * e, e)
        for i in fixed:
            err[i] = 0.0
    best = to_lin(np.array(m.values, dtype=float))
    if not np.all(np.isfinite(best)):
        raise FitError("fit did not converge to finite values")
    return FitOutcome(best, err, float(m.fval), bool(m.valid))
