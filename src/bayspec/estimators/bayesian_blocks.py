"""Bayesian blocks for binned counts (Scargle et al. 2013, ApJ 764, 167).

Optimal segmentation of a sequence of cells (time bins with counts ``N_i`` and widths
``T_i`` — exposures or durations) into blocks of constant rate, by dynamic programming
(Scargle et al. 2013, §3 and Algorithm 1). Block fitness for binned/event data is the
maximum Poisson log-likelihood of a constant rate (their eq. 19),

    F(N_k, T_k) = N_k (ln N_k − ln T_k),

and each block costs the prior ``ncp_prior = 4 − ln(73.53 p0 N^−0.478)`` (their eq. 21,
calibrated for event data; ``p0`` is the false-positive rate per change point and ``N``
the number of cells).
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

__all__ = ["bayesian_blocks", "ncp_prior"]


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
    best = np.zeros(n)
    last = np.zeros(n, dtype=int)
    cN = np.concatenate([[0.0], np.cumsum(N)])
    cT = np.concatenate([[0.0], np.cumsum(T)])
    for r in range(n):
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
    starts = np.array(starts[::-1], dtype=int)
    return np.concatenate([t_start[starts], [t_stop[-1]]])
