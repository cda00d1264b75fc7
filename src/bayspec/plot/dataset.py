"""Plots of data units: counts, excess, fit with residuals, residuals, quick look.

Each function takes a `DataUnit`, a `Data` or a list of units as its first argument (the
``DataUnit.plot_*`` methods call them as ``fn(unit, *args, **kwargs)``), draws every unit in
its own colour, and returns the axes it drew on. Pass ``ax=`` to draw into existing axes;
save with ``ax.figure.savefig("fit.png")`` (or ``.pdf``).

Numbers come from the units' properties (``src_counts``, ``net_ctsspec``, ``rsp_chbin`` ...)
and dataset operations (``npred_signal``, ``residuals``); nothing statistical is computed here.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from ..errors import ModelNotBoundError
from . import _source as src
from ._style import (
    MODEL_STYLE,
    color,
    errorbar,
    finish_legend,
    label_axes,
    log_axes,
    log_ylim,
    new_axes,
    upper_limits,
)

__all__ = ["plot_counts", "plot_excess", "plot_fit", "plot_residuals", "peek"]

def _edges(chbin):
    """Step-plot x values ``(2k,)`` from group bounds ``(k, 2)``."""
    return np.asarray(chbin, dtype=float).ravel()


def _steps(y):
    return np.repeat(np.asarray(y, dtype=float), 2)


def _step(ax, chbin, y, **kw):
    """Draw ``y`` per group as horizontal segments over each group's energy range (gaps kept)."""
    x = _edges(chbin)
    yy = _steps(y)
    # break the line where groups are not contiguous (between noticed ranges)
    gaps = np.flatnonzero(~np.isclose(chbin[1:, 0], chbin[:-1, 1]))
    if gaps.size:
        x = np.insert(x, 2 * (gaps + 1), np.nan)
        yy = np.insert(yy, 2 * (gaps + 1), np.nan)
    return ax.plot(x, yy, **kw)


def _errorbar(ax, unit, y, yerr, **kw):
    chbin = unit.rsp_chbin
    return errorbar(ax, unit.rsp_chbin_mean, chbin[:, 0], chbin[:, 1], y, yerr, **kw)


def _bound(unit):
    """Whether a model is bound to ``unit``."""
    try:
        _ = unit.fit_with
    except ModelNotBoundError:
        return False
    return True


def _positive(ax, *arrays):
    """Clip a log y axis to the positive data so that negative points do not hide the rest."""
    vals = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays if a is not None])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size:
        top = vals.max()
        ax.set_ylim(max(vals.min(), top * 1e-6) / 2.0, top * 2.0)


def plot_counts(data, ax=None, kwargs_counts=None, kwargs_background=None, **kwargs):
    """Plot source counts and scaled background counts per group against energy.

    Parameters
    ----------
    data : DataUnit, Data or list of DataUnit
    ax : matplotlib Axes, optional
    kwargs_counts, kwargs_background : dict, optional
        Passed to the step lines of the counts and of the background.
    **kwargs
        Passed to both.

    Returns
    -------
    ax : Axes
    """
    ax = new_axes(ax)
    shown = []
    for i, (name, u) in enumerate(src.units_of(data)):
        kc = {"color": color(i), "lw": 1.2, "label": f"{name} counts", **kwargs,
              **(kwargs_counts or {})}
        _step(ax, u.rsp_chbin, u.src_counts, **kc)
        shown.append(u.src_counts)
        if u.bkg_counts is not None:
            bkg = u.alpha * u.bkg_counts
            kb = {"color": color(i), "lw": 1.0, "ls": "--", "label": f"{name} background",
                  **kwargs, **(kwargs_background or {})}
            _step(ax, u.rsp_chbin, bkg, **kb)
            shown.append(bkg)
    log_axes(ax)
    _positive(ax, *shown)
    label_axes(ax, "energy", "counts")
    finish_legend(ax)
    return ax


