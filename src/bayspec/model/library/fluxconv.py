"""Flux and luminosity as parameters: ``cflux``, ``cpflux`` and ``clumin`` (XSPEC's
convolution models).

``cflux(model)`` rescales ``model`` so that its energy flux over ``[Emin, Emax]`` keV is
``10**lg10Flux`` erg cm⁻² s⁻¹; ``cpflux(model)`` so that its photon flux there is
``10**lg10Flux`` photons cm⁻² s⁻¹ (XSPEC's ``cpflux`` parameter ``Flux`` is linear; here
both are log10, so that a fit works in decades for either). The normalisation of the
wrapped model is frozen when the convolution is applied (its value then cancels), so a fit
returns the flux and its error directly, with its correlations with the shape parameters.

Band integrals use a fixed Gauss–Legendre rule in ln E (``_NSUB`` sub-intervals × ``_NGL``
nodes), batched over parameter vectors. When the wrapped model integrates exactly (an
antiderivative F), ``cpflux`` uses F(Emax) − F(Emin) and ``cflux`` integrates by parts,
∫ E N dE = [E F] − ∫ F dE, so exact plans stay exact.
"""

from __future__ import annotations

import numpy as np

from ...constants import KEV_TO_ERG
from ...errors import ModelError
from ...parameter import Uniform
from ..component import Additive, Convolution, ParSpec

__all__ = ["CFlux", "CPFlux", "CLumin", "freeze_norm"]

_NSUB = 64
_NGL = 8
_NORM_NAMES = ("norm", "K")


def _band_grid(e1, e2):
    """Nodes and weights (keV) with ∫_{e1}^{e2} f dE ≈ Σ w f(E), Gauss–Legendre in ln E."""
    x, wx = np.polynomial.legendre.leggauss(_NGL)
    edges = np.linspace(np.log(e1), np.log(e2), _NSUB + 1)
    h = 0.5 * np.diff(edges)
    c = 0.5 * (edges[1:] + edges[:-1])
    E = np.exp((c[:, None] + h[:, None] * x[None, :]).ravel())
    return E, (h[:, None] * wx[None, :]).ravel() * E


def freeze_norm(model) -> str:
    """Freeze the normalisation of the first additive component of ``model``.

    The normalisation is the component's ``norm`` (XSPEC-form components) or ``K``
    parameter. Returns the full name of the frozen parameter.

    Raises
    ------
    ModelError
        ``model`` has no additive component with a normalisation.
    """
    names = model._component_names()
    for c in model._leaves():
        if isinstance(c, Additive):
            for key in _NORM_NAMES:
                if key in c._pars:
                    c._pars[key].frozen = True
                    return f"{names[id(c)]}.{key}"
    raise ModelError(f"{model.expr} has no additive component with a 'norm' or 'K' to replace by a flux")


