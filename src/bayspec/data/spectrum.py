"""Source and background spectra (counts per channel, exposure, scales).

`Spectrum` holds float64 per-channel counts and 1σ errors, the exposure (s), QUALITY and
GROUPING flags, BACKSCAL and AREASCAL (scalars or per-channel arrays, as H.E.S.S. files
write them) and a scale-factor `Par` (``sf`` for sources, ``bf`` for backgrounds).
Files are read with `bayspec.io.read_pha`; nothing here touches FITS.

Errors are STAT_ERR when the file has them (and POISSERR is false), else Poisson
``sqrt(counts)``; SYS_ERR (a fraction) is kept in ``sys_errors`` and not folded into
``errors``.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from ..errors import DataFormatError
from ._info import Info
from ._par import scale_factor

__all__ = ["Spectrum", "Source", "Background"]


def _scale(value, nchan, key, file, hdu):
    arr = np.asarray(1.0 if value is None else value, dtype=np.float64)
    if arr.ndim == 0:
        v = float(arr)
        if not np.isfinite(v) or v <= 0:
            raise DataFormatError(f"must be a positive number, got {v!r}", file=file, hdu=hdu,
                                  key=key)
        return v
    if arr.shape != (nchan,):
        raise DataFormatError(f"has {arr.size} values for {nchan} channels", file=file,
                              hdu=hdu, key=key)
    return arr


class Spectrum:
    """Channel-binned spectrum with exposure, quality and scales.

    Parameters
    ----------
    counts : array (nchan,)
        Counts per channel.
    errors : array (nchan,) or None
        1σ errors (counts); None means Poisson, ``sqrt(counts)``.
    exposure : float
        Exposure (s), > 0.
    quality : int array or None
        0 = good; None = all good.
    grouping : int array or None
        OGIP flags (+1 start, -1 continue, 0 alone); None = one channel per group.
    backscale, areascal : float or array (nchan,)
        BACKSCAL and AREASCAL.
    factor : Par or float, optional
        Scale factor; default a frozen ``Par`` at 1.
    sys_errors : array or None
        Fractional systematic errors (SYS_ERR), kept for reference.
    name, file, hdu : str, optional
        Display name (default: the file's base name), file and HDU for messages.
    backfile, respfile, ancrfile : str, optional
        BACKFILE/RESPFILE/ANCRFILE as written in the file.
    """

    _factor_name = "sf"

    def __init__(self, counts, errors, exposure, quality=None, grouping=None, backscale=1.0,
                 factor=None, *, areascal=1.0, sys_errors=None, name=None, file=None,
                 hdu=None, backfile=None, respfile=None, ancrfile=None, tstart=None,
                 tstop=None, row=None, channel=None, header=None):
        self._file = None if file is None else str(file)
        self._hdu = hdu
        counts = np.array(counts, dtype=np.float64, copy=True).ravel()
        nchan = counts.size
        if nchan == 0:
            raise DataFormatError("spectrum has no channels", file=self._file, hdu=hdu,
                                  key="COUNTS")
        bad_value = ~np.isfinite(counts)
        self._poisson = errors is None
        if errors is None:
            errs = np.sqrt(np.maximum(counts, 0.0))
        else:
            errs = np.array(errors, dtype=np.float64, copy=True).ravel()
            if errs.shape != counts.shape:
                raise DataFormatError(f"{errs.size} errors for {nchan} channels",
                                      file=self._file, hdu=hdu, key="STAT_ERR")
        try:
            expo = float(exposure)
        except (TypeError, ValueError):
            raise DataFormatError(f"exposure must be a number, got {exposure!r}",
                                  file=self._file, hdu=hdu, key="EXPOSURE") from None
        if not np.isfinite(expo) or expo <= 0:
            raise DataFormatError(f"exposure must be positive, got {expo!r} s",
                                  file=self._file, hdu=hdu, key="EXPOSURE")
        q = np.zeros(nchan, dtype=np.int64) if quality is None else \
            np.asarray(quality).astype(np.int64).ravel()
        g = np.ones(nchan, dtype=np.int64) if grouping is None else \
            np.asarray(grouping).astype(np.int64).ravel()
        if errors is not None:
            bad_value |= ~np.isfinite(errs)
        if bad_value.any():
            # non-finite values: the channels are bad (like QUALITY != 0), values zeroed
            warnings.warn(f"{self._file or 'spectrum'}: {int(bad_value.sum())} channel(s) with "
                          "non-finite counts or errors are treated as bad", stacklevel=3)
            counts[bad_value] = 0.0
            errs = np.where(bad_value, 0.0, errs)
            q = np.where(bad_value & (q == 0), 1, q)
        for key, arr in (("QUALITY", q), ("GROUPING", g)):
            if arr.shape != counts.shape:
                raise DataFormatError(f"{arr.size} values for {nchan} channels",
                                      file=self._file, hdu=hdu, key=key)
        self._counts = counts
        self._errors = errs
        self._exposure = expo
        self._quality = q
        self._grouping = g
        self._backscale = _scale(backscale, nchan, "BACKSCAL", self._file, hdu)
        self._areascal = _scale(areascal, nchan, "AREASCAL", self._file, hdu)
        self._sys_errors = None if sys_errors is None else \
            np.asarray(sys_errors, dtype=np.float64)
        self._factor = scale_factor(self._factor_name, factor)
        self._name = name
        self.backfile, self.respfile, self.ancrfile = backfile, respfile, ancrfile
        self.tstart, self.tstop, self.row = tstart, tstop, row
        self.channel = None if channel is None else np.asarray(channel)
        self.header = header

    # --- construction from the io container ---------------------------------------------
    @classmethod
    def from_pha(cls, pha, **kw):
        """Build from a `bayspec.io.PhaSpectrum` container."""
        errors = None if (pha.poisserr or pha.stat_err is None) else pha.stat_err
        return cls(pha.counts, errors, pha.exposure, quality=pha.quality,
                   grouping=pha.grouping, backscale=pha.backscal, areascal=pha.areascal,
                   sys_errors=pha.sys_err, file=pha.filename, hdu=pha.hdu,
                   backfile=pha.backfile, respfile=pha.respfile, ancrfile=pha.ancrfile,
                   tstart=pha.tstart, tstop=pha.tstop, row=pha.row, channel=pha.channel,
                   header=pha.header, **kw)

    @classmethod
    def from_plain(cls, file, ii=None):
        """Read a PHA-I file or row ``ii`` (0-based) of a PHA-II file.

        ``file`` may be a path, ``"file{i}"``, ``"file:i"``, ``(file, i)`` or a BytesIO.
        """
        from ..io import read_pha

        return cls.from_pha(read_pha(file, ii))

    # --- attributes ------------------------------------------------------------------------
    @property
    def counts(self):
        """Counts per channel (float64)."""
        return self._counts

    @property
    def errors(self):
        """1σ errors per channel (counts)."""
        return self._errors

    @property
    def poisson(self):
        """True when errors are Poisson (no STAT_ERR used)."""
        return self._poisson

    @property
    def sys_errors(self):
        return self._sys_errors

    @property
    def exposure(self):
        """Exposure (s)."""
        return self._exposure

    @property
    def quality(self):
        return self._quality

    @property
    def grouping(self):
        return self._grouping

    @property
    def backscale(self):
        """BACKSCAL (float or per-channel array)."""
        return self._backscale

    @property
    def areascal(self):
        """AREASCAL (float or per-channel array)."""
        return self._areascal

    @property
    def factor(self):
        """Scale-factor `Par` (``sf`` or ``bf``)."""
        return self._factor

    @property
    def nchan(self):
        return self._counts.size

    @property
    def file(self):
        return self._file

    @property
    def hdu(self):
        return self._hdu

    @property
    def name(self):
        """Given name, else the file's base name, else the class name."""
        if self._name:
            return self._name
        if self._file:
            base = os.path.basename(self._file)
            return base if self.row is None else f"{base}{{{self.row}}}"
        return type(self).__name__.lower()

    @name.setter
    def name(self, value):
        self._name = value

    @property
    def info(self):
        """`Info` table: name, channels, exposure, total counts."""
        return Info([{"name": self.name, "nchan": self.nchan, "exposure": self.exposure,
                      "counts": float(self.counts.sum()), "poisson": self.poisson}])

    def __repr__(self):
        return (f"{type(self).__name__}({self.name!r}, nchan={self.nchan}, "
                f"exposure={self.exposure:g} s)")


class Source(Spectrum):
    """Source-region spectrum (scale factor ``sf``)."""

    _factor_name = "sf"

    @classmethod
    def from_src(cls, src_file):
        """Read a single-spectrum PHA file (path, ``"file{i}"``, ``(file, i)``, BytesIO)."""
        return cls.from_plain(src_file)

    @classmethod
    def from_src2(cls, src_file, ii=None):
        """Read row ``ii`` (0-based) of a PHA-II file; ``ii`` may be in the name."""
        return cls.from_plain(src_file, ii)


class Background(Spectrum):
    """Background-region spectrum (scale factor ``bf``)."""

    _factor_name = "bf"

    @classmethod
    def from_bkg(cls, bkg_file):
        """Read a single-spectrum background PHA file."""
        return cls.from_plain(bkg_file)

    @classmethod
    def from_bkg2(cls, bkg_file, ii=None):
        """Read row ``ii`` (0-based) of a PHA-II background file."""
        return cls.from_plain(bkg_file, ii)
