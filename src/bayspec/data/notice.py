"""Channel noticing: which channels an energy selection keeps.

A channel is kept by a range ``[lo, hi]`` (keV) when its *whole* energy interval lies inside
the range, ``lo <= E_MIN`` and ``E_MAX <= hi`` (XSPEC's and sherpa's rule for energy notices
on channels). Several ranges are combined with a logical *or*.
"""

from __future__ import annotations

import numpy as np

from ..errors import NoticeError

__all__ = ["normalize_notc", "notice_mask", "format_notc"]


def normalize_notc(notc, *, name=None):
    """Return ``notc`` as a float64 array of ranges ``(nrange, 2)`` in keV, or None.

    Parameters
    ----------
    notc : None, [lo, hi], or sequence of [lo, hi]
        Lists, tuples and arrays are accepted. ``None`` means "every channel".
    name : str, optional
        Unit name used in error messages.

    Raises
    ------
    NoticeError
        If the ranges are not numeric pairs with ``lo < hi``.
    """
    if notc is None:
        return None
    try:
        arr = np.asarray(notc, dtype=np.float64)
    except (TypeError, ValueError):
        raise NoticeError(f"notc must be [lo, hi] or a list of [lo, hi] in keV, got {notc!r}",
                          key=name) from None
    if arr.ndim == 1 and arr.size == 2:
        arr = arr.reshape(1, 2)
    if arr.ndim != 2 or arr.shape[1] != 2 or arr.shape[0] == 0:
        raise NoticeError(f"notc must be [lo, hi] or a list of [lo, hi] in keV, got {notc!r}",
                          key=name)
    if np.isnan(arr).any() or np.any(arr[:, 0] >= arr[:, 1]):
        raise NoticeError(f"each notc range needs lo < hi (keV), got {arr.tolist()}", key=name)
    return arr


def notice_mask(chbin, ranges):
    """Boolean mask of the channels lying entirely inside any of ``ranges``.

    Parameters
    ----------
    chbin : ndarray, shape (nchan, 2)
        Channel energy bounds E_MIN, E_MAX in keV (NaN bounds are never kept).
    ranges : ndarray (nrange, 2) or None
        Output of `normalize_notc`; None keeps every channel with finite bounds.

    Returns
    -------
    ndarray of bool, shape (nchan,)
    """
    chbin = np.asarray(chbin, dtype=np.float64)
    finite = np.isfinite(chbin).all(axis=1)
    if ranges is None:
        return finite
    lo = chbin[:, 0][:, None]
    hi = chbin[:, 1][:, None]
    inside = (lo >= ranges[:, 0][None, :]) & (hi <= ranges[:, 1][None, :])
    return finite & inside.any(axis=1)


def format_notc(ranges) -> str:
    """Readable form of normalized ranges, e.g. ``'[0.5, 3] [4, 7] keV'``."""
    if ranges is None:
        return "all"
    return " ".join(f"[{lo:g}, {hi:g}]" for lo, hi in ranges) + " keV"
