"""Serialisation of `DataUnit` / `Data`: plain dicts, and OGIP files with a YAML index.

Dict form (``to_dict``) — everything needed to rebuild the unit, as plain Python values
(lists, floats, str, None), safe for ``yaml.safe_dump``/``json``::

    {"name", "stat", "notc", "grpg", "rebn", "time", "weight",
     "factors": {"sf": {"value", "prior", "bounds", "frozen"}, "bf": ..., "rf": ...},
     (each factor in the parameter-settings grammar of `bayspec.parameter.settings`)
     "src": {spectrum} | "file.pha", "bkg": {spectrum} | "file_bkg.pha" | None,
     "rsp": {"chbin", "phbin", "drm"} | "file.rsp"}   (or "rmf": "file.rmf", "arf": "file.arf")

where a spectrum is ``{"counts", "errors" (None = Poisson), "exposure", "quality",
"grouping", "backscale", "areascal", "channel", "sys_errors", "tstart", "tstop"}``.
Strings are file names, relative to the index's folder (``base``).

Files (``write``), OGIP files every reader takes (XSPEC, threeML, gammapy's
``SpectrumDatasetOnOff.read``): ``<name>.pha`` (source, PHA type I with EBOUNDS,
BACKFILE/RESPFILE/ANCRFILE pointing to the others), ``<name>_bkg.pha`` (background; counts
that are not integers, e.g. a GBM background, go in RATE with STAT_ERR — OGIP/92-007),
the response as it was given — ``<name>.rmf`` + ``<name>.arf`` for a unit made from an RMF
and an ARF, else ``<name>.rsp`` (``SPECRESP MATRIX``) — each with EBOUNDS, every file with
the source's CHANTYPE and descriptive keywords (OGIP defaults when absent), written with
`bayspec.io` writers; and the index ``<name>.yaml`` (a `Data` writes one ``data.yaml``
with ``units: [...]``). Every
target is checked first: an existing file raises `OverwriteError` before anything is
written unless ``overwrite=True``; each file is written atomically, the index last.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import yaml

from .._atomic import atomic_path
from ..errors import ConfigError, DataFormatError, OverwriteError
from .response import Response
from .spectrum import Background, Source

__all__ = ["to_dict", "from_dict", "write_unit", "write_data", "read_index"]

_SPEC_KEYS = ("counts", "errors", "exposure", "quality", "grouping", "backscale", "areascal",
              "channel", "sys_errors", "tstart", "tstop")
DATA_INDEX = "data.yaml"


def _plain(x):
    """numpy values → plain Python (lists/floats/ints) for YAML."""
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    return x


def _spectrum_dict(s):
    return _plain({"counts": s.counts, "errors": None if s.poisson else s.errors,
                   "exposure": float(s.exposure), "quality": s.quality,
                   "grouping": s.grouping, "backscale": s.backscale, "areascal": s.areascal,
                   "channel": s.channel, "sys_errors": s.sys_errors, "tstart": s.tstart,
                   "tstop": s.tstop})


def _settings(unit):
    pars = unit.par
    from ..parameter import settings_of  # the one parameter-settings grammar

    factors = {k: settings_of(pars[k]) for k in ("sf", "bf", "rf")
               if k in pars and not pars[k].linked}
    notc = unit.noticed_ranges
    return _plain({"name": unit.name, "stat": unit.stat,
                   "notc": None if notc is None else notc, "grpg": unit.grpg,
                   "rebn": unit.rebn, "time": unit.time, "weight": unit.weight,
                   "factors": factors})


def to_dict(unit):
    """Self-contained plain dict of ``unit`` (arrays as lists; see module docstring)."""
    d = _settings(unit)
    d["src"] = _spectrum_dict(unit.src_ins)
    d["bkg"] = None if unit.bkg_ins is None else _spectrum_dict(unit.bkg_ins)
    r = unit.rsp_ins
    d["rsp"] = _plain({"chbin": r.chbin, "phbin": r.phbin, "drm": r.drm})
    return d


def _spectrum(cls, d, base, name):
    if isinstance(d, (str, os.PathLike)):
        return cls.from_plain(str(Path(base) / d) if base is not None else str(d))
    if not isinstance(d, dict):
        raise ConfigError(f"spectrum must be a file name or a dict, got {type(d).__name__}",
                          key=name)
    kw = {k: d.get(k) for k in _SPEC_KEYS}
    arr = {k: (np.asarray(v) if isinstance(v, list) else v) for k, v in kw.items()}
    return cls(arr["counts"], arr["errors"], arr["exposure"], quality=arr["quality"],
               grouping=arr["grouping"],
               backscale=1.0 if arr["backscale"] is None else arr["backscale"],
               areascal=1.0 if arr["areascal"] is None else arr["areascal"],
               sys_errors=arr["sys_errors"], tstart=arr["tstart"], tstop=arr["tstop"],
               channel=arr["channel"], name=name)


def _response(d, base, name):
    if isinstance(d, (str, os.PathLike)):
        return Response.from_plain(str(Path(base) / d) if base is not None else str(d))
    if not isinstance(d, dict):
        raise ConfigError(f"rsp must be a file name or a dict, got {type(d).__name__}", key=name)
    return Response(np.asarray(d["chbin"], dtype=np.float64),
                    np.asarray(d["phbin"], dtype=np.float64),
                    np.asarray(d["drm"], dtype=np.float64), name=f"{name}_rsp")


def _file(value, base, key, name):
    if not isinstance(value, (str, os.PathLike)):
        raise ConfigError(f"{key} must be a file name, got {type(value).__name__}", key=name)
    return str(Path(base) / value) if base is not None else str(value)


def from_dict(d, base=None, unit_cls=None):
    """Rebuild a unit from `to_dict` output or a YAML index entry.

    Parameters
    ----------
    d : dict
    base : path, optional
        Folder that relative file names are resolved against.
    unit_cls : type
        DataUnit (passed by the caller to avoid a circular import).
    """
    split = "rmf" in d and "rsp" not in d
    for key in ("src",) + (("rmf",) if split else ("rsp",)):
        if key not in d:
            raise ConfigError(f"missing key {key!r} in the data unit description",
                              key=d.get("name"))
    name = d.get("name")
    src = _spectrum(Source, d["src"], base, name)
    bkg = False if d.get("bkg") is None else _spectrum(Background, d["bkg"], base,
                                                       f"{name}_bkg")
    if split:
        resp = dict(rmf=_file(d["rmf"], base, "rmf", name),
                    arf=None if d.get("arf") is None else _file(d["arf"], base, "arf", name))
    else:
        resp = dict(rsp=_response(d["rsp"], base, name))
    unit = unit_cls(src, bkg=bkg, **resp, stat=d.get("stat", "pgstat"), notc=d.get("notc"),
                    grpg=d.get("grpg"), rebn=d.get("rebn"), time=d.get("time"),
                    weight=d.get("weight", 1), name=name)
    from ..parameter import apply_settings

    pars = unit.par
    factors = {k: f for k, f in (d.get("factors") or {}).items() if k in pars}
    apply_settings(factors, pars, key=f"{name}.factors")
    return unit


# ------------------------------------------------------------------ files
def _file_stem(name):
    return re.sub(r"[^\w.+-]", "_", str(name)) or "unit"


def _split(unit):
    """True when the unit's response was composed from an RMF and an ARF (written as such)."""
    return unit.arf_ins is not None and unit.rmf_ins is not None and unit.rsp_ins.state is None


