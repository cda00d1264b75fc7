"""Log-uniform (reciprocal, scale-invariant) prior on a positive interval."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .prior import Prior, _check_finite

__all__ = ["LogUniform"]


class LogUniform(Prior):
    """Density ``1 / (x ln(hi / lo))`` on ``[lo, hi]``, i.e. ``ln x`` is uniform.

    Parameters
    ----------
    lo, hi : float
        Finite ends of the support, ``0 < lo < hi``.
    """

    def __init__(self, lo: float, hi: float):
        lo, hi = float(lo), float(hi)
        _check_finite("LogUniform", lo=lo, hi=hi)
        if not 0.0 < lo < hi:
            raise ParameterError(f"LogUniform: need 0 < lo < hi, got ({lo}, {hi})")
        self._lo, self._hi = lo, hi
        self._lnlo = np.log(lo)
        self._lnr = np.log(hi / lo)

    def _logpdf(self, x):
        return -np.log(x) - np.log(self._lnr)

    def _dlogpdf(self, x):
        return -1.0 / x

    def _cdf(self, x):
        return (np.log(x) - self._lnlo) / self._lnr

    def _ppf(self, u):
        return np.exp(self._lnlo + u * self._lnr)

    @property
    def mean(self) -> float:
        return (self._hi - self._lo) / self._lnr

    def _fields(self) -> dict:
        return {"lo": self._lo, "hi": self._hi}
