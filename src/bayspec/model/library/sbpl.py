"""Smoothly broken power law ``sbpl`` (Ryde 1999; Kaneko et al. 2006)."""

from __future__ import annotations

import numpy as np

from ...parameter import LogUniform, Uniform
from ..component import Additive, ParSpec
from ._numerics import EXP_FLOOR, _safe_exp

__all__ = ["SmoothlyBrokenPowerLaw"]

_LN2 = np.log(2.0)
_LN10 = np.log(10.0)


def _lncosh(q):
    """ln cosh q, without overflow."""
    aq = np.abs(q)
    return aq + np.log1p(np.exp(-2.0 * aq)) - _LN2


class SmoothlyBrokenPowerLaw(Additive):
    """Smoothly broken power law in the form of Kaneko et al. (2006, ApJS 166, 298, eq. 5),
    after Ryde (1999, Astrophys. Lett. Commun. 39, 281)::

        N(E) = K (E / Epiv)^b 10^(a - a_piv)
        a     = m Λ ln cosh(q),      q     = log10(E / Eb) / Λ
        a_piv = m Λ ln cosh(q_piv),  q_piv = log10(Epiv / Eb) / Λ
        m = (beta - alpha) / 2,      b = (alpha + beta) / 2

    [photons cm⁻² s⁻¹ keV⁻¹]. Far below (above) the break the index is alpha (beta); Λ is
    the break width in decades of energy.

    Parameters
    ----------
    K : photons cm⁻² s⁻¹ keV⁻¹ at Epiv; LogUniform(1e-10, 1e10).
    alpha : index below the break; Uniform(-4, 2).
    beta : index above the break; Uniform(-6, 0).
    Eb : break energy, keV; LogUniform(1, 1e5).

    Settings
    --------
    Epiv : pivot energy, keV (default 100).
    Lambda : break scale, decades (default 0.3, Kaneko et al. 2006).
    """

    default_name = "sbpl"
    parameters = (
        ParSpec("K", 0.01, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1", r"$K$"),
        ParSpec("alpha", -1.0, Uniform(-4.0, 2.0), "", r"$\alpha$"),
        ParSpec("beta", -2.5, Uniform(-6.0, 0.0), "", r"$\beta$"),
        ParSpec("Eb", 200.0, LogUniform(1.0, 1e5), "keV", r"$E_\mathrm{b}$"),
    )
    default_settings = {"Epiv": 100.0, "Lambda": 0.3}

    def evaluate(self, E, K, alpha, beta, Eb):
        Epiv, lam = self.settings["Epiv"], self.settings["Lambda"]
        m = 0.5 * (beta - alpha)
        b = 0.5 * (alpha + beta)
        lnEb = np.log(Eb)
        q = (np.log(E) - lnEb) * (1.0 / (_LN10 * lam))
        qpiv = (np.log(Epiv) - lnEb) * (1.0 / (_LN10 * lam))
        lnN = b * np.log(E * (1.0 / Epiv)) + (m * lam * _LN10) * (_lncosh(q) - _lncosh(qpiv))
        return K * _safe_exp(lnN)

    def evaluate_grad(self, E, K, alpha, beta, Eb):
        """N(E) and ``(∂N/∂K, ∂N/∂alpha, ∂N/∂beta, ∂N/∂Eb)``.

        With ``L = ln(E/Epiv)`` and ``D = Λ ln10 (ln cosh q − ln cosh q_piv)``:
        ``∂ ln N/∂alpha = (L − D)/2``, ``∂ ln N/∂beta = (L + D)/2`` and, since
        ``∂q/∂Eb = ∂q_piv/∂Eb = −1/(Λ ln10 Eb)``, ``∂ ln N/∂Eb = −m (tanh q − tanh q_piv)/Eb``
        (all 0 where ln N is floored by ``_safe_exp``).
        """
        Epiv, lam = self.settings["Epiv"], self.settings["Lambda"]
        m = 0.5 * (beta - alpha)
        b = 0.5 * (alpha + beta)
        lnEb = np.log(Eb)
        q = (np.log(E) - lnEb) * (1.0 / (_LN10 * lam))
        qpiv = (np.log(Epiv) - lnEb) * (1.0 / (_LN10 * lam))
        L = np.log(E * (1.0 / Epiv))
        D = (lam * _LN10) * (_lncosh(q) - _lncosh(qpiv))
        lnN = b * L + (m * lam * _LN10) * (_lncosh(q) - _lncosh(qpiv))
        e = _safe_exp(lnN)
        N = K * e
        Nm = np.where(lnN > EXP_FLOOR, N, 0.0)
        return N, (e, Nm * (0.5 * (L - D)), Nm * (0.5 * (L + D)), Nm * (-m * (np.tanh(q) - np.tanh(qpiv)) / Eb))
