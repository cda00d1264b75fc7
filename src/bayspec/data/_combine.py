r"""Linear recombination of channels: the engine of stacking and energy resampling.

Both operations build a new unit whose channel ``k`` collects channels ``c`` of input units
``j`` through 0/1 maps ``G_j (nnew, nchan_j)`` that already include each unit's safe mask
``eps_jc`` (stacking: ``G_j = diag(eps_j)``; resampling: channel membership times
``eps``). With, per input channel, source counts ``S``, background counts ``B``, source
efficiency ``t_s = EXPOSURE x AREASCAL x sf`` (s), background efficiency
``t_b = EXPOSURE_b x AREASCAL_b x BACKSCAL_b / BACKSCAL_s x bf`` (s), ``alpha = t_s / t_b``
and response ``R = drm x rf`` (cm², ``(nphot, nchan)``), the new unit has

* exposure ``T = sum_j EXPOSURE_j`` (livetimes summed), AREASCAL = BACKSCAL = 1;
* source counts ``S'_k = sum_jc G_jkc S_jc``; errors ``sqrt(sum G sigma_S^2)`` when any
  input has STAT_ERR, else Poisson;
* response (exposure-weighted, masked on reconstructed energy — gammapy's EDISP x
  exposure stacking rule, datasets overview table)

  .. math:: R'_{lk} = \frac{1}{T}\sum_j\sum_c t_{s,jc}\,R_{j,lc}\,G_{jkc},

  so the predicted signal counts ``T R'`` are the sums of the inputs' predicted counts
  inside their safe masks, for any model (npred conservation), with the current
  scale-factor values folded in (the new unit's ``sf``/``bf``/``rf`` start at 1);
* background, chosen so that the expected background in the source region ``alpha B`` and
  its variance are conserved:

  - Poisson backgrounds (off counts, wstat/cstat/pstat): ``B'_k = sum G B`` (integers
    stay integers) and the off-count-weighted ratio

    .. math:: \alpha'_k = \frac{\sum_{jc} G_{jkc}\,\alpha_{jc} B_{jc}}{\sum_{jc} G_{jkc} B_{jc}},

    falling back, where ``B'_k = 0``, to the efficiency ratio
    ``sum G t_s / sum G t_b``;
  - Gaussian backgrounds (STAT_ERR, pgstat/chi2): ``alpha'_k = sum G t_s / sum G t_b``,
    ``B'_k = sum G alpha B / alpha'_k``,
    ``sigma'_B,k = sqrt(sum G alpha^2 sigma_B^2) / alpha'_k``;

  written as a background spectrum with EXPOSURE ``T_b = sum_j EXPOSURE_b,j`` and
  per-channel BACKSCAL ``T / (alpha'_k T_b)``, so that ``src_efficiency /
  bkg_efficiency = alpha'``;
* QUALITY 0 where at least one input channel is safe (``sum G > 0``), else 1 (gammapy: the
  stacked safe mask is the union).

Channels where no input is safe get zero counts and the efficiency ratio of the unmasked
channels. SYS_ERR is dropped. References: gammapy ``Datasets.stack_reduce`` /
``MapDataset.stack`` (datasets overview, "Stacking Multiple Datasets").
"""

from __future__ import annotations

import numpy as np

from ..errors import ChannelMismatchError, DataFormatError
from .response import Response
from .spectrum import Background, Source

__all__ = ["check_compatible", "combine", "channel_arrays"]

_RTOL = 1e-6


def channel_arrays(unit):
    """Per-channel arrays of one unit (scale factors at their current values applied).

    Returns a dict: ``S, sS, src_poisson, ts, R`` and, with a background, ``B, sB,
    bkg_poisson, tb, alpha``.
    """
    src, bkg, rsp = unit.src_ins, unit.bkg_ins, unit.rsp_ins
    out = {
        "S": src.counts, "sS": src.errors, "src_poisson": src.poisson,
        "ts": unit._src_eff_ch() * src.factor.value,
        "R": rsp.drm * rsp.factor.value,
    }
    if bkg is not None:
        tb = unit._bkg_eff_ch() * bkg.factor.value
        out.update(B=bkg.counts, sB=bkg.errors, bkg_poisson=bkg.poisson, tb=tb,
                   alpha=out["ts"] / tb)
    return out


