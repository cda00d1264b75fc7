"""SpectrumStore: PHA spectra and series in HDF5, read lazily row by row.

Layout (one group per series)::

    /spectra/<source>/<instrument>/<detector>/<series>/
        counts    (nrow, nchan) float64   counts per channel (RATE already times exposure);
                                          int32 on disk when all values are integers
                                          (lossless), always float64 when read
        stat_err  (nrow, nchan) float64   1-sigma errors in counts   [absent if none]
        sys_err   (nrow, nchan) float64   systematic error fraction  [absent if none]
        quality   (nrow, nchan) int16     0 = good
        grouping  (nrow, nchan) int16     +1 start, -1 continue
        exposure  (nrow,)       float64   s (may be <= 0 in real files; kept as is)
        tstart    (nrow,)       float64   s, mission time (MET)       [NaN if unknown]
        tstop     (nrow,)       float64   s
        backscal  (nrow,) or (nrow, nchan) float64
        areascal  (nrow,) or (nrow, nchan) float64
        channel   (nchan,)      int64     channel numbers as in the file
        ebounds   (nchan, 2)    float64   keV, the file's own EBOUNDS [absent if none]
        background/             same datasets for the background series (optional)
        response/               matrix hashes and their time ranges (see ResponseStore)
      attrs: kind="series", complete=True, nrow, nchan, first_channel, poisserr, is_rate,
             hduclas2, backfile, respfile, ancrfile, hdu, row (PHA-II row of a one-row
             series, else absent), and any scalar flags given at write time.

Every row-shaped dataset is chunked by blocks of rows (about 16 kB per chunk before
compression) and gzip-compressed with the shuffle filter, so reading one spectrum
decompresses one chunk only.

A series is written under a temporary hidden name and renamed into place once complete;
readers never see a half-written series (a killed import leaves a hidden group that the
next write removes).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import StoreError
from ._hdf5 import (
    StoreFile,
    join_key,
    keyed_errors,
    missing,
    read_attrs,
    split_key,
    write_array,
    write_attrs,
)

__all__ = ["SpectrumStore", "SpectrumRows", "ROW_FIELDS"]

#: Datasets with one entry (or one channel vector) per row.
ROW_FIELDS = ("counts", "stat_err", "sys_err", "quality", "grouping", "exposure",
              "tstart", "tstop", "backscal", "areascal")
_STATIC_FIELDS = ("channel", "ebounds")
_DTYPES = {"quality": np.int16, "grouping": np.int16, "channel": np.int64}
_ROOT = "spectra"
_TMP_PREFIX = ".incoming-"


@dataclass
class SpectrumRows:
    """Rows read from one stored series (or its background).

    Attributes
    ----------
    key : str
        ``"source/instrument/detector/series"``.
    rows : int or ndarray
        The row index (int: arrays have no row axis) or the row indices read.
    data : dict
        Field name → array. Per-row fields carry a leading row axis unless ``rows`` is an
        int. Units: counts and stat_err in counts, sys_err a fraction, exposure/tstart/
        tstop in s, ebounds in keV. Missing optional fields are ``None``.
    attrs : dict
        Scalar attributes of the series (first_channel, poisserr, hduclas2, ...).
    background : bool
        True if these rows come from the background series.
    """

    key: str
    rows: object
    data: dict = field(default_factory=dict)
    attrs: dict = field(default_factory=dict)
    background: bool = False

    def __getattr__(self, name):
        data = self.__dict__.get("data", {})
        if name in data:
            return data[name]
        raise AttributeError(f"{type(self).__name__} has no field {name!r}")

    @property
    def nrow(self) -> int:
        """Number of rows held (1 for a single row)."""
        return 1 if np.ndim(self.rows) == 0 else len(self.rows)


def _normalise(fields: dict, where) -> tuple[dict, int, int]:
    """Check and broadcast the arrays of one series to (nrow, ...) shapes."""
    if fields.get("counts") is None:
        raise StoreError("a series needs 'counts'", key=where)
    counts = np.asarray(fields["counts"], dtype=np.float64)
    if counts.ndim == 1:
        counts = counts[None, :]
    if counts.ndim != 2:
        raise StoreError(f"counts must be (nrow, nchan), got shape {counts.shape}", key=where)
    nrow, nchan = counts.shape
    out = {"counts": counts}
    for name in ROW_FIELDS[1:]:
        v = fields.get(name)
        if v is None:
            out[name] = None
            continue
        dtype = _DTYPES.get(name, np.float64)
        a = np.asarray(v, dtype=dtype)
        try:
            if name in ("stat_err", "sys_err", "quality", "grouping"):
                # (nrow, nchan), (nchan,) for every row, (nrow,) one value per row, scalar
                if a.ndim == 1 and a.shape[0] == nrow and a.shape[0] != nchan:
                    a = a[:, None]
                a = np.broadcast_to(a, (nrow, nchan))
            elif name in ("backscal", "areascal"):
                # one value per row, or a channel vector per row
                if a.ndim == 2 or (a.ndim == 1 and a.shape[0] == nchan and nrow == 1):
                    a = np.broadcast_to(a, (nrow, nchan))
                else:
                    a = np.broadcast_to(a, (nrow,))
            else:
                a = np.broadcast_to(a, (nrow,))
        except ValueError:
            raise StoreError(f"{name} has shape {a.shape}, incompatible with "
                             f"{nrow} rows x {nchan} channels", key=where) from None
        out[name] = np.ascontiguousarray(a)
    if out["exposure"] is None:
        raise StoreError("a series needs 'exposure' (s)", key=where)
    for name in ("tstart", "tstop"):
        if out[name] is None:
            out[name] = np.full(nrow, np.nan)
    if out["quality"] is None:
        out["quality"] = np.zeros((nrow, nchan), np.int16)
    if out["grouping"] is None:
        out["grouping"] = np.ones((nrow, nchan), np.int16)
    for name in ("backscal", "areascal"):
        if out[name] is None:
            out[name] = np.ones(nrow)
    ch = fields.get("channel")
    out["channel"] = (np.arange(nchan, dtype=np.int64) if ch is None
                      else np.asarray(ch, dtype=np.int64).reshape(nchan))
    eb = fields.get("ebounds")
    out["ebounds"] = None if eb is None else np.asarray(eb, np.float64).reshape(nchan, 2)
    return out, nrow, nchan


def _integral(a) -> bool:
    """True when every value is an integer that int32 holds exactly."""
    return bool(np.all(np.isfinite(a)) and np.all(a == np.round(a))
                and np.all(np.abs(a) < 2**31))


def _write_group(g, fields: dict, attrs: dict, where) -> tuple[int, int]:
    arrays, nrow, nchan = _normalise(fields, where)
    for name, a in arrays.items():
        if a is None:
            continue
        if name == "counts" and _integral(a):
            a = a.astype(np.int32)  # lossless: read back as float64
        write_array(g, name, a, rowwise=name not in _STATIC_FIELDS)
    attrs = dict(attrs)
    attrs.update(kind="series", nrow=nrow, nchan=nchan)
    write_attrs(g, attrs)
    return nrow, nchan


class SpectrumStore(StoreFile):
    """Spectra keyed by source, instrument, detector and series (a time-interval set).

    Parameters
    ----------
    path : str or Path
        The HDF5 file (shared with the other stores if you like).
    mode : {"a", "r"}
        Read/write (default; created on first write) or read-only.

    Notes
    -----
    Keys are strings ``"source/instrument/detector/series"``; each part is a plain name
    without ``/``. A series has ``nrow`` rows (a PHA-I spectrum is a one-row series). Times
    are in the file's own time system (for Fermi/GBM: MET seconds).

    Concurrency: one writer at a time; any number of readers with ``mode="r"``. The file
    is only open during an operation (or a ``with`` block), so readers and the writer
    alternate; a reader that finds the file locked retries for about one second.
    """

    # ------------------------------------------------------------------ writing
    def write_series(self, key, fields: dict, attrs: dict | None = None, *,
                     background: tuple[dict, dict] | None = None,
                     overwrite: bool = False) -> str:
        """Store one series (and optionally its background) under ``key``.

        Parameters
        ----------
        key : str or tuple
            ``"source/instrument/detector/series"`` or the four parts.
        fields : dict
            Arrays by name (see the module layout): ``counts`` (nrow, nchan) and
            ``exposure`` (nrow,) are required; the others default to none / good quality /
            no grouping / unit scales / NaN times.
        attrs : dict, optional
            Scalar attributes (first_channel, poisserr, hduclas2, file keywords, ...).
        background : (fields, attrs), optional
            The background series, stored in the ``background`` subgroup.
        overwrite : bool
            Replace an existing series; otherwise an existing key raises `StoreError`.

        Returns
        -------
        str
            The normalised key.
        """
        key = join_key(*split_key(key))
        self.__dict__.get("_cache", {}).clear()
        path = f"{_ROOT}/{key}"
        parent, name = path.rsplit("/", 1)
        with self._open(write=True) as f:
            if path in f and not overwrite:
                raise StoreError("series exists; pass overwrite=True to replace it",
                                 file=self.path, key=key)
            pg = f.require_group(parent)
            for stale in [n for n in pg if n.startswith(_TMP_PREFIX)]:
                del pg[stale]
            tmp = f"{_TMP_PREFIX}{name}"
            g = pg.create_group(tmp)
            _write_group(g, fields, attrs or {}, key)
            if background is not None:
                bg = g.create_group("background")
                bfields, battrs = background
                nb, _ = _write_group(bg, bfields, battrs or {}, key + "/background")
            if path in f:
                old = f[path]
                if "response" in old:  # keep the response links of a replaced series
                    f.copy(old["response"], g, "response")
                del pg[name]
            g.attrs["complete"] = True
            f.flush()
            pg.move(tmp, name)
        return key

    def delete(self, key) -> None:
        """Remove a series (its matrices stay in the ResponseStore)."""
        key = join_key(*split_key(key))
        self.__dict__.get("_cache", {}).clear()
        with self._open(write=True) as f:
            self._group(f, key)
            del f[f"{_ROOT}/{key}"]

    # ------------------------------------------------------------------ keys
    def keys(self, source=None, instrument=None, detector=None) -> list[str]:
        """All series keys, optionally only those matching the given parts.

        Returns
        -------
        list of str
            Sorted keys ``"source/instrument/detector/series"``.
        """
        if not self.path.exists():
            return []
        out = []
        want = (source, instrument, detector)
        with self._open() as f:
            if _ROOT not in f:
                return []
            root = f[_ROOT]
            for s in root:
                if want[0] is not None and s != want[0]:
                    continue
                for i in root[s]:
                    if want[1] is not None and i != want[1]:
                        continue
                    for d in root[s][i]:
                        if want[2] is not None and d != want[2]:
                            continue
                        for n, g in root[s][i][d].items():
                            if n.startswith(".") or not g.attrs.get("complete", False):
                                continue
                            out.append(f"{s}/{i}/{d}/{n}")
        return sorted(out)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key) -> bool:
        try:
            key = join_key(*split_key(key))
        except StoreError:
            return False
        if not self.path.exists():
            return False
        with self._open() as f:
            g = f.get(f"{_ROOT}/{key}")
            return g is not None and bool(g.attrs.get("complete", False))

    def _group(self, f, key, background: bool = False):
        g = f.get(f"{_ROOT}/{key}")
        if g is None or not g.attrs.get("complete", False):
            raise missing(self.path, key, "spectrum series", self._keys_in(f))
        if background:
            if "background" not in g:
                raise StoreError("series has no background", file=self.path,
                                 key=f"{key}/background")
            g = g["background"]
        return g

    def _keys_in(self, f) -> list[str]:
        out = []

        def visit(name, obj):
            if obj.attrs.get("kind") == "series" and obj.attrs.get("complete", False):
                out.append(name)
        if _ROOT in f:
            f[_ROOT].visititems(visit)
        return out

    # ------------------------------------------------------------------ reading
    @keyed_errors
    def info(self, key, background: bool = False) -> dict:
        """Attributes of a series plus ``fields`` (the datasets present) and shapes."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._group(f, key, background)
            out = read_attrs(g)
            out["fields"] = [n for n in g if isinstance(g[n], type(g["counts"]))]
            out["has_background"] = (not background) and "background" in g
            return out

    def nrow(self, key) -> int:
        """Number of rows of a series."""
        return int(self.info(key)["nrow"])

    @keyed_errors
    def times(self, key, background: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(tstart, tstop)`` of every row, in s."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._group(f, key, background)
            return g["tstart"][()], g["tstop"][()]

    @keyed_errors
    def read(self, key, rows=None, *, fields=None, background: bool = False) -> SpectrumRows:
        """Read some rows of a series without loading the others.

        Parameters
        ----------
        key : str
            Series key.
        rows : None, int, slice or array of int
            ``None`` all rows; an int one spectrum (no row axis in the result); a slice
            or index array a subset (sorted, unique indices are fastest).
        fields : iterable of str, optional
            Only these datasets (default: all present).
        background : bool
            Read the background series instead of the source.

        Returns
        -------
        SpectrumRows

        Raises
        ------
        StoreError
            Unknown key (nearby keys are listed), no background, or rows out of range.
        """
        key = join_key(*split_key(key))
        with self._open() as f:
            attrs, dsets = self._handles(f, key, background)
            nrow = int(attrs["nrow"])
            sel, label = _selection(rows, nrow, self.path, key)
            names = ROW_FIELDS + _STATIC_FIELDS if fields is None else tuple(fields)
            data = {}
            for name in names:
                if name not in ROW_FIELDS + _STATIC_FIELDS:
                    raise StoreError(f"unknown field {name!r}; fields: "
                                     f"{', '.join(ROW_FIELDS + _STATIC_FIELDS)}",
                                     file=self.path, key=key)
                ds = dsets.get(name)
                if ds is None:
                    data[name] = None
                elif name in _STATIC_FIELDS:
                    data[name] = ds[()]
                elif isinstance(sel, _Reorder):
                    data[name] = ds[sel.uniq][sel.inv]
                else:
                    data[name] = ds[sel]
                if name == "counts" and data[name].dtype != np.float64:
                    data[name] = data[name].astype(np.float64)
            return SpectrumRows(key=key, rows=label, data=data, attrs=dict(attrs),
                                background=background)

    def _handles(self, f, key, background):
        """Attributes and dataset handles of a series, cached while a file stays open."""
        cache = self.__dict__.setdefault("_cache", {})
        ck = (id(f), key, background)
        if ck in cache and cache[ck][0] is f:
            return cache[ck][1], cache[ck][2]
        g = self._group(f, key, background)
        attrs = read_attrs(g)
        dsets = {n: g[n] for n in ROW_FIELDS + _STATIC_FIELDS if n in g}
        if self._f is f:  # only cache inside a ``with`` block
            if len(cache) > 256 or any(v[0] is not f for v in cache.values()):
                cache.clear()
            cache[ck] = (f, attrs, dsets)
        return attrs, dsets


def _selection(rows, nrow, file, key):
    """Turn a row request into an h5py selection and the label kept in the result."""
    if rows is None:
        return slice(None), np.arange(nrow)
    if isinstance(rows, (int, np.integer)) and not isinstance(rows, bool):
        r = int(rows)
        if r < 0:
            r += nrow
        if not 0 <= r < nrow:
            raise StoreError(f"row {rows} out of range 0..{nrow - 1}", file=file, key=key)
        return r, r
    if isinstance(rows, slice):
        idx = np.arange(nrow)[rows]
        if rows.step in (None, 1):
            return slice(*rows.indices(nrow)[:2]), idx
        return idx, idx
    idx = np.asarray(rows, dtype=np.int64).ravel()
    idx = np.where(idx < 0, idx + nrow, idx)
    if idx.size and (idx.min() < 0 or idx.max() >= nrow):
        raise StoreError(f"rows out of range 0..{nrow - 1}", file=file, key=key)
    if idx.size > 1 and np.any(np.diff(idx) <= 0):
        # h5py needs increasing unique indices: read sorted, then reorder
        uniq, inv = np.unique(idx, return_inverse=True)
        return _Reorder(uniq, inv), idx
    return idx, idx


class _Reorder:
    """Marker for a fancy selection that must be reordered after reading."""

    def __init__(self, uniq, inv):
        self.uniq, self.inv = uniq, inv