def plot_excess(data, ax=None, kwargs_excess=None, kwargs_npred_signal=None, **kwargs):
    """Plot the excess (source − scaled background) with errors and the predicted signal.

    Needs a bound model (``unit.fit_with``) for the predicted signal; without one only the
    excess is drawn.

    Returns
    -------
    ax : Axes
    """
    ax = new_axes(ax)
    for i, (name, u) in enumerate(src.units_of(data)):
        ke = {"color": color(i), "label": f"{name} excess", **kwargs, **(kwargs_excess or {})}
        _errorbar(ax, u, src.excess(u), src.excess_error(u), **ke)
        if _bound(u):
            km = {"color": color(i), "lw": 1.2, "label": f"{name} predicted signal", **kwargs,
                  **(kwargs_npred_signal or {})}
            _step(ax, u.rsp_chbin, src.npred_signal(u), **km)
    log_axes(ax, y=False)
    ax.axhline(0.0, color="0.5", lw=0.6)
    label_axes(ax, "energy", "excess")
    finish_legend(ax)
    return ax


def _bin_x(unit, bins):
    """Centre, low and high energy of each plotted bin (keV; centre as ``rsp_chbin_mean``)."""
    edges = bins.edges(unit.rsp_chbin)
    return edges.mean(axis=1), edges[:, 0], edges[:, 1]


def plot_residuals(data, ax=None, method="auto", rebin=True, **kwargs):
    """Plot residuals per plotted bin, in the definition that matches each unit's statistic.

    Parameters
    ----------
    data : DataUnit, Data or list of DataUnit
        Each unit needs a bound model.
    ax : Axes, optional
    method : str
        ``"auto"`` (default): the signed root of the unit's statistic on each bin,
        ``(D − M)/σ`` for the chi2 family and the deviance residual for the Poisson
        statistics (background profiled as the statistic profiles it); ``"pearson"``
        (``"diff/sqrt(model)"``): ``(D − M)/√M``; ``"diff"``: ``D − M`` counts;
        ``"diff/model"``: ``(D − M)/M``. ``D`` is the source counts and ``M`` =
        ``npred`` (see `bayspec.plot._source.binned_residuals`).
    rebin : bool or dict
        Display rebinning (`bayspec.plot._rebin`; a dict sets ``min_sig``, ``max_groups``,
        ``ul_sigma``). Never changes the fit.
    **kwargs
        Passed to ``errorbar``.

    Returns
    -------
    ax : Axes
        The y label names the definition (and the statistic).
    """
    ax = new_axes(ax)
    labels = []
    for i, (name, u) in enumerate(src.units_of(data)):
        bins = src.bins_of(u, rebin)
        res, err, _ = src.binned_residuals(u, bins, method)
        x, lo, hi = _bin_x(u, bins)
        errorbar(ax, x, lo, hi, res, err, **{"color": color(i), "label": name, **kwargs})
        labels.append(src.residual_label(u, method))
    log_axes(ax, y=False)
    ax.axhline(0.0, color="0.3", lw=0.8)
    label = labels[0] if len(set(labels)) == 1 else "Residuals (" + "; ".join(
        dict.fromkeys(labels)) + ")"
    label_axes(ax, "energy", label)
    return ax


