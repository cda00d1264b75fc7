"""XSPEC-form continua: XSPEC's names, parameter names, units and normalisations, so that
an XSPEC model string translates one to one (``tbabs*powerlaw`` → ``tbabs * powerlaw``).

Formulas from the XSPEC manual (Arnaud 1996, ASP Conf. Ser. 101, 17; "Additive models",
"Multiplicative models"); E in keV, additive components in photons cm⁻² s⁻¹ keV⁻¹. Each
component's docstring gives its formula, its XSPEC equivalent and the paper it comes from.
bayspec's own forms (``pl``, ``cpl``, ``bb``, ``gauss``, ``hecut``) keep their names and
parametrisations.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erf, k0e, k1e

from ...parameter import LogUniform, Uniform
from ..component import Additive, Multiplicative, ParSpec
from ._numerics import EXP_FLOOR, _safe_exp
from .cutoff import HighECut

__all__ = ["XPowerLaw", "BknPower", "CutoffPL", "BBody", "BBodyRad", "Bremss", "ZPowerLw", "ZBBody",
           "GrbM", "Lorentz", "XGaussian", "ExpAbs", "XHighECut", "BBODY_CONST", "BBODYRAD_CONST"]

#: XSPEC's ``bbody`` constant: N(E) = 8.0525 K E² / (kT⁴ (e^{E/kT} − 1)) for K = L39 / D10².
BBODY_CONST = 8.0525
#: XSPEC's ``bbodyrad`` constant: N(E) = 1.0344e-3 K E² / (e^{E/kT} − 1), K = R_km² / D10².
BBODYRAD_CONST = 1.0344e-3
#: Thermal bremsstrahlung constant of XSPEC's ``bremss`` normalisation
#: K = 3.02e-15 / (4 π D²) ∫ n_e n_I dV (D in cm, n in cm⁻³).
BREMSS_CONST = 3.02e-15

_NORM = ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1 at 1 keV", r"$\mathrm{norm}$")
_SQRT2 = np.sqrt(2.0)
_SQRT2PI = np.sqrt(2.0 * np.pi)


#: ``_pl_integral`` uses the expm1 form ``(E^s − 1)/s`` for |s| below this, ``E^s/s`` above.
_PL_NEAR = 0.25


def _pl_integral(E, s):
    """An antiderivative of ``E^(s−1)``, elementwise; ``s`` broadcastable.

    ``(E^s − 1)/s`` (expm1, continuous through ``ln E`` at s = 0) for ``|s| < 0.25``;
    ``E^s/s`` otherwise. Without the constant, bin differences of steep spectra keep their
    precision (with it, ``F ≈ −1/s`` at high energies and ``F(E2) − F(E1)`` cancels; for
    Γ = 4.5 that error was 10 % at 10⁴ keV).
    """
    s = np.asarray(s, dtype=float)
    L = np.log(E)
    zero = np.abs(s) < 1e-12
    near = np.abs(s) < _PL_NEAR
    ss = np.where(zero, 1.0, s)
    x = ss * L
    if np.all(near):
        g = np.expm1(x) / ss
    elif not np.any(near):
        g = np.exp(x) / ss
    else:
        g = np.where(near, np.expm1(x), np.exp(x)) / ss
    return np.where(zero, L, g) if np.any(zero) else g


def _pl_integral_grad(E, s):
    """``_pl_integral(E, s)`` and its derivative in ``s``.

    With ``L = ln E``, ``x = s L`` and ``g = (e^x − c)/s`` (c = 1 or 0, as the value):
    ``∂g/∂s = (L e^x − g)/s``; in the expm1 branch with ``|x| < 0.05`` the series
    ``L² Σ_j (j + 1) x^j/(j + 2)!`` replaces it (no cancellation; ``L²/2`` at ``s = 0``,
    where ``g = ln E``).
    """
    s = np.asarray(s, dtype=float)
    g = _pl_integral(E, s)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        L = np.log(E)
        x = s * L
        ex = np.exp(x)
        Lex = np.where(ex > 0.0, L * ex, 0.0)  # → 0 at E = 0 when s > 0
        dg = (Lex - g) / np.where(s == 0.0, 1.0, s)
        small = (np.abs(s) < _PL_NEAR) & (np.abs(x) < 0.05)
        if np.any(small):
            xs = np.where(small, x, 0.0)
            h, term = np.zeros_like(xs), np.full_like(xs, 0.5)
            for j in range(10):  # term_j = x^j / (j + 2)!
                h = h + (j + 1) * term
                term = term * xs / (j + 3)
            dg = np.where(small, np.where(np.isfinite(L), L * L, 0.0) * h, dg)
    return g, dg


def _exp_grad(a):
    """``_safe_exp(a)`` and its derivative in ``a`` (0 where the floor holds the value)."""
    e = _safe_exp(a)
    return e, np.where(a > EXP_FLOOR, e, 0.0)


def _planck_shape(E, kT):
    """E² / (e^{E/kT} − 1), without overflow (0 at E = 0)."""
    x = np.maximum(E / kT, 1e-300)
    return (kT * kT) * (x * x * _safe_exp(-x) / -np.expm1(-x))


def _planck_shape_grad(E, kT):
    """``P = _planck_shape(E, kT)`` and ``t = ∂ ln P/∂ ln kT``.

    ``P = kT² x² e^{-x}/(1 − e^{-x})`` with ``x = E/kT``: ``t = x/(1 − e^{-x})``, and
    ``∂ ln P/∂ ln E = 2 − t``. Where ``e^{-x}`` sits on the exponent floor (x > 700) the
    value no longer follows it and ``t = x e^{-x}/(1 − e^{-x})`` (≈ 0) instead.
    """
    x = np.maximum(E / kT, 1e-300)
    q = -np.expm1(-x)
    P = (kT * kT) * (x * x * _safe_exp(-x) / q)
    t = np.where(-x > EXP_FLOOR, x / q, x * np.exp(-x) / q)
    return P, t


class XPowerLaw(Additive):
    """XSPEC ``powerlaw``: ``N(E) = norm E^(-PhoIndex)``.

    Parameters
    ----------
    PhoIndex : photon index Γ (positive for falling spectra); Uniform(-3, 10), default 1.
    norm : photons cm⁻² s⁻¹ keV⁻¹ at 1 keV; LogUniform(1e-10, 1e10).

    Exact antiderivative ``norm (E^(1-Γ) − c) / (1 − Γ)`` with c = 1 for |1 − Γ| < 0.25
    (``ln E`` at Γ = 1) and c = 0 otherwise (see `_pl_integral`).
    XSPEC equivalent: ``powerlaw``; bayspec's ``pl`` is the same with K, alpha = −Γ.
    """

    default_name = "powerlaw"
    parameters = (ParSpec("PhoIndex", 1.0, Uniform(-3.0, 10.0), "", r"$\Gamma$"), _NORM)

    def evaluate(self, E, PhoIndex, norm):
        return norm * _safe_exp(-PhoIndex * np.log(E))

    def evaluate_grad(self, E, PhoIndex, norm):
        """N(E) and ``(−N ln E, N/norm)``."""
        L = np.log(E)
        e, de = _exp_grad(-PhoIndex * L)
        return norm * e, (-norm * de * L, e)

    def antiderivative(self, E, PhoIndex, norm):
        return norm * _pl_integral(E, 1.0 - PhoIndex)

    def antiderivative_grad(self, E, PhoIndex, norm):
        """``F = norm g(E, 1 − Γ)`` (`_pl_integral`) and ``(−norm ∂g/∂s, g)``."""
        g, dg = _pl_integral_grad(E, 1.0 - PhoIndex)
        return norm * g, (-norm * dg, g)


class BknPower(Additive):
    """XSPEC ``bknpower``, broken power law::

        N(E) = norm E^(-PhoIndx1)                             E <= BreakE
        N(E) = norm BreakE^(PhoIndx2 - PhoIndx1) E^(-PhoIndx2)  E >  BreakE

    Parameters
    ----------
    PhoIndx1 : photon index below the break; Uniform(-3, 10), default 1.
    BreakE : break energy, keV; LogUniform(1e-2, 1e6), default 5.
    PhoIndx2 : photon index above the break; Uniform(-3, 10), default 2.
    norm : photons cm⁻² s⁻¹ keV⁻¹ at 1 keV (for BreakE > 1 keV).

    Exact antiderivative (piecewise). XSPEC equivalent: ``bknpower``.
    """

    default_name = "bknpower"
    parameters = (
        ParSpec("PhoIndx1", 1.0, Uniform(-3.0, 10.0), "", r"$\Gamma_1$"),
        ParSpec("BreakE", 5.0, LogUniform(1e-2, 1e6), "keV", r"$E_\mathrm{b}$"),
        ParSpec("PhoIndx2", 2.0, Uniform(-3.0, 10.0), "", r"$\Gamma_2$"),
        _NORM,
    )

    def evaluate(self, E, PhoIndx1, BreakE, PhoIndx2, norm):
        L, Lb = np.log(E), np.log(BreakE)
        low = -PhoIndx1 * L
        high = (PhoIndx2 - PhoIndx1) * Lb - PhoIndx2 * L
        return norm * _safe_exp(np.where(E <= BreakE, low, high))

    def evaluate_grad(self, E, PhoIndx1, BreakE, PhoIndx2, norm):
        """N(E) and its partials: below the break ``∂ ln N/∂Γ1 = −ln E``; above it
        ``∂ ln N/∂Γ1 = −ln Eb``, ``∂ ln N/∂Eb = (Γ2 − Γ1)/Eb``, ``∂ ln N/∂Γ2 = ln Eb − ln E``.
        """
        L, Lb = np.log(E), np.log(BreakE)
        below = E <= BreakE
        e, de = _exp_grad(np.where(below, -PhoIndx1 * L, (PhoIndx2 - PhoIndx1) * Lb - PhoIndx2 * L))
        w = np.asarray(below, dtype=float)
        nde = norm * de
        return norm * e, (-nde * (w * L + (1.0 - w) * Lb),
                          nde * ((1.0 - w) * ((PhoIndx2 - PhoIndx1) / BreakE)),
                          nde * ((1.0 - w) * (Lb - L)), e)

    def antiderivative(self, E, PhoIndx1, BreakE, PhoIndx2, norm):
        s1, s2 = 1.0 - PhoIndx1, 1.0 - PhoIndx2
        Em = np.minimum(E, BreakE)
        F1 = _pl_integral(Em, s1)
        amp = _safe_exp((PhoIndx2 - PhoIndx1) * np.log(BreakE))
        F2 = amp * (_pl_integral(np.maximum(E, BreakE), s2) - _pl_integral(BreakE, s2))
        return norm * (F1 + F2)

    def antiderivative_grad(self, E, PhoIndx1, BreakE, PhoIndx2, norm):
        """``F = norm (F1 + A ΔG)`` and its partials, with ``F1 = g(min(E, Eb), s1)``,
        ``A = Eb^(Γ2−Γ1)``, ``ΔG = g(max(E, Eb), s2) − g(Eb, s2)`` (g: `_pl_integral`,
        ``s = 1 − Γ``)::

            ∂F/∂Γ1 = −norm (∂g/∂s(min(E, Eb), s1) + A ln Eb ΔG)
            ∂F/∂Eb = norm A (Γ2 − Γ1) ΔG / Eb    (the ∂/∂Eb of both limits cancel)
            ∂F/∂Γ2 = norm A (ln Eb ΔG − ∂ΔG/∂s)
        """
        s1, s2 = 1.0 - PhoIndx1, 1.0 - PhoIndx2
        Lb = np.log(BreakE)
        F1, dF1 = _pl_integral_grad(np.minimum(E, BreakE), s1)
        amp, damp = _exp_grad((PhoIndx2 - PhoIndx1) * Lb)
        Gh, dGh = _pl_integral_grad(np.maximum(E, BreakE), s2)
        Gb, dGb = _pl_integral_grad(BreakE, s2)
        dG = Gh - Gb
        F = norm * (F1 + amp * dG)
        return F, (-norm * (dF1 + damp * Lb * dG),
                   norm * damp * ((PhoIndx2 - PhoIndx1) / BreakE) * dG,
                   norm * (damp * Lb * dG - amp * (dGh - dGb)),
                   F1 + amp * dG)


class CutoffPL(Additive):
    """XSPEC ``cutoffpl``: ``N(E) = norm E^(-PhoIndex) exp(-E / HighECut)``.

    Parameters
    ----------
    PhoIndex : photon index; Uniform(-3, 10), default 1.
    HighECut : e-folding energy, keV; LogUniform(1e-2, 1e6), default 15.
    norm : photons cm⁻² s⁻¹ keV⁻¹ at 1 keV (without the cutoff).

    Integrated by quadrature. XSPEC equivalent: ``cutoffpl``; bayspec's ``cpl`` is the
    same spectrum parametrised by the νFν peak Ep = (2 − Γ) HighECut.
    """

    default_name = "cutoffpl"
    parameters = (
        ParSpec("PhoIndex", 1.0, Uniform(-3.0, 10.0), "", r"$\Gamma$"),
        ParSpec("HighECut", 15.0, LogUniform(1e-2, 1e6), "keV", r"$E_\mathrm{c}$"),
        _NORM,
    )

    def evaluate(self, E, PhoIndex, HighECut, norm):
        return norm * _safe_exp(-PhoIndex * np.log(E) - E / HighECut)

    def evaluate_grad(self, E, PhoIndex, HighECut, norm):
        """N(E) and ``(−N ln E, N E/HighECut², N/norm)``."""
        L = np.log(E)
        e, de = _exp_grad(-PhoIndex * L - E / HighECut)
        nde = norm * de
        return norm * e, (-nde * L, nde * (E / (HighECut * HighECut)), e)


class BBody(Additive):
    """XSPEC ``bbody``: ``N(E) = norm 8.0525 E² / (kT⁴ (exp(E/kT) − 1))``.

    norm = L39 / D10² (luminosity in 10³⁹ erg s⁻¹, distance in 10 kpc).

    Parameters
    ----------
    kT : temperature, keV; LogUniform(1e-3, 1e3), default 3.
    norm : L39 / D10²; LogUniform(1e-10, 1e10).

    XSPEC equivalent: ``bbody`` (bayspec's ``bb`` is the same with K).
    """

    default_name = "bbody"
    parameters = (ParSpec("kT", 3.0, LogUniform(1e-3, 1e3), "keV", r"$kT$"),
                  ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "L39/D10^2", r"$\mathrm{norm}$"))

    def evaluate(self, E, kT, norm):
        return (BBODY_CONST * norm / kT**4) * _planck_shape(E, kT)

    def evaluate_grad(self, E, kT, norm):
        """N(E) and ``(N (t − 4)/kT, N/norm)``, ``t = x/(1 − e^{-x})``, x = E/kT."""
        P, t = _planck_shape_grad(E, kT)
        N = (BBODY_CONST * norm / kT**4) * P
        return N, (N * ((t - 4.0) / kT), (BBODY_CONST / kT**4) * P)


class BBodyRad(Additive):
    """XSPEC ``bbodyrad``: ``N(E) = norm 1.0344e-3 E² / (exp(E/kT) − 1)``.

    norm = R_km² / D10² (source radius in km, distance in 10 kpc).

    Parameters
    ----------
    kT : temperature, keV; LogUniform(1e-3, 1e3), default 3.
    norm : R_km² / D10²; LogUniform(1e-10, 1e10).

    XSPEC equivalent: ``bbodyrad``.
    """

    default_name = "bbodyrad"
    parameters = (ParSpec("kT", 3.0, LogUniform(1e-3, 1e3), "keV", r"$kT$"),
                  ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "R_km^2/D10^2", r"$\mathrm{norm}$"))

    def evaluate(self, E, kT, norm):
        return (BBODYRAD_CONST * norm) * _planck_shape(E, kT)

    def evaluate_grad(self, E, kT, norm):
        """N(E) and ``(N t/kT, N/norm)``, ``t = x/(1 − e^{-x})``, x = E/kT."""
        P, t = _planck_shape_grad(E, kT)
        N = (BBODYRAD_CONST * norm) * P
        return N, (N * (t / kT), BBODYRAD_CONST * P)


def born_gaunt(E, kT):
    """Thermally averaged free-free Gaunt factor in the Born approximation::

        g(E, kT) = (√3 / π) e^{x/2} K₀(x/2),   x = E / kT

    (Rybicki & Lightman 1979, eq. 5.17 averaged over a Maxwellian; valid for kT ≫ 13.6 eV).
    """
    x = np.maximum(E / kT, 1e-300)
    return (np.sqrt(3.0) / np.pi) * k0e(0.5 * x)


class Bremss(Additive):
    """Thermal bremsstrahlung with XSPEC ``bremss``'s normalisation::

        N(E) = norm g(E, kT) kT^(-1/2) exp(-E/kT) / E

    norm = 3.02e-15 / (4 π D²) ∫ n_e n_I dV (D in cm, densities in cm⁻³): 3.02e-15 is the
    emissivity 6.8e-38 T^(-1/2) e^(-hν/kT) g erg s⁻¹ cm⁻³ Hz⁻¹ (Rybicki & Lightman 1979,
    eq. 5.14b) turned into photons keV⁻¹ with T in keV.

    The Gaunt factor here is the Born approximation (`born_gaunt`), accurate for
    kT ≫ 13.6 eV and E ≲ kT; XSPEC uses the polynomial fits of Kellogg, Baldwin & Koch
    (1975, ApJ 199, 299) to Karzas & Latter (1961), which differ from it by up to ~10-20 %
    at kT ~ 1 keV. Use XSPEC or a table model where that matters.

    Parameters
    ----------
    kT : plasma temperature, keV; LogUniform(1e-2, 1e3), default 7.
    norm : as above; LogUniform(1e-10, 1e10).
    """

    default_name = "bremss"
    parameters = (ParSpec("kT", 7.0, LogUniform(1e-2, 1e3), "keV", r"$kT$"),
                  ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "3.02e-15/(4piD^2) int ne nI dV",
                          r"$\mathrm{norm}$"))

    def evaluate(self, E, kT, norm):
        x = np.maximum(E / kT, 1e-300)
        # g e^{-x} with g = (√3/π) e^{x/2} K0(x/2) = (√3/π) k0e(x/2): no overflow
        g_exp = (np.sqrt(3.0) / np.pi) * k0e(0.5 * x) * _safe_exp(-x)
        return norm * g_exp / (np.sqrt(kT) * np.maximum(E, 1e-300))

    def evaluate_grad(self, E, kT, norm):
        """N(E) and ``(∂N/∂kT, N/norm)``.

        With ``x = E/kT``, ``d/dy [e^y K₀(y)] = e^y (K₀(y) − K₁(y))`` (Abramowitz & Stegun
        9.6.27) gives ``∂ ln N/∂kT = (x/2 (1 + K₁(x/2)/K₀(x/2)) − 1/2)/kT``; where e^{-x}
        is on the exponent floor (x > 700) the ``x`` from it drops out.
        """
        x = np.maximum(E / kT, 1e-300)
        k0, k1 = k0e(0.5 * x), k1e(0.5 * x)
        g_exp = (np.sqrt(3.0) / np.pi) * k0 * _safe_exp(-x)
        N = norm * g_exp / (np.sqrt(kT) * np.maximum(E, 1e-300))
        m = np.where(-x > EXP_FLOOR, 1.0, 0.0)
        dlnN = (x * (m - 0.5 + 0.5 * (k1 / k0)) - 0.5) / kT
        return N, (N * dlnN, g_exp / (np.sqrt(kT) * np.maximum(E, 1e-300)))


class ZPowerLw(Additive):
    """XSPEC ``zpowerlw``: ``N(E) = norm (E (1 + Redshift))^(-PhoIndex)``.

    Parameters
    ----------
    PhoIndex : photon index; Uniform(-3, 10), default 1.
    Redshift : source redshift; Uniform(-0.999, 10), frozen at 0.
    norm : photons cm⁻² s⁻¹ keV⁻¹ at 1 keV in the source frame.

    Exact antiderivative. XSPEC equivalent: ``zpowerlw``.
    """

    default_name = "zpowerlw"
    parameters = (ParSpec("PhoIndex", 1.0, Uniform(-3.0, 10.0), "", r"$\Gamma$"),
                  ParSpec("Redshift", 0.0, Uniform(-0.999, 10.0), "", r"$z$", frozen=True), _NORM)

    def evaluate(self, E, PhoIndex, Redshift, norm):
        return norm * _safe_exp(-PhoIndex * np.log(E * (1.0 + Redshift)))

    def evaluate_grad(self, E, PhoIndex, Redshift, norm):
        """N(E) and ``(−N ln(E (1+z)), −N Γ/(1+z), N/norm)``."""
        zf = 1.0 + Redshift
        L = np.log(E * zf)
        e, de = _exp_grad(-PhoIndex * L)
        nde = norm * de
        return norm * e, (-nde * L, -nde * (PhoIndex / zf), e)

    def antiderivative(self, E, PhoIndex, Redshift, norm):
        zf = 1.0 + Redshift
        return (norm / zf) * _pl_integral(E * zf, 1.0 - PhoIndex)

    def antiderivative_grad(self, E, PhoIndex, Redshift, norm):
        """``F = norm g(E (1+z), 1 − Γ)/(1+z)`` (g: `_pl_integral`) and
        ``(−norm ∂g/∂s/(1+z), norm ((E (1+z))^(1−Γ) − g)/(1+z)², g/(1+z))``."""
        zf = 1.0 + Redshift
        Ez = E * zf
        s = 1.0 - PhoIndex
        g, dg = _pl_integral_grad(Ez, s)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            Es = np.exp(s * np.log(Ez))
        return (norm / zf) * g, (-(norm / zf) * dg, (norm / (zf * zf)) * (Es - g), g / zf)


class ZBBody(Additive):
    """XSPEC ``zbbody``, redshifted blackbody::

        N(E) = norm 8.0525 (E (1+z))² / ((1+z) kT⁴ (exp(E (1+z) / kT) − 1))

    kT in the source frame; norm = L39 / (D10 (1+z))² (XSPEC manual, ``zbbody``).

    Parameters
    ----------
    kT : rest-frame temperature, keV; LogUniform(1e-3, 1e3), default 3.
    Redshift : Uniform(-0.999, 10), frozen at 0.
    norm : L39 / (D10 (1+z))²; LogUniform(1e-10, 1e10).
    """

    default_name = "zbbody"
    parameters = (ParSpec("kT", 3.0, LogUniform(1e-3, 1e3), "keV", r"$kT$"),
                  ParSpec("Redshift", 0.0, Uniform(-0.999, 10.0), "", r"$z$", frozen=True),
                  ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "L39/(D10(1+z))^2", r"$\mathrm{norm}$"))

    def evaluate(self, E, kT, Redshift, norm):
        zf = 1.0 + Redshift
        return (BBODY_CONST * norm / (zf * kT**4)) * _planck_shape(E * zf, kT)

    def evaluate_grad(self, E, kT, Redshift, norm):
        """N(E) and ``(N (t − 4)/kT, N (1 − t)/(1+z), N/norm)``, ``t = x/(1 − e^{-x})``,
        x = E (1+z)/kT."""
        zf = 1.0 + Redshift
        P, t = _planck_shape_grad(E * zf, kT)
        c = BBODY_CONST / (zf * kT**4)
        N = (c * norm) * P
        return N, (N * ((t - 4.0) / kT), N * ((1.0 - t) / zf), c * P)


class GrbM(Additive):
    """XSPEC ``grbm``, the GRB Band model with a 100 keV pivot (Band et al. 1993, ApJ 413,
    281)::

        N(E) = norm (E/100)^alpha exp(-E/tem)                                E < (alpha-beta) tem
        N(E) = norm ((alpha-beta) tem/100)^(alpha-beta) exp(beta-alpha) (E/100)^beta  otherwise

    Parameters
    ----------
    alpha : low-energy index; Uniform(-10, 5), default −1.
    beta : high-energy index; Uniform(-10, 10), default −2.
    tem : e-folding (characteristic) energy, keV; LogUniform(1e-2, 1e6), default 300.
    norm : photons cm⁻² s⁻¹ keV⁻¹ at 100 keV (low-energy branch without the cutoff).

    XSPEC equivalent: ``grbm``; bayspec's ``band`` is the same spectrum with
    Ep = (2 + alpha) tem.
    """

    default_name = "grbm"
    parameters = (
        ParSpec("alpha", -1.0, Uniform(-10.0, 5.0), "", r"$\alpha$"),
        ParSpec("beta", -2.0, Uniform(-10.0, 10.0), "", r"$\beta$"),
        ParSpec("tem", 300.0, LogUniform(1e-2, 1e6), "keV", r"$E_\mathrm{c}$"),
        ParSpec("norm", 0.01, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1 at 100 keV", r"$\mathrm{norm}$"),
    )

    def evaluate(self, E, alpha, beta, tem, norm):
        L = np.log(E / 100.0)
        ab = np.maximum(alpha - beta, 1e-300)
        Eb = ab * tem
        low = alpha * L - E / tem
        high = ab * np.log(Eb / 100.0) - ab + beta * L
        return norm * _safe_exp(np.where(E < Eb, low, high))

    def evaluate_grad(self, E, alpha, beta, tem, norm):
        """N(E) and its partials. Below the break ``∂ ln N/∂alpha = ln(E/100)``,
        ``∂ ln N/∂tem = E/tem²``; above it, with ``ab = alpha − beta`` and ``Eb = ab tem``,
        ``∂ ln N/∂alpha = ln(Eb/100)``, ``∂ ln N/∂beta = ln(E/100) − ln(Eb/100)``,
        ``∂ ln N/∂tem = ab/tem`` (``ab`` is held at 1e-300 when alpha ≤ beta, so there the
        ``ln(Eb/100)`` terms drop out)."""
        L = np.log(E / 100.0)
        ab = np.maximum(alpha - beta, 1e-300)
        k = np.where(alpha - beta > 1e-300, 1.0, 0.0)
        Eb = ab * tem
        lb = np.log(Eb / 100.0)
        x = E / tem
        below = E < Eb
        e, de = _exp_grad(np.where(below, alpha * L - x, ab * lb - ab + beta * L))
        w = np.asarray(below, dtype=float)
        nde = norm * de
        return norm * e, (nde * (w * L + (1.0 - w) * (k * lb)),
                          nde * ((1.0 - w) * (L - k * lb)),
                          nde * (w * (x / tem) + (1.0 - w) * (ab / tem)), e)


class Lorentz(Additive):
    """XSPEC ``lorentz``, Lorentzian line::

        N(E) = norm (Width / 2π) / ((E − LineE)² + (Width/2)²)

    norm is the total line flux (photons cm⁻² s⁻¹) over −∞ < E < ∞; Width the FWHM.
    Exact antiderivative ``(norm/π) arctan(2 (E − LineE) / Width)``.

    Parameters
    ----------
    LineE : line energy, keV; LogUniform(1e-3, 1e6), default 6.5.
    Width : FWHM, keV; LogUniform(1e-4, 1e3), default 0.1.
    norm : photons cm⁻² s⁻¹; LogUniform(1e-10, 1e10).
    """

    default_name = "lorentz"
    parameters = (ParSpec("LineE", 6.5, LogUniform(1e-3, 1e6), "keV", r"$E_\mathrm{l}$"),
                  ParSpec("Width", 0.1, LogUniform(1e-4, 1e3), "keV", r"$\Gamma$"),
                  ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1", r"$\mathrm{norm}$"))

    def evaluate(self, E, LineE, Width, norm):
        h = 0.5 * Width
        return norm * (h / np.pi) / ((E - LineE) ** 2 + h * h)

    def evaluate_grad(self, E, LineE, Width, norm):
        """N(E) and, with ``d = E − LineE``, ``h = Width/2``, ``D = d² + h²``:
        ``(2 N d/D, N (d² − h²)/(2 h D), N/norm)``."""
        h = 0.5 * Width
        d = E - LineE
        d2 = d * d
        D = d2 + h * h
        f = (h / np.pi) / D
        N = norm * (h / np.pi) / ((E - LineE) ** 2 + h * h)
        return N, (N * (2.0 * d / D), N * ((d2 - h * h) / (2.0 * h * D)), f)

    def antiderivative(self, E, LineE, Width, norm):
        return (norm / np.pi) * np.arctan((E - LineE) / (0.5 * Width))

    def antiderivative_grad(self, E, LineE, Width, norm):
        """``F = (norm/π) arctan(d/h)`` and ``(−(norm/π) h/D, −(norm/π) d/(2D), F/norm)``,
        with ``d = E − LineE``, ``h = Width/2``, ``D = d² + h²``."""
        h = 0.5 * Width
        d = E - LineE
        D = d * d + h * h
        at = np.arctan(d / h)
        c = norm / np.pi
        return c * at, (-c * (h / D), -c * (0.5 * d / D), at / np.pi)


class XGaussian(Additive):
    """XSPEC ``gaussian``: ``N(E) = norm / (Sigma √(2π)) exp(−(E − LineE)² / (2 Sigma²))``.

    norm is the total line flux (photons cm⁻² s⁻¹). Exact antiderivative with erf.

    Parameters
    ----------
    LineE : keV; LogUniform(1e-3, 1e6), default 6.5.
    Sigma : line width, keV; LogUniform(1e-4, 1e3), default 0.1.
    norm : photons cm⁻² s⁻¹; LogUniform(1e-10, 1e10).

    XSPEC equivalent: ``gaussian`` (bayspec's ``gauss`` is the same with K, El, sigma).
    """

    default_name = "gaussian"
    parameters = (ParSpec("LineE", 6.5, LogUniform(1e-3, 1e6), "keV", r"$E_\mathrm{l}$"),
                  ParSpec("Sigma", 0.1, LogUniform(1e-4, 1e3), "keV", r"$\sigma$"),
                  ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1", r"$\mathrm{norm}$"))

    def evaluate(self, E, LineE, Sigma, norm):
        z = (E - LineE) / Sigma
        return (norm / (Sigma * _SQRT2PI)) * _safe_exp(-0.5 * z * z)

    def evaluate_grad(self, E, LineE, Sigma, norm):
        """N(E) and, with ``z = (E − LineE)/Sigma``: ``(N z/Sigma, N (z² − 1)/Sigma,
        N/norm)``."""
        z = (E - LineE) / Sigma
        e, de = _exp_grad(-0.5 * z * z)
        c = 1.0 / (Sigma * _SQRT2PI)
        N = (norm / (Sigma * _SQRT2PI)) * e
        ncde = (norm * c) * de
        return N, (ncde * (z / Sigma), ncde * (z * z / Sigma) - N / Sigma, c * e)

    def antiderivative(self, E, LineE, Sigma, norm):
        return (0.5 * norm) * erf((E - LineE) / (Sigma * _SQRT2))

    def antiderivative_grad(self, E, LineE, Sigma, norm):
        """``F = (norm/2) erf(z/√2)`` and, with ``φ = e^{-z²/2}/(Sigma √(2π))``:
        ``(−norm φ, −norm z φ, F/norm)``."""
        z = (E - LineE) / Sigma
        phi = np.exp(-0.5 * z * z) / (Sigma * _SQRT2PI)
        r = erf((E - LineE) / (Sigma * _SQRT2))
        return (0.5 * norm) * r, (-norm * phi, -norm * (z * phi), 0.5 * r)


class ExpAbs(Multiplicative):
    """XSPEC ``expabs``, low-energy exponential rolloff: ``M(E) = exp(−LowECut / E)``.

    Parameters
    ----------
    LowECut : e-folding energy of the absorption, keV; LogUniform(1e-3, 1e3), default 2.
    """

    default_name = "expabs"
    parameters = (ParSpec("LowECut", 2.0, LogUniform(1e-3, 1e3), "keV", r"$E_\mathrm{c}$"),)

    def evaluate(self, E, LowECut):
        return _safe_exp(-LowECut / np.maximum(E, 1e-300))

    def evaluate_grad(self, E, LowECut):
        """M(E) and ``(−M/E,)``."""
        Ec = np.maximum(E, 1e-300)
        e, de = _exp_grad(-LowECut / Ec)
        return e, (-de / Ec,)


class XHighECut(HighECut):
    """XSPEC ``highecut`` with XSPEC's parameter names (White, Swank & Holt 1983, ApJ 270,
    711)::

        M(E) = 1                               E <= cutoffE
        M(E) = exp((cutoffE − E) / foldE)      E >  cutoffE

    Parameters
    ----------
    cutoffE : keV; LogUniform(1e-4, 1e6), default 10.
    foldE : keV; LogUniform(1e-4, 1e6), default 15.

    bayspec's ``hecut`` is the same factor with Ec, Ef.
    """

    default_name = "highecut"
    parameters = (ParSpec("cutoffE", 10.0, LogUniform(1e-4, 1e6), "keV", r"$E_\mathrm{c}$"),
                  ParSpec("foldE", 15.0, LogUniform(1e-4, 1e6), "keV", r"$E_\mathrm{f}$"))

    def evaluate(self, E, cutoffE, foldE):
        return _safe_exp(np.minimum((cutoffE - E) / foldE, 0.0))

    def evaluate_grad(self, E, cutoffE, foldE):
        """M(E) and, above cutoffE, ``(M/foldE, −M (cutoffE − E)/foldE²)`` (0 below it)."""
        a = np.minimum((cutoffE - E) / foldE, 0.0)
        e, de = _exp_grad(a)
        above = np.where(E > cutoffE, de, 0.0)
        return e, (above / foldE, -de * (a / foldE))
