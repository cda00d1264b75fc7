"""Shared pieces of the OGIP writers: exact column formats, atomic output, keywords."""

from __future__ import annotations

import gzip
import io

import numpy as np
from astropy.io import fits

from .._atomic import atomic_path
from ..errors import BayspecError, DataFileError, DataFormatError
from ._source import FOREIGN_ERRORS

__all__ = [
    "float_format",
    "int_format",
    "exact_quotient",
    "write_hdus",
    "copy_keywords",
    "ogip_name",
    "ogip_defaults",
    "OGIP_DEFAULTS",
]

# Descriptive keywords carried over from a source header when present.
DESCRIPTIVE = (
    "TELESCOP",
    "INSTRUME",
    "FILTER",
    "DETNAM",
    "OBJECT",
    "OBS_ID",
    "RA_OBJ",
    "DEC_OBJ",
    "EQUINOX",
    "RADECSYS",
    "DATE-OBS",
    "DATE-END",
    "MJDREF",
    "MJDREFI",
    "MJDREFF",
    "TIMESYS",
    "TIMEUNIT",
    "TIMEZERO",
)


#: OGIP defaults of the mandatory descriptive keywords (OGIP/92-007 §3.1.1, CAL/GEN/92-002
#: §3.1): written when neither the source header nor the caller gives a value.
OGIP_DEFAULTS = {
    "TELESCOP": ("UNKNOWN", "mission or telescope name"),
    "INSTRUME": ("UNKNOWN", "instrument name"),
    "FILTER": ("NONE", "instrument filter in use"),
}


def ogip_defaults(h, extra=None):
    """Give every mandatory descriptive keyword missing from header ``h`` its OGIP default.

    Parameters
    ----------
    h : astropy.io.fits.Header
        Modified in place.
    extra : dict, optional
        More ``{keyword: (value, comment)}`` defaults (e.g. ``LO_THRES`` of a matrix).
    """
    for key, (value, comment) in {**OGIP_DEFAULTS, **(extra or {})}.items():
        current = h.get(key)
        if current is None or (isinstance(current, str) and not current.strip()):
            h[key] = (value, comment)


def float_format(values):
    """``"E"`` when every value survives a float32 round trip exactly, else ``"D"``."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(all="ignore"):
        back = v.astype(np.float32).astype(np.float64)
    return "E" if np.array_equal(back, v, equal_nan=True) else "D"


def int_format(values):
    """``"I"`` (int16) when it fits, else ``"J"`` (int32), else ``"K"`` (int64)."""
    v = np.asarray(values, dtype=np.int64)
    if v.size == 0 or (v.min() >= -32768 and v.max() <= 32767):
        return "I"
    if v.min() >= -(2**31) and v.max() < 2**31:
        return "J"
    return "K"


def exact_quotient(values, divisor, max_ulps=4):
    """``q`` with ``q * divisor == values`` bit for bit, or None when none is found.

    Used to write RATE = COUNTS / EXPOSURE such that reading (RATE × EXPOSURE) gives the
    original counts exactly. NaN values map to NaN.
    """
    v = np.asarray(values, dtype=np.float64)
    d = np.broadcast_to(np.asarray(divisor, dtype=np.float64), v.shape)
    with np.errstate(all="ignore"):
        q = v / d
        ok = (q * d == v) | (np.isnan(v) & np.isnan(q))
        up, dn = q.copy(), q.copy()
        for _ in range(max_ulps):
            if ok.all():
                break
            up = np.nextafter(up, np.inf)
            dn = np.nextafter(dn, -np.inf)
            hit = ~ok & (up * d == v)
            q[hit] = up[hit]
            ok |= hit
            hit = ~ok & (dn * d == v)
            q[hit] = dn[hit]
            ok |= hit
    return q if ok.all() else None


def ogip_name(value):
    """File pointer keyword/column value: None → ``"none"``."""
    return "none" if value is None else str(value)


def copy_keywords(src, dst, names=DESCRIPTIVE):
    """Copy the listed keywords from header ``src`` to ``dst`` when present."""
    if src is None:
        return
    for name in names:
        if name in src and name not in dst:
            value = src[name]
            if isinstance(value, (str, int, float, bool, np.number)):
                dst[name] = value


def write_hdus(path, hdus, overwrite=False):
    """Write a primary HDU plus ``hdus`` atomically (gzip when ``path`` ends in .gz).

    Raises
    ------
    OverwriteError
        ``path`` exists and ``overwrite`` is False.
    DataFileError
        The file system refused the write.
    """
    hdul = fits.HDUList([fits.PrimaryHDU(), *hdus])
    name = str(path)
    try:
        with atomic_path(path, overwrite=overwrite) as tmp:
            if name.endswith(".gz"):
                buf = io.BytesIO()
                hdul.writeto(buf, checksum=True)
                with gzip.open(tmp, "wb") as fh:
                    fh.write(buf.getvalue())
            else:
                hdul.writeto(tmp, checksum=True)
    except BayspecError:
        raise
    except OSError as exc:
        raise DataFileError(f"cannot write: {exc}", file=name) from exc
    except FOREIGN_ERRORS as exc:
        raise DataFormatError(f"cannot build the FITS file: {exc}", file=name) from exc


def ebounds_hdu(channel, e_min, e_max, header, keywords):
    """The OGIP EBOUNDS extension (CAL/GEN/92-002) for ``channel`` with bounds in keV.

    ``keywords`` names the descriptive keywords copied from ``header``; DETCHANS and the
    CHANNEL column's TLMIN/TLMAX are set from ``channel``.
    """
    hdu = fits.BinTableHDU.from_columns([
        fits.Column("CHANNEL", int_format(channel), array=channel),
        fits.Column("E_MIN", "D", unit="keV", array=np.asarray(e_min, dtype=np.float64)),
        fits.Column("E_MAX", "D", unit="keV", array=np.asarray(e_max, dtype=np.float64)),
    ])
    h = hdu.header
    h["EXTNAME"] = "EBOUNDS"
    h["HDUCLASS"] = "OGIP"
    h["HDUCLAS1"] = "RESPONSE"
    h["HDUCLAS2"] = "EBOUNDS"
    h["HDUVERS"] = "1.2.0"
    copy_keywords(header, h, keywords)
    ogip_defaults(h)
    h["DETCHANS"] = len(channel)
    h["TLMIN1"] = (int(np.min(channel)), "first legal channel")
    h["TLMAX1"] = (int(np.max(channel)), "last legal channel")
    return hdu
