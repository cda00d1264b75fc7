"""Write OGIP PHA files: type I from a `PhaSpectrum`, type II from a `PhaSeries`.

Keywords follow OGIP/92-007 (HDUCLAS1..4, HDUVERS, EXPOSURE, BACKSCAL, AREASCAL, CORRSCAL,
POISSERR, CHANTYPE, DETCHANS, TLMIN/TLMAX of CHANNEL). Values are written so that reading
the file back gives identical arrays and scalars: COUNTS as integers when they are, RATE
(when the source stored rates) with values chosen so RATE × EXPOSURE reproduces the counts
bit for bit; non-integral counts as RATE (count/s) with STAT_ERR, never as a floating-point
COUNTS column; float columns as float64. The mandatory descriptive keywords (TELESCOP,
INSTRUME, FILTER) are copied from the source header or given their OGIP defaults.
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from ..errors import DataFormatError
from ._write import copy_keywords, ebounds_hdu, exact_quotient, int_format, ogip_defaults, ogip_name, write_hdus
from .containers import PhaSeries, PhaSpectrum

__all__ = ["write_pha"]


def write_pha(path, obj, overwrite=False):
    """Write a PHA file (type I for `PhaSpectrum`, type II for `PhaSeries`).

    Parameters
    ----------
    path : str or Path
        Destination (``.gz`` → gzipped). Written atomically.
    obj : PhaSpectrum or PhaSeries
        Counts in counts, exposure in s.
    overwrite : bool
        Replace an existing file; otherwise `OverwriteError`.

    Raises
    ------
    OverwriteError, DataFileError, DataFormatError
    """
    if isinstance(obj, PhaSeries):
        hdus = _series_hdus(obj, path)
    elif isinstance(obj, PhaSpectrum):
        hdus = _spectrum_hdus(obj, path)
    else:
        raise DataFormatError(
            f"write_pha needs a PhaSpectrum or PhaSeries, got {type(obj).__name__}", file=path
        )
    write_hdus(path, hdus, overwrite=overwrite)


def _check(cond, message, path, key=None):
    if not cond:
        raise DataFormatError(message, file=path, hdu="SPECTRUM", key=key)


def _integral(counts):
    """True when every count is a finite integer that fits an int32 COUNTS column."""
    return bool(counts.size and np.all(np.isfinite(counts))
                and np.all(counts == np.round(counts)) and np.abs(counts).max() < 2**31)


def _quotient(values, exposure):
    """``values / exposure``, chosen so that ``RATE × EXPOSURE`` gives ``values`` back
    bit for bit when such a float64 exists (else the plain quotient, within 1 ulp)."""
    q = exact_quotient(values, exposure)
    if q is None:
        with np.errstate(all="ignore"):
            q = np.asarray(values, dtype=np.float64) / exposure
    return q


def _data_columns(counts, stat_err, exposure, is_rate, shape_fmt):
    """COUNTS or RATE (+ STAT_ERR) columns; ``exposure`` broadcast against ``counts``.

    OGIP/92-007 §3.1.2: COUNTS are integers. Integral counts are written as COUNTS (J)
    unless the source stored rates; anything else (background rates, scaled or profiled
    counts) is written as RATE = counts / EXPOSURE in count/s with STAT_ERR in count/s,
    never as a floating-point COUNTS column (readers such as threeML truncate it). Only a
    spectrum without a positive exposure, which cannot be a rate, falls back to COUNTS (D).
    """
    expo = np.asarray(exposure, dtype=np.float64)
    integral = _integral(counts)
    can_rate = bool(np.all(np.isfinite(expo)) and np.all(expo > 0))
    if can_rate and (is_rate or not integral):
        rate = exact_quotient(counts, expo) if integral else _quotient(counts, expo)
        if rate is not None:
            cols = [fits.Column("RATE", shape_fmt("D"), unit="count/s", array=rate)]
            if stat_err is not None:
                cols.append(fits.Column("STAT_ERR", shape_fmt("D"), unit="count/s",
                                        array=_quotient(stat_err, expo)))
            return cols, True
    if integral:
        cols = [fits.Column("COUNTS", shape_fmt("J"), unit="count",
                            array=counts.astype(np.int64))]
    else:
        cols = [fits.Column("COUNTS", shape_fmt("D"), unit="count", array=counts)]
    if stat_err is not None:
        cols.append(fits.Column("STAT_ERR", shape_fmt("D"), unit="count", array=stat_err))
    return cols, False


def _common_keywords(h, obj, nchan, is_rate, type2):
    h["EXTNAME"] = "SPECTRUM"
    h["HDUCLASS"] = ("OGIP", "format conforms to OGIP standard")
    h["HDUCLAS1"] = ("SPECTRUM", "PHA dataset (OGIP/92-007)")
    h["HDUCLAS2"] = (obj.hduclas2 or "TOTAL", "TOTAL, BKG or NET")
    h["HDUCLAS3"] = ("RATE" if is_rate else "COUNT", "data stored as counts or rates")
    h["HDUCLAS4"] = ("TYPE:II" if type2 else "TYPE:I", "single or multiple spectra")
    h["HDUVERS"] = ("1.2.1", "version of the format")
    copy_keywords(obj.header, h)
    ogip_defaults(h)
    h["DETCHANS"] = (nchan, "total number of detector channels")
    chantype = obj.header.get("CHANTYPE", "PI") if obj.header is not None else "PI"
    h["CHANTYPE"] = (str(chantype).strip().upper() or "PI", "channel type (PHA or PI)")
    h["POISSERR"] = (bool(obj.poisserr), "Poisson errors appropriate")
    corrscal = obj.header.get("CORRSCAL", 1.0) if obj.header is not None else 1.0
    if not isinstance(corrscal, (int, float)) or isinstance(corrscal, bool):
        corrscal = 1.0
    h["CORRSCAL"] = (float(corrscal), "correction scaling factor")
    h["CORRFILE"] = ("none", "correction file")


def _spectrum_hdus(s, path):
    counts = np.asarray(s.counts, dtype=np.float64)
    _check(counts.ndim == 1 and counts.size > 0, "counts must be a non-empty 1-D array", path)
    n = counts.size
    channel = np.asarray(s.channel, dtype=np.int64)
    _check(channel.shape == (n,), f"channel has {channel.size} values, counts {n}", path, "CHANNEL")
    exposure = float(s.exposure)

    def fmt(code):
        return code

    cols = [fits.Column("CHANNEL", int_format(channel), array=channel)]
    data_cols, is_rate = _data_columns(
        counts, _opt(s.stat_err, n, path, "STAT_ERR"), exposure, s.is_rate, fmt
    )
    cols += data_cols
    sys_err = _opt(s.sys_err, n, path, "SYS_ERR")
    if sys_err is not None:
        cols.append(fits.Column("SYS_ERR", "D", array=sys_err))
    for name, arr in (("QUALITY", s.quality), ("GROUPING", s.grouping)):
        a = np.asarray(arr, dtype=np.int64)
        _check(a.shape == (n,), f"{name} has shape {a.shape}, expected ({n},)", path, name)
        cols.append(fits.Column(name, int_format(a), array=a))
    for name in ("BACKSCAL", "AREASCAL"):
        v = getattr(s, name.lower())
        if isinstance(v, np.ndarray) and v.ndim >= 1:
            _check(v.shape == (n,), f"{name} has shape {v.shape}, expected ({n},)", path, name)
            cols.append(fits.Column(name, "D", array=np.asarray(v, np.float64)))
    hdu = fits.BinTableHDU.from_columns(cols)
    h = hdu.header
    _common_keywords(h, s, n, is_rate, type2=False)
    h["EXPOSURE"] = (exposure, "exposure time (s)")
    for name in ("BACKSCAL", "AREASCAL"):
        v = getattr(s, name.lower())
        if not (isinstance(v, np.ndarray) and v.ndim >= 1):
            h[name] = (float(v), "scaling factor")
    for key, value in (("BACKFILE", s.backfile), ("RESPFILE", s.respfile), ("ANCRFILE", s.ancrfile)):
        h[key] = ogip_name(value)
    if sys_err is None:
        h["SYS_ERR"] = (0, "no systematic error")
    if s.tstart is not None:
        h["TSTART"] = (float(s.tstart), "start time")
    if s.tstop is not None:
        h["TSTOP"] = (float(s.tstop), "stop time")
    _channel_limits(h, channel)
    return [hdu, *_ebounds_hdus(s, channel, n, path)]


def _series_hdus(s, path):
    counts = np.asarray(s.counts, dtype=np.float64)
    _check(counts.ndim == 2 and counts.size > 0, "counts must be (nrow, nchan)", path)
    nrow, n = counts.shape
    channel = np.asarray(s.channel, dtype=np.int64)
    _check(channel.shape == (n,), f"channel has {channel.size} values, counts {n}", path, "CHANNEL")
    exposure = np.asarray(s.exposure, dtype=np.float64)
    _check(exposure.shape == (nrow,), "exposure must have one value per row", path, "EXPOSURE")

    def vec(code):
        return f"{n}{code}"

    cols = [
        fits.Column("SPEC_NUM", "J", array=np.arange(1, nrow + 1)),
        fits.Column("CHANNEL", vec(int_format(channel)), array=np.tile(channel, (nrow, 1))),
    ]
    data_cols, is_rate = _data_columns(
        counts, _opt(s.stat_err, (nrow, n), path, "STAT_ERR"), exposure[:, None], s.is_rate, vec
    )
    cols += data_cols
    sys_err = _opt(s.sys_err, (nrow, n), path, "SYS_ERR")
    if sys_err is not None:
        cols.append(fits.Column("SYS_ERR", vec("D"), array=sys_err))
    for name, arr in (("QUALITY", s.quality), ("GROUPING", s.grouping)):
        a = np.asarray(arr, dtype=np.int64)
        _check(a.shape == (nrow, n), f"{name} has shape {a.shape}", path, name)
        cols.append(fits.Column(name, vec(int_format(a)), array=a))
    cols.append(fits.Column("EXPOSURE", "D", unit="s", array=exposure))
    for name in ("BACKSCAL", "AREASCAL"):
        v = getattr(s, name.lower())
        if isinstance(v, np.ndarray) and v.ndim >= 1:
            v = np.asarray(v, dtype=np.float64)
            if v.ndim == 1:
                _check(v.shape == (nrow,), f"{name} has shape {v.shape}", path, name)
                cols.append(fits.Column(name, "D", array=v))
            else:
                _check(v.shape == (nrow, n), f"{name} has shape {v.shape}", path, name)
                cols.append(fits.Column(name, vec("D"), array=v))
    t0 = np.asarray(s.tstart, dtype=np.float64)
    t1 = np.asarray(s.tstop, dtype=np.float64)
    if np.isfinite(t0).any() or np.isfinite(t1).any():
        cols.append(fits.Column("TSTART", "D", unit="s", array=t0))
        cols.append(fits.Column("TSTOP", "D", unit="s", array=t1))
    pointers = {}
    for key in ("BACKFILE", "RESPFILE", "ANCRFILE"):
        values = list(getattr(s, key.lower()))
        _check(len(values) == nrow, f"{key} needs one entry per row", path, key)
        if any(v is not None for v in values):
            text = [ogip_name(v) for v in values]
            width = max(4, max(len(t) for t in text))
            cols.append(fits.Column(key, f"{width}A", array=np.array(text)))
        else:
            pointers[key] = "none"
    hdu = fits.BinTableHDU.from_columns(cols)
    h = hdu.header
    _common_keywords(h, s, n, is_rate, type2=True)
    for name in ("BACKSCAL", "AREASCAL"):
        v = getattr(s, name.lower())
        if not (isinstance(v, np.ndarray) and v.ndim >= 1):
            h[name] = (float(v), "scaling factor")
    for key, value in pointers.items():
        h[key] = value
    if sys_err is None:
        h["SYS_ERR"] = (0, "no systematic error")
    _channel_limits(h, channel, column=2)
    return [hdu, *_ebounds_hdus(s, channel, n, path)]


def _opt(arr, shape, path, name):
    if arr is None:
        return None
    a = np.asarray(arr, dtype=np.float64)
    shape = (shape,) if isinstance(shape, int) else shape
    _check(a.shape == shape, f"{name} has shape {a.shape}, expected {shape}", path, name)
    return a


def _channel_limits(h, channel, column=1):
    h[f"TLMIN{column}"] = (int(channel.min()), "first legal channel")
    h[f"TLMAX{column}"] = (int(channel.max()), "last legal channel")


def _ebounds_hdus(s, channel, n, path):
    if s.ebounds is None:
        return []
    eb = np.asarray(s.ebounds, dtype=np.float64)
    _check(eb.shape == (n, 2), f"ebounds has shape {eb.shape}, expected ({n}, 2)", path)
    return [ebounds_hdu(channel, eb[:, 0], eb[:, 1], s.header,
                        ("TELESCOP", "INSTRUME", "FILTER", "CHANTYPE"))]
