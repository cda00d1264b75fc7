"""Constants: additive ``const`` (flat photon spectrum) and multiplicative ``mconst``."""

from __future__ import annotations

import numpy as np

from ...parameter import LogUniform, Uniform
from ..component import Additive, Multiplicative, ParSpec

__all__ = ["Constant", "MultConstant"]


class Constant(Additive):
    """Flat photon spectrum ``N(E) = K`` [photons cm⁻² s⁻¹ keV⁻¹]; exact integral K E.

    Parameters
    ----------
    K : photons cm⁻² s⁻¹ keV⁻¹; LogUniform(1e-10, 1e10).
    """

    default_name = "const"
    parameters = (ParSpec("K", 1.0, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1", r"$K$"),)

    def evaluate(self, E, K):
        return K * np.ones_like(E)

    def antiderivative(self, E, K):
        return K * E

    def evaluate_grad(self, E, K):
        return K * np.ones_like(E), (np.ones_like(E),)

    def antiderivative_grad(self, E, K):
        return K * E, (E,)


class MultConstant(Multiplicative):
    """Energy-independent factor ``M(E) = f`` (e.g. a cross-calibration constant).

    Parameters
    ----------
    f : dimensionless; Uniform(0, 10).
    """

    default_name = "mconst"
    energy_independent = True
    parameters = (ParSpec("f", 1.0, Uniform(0.0, 10.0), "", r"$f$"),)

    def evaluate(self, E, f):
        return f

    def evaluate_grad(self, E, f):
        return f, (1.0,)
