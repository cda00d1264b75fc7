"""Log-normal prior (normal in the natural log of the value)."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from ..errors import ParameterError
from .prior import Prior, _check_finite

__all__ = ["LogNormal"]

_LN_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


class LogNormal(Prior):
    """Density of ``x > 0`` with ``ln x ~ N(mu, sigma)``.

    ``pdf(x) = exp(-(ln x - mu)^2 / (2 sigma^2)) / (x sigma sqrt(2 pi))``; the median is
    ``exp(mu)``.

    Parameters
    ----------
    mu : float
        Mean of ``ln x`` (natural log).
    sigma : float
        Standard deviation of ``ln x``, ``> 0``.
    """

    def __init__(self, mu: float, sigma: float):
        mu, sigma = float(mu), float(sigma)
        _check_finite("LogNormal", mu=mu, sigma=sigma)
        if not sigma > 0:
            raise ParameterError(f"LogNormal: need sigma > 0, got {sigma}")
        self.mu, self.sigma = mu, sigma
        self._lo, self._hi = 0.0, np.inf

    def _logpdf(self, x):
        pos = x > 0
        lx = np.log(np.where(pos, x, 1.0))
        z = (lx - self.mu) / self.sigma
        return np.where(pos, -0.5 * z * z - lx - np.log(self.sigma) - _LN_SQRT_2PI, -np.inf)

    def _dlogpdf(self, x):
        # d/dx [-(ln x - mu)^2 / (2 sigma^2) - ln x] = -(1 + (ln x - mu) / sigma^2) / x;
        # nan at x = 0, where the density is zero
        pos = x > 0
        xx = np.where(pos, x, 1.0)
        return np.where(pos, -(1.0 + (np.log(xx) - self.mu) / (self.sigma * self.sigma)) / xx, np.nan)

    def _cdf(self, x):
        return ndtr((np.log(x) - self.mu) / self.sigma)

    def _ppf(self, u):
        return np.exp(self.mu + self.sigma * ndtri(u))

    @property
    def mean(self) -> float:
        return float(np.exp(self.mu + 0.5 * self.sigma**2))

    def _fields(self) -> dict:
        return {"mu": self.mu, "sigma": self.sigma}