def plot_fit(data, ax_spectrum=None, ax_residuals=None, kwargs_spectrum=None,
             kwargs_residuals=None, method="auto", rebin=True, ax=None):
    """Plot the net count spectrum with the folded model on top and residuals below.

    Data points are display-rebinned (`bayspec.plot._rebin`: adjacent groups combined up
    to ``min_sig`` σ or ``max_groups`` groups; the fit is untouched); bins with no
    significant signal are upper limits. The model is drawn per noticed group:
    ``npred_signal / (corr_src_efficiency × width)``.

    Parameters
    ----------
    data : DataUnit, Data or list of DataUnit
        Each unit needs a bound model (``fit_with``).
    ax_spectrum, ax_residuals : Axes, optional
        Both or neither; by default a new figure with two stacked panels sharing the x axis.
    kwargs_spectrum, kwargs_residuals : dict, optional
        Passed to the data points of each panel.
    method : str
        Residual definition (see `plot_residuals`; default: the statistic's own).
    rebin : bool or dict
        Display rebinning (see `plot_residuals`).
    ax : pair of Axes, optional
        Same as ``ax_spectrum, ax_residuals``.

    Returns
    -------
    ax_spectrum, ax_residuals : Axes
    """
    if ax is not None:
        ax_spectrum, ax_residuals = ax
    if ax_spectrum is None or ax_residuals is None:
        fig, (ax_spectrum, ax_residuals) = plt.subplots(
            2, 1, sharex=True, figsize=(7.0, 6.0), height_ratios=(3, 1), layout="constrained")
    log_axes(ax_spectrum)
    lows, highs = [], []
    for i, (name, u) in enumerate(src.units_of(data)):
        bins = src.bins_of(u, rebin)
        den = bins.sum(u.corr_src_efficiency * u.rsp_chbin_width)
        x, lo, hi = _bin_x(u, bins)
        y, yerr, ul = bins.net / den, bins.sigma / den, bins.upper_limit / den
        det = ~bins.is_ul
        kw = {"color": color(i), "label": name, **(kwargs_spectrum or {})}
        errorbar(ax_spectrum, x[det], lo[det], hi[det], y[det], yerr[det], **kw)
        upper_limits(ax_spectrum, x[~det], lo[~det], hi[~det], ul[~det], color=color(i))
        model = src.npred_signal(u) / (u.corr_src_efficiency * u.rsp_chbin_width)
        _step(ax_spectrum, u.rsp_chbin, model, color=color(i), **MODEL_STYLE)
        lows += [y[det], 0.5 * ul[~det],
                 model[model >= y[det].min() / 10] if det.any() else model]
        highs += [y[det] + yerr[det], ul[~det], model]
    log_ylim(ax_spectrum, lows, highs)
    label_axes(ax_spectrum, None, "ctsspec")
    ax_spectrum.plot([], [], color="0.3", label="folded model", **MODEL_STYLE)
    finish_legend(ax_spectrum)
    plot_residuals(data, ax=ax_residuals, method=method, rebin=rebin,
                   **(kwargs_residuals or {}))
    if ax_residuals.get_legend() is not None:
        ax_residuals.get_legend().remove()
    return ax_spectrum, ax_residuals


def peek(data, fig=None):
    """Quick look: counts, effective area and redistribution matrix of the (first) unit.

    The effective area is the response summed over all channels for each photon bin
    (``rsp_ins.drm``), the matrix image is the response in cm² per (photon bin, channel).

    Returns
    -------
    ax1, ax2, ax3 : Axes
        Counts, effective area and redistribution subplots.
    """
    units = src.units_of(data)
    if fig is None:
        fig = plt.figure(figsize=(14.0, 4.2), layout="constrained")
    ax1, ax2, ax3 = fig.subplots(1, 3)
    plot_counts(data, ax=ax1)
    for i, (name, u) in enumerate(units):
        rsp = u.rsp_ins
        ph = np.asarray(rsp.phbin, dtype=float)
        area = np.asarray(rsp.drm, dtype=float).sum(axis=1)
        ax2.stairs(area, np.r_[ph[:, 0], ph[-1, 1]], color=color(i), lw=1.2, label=name)
    log_axes(ax2)
    label_axes(ax2, "photon_energy", "area")
    finish_legend(ax2)
    name, u = units[0]
    rsp = u.rsp_ins
    ph, ch = np.asarray(rsp.phbin, float), np.asarray(rsp.chbin, float)
    drm = np.asarray(rsp.drm, dtype=float)
    ok = np.isfinite(ch).all(axis=1)
    pos = drm[:, ok][drm[:, ok] > 0]
    norm = LogNorm(vmin=max(pos.max() * 1e-5, pos.min()), vmax=pos.max()) if pos.size else None
    ph_edges = np.r_[ph[:, 0], ph[-1, 1]]
    chk = ch[ok]
    ch_edges = np.r_[chk[:, 0], chk[-1, 1]]
    if np.all(np.diff(ch_edges) > 0) and ph_edges[0] > 0 and ch_edges[0] > 0:
        mesh = ax3.pcolormesh(ph_edges, ch_edges, np.ma.masked_less_equal(drm[:, ok].T, 0),
                              norm=norm, cmap="viridis", shading="flat")
        log_axes(ax3)
        label_axes(ax3, "photon_energy", "channel_energy")
    else:  # non-monotonic or zero-energy edges: show by index
        mesh = ax3.pcolormesh(np.ma.masked_less_equal(drm[:, ok].T, 0), norm=norm,
                              cmap="viridis")
        label_axes(ax3, "Photon bin (index)", "Channel (index)")
    ax3.grid(False)
    fig.colorbar(mesh, ax=ax3, label=r"Response (cm$^{2}$)")
    ax3.set_title(f"{name} redistribution", fontsize="medium")
    return ax1, ax2, ax3
