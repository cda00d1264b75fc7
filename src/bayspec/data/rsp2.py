"""The response of a time interval from a time-dependent response (RSP2): one rule.

An RSP2 file holds matrices ``M_1 .. M_n`` with start times ``TSTART`` ``s_1 <= .. <= s_n``
(s, e.g. Fermi/GBM MET). Every route that turns a stretch of a PHA-II series into a unit
(`bayspec.estimators.SpectrumSeries`, the HDF5 store, the batch) takes its response from
this module, so one spectrum gets one matrix whatever the route.

Validity
--------
Matrix ``i`` is valid from its own TSTART to the next matrix's TSTART,
``V_i = [s_i, s_{i+1})``; the first one from ``-inf`` and the last one to ``+inf``. The
TSTOP keywords are not used (GBM writes the last matrix of a burst with TSTART = TSTOP).
Matrices with equal TSTART: the later one (in the given order) takes the range, the
earlier ones get an empty one. With a single matrix its weight is 1 whatever the times.

Weights
-------
For pieces of time ``[a_k, b_k]`` (s) with exposures ``e_k`` (s) and an optional clip
interval ``C = [t1, t2]``,

    w_i ∝ sum_k e_k |[a_k, b_k] ∩ C ∩ V_i| / (b_k - a_k),     sum_i w_i = 1,

and the response is ``sum_i w_i M_i``. Cases:

* one interval ``[t1, t2]`` (its exposure defaults to its length):
  ``w_i = |[t1, t2] ∩ V_i| / (t2 - t1)``;
* the rows of a PHA-II spectrum (a union of rows, summed): each row's live time ``e_k``
  is shared among the matrices in proportion to the part of the row each one covers;
* a zero-length piece (an instant) gives its whole exposure to the matrix valid then;
* pieces with non-positive exposure are ignored; if nothing is left (e.g. a clip interval
  beyond the rows), the clip interval alone is weighted (first case).

Source of the idea: threeML's ``InstrumentResponseSet`` (``threeML.utils.OGIP.response``),
whose ``weight_by_exposure`` weights each matrix by the exposure in the overlap of the
selected interval(s) with the matrix's validity interval (TSTART to the next TSTART),
sums the weights over the intervals and normalises them to one. Here the exposure of a
part of a row is the row's exposure times the fraction of the row it covers (live time
spread evenly over the row).
"""

from __future__ import annotations

import numpy as np

from ..errors import DataFormatError

__all__ = ["matrix_weights", "combine_matrices", "read_matrices", "interval_response"]


def _validity(tstart):
    """Lower and upper ends ``(n,)`` of the validity ranges in the given order."""
    s = np.asarray(tstart, dtype=np.float64).ravel()
    order = np.argsort(s, kind="stable")
    lo = np.empty_like(s)
    hi = np.empty_like(s)
    srt = s[order]
    lo[order] = np.concatenate([[-np.inf], srt[1:]])
    hi[order] = np.concatenate([srt[1:], [np.inf]])
    # equal starts: only the last of a tie keeps a non-empty range
    return lo, hi


def _piece_weights(lo, hi, a, b, e):
    """``(n,)`` sums ``sum_k e_k |[a_k, b_k] ∩ V_i| / (b_k - a_k)`` (instants: indicator)."""
    dur = b - a
    ov = np.clip(np.minimum(b[:, None], hi[None, :]) - np.maximum(a[:, None], lo[None, :]),
                 0.0, None)
    inst = dur <= 0
    frac = np.where(inst[:, None], (lo[None, :] <= a[:, None]) & (a[:, None] < hi[None, :]),
                    ov / np.where(inst, 1.0, dur)[:, None])
    return (e[:, None] * frac).sum(axis=0)


def matrix_weights(tstart, pieces, exposure=None, clip=None, *, file=None):
    """Weights of the matrices of an RSP2 for pieces of time (module rule).

    Parameters
    ----------
    tstart : array_like (n,)
        TSTART of each matrix, s (same clock as ``pieces``).
    pieces : array_like (k, 2) or (2,)
        ``[a_k, b_k]`` time ranges, s: the rows of a spectrum or one interval.
    exposure : array_like (k,), optional
        Exposure (live time) of each piece, s; default each piece's length (1 for an
        instant).
    clip : (float, float), optional
        Count only the parts of the pieces inside ``[t1, t2]`` (s).
    file : str, optional
        For error messages.

    Returns
    -------
    ndarray (n,)
        Non-negative weights summing to 1, in the order of ``tstart``.

    Raises
    ------
    DataFormatError
        Several matrices and a missing (non-finite) TSTART or piece time, or no weight at
        all (e.g. an empty clip interval with no exposure).
    """
    s = np.asarray(tstart, dtype=np.float64).ravel()
    n = s.size
    if n == 0:
        raise DataFormatError("no response matrix to weight", file=file, key="TSTART")
    if n == 1:
        return np.ones(1)
    if not np.all(np.isfinite(s)):
        raise DataFormatError(f"{n} matrices but TSTART is missing for some "
                              f"({s.tolist()}): cannot tell which one applies when",
                              file=file, key="TSTART")
    p = np.atleast_2d(np.asarray(pieces, dtype=np.float64))
    if p.ndim != 2 or p.shape[1] != 2:
        raise DataFormatError(f"time pieces must have shape (k, 2), got {p.shape}", file=file)
    a, b = np.minimum(p[:, 0], p[:, 1]), np.maximum(p[:, 0], p[:, 1])
    e = np.where(b > a, b - a, 1.0) if exposure is None else np.broadcast_to(
        np.asarray(exposure, dtype=np.float64), a.shape)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise DataFormatError("time ranges are missing (TSTART/TSTOP): cannot choose among "
                              f"{n} response matrices", file=file, key="TSTART")
    lo, hi = _validity(s)
    use = e > 0
    a, b, e = a[use], b[use], e[use]
    w = np.zeros(n)
    if clip is not None:
        t1, t2 = sorted(float(x) for x in clip)
        ca, cb = np.maximum(a, t1), np.minimum(b, t2)
        inside = cb >= ca
        # prorate each row's exposure to its part inside the clip; instants stay whole
        dur = b - a
        e = np.where(dur > 0, e * (cb - ca) / np.where(dur > 0, dur, 1.0), e)
        a, b, e = ca[inside], cb[inside], e[inside]
        keep = e > 0
        a, b, e = a[keep], b[keep], e[keep]
    if a.size:
        w = _piece_weights(lo, hi, a, b, e)
    if not w.sum() > 0 and clip is not None:
        t1, t2 = sorted(float(x) for x in clip)
        w = _piece_weights(lo, hi, np.array([t1]), np.array([t2]), np.ones(1))
    total = w.sum()
    if not total > 0:
        raise DataFormatError("no exposure to weight the response matrices with",
                              file=file, key="EXPOSURE")
    return w / total


