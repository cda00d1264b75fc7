"""Column and keyword access on one FITS table HDU, raising bayspec errors.

`Table` wraps an astropy ``BinTableHDU`` with the file name and the HDU name so that every
problem (missing column, unconvertible keyword, wrong shape) reports ``file[HDU] key``.
"""

from __future__ import annotations

import contextlib

import numpy as np
from astropy.io import fits

from ..errors import BayspecError, DataFormatError
from ._source import FOREIGN_ERRORS

__all__ = ["Table", "hdu_label", "in_hdu", "find_hdus", "clean_filename"]

_NONE_NAMES = {"", "NONE", "NULL", "N/A"}


def hdu_label(hdu, index):
    """Name an HDU for messages: its EXTNAME (with EXTVER when > 1), else its position."""
    name = str(hdu.header.get("EXTNAME", "") or "").strip()
    if not name:
        return f"HDU {index}"
    ver = hdu.header.get("EXTVER")
    if isinstance(ver, (int, np.integer)) and not isinstance(ver, bool) and ver > 1:
        return f"{name},{int(ver)}"
    return name


@contextlib.contextmanager
def in_hdu(file, hdu):
    """Convert foreign exceptions raised in the block to `DataFormatError` naming the HDU."""
    try:
        yield
    except BayspecError:
        raise
    except FOREIGN_ERRORS as exc:
        raise DataFormatError(
            f"damaged or invalid content ({type(exc).__name__}: {exc})", file=file, hdu=hdu
        ) from exc


def _upper(value):
    return str(value).strip().upper() if value is not None else ""


def find_hdus(hdul, extnames=(), hduclas=None):
    """Positions of table HDUs whose EXTNAME is in ``extnames`` or whose HDUCLAS match.

    Parameters
    ----------
    hdul : HDUList
    extnames : sequence of str
        Accepted EXTNAME values (case-insensitive).
    hduclas : dict, optional
        ``{"HDUCLAS1": "RESPONSE", "HDUCLAS2": "RSP_MATRIX"}``: all must match.
    """
    names = {n.upper() for n in extnames}
    out = []
    for i, hdu in enumerate(hdul):
        if not isinstance(hdu, fits.BinTableHDU):
            continue
        h = hdu.header
        if _upper(h.get("EXTNAME")) in names:
            out.append(i)
        elif hduclas and all(_upper(h.get(k)) == v for k, v in hduclas.items()):
            out.append(i)
    return out


def clean_filename(value):
    """An OGIP file pointer (BACKFILE, RESPFILE, ANCRFILE): ``none``/``''`` → None."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    text = str(value).strip()
    return None if text.upper() in _NONE_NAMES else text


class Table:
    """Read access to one binary-table HDU with errors naming ``file[HDU]``.

    Parameters
    ----------
    hdu : astropy.io.fits.BinTableHDU
    file : str
        File name for messages.
    label : str
        HDU name for messages.
    """

    def __init__(self, hdu, file, label):
        self.hdu = hdu
        self.header = hdu.header
        self.file = file
        self.label = label
        with in_hdu(file, label):
            self.columns = hdu.columns
            self.names = [str(n).upper() for n in self.columns.names]
            self.data = hdu.data
            self.nrows = 0 if self.data is None else len(self.data)

    # -- errors -------------------------------------------------------------------------
    def error(self, message, key=None, cls=DataFormatError):
        """Build (not raise) an error located at this HDU."""
        return cls(message, file=self.file, hdu=self.label, key=key)

    # -- columns ------------------------------------------------------------------------
    def has(self, name):
        return name.upper() in self.names

    def column_index(self, name):
        """1-based column number (as in ``TLMINn``), or None."""
        try:
            return self.names.index(name.upper()) + 1
        except ValueError:
            return None

    def raw(self, name, required=False):
        """The column as astropy returns it (None when absent and not required)."""
        if not self.has(name):
            if required:
                raise self.error("column missing", key=name)
            return None
        if self.data is None:
            raise self.error("table has no data", key=name)
        with in_hdu(self.file, self.label):
            return self.data.field(self.names.index(name.upper()))

    def numeric(self, name, dtype=np.float64, required=False):
        """A numeric column converted to ``dtype`` (bool columns become 0/1)."""
        col = self.raw(name, required=required)
        if col is None:
            return None
        if col.dtype == object:
            raise self.error("variable-length column where fixed values are expected", name)
        if col.dtype.kind in "SUa":
            raise self.error(f"text column ({col.dtype}) where numbers are expected", name)
        try:
            with np.errstate(all="ignore"):
                return np.array(col, dtype=dtype)
        except FOREIGN_ERRORS as exc:
            raise self.error(f"cannot convert to {np.dtype(dtype).name}: {exc}", name) from exc

    def tlmin(self, name):
        """``TLMINn`` of a column as int, or None (absent or not an integer value)."""
        n = self.column_index(name)
        if n is None:
            return None
        value = self.header.get(f"TLMIN{n}")
        return _as_int_or_none(value)

    # -- keywords -----------------------------------------------------------------------
    def keyword(self, name, default=None):
        return self.header.get(name, default)

    def kw_float(self, name, default=None, required=False):
        """A keyword as float, ``default`` when absent; non-numeric → error."""
        if name not in self.header:
            if required:
                raise self.error("keyword missing", key=name)
            return default
        value = self.header[name]
        if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
            if isinstance(value, str):
                try:
                    return float(value)
                except ValueError:
                    pass
            raise self.error(f"keyword value {value!r} is not a number", key=name)
        return float(value)

    def kw_int(self, name, default=None):
        if name not in self.header:
            return default
        value = _as_int_or_none(self.header[name])
        if value is None:
            raise self.error(f"keyword value {self.header[name]!r} is not an integer", key=name)
        return value

    def kw_bool(self, name, default=None):
        if name not in self.header:
            return default
        value = self.header[name]
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        text = str(value).strip().upper()
        if text in ("T", "TRUE", "1", "Y", "YES"):
            return True
        if text in ("F", "FALSE", "0", "N", "NO"):
            return False
        raise self.error(f"keyword value {value!r} is not a logical", key=name)

    def kw_str(self, name, default=None):
        if name not in self.header:
            return default
        value = self.header[name]
        return None if value is None else str(value).strip()


def _as_int_or_none(value):
    if value is None or isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and np.isfinite(value) and float(value).is_integer():
        return int(value)
    return None


def numbered_hdus(hdul, found):
    """``[(position, extver), ...]`` for the HDUs at ``found``.

    EXTVER is taken from each header; when any is missing or they are not unique, the
    1-based order of appearance is used instead (OGIP addresses RSP2/ARF2 members by it).
    """
    vers = []
    for i in found:
        v = hdul[i].header.get("EXTVER")
        ok = isinstance(v, (int, np.integer)) and not isinstance(v, bool)
        vers.append(int(v) if ok else None)
    if any(v is None for v in vers) or len(set(vers)) != len(vers):
        vers = list(range(1, len(found) + 1))
    return list(zip(found, vers))
