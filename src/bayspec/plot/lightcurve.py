"""Light curves of a time series with the fitted background and the chosen intervals.

``plot_lightcurve(lc)`` draws a `bayspec.data.timeseries.LightCurve` (or builds one from a
`TimeSeries`) as a step rate curve (counts per live second) with Poisson error bars, the
background model of a `BackgroundFit` (rate and its 1σ band from the fit covariance) on top,
the background intervals shaded and the source intervals marked.
"""

from __future__ import annotations

import numpy as np

from ._style import color, finish_legend, new_axes

__all__ = ["plot_lightcurve", "block_rates"]


def block_rates(lc, edges):
    """Mean rate (counts per live second) of ``lc`` in each block between ``edges``.

    Each light-curve bin belongs to the block holding its start; a block's rate is its
    summed counts over its summed live time (NaN for a block with no live time).

    Parameters
    ----------
    lc : LightCurve
    edges : array (m + 1,)
        Block edges, s from ``t0`` (e.g. Bayesian-block change points, Scargle et al. 2013).

    Returns
    -------
    ndarray (m,)
    """
    edges = np.asarray(edges, dtype=float)
    idx = np.searchsorted(edges, lc.tstart, side="right") - 1
    inside = (idx >= 0) & (idx < edges.size - 1)
    counts = np.bincount(idx[inside], lc.counts[inside], minlength=edges.size - 1)
    live = np.bincount(idx[inside], lc.exposure[inside], minlength=edges.size - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(live > 0, counts / live, np.nan)


def plot_lightcurve(lc, ax=None, *, background=None, source_intervals=None,
                    background_intervals=None, dt=None, t_range=None, channels=None,
                    energy_range=None, label=None, errorbars=True, blocks=None):
    """Draw a light curve, its background model and the intervals.

    Parameters
    ----------
    lc : LightCurve or TimeSeries
        A `TimeSeries` is binned here (``dt``, ``t_range``, ``channels``,
        ``energy_range``; the background of ``background`` added).
    ax : matplotlib Axes, optional
    background : BackgroundFit, optional
        Used when ``lc`` is a series; its intervals are shaded unless
        ``background_intervals`` is given.
    source_intervals : array (n, 2), optional
        Source intervals, s from ``t0``: marked by vertical lines and a band.
    background_intervals : array (k, 2), optional
    label : str, optional
    errorbars : bool
    blocks : array (m + 1,) or (m, 2), optional
        Bayesian-block edges (or intervals), s from ``t0``: each block's mean rate
        (`block_rates`) is drawn as a step over the light curve.

    Returns
    -------
    matplotlib Axes
    """
    if hasattr(lc, "light_curve"):
        lc = lc.light_curve(dt=dt, t_range=t_range, channels=channels,
                            energy_range=energy_range, background=background)
    ax = new_axes(ax)
    live = np.where(lc.exposure > 0, lc.exposure, np.nan)
    edges = np.append(lc.tstart, lc.tstop[-1])
    rate = lc.counts / live
    er = lc.energy_range
    name = label or lc.label or "data"
    if er is not None:
        name = f"{name} {er[0]:g}-{er[1]:g} keV"
    ax.stairs(np.nan_to_num(rate), edges, color=color(0), label=name, baseline=None)
    if errorbars and lc.counts.size <= 2000:
        mid = 0.5 * (lc.tstart + lc.tstop)
        ax.errorbar(mid, rate, yerr=np.sqrt(lc.counts) / live, fmt="none", ecolor=color(0),
                    alpha=0.5, lw=0.8)
    if lc.background is not None:
        mid = 0.5 * (lc.tstart + lc.tstop)
        b, s = lc.background / live, lc.background_err / live
        ax.plot(mid, b, color=color(1), lw=1.5, label="background model")
        ax.fill_between(mid, b - s, b + s, color=color(1), alpha=0.3, lw=0)
    if blocks is not None:
        b = np.asarray(blocks, dtype=float)
        b_edges = np.append(b[:, 0], b[-1, 1]) if b.ndim == 2 else b
        ax.stairs(block_rates(lc, b_edges), b_edges, color="k", lw=1.4, baseline=None,
                  label=f"Bayesian blocks ({b_edges.size - 1})")
    bi = background_intervals
    if bi is None and background is not None:
        bi = background.intervals
    for i, (a, c) in enumerate(np.atleast_2d(bi) if bi is not None else []):
        ax.axvspan(a, c, color=color(1), alpha=0.08, lw=0,
                   label="background intervals" if i == 0 else None)
    if source_intervals is not None:
        si = np.atleast_2d(np.asarray(source_intervals, float))
        ax.axvspan(si[:, 0].min(), si[:, 1].max(), color=color(2), alpha=0.08, lw=0,
                   label=f"{si.shape[0]} source intervals")
        for t in np.unique(si.ravel()):
            ax.axvline(t, color=color(2), lw=0.6, alpha=0.8)
    ax.set_xlim(edges[0], edges[-1])
    ax.set_xlabel(f"Time − {lc.t0:.3f} (s)" if lc.t0 else "Time (s)")
    ax.set_ylabel("Rate (counts s$^{-1}$)")
    finish_legend(ax)
    return ax
