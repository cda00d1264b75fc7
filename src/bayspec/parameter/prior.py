"""The ``Prior`` base class shared by every prior distribution.

A prior is a one-dimensional probability density over a parameter value. Every prior gives a
vectorised ``logpdf`` (``-inf`` outside its support) and its derivative ``dlogpdf`` (what
gradient samplers such as NUTS need), a ``cdf``, the unit-cube transform ``ppf`` (the
inverse of ``cdf``; what nested samplers need), ``support``, ``mean`` and ``sample``.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError

__all__ = ["Prior"]


def _out(x: np.ndarray):
    """Return a 0-d result as a numpy scalar and anything else unchanged."""
    return x[()] if x.ndim == 0 else x


def _rng(rng) -> np.random.Generator:
    """Turn ``None``, an integer seed or a ``Generator`` into a ``Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _check_finite(name: str, **vals) -> None:
    for key, v in vals.items():
        if not np.isfinite(v):
            raise ParameterError(f"{name}: {key} must be finite, got {v!r}", key=key)


class Prior:
    """Base class of the priors; subclasses implement ``_logpdf``, ``_dlogpdf``, ``_cdf`` and
    ``_ppf``.

    Attributes
    ----------
    support : tuple of float
        ``(lo, hi)``, the closed interval outside which ``logpdf`` is ``-inf``.
    proper : bool
        Whether the density integrates to one (``False`` only for ``Improper``).
    """

    proper = True

    @property
    def support(self) -> tuple[float, float]:
        return (self._lo, self._hi)

    def logpdf(self, x):
        """Natural log of the density at ``x`` (any shape); ``-inf`` outside the support."""
        x = np.asarray(x, dtype=float)
        inside = (x >= self._lo) & (x <= self._hi)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.where(inside, self._logpdf(np.where(inside, x, self._inner())), -np.inf)
        return _out(out)

    def dlogpdf(self, x):
        """Derivative ``d ln p / dx`` at ``x`` (any shape), in 1 / (units of x).

        Inside the closed support it is the derivative of the density's formula (at a finite
        end of the support, the one-sided derivative from inside); where the density is zero
        (outside the support, or where ``logpdf`` is ``-inf``) it is ``nan``.
        """
        x = np.asarray(x, dtype=float)
        inside = (x >= self._lo) & (x <= self._hi)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.where(inside, self._dlogpdf(np.where(inside, x, self._inner())), np.nan)
        return _out(out)

    def pdf(self, x):
        """Density at ``x`` (any shape)."""
        return np.exp(self.logpdf(x))

    def cdf(self, x):
        """Cumulative distribution at ``x`` (any shape): 0 below and 1 above the support."""
        x = np.asarray(x, dtype=float)
        xc = np.clip(x, self._lo, self._hi)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = np.clip(self._cdf(xc), 0.0, 1.0)
        return _out(out)

    def ppf(self, u):
        """Unit-cube transform: the value whose ``cdf`` is ``u`` (``u`` in [0, 1], any shape).

        Values of ``u`` outside [0, 1] give ``nan``.
        """
        u = np.asarray(u, dtype=float)
        ok = (u >= 0.0) & (u <= 1.0)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x = np.clip(self._ppf(np.where(ok, u, 0.5)), self._lo, self._hi)
        return _out(np.where(ok, x, np.nan))

    def sample(self, rng=None, size=None):
        """Draw ``size`` values; ``rng`` is a ``numpy.random.Generator``, a seed or None."""
        return self.ppf(_rng(rng).random(size))

    @property
    def mean(self) -> float:
        raise NotImplementedError  # pragma: no cover

    def _inner(self) -> float:
        """A point inside the support (used to keep masked-out evaluations finite)."""
        lo, hi = self._lo, self._hi
        if np.isfinite(lo) and np.isfinite(hi):
            return 0.5 * (lo + hi)
        if np.isfinite(lo):
            return lo + 1.0
        if np.isfinite(hi):
            return hi - 1.0
        return 0.0

    def _fields(self) -> dict:
        raise NotImplementedError  # pragma: no cover

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v:g}" for k, v in self._fields().items())
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self._fields().items())))
