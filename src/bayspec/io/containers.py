"""Plain containers returned by the OGIP readers (and accepted by the writers).

They hold float64/int arrays and the FITS header; nothing here touches FITS files.
Units: energies in keV, exposure in s, effective area in cm², counts in counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from astropy.io import fits

__all__ = ["PhaSpectrum", "PhaSeries", "RmfMatrix", "ArfCurve"]


def _empty_header():
    return fits.Header()


@dataclass
class PhaSpectrum:
    """One PHA spectrum (OGIP/92-007), a type-I file or one row of a type-II file.

    Attributes
    ----------
    counts : ndarray, float64 (nchan,)
        Counts per channel (a RATE column is multiplied by ``exposure``).
    stat_err : ndarray (nchan,) or None
        1σ statistical error in counts (RATE errors multiplied by ``exposure``).
    sys_err : ndarray (nchan,) or None
        Fractional systematic error (SYS_ERR), None when absent or zero keyword.
    poisserr : bool
        POISSERR: Poisson errors apply.
    channel : ndarray, int64 (nchan,)
        Channel numbers as numbered in the file.
    first_channel : int
        ``channel[0]``.
    quality : ndarray, int64 (nchan,)
        0 = good, 1 = bad (software), 2 = dubious, 5 = bad (user).
    grouping : ndarray, int64 (nchan,)
        +1 starts a group, −1 continues it, 0 alone; all +1 when absent.
    exposure : float
        Exposure, s.
    backscal, areascal : float or ndarray (nchan,)
        BACKSCAL and AREASCAL (keyword, per-row value or per-channel column).
    is_rate : bool
        The file stored RATE (counts/s) rather than COUNTS.
    hduclas2 : str
        ``TOTAL``, ``BKG`` or ``NET`` (``TOTAL`` when absent).
    tstart, tstop : float or None
        Start and stop times (mission seconds) when given.
    backfile, respfile, ancrfile : str or None
        File pointers; ``none``/``NONE``/empty → None.
    header : astropy.io.fits.Header
        The SPECTRUM header.
    filename : str
    hdu : str
        EXTNAME of the SPECTRUM HDU.
    row : int or None
        0-based row of a type-II file, None for type I.
    ebounds : ndarray (nchan, 2) or None
        E_MIN, E_MAX (keV) of the file's own EBOUNDS extension.
    """

    counts: np.ndarray
    exposure: float
    channel: np.ndarray = None
    stat_err: np.ndarray | None = None
    sys_err: np.ndarray | None = None
    poisserr: bool = True
    first_channel: int = None
    quality: np.ndarray = None
    grouping: np.ndarray = None
    backscal: float | np.ndarray = 1.0
    areascal: float | np.ndarray = 1.0
    is_rate: bool = False
    hduclas2: str = "TOTAL"
    tstart: float | None = None
    tstop: float | None = None
    backfile: str | None = None
    respfile: str | None = None
    ancrfile: str | None = None
    header: fits.Header = field(default_factory=_empty_header, repr=False)
    filename: str = ""
    hdu: str = "SPECTRUM"
    row: int | None = None
    ebounds: np.ndarray | None = None

    def __post_init__(self):
        self.counts = np.asarray(self.counts, dtype=np.float64)
        n = self.counts.shape[0]
        if self.channel is None:
            start = 1 if self.first_channel is None else int(self.first_channel)
            self.channel = np.arange(start, start + n, dtype=np.int64)
        self.channel = np.asarray(self.channel, dtype=np.int64)
        if self.first_channel is None:
            self.first_channel = int(self.channel[0]) if n else 1
        if self.quality is None:
            self.quality = np.zeros(n, dtype=np.int64)
        if self.grouping is None:
            self.grouping = np.ones(n, dtype=np.int64)

    @property
    def nchan(self):
        """Number of channels."""
        return int(self.counts.shape[0])


@dataclass
class PhaSeries:
    """All rows of a type-II PHA file (OGIP/92-007 §3.2), leading axis = row.

    Attributes
    ----------
    counts : ndarray, float64 (nrow, nchan)
        Counts (RATE × EXPOSURE of the row).
    stat_err, sys_err : ndarray (nrow, nchan) or None
        As in `PhaSpectrum`.
    exposure : ndarray (nrow,)
        Exposure per row, s; rows with non-positive exposure are kept as they are.
    tstart, tstop : ndarray (nrow,)
        Row times (NaN when unknown).
    quality, grouping : ndarray, int64 (nrow, nchan)
    backscal, areascal : float, ndarray (nrow,) or ndarray (nrow, nchan)
        Keyword, per-row scalar column or per-channel vector column.
    backfile, respfile, ancrfile : list of (str or None), length nrow
    channel : ndarray, int64 (nchan,)
    Other attributes as in `PhaSpectrum`.
    """

    counts: np.ndarray
    exposure: np.ndarray
    channel: np.ndarray = None
    stat_err: np.ndarray | None = None
    sys_err: np.ndarray | None = None
    poisserr: bool = True
    first_channel: int = None
    quality: np.ndarray = None
    grouping: np.ndarray = None
    backscal: float | np.ndarray = 1.0
    areascal: float | np.ndarray = 1.0
    is_rate: bool = False
    hduclas2: str = "TOTAL"
    tstart: np.ndarray = None
    tstop: np.ndarray = None
    backfile: list = None
    respfile: list = None
    ancrfile: list = None
    header: fits.Header = field(default_factory=_empty_header, repr=False)
    filename: str = ""
    hdu: str = "SPECTRUM"
    ebounds: np.ndarray | None = None

    def __post_init__(self):
        self.counts = np.atleast_2d(np.asarray(self.counts, dtype=np.float64))
        nrow, n = self.counts.shape
        self.exposure = np.broadcast_to(
            np.asarray(self.exposure, dtype=np.float64), (nrow,)
        ).copy()
        if self.channel is None:
            start = 1 if self.first_channel is None else int(self.first_channel)
            self.channel = np.arange(start, start + n, dtype=np.int64)
        self.channel = np.asarray(self.channel, dtype=np.int64)
        if self.first_channel is None:
            self.first_channel = int(self.channel[0]) if n else 1
        if self.quality is None:
            self.quality = np.zeros((nrow, n), dtype=np.int64)
        if self.grouping is None:
            self.grouping = np.ones((nrow, n), dtype=np.int64)
        for name in ("tstart", "tstop"):
            v = getattr(self, name)
            v = np.full(nrow, np.nan) if v is None else np.asarray(v, dtype=np.float64)
            setattr(self, name, np.broadcast_to(v, (nrow,)).copy())
        for name in ("backfile", "respfile", "ancrfile"):
            v = getattr(self, name)
            setattr(self, name, [None] * nrow if v is None else list(v))

    @property
    def nrow(self):
        """Number of rows (spectra)."""
        return int(self.counts.shape[0])

    @property
    def nchan(self):
        """Number of channels."""
        return int(self.counts.shape[1])

    def spectrum(self, row):
        """Row ``row`` (0-based) as a `PhaSpectrum` (no exposure check)."""
        def pick(v):
            if isinstance(v, np.ndarray):
                return float(v[row]) if v.ndim == 1 else v[row].copy()
            return v

        def opt(v):
            return None if v is None else v[row].copy()

        t0, t1 = float(self.tstart[row]), float(self.tstop[row])
        return PhaSpectrum(
            counts=self.counts[row].copy(),
            stat_err=opt(self.stat_err),
            sys_err=opt(self.sys_err),
            poisserr=self.poisserr,
            channel=self.channel.copy(),
            first_channel=self.first_channel,
            quality=self.quality[row].copy(),
            grouping=self.grouping[row].copy(),
            exposure=float(self.exposure[row]),
            backscal=pick(self.backscal),
            areascal=pick(self.areascal),
            is_rate=self.is_rate,
            hduclas2=self.hduclas2,
            tstart=None if np.isnan(t0) else t0,
            tstop=None if np.isnan(t1) else t1,
            backfile=self.backfile[row],
            respfile=self.respfile[row],
            ancrfile=self.ancrfile[row],
            header=self.header,
            filename=self.filename,
            hdu=self.hdu,
            row=row,
            ebounds=None if self.ebounds is None else self.ebounds.copy(),
        )


@dataclass
class RmfMatrix:
    """A redistribution matrix or full response (OGIP CAL/GEN/92-002).

    Attributes
    ----------
    energ_lo, energ_hi : ndarray, float64 (nphot,)
        Photon energy bin edges, keV.
    matrix : ndarray, float64 (nphot, nchan)
        Dense matrix: probability (RMF) or effective area × probability, cm² (full RSP).
    e_min, e_max : ndarray, float64 (nchan,)
        Channel energy bounds from EBOUNDS, keV (NaN rows kept as NaN).
    first_channel : int
        Channel number of matrix column 0 (TLMIN of F_CHAN, else inferred).
    is_full_response : bool
        ``SPECRESP MATRIX`` or HDUCLAS3 = FULL: the matrix includes the effective area.
    extver : int
        EXTVER of the matrix HDU (1-based).
    tstart, tstop : float or None
        Validity interval of this matrix (mission seconds), when given.
    header, ebounds_header : astropy.io.fits.Header
    filename : str
    hdu : str
    ebounds_channel : ndarray (nchan,) int64 or None
        CHANNEL column of EBOUNDS as numbered there (may differ from ``first_channel``
        numbering in real GBM files).
    """

    energ_lo: np.ndarray
    energ_hi: np.ndarray
    matrix: np.ndarray
    e_min: np.ndarray
    e_max: np.ndarray
    first_channel: int = 1
    is_full_response: bool = False
    extver: int = 1
    tstart: float | None = None
    tstop: float | None = None
    header: fits.Header = field(default_factory=_empty_header, repr=False)
    ebounds_header: fits.Header = field(default_factory=_empty_header, repr=False)
    filename: str = ""
    hdu: str = "MATRIX"
    ebounds_channel: np.ndarray | None = None

    def __post_init__(self):
        self.energ_lo = np.asarray(self.energ_lo, dtype=np.float64)
        self.energ_hi = np.asarray(self.energ_hi, dtype=np.float64)
        self.matrix = np.asarray(self.matrix, dtype=np.float64)
        self.e_min = np.asarray(self.e_min, dtype=np.float64)
        self.e_max = np.asarray(self.e_max, dtype=np.float64)

    @property
    def nphot(self):
        return int(self.matrix.shape[0])

    @property
    def nchan(self):
        return int(self.matrix.shape[1])

    @property
    def channel(self):
        """Channel numbers of the matrix columns: ``first_channel + arange(nchan)``."""
        return np.arange(self.first_channel, self.first_channel + self.nchan, dtype=np.int64)


@dataclass
class ArfCurve:
    """An ancillary response (OGIP CAL/GEN/92-002 §4, SPECRESP extension).

    Attributes
    ----------
    energ_lo, energ_hi : ndarray, float64 (nphot,)
        Photon energy bins, keV.
    specresp : ndarray, float64 (nphot,)
        Effective area, cm².
    extver : int
    exposure : float or None
        EXPOSURE keyword, s, when present.
    header : astropy.io.fits.Header
    filename, hdu : str
    """

    energ_lo: np.ndarray
    energ_hi: np.ndarray
    specresp: np.ndarray
    extver: int = 1
    exposure: float | None = None
    header: fits.Header = field(default_factory=_empty_header, repr=False)
    filename: str = ""
    hdu: str = "SPECRESP"

    def __post_init__(self):
        self.energ_lo = np.asarray(self.energ_lo, dtype=np.float64)
        self.energ_hi = np.asarray(self.energ_hi, dtype=np.float64)
        self.specresp = np.asarray(self.specresp, dtype=np.float64)

    @property
    def nphot(self):
        return int(self.specresp.shape[0])
