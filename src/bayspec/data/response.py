"""Detector responses: full matrix, redistribution (RMF), auxiliary (ARF).

Conventions: ``chbin`` ``(nchan, 2)`` channel energy bounds (keV, from EBOUNDS; NaN rows
allowed, they mark bad channels), ``phbin`` ``(nphot, 2)`` photon energy bins (keV),
``drm`` ``(nphot, nchan)`` (cm² counts/photon for a full response; probabilities for an
RMF). ``Redistribution * Auxiliary -> Response`` multiplies each photon row by the ARF.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from ..errors import DataFormatError
from ._info import Info
from ._par import as_par, scale_factor

__all__ = ["DisableMethodsMeta", "Response", "Redistribution", "Auxiliary"]


class _Disabled:
    """Descriptor standing for an inherited method that does not apply to a subclass."""

    def __init__(self, name, hint=""):
        self.name = name
        self.hint = hint

    def __get__(self, obj, owner=None):
        owner = owner if owner is not None else type(obj)
        raise AttributeError(f"{owner.__name__}.{self.name} is not available for "
                             f"{owner.__name__}{': ' + self.hint if self.hint else ''}")


class DisableMethodsMeta(type):
    """Metaclass hiding the inherited methods named in ``methods_to_disable``.

    Accessing such a method on the class or an instance raises ``AttributeError`` saying
    which class does not support it and why (``disabled_hint``), so ``hasattr`` is False.
    """

    def __new__(mcls, name, bases, dct):
        cls = super().__new__(mcls, name, bases, dct)
        hint = dct.get("disabled_hint", "")
        for meth in dct.get("methods_to_disable", ()):
            setattr(cls, meth, _Disabled(meth, hint))
        return cls


def _bins(arr, what, file=None):
    arr = np.asarray(arr, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise DataFormatError(f"{what} must have shape (n, 2), got {arr.shape}", file=file)
    return arr


def _basename(file):
    return None if file is None else os.path.basename(str(file))


class Response(metaclass=DisableMethodsMeta):
    """Full detector response.

    Parameters
    ----------
    chbin : (nchan, 2) keV
    phbin : (nphot, 2) keV
    drm : (nphot, nchan)
    ra, dec : float or Par, optional
        Sky position of the source the response was made for (deg). Kept when given, as
        frozen `Par` objects (``unit.par`` then lists them); a file response does not
        depend on them (see `BalrogResponse` for one that does).
    factor : Par or float, optional
        Response scale factor ``rf`` (frozen 1 by default).
    name, file, hdu : optional, for display and messages.
    """

    methods_to_disable = ()

    def __init__(self, chbin, phbin, drm, ra=None, dec=None, factor=None, *, name=None,
                 file=None, hdu=None):
        self._file = None if file is None else str(file)
        self._hdu = hdu
        self._name = name
        self._chbin = _bins(chbin, "chbin", self._file)
        self._phbin = _bins(phbin, "phbin", self._file)
        drm = np.array(drm, dtype=np.float64, copy=True)
        if drm.shape != (self._phbin.shape[0], self._chbin.shape[0]):
            raise DataFormatError(
                f"matrix shape {drm.shape} does not match {self._phbin.shape[0]} photon bins "
                f"x {self._chbin.shape[0]} channels", file=self._file, hdu=hdu, key="MATRIX")
        if not np.all(np.isfinite(drm)):
            warnings.warn(f"{self._file or 'response'}: non-finite matrix elements set to 0",
                          stacklevel=2)
            drm = np.nan_to_num(drm, nan=0.0, posinf=0.0, neginf=0.0)
        self._drm = drm
        self._factor = scale_factor("rf", factor)
        self._ra = None if ra is None else as_par(ra, "ra", 0.0, 360.0, unit="deg", frozen=True)
        self._dec = None if dec is None else as_par(dec, "dec", -90.0, 90.0, unit="deg",
                                                    frozen=True)
        self.extver = None

    # --- io ----------------------------------------------------------------------------------
    @classmethod
    def _from_rmf_container(cls, m):
        obj = cls(np.column_stack([m.e_min, m.e_max]), np.column_stack([m.energ_lo, m.energ_hi]),
                  m.matrix, file=m.filename, hdu=m.hdu)
        obj.extver = m.extver
        return obj

    @classmethod
    def from_rsp(cls, rsp_file):
        """Read a response (``SPECRESP MATRIX`` or ``MATRIX``) with `bayspec.io.read_rmf`."""
        from ..io import read_rmf

        return cls._from_rmf_container(read_rmf(rsp_file))

    @classmethod
    def from_rsp2(cls, rsp_file, ii=None):
        """Read matrix EXTVER ``ii`` (1-based) of an RSP2 file; ``ii`` may be in the name."""
        from ..io import read_rmf

        return cls._from_rmf_container(read_rmf(rsp_file, ii))

    @classmethod
    def from_plain(cls, rsp_file, ii=None):
        """`from_rsp` or `from_rsp2` depending on whether an index is given."""
        return cls.from_rsp(rsp_file) if ii is None else cls.from_rsp2(rsp_file, ii)

    @classmethod
    def from_rmf_arf(cls, rmf, arf):
        """Full response ``rmf.drm * arf.srp`` (photon grids must agree)."""
        return compose(rmf, arf)

    # --- attributes ------------------------------------------------------------------------
    @property
    def chbin(self):
        return self._chbin

    @property
    def phbin(self):
        return self._phbin

    @property
    def drm(self):
        return self._drm

    @property
    def ra(self):
        """Right ascension `Par` (deg) when given, else None."""
        return getattr(self, "_ra", None)

    @property
    def dec(self):
        """Declination `Par` (deg) when given, else None."""
        return getattr(self, "_dec", None)

    @property
    def factor(self):
        """Response scale-factor `Par` ``rf``."""
        return self._factor

    @property
    def state(self):
        """Key that changes whenever ``drm`` changes (constant for file responses)."""
        return None

    @property
    def nchan(self):
        return self.chbin.shape[0]

    @property
    def nphot(self):
        return self.phbin.shape[0]

    @property
    def chbin_mean(self):
        return self.chbin.mean(axis=1)

    @property
    def chbin_width(self):
        return self.chbin[:, 1] - self.chbin[:, 0]

    @property
    def file(self):
        return self._file

    @property
    def name(self):
        if self._name:
            return self._name
        base = _basename(self._file)
        if base and self.extver is not None:
            return f"{base}{{{self.extver}}}"
        return base or type(self).__name__.lower()

    @name.setter
    def name(self, value):
        self._name = value

    @property
    def info(self):
        return Info([{"name": self.name, "kind": type(self).__name__, "nchan": self.nchan,
                      "nphot": self.nphot}])

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r}, nphot={self.nphot}, nchan={self.nchan})"


class Redistribution(Response):
    """Redistribution matrix (RMF); ``Redistribution * Auxiliary`` gives a `Response`."""

    methods_to_disable = ("from_rmf_arf", "from_rsp", "from_rsp2")
    disabled_hint = "use from_rmf / from_rmf2 / from_plain"

    def __init__(self, chbin, phbin, drm, *, name=None, file=None, hdu=None):
        super().__init__(chbin, phbin, drm, name=name, file=file, hdu=hdu)

    @classmethod
    def from_rmf(cls, rmf_file):
        """Read an RMF with `bayspec.io.read_rmf`."""
        from ..io import read_rmf

        return cls._from_rmf_container(read_rmf(rmf_file))

    @classmethod
    def from_rmf2(cls, rmf_file, ii=None):
        """Read matrix EXTVER ``ii`` (1-based) of a multi-matrix RMF."""
        from ..io import read_rmf

        return cls._from_rmf_container(read_rmf(rmf_file, ii))

    @classmethod
    def from_plain(cls, rmf_file, ii=None):
        return cls.from_rmf(rmf_file) if ii is None else cls.from_rmf2(rmf_file, ii)

    def __mul__(self, other):
        if not isinstance(other, Auxiliary):
            return NotImplemented
        return compose(self, other)

    __rmul__ = __mul__

    @property
    def info(self):
        i = super().info
        i.rows[0]["kind"] = "Redistribution"
        return i


class Auxiliary(Response):
    """Auxiliary response (ARF): effective area ``srp`` (cm²) per photon bin."""

    methods_to_disable = ("from_rsp", "from_rsp2", "from_rmf_arf")
    disabled_hint = "an ARF has no redistribution matrix; use from_arf / from_arf2 / from_plain"

    def __init__(self, phbin, srp, *, name=None, file=None, hdu=None):
        self._file = None if file is None else str(file)
        self._hdu = hdu
        self._name = name
        self._phbin = _bins(phbin, "phbin", self._file)
        srp = np.array(srp, dtype=np.float64, copy=True).ravel()
        if srp.size != self._phbin.shape[0]:
            raise DataFormatError(f"{srp.size} SPECRESP values for {self._phbin.shape[0]} "
                                  "photon bins", file=self._file, hdu=hdu, key="SPECRESP")
        self._srp = np.nan_to_num(srp, nan=0.0)
        self._factor = scale_factor("rf", None)
        self._chbin = None
        self._drm = None
        self.extver = None

    @classmethod
    def _from_arf_container(cls, a):
        obj = cls(np.column_stack([a.energ_lo, a.energ_hi]), a.specresp,
                  file=getattr(a, "filename", None), hdu=getattr(a, "hdu", None))
        obj.extver = getattr(a, "extver", None)
        return obj

    @classmethod
    def from_arf(cls, arf_file):
        """Read an ARF with `bayspec.io.read_arf`."""
        from ..io import read_arf

        return cls._from_arf_container(read_arf(arf_file))

    @classmethod
    def from_arf2(cls, arf_file, ii=None):
        """Read ARF EXTVER ``ii`` (1-based) of a multi-ARF file."""
        from ..io import read_arf

        return cls._from_arf_container(read_arf(arf_file, ii))

    @classmethod
    def from_plain(cls, arf_file, ii=None):
        return cls.from_arf(arf_file) if ii is None else cls.from_arf2(arf_file, ii)

    @property
    def srp(self):
        """Effective area per photon bin (cm²)."""
        return self._srp

    @property
    def nchan(self):
        return 0

    def __mul__(self, other):
        if not isinstance(other, Redistribution):
            return NotImplemented
        return compose(other, self)

    __rmul__ = __mul__

    @property
    def info(self):
        return Info([{"name": self.name, "kind": "Auxiliary", "nphot": self.nphot}])


def compose(rmf, arf, rtol=1e-5):
    """Full `Response` from an RMF and an ARF: ``drm = rmf.drm * arf.srp[:, None]``.

    Raises
    ------
    DataFormatError
        If their photon grids (ENERG_LO/ENERG_HI) differ in length or values.
    """
    a, b = rmf.phbin, arf.phbin
    where = f"{rmf.name} * {arf.name}"
    if a.shape != b.shape:
        raise DataFormatError(f"photon grids differ: RMF has {a.shape[0]} energy bins, ARF "
                              f"has {b.shape[0]}", file=where, key="ENERG_LO/ENERG_HI")
    if not np.allclose(a, b, rtol=rtol, atol=0.0):
        k = int(np.argmax(~np.isclose(a, b, rtol=rtol, atol=0.0).all(axis=1)))
        raise DataFormatError(f"photon grids differ from bin {k}: RMF {a[k].tolist()} keV, "
                              f"ARF {b[k].tolist()} keV", file=where, key="ENERG_LO/ENERG_HI")
    rsp = Response(rmf.chbin, rmf.phbin, rmf.drm * arf.srp[:, None],
                   name=f"{rmf.name}*{arf.name}", file=rmf.file)
    rsp.extver = None
    return rsp
