"""Channel grouping: from the file's GROUPING column or from a policy.

A grouping is stored as two integer arrays (`Grouping`):

* ``index`` — the kept channels, in order (0-based positions in the spectrum);
* ``starts`` — the positions in ``index`` where each group starts.

Every per-group quantity is then one vectorised ``np.add.reduceat`` over the gathered
channels, e.g. ``np.add.reduceat(counts[index], starts)``; the response is grouped the same
way along its channel axis.

Policies (``grpg`` / ``rebn`` dict; every key optional):

``min_evt``
    minimum *source* counts per group.
``min_sigma``
    minimum significance of the net counts per group,
    ``(S - a B) / sqrt(S + a^2 B)`` with ``S``, ``B`` the summed source and background
    counts and ``a`` the group's mean ``alpha``; ``S / sqrt(S)`` without background.
``max_bin``
    the most channels per group (a hard cap: it wins over ``min_evt``/``min_sigma``).
``method: "optimal"``
    Kaastra & Bleeker (2016, A&A 587, A151) optimal binning: the minimum width of the
    group starting at a channel is ``delta * FWHM`` (rounded down, at least one channel)
    with ``delta = 1`` for ``x <= 2.119`` and
    ``delta = (0.08 + 7.0/x + 1.8/x^2) / (1 + 5.9/x)`` otherwise,
    ``x = ln[N_r (1 + 0.2 ln R)]``; ``FWHM`` is the response's resolution at the channel
    energy, ``N_r`` the source counts within one FWHM around the channel and ``R`` the
    number of resolution elements in the noticed range (their eqs. for the optimal bin
    size with the ``N_r`` and ``R`` dependence).

Groups are built greedily from low to high energy inside each contiguous run of noticed
channels (grouping never bridges an ignored channel). A last group of a run that misses
``min_evt``/``min_sigma`` is merged into the previous group of the run (unless that breaks
``max_bin``); when a whole run cannot reach the minima it stays one group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError

__all__ = ["Grouping", "from_flags", "ungrouped", "from_policy", "response_fwhm",
           "optimal_width", "POLICY_KEYS"]

POLICY_KEYS = ("min_evt", "min_sigma", "max_bin", "method")


@dataclass(frozen=True)
class Grouping:
    """Kept channels and group starts; see the module docstring."""

    index: np.ndarray   # (nkept,) int, channel positions
    starts: np.ndarray  # (ngroup,) int, positions in ``index``

    @property
    def ngroup(self) -> int:
        return int(self.starts.size)

    @property
    def stops(self) -> np.ndarray:
        """Position in ``index`` of the last channel of each group."""
        return np.r_[self.starts[1:], self.index.size] - 1

    @property
    def first_channel(self) -> np.ndarray:
        return self.index[self.starts]

    @property
    def last_channel(self) -> np.ndarray:
        return self.index[self.stops]

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(np.r_[self.starts, self.index.size])

    def sum(self, x, axis=-1):
        """Sum ``x`` over the channels of each group along ``axis``."""
        x = np.asarray(x)
        return np.add.reduceat(np.take(x, self.index, axis=axis), self.starts, axis=axis)

    def mean(self, x):
        """Plain mean of per-channel ``x`` within each group."""
        return self.sum(x) / self.sizes

    def bounds(self, chbin):
        """Group energy bounds ``(ngroup, 2)``: first channel's E_MIN, last channel's E_MAX."""
        chbin = np.asarray(chbin, dtype=np.float64)
        return np.column_stack([chbin[self.first_channel, 0], chbin[self.last_channel, 1]])

    def channel_mask(self, nchan):
        m = np.zeros(nchan, dtype=bool)
        m[self.index] = True
        return m


def _build(index, new_group):
    index = np.asarray(index, dtype=np.intp)
    starts = np.flatnonzero(new_group) if index.size else np.zeros(0, dtype=np.intp)
    return Grouping(index=index, starts=starts.astype(np.intp))


def ungrouped(mask) -> Grouping:
    """One group per kept channel."""
    index = np.flatnonzero(mask)
    return Grouping(index=index, starts=np.arange(index.size, dtype=np.intp))


def from_flags(flags, mask) -> Grouping:
    """Grouping from OGIP GROUPING flags (+1 start, -1 continue, 0 alone).

    A group is kept only when every one of its channels is in ``mask``.
    """
    flags = np.asarray(flags)
    mask = np.asarray(mask, dtype=bool)
    start = flags != -1
    if start.size:
        start[0] = True
    gid = np.cumsum(start) - 1
    ngid = int(gid[-1]) + 1 if gid.size else 0
    nbad = np.bincount(gid, weights=(~mask).astype(np.float64), minlength=ngid)
    keep = mask & (nbad[gid] == 0)
    index = np.flatnonzero(keep)
    kg = gid[index]
    new = np.r_[True, kg[1:] != kg[:-1]] if index.size else np.zeros(0, bool)
    return _build(index, new)


def _check_policy(policy, key):
    if not isinstance(policy, dict):
        raise ConfigError(f"grouping policy must be None, 'none' or a dict, got {policy!r}",
                          key=key)
    unknown = set(policy) - set(POLICY_KEYS)
    if unknown:
        raise ConfigError(f"unknown grouping policy key(s) {sorted(unknown)}; "
                          f"known: {', '.join(POLICY_KEYS)}", key=key)
    method = policy.get("method")
    if method not in (None, "optimal"):
        raise ConfigError(f"unknown grouping method {method!r}; known: 'optimal'", key=key)
    for k in ("min_evt", "min_sigma", "max_bin"):
        v = policy.get(k)
        number = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        if v is not None and (not number or not np.isfinite(v) or v < 0
                              or (k == "max_bin" and v < 1)):
            raise ConfigError(f"{k} must be a non-negative number (max_bin >= 1), got {v!r}",
                              key=key)


def response_fwhm(chbin, drm):
    """FWHM (keV) of the redistribution at each channel's mid energy.

    For every photon-energy row of ``drm`` the channels at or above half the row's peak are
    summed in width (a discrete FWHM); the result is interpolated to the channel centres.

    Parameters
    ----------
    chbin : (nchan, 2) keV
    drm : (nphot, nchan), photon rows; its photon energies are taken as the channel-space
        position of the row's peak.
    """
    chbin = np.asarray(chbin, dtype=np.float64)
    drm = np.asarray(drm, dtype=np.float64)
    width = np.nan_to_num(chbin[:, 1] - chbin[:, 0])
    centre = np.nan_to_num(chbin.mean(axis=1))
    peak = drm.max(axis=1)
    ok = peak > 0
    d = drm[ok]
    above = d >= 0.5 * peak[ok][:, None]
    fwhm_rows = above @ width
    epeak = centre[np.argmax(d, axis=1)]
    if not ok.any():
        return width.copy()
    order = np.argsort(epeak, kind="stable")
    fw = np.interp(centre, epeak[order], fwhm_rows[order])
    return np.maximum(fw, width)


def optimal_width(counts, chbin, fwhm, mask):
    """Minimum group width in channels per channel (Kaastra & Bleeker 2016).

    Parameters
    ----------
    counts : (nchan,) source counts
    chbin : (nchan, 2) keV
    fwhm : (nchan,) keV, resolution at each channel
    mask : (nchan,) bool, the noticed channels (define ``R``)
    """
    counts = np.asarray(counts, dtype=np.float64)
    chbin = np.nan_to_num(np.asarray(chbin, dtype=np.float64))
    width = np.maximum(chbin[:, 1] - chbin[:, 0], 1e-300)
    centre = chbin.mean(axis=1)
    fwhm = np.asarray(fwhm, dtype=np.float64)
    R = max(float(np.sum(width[mask] / fwhm[mask])), 1.0)
    # cumulative counts vs. energy at the channel upper edges (noticed channels only)
    c = np.where(mask, counts, 0.0)
    cum = np.r_[0.0, np.cumsum(c)]
    edges = np.r_[chbin[0, 0], chbin[:, 1]]
    edges = np.maximum.accumulate(edges)
    nr = np.interp(centre + fwhm / 2, edges, cum) - np.interp(centre - fwhm / 2, edges, cum)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log(nr * (1.0 + 0.2 * np.log(R)))
        delta = np.where(x > 2.119, (0.08 + 7.0 / x + 1.8 / x**2) / (1.0 + 5.9 / x), 1.0)
    delta = np.where(np.isfinite(delta), delta, 1.0)
    return np.maximum(1, np.floor(delta * fwhm / width)).astype(np.intp)


def _significance(S, B, a):
    var = S + a * a * B
    return np.where(var > 0, (S - a * B) / np.sqrt(np.where(var > 0, var, 1.0)), 0.0)


def from_policy(policy, mask, src_counts, bkg_counts=None, alpha=None, min_width=None,
                key="grpg") -> Grouping:
    """Greedy grouping within the runs of ``mask`` following ``policy``.

    Parameters
    ----------
    policy : dict
        Keys of `POLICY_KEYS`; see the module docstring.
    mask : (nchan,) bool
        Noticed good channels.
    src_counts, bkg_counts : (nchan,) counts; ``bkg_counts`` None without background.
    alpha : float or (nchan,), background-to-source scaling (``src_eff / bkg_eff``).
    min_width : (nchan,) int, optional
        Minimum channels of a group starting at each channel (from `optimal_width`).
    """
    _check_policy(policy, key)
    mask = np.asarray(mask, dtype=bool)
    nchan = mask.size
    S = np.asarray(src_counts, dtype=np.float64)
    B = np.zeros(nchan) if bkg_counts is None else np.asarray(bkg_counts, dtype=np.float64)
    a = np.broadcast_to(np.asarray(0.0 if alpha is None else alpha, dtype=np.float64),
                        (nchan,))
    min_evt = policy.get("min_evt")
    min_sig = policy.get("min_sigma")
    max_bin = policy.get("max_bin")
    max_bin = nchan if max_bin is None else int(max_bin)
    mw = np.ones(nchan, dtype=np.intp) if min_width is None else np.asarray(min_width)

    cS = np.r_[0.0, np.cumsum(S)]
    caB = np.r_[0.0, np.cumsum(a * B)]
    ca2B = np.r_[0.0, np.cumsum(a * a * B)]

    def ok(i, j):  # channels i..j-1 satisfy the minima
        s = cS[j] - cS[i]
        if min_evt is not None and s < min_evt:
            return False
        if min_sig is not None:
            var = s + (ca2B[j] - ca2B[i])
            sig = (s - (caB[j] - caB[i])) / np.sqrt(var) if var > 0 else 0.0
            if sig < min_sig:
                return False
        return True

    index = np.flatnonzero(mask)
    if index.size == 0:
        return Grouping(index=index, starts=np.zeros(0, np.intp))
    brk = np.flatnonzero(np.diff(index) != 1) + 1
    runs = np.split(index, brk)
    group_first = []  # channel numbers starting each group
    for run in runs:
        lo, hi = int(run[0]), int(run[-1]) + 1
        gs = []  # (start, stop)
        p = lo
        while p < hi:
            stop = min(p + max(int(mw[p]), 1), hi, p + max_bin)
            if min_evt is not None and not ok(p, stop):
                # jump straight to the first stop meeting min_evt
                j = int(np.searchsorted(cS, cS[p] + min_evt, side="left"))
                stop = max(stop, min(j, hi, p + max_bin))
            while stop < hi and stop - p < max_bin and not ok(p, stop):
                stop += 1
            gs.append([p, stop])
            p = stop
        if len(gs) > 1 and not ok(*gs[-1]) and gs[-1][1] - gs[-2][0] <= max_bin:
            gs[-2][1] = gs[-1][1]
            gs.pop()
        group_first.extend(g[0] for g in gs)
    new = np.isin(index, np.asarray(group_first))
    return _build(index, new)