def _targets(unit, folder):
    stem = _file_stem(unit.name)
    files = {"src": f"{stem}.pha"}
    if _split(unit):
        files["rmf"] = f"{stem}.rmf"
        files["arf"] = f"{stem}.arf"
    else:
        files["rsp"] = f"{stem}.rsp"
    if unit.bkg_ins is not None:
        files["bkg"] = f"{stem}_bkg.pha"
    return files


def _check_free(paths, overwrite):
    if overwrite:
        return
    for p in paths:
        if Path(p).exists():
            raise OverwriteError("file exists; pass overwrite=True to replace it", file=p)


def _pha(s, kind, files, chbin, header):
    """`PhaSpectrum` of spectrum ``s`` with the set's EBOUNDS (``chbin``, keV) and
    pointers; ``header`` gives the descriptive keywords and CHANTYPE of the whole set."""
    from ..io import PhaSpectrum  # io is below data

    n = s.nchan
    total = kind == "TOTAL"
    return PhaSpectrum(
        counts=s.counts, exposure=float(s.exposure),
        channel=np.arange(1, n + 1) if s.channel is None else np.asarray(s.channel),
        stat_err=None if s.poisson else s.errors, sys_err=s.sys_errors,
        poisserr=bool(s.poisson), quality=s.quality, grouping=s.grouping,
        backscal=s.backscale, areascal=s.areascal, hduclas2=kind, tstart=s.tstart,
        tstop=s.tstop, backfile=files.get("bkg") if total else None,
        respfile=files.get("rmf", files.get("rsp")) if total else None,
        ancrfile=files.get("arf") if total else None,
        header=_set_header(s.header, header), ebounds=np.asarray(chbin, dtype=np.float64))


def _set_header(own, header):
    """``own`` (a copy) with CHANTYPE and the descriptive keywords the set shares."""
    out = header.copy() if own is None else own.copy()
    for key in ("CHANTYPE", "TELESCOP", "INSTRUME", "FILTER", "DETNAM"):
        if key in header:
            out[key] = header[key]
    return out


