"""Write OGIP responses: RMF/RSP/RSP2 (`write_rmf`) and ARF (`write_arf`).

Format: OGIP CAL/GEN/92-002. The matrix rows are stored as the runs of non-zero values
(N_GRP groups starting at F_CHAN with N_CHAN channels, packed by
`bayspec.io.matrix_codec.compact`), either as variable-length arrays
(``compact=True``) or as fixed-width columns padded with zeros.
"""

from __future__ import annotations

import numpy as np
from astropy.io import fits

from ..errors import DataFormatError
from . import matrix_codec as _codec
from ._write import copy_keywords, ebounds_hdu, float_format, int_format, ogip_defaults, write_hdus
from .containers import ArfCurve, RmfMatrix

__all__ = ["write_rmf", "write_arf"]


def _check(cond, message, path, hdu, key=None):
    if not cond:
        raise DataFormatError(message, file=path, hdu=hdu, key=key)


def _matrix_hdu(rmf, path, compact, nchan_expected):
    hdu_name = "SPECRESP MATRIX" if rmf.is_full_response else "MATRIX"
    m = np.asarray(rmf.matrix, dtype=np.float64)
    _check(m.ndim == 2 and m.size > 0, "matrix must be a non-empty 2-D array", path, hdu_name)
    nphot, nchan = m.shape
    _check(nchan == nchan_expected, "all matrices must have the same channels", path, hdu_name)
    lo = np.asarray(rmf.energ_lo, dtype=np.float64)
    hi = np.asarray(rmf.energ_hi, dtype=np.float64)
    _check(lo.shape == (nphot,) and hi.shape == (nphot,), "energy bins disagree with matrix rows",
           path, hdu_name, "ENERG_LO")
    first = int(rmf.first_channel)
    ngrp, fch, nch, vals = _codec.compact(m, first)
    fch, nch, vals = _codec.split_rows(ngrp, fch, nch, vals)
    mfmt = float_format(m)
    last = first + nchan - 1
    ifmt = int_format(np.array([first, last, nchan]))
    cols = [
        fits.Column("ENERG_LO", "D", unit="keV", array=lo),
        fits.Column("ENERG_HI", "D", unit="keV", array=hi),
        fits.Column("N_GRP", int_format(ngrp), array=ngrp),
    ]
    if compact:
        obj = np.empty(nphot, dtype=object)
        for name, seq, fmt, dt in (
            ("F_CHAN", fch, ifmt, np.int64),
            ("N_CHAN", nch, ifmt, np.int64),
            ("MATRIX", vals, mfmt, np.float64),
        ):
            arr = obj.copy()
            for i, v in enumerate(seq):
                arr[i] = np.asarray(v, dtype=dt)
            cols.append(fits.Column(name, f"P{fmt}()", array=arr))
    else:
        gw = max(1, int(ngrp.max()))
        mw = max(1, max(len(v) for v in vals))
        F = np.zeros((nphot, gw), dtype=np.int64)
        N = np.zeros((nphot, gw), dtype=np.int64)
        M = np.zeros((nphot, mw), dtype=np.float64)
        for i in range(nphot):
            F[i, : ngrp[i]] = fch[i]
            N[i, : ngrp[i]] = nch[i]
            M[i, : len(vals[i])] = vals[i]
        cols += [
            fits.Column("F_CHAN", f"{gw}{ifmt}", array=F),
            fits.Column("N_CHAN", f"{gw}{ifmt}", array=N),
            fits.Column("MATRIX", f"{mw}{mfmt}", array=M),
        ]
    hdu = fits.BinTableHDU.from_columns(cols)
    h = hdu.header
    h["EXTNAME"] = hdu_name
    h["EXTVER"] = int(rmf.extver)
    h["HDUCLASS"] = ("OGIP", "format conforms to OGIP standard")
    h["HDUCLAS1"] = ("RESPONSE", "dataset relates to spectral response")
    h["HDUCLAS2"] = ("RSP_MATRIX", "dataset is a spectral response matrix")
    h["HDUCLAS3"] = ("FULL" if rmf.is_full_response else "REDIST", "includes effective area?")
    h["HDUVERS"] = ("1.3.0", "version of the format (CAL/GEN/92-002)")
    copy_keywords(rmf.header, h)
    copy_keywords(rmf.header, h, ("LO_THRES", "CHANTYPE"))
    ogip_defaults(h, {"LO_THRES": (0.0, "lower threshold of stored matrix elements"),
                      "CHANTYPE": ("PI", "channel type (PHA or PI)")})
    h["DETCHANS"] = (nchan, "total number of detector channels")
    h["TLMIN4"] = (first, "first channel of the matrix")
    h["TLMAX4"] = (last, "last channel of the matrix")
    if rmf.tstart is not None:
        h["TSTART"] = float(rmf.tstart)
    if rmf.tstop is not None:
        h["TSTOP"] = float(rmf.tstop)
    return hdu


