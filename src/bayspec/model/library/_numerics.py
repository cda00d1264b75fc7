"""Numerical helpers shared by the components."""

from __future__ import annotations

import numpy as np

#: Exponents are floored here: exp(-700) ≈ 1e-304 is still a normal double, and the
#: underflow / subnormal path of ``np.exp`` is ~20x slower than the vectorised one.
EXP_FLOOR = -700.0


def _safe_exp(x):
    """``exp(max(x, -700))``: no subnormal slowdown; values below 1e-304 become 1e-304."""
    return np.exp(np.maximum(x, EXP_FLOOR))


class _LogCache:
    """``ln(E / E0)`` for the last node array seen, kept while it is the same array.

    The kernel evaluates a model on the same node array (its integration plan) millions of
    times; the logarithm of those nodes does not change, so each component keeps it. A
    different array (another plan, or nodes shifted by a free redshift) is recomputed.
    """

    __slots__ = ("_E", "_E0", "_L")

    def __init__(self):
        self._E = self._E0 = self._L = None

    def __call__(self, E, E0):
        if E is not self._E or E0 != self._E0:
            # ln 0 = -inf is the right limit at a photon bin edge of 0 keV (Swift/XRT
            # responses start there): E**a -> 0 for a > 0 follows without a warning
            with np.errstate(divide="ignore"):
                L = np.log(E * (1.0 / E0))
            if isinstance(E, np.ndarray) and E.ndim == 1:  # cache plan-like arrays only
                L.setflags(write=False)
                self._E, self._E0, self._L = E, E0, L
            return L
        return self._L


def _log_of(component, E, E0):
    """``ln(E / E0)`` through the component's own `_LogCache` (created on first use)."""
    cache = component.__dict__.get("_lncache")
    if cache is None:
        cache = component.__dict__["_lncache"] = _LogCache()
    return cache(E, E0)
