"""ResponseStore: response matrices and ARFs stored once each, by content hash.

Layout::

    /responses/<sha256>/            one redistribution (or full response) matrix
        energ_lo, energ_hi (nphot,)  float64  keV, photon energy bins
        e_min, e_max       (nchan,)  float64  keV, channel bounds (absent if unknown)
        n_grp              (nphot,)  int32    number of non-zero channel ranges per row
        f_chan             (ngrp,)   int32    first channel (file numbering) of each range
        n_chan             (ngrp,)   int32    length of each range
        values             (nnz,)    float32 or float64 (float32 only when lossless)
                                              cm^2 for a full response, else probability
      attrs: nphot, nchan, first_channel, is_full_response, header, ebounds_header
    /arfs/<sha256>/                 one ancillary response
        energ_lo, energ_hi, specresp (cm^2)
    /spectra/<key>/response/        the matrices a series uses
        hash (nmat,) str, extver (nmat,) int, tstart, tstop (nmat,) float64 s
      attrs: arf (hash, optional)

The compact form is OGIP's (``n_grp``, ``f_chan``, ``n_chan`` and the flat ``values``),
packed and unpacked by the one codec of `bayspec.io.matrix_codec`.

Identity
--------
A matrix's hash is the sha256 of, in order: the tag ``b"bayspec-rsp-1"``, ``energ_lo``,
``energ_hi``, the dense matrix (float64, C order), ``e_min``, ``e_max`` (all as
little-endian float64 bytes; ``b"none"`` if absent), ``first_channel`` as text and, when
known, the EBOUNDS channel numbers.
Importing the same matrix twice stores it once. Headers do not enter the hash; the header
of the first import is kept.

Time-dependent responses (RSP2)
-------------------------------
A series may point to several matrices, each with the ``[tstart, tstop)`` (s) of its
file. Which matrix applies when is the one rule of `bayspec.data.rsp2` (shared with
`bayspec.estimators.SpectrumSeries` and the batch): matrix ``i`` is valid from its
``tstart`` to the next matrix's ``tstart`` (the first from -inf, the last to +inf).
`ResponseStore.response_for` with a time ``t`` returns the matrix valid at ``t``; with
``strict=True`` it raises when ``t`` lies in none of the stored ``[tstart, tstop)``
ranges (a zero-width range covers its instant). For a row it weights the matrices by the
part of the row each covers; for an interval ``(t1, t2)`` by
``w_i ∝ sum_r exposure_r * |row_r ∩ (t1, t2) ∩ V_i| / |row_r|`` over the series rows
(exposure-weighted overlap, as threeML's ``InstrumentResponseSet``), or by the plain
overlap ``|(t1, t2) ∩ V_i|`` when no row falls in the interval; weights sum to 1 and the
result is ``sum_i w_i M_i``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from ..data.rsp2 import combine_matrices, matrix_weights
from ..errors import BayspecError, StoreError
from ..io.matrix_codec import compact, expand
from ._hdf5 import StoreFile, join_key, keyed_errors, missing, read_attrs, split_key, write_array

__all__ = ["ResponseStore", "MatrixData", "ArfData", "MatrixLink",
           "matrix_hash", "arf_hash"]

_RSP = "responses"
_ARF = "arfs"


@dataclass
class MatrixData:
    """A response matrix in plain arrays.

    Attributes
    ----------
    energ_lo, energ_hi : ndarray (nphot,)
        Photon energy bin edges, keV.
    matrix : ndarray (nphot, nchan)
        Dense matrix, float64 (cm^2 for a full response, else probabilities).
    e_min, e_max : ndarray (nchan,) or None
        Channel energy bounds, keV.
    first_channel : int
        Number of the first channel (TLMIN of F_CHAN).
    is_full_response : bool
        True for an RSP (matrix includes the effective area).
    header, ebounds_header : str or None
        FITS headers as text (80-character cards joined by newlines).
    tstart, tstop : float or None
        Validity range, s (set when returned for a series).
    hash : str or None
        Content hash (None for a weighted combination).
    extver : int or None
        EXTVER of the matrix in its RSP2 file.
    ebounds_channel : ndarray (nchan,) or None
        CHANNEL column of the EBOUNDS extension, as numbered there.
    weights : dict
        For a weighted combination: hash → weight.
    """

    energ_lo: np.ndarray
    energ_hi: np.ndarray
    matrix: np.ndarray
    e_min: np.ndarray | None = None
    e_max: np.ndarray | None = None
    first_channel: int = 1
    is_full_response: bool = True
    header: str | None = None
    ebounds_header: str | None = None
    tstart: float | None = None
    tstop: float | None = None
    hash: str | None = None
    extver: int | None = None
    weights: dict = field(default_factory=dict)
    ebounds_channel: np.ndarray | None = None

    @property
    def shape(self):
        return self.matrix.shape


@dataclass
class ArfData:
    """An ancillary response: ``energ_lo``, ``energ_hi`` (keV), ``specresp`` (cm^2)."""

    energ_lo: np.ndarray
    energ_hi: np.ndarray
    specresp: np.ndarray
    header: str | None = None
    hash: str | None = None


@dataclass(frozen=True)
class MatrixLink:
    """One matrix of a series: its hash, EXTVER and validity range ``[tstart, tstop)`` (s)."""

    hash: str
    extver: int
    tstart: float
    tstop: float


def _f8(a) -> bytes:
    if a is None:
        return b"none"
    return np.ascontiguousarray(np.asarray(a, dtype="<f8")).tobytes()


def matrix_hash(energ_lo, energ_hi, matrix, e_min=None, e_max=None, first_channel=1,
                ebounds_channel=None) -> str:
    """sha256 (hex) identifying a matrix by its content (see module notes)."""
    h = hashlib.sha256(b"bayspec-rsp-1")
    for a in (energ_lo, energ_hi, matrix, e_min, e_max):
        h.update(_f8(a))
    h.update(str(int(first_channel)).encode())
    if ebounds_channel is not None:
        h.update(b"ebounds_channel" + _f8(ebounds_channel))
    return h.hexdigest()


def arf_hash(energ_lo, energ_hi, specresp) -> str:
    """sha256 (hex) identifying an ARF by its content."""
    h = hashlib.sha256(b"bayspec-arf-1")
    for a in (energ_lo, energ_hi, specresp):
        h.update(_f8(a))
    return h.hexdigest()


class ResponseStore(StoreFile):
    """Response matrices and ARFs, deduplicated by content hash, linked to series.

    Parameters
    ----------
    path : str or Path
        The HDF5 file; it must be the file of the `SpectrumStore` whose series the
        matrices are linked to.
    mode : {"a", "r"}

    Notes
    -----
    See the module docstring for the layout, the hash and the RSP2 time rules.
    """

    # ------------------------------------------------------------ matrices
    def put(self, m: MatrixData) -> str:
        """Store a matrix unless an identical one is present; return its hash."""
        mat = np.asarray(m.matrix, np.float64)
        if mat.ndim != 2:
            raise StoreError(f"matrix must be 2-D, got shape {mat.shape}", file=self.path)
        h = matrix_hash(m.energ_lo, m.energ_hi, mat, m.e_min, m.e_max, m.first_channel,
                        m.ebounds_channel)
        with self._open(write=True) as f:
            root = f.require_group(_RSP)
            if h in root and root[h].attrs.get("complete", False):
                return h
            if h in root:
                del root[h]
            tmp = f".incoming-{h}"
            if tmp in root:
                del root[tmp]
            g = root.create_group(tmp)
            n_grp, f_chan, n_chan, values = compact(mat, m.first_channel)
            v32 = values.astype(np.float32)
            if np.array_equal(v32.astype(np.float64), values, equal_nan=True):
                values = v32
            for name, a in (("energ_lo", m.energ_lo), ("energ_hi", m.energ_hi),
                            ("e_min", m.e_min), ("e_max", m.e_max),
                            ("ebounds_channel", m.ebounds_channel)):
                if a is not None:
                    a = np.asarray(a, np.int64 if name == "ebounds_channel" else np.float64)
                    write_array(g, name, a, rowwise=False)
            for name, a in (("n_grp", n_grp), ("f_chan", f_chan), ("n_chan", n_chan),
                            ("values", values)):
                write_array(g, name, a, rowwise=False)
            g.attrs.update(nphot=mat.shape[0], nchan=mat.shape[1],
                           first_channel=int(m.first_channel),
                           is_full_response=bool(m.is_full_response))
            for name in ("header", "ebounds_header"):
                if getattr(m, name) is not None:
                    g.attrs[name] = str(getattr(m, name))
            g.attrs["complete"] = True
            root.move(tmp, h)
        return h

    def _group(self, f, kind, h, what, complete):
        """The group ``kind/h`` (a finished one when ``complete``), else `StoreError`."""
        root = f.get(kind)
        g = None if root is None else root.get(str(h))
        if g is None or (complete and not g.attrs.get("complete", False)):
            raise missing(self.path, f"{kind}/{h}", what,
                          [f"{kind}/{k}" for k in (root or {}) if not k.startswith(".")])
        return g

    @keyed_errors
    def get(self, h: str) -> MatrixData:
        """The dense matrix stored under hash ``h``."""
        with self._open() as f:
            g = self._group(f, _RSP, h, "response matrix", complete=True)
            a = read_attrs(g)
            try:
                mat = expand(g["n_grp"][()], g["f_chan"][()], g["n_chan"][()],
                             g["values"][()], int(a["nchan"]), int(a["first_channel"]))
            except (KeyError, IndexError, ValueError) as exc:
                raise StoreError(f"corrupt matrix group: {exc}", file=self.path,
                                 key=f"{_RSP}/{h}") from None
            return MatrixData(
                energ_lo=g["energ_lo"][()], energ_hi=g["energ_hi"][()], matrix=mat,
                e_min=g["e_min"][()] if "e_min" in g else None,
                e_max=g["e_max"][()] if "e_max" in g else None,
                first_channel=int(a["first_channel"]),
                is_full_response=bool(a["is_full_response"]),
                header=a.get("header"), ebounds_header=a.get("ebounds_header"), hash=str(h),
                ebounds_channel=g["ebounds_channel"][()] if "ebounds_channel" in g else None)

    def hashes(self) -> list[str]:
        """Hashes of all stored matrices."""
        if not self.path.exists():
            return []
        with self._open() as f:
            root = f.get(_RSP)
            return sorted(k for k in (root or {}) if not k.startswith("."))

    def __contains__(self, h) -> bool:
        return str(h) in self.hashes()

    def __len__(self):
        return len(self.hashes())

    def nbytes(self, h: str) -> int:
        """Bytes the compact matrix occupies on disk (after compression)."""
        with self._open() as f:
            g = f[f"{_RSP}/{h}"]
            return sum(g[n].id.get_storage_size() for n in g)

    # ------------------------------------------------------------ ARFs
    def put_arf(self, arf: ArfData) -> str:
        """Store an ARF unless an identical one is present; return its hash."""
        h = arf_hash(arf.energ_lo, arf.energ_hi, arf.specresp)
        with self._open(write=True) as f:
            root = f.require_group(_ARF)
            if h in root:
                return h
            tmp = f".incoming-{h}"
            if tmp in root:
                del root[tmp]
            g = root.create_group(tmp)
            for name in ("energ_lo", "energ_hi", "specresp"):
                write_array(g, name, np.asarray(getattr(arf, name), np.float64), rowwise=False)
            if arf.header is not None:
                g.attrs["header"] = str(arf.header)
            root.move(tmp, h)
        return h

    @keyed_errors
    def get_arf(self, h: str) -> ArfData:
        """The ARF stored under hash ``h``."""
        with self._open() as f:
            g = self._group(f, _ARF, h, "ARF", complete=False)
            return ArfData(g["energ_lo"][()], g["energ_hi"][()], g["specresp"][()],
                           header=read_attrs(g).get("header"), hash=str(h))

    # ------------------------------------------------------------ links to series
    def link(self, key, links, *, arf: str | None = None) -> None:
        """Point series ``key`` at its matrices (replacing earlier links).

        Parameters
        ----------
        key : str
            Series key (must exist in the spectrum store of the same file).
        links : sequence of MatrixLink or (hash, extver, tstart, tstop)
            Each matrix with its validity range in s (NaN, NaN for "always").
        arf : str, optional
            Hash of the ARF to combine with the matrices.
        """
        key = join_key(*split_key(key))
        links = [lk if isinstance(lk, MatrixLink) else MatrixLink(str(lk[0]), int(lk[1]),
                                                                   float(lk[2]), float(lk[3]))
                 for lk in links]
        if not links:
            raise StoreError("no matrices to link", file=self.path, key=key)
        with self._open(write=True) as f:
            g = self._series(f, key)
            for lk in links:
                if f"{_RSP}/{lk.hash}" not in f:
                    raise StoreError("unknown matrix hash (put() it first)", file=self.path,
                                     key=f"{_RSP}/{lk.hash}")
            if arf is not None and f"{_ARF}/{arf}" not in f:
                raise StoreError("unknown ARF hash", file=self.path, key=f"{_ARF}/{arf}")
            if "response" in g:
                del g["response"]
            r = g.create_group("response")
            r.create_dataset("hash", data=np.array([lk.hash for lk in links], dtype="S64"))
            r.create_dataset("extver", data=np.array([lk.extver for lk in links], np.int64))
            r.create_dataset("tstart", data=np.array([lk.tstart for lk in links], np.float64))
            r.create_dataset("tstop", data=np.array([lk.tstop for lk in links], np.float64))
            if arf is not None:
                r.attrs["arf"] = arf

    def _series(self, f, key):
        g = f.get(f"spectra/{key}")
        if g is None or not g.attrs.get("complete", False):
            from .spectrum_store import SpectrumStore
            raise missing(self.path, key, "spectrum series",
                          SpectrumStore(self.path, "r")._keys_in(f))
        return g

    @keyed_errors
    def links(self, key) -> list[MatrixLink]:
        """The matrices linked to series ``key`` (empty list if none)."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._series(f, key)
            if "response" not in g:
                return []
            r = g["response"]
            return [MatrixLink(h.decode(), int(e), float(a), float(b)) for h, e, a, b in
                    zip(r["hash"][()], r["extver"][()], r["tstart"][()], r["tstop"][()])]

    @keyed_errors
    def arf_for(self, key) -> ArfData | None:
        """The ARF linked to series ``key``, or None."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._series(f, key)
            h = g["response"].attrs.get("arf") if "response" in g else None
        return None if h is None else self.get_arf(h.decode() if isinstance(h, bytes) else h)

    @keyed_errors
    def weights(self, key, t1: float, t2: float) -> dict[str, float]:
        """Weights of the linked matrices for the interval ``(t1, t2)`` (s); sum to 1.

        The one rule of `bayspec.data.rsp2.matrix_weights` (module notes): the series
        rows of positive exposure, clipped to the interval, each row's exposure shared
        among the matrices in proportion to the part of the row each covers; the interval
        alone when no row falls in it. Links to the same matrix add up.
        """
        key = join_key(*split_key(key))
        links = self.links(key)
        if not links:
            raise StoreError("series has no response linked", file=self.path, key=key)
        if len(links) == 1:
            return {links[0].hash: 1.0}
        with self._open() as f:
            g = self._series(f, key)
            rows = np.column_stack([g["tstart"][()], g["tstop"][()]])
            expo = g["exposure"][()]
        ok = np.isfinite(rows).all(axis=1)
        return self._merge(links, self._rule(links, rows[ok], expo[ok], (t1, t2), key))

    def _rule(self, links, pieces, exposure, clip, key):
        try:
            return matrix_weights([lk.tstart for lk in links], pieces, exposure, clip)
        except BayspecError as exc:
            raise StoreError(str(exc), file=self.path, key=f"{key}/response") from None

    @staticmethod
    def _merge(links, w) -> dict[str, float]:
        out: dict[str, float] = {}
        for lk, wi in zip(links, w):
            if wi > 0:
                out[lk.hash] = out.get(lk.hash, 0.0) + float(wi)
        return out

    def _check_covered(self, links, t, key) -> None:
        """``strict``: raise unless ``t`` lies in a matrix's own ``[TSTART, TSTOP)`` range
        (a zero-width range covers its instant; no times at all cover everything)."""
        lo = np.array([lk.tstart for lk in links])
        hi = np.array([lk.tstop for lk in links])
        if np.all(np.isnan(lo)):
            return
        if not np.any(((lo <= t) & (t < hi)) | ((lo == hi) & (t == lo))):
            raise StoreError(f"no response matrix covers t={t!r} s; ranges: " + ", ".join(
                f"[{a!r}, {b!r})" for a, b in zip(lo, hi)), file=self.path, key=key)

    @keyed_errors
    def response_for(self, key, t=None, *, row: int | None = None,
                     strict: bool = False) -> MatrixData:
        """The response of series ``key`` at time ``t`` (s) or over an interval.

        Parameters
        ----------
        key : str
            Series key.
        t : float or (float, float), optional
            A time: the matrix covering it (nearest if none, unless ``strict``). An
            interval ``(t1, t2)``: the weighted combination (module notes). Omitted with a
            single linked matrix: that matrix.
        row : int, optional
            Use the row's ``(tstart, tstop)`` as the interval.
        strict : bool
            Raise `StoreError` when no matrix covers the time instead of taking the nearest.

        Returns
        -------
        MatrixData
            With ``tstart``/``tstop`` of the chosen range (or of the interval for a
            combination, whose ``hash`` is None and ``weights`` maps hash → weight).
        """
        key = join_key(*split_key(key))
        links = self.links(key)
        if not links:
            raise StoreError("series has no response linked", file=self.path, key=key)
        w = None
        if row is not None:
            with self._open() as f:
                g = self._series(f, key)
                n = g["tstart"].shape[0]
                if not -n <= row < n:
                    raise StoreError(f"row {row} out of range 0..{n - 1}", file=self.path,
                                     key=key)
                t = (float(g["tstart"][row]), float(g["tstop"][row]))
            if len(links) == 1:
                t = None
            elif not all(np.isfinite(t)):
                raise StoreError(f"row {row} has no time range to choose among "
                                 f"{len(links)} matrices", file=self.path, key=key)
            else:
                # the row alone, with its own exposure (the rule of a PHA-II row)
                w = self._merge(links, self._rule(links, [t], [1.0], None, key))
        if t is None:
            if len(links) > 1:
                raise StoreError(f"series has {len(links)} time-dependent matrices; give t "
                                 "or row", file=self.path, key=key)
            return self._with_link(self.get(links[0].hash), links[0])
        if np.ndim(t) == 0:
            t = (float(t), float(t))
        t1, t2 = sorted(float(x) for x in t)
        if strict:
            for x in {t1, t2}:
                self._check_covered(links, x, key)
        if w is None:
            w = (self._merge(links, self._rule(links, [(t1, t2)], None, None, key))
                 if t1 == t2 else self.weights(key, t1, t2))
        if len(w) == 1:
            h = next(iter(w))
            lk = next(lk for lk in links if lk.hash == h)
            return self._with_link(self.get(h), lk)
        mats = {h: self.get(h) for h in w}
        first = next(iter(mats.values()))
        for m in mats.values():
            if m.matrix.shape != first.matrix.shape or not (
                    np.array_equal(m.energ_lo, first.energ_lo)
                    and np.array_equal(m.energ_hi, first.energ_hi)):
                raise StoreError("cannot weight matrices with different energy grids",
                                 file=self.path, key=f"{key}/response")
        total = combine_matrices([mats[h] for h in w], list(w.values()))
        return MatrixData(energ_lo=first.energ_lo, energ_hi=first.energ_hi, matrix=total,
                          e_min=first.e_min, e_max=first.e_max,
                          first_channel=first.first_channel,
                          is_full_response=first.is_full_response, header=first.header,
                          ebounds_header=first.ebounds_header, tstart=t1, tstop=t2,
                          hash=None, weights=dict(w), ebounds_channel=first.ebounds_channel)

    @staticmethod
    def _with_link(m: MatrixData, lk: MatrixLink) -> MatrixData:
        m.tstart, m.tstop, m.extver = lk.tstart, lk.tstop, lk.extver
        return m

