"""Cutoff power law ``cpl`` parametrised by the νFν peak energy."""

from __future__ import annotations

from ...parameter import LogUniform, Uniform
from ..component import Additive, ParSpec
from ._numerics import _log_of, _safe_exp

__all__ = ["CutoffPowerLaw"]


class CutoffPowerLaw(Additive):
    """Cutoff power law ("Comptonized" model of the GBM catalogues).

    ``N(E) = K (E / E0)^alpha exp(-(2 + alpha) E / Ep)``  [photons cm⁻² s⁻¹ keV⁻¹].

    E²N(E) peaks at ``Ep`` when alpha > −2 (Goldstein et al. 2012, ApJS 199, 19; Gruber et
    al. 2014, ApJS 211, 12). No antiderivative is used (the incomplete gamma function with a
    negative first argument is not stable), so ``cpl`` integrates by quadrature.

    Parameters
    ----------
    K : photons cm⁻² s⁻¹ keV⁻¹ at E0; LogUniform(1e-10, 1e10).
    alpha : low-energy photon index; Uniform(-2, 2) (alpha ≥ −2 keeps the exponential a cutoff).
    Ep : νFν peak energy, keV; LogUniform(1, 1e5).

    Settings
    --------
    E0 : pivot energy, keV (default 100, the GBM catalogue convention: Gruber et al. 2014,
        ApJS 211, 12). With a 1 keV pivot K and alpha are almost degenerate (correlation
        ≈ −0.99 on GRB 090217A); at 100 keV, inside the band the data cover, they are
        nearly independent. ``cpl(E0=1)`` or ``model.settings["E0"] = 1`` restores the
        XSPEC-like pivot; K then changes by the factor (E0_new / E0_old)^alpha.
    """

    default_name = "cpl"
    parameters = (
        ParSpec("K", 0.01, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1", r"$K$"),
        ParSpec("alpha", -1.0, Uniform(-2.0, 2.0), "", r"$\alpha$"),
        ParSpec("Ep", 300.0, LogUniform(1.0, 1e5), "keV", r"$E_\mathrm{p}$"),
    )
    default_settings = {"E0": 100.0}

    def evaluate(self, E, K, alpha, Ep):
        L = _log_of(self, E, self.settings["E0"])
        return K * _safe_exp(alpha * L - E * ((2.0 + alpha) / Ep))

    def evaluate_grad(self, E, K, alpha, Ep):
        """N(E) and ``(∂N/∂K, ∂N/∂alpha, ∂N/∂Ep)``, from ``ln N = ln K + alpha ln(E/E0)
        − (2 + alpha) E / Ep``."""
        L = _log_of(self, E, self.settings["E0"])
        x = E * (1.0 / Ep)
        N = K * _safe_exp(alpha * L - x * (2.0 + alpha))
        return N, (N / K, N * (L - x), N * (x * ((2.0 + alpha) / Ep)))
