"""Bridge between OGIP files (through `bayspec.io`) and the HDF5 stores.

- `import_ogip` reads a PHA-I/PHA-II file (+ background, RSP/RSP2 or RMF, ARF) with the io
  readers and stores the series, its matrices (deduplicated), headers and provenance.
- `export_ogip` writes a stored series back to OGIP files with the io writers; reading the
  exported files gives the same arrays as reading the originals.
- `load_unit_inputs` returns the io containers (`PhaSpectrum`, `RmfMatrix`, `ArfCurve`)
  from which a `bayspec.data.DataUnit` is built.

Nothing here touches FITS directly; only `bayspec.io` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..errors import StoreError
from ._hdf5 import join_key, split_key
from ._store import Store, as_store
from .meta_store import file_provenance
from .response_store import ArfData, MatrixData, MatrixLink
from .spectrum_store import SpectrumRows

__all__ = ["import_ogip", "export_ogip", "import_response", "write_response",
           "load_unit_inputs", "UnitInputs", "row_key",
           "parse_row_key", "series_fields", "matrix_from_rmf", "rmf_from_matrix"]


def _io():
    from .. import io as bio
    return bio


def _io_func(name):
    bio = _io()
    f = getattr(bio, name, None)
    if f is None:  # the io package may not re-export everything yet
        import importlib
        import pkgutil
        for info in pkgutil.iter_modules(bio.__path__):
            try:
                m = importlib.import_module(f"bayspec.io.{info.name}")
            except ImportError:
                continue
            f = getattr(m, name, None)
            if f is not None:
                break
    if f is None:
        raise StoreError(f"bayspec.io.{name} is not available")
    return f


# ----------------------------------------------------------------- keys with a row
def row_key(key, row: int) -> str:
    """``"source/instrument/detector/series#row"``: one spectrum of a series."""
    return f"{join_key(*split_key(key))}#{int(row)}"


def parse_row_key(key) -> tuple[str, int | None]:
    """Split ``"…/series#row"`` into the series key and the row (None if absent)."""
    s = str(key)
    if "#" in s:
        base, _, r = s.rpartition("#")
        try:
            return join_key(*split_key(base)), int(r)
        except ValueError:
            raise StoreError("row after '#' must be an integer", key=key) from None
    return join_key(*split_key(s)), None


# ----------------------------------------------------------------- conversions
def _scale_form(v, nrow, nchan) -> str:
    a = np.asarray(v)
    if a.ndim == 0:
        return "keyword"
    return "channel" if a.ndim == 2 or (a.ndim == 1 and nrow == 1 and a.shape[0] == nchan
                                         and nchan != 1) else "row"


def series_fields(pha) -> tuple[dict, dict]:
    """Arrays and attributes of a `PhaSeries` or `PhaSpectrum` for `SpectrumStore`."""
    counts = np.atleast_2d(np.asarray(pha.counts, np.float64))
    nrow, nchan = counts.shape
    single = np.ndim(pha.counts) == 1

    def rows(v):
        return None if v is None else (np.asarray(v)[None] if single else np.asarray(v))

    fields = {
        "counts": counts, "stat_err": rows(pha.stat_err), "sys_err": rows(pha.sys_err),
        "quality": rows(pha.quality), "grouping": rows(pha.grouping),
        "exposure": np.atleast_1d(np.asarray(pha.exposure, np.float64)),
        "tstart": np.atleast_1d(np.asarray(np.nan if pha.tstart is None else pha.tstart,
                                           np.float64)),
        "tstop": np.atleast_1d(np.asarray(np.nan if pha.tstop is None else pha.tstop,
                                          np.float64)),
        "backscal": pha.backscal if not single or np.ndim(pha.backscal) == 0
        else np.asarray(pha.backscal)[None],
        "areascal": pha.areascal if not single or np.ndim(pha.areascal) == 0
        else np.asarray(pha.areascal)[None],
        "channel": pha.channel, "ebounds": pha.ebounds,
    }
    ptr = {}
    for name in ("backfile", "respfile", "ancrfile"):
        v = getattr(pha, name)
        v = [v] if single or v is None or isinstance(v, str) else list(v)
        ptr[name] = v[:1] if all(x == v[0] for x in v) else v  # one entry if all equal
    attrs = {
        "first_channel": int(pha.first_channel), "poisserr": bool(pha.poisserr),
        "is_rate": bool(pha.is_rate), "hduclas2": str(pha.hduclas2),
        "hdu": str(getattr(pha, "hdu", "SPECTRUM")),
        "filename": Path(str(getattr(pha, "filename", "") or "")).name,
        "row": getattr(pha, "row", None) if single else None,
        "single": single,
        "backscal_form": _scale_form(pha.backscal, nrow, nchan),
        "areascal_form": _scale_form(pha.areascal, nrow, nchan),
        "pointers": ptr,
    }
    return fields, attrs


def _unscale(v, form):
    a = np.asarray(v, np.float64)
    if form == "keyword":
        return float(a.ravel()[0]) if a.size else 1.0
    return a


def _header(text):
    from astropy.io import fits
    return fits.Header() if not text else fits.Header.fromstring(text, sep="\n")


def _pha_from_rows(r: SpectrumRows, header_text: str | None):
    """A `PhaSeries` (or `PhaSpectrum` for one row) from stored rows."""
    a, d = r.attrs, r.data
    ptr = a.get("pointers") or {}
    idx = np.atleast_1d(r.rows)
    nrow_total = int(a["nrow"])

    def pointer(name):
        v = ptr.get(name)
        if not v:
            return [None] * len(idx)
        v = list(v) if len(v) == nrow_total else [v[0]] * nrow_total
        return [v[i] for i in idx]

    header = _header(header_text)
    common = dict(poisserr=bool(a.get("poisserr", True)), channel=d["channel"],
                  first_channel=int(a["first_channel"]), is_rate=bool(a.get("is_rate")),
                  hduclas2=a.get("hduclas2", "TOTAL"), header=header,
                  filename=a.get("filename", ""), hdu=a.get("hdu", "SPECTRUM"),
                  ebounds=d.get("ebounds"))
    if np.ndim(r.rows) == 0:
        t0, t1 = float(d["tstart"]), float(d["tstop"])
        row = a.get("row") if a.get("single") else int(r.rows)
        return _io_func("PhaSpectrum")(
            counts=d["counts"], exposure=float(d["exposure"]), stat_err=d["stat_err"],
            sys_err=d["sys_err"], quality=d["quality"].astype(np.int64),
            grouping=d["grouping"].astype(np.int64),
            backscal=_unscale(d["backscal"], a.get("backscal_form")),
            areascal=_unscale(d["areascal"], a.get("areascal_form")),
            tstart=None if np.isnan(t0) else t0, tstop=None if np.isnan(t1) else t1,
            backfile=pointer("backfile")[0], respfile=pointer("respfile")[0],
            ancrfile=pointer("ancrfile")[0], row=row, **common)
    return _io_func("PhaSeries")(
        counts=d["counts"], exposure=d["exposure"], stat_err=d["stat_err"],
        sys_err=d["sys_err"], quality=d["quality"].astype(np.int64),
        grouping=d["grouping"].astype(np.int64),
        backscal=_unscale(d["backscal"], a.get("backscal_form")),
        areascal=_unscale(d["areascal"], a.get("areascal_form")),
        tstart=d["tstart"], tstop=d["tstop"], backfile=pointer("backfile"),
        respfile=pointer("respfile"), ancrfile=pointer("ancrfile"), **common)


def _htext(h):
    if h is None:
        return None
    if isinstance(h, str):
        return h
    return h.tostring(sep="\n", endcard=False, padding=False)


def matrix_from_rmf(rmf) -> MatrixData:
    """`MatrixData` (store form) from an io `RmfMatrix`."""
    eb = getattr(rmf, "ebounds_channel", None)
    return MatrixData(energ_lo=rmf.energ_lo, energ_hi=rmf.energ_hi, matrix=rmf.matrix,
                      e_min=rmf.e_min, e_max=rmf.e_max, first_channel=int(rmf.first_channel),
                      is_full_response=bool(rmf.is_full_response),
                      header=_htext(rmf.header),
                      ebounds_header=_htext(getattr(rmf, "ebounds_header", None)),
                      tstart=rmf.tstart, tstop=rmf.tstop, extver=int(rmf.extver),
                      ebounds_channel=None if eb is None else np.asarray(eb, np.int64))


def rmf_from_matrix(m: MatrixData, filename: str = ""):
    """An io `RmfMatrix` from a stored `MatrixData`."""
    t0 = None if m.tstart is None or np.isnan(m.tstart) else float(m.tstart)
    t1 = None if m.tstop is None or np.isnan(m.tstop) else float(m.tstop)
    nchan = m.matrix.shape[1]
    return _io_func("RmfMatrix")(
        energ_lo=m.energ_lo, energ_hi=m.energ_hi, matrix=m.matrix,
        e_min=np.full(nchan, np.nan) if m.e_min is None else m.e_min,
        e_max=np.full(nchan, np.nan) if m.e_max is None else m.e_max,
        first_channel=int(m.first_channel), is_full_response=bool(m.is_full_response),
        extver=int(m.extver or 1), tstart=t0, tstop=t1, header=_header(m.header),
        ebounds_header=_header(m.ebounds_header), filename=filename,
        hdu="SPECRESP MATRIX" if m.is_full_response else "MATRIX",
        ebounds_channel=m.ebounds_channel)


def _arf_from_data(a: ArfData, filename: str = ""):
    return _io_func("ArfCurve")(energ_lo=a.energ_lo, energ_hi=a.energ_hi, specresp=a.specresp,
                        header=_header(a.header), filename=filename)


# ----------------------------------------------------------------- import
def _read_matrices(rsp) -> list:
    """Every matrix of an RSP/RSP2/RMF file, in EXTVER order."""
    list_matrices = _io_func("list_matrices")
    read_rmf = _io_func("read_rmf")
    tab = list_matrices(rsp)
    return [read_rmf(rsp, index=int(ev)) for ev in tab["extver"]]


def import_response(store, rsp, key=None, *, arf=None) -> list[MatrixLink]:
    """Store every matrix of an RSP/RSP2/RMF file (deduplicated); optionally link them.

    Parameters
    ----------
    store : Store or str or Path
    rsp : str or Path
        The response file.
    key : str, optional
        Series to link the matrices (and ``arf``) to.
    arf : str or Path, optional
        ARF file to store (and link with ``key``).

    Returns
    -------
    list of MatrixLink
        Hash, EXTVER and validity range (s; NaN when not given) of each matrix.
    """
    st = as_store(store)
    mats = _read_matrices(rsp)
    arf_obj = _io_func("read_arf")(arf) if arf is not None else None
    with st:
        links = _put_matrices(st, mats)
        ah = _put_arf(st, arf_obj)
        if key is not None:
            st.responses.link(parse_row_key(key)[0], links, arf=ah)
    return links


def write_response(store, links, path, *, overwrite: bool = False) -> Path:
    """Write stored matrices (a list of `MatrixLink`) to one RSP/RSP2/RMF file."""
    st = as_store(store)
    mats = []
    with st:
        for lk in links:
            m = st.responses.get(lk.hash)
            st.responses._with_link(m, lk)
            mats.append(rmf_from_matrix(m))
    if not mats:
        raise StoreError("no matrices to write", file=path)
    _io_func("write_rmf")(path, mats if len(mats) > 1 else mats[0], overwrite=overwrite)
    return Path(path)


def _put_matrices(st, mats) -> list[MatrixLink]:
    links = []
    for m in mats:
        h = st.responses.put(matrix_from_rmf(m))
        links.append(MatrixLink(h, int(m.extver),
                                np.nan if m.tstart is None else float(m.tstart),
                                np.nan if m.tstop is None else float(m.tstop)))
    return links


def _put_arf(st, arf_obj):
    if arf_obj is None:
        return None
    return st.responses.put_arf(ArfData(arf_obj.energ_lo, arf_obj.energ_hi,
                                        arf_obj.specresp, header=_htext(arf_obj.header)))


def import_ogip(store, pha, rsp=None, bkg=None, arf=None, *, source: str,
                instrument: str, detector: str, series: str | None = None,
                overwrite: bool = False) -> str:
    """Import OGIP files into a store; return the series key.

    Parameters
    ----------
    store : Store or str or Path
        The store (or its file).
    pha : str or Path
        Source spectrum, PHA-I (stored as a one-row series) or PHA-II (all rows).
    rsp : str or Path, optional
        Response: RSP, RMF, or RSP2 (several matrices, each with its TSTART/TSTOP; all are
        stored, deduplicated by content hash, and linked with their time ranges).
    bkg : str or Path, optional
        Background spectrum (PHA-I or PHA-II), stored with the series.
    arf : str or Path, optional
        Ancillary response, combined with the RMF matrices when the unit is built.
    source, instrument, detector : str
        Key parts, e.g. ``"bn080916009"``, ``"gbm"``, ``"n3"``.
    series : str, optional
        Last key part; default: the PHA file name without its suffix.
    overwrite : bool
        Replace an existing series with the same key.

    Returns
    -------
    str
        ``"source/instrument/detector/series"``.

    Notes
    -----
    File pointers inside the PHA (RESPFILE, BACKFILE, ANCRFILE) are stored as text but
    never followed: pass the files explicitly.
    """
    st = as_store(store)
    read_pha_series = _io_func("read_pha_series")
    if series is None:
        if not isinstance(pha, (str, Path)):
            raise StoreError("give series= when pha is not a file path")
        series = Path(str(pha)).name.split(".")[0]
    key = join_key(source, instrument, detector, series)
    if not overwrite and key in st.spectra:
        raise StoreError("series exists; pass overwrite=True to replace it",
                         file=st.path, key=key)
    src = read_pha_series(pha)
    fields, attrs = series_fields(src)
    background = None
    b = None
    if bkg is not None:
        b = read_pha_series(bkg)
        background = series_fields(b)
    mats = _read_matrices(rsp) if rsp is not None else []
    arf_obj = _io_func("read_arf")(arf) if arf is not None else None

    provenance = {"files": [file_provenance(p, role) for p, role in
                            ((pha, "pha"), (bkg, "bkg"), (rsp, "rsp"), (arf, "arf"))
                            if p is not None and isinstance(p, (str, Path))]}
    headers = {"SPECTRUM": src.header}
    if b is not None:
        headers["BKG:SPECTRUM"] = b.header
    with st:
        st.spectra.write_series(key, fields, attrs, background=background,
                                overwrite=overwrite)
        links = _put_matrices(st, mats)
        ah = _put_arf(st, arf_obj)
        if links:
            st.responses.link(key, links, arf=ah)
        st.meta.put(key, headers, provenance)
    return key


# ----------------------------------------------------------------- export
def export_ogip(store, key, folder, *, overwrite: bool = False) -> dict:
    """Write a stored series back to OGIP files in ``folder``.

    Files: ``<series>.pha`` (PHA-II, or PHA-I for a series imported from PHA-I),
    ``<series>.bak`` (background), ``<series>.rsp`` / ``.rsp2`` (all linked matrices in
    EXTVER order with their TSTART/TSTOP; ``.rmf`` when not a full response) and
    ``<series>.arf``.

    Returns
    -------
    dict
        Role (``"pha"``, ``"bkg"``, ``"rsp"``, ``"arf"``) → written path.
    """
    st = as_store(store)
    key, _ = parse_row_key(key)
    folder = Path(folder)
    name = key.rsplit("/", 1)[1]
    out = {}
    write_pha = _io_func("write_pha")
    with st:
        info = st.spectra.info(key)
        try:
            htext = st.meta.header_text(key, "SPECTRUM")
        except StoreError:
            htext = None
        rows = None if not info.get("single") else 0
        pha = _pha_from_rows(st.spectra.read(key, rows), htext)
        out["pha"] = folder / f"{name}.pha"
        write_pha(out["pha"], pha, overwrite=overwrite)
        if info.get("has_background"):
            binfo = st.spectra.info(key, background=True)
            try:
                bt = st.meta.header_text(key, "BKG:SPECTRUM")
            except StoreError:
                bt = None
            bpha = _pha_from_rows(st.spectra.read(key, 0 if binfo.get("single") else None,
                                                  background=True), bt)
            out["bkg"] = folder / f"{name}.bak"
            write_pha(out["bkg"], bpha, overwrite=overwrite)
        links = st.responses.links(key)
        if links:
            full = st.responses.get(links[0].hash).is_full_response
            ext = (".rsp" if full else ".rmf") + ("2" if len(links) > 1 else "")
            out["rsp"] = write_response(st, links, folder / f"{name}{ext}",
                                        overwrite=overwrite)
            arf = st.responses.arf_for(key)
            if arf is not None:
                out["arf"] = folder / f"{name}.arf"
                _io_func("write_arf")(out["arf"], _arf_from_data(arf), overwrite=overwrite)
    return out


# ----------------------------------------------------------------- unit inputs
class UnitInputs(NamedTuple):
    """What a `DataUnit` is built from: io containers for one stored spectrum."""

    key: str
    row: int | None
    src: object   # PhaSpectrum
    bkg: object   # PhaSpectrum or None
    rsp: object   # RmfMatrix (full response, or RMF to combine with arf) or None
    arf: object   # ArfCurve or None


def load_unit_inputs(store, key, row: int | None = None, *, t=None,
                     strict_time: bool = False) -> UnitInputs:
    """Load one spectrum with its background and response as io containers.

    Parameters
    ----------
    store : Store or str or Path
    key : str
        Series key, optionally with ``"#row"``.
    row : int, optional
        Row of the series (required for a series of more than one row, unless in the key).
    t : float or (float, float), optional
        Time (s) or interval for the response choice; default: the row's
        ``(tstart, tstop)`` (see `ResponseStore.response_for`).
    strict_time : bool
        Raise if no matrix covers the time instead of taking the nearest.

    Returns
    -------
    UnitInputs
        ``src`` and ``bkg`` are `PhaSpectrum` (the background row is the same row when the
        background series has as many rows, else its row 0); ``rsp`` is a `RmfMatrix`,
        ``arf`` an `ArfCurve` or None.
    """
    st = as_store(store)
    key, krow = parse_row_key(key)
    if row is None:
        row = krow
    with st:
        info = st.spectra.info(key)
        nrow = int(info["nrow"])
        if row is None:
            if nrow != 1:
                raise StoreError(f"series has {nrow} rows: give row= or 'key#row'",
                                 file=st.path, key=key)
            row = 0
        htext = _safe_header(st, key, "SPECTRUM")
        src = _pha_from_rows(st.spectra.read(key, row), htext)
        bkg = None
        if info.get("has_background"):
            bn = int(st.spectra.info(key, background=True)["nrow"])
            bkg = _pha_from_rows(st.spectra.read(key, row if bn == nrow else 0,
                                                 background=True),
                                 _safe_header(st, key, "BKG:SPECTRUM"))
        rsp = arf = None
        if st.responses.links(key):
            if t is None:
                m = st.responses.response_for(key, row=row, strict=strict_time)
            else:
                m = st.responses.response_for(key, t, strict=strict_time)
            rsp = rmf_from_matrix(m)
            a = st.responses.arf_for(key)
            arf = None if a is None else _arf_from_data(a)
    return UnitInputs(key, row, src, bkg, rsp, arf)


def _safe_header(st: Store, key, name):
    try:
        return st.meta.header_text(key, name)
    except StoreError:
        return None