def combine_matrices(matrices, weights, *, file=None):
    """``sum_i w_i M_i`` over the matrices with a positive weight, in the given order.

    Parameters
    ----------
    matrices : sequence of ndarray (nphot, nchan) or of objects with ``.matrix``
    weights : array_like (n,)

    Returns
    -------
    ndarray (nphot, nchan), float64
    """
    mats = [np.asarray(getattr(m, "matrix", m), dtype=np.float64) for m in matrices]
    w = np.asarray(weights, dtype=np.float64).ravel()
    if len(mats) != w.size or not mats:
        raise DataFormatError(f"{len(mats)} matrices for {w.size} weights", file=file)
    shape = mats[0].shape
    if any(m.shape != shape for m in mats):
        raise DataFormatError("cannot weight matrices of different shapes "
                              f"{sorted({m.shape for m in mats})}", file=file, key="MATRIX")
    out = np.zeros(shape)
    for wi, m in zip(w, mats):
        if wi > 0:
            out += wi * m
    return out


def read_matrices(spec):
    """All matrices of an RMF/RSP/RSP2 (`bayspec.io.RmfMatrix`, EXTVER order).

    ``spec`` naming one matrix (``"f.rsp2{2}"``, ``(f, 2)``) gives that one only.
    """
    from ..io import list_matrices, parse_source, read_rmf

    _, index, _ = parse_source(spec)
    if index is not None:
        return [read_rmf(spec)]
    return [read_rmf(spec, index=int(v)) for v in list_matrices(spec)["extver"]]


def interval_response(matrices, pieces, exposure=None, clip=None, *, full=None, name=None):
    """The weighted `Response` (or `Redistribution`) of RSP2 matrices for pieces of time.

    Parameters
    ----------
    matrices : sequence of `bayspec.io.RmfMatrix`, or an RSP/RSP2 file spec
        Same photon and channel grids; TSTART from each matrix (``tstart``).
    pieces, exposure, clip
        As in `matrix_weights` (s, on the clock of the matrices' TSTART).
    full : bool, optional
        Build a full `Response` (True) or a `Redistribution` (False, to be combined with
        an ARF); default from the first matrix (``is_full_response``).
    name : str, optional

    Returns
    -------
    Response or Redistribution
        With ``weights`` (ndarray, one per matrix) and ``extver`` (the EXTVER of the only
        weighted matrix, else None).
    """
    from .response import Redistribution, Response

    listed = isinstance(matrices, (list, tuple)) and all(hasattr(m, "matrix") for m in matrices)
    mats = list(matrices) if listed else read_matrices(matrices)
    if not mats:
        raise DataFormatError("no response matrix given")
    first = mats[0]
    display = getattr(first, "filename", None)
    for m in mats[1:]:
        if not (np.array_equal(m.energ_lo, first.energ_lo)
                and np.array_equal(m.energ_hi, first.energ_hi)
                and m.matrix.shape == first.matrix.shape):
            raise DataFormatError("cannot weight matrices with different energy grids",
                                  file=display, hdu=getattr(m, "hdu", None), key="ENERG_LO")
    tstart = [np.nan if m.tstart is None else m.tstart for m in mats]
    w = matrix_weights(tstart, pieces, exposure, clip, file=display)
    drm = combine_matrices(mats, w, file=display)
    full = bool(getattr(first, "is_full_response", True)) if full is None else bool(full)
    cls = Response if full else Redistribution
    obj = cls(np.column_stack([first.e_min, first.e_max]),
              np.column_stack([first.energ_lo, first.energ_hi]), drm, name=name,
              file=display, hdu=getattr(first, "hdu", None))
    used = np.flatnonzero(w > 0)
    obj.extver = int(mats[used[0]].extver) if used.size == 1 else None
    obj.weights = w
    return obj
