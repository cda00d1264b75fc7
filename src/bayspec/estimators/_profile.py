"""Likelihood profile of a non-negative normalisation (private).

Given ``f(norm (n,)) -> stat (n,)`` (−2 ln L, profiled over nuisance parameters or not),
find the best norm, its asymmetric errors (Δstat = n_sigma²), an upper limit
(Δstat = n_sigma_ul²), TS = stat(0) − stat(best) and an optional scan. Used by the
forward-folding (`FluxPointsEstimator`) and backward-folding (`ExcessEstimator`) estimators.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import brentq, minimize_scalar

__all__ = ["profile_norm"]

_GRID = np.concatenate([[0.0], np.geomspace(1e-4, 1e4, 161)])


def _upward(f, x0, target, scale):
    """Smallest x > x0 with f(x) = target (f increasing above x0); NaN if none below 1e8."""
    lo, step = x0, max(scale, 1e-6)
    hi = x0 + step
    for _ in range(80):
        if f(hi) >= target:
            return brentq(lambda x: f(x) - target, lo, hi, xtol=1e-10 * max(1.0, hi), rtol=1e-10)
        lo, hi = hi, hi + 2.0 * (hi - x0)
        if hi > 1e8:
            break
    return np.nan


def profile_norm(fun, n_sigma=1.0, n_sigma_ul=2.0, scan=None, ul=True, grid=None):
    """Profile a norm >= 0.

    Parameters
    ----------
    fun : callable
        Batched statistic ``fun(norms (n,)) -> (n,)``.
    n_sigma : float
        Error level: Δstat = n_sigma².
    n_sigma_ul : float
        Upper-limit level: Δstat = n_sigma_ul² above the minimum.
    scan : array, optional
        Norm values for the stat scan (one batched call).
    ul : bool
        Compute the upper limit.
    grid : array, optional
        Coarse grid (starting with 0) searched for the minimum before refinement.

    Returns
    -------
    dict
        ``norm, norm_err, norm_errp, norm_errn, norm_ul, ts, sqrt_ts, stat, stat_null``
        and, with ``scan``, ``norm_scan``, ``stat_scan``.
    """
    def f1(x):
        return float(np.asarray(fun(np.array([x], dtype=float))).ravel()[0])

    g = _GRID if grid is None else np.asarray(grid, dtype=float)
    vals = np.asarray(fun(g), dtype=float)
    vals = np.where(np.isfinite(vals), vals, np.inf)
    i = int(np.argmin(vals))
    if i == 0:
        lo, hi = 0.0, g[1]
    else:
        lo, hi = g[i - 1], g[min(i + 1, g.size - 1)]
    res = minimize_scalar(f1, bounds=(lo, hi), method="bounded",
                          options={"xatol": 1e-9 * max(hi, 1e-6)})
    best, smin = float(res.x), float(res.fun)
    s0 = float(vals[0])
    if s0 <= smin:
        best, smin = 0.0, s0
    dx = max(best, g[1]) * 0.1
    d1 = n_sigma ** 2
    up = _upward(f1, best, smin + d1, dx)
    errp = up - best
    if best > 0 and s0 > smin + d1:
        down = brentq(lambda x: f1(x) - (smin + d1), 0.0, best, xtol=1e-10 * max(best, 1e-6))
        errn = best - down
    else:
        errn = best
    out = {
        "norm": best,
        "norm_errp": errp,
        "norm_errn": errn,
        "norm_err": 0.5 * (errp + errn),
        "ts": max(s0 - smin, 0.0),
        "stat": smin,
        "stat_null": s0,
    }
    out["sqrt_ts"] = np.sqrt(out["ts"])
    out["norm_ul"] = _upward(f1, best, smin + n_sigma_ul ** 2, dx) if ul else np.nan
    if scan is not None:
        scan = np.asarray(scan, dtype=float)
        out["norm_scan"] = scan
        out["stat_scan"] = np.asarray(fun(scan), dtype=float)
    return out
