"""Normal (Gaussian) prior."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from ..errors import ParameterError
from .prior import Prior, _check_finite

__all__ = ["Normal"]

_LN_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


class Normal(Prior):
    """Density ``exp(-(x - mu)^2 / (2 sigma^2)) / (sigma sqrt(2 pi))`` on the real line.

    Parameters
    ----------
    mu : float
        Mean.
    sigma : float
        Standard deviation, ``> 0``.
    """

    def __init__(self, mu: float, sigma: float):
        mu, sigma = float(mu), float(sigma)
        _check_finite("Normal", mu=mu, sigma=sigma)
        if not sigma > 0:
            raise ParameterError(f"Normal: need sigma > 0, got {sigma}")
        self.mu, self.sigma = mu, sigma
        self._lo, self._hi = -np.inf, np.inf

    def _logpdf(self, x):
        z = (x - self.mu) / self.sigma
        return -0.5 * z * z - np.log(self.sigma) - _LN_SQRT_2PI

    def _dlogpdf(self, x):
        return -(x - self.mu) / (self.sigma * self.sigma)

    def _cdf(self, x):
        return ndtr((x - self.mu) / self.sigma)

    def _ppf(self, u):
        return self.mu + self.sigma * ndtri(u)

    @property
    def mean(self) -> float:
        return self.mu

    def _fields(self) -> dict:
        return {"mu": self.mu, "sigma": self.sigma}
