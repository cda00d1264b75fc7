"""Read OGIP response matrices: RMF (``MATRIX``), full RSP and RSP2 (``SPECRESP MATRIX``).

Format: OGIP CAL/GEN/92-002 §3.1. Each row (photon bin ENERG_LO..ENERG_HI keV) stores
N_GRP channel groups starting at F_CHAN with N_CHAN channels; the MATRIX values of the
groups are packed one after the other. Columns may be fixed-length or variable-length.
The dense matrix is built by the one codec of `bayspec.io.matrix_codec` (`expand`).
"""

from __future__ import annotations

import numpy as np
from astropy.table import Table as AstropyTable

from ..errors import ChannelMismatchError, DataFormatError
from ._columns import Table, find_hdus, hdu_label, in_hdu, numbered_hdus
from ._energy import check_photon_bins, read_ebounds
from ._source import open_fits, parse_source
from .containers import RmfMatrix
from .matrix_codec import expand

__all__ = ["read_rmf", "list_matrices"]

_MATRIX_NAMES = ("MATRIX", "SPECRESP MATRIX")
_MATRIX_CLASS = {"HDUCLAS1": "RESPONSE", "HDUCLAS2": "RSP_MATRIX"}


def _matrix_hdus(hdul, display):
    """[(position, extver)] of every matrix HDU; EXTVER defaults to the 1-based order."""
    found = find_hdus(hdul, _MATRIX_NAMES, _MATRIX_CLASS)
    if not found:
        raise DataFormatError(
            "no response matrix extension (EXTNAME MATRIX / SPECRESP MATRIX or "
            "HDUCLAS1=RESPONSE, HDUCLAS2=RSP_MATRIX)",
            file=display,
            hdu="MATRIX",
        )
    return numbered_hdus(hdul, found)


def _select(hdus, index, display, kind):
    if index is None:
        if len(hdus) > 1:
            raise DataFormatError(
                f"{len(hdus)} {kind} extensions (EXTVER {[v for _, v in hdus]}): "
                "choose one by EXTVER, e.g. 'file{1}' or (file, 1)",
                file=display,
                hdu=kind,
            )
        return hdus[0]
    for pos, ver in hdus:
        if ver == index:
            return pos, ver
    raise DataFormatError(
        f"no {kind} extension with EXTVER {index}; available: {[v for _, v in hdus]}",
        file=display,
        hdu=kind,
    )


def _kw_time(tab, name):
    value = tab.kw_float(name, None)
    return None if value is None or not np.isfinite(value) else value


def read_rmf(spec, index=None):
    """Read a redistribution matrix (RMF) or full response (RSP / RSP2).

    Parameters
    ----------
    spec : str, Path, tuple, bytes-like or file-like
        See `parse_source`; the index selects a matrix by EXTVER (1-based).
    index : int, optional
        EXTVER of the matrix HDU; required when the file holds several matrices (RSP2).

    Returns
    -------
    RmfMatrix
        ``energ_lo``, ``energ_hi`` (keV), dense ``matrix`` (nphot, nchan), EBOUNDS
        ``e_min``/``e_max`` (keV, NaN rows kept), ``first_channel``, time range.

    Raises
    ------
    DataFileError
        Missing, unreadable or non-FITS file.
    DataFormatError
        No matrix or EBOUNDS extension, missing column, NaN/negative/decreasing photon
        energies, groups outside the channel range, unknown EXTVER, damaged content.
    ChannelMismatchError
        EBOUNDS rows disagree with DETCHANS.
    """
    target, index, display = parse_source(spec, index)
    with open_fits(target, display) as hdul:
        pos, extver = _select(_matrix_hdus(hdul, display), index, display, "MATRIX")
        tab = Table(hdul[pos], display, hdu_label(hdul[pos], pos))
        with in_hdu(display, tab.label):
            lo = tab.numeric("ENERG_LO", required=True)
            hi = tab.numeric("ENERG_HI", required=True)
            lo = lo.reshape(len(lo), -1)[:, 0] if lo.ndim == 2 and lo.shape[1] == 1 else lo
            hi = hi.reshape(len(hi), -1)[:, 0] if hi.ndim == 2 and hi.shape[1] == 1 else hi
            check_photon_bins(tab, lo, hi)
            ebounds = read_ebounds(hdul, display, extver)
            if ebounds is None:
                raise DataFormatError("no EBOUNDS extension", file=display, hdu="EBOUNDS")
            detchans = tab.kw_int("DETCHANS", None)
            nchan = ebounds.nchan if detchans is None else detchans
            if nchan <= 0:
                raise tab.error(f"DETCHANS = {nchan} is not positive", key="DETCHANS")
            if ebounds.nchan != nchan:
                raise ChannelMismatchError(
                    f"{ebounds.nchan} EBOUNDS rows but DETCHANS = {nchan}",
                    file=display,
                    hdu=ebounds.label,
                )
            groups = _groups(tab, len(lo))
            first = _first_channel(tab, groups, nchan, ebounds)
            matrix = _dense(tab, groups, len(lo), nchan, first)
            extname = str(tab.header.get("EXTNAME", "")).strip().upper()
            full = extname == "SPECRESP MATRIX" or (tab.kw_str("HDUCLAS3") or "").upper() == "FULL"
            return RmfMatrix(
                energ_lo=lo,
                energ_hi=hi,
                matrix=matrix,
                e_min=ebounds.e_min,
                e_max=ebounds.e_max,
                first_channel=first,
                is_full_response=full,
                extver=extver,
                tstart=_kw_time(tab, "TSTART"),
                tstop=_kw_time(tab, "TSTOP"),
                header=tab.header.copy(),
                ebounds_header=ebounds.header,
                filename=display,
                hdu=tab.label,
                ebounds_channel=ebounds.channel,
            )


