"""Stacking, energy slicing and energy resampling of `DataUnit`\\ s (pure data).

* `stack_units` — gammapy's ``stack``/``stack_reduce`` for 1-D spectra: counts and
  backgrounds summed inside each unit's safe mask, exposures summed, responses
  exposure-weighted with the mask on reconstructed energy; formulas in
  `bayspec.data._combine`.
* `slice_by_energy` — keep the channels lying entirely inside ``[e_min, e_max]`` keV; all
  arrays are sub-selected, nothing is recomputed.
* `resample_energy_axis` — merge channels onto coarser edges (each edge must be a channel
  boundary), summing inside the safe mask (gammapy's ``resample_energy_axis``); the same
  conserving formulas as stacking.
"""

from __future__ import annotations

import copy

import numpy as np

from ..errors import DataFormatError, NoticeError
from ._combine import check_compatible, combine
from ._masks import mask_safe
from .notice import notice_mask
from .response import Response
from .spectrum import Background, Source

__all__ = ["stack_units", "slice_by_energy", "resample_energy_axis"]

_EDGE_RTOL = 1e-6


def stack_units(units, name=None):
    """Stack compatible units into a new one (inputs untouched).

    Parameters
    ----------
    units : sequence of DataUnit
        Same channels and photon grid; backgrounds all present (all Poisson or all
        Gaussian) or all absent.
    name : str, optional
        Name of the stacked unit (default ``"stacked"``).

    Returns
    -------
    DataUnit
        ``notc`` dropped (gammapy drops ``mask_fit``), ``stat``, ``weight`` from the first
        unit, ``time`` kept only when all units share it, GROUPING kept only when all
        units share it, scale factors fresh (their old values are folded into the data).

    Raises
    ------
    ChannelMismatchError, DataFormatError
        Incompatible units (see `bayspec.data._combine.check_compatible`).
    """
    units = list(units)
    if not units:
        raise DataFormatError("nothing to stack: no data unit given")
    check_compatible(units)
    n = units[0].src_ins.nchan
    maps = [np.diag(mask_safe(u).astype(np.float64)) for u in units]
    eye = [np.eye(n)] * len(units)
    flags = units[0].src_ins.grouping
    same_grp = all(np.array_equal(u.src_ins.grouping, flags) for u in units)
    times = {u.time for u in units}
    return combine(units, maps, eye, units[0].rsp_ins.chbin, name=name or "stacked",
                   channel=units[0].src_ins.channel,
                   grouping=flags.copy() if same_grp else None, stat=units[0].stat,
                   weight=units[0].weight, time=times.pop() if len(times) == 1 else None,
                   unit_cls=type(units[0]))


def _par_copy(par):
    return copy.deepcopy(par)


def _pick(v, sel):
    return v[sel] if isinstance(v, np.ndarray) and v.ndim >= 1 else v


def _slice_spectrum(cls, s, sel, name):
    g = s.grouping[sel].copy()
    if g.size and g[0] == -1:
        g[0] = 1
    return cls(s.counts[sel], None if s.poisson else s.errors[sel], s.exposure,
               quality=s.quality[sel], grouping=g, backscale=_pick(s.backscale, sel),
               factor=_par_copy(s.factor), areascal=_pick(s.areascal, sel),
               sys_errors=None if s.sys_errors is None else _pick(s.sys_errors, sel),
               name=name, header=s.header, tstart=s.tstart, tstop=s.tstop,
               channel=None if s.channel is None else s.channel[sel])


def slice_by_energy(unit, e_min, e_max, name=None):
    """New unit with the channels lying entirely inside ``[e_min, e_max]`` (keV).

    Counts, errors, quality, grouping (a group cut at the lower edge restarts there),
    scales and the response columns are sub-selected; the response is kept as a full
    matrix; notice ranges, grouping policy, statistic, time and weight are kept (the
    notice ranges still apply inside the slice). Scale factors are copied.

    Raises
    ------
    NoticeError
        When no channel lies inside the range, or the kept notice ranges select nothing.
    """
    rsp = unit.rsp_ins
    sel = notice_mask(rsp.chbin, np.array([[float(e_min), float(e_max)]]))
    if not sel.any():
        raise NoticeError(f"no channel lies inside [{e_min:g}, {e_max:g}] keV", key=unit.name)
    name = name or f"{unit.name}_slice"
    src = _slice_spectrum(Source, unit.src_ins, sel, name)
    bkg = False if unit.bkg_ins is None else \
        _slice_spectrum(Background, unit.bkg_ins, sel, f"{name}_bkg")
    r = Response(rsp.chbin[sel], rsp.phbin, rsp.drm[:, sel], factor=_par_copy(rsp.factor),
                 name=f"{name}_rsp")
    return type(unit)(src, bkg=bkg, rsp=r, stat=unit.stat, notc=unit.notc, grpg=unit.grpg,
                      rebn=unit.rebn, time=unit.time, weight=unit.weight, name=name)


def _membership(chbin, edges):
    """``(nnew, nchan)`` 0/1 map of channels onto ``edges``; every edge must be a channel
    boundary (relative tolerance 1e-6) and every new bin must get a channel."""
    chbin = np.asarray(chbin, dtype=np.float64)
    edges = np.asarray(edges, dtype=np.float64).ravel()
    if edges.size < 2 or not np.all(np.diff(edges) > 0):
        raise DataFormatError(f"edges must be increasing with at least two values, got "
                              f"{edges.tolist()}", key="edges")
    bounds = np.unique(chbin[np.isfinite(chbin).all(axis=1)].ravel())
    for e in edges:
        if not np.any(np.isclose(bounds, e, rtol=_EDGE_RTOL, atol=0.0)):
            raise DataFormatError(f"edge {e:g} keV is not a channel boundary; resampling only "
                                  "merges whole channels", key="edges")
    lo = edges[:-1, None] * (1 - _EDGE_RTOL)
    hi = edges[1:, None] * (1 + _EDGE_RTOL)
    with np.errstate(invalid="ignore"):
        m = (chbin[None, :, 0] >= lo) & (chbin[None, :, 1] <= hi)
    empty = ~m.any(axis=1)
    if empty.any():
        k = int(np.flatnonzero(empty)[0])
        raise DataFormatError(f"new bin [{edges[k]:g}, {edges[k + 1]:g}] keV holds no channel",
                              key="edges")
    return m.astype(np.float64)


def resample_energy_axis(unit, edges, name=None):
    """New unit whose channels merge the old ones between consecutive ``edges`` (keV).

    Counts (and backgrounds) are summed over the *safe* channels of each new bin; the
    response, exposure and background scaling follow the conserving rules of
    `bayspec.data._combine` (predicted signal counts and ``alpha B`` of the safe channels
    are conserved). Channels outside ``[edges[0], edges[-1]]`` are dropped. A new bin with
    no safe channel gets QUALITY 1. Notice ranges, statistic, time and weight are kept;
    GROUPING becomes one channel per group.

    Raises
    ------
    DataFormatError
        If an edge is not a channel boundary or a new bin holds no channel.
    """
    chbin = unit.rsp_ins.chbin
    member = _membership(chbin, edges)
    safe = mask_safe(unit).astype(np.float64)
    new_chbin = np.column_stack([
        [np.nanmin(chbin[row > 0, 0]) for row in member],
        [np.nanmax(chbin[row > 0, 1]) for row in member]])
    out = combine([unit], [member * safe[None, :]], [member], new_chbin,
                  name=name or f"{unit.name}_resampled", stat=unit.stat, weight=unit.weight,
                  time=unit.time, unit_cls=type(unit))
    if unit.notc is not None:
        out.notc = unit.notc
    return out