def _ebounds_hdu(rmf, path):
    n = rmf.nchan
    e_min = np.asarray(rmf.e_min, dtype=np.float64)
    e_max = np.asarray(rmf.e_max, dtype=np.float64)
    _check(e_min.shape == (n,) and e_max.shape == (n,),
           f"e_min/e_max must have {n} values", path, "EBOUNDS", "E_MIN")
    ch = rmf.ebounds_channel
    ch = rmf.channel if ch is None or np.shape(ch) != (n,) else np.asarray(ch, dtype=np.int64)
    hdu = ebounds_hdu(ch, e_min, e_max, rmf.header, ("TELESCOP", "INSTRUME", "FILTER", "DETNAM"))
    hdu.header["CHANTYPE"] = (str(rmf.header.get("CHANTYPE", "PI")).strip().upper() or "PI",
                              "channel type (PHA or PI)")
    return hdu


def write_rmf(path, rmf, overwrite=False, *, compact=True):
    """Write a response matrix (RMF, full RSP, or RSP2 from several matrices).

    Parameters
    ----------
    path : str or Path
        Destination (``.gz`` → gzipped); written atomically.
    rmf : RmfMatrix or sequence of RmfMatrix
        Several matrices (same channels) give an RSP2 file with one HDU per matrix,
        each with the matrix's EXTVER (renumbered 1..n when they collide). EBOUNDS comes
        from the first matrix.
    overwrite : bool
        Replace an existing file; otherwise `OverwriteError`.
    compact : bool
        Variable-length F_CHAN/N_CHAN/MATRIX (True) or fixed-width padded columns.

    Raises
    ------
    OverwriteError, DataFileError, DataFormatError
    """
    mats = [rmf] if isinstance(rmf, RmfMatrix) else list(rmf)
    _check(mats and all(isinstance(m, RmfMatrix) for m in mats),
           "write_rmf needs an RmfMatrix or a sequence of them", path, "MATRIX")
    vers = [int(m.extver) for m in mats]
    renumber = len(set(vers)) != len(vers)
    hdus = []
    for i, m in enumerate(mats):
        if renumber:
            m = _with_extver(m, i + 1)
        hdus.append(_matrix_hdu(m, path, compact, mats[0].nchan))
    hdus.append(_ebounds_hdu(mats[0], path))
    write_hdus(path, hdus, overwrite=overwrite)


def _with_extver(m, ver):
    from dataclasses import replace

    return replace(m, extver=ver)


def write_arf(path, arf, overwrite=False):
    """Write an ancillary response (SPECRESP extension, effective area in cm²).

    Parameters
    ----------
    path : str or Path
    arf : ArfCurve
    overwrite : bool

    Raises
    ------
    OverwriteError, DataFileError, DataFormatError
    """
    _check(isinstance(arf, ArfCurve), "write_arf needs an ArfCurve", path, "SPECRESP")
    lo = np.asarray(arf.energ_lo, dtype=np.float64)
    hi = np.asarray(arf.energ_hi, dtype=np.float64)
    area = np.asarray(arf.specresp, dtype=np.float64)
    n = area.shape[0] if area.ndim == 1 else -1
    _check(n > 0 and lo.shape == (n,) and hi.shape == (n,),
           "energ_lo, energ_hi and specresp must be 1-D of equal length", path, "SPECRESP")
    hdu = fits.BinTableHDU.from_columns(
        [
            fits.Column("ENERG_LO", "D", unit="keV", array=lo),
            fits.Column("ENERG_HI", "D", unit="keV", array=hi),
            fits.Column("SPECRESP", "D", unit="cm2", array=area),
        ]
    )
    h = hdu.header
    h["EXTNAME"] = "SPECRESP"
    h["EXTVER"] = int(arf.extver)
    h["HDUCLASS"] = "OGIP"
    h["HDUCLAS1"] = "RESPONSE"
    h["HDUCLAS2"] = "SPECRESP"
    h["HDUVERS"] = "1.1.0"
    copy_keywords(arf.header, h)
    ogip_defaults(h)
    if arf.exposure is not None:
        h["EXPOSURE"] = (float(arf.exposure), "exposure time (s)")
    write_hdus(path, [hdu], overwrite=overwrite)
