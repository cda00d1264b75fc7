"""Bayesian blocks for binned counts and for events (Scargle et al. 2013, ApJ 764, 167).

Optimal segmentation of a sequence of cells (time bins with counts ``N_i`` and widths
``T_i`` — exposures or durations) into blocks of constant rate, by dynamic programming
(Scargle et al. 2013, §3 and Algorithm 1). For events (`bayesian_blocks_events`) the cells
are the Voronoi cells of the distinct event times (their §3.1 "data cells": each edge
halfway between consecutive times, the first and last at the ends of the observation), with
``N_i`` the number of events sharing a time tag. Block fitness for binned/event data is the
maximum Poisson log-likelihood of a constant rate (their eq. 19),

    F(N_k, T_k) = N_k (ln N_k − ln T_k),

and each block costs the prior ``ncp_prior = 4 − ln(73.53 p0 N^−0.478)`` (their eq. 21,
calibrated for event data; ``p0`` is the false-positive rate per change point and ``N``
the number of cells).
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

__all__ = ["bayesian_blocks", "bayesian_blocks_events", "ncp_prior"]


def ncp_prior(n, p0=0.05):
    """Prior cost of one block (Scargle et al. 2013 eq. 21) for ``n`` cells."""
    return 4.0 - np.log(73.53 * p0 * n ** -0.478)


def bayesian_blocks(t_start, t_stop, counts, widths=None, p0=0.05, prior=None):
    """Change points of binned counts.

    Parameters
    ----------
    t_start, t_stop : array (n,)
        Cell boundaries (s), increasing; gaps between cells are allowed.
    counts : array (n,)
        Counts per cell.
    widths : array (n,), optional
        Cell sizes entering the rate (e.g. live-time exposures); default ``t_stop − t_start``.
    p0 : float
        False-positive probability per change point (eq. 21).
    prior : float, optional
        Explicit ``ncp_prior`` (overrides ``p0``).

    Returns
    -------
    edges : ndarray (nblock + 1,)
        Block edges (s): the first cell's start, the starts of the cells that begin a block,
        and the last cell's stop.
    """
    t_start = np.asarray(t_start, float)
    t_stop = np.asarray(t_stop, float)
    N = np.asarray(counts, float)
    T = (t_stop - t_start) if widths is None else np.asarray(widths, float)
    n = N.size
    if n == 0:
        raise ValueError("bayesian_blocks needs at least one cell")
    if np.any(T <= 0):
        raise ValueError("cell widths must be positive (drop rows with non-positive exposure)")
    cost = ncp_prior(n, p0) if prior is None else float(prior)
    starts = _partition(N, T, cost)
    return np.concatenate([t_start[starts], [t_stop[-1]]])


def _partition(N, T, cost):
    """Start indices of the optimal blocks of cells ``(N, T)`` (Algorithm 1)."""
    n = N.size
    best = np.zeros(n)
    last = np.zeros(n, dtype=int)
    cN = np.concatenate([[0.0], np.cumsum(N)])
    cT = np.concatenate([[0.0], np.cumsum(T)])
    for r in range(n):  # the dynamic programme is sequential in r; each step is vectorised
        # blocks [k, r] for k = 0..r
        Nk = cN[r + 1] - cN[: r + 1]
        Tk = cT[r + 1] - cT[: r + 1]
        fit = xlogy(Nk, Nk) - xlogy(Nk, Tk) - cost
        fit[1:] += best[:r]
        k = int(np.argmax(fit))
        last[r], best[r] = k, fit[k]
    starts = []
    i = n
    while i > 0:
        k = last[i - 1]
        starts.append(k)
        i = k
    return np.array(starts[::-1], dtype=int)


def bayesian_blocks_events(times, t_start=None, t_stop=None, p0=0.05, prior=None,
                           live_fraction=None, max_cells=50000):
    """Change points of event times (Scargle et al. 2013, event-data fitness).

    Parameters
    ----------
    times : array (n,)
        Event times, s (any order; equal times are one cell with several events).
    t_start, t_stop : float, optional
        Ends of the observation, s (default the first and last event).
    p0 : float
        False-positive probability per change point (eq. 21, with ``N`` the number of
        events).
    prior : float, optional
        Explicit ``ncp_prior``.
    live_fraction : float or callable, optional
        Live-time fraction; a callable ``f(a, b) -> live time`` of cell edges ``a, b``
        (arrays, s) corrects the cell widths for dead time.
    max_cells : int
        The algorithm costs O(ncell^2); more distinct times than this raise
        `DataFormatError` (select an energy range or a shorter time range, or bin finely
        and use `bayesian_blocks`).

    Returns
    -------
    edges : ndarray (nblock + 1,)
        Block edges, s: ``t_start``, the cell edges where a block starts, ``t_stop``.
    """
    from ..errors import DataFormatError

    t = np.sort(np.asarray(times, float), kind="stable")
    if t.size == 0:
        raise DataFormatError("bayesian_blocks_events needs at least one event", key="times")
    uniq, mult = np.unique(t, return_counts=True)
    if uniq.size > max_cells:
        raise DataFormatError(f"{uniq.size} distinct event times exceed max_cells={max_cells} "
                              "(the algorithm is quadratic): narrow the time or energy range",
                              key="times")
    a = uniq[0] if t_start is None else float(t_start)
    b = uniq[-1] if t_stop is None else float(t_stop)
    if not a <= uniq[0] or not b >= uniq[-1] or not b > a:
        raise DataFormatError(f"events must lie in [t_start, t_stop] = [{a}, {b}]", key="times")
    edges = np.concatenate([[a], 0.5 * (uniq[1:] + uniq[:-1]), [b]])
    T = np.diff(edges)
    if live_fraction is not None:
        T = (live_fraction(edges[:-1], edges[1:]) if callable(live_fraction)
             else T * float(live_fraction))
    T = np.maximum(T, np.finfo(float).tiny)
    cost = ncp_prior(t.size, p0) if prior is None else float(prior)
    starts = _partition(mult.astype(float), T, cost)
    return np.concatenate([edges[starts], [b]])