def _set_keywords(unit):
    """Header whose descriptive keywords and CHANTYPE every file of the set carries: the
    source's (CHANTYPE defaults to ``PI``, the others to their OGIP defaults at write)."""
    from astropy.io import fits  # a header object only; the FITS work is bayspec.io's

    src = unit.src_ins.header
    h = fits.Header()
    if src is not None:
        for key in ("TELESCOP", "INSTRUME", "FILTER", "DETNAM", "OBJECT", "OBS_ID", "RA_OBJ",
                    "DEC_OBJ", "EQUINOX", "RADECSYS", "DATE-OBS", "DATE-END", "MJDREF",
                    "MJDREFI", "MJDREFF", "TIMESYS", "TIMEUNIT", "TIMEZERO", "TRIGTIME"):
            v = src.get(key)
            if isinstance(v, (str, int, float, np.number)) and not isinstance(v, bool):
                h[key] = v
    chantype = "PI" if src is None else str(src.get("CHANTYPE", "PI")).strip().upper()
    h["CHANTYPE"] = chantype if chantype in ("PI", "PHA") else "PI"
    return h


def _first_channel(unit):
    ch = unit.src_ins.channel
    return 1 if ch is None else int(np.asarray(ch)[0])


def _rmf(unit, header):
    """`RmfMatrix` of the unit's response: the RMF alone when it came with an ARF, else the
    full (composed) matrix as ``SPECRESP MATRIX``."""
    from ..io import RmfMatrix

    split = _split(unit)
    r = unit.rmf_ins if split else unit.rsp_ins
    return RmfMatrix(energ_lo=r.phbin[:, 0], energ_hi=r.phbin[:, 1], matrix=r.drm,
                     e_min=r.chbin[:, 0], e_max=r.chbin[:, 1],
                     first_channel=_first_channel(unit), is_full_response=not split,
                     hdu="MATRIX" if split else "SPECRESP MATRIX", header=header)


def _arf(unit, header):
    from ..io import ArfCurve

    a = unit.arf_ins
    return ArfCurve(energ_lo=a.phbin[:, 0], energ_hi=a.phbin[:, 1], specresp=a.srp,
                    header=header)


def _write_files(unit, folder, files):
    from ..io import write_arf, write_pha, write_rmf

    folder = Path(folder)
    header = _set_keywords(unit)
    chbin = unit.rsp_ins.chbin
    write_pha(folder / files["src"], _pha(unit.src_ins, "TOTAL", files, chbin, header),
              overwrite=True)
    if "bkg" in files:
        write_pha(folder / files["bkg"], _pha(unit.bkg_ins, "BKG", files, chbin, header),
                  overwrite=True)
    write_rmf(folder / files.get("rmf", files.get("rsp")), _rmf(unit, header), overwrite=True)
    if "arf" in files:
        write_arf(folder / files["arf"], _arf(unit, header), overwrite=True)
    entry = _settings(unit)
    entry.update(src=files["src"], bkg=files.get("bkg"))
    if "arf" in files:
        entry.update(rmf=files["rmf"], arf=files["arf"])
    else:
        entry.update(rsp=files["rsp"])
    return entry


def _dump(path, obj):
    with atomic_path(path, overwrite=True) as tmp:
        with open(tmp, "w") as f:
            yaml.safe_dump(obj, f, sort_keys=False, default_flow_style=None)


def write_unit(unit, folder, overwrite=False):
    """Write ``unit`` into ``folder``; returns the index path (``<name>.yaml``)."""
    folder = Path(folder)
    files = _targets(unit, folder)
    index = folder / f"{_file_stem(unit.name)}.yaml"
    _check_free([folder / f for f in files.values()] + [index], overwrite)
    folder.mkdir(parents=True, exist_ok=True)
    entry = _write_files(unit, folder, files)
    _dump(index, entry)
    return index


def write_data(units, folder, overwrite=False):
    """Write all ``units`` into ``folder`` with one index ``data.yaml``; returns its path."""
    folder = Path(folder)
    allfiles = [_targets(u, folder) for u in units]
    paths = [folder / f for files in allfiles for f in files.values()]
    if len({str(p) for p in paths}) != len(paths):
        raise ConfigError("unit names map to the same file names; rename the units")
    index = folder / DATA_INDEX
    _check_free(paths + [index], overwrite)
    folder.mkdir(parents=True, exist_ok=True)
    entries = [_write_files(u, folder, files) for u, files in zip(units, allfiles)]
    _dump(index, {"units": entries})
    return index


def read_index(path):
    """``(list of unit entries, base folder)`` from a YAML index or a folder holding one.

    A folder is resolved to its ``data.yaml``, else to its only ``*.yaml`` file.
    """
    p = Path(path)
    if p.is_dir():
        cand = p / DATA_INDEX
        if not cand.exists():
            ys = sorted(p.glob("*.yaml"))
            if len(ys) != 1:
                raise DataFormatError(f"expected {DATA_INDEX} or exactly one .yaml index, found "
                                      f"{len(ys)}", file=p)
            cand = ys[0]
        p = cand
    if not p.exists():
        raise DataFormatError("index file not found", file=p)
    with open(p) as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict):
        raise DataFormatError("not a bayspec data index (expected a mapping)", file=p)
    entries = doc["units"] if "units" in doc else [doc]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise DataFormatError("'units' must be a list of mappings", file=p, key="units")
    return entries, p.parent
