"""Multicolour disk blackbody ``mbb`` (Mitsuda et al. 1984; XSPEC ``diskbb``-like)."""

from __future__ import annotations

import numpy as np

from ...constants import H_KEV_S
from ...parameter import LogUniform
from ..component import Additive, ParSpec
from ._numerics import EXP_FLOOR, _safe_exp

__all__ = ["DiskBlackbody"]

# Photon blackbody 2 E² / (h³ c²) in photons cm⁻² s⁻¹ keV⁻¹ sr⁻¹ per keV² (CODATA 2018).
_C_CM_S = 2.99792458e10
_KPC_CM = 3.0856775814913673e21
_B0 = 2.0 / (H_KEV_S**3 * _C_CM_S**2)
#: (8 π / 3) (1 km / 10 kpc)² × 2 / (h³ c²): K = (R_in/km / (D/10 kpc))² cos i.
DISKBB_CONST = 8.0 * np.pi / 3.0 * (1e5 / (10.0 * _KPC_CM)) ** 2 * _B0

# Fixed-order Gauss–Legendre rule for G(a) = ∫_0^∞ (a+t)^{5/3} / (e^{a+t} − 1) dt with
# t = τ³ on τ ∈ [0, 40^{1/3}] (the integrand beyond t = 40 is < e^-40 of the bulk).
_NQ = 40
_g, _w = np.polynomial.legendre.leggauss(_NQ)
_TMAX = 40.0 ** (1.0 / 3.0)
_TAU = 0.5 * _TMAX * (_g + 1.0)
_T = _TAU**3
_WT = 0.5 * _TMAX * _w * 3.0 * _TAU**2


def _G(a):
    """G(a) = ∫_a^∞ y^{5/3} / (e^y − 1) dy, vectorised over ``a`` (any shape, a ≥ 0)."""
    y = a[..., None] + _T
    f = _safe_exp((5.0 / 3.0) * np.log(y) - y) / -np.expm1(-y)
    return f @ _WT


def _G_and_slope(a):
    """``(G(a), dG/da)`` of the same quadrature rule as `_G` (the slope is the rule's own
    derivative, ``Σ w f'(a + t)`` with ``f'/f = 5/(3y) − 1/(1 − e^-y)``, so that it is the
    exact derivative of the computed G; 0 for the exponential where it is floored)."""
    y = a[..., None] + _T
    arg = (5.0 / 3.0) * np.log(y) - y
    q = -np.expm1(-y)
    f = _safe_exp(arg) / q
    dlnf = np.where(arg > EXP_FLOOR, (5.0 / 3.0) / y - 1.0 / q, 1.0 - 1.0 / q)
    return f @ _WT, (f * dlnf) @ _WT


class DiskBlackbody(Additive):
    """Multicolour accretion-disk blackbody (Mitsuda et al. 1984, PASJ 36, 741; Makishima
    et al. 1986, ApJ 308, 635), normalised like XSPEC ``diskbb``::

        N(E) = K C ∫_0^{Tin} (T/Tin)^(-11/3) B(E, T) dT / Tin
             = K C E^(-2/3) Tin^(8/3) G(E / Tin),   G(a) = ∫_a^∞ y^(5/3) / (e^y − 1) dy

    with B(E, T) = E² / (exp(E/T) − 1) and C = (8π/3) (1 km / 10 kpc)² 2/(h³c²)
    (``DISKBB_CONST`` ≈ 2.77e-3), so K = ((R_in / km) / (D / 10 kpc))² cos i.
    [photons cm⁻² s⁻¹ keV⁻¹]. The outer temperature is taken to 0. G is computed by a
    fixed 40-point Gauss–Legendre rule in τ = t^(1/3), t = y − a (relative accuracy
    better than 1e-9 for a ≥ 1e-6). N diverges (integrably) like E^(-2/3) at E → 0.

    Parameters
    ----------
    K : (R_in/km / (D/10 kpc))² cos i; LogUniform(1e-10, 1e10).
    Tin : inner-disk temperature, keV; LogUniform(0.01, 1e3).
    """

    default_name = "mbb"
    parameters = (
        ParSpec("K", 1.0, LogUniform(1e-10, 1e10), "(Rin/km/D10)^2 cos i", r"$K$"),
        ParSpec("Tin", 1.0, LogUniform(1e-2, 1e3), "keV", r"$T_\mathrm{in}$"),
    )

    def evaluate(self, E, K, Tin):
        E, Tin = np.broadcast_arrays(np.asarray(E, float), np.asarray(Tin, float))
        a = E / Tin
        return (K * DISKBB_CONST) * np.exp((8.0 / 3.0) * np.log(Tin) - (2.0 / 3.0) * np.log(E)) * _G(a)

    def evaluate_grad(self, E, K, Tin):
        """N(E) and ``(∂N/∂K, ∂N/∂Tin)``: with P = E^(-2/3) Tin^(8/3) and a = E/Tin,
        ``∂N/∂Tin = K C P (8/3 G(a) − a G'(a)) / Tin`` (G' of the same quadrature as G)."""
        E, Tin = np.broadcast_arrays(np.asarray(E, float), np.asarray(Tin, float))
        a = E / Tin
        P = np.exp((8.0 / 3.0) * np.log(Tin) - (2.0 / 3.0) * np.log(E))
        G, dG = _G_and_slope(a)
        CP = DISKBB_CONST * P
        N = (K * DISKBB_CONST) * P * G
        return N, (CP * G, (K * CP) * ((8.0 / 3.0) * G - a * dG) / Tin)
