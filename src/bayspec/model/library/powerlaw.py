"""Power law ``pl``: N(E) = K (E / E0)^alpha."""

from __future__ import annotations

import numpy as np

from ...parameter import LogUniform, Uniform
from ..component import Additive, ParSpec
from ._numerics import _log_of, _safe_exp

__all__ = ["PowerLaw"]


class PowerLaw(Additive):
    """Power law.

    ``N(E) = K (E / E0)^alpha``  [photons cm⁻² s⁻¹ keV⁻¹], E in keV.

    Parameters
    ----------
    K : photons cm⁻² s⁻¹ keV⁻¹ at E0; LogUniform(1e-10, 1e10).
    alpha : photon index (negative for falling spectra); Uniform(-6, 4).

    Settings
    --------
    E0 : pivot energy, keV (default 1, as XSPEC ``powerlaw``).

    The exact antiderivative ``K E0 ((E/E0)^(alpha+1) - c) / (alpha + 1)`` is used, with
    ``c = 1`` for |alpha + 1| < 0.1 (``expm1`` form, continuous through alpha = −1 where it
    becomes ``K E0 ln(E/E0)``) and ``c = 0`` otherwise (avoids cancellation for steep
    spectra).
    """

    default_name = "pl"
    parameters = (
        ParSpec("K", 1.0, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1", r"$K$"),
        ParSpec("alpha", -1.5, Uniform(-6.0, 4.0), "", r"$\alpha$"),
    )
    default_settings = {"E0": 1.0}

    def evaluate(self, E, K, alpha):
        return K * _safe_exp(alpha * _log_of(self, E, self.settings["E0"]))

    def evaluate_grad(self, E, K, alpha):
        """N(E) and ``(N/K, N ln(E/E0))``."""
        N = self.evaluate(E, K, alpha)
        return N, (N / K, N * _log_of(self, E, self.settings["E0"]))

    def antiderivative_grad(self, E, K, alpha):
        """The antiderivative ``F = K E0 g`` and ``(F/K, K E0 ∂g/∂alpha)``.

        With ``s = alpha + 1``, ``x = s ln(E/E0)`` and ``g = (e^x − c)/s``:
        ``∂g/∂s = (ln(E/E0) e^x − g)/s``; for ``c = 1`` and ``|x| < 0.05`` the series
        ``ln(E/E0)² Σ_j (j + 1) x^j/(j + 2)!`` replaces it (no cancellation), and at
        ``s = 0`` it is ``ln(E/E0)²/2``.
        """
        E0 = self.settings["E0"]
        F = self.antiderivative(E, K, alpha)
        L = _log_of(self, E, E0)
        s = alpha + 1.0
        x = s * L
        g = F / (K * E0)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            ex = _safe_exp(x)
            Lex = np.where(ex > 0.0, L * ex, 0.0)
            closed = (Lex - g) / np.where(s == 0.0, 1.0, s)
            small = (np.abs(s) < 0.1) & (np.abs(x) < 0.05)
            if np.any(small):
                xs = np.where(small, x, 0.0)
                h, term = np.zeros_like(xs), np.ones_like(xs) / 2.0
                for j in range(12):  # term_j = x^j / (j + 2)!
                    h = h + (j + 1) * term
                    term = term * xs / (j + 3)
                closed = np.where(small, np.where(np.isfinite(L), L * L, 0.0) * h, closed)
        return F, (F / K, (K * E0) * closed)

    def antiderivative(self, E, K, alpha):
        E0 = self.settings["E0"]
        L = _log_of(self, E, E0)
        s = alpha + 1.0
        x = s * L
        # Select expm1 (|s| < 0.1) or exp per parameter row with 0/1 weights: exact, and
        # cheaper than np.where on (n, m) arrays.
        small = np.abs(s) < 0.1
        w = np.asarray(small, dtype=float)
        zero = s == 0.0
        inv = 1.0 / np.where(zero, 1.0, s)
        g = (np.expm1(x) * (w * inv) + _safe_exp(x) * ((1.0 - w) * inv)) if np.any(~small) and np.any(small) else (
            np.expm1(x) * inv if np.all(small) else _safe_exp(x) * inv)
        if np.any(zero):
            g = np.where(zero, L, g)
        return (K * E0) * g
