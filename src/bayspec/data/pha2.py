"""One route from PHA-II rows to a `DataUnit`.

`unit_from_rows` builds the unit of one spectrum or of a range of rows of a PHA-II series
(summed by `sum_rows`), with its background and its response; an RSP2 (several matrices)
is weighted over the rows' time ranges and exposures by the one rule of
`bayspec.data.rsp2`. `bayspec.estimators.SpectrumSeries`, the store
(`bayspec.store.unit_from_store`) and the batch workers all build their units here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import DataFormatError

__all__ = ["sum_rows", "unit_from_rows"]


def _same(values):
    """The common value of a list, else None."""
    return values[0] if all(v == values[0] for v in values) else None


def _scale(v, idx, expo):
    """BACKSCAL/AREASCAL of summed rows: exposure-weighted mean of per-row values."""
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 0:
        return float(a)
    sel = a[idx]
    w = expo / expo.sum() if expo.sum() > 0 else np.full(expo.size, 1.0 / expo.size)
    out = np.tensordot(w, sel, axes=(0, 0))
    return float(out) if np.ndim(out) == 0 else out


def sum_rows(series, rows):
    """The spectrum of rows ``rows`` of a PHA-II series, summed.

    Parameters
    ----------
    series : bayspec.io.PhaSeries
    rows : int or sequence of int
        0-based rows.

    Returns
    -------
    bayspec.io.PhaSpectrum
        Counts and exposures (s) added, statistical errors added in quadrature (counts),
        QUALITY the largest flag of the rows (a channel bad in any row is bad), BACKSCAL
        and AREASCAL the exposure-weighted means, TSTART/TSTOP the first start and the
        last stop of the rows; GROUPING and the file pointers of the rows (they must agree;
        pointers that differ are dropped).

    Raises
    ------
    DataFormatError
        No row, a row out of range, or rows with different GROUPING.
    """
    from ..io import PhaSpectrum

    idx = np.atleast_1d(np.asarray(rows, dtype=np.int64))
    n = series.nrow
    name = getattr(series, "filename", None)
    if idx.size == 0:
        raise DataFormatError("no row to sum", file=name, hdu=series.hdu)
    if np.any((idx < -n) | (idx >= n)):
        raise DataFormatError(f"rows {idx[(idx < -n) | (idx >= n)].tolist()} out of range "
                              f"0..{n - 1}", file=name, hdu=series.hdu)
    if idx.size == 1:
        return series.spectrum(int(idx[0]))
    grp = series.grouping[idx]
    if np.any(grp != grp[0]):
        raise DataFormatError("rows with different GROUPING cannot be summed", file=name,
                              hdu=series.hdu, key="GROUPING")
    expo = np.asarray(series.exposure, dtype=np.float64)[idx]
    t0 = np.asarray(series.tstart, dtype=np.float64)[idx]
    t1 = np.asarray(series.tstop, dtype=np.float64)[idx]
    start = float(np.min(t0)) if np.all(np.isfinite(t0)) else None
    stop = float(np.max(t1)) if np.all(np.isfinite(t1)) else None
    stat_err = None if series.stat_err is None else \
        np.sqrt(np.sum(np.square(series.stat_err[idx]), axis=0))
    sys_err = None
    if series.sys_err is not None and np.all(series.sys_err[idx] == series.sys_err[idx[0]]):
        sys_err = series.sys_err[idx[0]].copy()
    return PhaSpectrum(
        counts=series.counts[idx].sum(axis=0), exposure=float(expo.sum()),
        stat_err=stat_err, sys_err=sys_err, poisserr=series.poisserr,
        channel=series.channel.copy(), first_channel=series.first_channel,
        quality=series.quality[idx].max(axis=0), grouping=grp[0].copy(),
        backscal=_scale(series.backscal, idx, expo), areascal=_scale(series.areascal, idx, expo),
        is_rate=series.is_rate, hduclas2=series.hduclas2, tstart=start, tstop=stop,
        backfile=_same([series.backfile[i] for i in idx]),
        respfile=_same([series.respfile[i] for i in idx]),
        ancrfile=_same([series.ancrfile[i] for i in idx]),
        header=series.header, filename=series.filename, hdu=series.hdu, row=None,
        ebounds=series.ebounds)


def _times(src, idx):
    """Time pieces ``(k, 2)`` (s) and exposures ``(k,)`` (s) of the source rows."""
    if idx is None:
        t = [[np.nan if src.tstart is None else src.tstart,
              np.nan if src.tstop is None else src.tstop]]
        return np.asarray(t, dtype=np.float64), np.atleast_1d(float(src.exposure))
    return (np.column_stack([np.asarray(src.tstart, np.float64)[idx],
                             np.asarray(src.tstop, np.float64)[idx]]),
            np.asarray(src.exposure, np.float64)[idx])


def _response(x, full, times, name):
    """A `Response`/`Redistribution` from a container, a list of them or a file."""
    from ..io import RmfMatrix
    from .response import Response
    from .rsp2 import interval_response

    if x is None or isinstance(x, Response):
        return x
    if isinstance(x, RmfMatrix):
        x = [x]
    is_list = isinstance(x, (list, tuple)) and x and all(isinstance(m, RmfMatrix) for m in x)
    if is_list or isinstance(x, (str, Path, tuple)):
        pieces, expo = times
        return interval_response(list(x) if is_list else x, pieces, expo, full=full, name=name)
    return x  # anything else is for DataUnit to read (e.g. a BytesIO)


def _auxiliary(a):
    from ..io import ArfCurve
    from .response import Auxiliary

    if not isinstance(a, ArfCurve):
        return a
    return Auxiliary(np.column_stack([a.energ_lo, a.energ_hi]), a.specresp,
                     file=getattr(a, "filename", None), hdu=getattr(a, "hdu", None))


def _spectrum(cls, x, idx, name):
    from ..io import PhaSeries, PhaSpectrum

    if isinstance(x, PhaSeries):
        if idx is None:
            if x.nrow != 1:
                raise DataFormatError(f"series has {x.nrow} rows: give the rows",
                                      file=x.filename, hdu=x.hdu)
            idx = [0]
        return cls.from_pha(sum_rows(x, idx), name=name)
    if isinstance(x, PhaSpectrum):
        return cls.from_pha(x, name=name)
    return x


def unit_from_rows(src, rows=None, *, bkg=None, bkg_rows=None, rsp=None, rmf=None, arf=None,
                   stat=None, name=None, time_range=None, **unit_kwargs):
    """The `DataUnit` of one PHA spectrum or of summed rows of a PHA-II series.

    Parameters
    ----------
    src : bayspec.io.PhaSeries or bayspec.io.PhaSpectrum
        The source: a series (with ``rows``) or one spectrum (one PHA-II row or PHA-I).
    rows : int or sequence of int, optional
        0-based rows of ``src`` to sum (`sum_rows`).
    bkg : PhaSeries, PhaSpectrum, Background, file spec, or None
        The background; a series is summed over ``bkg_rows``. None or False: no
        background (BACKFILE is not followed).
    bkg_rows : int or sequence of int, optional
        Rows of a background series.
    rsp, rmf : RmfMatrix, sequence of RmfMatrix, RSP/RSP2 file spec, or Response, optional
        Full response (``rsp``) or redistribution (``rmf``, with ``arf``). Several
        matrices (an RSP2) are weighted over the source rows' time ranges and exposures
        by the one rule of `bayspec.data.rsp2`. Neither given: the `DataUnit` follows the
        spectrum's RESPFILE/ANCRFILE.
    arf : ArfCurve, Auxiliary or file spec, optional
    stat : str, optional
        Default ``"pgstat"`` with a background, ``"cstat"`` without.
    name : str, optional
        Unit name; also names a summed source spectrum and the weighted response.
    time_range : (float, float), optional
        TSTART/TSTOP (s) recorded on the source spectrum instead of the rows' own (e.g.
        the interval asked for).
    **unit_kwargs
        Passed to `DataUnit` (``notc``, ``grpg``, ``rebn``, ``time``, ``weight``).

    Returns
    -------
    DataUnit
    """
    from ..io import PhaSeries
    from .spectrum import Background, Source
    from .unit import DataUnit

    idx = None if rows is None else np.atleast_1d(np.asarray(rows, dtype=np.int64))
    if isinstance(src, PhaSeries) and idx is None and src.nrow == 1:
        idx = np.zeros(1, np.int64)
    times = _times(src, idx)
    source = _spectrum(Source, src, idx, name if idx is not None else None)
    if time_range is not None:
        source.tstart, source.tstop = (float(t) for t in time_range)
    b = False if bkg is None or bkg is False else _spectrum(
        Background, bkg, None if bkg_rows is None else np.atleast_1d(bkg_rows),
        None if name is None or bkg_rows is None else f"{name}_bkg")
    if stat is None:
        stat = "cstat" if b is False else "pgstat"
    rname = None if name is None else f"{name}_rsp"
    resp = dict(rsp=_response(rsp, True, times, rname),
                rmf=_response(rmf, False, times, rname), arf=_auxiliary(arf))
    return DataUnit(source, bkg=b, stat=stat, name=name,
                    **{k: v for k, v in resp.items() if v is not None}, **unit_kwargs)
