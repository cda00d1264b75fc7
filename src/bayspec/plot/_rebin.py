"""Display rebinning: combine adjacent noticed groups for plotting only (never for a fit).

The rule is XSPEC's ``setplot rebin minsig maxbins``: starting at the first group of each
contiguous run of noticed groups, adjacent groups are added to a plotted bin until the bin's
net counts reach ``min_sig`` standard deviations, ``net / sqrt(var) >= min_sig``, or the bin
holds ``max_groups`` groups, or the run ends (a bin never spans a gap between noticed
ranges). The last bin of a run may stay below ``min_sig``.

Sums of counts are conserved: a plotted bin's net counts, predicted counts and widths are
the sums of its groups' (`DisplayBins.sum`); independent errors add in quadrature
(`DisplayBins.quad`).

Bins whose significance stays below ``ul_sigma`` are "no significant signal": they are
drawn as upper limits at ``max(net, 0) + ul_sigma * sigma`` net counts (a one-sided
Gaussian bound; ``ul_sigma = 2`` is 97.7 %).

This module is pure numpy (no matplotlib): the plot modules and their tests use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConfigError

__all__ = ["DisplayBins", "display_bins", "contiguous_runs", "REBIN_DEFAULTS"]

#: Default display rebinning: 3σ per plotted bin, at most 10 groups, upper limits below 2σ.
REBIN_DEFAULTS = {"min_sig": 3.0, "max_groups": 10, "ul_sigma": 2.0}


@dataclass(frozen=True)
class DisplayBins:
    """Plotted bins as index ranges ``[start, stop)`` into the unit's noticed groups.

    Attributes
    ----------
    start, stop : ndarray of int (nbins,)
        First group of each plotted bin and one past its last.
    net, sigma : ndarray (nbins,)
        Net counts of each bin and their 1σ error (counts; ``sigma`` at least
        ``sqrt(var_floor)``).
    ul_sigma : float
        Bins with ``net / sigma < ul_sigma`` are upper limits.
    """

    start: np.ndarray
    stop: np.ndarray
    net: np.ndarray
    sigma: np.ndarray
    ul_sigma: float

    @property
    def size(self) -> int:
        """Number of plotted bins."""
        return int(self.start.size)

    @property
    def ngroups(self) -> np.ndarray:
        """Groups per plotted bin."""
        return self.stop - self.start

    def sum(self, x):
        """Per-bin sums of a per-group array ``x`` (``(k,)`` or ``(..., k)``)."""
        return np.add.reduceat(np.asarray(x, dtype=float), self.start, axis=-1)

    def quad(self, x):
        """Per-bin quadrature sums ``sqrt(sum x**2)`` of per-group 1σ errors ``x``."""
        return np.sqrt(self.sum(np.square(np.asarray(x, dtype=float))))

    def mean(self, x):
        """Per-bin arithmetic means of a per-group array ``x``."""
        return self.sum(x) / self.ngroups

    def edges(self, chbin):
        """``(nbins, 2)`` energy bounds of the plotted bins from group bounds ``(k, 2)``."""
        chbin = np.asarray(chbin, dtype=float)
        return np.column_stack([chbin[self.start, 0], chbin[self.stop - 1, 1]])

    @property
    def significance(self) -> np.ndarray:
        """``net / sigma`` per bin."""
        return self.net / self.sigma

    @property
    def is_ul(self) -> np.ndarray:
        """Bins with no significant signal (``significance < ul_sigma``)."""
        return self.significance < self.ul_sigma

    @property
    def upper_limit(self) -> np.ndarray:
        """Upper limit on the net counts, ``max(net, 0) + ul_sigma * sigma`` (counts)."""
        return np.maximum(self.net, 0.0) + self.ul_sigma * self.sigma


def contiguous_runs(chbin, rtol=1e-6):
    """Start index of each run of groups whose energy ranges touch, plus ``k`` at the end.

    Parameters
    ----------
    chbin : array (k, 2)
        Group energy bounds (keV), in increasing order.
    """
    chbin = np.asarray(chbin, dtype=float)
    k = chbin.shape[0]
    touch = np.isclose(chbin[1:, 0], chbin[:-1, 1], rtol=rtol, atol=0.0)
    return np.r_[0, np.flatnonzero(~touch) + 1, k].astype(int)


def _check(min_sig, max_groups, ul_sigma):
    if not np.isfinite(min_sig) or min_sig < 0:
        raise ConfigError(f"min_sig must be finite and >= 0, got {min_sig!r}", key="min_sig")
    if int(max_groups) != max_groups or max_groups < 1:
        raise ConfigError(f"max_groups must be an integer >= 1, got {max_groups!r}",
                          key="max_groups")
    if not np.isfinite(ul_sigma) or ul_sigma < 0:
        raise ConfigError(f"ul_sigma must be finite and >= 0, got {ul_sigma!r}",
                          key="ul_sigma")


def display_bins(net, var, chbin, *, min_sig=REBIN_DEFAULTS["min_sig"],
                 max_groups=REBIN_DEFAULTS["max_groups"], ul_sigma=REBIN_DEFAULTS["ul_sigma"],
                 var_floor=0.0):
    """Plotted bins of a unit's noticed groups by XSPEC's ``setplot rebin`` rule.

    Parameters
    ----------
    net : array (k,)
        Net (source minus scaled background) counts per noticed group.
    var : array (k,)
        Variance of ``net`` per group (counts²).
    chbin : array (k, 2)
        Group energy bounds (keV); bins never span a gap between them.
    min_sig : float
        Significance ``net / sqrt(var)`` a bin must reach to close (0 or ``max_groups = 1``:
        no rebinning).
    max_groups : int
        Most groups in one bin.
    ul_sigma : float
        Bins below this significance are upper limits.
    var_floor : float
        Smallest variance of a bin (counts²), e.g. 1 for Poisson counts so that a bin with
        no counts still has an uncertainty.

    Returns
    -------
    DisplayBins
    """
    _check(min_sig, max_groups, ul_sigma)
    net = np.asarray(net, dtype=float)
    var = np.asarray(var, dtype=float)
    if net.shape != var.shape or net.ndim != 1:
        raise ConfigError(f"net and var must be 1-D of one length, got {net.shape} and "
                          f"{var.shape}", key="net")
    if min_sig <= 0:
        max_groups = 1  # XSPEC: a zero significance means no rebinning
    runs = contiguous_runs(chbin)
    starts = []
    # one iteration per plotted bin (a display step, not a fit's hot path)
    for r0, r1 in zip(runs[:-1], runs[1:]):
        i = r0
        while i < r1:
            j = min(i + int(max_groups), r1)
            cn, cv = np.cumsum(net[i:j]), np.cumsum(var[i:j])
            with np.errstate(divide="ignore", invalid="ignore"):
                sig = np.where(cv > 0, cn / np.sqrt(np.where(cv > 0, cv, 1.0)), 0.0)
            ok = np.flatnonzero(sig >= min_sig)
            starts.append(i)
            i = i + int(ok[0]) + 1 if ok.size else j
    start = np.asarray(starts, dtype=int)
    stop = np.r_[start[1:], net.size].astype(int)
    s_net = np.add.reduceat(net, start) if start.size else np.zeros(0)
    s_var = np.add.reduceat(var, start) if start.size else np.zeros(0)
    sigma = np.sqrt(np.maximum(s_var, var_floor))
    sigma = np.where(sigma > 0, sigma, np.finfo(float).tiny)
    return DisplayBins(start, stop, s_net, sigma, float(ul_sigma))
