"""Read OGIP ancillary responses, ARF and ARF2 (OGIP CAL/GEN/92-002 §4, SPECRESP)."""

from __future__ import annotations

from ..errors import DataFormatError
from ._columns import Table, find_hdus, hdu_label, in_hdu, numbered_hdus
from ._energy import check_photon_bins
from ._source import open_fits, parse_source
from .containers import ArfCurve
from .rmf import _select

__all__ = ["read_arf"]


def _arf_hdus(hdul, display):
    found = find_hdus(hdul, ("SPECRESP",), {"HDUCLAS1": "RESPONSE", "HDUCLAS2": "SPECRESP"})
    if not found:
        raise DataFormatError(
            "no SPECRESP extension (EXTNAME=SPECRESP or HDUCLAS2=SPECRESP)",
            file=display,
            hdu="SPECRESP",
        )
    return numbered_hdus(hdul, found)


def _vector(tab, name):
    v = tab.numeric(name, required=True)
    if v.ndim == 2 and v.shape[1] == 1:
        v = v[:, 0]
    if v.ndim != 1:
        raise tab.error(f"expected one value per row, shape {v.shape}", key=name)
    return v


def read_arf(spec, index=None):
    """Read an ancillary response (effective area).

    Parameters
    ----------
    spec : str, Path, tuple, bytes-like or file-like
        See `parse_source`; the index selects a SPECRESP extension by EXTVER (1-based).
    index : int, optional
        EXTVER; required when the file holds several SPECRESP extensions (ARF2).

    Returns
    -------
    ArfCurve
        ``energ_lo``, ``energ_hi`` (keV), ``specresp`` (cm²), ``exposure`` (s or None).

    Raises
    ------
    DataFileError
        Missing, unreadable or non-FITS file.
    DataFormatError
        No SPECRESP extension, missing column, invalid photon energies, unknown EXTVER.
    """
    target, index, display = parse_source(spec, index)
    with open_fits(target, display) as hdul:
        pos, extver = _select(_arf_hdus(hdul, display), index, display, "SPECRESP")
        tab = Table(hdul[pos], display, hdu_label(hdul[pos], pos))
        with in_hdu(display, tab.label):
            lo, hi = _vector(tab, "ENERG_LO"), _vector(tab, "ENERG_HI")
            area = _vector(tab, "SPECRESP")
            check_photon_bins(tab, lo, hi)
            if area.shape != lo.shape:
                raise tab.error("SPECRESP and ENERG_LO lengths differ", key="SPECRESP")
            exposure = tab.kw_float("EXPOSURE", None)
            return ArfCurve(
                energ_lo=lo,
                energ_hi=hi,
                specresp=area,
                extver=extver,
                exposure=exposure,
                header=tab.header.copy(),
                filename=display,
                hdu=tab.label,
            )
