"""The flat, unnormalised prior used when a parameter is given no prior and unbounded."""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from .prior import Prior

__all__ = ["Improper"]


class Improper(Prior):
    """Flat improper prior: ``logpdf = 0`` on ``[lo, hi]`` (either end may be infinite).

    It has no unit-cube transform and cannot be sampled: ``ppf``, ``sample`` and ``mean``
    raise ``ParameterError``. Maximum-likelihood fits do not need a proper prior; samplers do.
    """

    proper = False

    def __init__(self, lo: float = -np.inf, hi: float = np.inf):
        lo, hi = float(lo), float(hi)
        if np.isnan(lo) or np.isnan(hi) or not lo < hi:
            raise ParameterError(f"Improper: need lo < hi, got ({lo}, {hi})")
        self._lo, self._hi = lo, hi

    def _logpdf(self, x):
        return np.zeros_like(x)

    def _dlogpdf(self, x):
        return np.zeros_like(x)

    def cdf(self, x):
        raise ParameterError("Improper prior has no cdf")

    def ppf(self, u):
        raise ParameterError("Improper prior has no unit-cube transform; give the parameter a proper prior")

    def sample(self, rng=None, size=None):
        raise ParameterError("Improper prior cannot be sampled; give the parameter a proper prior")

    @property
    def mean(self) -> float:
        raise ParameterError("Improper prior has no mean")

    def _fields(self) -> dict:
        return {"lo": self._lo, "hi": self._hi}
