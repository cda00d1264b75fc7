"""Per-channel masks of a `DataUnit`: safe, fit and combined (gammapy's ``mask_safe``,
``mask_fit``, ``mask`` for 1-D spectra).

All masks are boolean arrays over the unit's *channels* ``(nchan,)`` (not groups):

``mask_safe``
    the data can be trusted: source (and background) QUALITY == 0, finite channel energy
    bounds, and the channel lies inside the photon-energy range of the response
    (``ENERG_LO[0] <= E_MIN`` and ``E_MAX <= ENERG_HI[-1]``, relative tolerance
    `RANGE_RTOL` for float32-rounded edges).
``mask_fit``
    the channel lies inside the notice ranges ``notc`` (whole channel inside, see
    `bayspec.data.notice`); every finite channel when ``notc`` is None.
``mask``
    ``mask_safe & mask_fit``. The fit uses the complete groups inside ``mask``
    (``unit.grouping.index``); a group cut by the mask is dropped as a whole.
"""

from __future__ import annotations

import numpy as np

from .notice import notice_mask

__all__ = ["mask_safe", "mask_fit", "mask", "RANGE_RTOL"]

#: Relative tolerance on the response's photon-energy range (float32 edges in files).
RANGE_RTOL = 1e-6


def in_response_range(chbin, phbin):
    """Channels whose energy bounds lie inside the photon range of ``phbin`` (keV)."""
    chbin = np.asarray(chbin, dtype=np.float64)
    phbin = np.asarray(phbin, dtype=np.float64)
    lo = np.nanmin(phbin[:, 0]) * (1.0 - RANGE_RTOL)
    hi = np.nanmax(phbin[:, 1]) * (1.0 + RANGE_RTOL)
    with np.errstate(invalid="ignore"):
        return np.isfinite(chbin).all(axis=1) & (chbin[:, 0] >= lo) & (chbin[:, 1] <= hi)


def mask_safe(unit):
    """Safe channels ``(nchan,)``: good quality, finite bounds, inside the response range."""
    return np.asarray(unit.qualifying, dtype=bool) & in_response_range(unit.rsp_ins.chbin,
                                                                       unit.rsp_ins.phbin)


def mask_fit(unit):
    """Channels inside the notice ranges ``(nchan,)``."""
    return notice_mask(unit.rsp_ins.chbin, unit.noticed_ranges)


def mask(unit):
    """``mask_safe & mask_fit``."""
    return mask_safe(unit) & mask_fit(unit)
