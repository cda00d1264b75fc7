"""Fit coordinates: the one place that maps a parameter to the coordinate the minimiser sees.

A parameter whose prior is scale-invariant or log-normal (`LogUniform`, `LogNormal`) lives on
many decades, so the minimiser works on ``y = log10(x)``; every other parameter is fitted
as it is (``y = x``). The choice follows the prior's support, not the current value, so it
is reproducible.

Minuit's limits use a sine transformation; with limits spanning twenty decades (a
normalisation with ``LogUniform(1e-10, 1e10)``) the Hessian it returns is badly conditioned.
In log10 coordinates the same bounds are ``[-10, 10]`` and harmless, and `bayspec.infer.mle`
removes the limits before the final Hesse step anyway.

Covariances are mapped back with the Jacobian ``J = diag(dx/dy)`` at the minimum,
``C_x = J C_y J`` (first-order propagation; exact for the quadratic approximation Hesse
makes, since the Hessian transforms the same way at a stationary point).
"""

from __future__ import annotations

import math

import numpy as np

from ..parameter import LogNormal, LogUniform

__all__ = ["Transform", "IDENTITY", "LOG10", "transform_for", "Coordinates"]

_LN10 = math.log(10.0)


class Transform:
    """An invertible elementwise map ``y = forward(x)`` with ``dx/dy = jacobian(y)``.

    Parameters
    ----------
    name : str
        ``"identity"`` or ``"log10"``.
    """

    def __init__(self, name: str):
        if name not in ("identity", "log10"):
            raise ValueError(f"unknown transform {name!r}")
        self.name = name

    def forward(self, x):
        """External value(s) → fit coordinate(s)."""
        x = np.asarray(x, dtype=float)
        if self.name == "log10":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.log10(x)
        return x

    def backward(self, y):
        """Fit coordinate(s) → external value(s)."""
        y = np.asarray(y, dtype=float)
        if self.name == "log10":
            with np.errstate(over="ignore"):
                return np.power(10.0, y)
        return y

    def jacobian(self, y):
        """``dx/dy`` at fit coordinate(s) ``y``."""
        y = np.asarray(y, dtype=float)
        if self.name == "log10":
            return _LN10 * np.power(10.0, y)
        return np.ones_like(y)

    def __repr__(self) -> str:
        return f"Transform({self.name!r})"


IDENTITY = Transform("identity")
LOG10 = Transform("log10")


def transform_for(par) -> Transform:
    """The fit coordinate of a `Par`: log10 for `LogUniform`/`LogNormal` priors, else identity.

    A parameter with an improper prior whose bounds are positive and span more than four
    decades is also fitted in log10.
    """
    prior = par.prior
    if isinstance(prior, (LogUniform, LogNormal)):
        return LOG10
    lo, hi = par.bounds
    if lo > 0 and math.isfinite(hi) and hi / lo > 1e4 and not getattr(prior, "proper", True):
        return LOG10
    return IDENTITY


class Coordinates:
    """The fit coordinates of an ordered list of parameters (vectorised over rows).

    Parameters
    ----------
    pars : list of Par
        The free parameters, in the kernel's ``theta`` column order.
    """

    def __init__(self, pars):
        self.transforms = [transform_for(p) for p in pars]
        self.log = np.array([t.name == "log10" for t in self.transforms], dtype=bool)
        b = np.array([p.bounds for p in pars], dtype=float).reshape(-1, 2)
        self.bounds = b
        with np.errstate(divide="ignore"):
            lim = np.where(self.log[:, None], np.log10(np.where(b > 0, b, np.nan)), b)
        # a log parameter with lower bound 0 has no lower limit in log10
        lim[:, 0] = np.where(self.log & (b[:, 0] <= 0), -np.inf, lim[:, 0])
        self.limits = lim

    def forward(self, x):
        """External ``(..., p)`` → fit coordinates."""
        x = np.asarray(x, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.log, np.log10(np.where(self.log, x, 1.0)), x)

    def backward(self, y):
        """Fit coordinates ``(..., p)`` → external values."""
        y = np.asarray(y, dtype=float)
        with np.errstate(over="ignore"):
            return np.where(self.log, np.power(10.0, np.where(self.log, y, 0.0)), y)

    def jacobian(self, y):
        """Diagonal of ``dx/dy`` at ``y (p,)``."""
        y = np.asarray(y, dtype=float)
        return np.where(self.log, _LN10 * np.power(10.0, np.where(self.log, y, 0.0)), 1.0)

    def covariance_to_external(self, y, cov_y):
        """``J C_y J`` with ``J = diag(dx/dy)`` at ``y``."""
        j = self.jacobian(y)
        return np.asarray(cov_y, dtype=float) * np.outer(j, j)
