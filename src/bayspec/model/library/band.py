"""Band function ``band`` (Band et al. 1993, ApJ 413, 281)."""

from __future__ import annotations

import numpy as np

from ...parameter import LogUniform, Uniform
from ..component import Additive, ParSpec
from ._numerics import _log_of, _safe_exp

__all__ = ["Band"]

_TINY = 1e-300


class Band(Additive):
    """The Band GRB function (Band et al. 1993, ApJ 413, 281), in the Ep form.

    With ``Eb = (alpha - beta) Ep / (2 + alpha)``::

        N(E) = K (E/E0)^alpha exp(-(2 + alpha) E / Ep)                       E <  Eb
        N(E) = K (Eb/E0)^(alpha - beta) exp(beta - alpha) (E/E0)^beta        E >= Eb

    [photons cm⁻² s⁻¹ keV⁻¹]; continuous with a continuous first derivative at Eb. Evaluated
    in log space. At alpha = −2 the break moves to infinity (pure power law).

    Parameters
    ----------
    K : photons cm⁻² s⁻¹ keV⁻¹ at E0 (low-energy branch); LogUniform(1e-10, 1e10).
    alpha : low-energy index; Uniform(-2, 2).
    beta : high-energy index; Uniform(-6, -2) (so alpha ≥ beta and Ep is the νFν peak).
    Ep : νFν peak energy, keV; LogUniform(1, 1e5).

    Settings
    --------
    E0 : pivot energy, keV (default 100, as in Band et al. 1993).
    """

    default_name = "band"
    parameters = (
        ParSpec("K", 0.01, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1", r"$K$"),
        ParSpec("alpha", -1.0, Uniform(-2.0, 2.0), "", r"$\alpha$"),
        ParSpec("beta", -2.3, Uniform(-6.0, -2.0), "", r"$\beta$"),
        ParSpec("Ep", 300.0, LogUniform(1.0, 1e5), "keV", r"$E_\mathrm{p}$"),
    )
    default_settings = {"E0": 100.0}

    def evaluate(self, E, K, alpha, beta, Ep):
        E0 = self.settings["E0"]
        L = _log_of(self, E, E0)
        d = np.maximum(2.0 + alpha, _TINY)
        ab = np.maximum(alpha - beta, _TINY)
        Eb = ab * Ep / d
        low = alpha * L - E * (d / Ep)
        high = (ab * np.log(Eb * (1.0 / E0)) - ab) + beta * L
        return K * _safe_exp(np.where(E < Eb, low, high))

    def evaluate_grad(self, E, K, alpha, beta, Ep):
        """N(E) and ``(∂N/∂K, ∂N/∂alpha, ∂N/∂beta, ∂N/∂Ep)``.

        Below the break ``∂ ln N/∂alpha = ln(E/E0) − E/Ep`` and ``∂ ln N/∂Ep = (2 + alpha)
        E/Ep²``; above it, with ``ab = alpha − beta`` and ``ln Eb = ln ab + ln Ep −
        ln(2 + alpha)``: ``∂ ln N/∂alpha = ln(Eb/E0) − ab/(2 + alpha)``, ``∂ ln N/∂beta =
        ln(E/E0) − ln(Eb/E0)``, ``∂ ln N/∂Ep = ab/Ep``.
        """
        E0 = self.settings["E0"]
        L = _log_of(self, E, E0)
        d = np.maximum(2.0 + alpha, _TINY)
        ab = np.maximum(alpha - beta, _TINY)
        Eb = ab * Ep / d
        lb = np.log(Eb * (1.0 / E0))
        x = E * (1.0 / Ep)
        below = E < Eb
        N = K * _safe_exp(np.where(below, alpha * L - x * d, (ab * lb - ab) + beta * L))
        w = np.asarray(below, dtype=float)
        dalpha = N * (w * (L - x) + (1.0 - w) * (lb - ab / d))
        dbeta = N * ((1.0 - w) * (L - lb))
        dEp = N * (w * (x * (d / Ep)) + (1.0 - w) * (ab / Ep))
        return N, (N / K, dalpha, dbeta, dEp)
