"""Unfolded (deconvolved) photon spectra in N(E), E·N(E) or νFν with the model and its band.

Data points are the units' ``deconv_phtspec`` / ``deconv_flxspec`` / ``deconv_ergspec``
(net count spectrum times the bound model's photon-to-count ratio, see formulas.md) on
display bins (`bayspec.plot._rebin`), upper limits where a bin has no significant signal; the
model curve is the bound model at its current parameters; the band (a credible interval of
the model over energy) comes from ``Infer.model_band`` given a posterior.
"""

from __future__ import annotations

import numpy as np

from ..constants import KEV_TO_ERG
from . import _source as src
from ._style import (
    color,
    errorbar,
    finish_legend,
    label_axes,
    log_axes,
    log_ylim,
    new_axes,
    upper_limits,
)

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


def _unfolded(u, bins, kind):
    """Unfolded points of one unit on its display bins: ``(x, lo, hi, y, yerr, ul)``.

    Per bin, the data/model ratio of the net counts times the model's mean photon flux
    density over the bin, ``(Σ excess / Σ npred_signal) × Σ photon_flux / Σ width``, in the
    unit of ``kind`` at the bin's centre; with one group per bin this is the unit's
    ``deconv_*`` spectrum (formulas.md). ``ul`` is the upper limit in the same unit.
    """
    edges = bins.edges(u.rsp_chbin)
    x = edges.mean(axis=1)
    signal = bins.sum(src.npred_signal(u))
    dens = bins.sum(src.photon_flux(u)) / bins.sum(u.rsp_chbin_width)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_count = np.where(signal > 0, _scale(kind, x, dens) / signal, np.nan)
    return (x, edges[:, 0], edges[:, 1], bins.net * per_count, bins.sigma * per_count,
            bins.upper_limit * per_count)


def plot_spectrum(data, sed="nufnu", ax=None, model=None, infer=None, posterior=None,
                  energies=None, kwargs_data=None, kwargs_model=None, kwargs_band=None,
                  rebin=True):
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
    rebin : bool or dict
        Display rebinning of the data points (`bayspec.plot._rebin`: XSPEC's ``setplot
        rebin``; a dict sets ``min_sig``, ``max_groups``, ``ul_sigma``); bins with no
        significant signal are drawn as upper limits. The fit is untouched.

    Returns
    -------
    ax : Axes
        The y range covers the data points, upper limits and the model where there are data.
    """
    kind = sed_kind(sed)
    ax = new_axes(ax)
    log_axes(ax)
    units = [] if data is None else src.units_of(data)
    lows, highs = [], []
    for i, (name, u) in enumerate(units):
        bins = src.bins_of(u, rebin)
        x, lo, hi, y, yerr, ul = _unfolded(u, bins, kind)
        det = ~bins.is_ul
        kw = {"color": color(i), "label": name, **(kwargs_data or {})}
        errorbar(ax, x[det], lo[det], hi[det], y[det], yerr[det], **kw)
        upper_limits(ax, x[~det], lo[~det], hi[~det], ul[~det], color=kw["color"])
        lows += [y[det], 0.5 * ul[~det]]
        highs += [y[det] + yerr[det], ul[~det]]
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
        data_lo = np.concatenate(lows) if lows else np.zeros(0)
        floor = data_lo[data_lo > 0].min() / 2 if np.any(data_lo > 0) else 0.0
        highs.append(curve)
        lows.append(curve[curve >= floor] if floor > 0 else curve.max() * 1e-3)
    log_ylim(ax, lows, highs)
    label_axes(ax, "energy", kind)
    finish_legend(ax)
    return ax
