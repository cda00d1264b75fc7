"""Uniform prior on a finite interval."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .prior import Prior, _check_finite

__all__ = ["Uniform"]


class Uniform(Prior):
    """Uniform density ``1 / (hi - lo)`` on ``[lo, hi]``.

    Parameters
    ----------
    lo, hi : float
        Finite ends of the support, ``lo < hi``.
    """

    def __init__(self, lo: float, hi: float):
        lo, hi = float(lo), float(hi)
        _check_finite("Uniform", lo=lo, hi=hi)
        if not lo < hi:
            raise ParameterError(f"Uniform: need lo < hi, got ({lo}, {hi})")
        self._lo, self._hi = lo, hi
        self._logw = np.log(hi - lo)

    def _logpdf(self, x):
        return np.full_like(x, -self._logw)

    def _dlogpdf(self, x):
        return np.zeros_like(x)

    def _cdf(self, x):
        return (x - self._lo) / (self._hi - self._lo)

    def _ppf(self, u):
        return self._lo + u * (self._hi - self._lo)

    @property
    def mean(self) -> float:
        return 0.5 * (self._lo + self._hi)

    def _fields(self) -> dict:
        return {"lo": self._lo, "hi": self._hi}
