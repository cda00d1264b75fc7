"""Shared, data-only helpers of the statistics (private).

Conventions used by every statistic module
------------------------------------------
* ``S``, ``B``: observed source / background counts per channel, shape ``(k,)``.
* ``m``: predicted *source* counts in the source spectrum, shape ``(n, k)`` (or ``(k,)``).
* ``ts``, ``tb``: source and background efficiencies (exposure x areascal x backscal);
  only their ratio ``alpha = ts / tb`` (the factor that scales background counts into the
  source region) enters any statistic once ``m`` is given in counts.
* ``sS``, ``sB``: 1-sigma errors in counts.

A *prepared* statistic is a callable ``f(m, out=None) -> ndarray`` with every term that
depends on the data alone computed once.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from ..errors import StatisticError

__all__: list[str] = []

#: Floor on Poisson expectations in ``cstat`` / ``pstat`` (counts). A channel with
#: observed counts and an expectation of exactly zero has an infinite statistic; the floor
#: turns it into a large finite one (``S * ln(S / 1e-25)``, ~57.6 S). Same order as the
#: truncation value sherpa uses.
MODEL_FLOOR = 1e-25

#: Floor on logarithm arguments that can only vanish when their coefficient vanishes
#: (``0 * ln 0 := 0``), so it never changes a finite value.
LOG_FLOOR = 1e-300


def _channels(x, name, *, required=True, nonneg=False):
    """Return ``x`` as a float64 array (scalar or ``(k,)``) or None; validate it."""
    if x is None:
        if required:
            raise StatisticError(f"{name} is required by this statistic", key=name)
        return None
    a = np.asarray(x, dtype=np.float64)
    if a.ndim > 1:
        raise StatisticError(f"expected a scalar or a (k,) array, got shape {a.shape}", key=name)
    if not np.all(np.isfinite(a)):
        raise StatisticError("contains NaN or infinite values", key=name)
    if nonneg and np.any(a < 0):
        raise StatisticError("must be >= 0 (Poisson counts)", key=name)
    return a


def _efficiency_ratio(ts, tb):
    """``alpha = ts / tb`` (validated, strictly positive)."""
    ts = _channels(ts, "ts")
    tb = _channels(tb, "tb")
    if np.any(ts <= 0) or np.any(tb <= 0):
        raise StatisticError("efficiencies ts and tb must be > 0", key="ts/tb")
    return ts / tb


def _xlogx(x):
    """``x ln x`` with ``0 ln 0 = 0``."""
    return xlogy(x, x)


def _model(m):
    """``m`` as float64 without copying when it already is one."""
    return np.asarray(m, dtype=np.float64)


#: Elements per block when a prepared statistic walks a large ``(n, k)`` model: keeping
#: each temporary near 128 kB (cache-resident) is about twice as fast as whole-array
#: passes for ``n * k ~ 1e5``.
BLOCK_SIZE = 16384


def _blocked(kernel, k):
    """Wrap ``kernel(m, out)`` to process a large ``(n, k)`` ``m`` in blocks of rows.

    The loop is over row blocks (parameter vectors), never over channels; small inputs
    and inputs whose last axis is not ``k`` go to ``kernel`` directly.
    """

    def prepared(m, out=None):
        m = np.asarray(m, dtype=np.float64)
        if m.ndim != 2 or m.size <= BLOCK_SIZE or m.shape[1] != k:
            return kernel(m, out)
        if out is None:
            out = np.empty(m.shape)
        step = max(1, BLOCK_SIZE // k)
        for i in range(0, m.shape[0], step):
            kernel(m[i:i + step], out[i:i + step])
        return out

    prepared.__doc__ = kernel.__doc__
    prepared.__name__ = kernel.__name__
    return prepared