class _FluxConvolution(Convolution):
    """Common code of cflux / cpflux."""

    default_settings = {"Emin": 0.5, "Emax": 10.0}
    parameters = (ParSpec("lg10Flux", -12.0, Uniform(-40.0, 10.0), "", r"$\log_{10}F$"),)
    _energy = True

    def __call__(self, model, *a, **kw):
        out = super().__call__(model, *a, **kw)
        if model.kind != "additive":
            raise ModelError(f"{self.name} needs an additive model, got {model.expr} ({model.kind})")
        self.frozen_norm = freeze_norm(model)
        return out

    def _band(self):
        e1, e2 = float(self.settings["Emin"]), float(self.settings["Emax"])
        if not 0 < e1 < e2:
            raise ModelError(f"{self.name}: need 0 < Emin < Emax keV, got ({e1}, {e2})", key="Emin")
        return e1, e2

    def _factor(self):
        """Flux → the parameter's quantity (1 for fluxes)."""
        return 1.0

    def _scale(self, flux, lg):
        """``10**lg / flux`` as an ``(n, 1)`` column (flux ``(n,)``, lg scalar or ``(n, 1)``)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.power(10.0, lg) / np.asarray(flux).reshape(-1, 1)

    def convolve(self, inner, E, lg10Flux):
        e1, e2 = self._band()
        Eb, w = _band_grid(e1, e2)
        N = np.atleast_2d(inner(Eb))
        f = (N * Eb) @ w * KEV_TO_ERG if self._energy else N @ w
        return self._scale(f * self._factor(), lg10Flux) * inner(E)

    def convolve_antiderivative(self, inner_F, E, lg10Flux):
        e1, e2 = self._band()
        if self._energy:
            Eb, w = _band_grid(e1, e2)
            F = np.atleast_2d(inner_F(np.concatenate([[e1, e2], Eb])))
            f = (e2 * F[:, 1] - e1 * F[:, 0] - F[:, 2:] @ w) * KEV_TO_ERG
        else:
            F = np.atleast_2d(inner_F(np.array([e1, e2])))
            f = F[:, 1] - F[:, 0]
        return self._scale(f * self._factor(), lg10Flux) * inner_F(E)

    @staticmethod
    def _rescaled(scale, vE, gE, uE, fb, gf, ub, key):
        """Derivative triple of ``N' = scale N`` with ``scale = 10^lg / (c f)`` and f the
        band integral (linear in N): ``∂N'/∂p = scale (∂N/∂p − N ∂f/∂p / f)``,
        ``∂N'/∂lg = ln 10 N'``. ``gf[k]`` is ``∂f/∂p_k`` (n_k,); unknown keys stay unknown."""
        out = scale * vE
        fcol = np.asarray(fb).reshape(-1, 1)
        g = {}
        for k in set(gE) | set(gf):
            d = scale * gE[k] if k in gE else 0.0
            if k in gf:
                d = d - out * (np.asarray(gf[k]).reshape(-1, 1) / fcol)
            g[k] = d
        g[key] = np.log(10.0) * out
        return out, g, uE | ub

    @staticmethod
    def _band_sum(d, w, weight=None):
        """``Σ_j w_j weight_j d_j`` over the band nodes for a derivative ``d`` broadcastable
        to ``(n, nb)``, as an ``(n,)`` vector."""
        d = np.atleast_2d(np.asarray(d, dtype=float))
        d = np.broadcast_to(d, (d.shape[0], w.size))
        return (d * weight) @ w if weight is not None else d @ w

    def convolve_grad(self, inner, E, lg10Flux):
        """`convolve` with derivatives: the inner model's, rescaled (see `_rescaled`), and
        the flux parameter's ``ln 10 N'``."""
        e1, e2 = self._band()
        Eb, w = _band_grid(e1, e2)
        vb, gb, ub = inner(Eb)
        N = np.atleast_2d(vb)
        if self._energy:
            f = (N * Eb) @ w * KEV_TO_ERG
            gf = {k: self._band_sum(d, w, Eb) * KEV_TO_ERG for k, d in gb.items()}
        else:
            f = N @ w
            gf = {k: self._band_sum(d, w) for k, d in gb.items()}
        scale = self._scale(f * self._factor(), lg10Flux)
        vE, gE, uE = inner(E)
        return self._rescaled(scale, vE, gE, uE, f, gf, ub, (id(self), 0))

    def convolve_antiderivative_grad(self, inner_F, E, lg10Flux):
        """`convolve_antiderivative` with derivatives (as `convolve_grad`, the band integral
        from the inner antiderivative)."""
        e1, e2 = self._band()
        if self._energy:
            Eb, w = _band_grid(e1, e2)
            vb, gb, ub = inner_F(np.concatenate([[e1, e2], Eb]))
            F = np.atleast_2d(vb)
            f = (e2 * F[:, 1] - e1 * F[:, 0] - F[:, 2:] @ w) * KEV_TO_ERG

            def band(d):
                d = np.atleast_2d(np.asarray(d, dtype=float))
                d = np.broadcast_to(d, (d.shape[0], w.size + 2))
                return (e2 * d[:, 1] - e1 * d[:, 0] - d[:, 2:] @ w) * KEV_TO_ERG
        else:
            vb, gb, ub = inner_F(np.array([e1, e2]))
            F = np.atleast_2d(vb)
            f = F[:, 1] - F[:, 0]

            def band(d):
                d = np.atleast_2d(np.asarray(d, dtype=float))
                d = np.broadcast_to(d, (d.shape[0], 2))
                return d[:, 1] - d[:, 0]
        gf = {k: band(d) for k, d in gb.items()}
        scale = self._scale(f * self._factor(), lg10Flux)
        vE, gE, uE = inner_F(E)
        return self._rescaled(scale, vE, gE, uE, f, gf, ub, (id(self), 0))


class CFlux(_FluxConvolution):
    """Energy flux as a parameter (XSPEC ``cflux``)::

        N'(E) = N(E) 10^lg10Flux / (KEV_TO_ERG ∫_{Emin}^{Emax} E N(E) dE)

    so that ∫ E N' dE over [Emin, Emax] is 10^lg10Flux erg cm⁻² s⁻¹. ``cflux(model)``
    freezes the normalisation of the model's first additive component. Use
    ``tbabs * cflux(powerlaw)`` for the unabsorbed flux, ``cflux(tbabs * powerlaw)`` for the
    absorbed one (Arnaud 1996, XSPEC manual, "cflux").

    Parameters
    ----------
    lg10Flux : log10 energy flux, erg cm⁻² s⁻¹; Uniform(-40, 10).

    Settings
    --------
    Emin, Emax : band, keV (default 0.5, 10 as XSPEC).
    """

    default_name = "cflux"
    _energy = True


class CPFlux(_FluxConvolution):
    """Photon flux as a parameter (XSPEC ``cpflux``)::

        N'(E) = N(E) 10^lg10Flux / ∫_{Emin}^{Emax} N(E) dE

    so that the photon flux over [Emin, Emax] is 10^lg10Flux photons cm⁻² s⁻¹ (XSPEC's
    ``cpflux`` parameter is the flux itself; here its log10, as for ``cflux``).

    Parameters
    ----------
    lg10Flux : log10 photon flux, photons cm⁻² s⁻¹; Uniform(-40, 10).

    Settings
    --------
    Emin, Emax : band, keV (default 0.5, 10 as XSPEC).
    """

    default_name = "cpflux"
    _energy = False
    parameters = (ParSpec("lg10Flux", -3.0, Uniform(-40.0, 10.0), "", r"$\log_{10}F_\mathrm{ph}$"),)


class CLumin(_FluxConvolution):
    """Luminosity as a parameter (XSPEC ``clumin``)::

        N'(E) = N(E) 10^lg10Lum / (4 π D_L(z)² KEV_TO_ERG ∫_{Emin/(1+z)}^{Emax/(1+z)} E N(E) dE)

    so that the model's luminosity over the *rest-frame* band [Emin, Emax] keV is
    10^lg10Lum erg s⁻¹ (Hogg 1999, astro-ph/9905116, eq. 24). D_L from ``self.cosmology``
    (an ``astropy.cosmology`` object, default Planck18). ``clumin(model)`` freezes the
    normalisation of the model's first additive component.

    Parameters
    ----------
    lg10Lum : log10 luminosity, erg s⁻¹; Uniform(0, 70).

    Settings
    --------
    Emin, Emax : rest-frame band, keV (default 0.5, 10 as XSPEC).
    Redshift : source redshift (default 0.1; must be > 0).
    """

    default_name = "clumin"
    default_settings = {"Emin": 0.5, "Emax": 10.0, "Redshift": 0.1}
    parameters = (ParSpec("lg10Lum", 44.0, Uniform(0.0, 70.0), "", r"$\log_{10}L$"),)
    _energy = True

    def __init__(self, name=None, cosmology=None, **values):
        super().__init__(name, **values)
        if cosmology is None:
            from astropy.cosmology import Planck18 as cosmology
        self.cosmology = cosmology
        self._dl = (None, None, None)

    def _band(self):
        e1, e2 = super()._band()
        z = float(self.settings["Redshift"])
        if not z > 0:
            raise ModelError(f"{self.name}: Redshift must be > 0, got {z}", key="Redshift")
        return e1 / (1.0 + z), e2 / (1.0 + z)

    def _factor(self):
        z = float(self.settings["Redshift"])
        key = (z, id(self.cosmology))
        if self._dl[0] != key:
            dl = float(self.cosmology.luminosity_distance(z).to("cm").value)
            self._dl = (key, dl, 4.0 * np.pi * dl * dl)
        return self._dl[2]
