"""Read and write OGIP table models (OGIP memo 92-009; XSPEC ``atable``/``mtable``/``etable``).

A table model file holds

``PARAMETERS``
    One row per parameter: NAME, METHOD (0 linear, 1 logarithmic interpolation), INITIAL,
    DELTA (negative: frozen), MINIMUM, BOTTOM, TOP, MAXIMUM, NUMBVALS and VALUE (the
    tabulated values of an interpolation parameter). Keywords NINTPARM (interpolation
    parameters, first) and NADDPARM (additional parameters, after them).
``ENERGIES``
    ENERG_LO, ENERG_HI (keV) of the table's energy bins.
``SPECTRA``
    One row per grid point: PARAMVAL (the interpolation parameters' values), INTPSPEC (the
    spectrum on the energy bins: photons cm⁻² s⁻¹ per bin for additive tables, the factor
    for multiplicative ones, the exponent's argument for exponential ones) and, per
    additional parameter i, ADDSP00i. Rows run over the grid with the *last* parameter
    varying fastest.

Primary-header keywords: ADDMODEL (T additive), REDSHIFT and ESCALE (T adds a redshift /
energy-scale parameter), LOELIMIT/HIELIMIT (model value below/above the energy grid;
None when absent), MODLNAME, MODLUNIT; exponential tables are marked by the keyword EXPMODEL = T
(as XSPEC's ``etable`` files).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from astropy.io import fits

from .._atomic import atomic_path
from ..errors import BayspecError, DataFileError, DataFormatError
from ._source import open_fits, parse_source

__all__ = ["TableParameter", "TableModelData", "read_table_model", "write_table_model"]


@dataclass
class TableParameter:
    """One parameter of a table model.

    Attributes
    ----------
    name : str
    method : int
        0 linear, 1 logarithmic interpolation (interpolation parameters only).
    initial, delta, minimum, bottom, top, maximum : float
        As in the file; ``delta < 0`` means frozen.
    values : ndarray
        Tabulated values (interpolation parameters; empty for additional ones).
    interpolated : bool
        False for an additional (non-interpolated) parameter.
    """

    name: str
    method: int = 0
    initial: float = 0.0
    delta: float = 0.01
    minimum: float = 0.0
    bottom: float = 0.0
    top: float = 1.0
    maximum: float = 1.0
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))
    interpolated: bool = True


@dataclass
class TableModelData:
    """The content of a table-model file, float64.

    Attributes
    ----------
    name : str
        MODLNAME.
    kind : str
        ``"additive"``, ``"multiplicative"`` or ``"exponential"``.
    parameters : list of TableParameter
        Interpolation parameters first, then additional ones.
    energ_lo, energ_hi : ndarray (nE,)
        Energy bins, keV.
    spectra : ndarray (n1, ..., nk, nE)
        INTPSPEC on the parameter grid (last axis energy).
    addspectra : ndarray (nadd, n1, ..., nk, nE)
        ADDSPnnn of the additional parameters.
    redshift, escale : bool
    loelimit, hielimit : float or None
        None when the file has no such keyword.
    units : str
        MODLUNIT.
    filename : str
    """

    name: str
    kind: str
    parameters: list
    energ_lo: np.ndarray
    energ_hi: np.ndarray
    spectra: np.ndarray
    addspectra: np.ndarray
    redshift: bool = False
    escale: bool = False
    loelimit: float | None = None
    hielimit: float | None = None
    units: str = ""
    filename: str = ""

    @property
    def interp_parameters(self) -> list:
        return [p for p in self.parameters if p.interpolated]

    @property
    def add_parameters(self) -> list:
        return [p for p in self.parameters if not p.interpolated]


def _find(hdul, name, display):
    for i, h in enumerate(hdul):
        if i and (h.header.get("EXTNAME", "").strip().upper() == name
                  or h.header.get("HDUCLAS2", "").strip().upper() == name):
            return h
    raise DataFormatError(f"no {name} extension", file=display, hdu=name)


def _col(h, name, display, hdu):
    try:
        return h.data[name]
    except (KeyError, AttributeError, TypeError):
        raise DataFormatError("missing column", file=display, hdu=hdu, key=name) from None


def _flag(header, key):
    v = header.get(key, False)
    if isinstance(v, str):
        return v.strip().upper() in ("T", "TRUE", "Y", "YES")
    return bool(v)


def _limit(header, key, display):
    v = header.get(key)
    if v is None:
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        raise DataFormatError(f"not a number: {v!r}", file=display, hdu="PRIMARY", key=key) from None


def read_table_model(spec) -> TableModelData:
    """Read an OGIP table-model file.

    Parameters
    ----------
    spec : str, Path, bytes-like or file-like
        The file (see `parse_source`).

    Returns
    -------
    TableModelData

    Raises
    ------
    DataFileError
        Missing or unreadable file.
    DataFormatError
        Missing extension or column, inconsistent grid sizes, bad energies.
    """
    target, _, display = parse_source(spec)
    with open_fits(target, display) as hdul:
        prim = hdul[0].header
        ph = _find(hdul, "PARAMETERS", display)
        eh = _find(hdul, "ENERGIES", display)
        sh = _find(hdul, "SPECTRA", display)
        nint = int(ph.header.get("NINTPARM", len(ph.data)))
        nadd = int(ph.header.get("NADDPARM", 0))
        if nint + nadd != len(ph.data):
            raise DataFormatError(f"NINTPARM + NADDPARM = {nint + nadd} but the table has {len(ph.data)} rows",
                                  file=display, hdu="PARAMETERS", key="NINTPARM")
        names = _col(ph, "NAME", display, "PARAMETERS")
        cols = {k: np.asarray(_col(ph, k, display, "PARAMETERS"))
                for k in ("METHOD", "INITIAL", "DELTA", "MINIMUM", "BOTTOM", "TOP", "MAXIMUM", "NUMBVALS")}
        vals = _col(ph, "VALUE", display, "PARAMETERS")
        pars = []
        for i in range(nint + nadd):
            nv = int(cols["NUMBVALS"][i])
            v = np.atleast_1d(np.asarray(vals[i], dtype=float))[:nv] if i < nint else np.zeros(0)
            if i < nint and (v.size != nv or nv < 1):
                raise DataFormatError(f"parameter {names[i].strip()!r}: NUMBVALS = {nv}, VALUE holds {v.size}",
                                      file=display, hdu="PARAMETERS", key="VALUE")
            if i < nint and np.any(np.diff(v) <= 0):
                raise DataFormatError(f"parameter {names[i].strip()!r}: VALUE must increase",
                                      file=display, hdu="PARAMETERS", key="VALUE")
            pars.append(TableParameter(
                str(names[i]).strip(), int(cols["METHOD"][i]), float(cols["INITIAL"][i]), float(cols["DELTA"][i]),
                float(cols["MINIMUM"][i]), float(cols["BOTTOM"][i]), float(cols["TOP"][i]),
                float(cols["MAXIMUM"][i]), v, i < nint))
        lo = np.asarray(_col(eh, "ENERG_LO", display, "ENERGIES"), dtype=float).ravel()
        hi = np.asarray(_col(eh, "ENERG_HI", display, "ENERGIES"), dtype=float).ravel()
        if lo.size == 0 or lo.shape != hi.shape or np.any(hi < lo) or np.any(lo[1:] < hi[:-1]) or np.any(lo < 0):
            raise DataFormatError("energy bins must be non-negative, increasing and not overlapping",
                                  file=display, hdu="ENERGIES", key="ENERG_LO")
        shape = tuple(p.values.size for p in pars[:nint])
        nrow = int(np.prod(shape))
        spec_arr = np.asarray(_col(sh, "INTPSPEC", display, "SPECTRA"), dtype=float)
        if spec_arr.ndim == 1:
            spec_arr = spec_arr[:, None]
        if spec_arr.shape != (nrow, lo.size):
            raise DataFormatError(f"INTPSPEC has shape {spec_arr.shape}, expected ({nrow}, {lo.size})",
                                  file=display, hdu="SPECTRA", key="INTPSPEC")
        adds = []
        for j in range(nadd):
            key = f"ADDSP{j + 1:03d}"
            a = np.asarray(_col(sh, key, display, "SPECTRA"), dtype=float).reshape(nrow, lo.size)
            adds.append(a.reshape(shape + (lo.size,)))
        addspec = np.array(adds).reshape((nadd,) + shape + (lo.size,))
        if _flag(prim, "EXPMODEL"):
            kind = "exponential"
        else:
            kind = "additive" if _flag(prim, "ADDMODEL") else "multiplicative"
        return TableModelData(
            name=str(prim.get("MODLNAME", "table")).strip() or "table", kind=kind, parameters=pars,
            energ_lo=lo, energ_hi=hi, spectra=spec_arr.reshape(shape + (lo.size,)), addspectra=addspec,
            redshift=_flag(prim, "REDSHIFT"), escale=_flag(prim, "ESCALE"),
            loelimit=_limit(prim, "LOELIMIT", display), hielimit=_limit(prim, "HIELIMIT", display),
            units=str(prim.get("MODLUNIT", "")).strip(), filename=display)


def write_table_model(path, table: TableModelData, overwrite: bool = False) -> None:
    """Write ``table`` as an OGIP table-model file that XSPEC reads (``atable``/``mtable``).

    Values are written as float32 (``E``), as XSPEC stores them; parameter grids and the
    energy grid likewise.

    Raises
    ------
    OverwriteError
        ``path`` exists and ``overwrite`` is False.
    DataFormatError
        Inconsistent shapes.
    """
    ip = table.interp_parameters
    ap = table.add_parameters
    shape = tuple(p.values.size for p in ip)
    nE = np.asarray(table.energ_lo).size
    spectra = np.asarray(table.spectra, dtype=float)
    if spectra.shape != shape + (nE,):
        raise DataFormatError(f"spectra has shape {spectra.shape}, expected {shape + (nE,)}", file=str(path),
                              hdu="SPECTRA", key="INTPSPEC")
    prim = fits.PrimaryHDU()
    h = prim.header
    h["HDUCLASS"] = ("OGIP", "format conforms to OGIP standard")
    h["HDUCLAS1"] = ("XSPEC TABLE MODEL", "model spectra for XSPEC")
    h["HDUVERS"] = "1.2.0"
    h["MODLNAME"] = (table.name[:12], "Model name")
    h["MODLUNIT"] = (table.units, "Model units")
    h["REDSHIFT"] = (bool(table.redshift), "If T then redshift will be a parameter")
    h["ESCALE"] = (bool(table.escale), "If T then escale will be a parameter")
    h["ADDMODEL"] = (table.kind == "additive", "If T then this is an additive table model")
    if table.kind == "exponential":
        h["EXPMODEL"] = (True, "If T then this is an exponential table model")
    if table.loelimit is not None:
        h["LOELIMIT"] = (float(table.loelimit), "Model value for energies below ENERGIES block")
    if table.hielimit is not None:
        h["HIELIMIT"] = (float(table.hielimit), "Model value for energies above ENERGIES block")
    nmax = max([p.values.size for p in ip] + [1])
    pars = table.parameters
    value = np.zeros((len(pars), nmax), dtype=np.float32)
    for i, p in enumerate(pars):
        value[i, : p.values.size] = p.values
    cols = [
        fits.Column("NAME", "12A", array=np.array([p.name[:12] for p in pars])),
        fits.Column("METHOD", "J", array=np.array([p.method for p in pars], dtype=np.int32)),
    ]
    for key in ("initial", "delta", "minimum", "bottom", "top", "maximum"):
        cols.append(fits.Column(key.upper(), "E", array=np.array([getattr(p, key) for p in pars], dtype=np.float32)))
    cols.append(fits.Column("NUMBVALS", "J", array=np.array([p.values.size for p in pars], dtype=np.int32)))
    cols.append(fits.Column("VALUE", f"{nmax}E", array=value))
    ph = fits.BinTableHDU.from_columns(cols, name="PARAMETERS")
    ph.header["HDUCLASS"] = "OGIP"
    ph.header["HDUCLAS1"] = "XSPEC TABLE MODEL"
    ph.header["HDUCLAS2"] = "PARAMETERS"
    ph.header["HDUVERS"] = "1.0.0"
    ph.header["NINTPARM"] = len(ip)
    ph.header["NADDPARM"] = len(ap)
    eh = fits.BinTableHDU.from_columns([
        fits.Column("ENERG_LO", "E", unit="keV", array=np.asarray(table.energ_lo, dtype=np.float32)),
        fits.Column("ENERG_HI", "E", unit="keV", array=np.asarray(table.energ_hi, dtype=np.float32)),
    ], name="ENERGIES")
    eh.header["HDUCLASS"] = "OGIP"
    eh.header["HDUCLAS1"] = "XSPEC TABLE MODEL"
    eh.header["HDUCLAS2"] = "ENERGIES"
    eh.header["HDUVERS"] = "1.0.0"
    grid = np.array(np.meshgrid(*[p.values for p in ip], indexing="ij")).reshape(len(ip), -1).T
    nrow = grid.shape[0]
    scols = [fits.Column("PARAMVAL", f"{len(ip)}E", array=grid.astype(np.float32)),
             fits.Column("INTPSPEC", f"{nE}E", array=spectra.reshape(nrow, nE).astype(np.float32))]
    adds = np.asarray(table.addspectra, dtype=float)
    for j in range(len(ap)):
        scols.append(fits.Column(f"ADDSP{j + 1:03d}", f"{nE}E", array=adds[j].reshape(nrow, nE).astype(np.float32)))
    sh = fits.BinTableHDU.from_columns(scols, name="SPECTRA")
    sh.header["HDUCLASS"] = "OGIP"
    sh.header["HDUCLAS1"] = "XSPEC TABLE MODEL"
    sh.header["HDUCLAS2"] = "MODEL SPECTRA"
    sh.header["HDUVERS"] = "1.0.0"
    hdul = fits.HDUList([prim, ph, eh, sh])
    try:
        with atomic_path(path, overwrite=overwrite) as tmp:
            hdul.writeto(tmp, checksum=True)
    except BayspecError:
        raise
    except OSError as exc:
        raise DataFileError(f"cannot write: {exc}", file=str(path)) from exc
