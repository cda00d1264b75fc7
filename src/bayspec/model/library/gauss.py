"""Gaussian line ``gauss`` (XSPEC ``gaussian``)."""

from __future__ import annotations

import numpy as np
from scipy.special import erf

from ...parameter import LogUniform
from ..component import Additive, ParSpec
from ._numerics import EXP_FLOOR, _safe_exp

__all__ = ["Gaussian"]

_SQRT2 = np.sqrt(2.0)
_SQRT2PI = np.sqrt(2.0 * np.pi)


class Gaussian(Additive):
    """Gaussian line, as XSPEC ``gaussian``::

        N(E) = K / (sigma sqrt(2 pi)) exp(-(E - El)² / (2 sigma²))

    [photons cm⁻² s⁻¹ keV⁻¹]; K is the total line flux. Exact antiderivative
    ``(K/2) erf((E - El) / (sigma sqrt 2))``, so even lines narrower than a bin integrate
    exactly (in the far tails the bin integrals are exact to ~1e-16 K absolute).

    Parameters
    ----------
    K : line flux, photons cm⁻² s⁻¹; LogUniform(1e-10, 1e10).
    El : line energy, keV; LogUniform(0.01, 1e5).
    sigma : line width, keV; LogUniform(1e-3, 1e4).
    """

    default_name = "gauss"
    parameters = (
        ParSpec("K", 1.0, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1", r"$K$"),
        ParSpec("El", 6.4, LogUniform(1e-2, 1e5), "keV", r"$E_\mathrm{l}$"),
        ParSpec("sigma", 0.1, LogUniform(1e-3, 1e4), "keV", r"$\sigma$"),
    )

    def evaluate(self, E, K, El, sigma):
        z = (E - El) / sigma
        return (K / (sigma * _SQRT2PI)) * _safe_exp(-0.5 * z * z)

    def antiderivative(self, E, K, El, sigma):
        return (0.5 * K) * erf((E - El) / (sigma * _SQRT2))

    def evaluate_grad(self, E, K, El, sigma):
        """N(E) and ``(∂N/∂K, ∂N/∂El, ∂N/∂sigma) = (N/K, N z/sigma, N (z² − 1)/sigma)``
        with z = (E − El)/sigma; the exponential's terms are 0 where it is floored
        (``_safe_exp``), leaving ``−N/sigma``."""
        z = (E - El) / sigma
        y = -0.5 * z * z
        n1 = (1.0 / (sigma * _SQRT2PI)) * _safe_exp(y)
        N = (K / (sigma * _SQRT2PI)) * _safe_exp(y)
        zs = np.where(y > EXP_FLOOR, z / sigma, 0.0)
        return N, (n1, N * zs, N * (zs * z - 1.0 / sigma))

    def antiderivative_grad(self, E, K, El, sigma):
        """``F = (K/2) erf(u)``, u = (E − El)/(sigma √2), and ``(F/K, −N, −N z)``: the
        derivatives of erf, ``(2/√π) e^(−u²) ∂u/∂p``, with N the line density at E and
        z = (E − El)/sigma."""
        z = (E - El) / sigma
        F = (0.5 * K) * erf((E - El) / (sigma * _SQRT2))
        N = (K / (sigma * _SQRT2PI)) * _safe_exp(-0.5 * z * z)
        return F, (0.5 * erf((E - El) / (sigma * _SQRT2)), -N, -N * z)
