"""Helpers for the io tests: container equality and tiny synthetic OGIP files."""

import dataclasses

import numpy as np
from astropy.io import fits

SKIP_FIELDS = {"header", "ebounds_header", "filename", "hdu"}


def _float_counts(c):
    """Non-integral counts (written as RATE: exact only to the last bit)."""
    c = np.asarray(c, dtype=float)
    return bool(np.any(np.isfinite(c) & (c != np.round(c))))


def assert_same(a, b, skip=()):
    """Every field of two io containers equal (arrays exactly, NaN == NaN).

    A spectrum whose counts are not integers was written as RATE (OGIP: COUNTS are
    integers); its counts and errors must agree to 1 ulp and ``is_rate`` becomes True.
    """
    assert type(a) is type(b)
    loose = set()
    if hasattr(a, "counts") and hasattr(a, "is_rate") and _float_counts(a.counts):
        loose = {"counts", "stat_err"}
        assert b.is_rate
        skip = tuple(skip) + ("is_rate",)
    for f in dataclasses.fields(a):
        if f.name in SKIP_FIELDS or f.name in skip:
            continue
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            assert isinstance(x, np.ndarray) and isinstance(y, np.ndarray), f.name
            assert x.shape == y.shape, f.name
            if f.name in loose:
                np.testing.assert_allclose(y, x, rtol=4e-16, atol=0, equal_nan=True,
                                           err_msg=f.name)
                continue
            assert np.array_equal(x, y, equal_nan=True), f.name
        elif isinstance(x, float) and np.isnan(x):
            assert np.isnan(y), f.name
        else:
            assert x == y, f.name


def make_pha(path, counts=(1, 2, 3, 4), exposure=10.0, extra_cols=(), **keywords):
    """A minimal type-I PHA file; ``keywords`` override header values (None deletes)."""
    n = len(counts)
    cols = [
        fits.Column("CHANNEL", "J", array=np.arange(1, n + 1)),
        fits.Column("COUNTS", "J", array=np.asarray(counts)),
        *extra_cols,
    ]
    hdu = fits.BinTableHDU.from_columns(cols)
    h = hdu.header
    h["EXTNAME"] = "SPECTRUM"
    h["HDUCLAS1"] = "SPECTRUM"
    h["EXPOSURE"] = exposure
    h["TLMIN1"] = 1
    for k, v in keywords.items():
        if v is None:
            h.remove(k, ignore_missing=True)
        else:
            h[k] = v
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(path)
    return path


def make_rmf(path, rows, nchan, *, vla=True, tlmin=1, ebounds=None, lo=None, hi=None,
             extname="MATRIX"):
    """A synthetic RMF. ``rows``: list of lists of (f_chan, values) groups."""
    nphot = len(rows)
    lo = np.arange(1.0, nphot + 1) if lo is None else np.asarray(lo, float)
    hi = lo + 1.0 if hi is None else np.asarray(hi, float)
    ngrp = np.array([len(r) for r in rows])
    f = [np.array([g[0] for g in r], dtype=np.int32) for r in rows]
    n = [np.array([len(g[1]) for g in r], dtype=np.int32) for r in rows]
    m = [np.concatenate([np.asarray(g[1], float) for g in r]) if r else np.zeros(0) for r in rows]
    if vla:
        cols = [
            fits.Column("F_CHAN", "PJ()", array=np.array(f + [None], dtype=object)[:-1]),
            fits.Column("N_CHAN", "PJ()", array=np.array(n + [None], dtype=object)[:-1]),
            fits.Column("MATRIX", "PD()", array=np.array(m + [None], dtype=object)[:-1]),
        ]
    else:
        gw = max(1, ngrp.max())
        mw = max(1, max(len(x) for x in m))
        F = np.zeros((nphot, gw), int)
        N = np.zeros((nphot, gw), int)
        M = np.zeros((nphot, mw))
        for i in range(nphot):
            F[i, : ngrp[i]] = f[i]
            N[i, : ngrp[i]] = n[i]
            M[i, : len(m[i])] = m[i]
        cols = [
            fits.Column("F_CHAN", f"{gw}J", array=F),
            fits.Column("N_CHAN", f"{gw}J", array=N),
            fits.Column("MATRIX", f"{mw}D", array=M),
        ]
    cols = [
        fits.Column("ENERG_LO", "D", array=lo),
        fits.Column("ENERG_HI", "D", array=hi),
        fits.Column("N_GRP", "J", array=ngrp),
        *cols,
    ]
    mat = fits.BinTableHDU.from_columns(cols)
    mat.header["EXTNAME"] = extname
    mat.header["DETCHANS"] = nchan
    if tlmin is not None:
        mat.header["TLMIN4"] = tlmin
    if ebounds is None:
        ebounds = np.column_stack([np.arange(nchan), np.arange(1, nchan + 1)]).astype(float)
    first = 1 if tlmin is None else tlmin
    eb = fits.BinTableHDU.from_columns(
        [
            fits.Column("CHANNEL", "J", array=np.arange(first, first + len(ebounds))),
            fits.Column("E_MIN", "D", array=ebounds[:, 0]),
            fits.Column("E_MAX", "D", array=ebounds[:, 1]),
        ]
    )
    eb.header["EXTNAME"] = "EBOUNDS"
    fits.HDUList([fits.PrimaryHDU(), mat, eb]).writeto(path)
    return path
