"""Multiplicative high-energy cutoffs ``cutoff`` and ``hecut``."""

from __future__ import annotations

import numpy as np

from ...parameter import LogUniform
from ..component import Multiplicative, ParSpec
from ._numerics import EXP_FLOOR, _safe_exp

__all__ = ["Cutoff", "HighECut"]


class Cutoff(Multiplicative):
    """Exponential cutoff factor ``M(E) = exp(-E / Ec)`` (dimensionless).

    Parameters
    ----------
    Ec : e-folding energy, keV; LogUniform(1, 1e5).
    """

    default_name = "cutoff"
    parameters = (ParSpec("Ec", 300.0, LogUniform(1.0, 1e5), "keV", r"$E_\mathrm{c}$"),)

    def evaluate(self, E, Ec):
        return _safe_exp(E * (-1.0 / Ec))

    def evaluate_grad(self, E, Ec):
        """M(E) and ``(∂M/∂Ec,) = (M E/Ec²,)`` (0 where the exponent is floored)."""
        y = E * (-1.0 / Ec)
        M = _safe_exp(y)
        return M, (np.where(y > EXP_FLOOR, M * (-y / Ec), 0.0),)


class HighECut(Multiplicative):
    """XSPEC ``highecut`` (White, Swank & Holt 1983, ApJ 270, 711)::

        M(E) = 1                        E <= Ec
        M(E) = exp((Ec - E) / Ef)       E >  Ec

    Parameters
    ----------
    Ec : cutoff energy, keV; LogUniform(0.1, 1e5).
    Ef : e-folding energy, keV; LogUniform(0.1, 1e5).
    """

    default_name = "hecut"
    parameters = (
        ParSpec("Ec", 100.0, LogUniform(0.1, 1e5), "keV", r"$E_\mathrm{c}$"),
        ParSpec("Ef", 100.0, LogUniform(0.1, 1e5), "keV", r"$E_\mathrm{f}$"),
    )

    def evaluate(self, E, Ec, Ef):
        return _safe_exp(np.minimum((Ec - E) / Ef, 0.0))

    def evaluate_grad(self, E, Ec, Ef):
        """M(E) and ``(∂M/∂Ec, ∂M/∂Ef)``: above Ec, with y = (Ec − E)/Ef, ``(M/Ef,
        −M y/Ef)``; 0 below Ec (M = 1; at E = Ec the one-sided slope from below) and where
        the exponent is floored."""
        y = (Ec - E) / Ef
        M = _safe_exp(np.minimum(y, 0.0))
        a = np.where((y < 0.0) & (y > EXP_FLOOR), M / Ef, 0.0)
        return M, (a, -a * y)