def list_matrices(spec):
    """List the matrices of an RMF/RSP/RSP2 file.

    Parameters
    ----------
    spec : str, Path, bytes-like or file-like

    Returns
    -------
    astropy.table.Table
        Columns ``extver`` (int), ``tstart``, ``tstop`` (s, NaN when absent), ``nphot``,
        ``nchan`` (DETCHANS, else the EBOUNDS row count, else -1).
    """
    target, _, display = parse_source(spec)
    rows = []
    with open_fits(target, display) as hdul:
        eb = read_ebounds(hdul, display)
        for pos, ver in _matrix_hdus(hdul, display):
            tab = Table(hdul[pos], display, hdu_label(hdul[pos], pos))
            t0, t1 = _kw_time(tab, "TSTART"), _kw_time(tab, "TSTOP")
            nchan = tab.kw_int("DETCHANS", None)
            if nchan is None:
                nchan = eb.nchan if eb is not None else -1
            rows.append(
                (ver, np.nan if t0 is None else t0, np.nan if t1 is None else t1, tab.nrows, nchan)
            )
    return AstropyTable(
        rows=rows,
        names=("extver", "tstart", "tstop", "nphot", "nchan"),
        dtype=(np.int64, np.float64, np.float64, np.int64, np.int64),
    )


# ---------------------------------------------------------------------------------------


def _int_values(tab, name, values):
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        raise tab.error(f"not numeric ({values.dtype})", key=name)
    if values.dtype.kind == "f" and (
        not np.all(np.isfinite(values)) or np.any(values != np.round(values))
    ):
        raise tab.error("non-integer values", key=name)
    return values.astype(np.int64)


def _packed(tab, name, raw, ngrp):
    """First ``ngrp[row]`` entries of every row of a fixed or variable-length column, flat."""
    nphot = len(ngrp)
    if raw.dtype == object:
        lens = np.fromiter((len(x) for x in raw), dtype=np.int64, count=nphot)
        if np.any(lens < ngrp):
            r = int(np.argmax(lens < ngrp))
            raise tab.error(f"row {r} has {lens[r]} entries but N_GRP = {ngrp[r]}", key=name)
        parts = [np.asarray(x)[:g] for x, g in zip(raw, ngrp) if g]
        flat = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return _int_values(tab, name, flat)
    arr = np.asarray(raw).reshape(nphot, -1)
    width = arr.shape[1]
    if np.any(ngrp > width):
        r = int(np.argmax(ngrp > width))
        raise tab.error(f"row {r}: N_GRP = {ngrp[r]} but only {width} entries", key=name)
    mask = np.arange(width)[None, :] < ngrp[:, None]
    return _int_values(tab, name, arr[mask])


