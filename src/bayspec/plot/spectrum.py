"""Unfolded (deconvolved) photon spectra in N(E), E·N(E) or νFν with the model and its band.

Data points are the units' ``deconv_phtspec`` / ``deconv_flxspec`` / ``deconv_ergspec``
(net count spectrum times the bound model's photon-to-count ratio, see formulas.md); the
model curve is the bound model at its current parameters; the band (a credible interval of
the model over energy) comes from ``Infer.model_band`` given a posterior.
"""

from __future__ import annotations

import numpy as np

from ..constants import KEV_TO_ERG
from . import _source as src
from ._style import color, finish_legend, label_axes, log_axes, new_axes

__all__ = ["plot_spectrum", "SED_KINDS", "sed_kind"]

#: Canonical SED kinds and their accepted spellings.
SED_KINDS = {
    "NE": ("ne", "n(e)", "pht", "phtspec", "dnde", "photon"),
    "ENE": ("ene", "e*n(e)", "en(e)", "flx", "flxspec", "ednde", "energy"),
    "nufnu": ("nufnu", "vfv", "nuf_nu", "erg", "ergspec", "e2dnde", "sed"),
}
_PROPERTY = {"NE": "deconv_phtspec", "ENE": "deconv_flxspec", "nufnu": "deconv_ergspec"}


def sed_kind(sed: str) -> str:
    """Canonical SED kind (``"NE"``, ``"ENE"`` or ``"nufnu"``) of a spelling such as
    ``"e2dnde"``; `ValueError` naming the choices otherwise."""
    key = str(sed).strip().lower()
    for kind, names in SED_KINDS.items():
        if key == kind.lower() or key in names:
            return kind
    raise ValueError(f"unknown sed {sed!r}; use 'NE', 'ENE' or 'nufnu'")


def _scale(kind, E, n_of_e):
    """N(E) in photons cm⁻² s⁻¹ keV⁻¹ converted to the plotted quantity (unit conversion)."""
    if kind == "NE":
        return n_of_e
    if kind == "ENE":
        return E * n_of_e
    return E * E * n_of_e * KEV_TO_ERG


#: ``Infer.model_band`` names of the kinds, and the unit each kind is drawn in.
_BAND_SED = {"NE": "n", "ENE": "fnu", "nufnu": "nufnu"}
_UNIT = {"NE": "1 / (cm2 s keV)", "ENE": "keV / (cm2 s keV)", "nufnu": "erg / (cm2 s)"}


def _in_unit(x, kind):
    """Plain array of ``x`` (a Quantity or numbers) in the unit of ``kind``."""
    if hasattr(x, "to"):
        x = x.to(_UNIT[kind])
    return np.asarray(getattr(x, "value", x), dtype=float)


def plot_spectrum(data, sed="nufnu", ax=None, model=None, infer=None, posterior=None,
                  energies=None, kwargs_data=None, kwargs_model=None, kwargs_band=None):
    """Plot the unfolded spectrum of the units with the model curve and, given a posterior,
    its credible band.

    Parameters
    ----------
    data : DataUnit, Data or list of DataUnit
        Units with a bound model (``fit_with``) for the data points; pass ``None`` to draw
        the model alone.
    sed : {"NE", "ENE", "nufnu"}
        N(E) (photons cm⁻² s⁻¹ keV⁻¹), E·N(E) (keV cm⁻² s⁻¹ keV⁻¹) or νFν = E²N(E)
        (erg cm⁻² s⁻¹). Aliases: ``"dnde"``, ``"e2dnde"``, ``"pht"``, ``"flx"``, ``"erg"``.
    ax : Axes, optional
    model : Model, optional
        Model to draw; default: the model bound to the first unit.
    infer : Infer, optional
        With ``posterior``, ``infer.model_band(energies, sed=..., posterior=posterior)``
        gives the band.
    posterior : Posterior, optional
    energies : array, optional
        Energies (keV) of the model curve; default: 400 log-spaced points over the units'
        noticed range.

    Returns
    -------
    ax : Axes
    """
    kind = sed_kind(sed)
    ax = new_axes(ax)
    units = [] if data is None else src.units_of(data)
    for i, (name, u) in enumerate(units):
        prop = _PROPERTY[kind]
        y, yerr = getattr(u, prop), getattr(u, prop + "_error")
        chbin, e = u.rsp_chbin, u.rsp_chbin_mean
        xerr = np.vstack([e - chbin[:, 0], chbin[:, 1] - e])
        kw = {"fmt": "o", "ms": 2.5, "elinewidth": 0.8, "capsize": 0, "color": color(i),
              "label": name, **(kwargs_data or {})}
        ax.errorbar(e, y, xerr=xerr, yerr=yerr, **kw)
    if model is None and units:
        model = units[0][1].fit_with
    if energies is None:
        if units:
            lo = min(float(u.rsp_chbin[:, 0].min()) for _, u in units)
            hi = max(float(u.rsp_chbin[:, 1].max()) for _, u in units)
        else:
            lo, hi = 1.0, 1e4
        energies = np.geomspace(max(lo, 1e-6), hi, 400)
    E = np.asarray(energies, dtype=float)
    if posterior is not None and infer is not None:
        band = infer.model_band(E, sed=_BAND_SED[kind], posterior=posterior, seed=0)
        lo_b, hi_b = _in_unit(band.lo, kind), _in_unit(band.hi, kind)
        cl = getattr(band, "cl", 0.683)
        kb = {"color": "0.35", "alpha": 0.3, "lw": 0, "label": f"{cl:.0%} credible band",
              **(kwargs_band or {})}
        ax.fill_between(E, lo_b, hi_b, **kb)
    if model is not None:
        curve = _scale(kind, E, np.asarray(model(E), dtype=float).reshape(-1)[: E.size])
        km = {"color": "k", "lw": 1.4, "label": f"model ({getattr(model, 'expr', model)})",
              **(kwargs_model or {})}
        ax.plot(E, curve, **km)
        ok = curve[np.isfinite(curve) & (curve > 0)]
        if ok.size:
            ax.set_ylim(ok.min() / 3.0 if kind != "nufnu" else ok.max() * 1e-3, ok.max() * 5.0)
    log_axes(ax)
    label_axes(ax, "energy", kind)
    finish_legend(ax)
    return ax
