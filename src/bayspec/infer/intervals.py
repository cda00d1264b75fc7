"""Profile-likelihood intervals and upper limits.

For a parameter θ the profile statistic is ``S_p(θ) = min over the other free parameters of
stat``. By Wilks' theorem (Wilks 1938, Ann. Math. Stat. 9, 60) ``S_p(θ) − S_min`` is
asymptotically χ²(1) distributed at the true θ, so

* a two-sided interval at confidence ``cl`` is ``{θ : S_p(θ) − S_min ≤ chi2.ppf(cl, 1)}``;
* a one-sided upper limit at confidence ``cl`` is where ``S_p − S_min = chi2.ppf(2 cl − 1, 1)``
  (2.706 for 95 %).

The ends are found with Brent's method on ``S_p(θ) − S_min − Δ`` in the fit coordinate of θ
(log10 for scale parameters), re-minimising the other parameters with MIGRAD at every trial.
An end that would lie beyond a bound is reported as the bound.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.optimize import brentq
from scipy.stats import chi2

from ..errors import FitError

__all__ = ["profile_interval", "profile_upper_limit", "Profile"]


class Profile:
    """The profile statistic of one free parameter (in its fit coordinate).

    Parameters
    ----------
    problem : FitProblem
    result : FitResult
    name : str
        Full name of a free parameter.
    """

    def __init__(self, problem, result, name):
        if result.fit_coords is None:
            raise FitError("the result has no fit coordinates; refit")
        self.problem = problem
        self.j = problem.names.index(name)
        self.y_best = np.array(result.fit_coords, dtype=float)
        self.smin = float(problem.fcn(self.y_best))
        self._m = None
        if len(problem.names) > 1:
            m = problem.minuit(self.y_best, strategy=1, tol=1e-4)
            m.fixed[self.j] = True
            self._m = m

    def __call__(self, yj):
        """``S_p(θ) − S_min`` at fit coordinate ``yj``."""
        y = self.y_best.copy()
        y[self.j] = yj
        if self._m is None:
            return self.problem.fcn(y) - self.smin
        m = self._m
        m.values = y
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.migrad()
        return float(m.fval) - self.smin


def _end(prof, delta, direction, err_y):
    """Fit coordinate where the profile rises by ``delta`` going ``direction`` (±1)."""
    lim = prof.problem.coords.limits[prof.j]
    edge = lim[1] if direction > 0 else lim[0]
    y0 = prof.y_best[prof.j]
    step = err_y if np.isfinite(err_y) and err_y > 0 else 0.1
    inner = y0
    for _ in range(60):
        trial = y0 + direction * step
        if np.isfinite(edge) and direction * (trial - edge) >= 0:
            trial = edge
        f = prof(trial) - delta
        if f > 0:
            return brentq(lambda t: prof(t) - delta, inner, trial, xtol=1e-6 * max(step, 1e-6), rtol=1e-10)
        if trial == edge:
            return edge
        inner = trial
        step *= 2.0
    raise FitError(f"profile of {prof.problem.names[prof.j]} does not rise by {delta:.3g} "
                   f"within {step:g} of the best fit")


def _err_y(result, j):
    c = result.fit_covariance
    if c is None:
        return np.nan
    return float(np.sqrt(max(c[j, j], 0.0)))


def profile_interval(problem, result, name, cl):
    """Two-sided profile-likelihood interval ``(lo, hi)`` in parameter units."""
    if not 0 < cl < 1:
        raise FitError(f"cl must be in (0, 1), got {cl}")
    delta = float(chi2.ppf(cl, 1))
    prof = Profile(problem, result, name)
    e = _err_y(result, prof.j) * np.sqrt(delta)
    try:
        ylo = _end(prof, delta, -1, e)
        yhi = _end(prof, delta, +1, e)
    finally:
        problem.set(problem.coords.backward(prof.y_best))
    tr = problem.coords.transforms[prof.j]
    return float(tr.backward(ylo)), float(tr.backward(yhi))


def profile_upper_limit(problem, result, name, cl):
    """One-sided profile-likelihood upper limit in parameter units."""
    if not 0.5 < cl < 1:
        raise FitError(f"cl of an upper limit must be in (0.5, 1), got {cl}")
    delta = float(chi2.ppf(2.0 * cl - 1.0, 1))
    prof = Profile(problem, result, name)
    e = _err_y(result, prof.j) * np.sqrt(delta)
    try:
        yhi = _end(prof, delta, +1, e)
    finally:
        problem.set(problem.coords.backward(prof.y_best))
    return float(problem.coords.transforms[prof.j].backward(yhi))