class _Groups:
    def __init__(self, rows, fchan, nchan, mat_raw):
        self.rows, self.fchan, self.nchan, self.mat_raw = rows, fchan, nchan, mat_raw


def _groups(tab, nphot):
    for name in ("N_GRP", "F_CHAN", "N_CHAN", "MATRIX"):
        if not tab.has(name):
            raise tab.error("column missing", key=name)
    ngrp = tab.numeric("N_GRP")
    if ngrp.ndim == 2 and ngrp.shape[1] == 1:
        ngrp = ngrp[:, 0]
    if ngrp.shape != (nphot,):
        raise tab.error(f"expected one value per row, shape {ngrp.shape}", key="N_GRP")
    ngrp = _int_values(tab, "N_GRP", ngrp)
    if np.any(ngrp < 0):
        raise tab.error("negative number of groups", key="N_GRP")
    fchan = _packed(tab, "F_CHAN", tab.raw("F_CHAN"), ngrp)
    nch = _packed(tab, "N_CHAN", tab.raw("N_CHAN"), ngrp)
    if np.any(nch < 0):
        raise tab.error("negative group length", key="N_CHAN")
    rows = np.repeat(np.arange(nphot), ngrp)
    return _Groups(rows, fchan, nch, tab.raw("MATRIX"))


def _fits(groups, first, nchan):
    used = groups.nchan > 0
    if not used.any():
        return True
    lo = groups.fchan[used] - first
    hi = lo + groups.nchan[used]
    return bool(lo.min() >= 0 and hi.max() <= nchan)


def _first_channel(tab, groups, nchan, ebounds):
    """Channel number of matrix column 0.

    TLMIN of F_CHAN when present; otherwise the first EBOUNDS CHANNEL (as XSPEC), unless
    the groups do not fit with it, then the OGIP default 1 (real GBM RSP2 files number
    EBOUNDS from 0 but F_CHAN from 1).
    """
    tlmin = tab.tlmin("F_CHAN")
    if tlmin is not None:
        cands = [tlmin]
    else:
        cands = []
        if ebounds.channel is not None and ebounds.channel.size:
            cands.append(int(ebounds.channel[0]))
        cands.append(1)
    for first in cands:
        if _fits(groups, first, nchan):
            return first
    raise tab.error(
        f"channel groups fall outside channels {cands[0]}..{cands[0] + nchan - 1} "
        f"(DETCHANS = {nchan})",
        key="F_CHAN",
    )


def _dense(tab, groups, nphot, nchan, first):
    rows, fchan, nch, raw = groups.rows, groups.fchan, groups.nchan, groups.mat_raw
    per_row = np.bincount(rows, weights=nch, minlength=nphot).astype(np.int64)
    if raw.dtype == object:
        lens = np.fromiter((len(x) for x in raw), dtype=np.int64, count=nphot)
        if np.any(per_row > lens):
            r = int(np.argmax(per_row > lens))
            raise tab.error(
                f"row {r}: N_CHAN sums to {per_row[r]} but MATRIX has {lens[r]} values",
                key="MATRIX",
            )
        parts = [np.asarray(x, dtype=np.float64) for x in raw]
        flat = np.concatenate(parts) if parts else np.zeros(0)
        row_base = np.cumsum(lens) - lens
    else:
        if raw.dtype.kind not in "iuf":
            raise tab.error(f"not numeric ({raw.dtype})", key="MATRIX")
        arr = np.asarray(raw).reshape(nphot, -1)
        width = arr.shape[1]
        if np.any(per_row > width):
            r = int(np.argmax(per_row > width))
            raise tab.error(
                f"row {r}: N_CHAN sums to {per_row[r]} but MATRIX has {width} values",
                key="MATRIX",
            )
        flat = arr.reshape(-1)
        row_base = np.arange(nphot, dtype=np.int64) * width

    gstart = np.cumsum(nch) - nch  # first element of each group in the packed stream
    row_first_elem = np.cumsum(per_row) - per_row
    offsets = row_base[rows] + gstart - row_first_elem[rows]
    ngrp = np.bincount(rows, minlength=nphot)
    return expand(ngrp, fchan, nch, flat, nchan, first, offsets=offsets)
