"""Energy grids: the EBOUNDS extension and photon bins ENERG_LO/ENERG_HI (keV).

EBOUNDS is defined in OGIP CAL/GEN/92-002 §3.2: columns CHANNEL, E_MIN, E_MAX (keV).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._columns import Table, find_hdus, hdu_label

__all__ = ["Ebounds", "read_ebounds", "check_photon_bins"]


@dataclass
class Ebounds:
    channel: np.ndarray | None  # int64 (nchan,) or None when no CHANNEL column
    e_min: np.ndarray
    e_max: np.ndarray
    header: object
    label: str
    table: Table

    @property
    def nchan(self):
        return int(self.e_min.shape[0])


def read_ebounds(hdul, file, extver=None):
    """Read the EBOUNDS extension, or return None when the file has none.

    Parameters
    ----------
    hdul : HDUList
    file : str
        Name for messages.
    extver : int, optional
        Prefer the EBOUNDS HDU with this EXTVER when there are several.

    Returns
    -------
    Ebounds or None
        NaN rows are kept; an entirely NaN EBOUNDS raises `DataFormatError`.
    """
    found = find_hdus(hdul, ("EBOUNDS",), {"HDUCLAS2": "EBOUNDS"})
    if not found:
        return None
    pick = found[0]
    if extver is not None and len(found) > 1:
        for i in found:
            if hdul[i].header.get("EXTVER") == extver:
                pick = i
                break
    tab = Table(hdul[pick], file, hdu_label(hdul[pick], pick))
    e_min = tab.numeric("E_MIN", required=True)
    e_max = tab.numeric("E_MAX", required=True)
    if e_min.ndim != 1 or e_max.ndim != 1:
        e_min, e_max = e_min.reshape(len(e_min), -1)[:, 0], e_max.reshape(len(e_max), -1)[:, 0]
    if e_min.size and np.all(np.isnan(e_min) | np.isnan(e_max)):
        raise tab.error("every channel has NaN energy bounds", key="E_MIN/E_MAX")
    channel = None
    if tab.has("CHANNEL"):
        raw = tab.numeric("CHANNEL")
        raw = raw.reshape(len(raw), -1)[:, 0] if raw.ndim != 1 else raw
        if raw.size and np.all(np.isfinite(raw)) and np.all(raw == np.round(raw)):
            channel = raw.astype(np.int64)
        else:
            raise tab.error("channel numbers are not integers", key="CHANNEL")
    return Ebounds(channel, e_min, e_max, tab.header.copy(), tab.label, tab)


def check_photon_bins(tab, lo, hi):
    """Validate photon energy bins (keV).

    Bins must be finite, ENERG_LO ≥ 0 (a first ENERG_LO of exactly 0 is legal),
    ENERG_HI ≥ ENERG_LO (zero-width bins are legal) and ENERG_LO non-decreasing.
    """
    if lo.ndim != 1 or hi.ndim != 1 or lo.shape != hi.shape:
        raise tab.error("ENERG_LO/ENERG_HI must be one value per row", key="ENERG_LO")
    if lo.size == 0:
        raise tab.error("no photon energy bins (table is empty)", key="ENERG_LO")
    bad = ~(np.isfinite(lo) & np.isfinite(hi))
    if bad.any():
        raise tab.error(
            f"{int(bad.sum())} photon bins have NaN/inf energies (first row {int(np.argmax(bad))})",
            key="ENERG_LO/ENERG_HI",
        )
    if np.any(lo < 0):
        raise tab.error("negative photon energy", key="ENERG_LO")
    if np.any(hi < lo):
        raise tab.error(
            f"ENERG_HI < ENERG_LO in row {int(np.argmax(hi < lo))}", key="ENERG_HI"
        )
    if np.any(np.diff(lo) < 0):
        raise tab.error(
            f"photon energies decrease at row {int(np.argmax(np.diff(lo) < 0)) + 1}",
            key="ENERG_LO",
        )
