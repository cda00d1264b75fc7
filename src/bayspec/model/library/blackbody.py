"""Blackbody photon spectrum ``bb`` (XSPEC ``bbody`` normalisation)."""

from __future__ import annotations

import numpy as np

from ...parameter import LogUniform
from ..component import Additive, ParSpec
from ._numerics import EXP_FLOOR, _safe_exp

__all__ = ["Blackbody"]


class Blackbody(Additive):
    """Blackbody photon spectrum with the XSPEC ``bbody`` normalisation (Arnaud 1996)::

        N(E) = 8.0525 K E² / ((kT)^4 (exp(E/kT) - 1))

    [photons cm⁻² s⁻¹ keV⁻¹]; K = L₃₉ / D₁₀², the luminosity in 10³⁹ erg s⁻¹ over the
    squared distance in 10 kpc. Written as ``x² e^-x / (1 - e^-x)`` with x = E/kT so that
    no exponential overflows; N(0) = 0.

    Parameters
    ----------
    K : L39 / D10²; LogUniform(1e-10, 1e10).
    kT : temperature, keV; LogUniform(0.01, 1e4).
    """

    default_name = "bb"
    parameters = (
        ParSpec("K", 1.0, LogUniform(1e-10, 1e10), "L39/D10^2", r"$K$"),
        ParSpec("kT", 30.0, LogUniform(1e-2, 1e4), "keV", r"$kT$"),
    )

    def evaluate(self, E, K, kT):
        x = np.maximum(E / kT, 1e-300)
        return (8.0525 * K / (kT * kT)) * (x * x * _safe_exp(-x) / -np.expm1(-x))

    def evaluate_grad(self, E, K, kT):
        """N(E) and ``(∂N/∂K, ∂N/∂kT)``.

        With ``ln N = ln(8.0525 K) + 2 ln E − 4 ln kT − ln(e^x − 1)``, x = E/kT:
        ``∂ ln N/∂kT = (x/(1 − e^-x) − 4)/kT``. Where ``e^-x`` is floored (x > 700, see
        ``_safe_exp``) the computed N no longer depends on it and the slope is ``−4/kT``
        (``x/(e^x − 1)`` → 0 there); where x itself is floored (E = 0) N is 0.
        """
        x = np.maximum(E / kT, 1e-300)
        c = 8.0525 / (kT * kT)
        q = -np.expm1(-x)
        e = _safe_exp(-x)
        shape = x * x * e / q
        N = (c * K) * shape
        with np.errstate(over="ignore"):
            t = np.where(-x > EXP_FLOOR, x / q, x / np.expm1(x))
        return N, (c * shape, N * ((t - 4.0) / kT))
