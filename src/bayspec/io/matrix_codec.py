"""OGIP compact response matrices: the N_GRP / F_CHAN / N_CHAN / MATRIX packing.

Format: OGIP CAL/GEN/92-002 §3.1. Each photon-energy row of a dense matrix ``(nphot,
nchan)`` keeps only its runs of non-zero channels: ``n_grp[r]`` runs, run ``g`` starting
at channel number ``f_chan[g]`` (column ``f_chan - first_channel``) with ``n_chan[g]``
values; the values of all runs follow one another in ``values``. NaN counts as non-zero
(it is kept, so a damaged matrix stays visible).

One codec for the whole package: the FITS reader (`bayspec.io.rmf`), the FITS writer
(`bayspec.io.response_write`) and the HDF5 response store (`bayspec.store`) all use it,
so a matrix goes dense -> compact -> dense exactly.
"""

from __future__ import annotations

import numpy as np

__all__ = ["compact", "expand", "split_rows"]


def compact(matrix, first_channel: int = 1):
    """Keep only each row's runs of non-zero channels.

    Parameters
    ----------
    matrix : ndarray (nphot, nchan)
    first_channel : int
        Channel number of column 0 (TLMIN of F_CHAN).

    Returns
    -------
    n_grp : ndarray (nphot,), int32
        Number of runs in each row.
    f_chan, n_chan : ndarray (ngrp,), int32
        First channel number and length of each run, rows in order.
    values : ndarray (nnz,), float64
        The non-zero values, row by row, run by run.
    """
    m = np.asarray(matrix, dtype=np.float64)
    nphot, nchan = m.shape
    nz = m != 0  # NaN counts as non-zero and is kept
    pad = np.zeros((nphot, nchan + 2), np.int8)
    pad[:, 1:-1] = nz
    d = np.diff(pad, axis=1)
    rs, cs = np.nonzero(d == 1)
    _, ce = np.nonzero(d == -1)
    n_grp = np.bincount(rs, minlength=nphot).astype(np.int32)
    return n_grp, (cs + first_channel).astype(np.int32), (ce - cs).astype(np.int32), m[nz]


def expand(n_grp, f_chan, n_chan, values, nchan: int, first_channel: int = 1, *,
           offsets=None):
    """The dense ``(nphot, nchan)`` float64 matrix of a compact one (inverse of `compact`).

    Parameters
    ----------
    n_grp : array_like (nphot,)
    f_chan, n_chan : array_like (ngrp,)
        As returned by `compact` (channel numbers start at ``first_channel``).
    values : array_like
        The run values.
    nchan : int
        Number of channels (columns).
    first_channel : int
    offsets : array_like (ngrp,), optional
        Position in ``values`` of each run's first value; default the runs packed one
        after the other from 0 (as `compact` gives). A FITS reader passes the positions in
        its padded or variable-length column.

    Returns
    -------
    ndarray (nphot, nchan), float64
        The caller checks that the runs fit inside ``nchan`` channels.
    """
    n_grp = np.asarray(n_grp, np.int64)
    col = np.asarray(f_chan, np.int64) - int(first_channel)
    n_chan = np.asarray(n_chan, np.int64)
    values = np.asarray(values).reshape(-1)
    nphot = n_grp.size
    dense = np.zeros((nphot, int(nchan)), np.float64)
    total = int(n_chan.sum())
    if total == 0:
        return dense
    packed = np.cumsum(n_chan) - n_chan
    src = packed if offsets is None else np.asarray(offsets, np.int64)
    rows = np.repeat(np.arange(nphot), n_grp)
    dst = rows * int(nchan) + col
    out = dense.reshape(-1)
    if n_chan.size * 16 <= total:
        # few long runs (the usual case): one slice copy per run
        for s0, d0, n in zip(src.tolist(), dst.tolist(), n_chan.tolist()):
            out[d0:d0 + n] = values[s0:s0 + n]
        return dense
    # many short runs: element-wise index arithmetic
    grp = np.repeat(np.arange(n_chan.size), n_chan)
    k = np.arange(total) - packed[grp]
    out[dst[grp] + k] = values[src[grp] + k]
    return dense


def split_rows(n_grp, f_chan, n_chan, values):
    """Per-row pieces of a compact matrix (for writing one FITS row at a time).

    Returns
    -------
    f_chan, n_chan, values : lists of ndarray, one entry per photon row
    """
    n_grp = np.asarray(n_grp, np.int64)
    n_chan = np.asarray(n_chan)
    cut = np.cumsum(n_grp)[:-1]
    per_row = np.bincount(np.repeat(np.arange(n_grp.size), n_grp), weights=n_chan,
                          minlength=n_grp.size).astype(np.int64)
    return (np.split(np.asarray(f_chan), cut), np.split(n_chan, cut),
            np.split(np.asarray(values), np.cumsum(per_row)[:-1]))
