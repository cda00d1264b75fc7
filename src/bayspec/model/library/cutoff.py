"""Multiplicative high-energy cutoffs ``cutoff`` and ``hecut``."""

from __future__ import annotations

import numpy as np

from ...parameter import LogUniform
from ..component import Multiplicative, ParSpec
from ._numerics import _safe_exp

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
