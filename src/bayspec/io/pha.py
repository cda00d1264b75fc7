"""Read OGIP PHA spectra, type I and type II (OGIP/92-007 and its PHA-II addendum).

`read_pha` returns one spectrum (`PhaSpectrum`); `read_pha_series` returns every row of a
type-II file at once (`PhaSeries`). Both accept every source form of `parse_source`.
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from ..errors import ChannelMismatchError, DataFormatError
from ._columns import Table, clean_filename, find_hdus, hdu_label, in_hdu
from ._energy import read_ebounds
from ._source import open_fits, parse_source
from .containers import PhaSeries

__all__ = ["read_pha", "read_pha_series"]


def read_pha(spec, index=None):
    """Read one PHA spectrum.

    Parameters
    ----------
    spec : str, Path, tuple, bytes-like or file-like
        See `parse_source`. For a type-II file the index is the **0-based** row.
    index : int, optional
        Row of a type-II file (0-based). Required when the file has more than one row;
        a type-I file accepts only None or 0.

    Returns
    -------
    PhaSpectrum
        Counts (RATE × EXPOSURE when the file stores rates), errors in counts, EXPOSURE
        in s, BACKSCAL/AREASCAL, QUALITY, GROUPING, file pointers, header.

    Raises
    ------
    DataFileError
        Missing, unreadable or non-FITS file.
    DataFormatError
        Missing SPECTRUM extension or COUNTS/RATE column, damaged content, row out of
        range, no row given for a multi-row file, non-positive EXPOSURE.
    ChannelMismatchError
        Per-channel columns or EBOUNDS disagree with the number of channels.
    """
    target, index, display = parse_source(spec, index)
    with open_fits(target, display) as hdul:
        series, type2 = _read_spectrum(hdul, display)
    where = dict(file=display, hdu=series.hdu)
    if not type2:
        if index not in (None, 0):
            raise DataFormatError(
                f"row {index} requested but a type-I spectrum has exactly 1 row", **where
            )
        row = 0
    else:
        if index is None:
            if series.nrow != 1:
                raise DataFormatError(
                    f"type-II file with {series.nrow} rows: give a 0-based row index, "
                    "e.g. 'file{0}', 'file:0' or (file, 0)",
                    **where,
                )
            row = 0
        else:
            if not 0 <= index < series.nrow:
                raise DataFormatError(
                    f"row {index} out of range: the table has {series.nrow} rows "
                    f"(0-based rows 0..{series.nrow - 1})",
                    **where,
                )
            row = index
    spec_out = series.spectrum(row)
    if not type2:
        spec_out.row = None
    expo = spec_out.exposure
    if not (np.isfinite(expo) and expo > 0):
        what = f"row {row}: " if type2 else ""
        raise DataFormatError(f"{what}exposure {expo!r} s is not positive", key="EXPOSURE", **where)
    return spec_out


def read_pha_series(spec):
    """Read every row of a PHA file at once (type II; a type-I file gives one row).

    Parameters
    ----------
    spec : str, Path, tuple, bytes-like or file-like
        See `parse_source`; an embedded index is ignored-not-allowed (raises).

    Returns
    -------
    PhaSeries
        Arrays with a leading row axis. Rows with non-positive EXPOSURE are returned
        unchanged; callers skip them.

    Raises
    ------
    DataFileError, DataFormatError, ChannelMismatchError
        As for `read_pha`.
    """
    target, index, display = parse_source(spec)
    if index is not None:
        raise DataFormatError(
            f"read_pha_series reads all rows; got row index {index} (use read_pha)", file=display
        )
    with open_fits(target, display) as hdul:
        series, _ = _read_spectrum(hdul, display)
    return series


# ---------------------------------------------------------------------------------------


def _find_spectrum(hdul, display):
    found = find_hdus(hdul, ("SPECTRUM",), {"HDUCLAS1": "SPECTRUM"})
    if not found:
        for i, hdu in enumerate(hdul):
            if isinstance(hdu, fits.BinTableHDU):
                names = {str(n).upper() for n in hdu.columns.names}
                if names & {"COUNTS", "RATE"}:
                    found.append(i)
                    break
    if not found:
        raise DataFormatError(
            "no SPECTRUM extension (EXTNAME=SPECTRUM, HDUCLAS1=SPECTRUM or a COUNTS/RATE "
            "table) in the file",
            file=display,
            hdu="SPECTRUM",
        )
    i = found[0]
    return Table(hdul[i], display, hdu_label(hdul[i], i))


class _Spectrum:
    """Column/keyword policy of one SPECTRUM table (shapes: type I → 1 row)."""

    def __init__(self, tab):
        self.tab = tab
        if tab.has("COUNTS"):
            self.data_name = "COUNTS"
        elif tab.has("RATE"):
            self.data_name = "RATE"
        else:
            raise tab.error("neither a COUNTS nor a RATE column", key="COUNTS")
        if tab.nrows == 0:
            raise tab.error("the spectrum table has no rows", key=self.data_name)
        data = tab.numeric(self.data_name)
        if data.ndim == 1:
            self.type2 = False
            data = data[None, :]
        elif data.ndim == 2:
            self.type2 = True
        else:
            raise tab.error(f"unexpected shape {data.shape}", key=self.data_name)
        self.data = data
        self.nrow, self.nchan = data.shape
        if self.nchan == 0:
            raise tab.error("zero channels", key=self.data_name)

    # -- shape helpers ------------------------------------------------------------------
    def per_channel(self, name, dtype=np.float64):
        """Column → (nrow, nchan); a type-II scalar column is broadcast along channels."""
        tab = self.tab
        col = tab.numeric(name, dtype=np.float64)
        if col is None:
            return None
        if not self.type2:
            if col.ndim != 1:
                raise tab.error(f"expected one value per channel, shape {col.shape}", key=name)
            col = col[None, :]
        elif col.ndim == 1:
            col = np.repeat(col[:, None], self.nchan, axis=1)
        elif col.ndim != 2:
            raise tab.error(f"unexpected shape {col.shape}", key=name)
        if col.shape != (self.nrow, self.nchan):
            raise tab.error(
                f"{col.shape[-1]} values per spectrum but {self.data_name} has {self.nchan}",
                key=name,
                cls=ChannelMismatchError,
            )
        if dtype is not np.float64:
            if not np.all(np.isfinite(col)) or np.any(col != np.round(col)):
                raise tab.error("non-integer values", key=name)
            col = col.astype(dtype)
        return col

    def per_row(self, name):
        """Scalar-per-row column → (nrow,), or None."""
        tab = self.tab
        col = tab.numeric(name)
        if col is None:
            return None
        if not self.type2:
            raise tab.error("per-spectrum value given as a column of a type-I file", key=name)
        if col.ndim == 2 and col.shape[1] == 1:
            col = col[:, 0]
        if col.ndim != 1:
            raise tab.error(f"expected one value per row, shape {col.shape}", key=name)
        return col

    def scale(self, name):
        """BACKSCAL / AREASCAL: keyword float, (nrow,) or (nrow, nchan) column; default 1."""
        tab = self.tab
        if tab.has(name):
            col = tab.numeric(name)
            if not self.type2 or col.ndim == 2 and col.shape[1] != 1:
                return self.per_channel(name)
            return self.per_row(name)
        return tab.kw_float(name, 1.0)


def _read_spectrum(hdul, display):
    tab = _find_spectrum(hdul, display)
    with in_hdu(display, tab.label):
        s = _Spectrum(tab)
        nrow, nchan, type2 = s.nrow, s.nchan, s.type2

        # exposure (s)
        if type2 and tab.has("EXPOSURE"):
            exposure = s.per_row("EXPOSURE")
        else:
            exposure = np.full(nrow, tab.kw_float("EXPOSURE", required=True))

        is_rate = s.data_name == "RATE"
        factor = exposure[:, None] if is_rate else 1.0
        counts = s.data * factor

        stat_err = s.per_channel("STAT_ERR")
        if stat_err is None:
            kw = tab.kw_float("STAT_ERR", 0.0)
            stat_err = None if kw == 0 else np.full((nrow, nchan), kw)
        if stat_err is not None:
            stat_err = stat_err * factor

        sys_err = s.per_channel("SYS_ERR")
        if sys_err is None:
            kw = tab.kw_float("SYS_ERR", 0.0)
            sys_err = None if kw == 0 else np.full((nrow, nchan), kw)

        quality = _flags(s, "QUALITY", default=0, true_value=1, false_value=0)
        grouping = _flags(s, "GROUPING", default=1, true_value=1, false_value=-1)

        backscal = s.scale("BACKSCAL")
        areascal = s.scale("AREASCAL")

        tstart, tstop = _times(s)

        files = {}
        for key in ("BACKFILE", "RESPFILE", "ANCRFILE"):
            if type2 and tab.has(key):
                col = tab.raw(key)
                if col.dtype.kind not in "SUa":
                    raise tab.error("file-pointer column is not text", key=key)
                files[key] = [clean_filename(v) for v in np.asarray(col).reshape(nrow)]
            else:
                value = tab.keyword(key)
                files[key] = [clean_filename(value)] * nrow

        poisserr = tab.kw_bool("POISSERR", stat_err is None)
        hduclas2 = (tab.kw_str("HDUCLAS2") or "TOTAL").upper()

        ebounds = read_ebounds(hdul, display)
        eb = None
        if ebounds is not None:
            if ebounds.nchan != nchan:
                raise ChannelMismatchError(
                    f"{ebounds.nchan} EBOUNDS rows but the spectrum has {nchan} channels",
                    file=display,
                    hdu=ebounds.label,
                )
            eb = np.column_stack([ebounds.e_min, ebounds.e_max])

        channel = _channels(s, ebounds)

    return (
        PhaSeries(
            counts=counts,
            exposure=exposure,
            channel=channel,
            stat_err=stat_err,
            sys_err=sys_err,
            poisserr=poisserr,
            first_channel=int(channel[0]),
            quality=quality,
            grouping=grouping,
            backscal=backscal,
            areascal=areascal,
            is_rate=is_rate,
            hduclas2=hduclas2,
            tstart=tstart,
            tstop=tstop,
            backfile=files["BACKFILE"],
            respfile=files["RESPFILE"],
            ancrfile=files["ANCRFILE"],
            header=tab.header.copy(),
            filename=display,
            hdu=tab.label,
            ebounds=eb,
        ),
        type2,
    )


def _flags(s, name, default, true_value, false_value):
    """QUALITY/GROUPING as (nrow, nchan) int64 from a column (int or logical) or keyword."""
    tab = s.tab
    shape = (s.nrow, s.nchan)
    if tab.has(name):
        raw = tab.raw(name)
        if raw.dtype.kind == "b":
            col = np.where(np.asarray(raw, dtype=bool), true_value, false_value).astype(float)
            if not s.type2:
                col = col.reshape(-1)[None, :] if col.size == s.nchan else col
            elif col.ndim == 1:
                col = np.repeat(col[:, None], s.nchan, axis=1)
            if col.shape != shape:
                raise tab.error(
                    f"{col.shape[-1]} values per spectrum, expected {s.nchan}",
                    key=name,
                    cls=ChannelMismatchError,
                )
            return col.astype(np.int64)
        return s.per_channel(name, dtype=np.int64)
    if name == "QUALITY":
        value = tab.kw_int(name, default)
        return np.full(shape, value, dtype=np.int64)
    # a GROUPING keyword (0 = no grouping) means every channel is its own group
    tab.kw_int(name, default)
    return np.full(shape, default, dtype=np.int64)


def _times(s):
    tab = s.tab
    nrow = s.nrow
    nan = np.full(nrow, np.nan)
    start = stop = None
    if s.type2:
        for name in ("TSTART", "TIME"):
            if tab.has(name):
                start = s.per_row(name)
                break
        for name in ("TSTOP", "ENDTIME"):
            if tab.has(name):
                stop = s.per_row(name)
                break
        if stop is None and start is not None and tab.has("TELAPSE"):
            stop = start + s.per_row("TELAPSE")
    from_columns = start is not None
    if start is None:
        start = np.full(nrow, tab.kw_float("TSTART", np.nan))
    if stop is None:
        telapse = tab.kw_float("TELAPSE", None)
        if not from_columns and "TSTOP" in tab.header:
            stop = np.full(nrow, tab.kw_float("TSTOP"))
        elif telapse is not None:
            stop = start + telapse
        else:
            stop = nan
    return start, stop


def _channels(s, ebounds):
    tab = s.tab
    if tab.has("CHANNEL"):
        ch = s.per_channel("CHANNEL", dtype=np.int64)
        if s.type2 and np.any(ch != ch[:1]):
            raise tab.error("CHANNEL differs between rows", key="CHANNEL")
        return ch[0]
    if ebounds is not None and ebounds.channel is not None:
        return ebounds.channel.copy()
    return np.arange(1, 1 + s.nchan, dtype=np.int64)
