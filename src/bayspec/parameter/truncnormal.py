"""Normal prior truncated to an interval."""

from __future__ import annotations

import numpy as np
from scipy.special import log_ndtr, ndtr, ndtri

from ..errors import ParameterError
from .prior import Prior, _check_finite

__all__ = ["TruncatedNormal"]

_LN_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


class TruncatedNormal(Prior):
    """Normal density ``N(mu, sigma)`` restricted to ``[lo, hi]`` and renormalised.

    Either end may be infinite. Tail truncations (both ends far above or below ``mu``) are
    handled through the survival function so ``ppf`` stays accurate there.

    Parameters
    ----------
    mu, sigma : float
        Location and scale of the parent normal, ``sigma > 0``.
    lo, hi : float
        Truncation interval, ``lo < hi``.
    """

    def __init__(self, mu: float, sigma: float, lo: float = -np.inf, hi: float = np.inf):
        mu, sigma, lo, hi = float(mu), float(sigma), float(lo), float(hi)
        _check_finite("TruncatedNormal", mu=mu, sigma=sigma)
        if not sigma > 0:
            raise ParameterError(f"TruncatedNormal: need sigma > 0, got {sigma}")
        if np.isnan(lo) or np.isnan(hi) or not lo < hi:
            raise ParameterError(f"TruncatedNormal: need lo < hi, got ({lo}, {hi})")
        self.mu, self.sigma = mu, sigma
        self._lo, self._hi = lo, hi
        a, b = (lo - mu) / sigma, (hi - mu) / sigma
        # Work in the lower tail when the interval is above the mean (flip the sign).
        self._flip = a > 0
        self._a, self._b = (-b, -a) if self._flip else (a, b)
        self._pa, self._pb = ndtr(self._a), ndtr(self._b)
        self._z = self._pb - self._pa
        if not self._z > 0:
            raise ParameterError(
                f"TruncatedNormal: interval ({lo}, {hi}) has no probability mass under N({mu}, {sigma})"
            )
        # log of the normalisation, stable when the mass is tiny
        self._logz = log_ndtr(self._b) + np.log1p(-np.exp(log_ndtr(self._a) - log_ndtr(self._b)))

    def _logpdf(self, x):
        z = (x - self.mu) / self.sigma
        return -0.5 * z * z - np.log(self.sigma) - _LN_SQRT_2PI - self._logz

    def _dlogpdf(self, x):
        # the normalisation is constant: the derivative is the parent normal's
        return -(x - self.mu) / (self.sigma * self.sigma)

    def _std(self, x):
        z = (x - self.mu) / self.sigma
        return -z if self._flip else z

    def _cdf(self, x):
        c = (ndtr(self._std(x)) - self._pa) / self._z
        return 1.0 - c if self._flip else c

    def _ppf(self, u):
        v = 1.0 - u if self._flip else u
        q = ndtri(self._pa + v * self._z)
        q = np.clip(q, self._a, self._b)
        return self.mu + self.sigma * (-q if self._flip else q)

    @property
    def mean(self) -> float:
        phi = lambda t: 0.0 if np.isinf(t) else np.exp(-0.5 * t * t - _LN_SQRT_2PI)  # noqa: E731
        shift = (phi(self._a) - phi(self._b)) / self._z
        return self.mu + self.sigma * (-shift if self._flip else shift)

    def _fields(self) -> dict:
        return {"mu": self.mu, "sigma": self.sigma, "lo": self._lo, "hi": self._hi}
