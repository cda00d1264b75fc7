"""Source intervals of a `bayspec.data.timeseries.TimeSeries`.

Ways to cut a time range ``[t1, t2)`` (s from the series ``t0``) into source intervals:

* ``"constant"``: constant width ``dt``;
* ``"significance"``: consecutive intervals built from fine bins (``dt``), each closed as
  soon as its counts over the fitted background reach ``min_sigma`` (the Poisson counts
  over a Gaussian background significance of Vianello 2018, ApJS 236, 17,
  `bayspec.stat.significance.poisson_gaussian`, with the background and its error of the
  whole interval from the fit covariance); a last, insignificant remainder joins the
  previous interval;
* ``"blocks"``: Bayesian blocks (Scargle et al. 2013): on the events with the event-data
  fitness (`bayesian_blocks_events`, cell widths corrected for dead time), or on the rows
  of a binned series (`bayesian_blocks`);
* a user list ``(n, 2)`` or edges ``(n + 1,)``.

`select_intervals` dispatches on ``method``; every function returns an ``(n, 2)`` array.
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..stat.significance import poisson_gaussian
from .bayesian_blocks import bayesian_blocks, bayesian_blocks_events

__all__ = ["constant_width", "significance_intervals", "block_intervals", "select_intervals",
           "as_intervals"]


def as_intervals(x):
    """``(n, 2)`` intervals from rows ``(n, 2)`` or increasing edges ``(n + 1,)`` (s)."""
    a = np.asarray(x, dtype=float)
    if a.ndim == 1:
        if a.size < 2:
            raise ConfigError(f"interval edges need at least two values, got {a.tolist()}",
                              key="intervals")
        a = np.column_stack([a[:-1], a[1:]])
    if a.ndim != 2 or a.shape[1] != 2 or a.shape[0] == 0 or np.any(a[:, 1] <= a[:, 0]):
        raise ConfigError("intervals must be edges (n+1,) or (n, 2) rows with t1 < t2",
                          key="intervals")
    return a


def constant_width(t1, t2, dt):
    """Intervals of width ``dt`` (s) from ``t1`` to ``t2``; the last one ends at ``t2``."""
    if not dt > 0 or not t2 > t1:
        raise ConfigError(f"need dt > 0 and t2 > t1 (dt={dt}, t1={t1}, t2={t2})", key="dt")
    n = max(int(np.ceil((t2 - t1) / dt - 1e-9)), 1)
    e = np.minimum(t1 + dt * np.arange(n + 1), t2)
    return np.column_stack([e[:-1], e[1:]])


def significance_intervals(series, background, t1, t2, min_sigma=5.0, dt=0.064,
                           channels=None, energy_range=None):
    """Consecutive intervals each with at least ``min_sigma`` over the fitted background.

    Parameters
    ----------
    series : TimeSeries
    background : BackgroundFit
    t1, t2 : float
        Range, s from ``t0``.
    min_sigma : float
        Significance each interval must reach.
    dt : float
        Fine bin width, s (events); a binned series uses its rows.
    channels, energy_range
        Channel selection (`TimeSeries.channel_mask`).

    Returns
    -------
    ndarray (n, 2)
    """
    mask = series.channel_mask(channels, energy_range)
    if series.is_events:
        edges = constant_width(t1, t2, dt)
        edges = np.append(edges[:, 0], edges[-1, 1])
    else:
        r = np.flatnonzero(series.usable & (series.tmid >= t1) & (series.tmid < t2))
        if r.size == 0:
            raise ConfigError(f"no usable row in [{t1}, {t2})", key="t_range")
        edges = np.append(series.tstart[r], series.tstop[r[-1]])
    counts, live = series.bin(edges)
    cn = np.concatenate([[0.0], np.cumsum(counts[:, mask].sum(axis=1))])
    cl = np.concatenate([[0.0], np.cumsum(live)])
    out = []
    s = 0
    nb = edges.size - 1
    while s < nb:  # one pass per interval found, each vectorised over the candidate ends
        e = np.arange(s + 1, nb + 1)
        n = cn[e] - cn[s]
        b, sig = background.counts(np.full(e.size, edges[s]), edges[e], cl[e] - cl[s],
                                   channels=mask, summed=True)
        S = poisson_gaussian(n, b, sig)
        hit = np.flatnonzero(S >= min_sigma)
        if hit.size == 0:
            if out:
                out[-1][1] = edges[-1]
            break
        end = int(e[hit[0]])
        out.append([edges[s], edges[end]])
        s = end
    return np.array(out, dtype=float).reshape(-1, 2)


def block_intervals(series, t1, t2, p0=0.05, channels=None, energy_range=None,
                    max_cells=50000):
    """Bayesian-block intervals of the counts in ``[t1, t2)`` (Scargle et al. 2013).

    Events: the event-data fitness on the selected events, cell widths corrected for dead
    time (`TimeSeries.live_time`). Binned series: the binned fitness on the rows.
    """
    mask = series.channel_mask(channels, energy_range)
    if series.is_events:
        i, j = np.searchsorted(series.times, [t1, t2], "left")
        t = series.times[i:j][mask[series.chan[i:j]]]
        edges = bayesian_blocks_events(t, t1, t2, p0=p0, live_fraction=series.live_time,
                                       max_cells=max_cells)
    else:
        r = np.flatnonzero(series.usable & (series.tmid >= t1) & (series.tmid < t2))
        if r.size == 0:
            raise ConfigError(f"no usable row in [{t1}, {t2})", key="t_range")
        edges = bayesian_blocks(series.tstart[r], series.tstop[r],
                                series.pha.counts[r][:, mask].sum(axis=1),
                                widths=series.exposure[r], p0=p0)
    return np.column_stack([edges[:-1], edges[1:]])


def select_intervals(series, method, t_range=None, *, dt=None, min_sigma=5.0,
                     background=None, p0=0.05, channels=None, energy_range=None,
                     intervals=None):
    """Source intervals by ``method`` (see the module notes).

    Parameters
    ----------
    series : TimeSeries
    method : {"constant", "significance", "blocks", "list"} or array
        An array is a user list.
    t_range : (float, float)
        Range to cut, s (not needed for a list).
    dt : float
        Width (``"constant"``) or fine bin (``"significance"``, default 0.064 s).
    min_sigma, background
        For ``"significance"``.
    p0
        For ``"blocks"``.
    channels, energy_range
        Channel selection for ``"significance"`` and ``"blocks"``.
    intervals
        The list for ``"list"``.

    Returns
    -------
    ndarray (n, 2)
    """
    if not isinstance(method, str):
        return as_intervals(method)
    if method == "list":
        return as_intervals(intervals)
    if t_range is None:
        raise ConfigError(f"method {method!r} needs t_range", key="t_range")
    t1, t2 = (float(x) for x in t_range)
    if method == "constant":
        if dt is None:
            raise ConfigError("method 'constant' needs dt", key="dt")
        return constant_width(t1, t2, dt)
    if method == "significance":
        if background is None:
            raise ConfigError("method 'significance' needs a background fit", key="background")
        return significance_intervals(series, background, t1, t2, min_sigma,
                                      0.064 if dt is None else dt, channels, energy_range)
    if method == "blocks":
        return block_intervals(series, t1, t2, p0, channels, energy_range)
    raise ConfigError(f"unknown interval method {method!r} (constant, significance, blocks, "
                      "list)", key="method")