def _same(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and np.allclose(a, b, rtol=_RTOL, atol=0.0, equal_nan=True)


def check_compatible(units):
    """Raise unless every unit has the same channels, photon grid and background kind.

    Raises
    ------
    ChannelMismatchError
        Different channel numbers or channel energy bounds.
    DataFormatError
        Different photon-energy grids, or background present in some units only, or
        Poisson backgrounds mixed with Gaussian ones.
    """
    first = units[0]
    for u in units[1:]:
        if u.src_ins.nchan != first.src_ins.nchan or not _same(u.rsp_ins.chbin,
                                                               first.rsp_ins.chbin):
            raise ChannelMismatchError(
                f"cannot stack {u.name!r} onto {first.name!r}: channel energy bounds differ "
                f"({u.src_ins.nchan} vs {first.src_ins.nchan} channels)", key=u.name)
        if not _same(u.rsp_ins.phbin, first.rsp_ins.phbin):
            raise DataFormatError(
                f"cannot stack {u.name!r} onto {first.name!r}: the responses' photon-energy "
                "grids differ", key=u.name)
        if (u.bkg_ins is None) != (first.bkg_ins is None):
            raise DataFormatError(
                f"cannot stack {u.name!r} onto {first.name!r}: one has a background and the "
                "other not", key=u.name)
        if u.bkg_ins is not None and u.bkg_ins.poisson != first.bkg_ins.poisson:
            raise DataFormatError(
                f"cannot stack {u.name!r} onto {first.name!r}: Poisson and Gaussian (STAT_ERR) "
                "backgrounds cannot be combined", key=u.name)


def _ratio(num, den):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def combine(units, maps, members, chbin, *, name, channel=None, grouping=None, stat=None,
            weight=1.0, time=None, unit_cls=None):
    """Build the combined unit (see the module docstring for the formulas).

    Parameters
    ----------
    units : list of DataUnit
        Compatible inputs (same photon grid; backgrounds all present or all absent).
    maps : list of ndarray (nnew, nchan_j)
        0/1 maps including each unit's safe mask.
    members : list of ndarray (nnew, nchan_j)
        The same maps without the safe mask (used only for the efficiency-ratio fallback in
        channels that no input covers).
    chbin : ndarray (nnew, 2)
        Energy bounds of the new channels (keV).
    name : str
        Name of the new unit.
    channel : int array (nnew,), optional
        Channel numbers (default 1..nnew).
    grouping : int array (nnew,), optional
        OGIP GROUPING flags (default one channel per group).
    stat, weight, time
        Settings of the new unit (``stat`` default: the first unit's).
    unit_cls : type
        Class of the result (DataUnit).
    """
    arrs = [channel_arrays(u) for u in units]
    G = [np.asarray(g, dtype=np.float64) for g in maps]
    M = [np.asarray(g, dtype=np.float64) for g in members]
    nnew = G[0].shape[0]
    T = float(sum(u.src_ins.exposure for u in units))
    cover = sum(g.sum(axis=1) for g in G) > 0

    S = sum(g @ a["S"] for g, a in zip(G, arrs))
    if all(a["src_poisson"] for a in arrs):
        sS = None
    else:
        sS = np.sqrt(sum(g @ (a["sS"] ** 2) for g, a in zip(G, arrs)))
    R = sum((a["R"] * a["ts"][None, :]) @ g.T for g, a in zip(G, arrs)) / T

    src0 = units[0].src_ins
    t0 = [u.src_ins.tstart for u in units if u.src_ins.tstart is not None]
    t1 = [u.src_ins.tstop for u in units if u.src_ins.tstop is not None]
    quality = np.where(cover, 0, 1).astype(np.int64)
    channel = np.arange(1, nnew + 1) if channel is None else np.asarray(channel)
    src = Source(S, sS, T, quality=quality, grouping=grouping, backscale=1.0, areascal=1.0,
                 name=name, header=src0.header, tstart=min(t0) if t0 else None,
                 tstop=max(t1) if t1 else None, channel=channel)

    bkg = False
    if units[0].bkg_ins is not None:
        # efficiency ratio: over safe inputs where covered, over all members elsewhere
        ts_sum = np.where(cover, sum(g @ a["ts"] for g, a in zip(G, arrs)),
                          sum(m @ a["ts"] for m, a in zip(M, arrs)))
        tb_sum = np.where(cover, sum(g @ a["tb"] for g, a in zip(G, arrs)),
                          sum(m @ a["tb"] for m, a in zip(M, arrs)))
        eff_ratio = _ratio(ts_sum, tb_sum)
        aB = sum(g @ (a["alpha"] * a["B"]) for g, a in zip(G, arrs))
        if units[0].bkg_ins.poisson:
            B = sum(g @ a["B"] for g, a in zip(G, arrs))
            alpha = np.where(B > 0, _ratio(aB, B), eff_ratio)
            sB = None
        else:
            alpha = eff_ratio
            B = np.where(cover, aB / alpha, 0.0)
            sB = np.sqrt(sum(g @ ((a["alpha"] * a["sB"]) ** 2) for g, a in zip(G, arrs))) / alpha
        if not np.all(np.isfinite(alpha) & (alpha > 0)):
            raise DataFormatError("combined background scaling alpha is not positive and "
                                  "finite in every channel", key=name)
        Tb = float(sum(u.bkg_ins.exposure for u in units))
        bkg = Background(B, sB, Tb, quality=quality, grouping=grouping,
                         backscale=T / (alpha * Tb), areascal=1.0, name=f"{name}_bkg",
                         header=units[0].bkg_ins.header, channel=channel)

    rsp = Response(chbin, units[0].rsp_ins.phbin, R, name=f"{name}_rsp")
    return unit_cls(src, bkg=bkg, rsp=rsp, stat=stat or units[0].stat, time=time,
                    weight=weight, name=name)
