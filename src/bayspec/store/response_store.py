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

The compact form is OGIP's: for every photon-energy row only its runs of non-zero
channels are kept (``n_grp``, ``f_chan``, ``n_chan`` and the flat ``values``).

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
A series may point to several matrices, each valid over ``[tstart, tstop)`` (s).
`ResponseStore.response_for` with a time ``t`` returns the matrix whose range covers
``t`` (a zero-width range covers exactly its instant); if none covers ``t`` it returns
the nearest one in time, ties going to the range whose centre is closer (or raises with
``strict=True``). For an interval ``(t1, t2)``
covering several ranges it returns the weighted sum ``sum_i w_i M_i`` with
``w_i = sum_r exposure_r * |row_r ∩ (t1, t2) ∩ range_i| / |row_r|`` over the series rows
``r`` of positive exposure and duration (exposure-weighted), falling back to plain time
overlap ``|(t1, t2) ∩ range_i|`` when no row contributes; weights are normalised to 1.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

from ..errors import StoreError
from ._hdf5 import StoreFile, join_key, missing, read_attrs, split_key, write_array

__all__ = ["ResponseStore", "MatrixData", "ArfData", "MatrixLink", "compact", "expand",
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


def compact(matrix, first_channel: int = 1):
    """Keep only each row's runs of non-zero channels (OGIP compression).

    Parameters
    ----------
    matrix : ndarray (nphot, nchan)
    first_channel : int
        Number given to column 0 in ``f_chan``.

    Returns
    -------
    n_grp (nphot,), f_chan (ngrp,), n_chan (ngrp,), values (nnz,)
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


def expand(n_grp, f_chan, n_chan, values, nchan: int, first_channel: int = 1):
    """Inverse of `compact`: the dense ``(nphot, nchan)`` float64 matrix."""
    n_grp = np.asarray(n_grp, np.int64)
    f_chan = np.asarray(f_chan, np.int64) - first_channel
    n_chan = np.asarray(n_chan, np.int64)
    nphot = n_grp.size
    out = np.zeros((nphot, nchan), np.float64)
    grp_row = np.repeat(np.arange(nphot), n_grp)
    rows = np.repeat(grp_row, n_chan)
    starts = np.cumsum(n_chan) - n_chan
    cols = np.arange(int(n_chan.sum())) - np.repeat(starts, n_chan) + np.repeat(f_chan, n_chan)
    out[rows, cols] = values
    return out


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

    def get(self, h: str) -> MatrixData:
        """The dense matrix stored under hash ``h``."""
        with self._open() as f:
            root = f.get(_RSP)
            g = None if root is None else root.get(str(h))
            if g is None or not g.attrs.get("complete", False):
                raise missing(self.path, f"{_RSP}/{h}", "response matrix",
                              [f"{_RSP}/{k}" for k in (root or {}) if not k.startswith(".")])
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

    def get_arf(self, h: str) -> ArfData:
        """The ARF stored under hash ``h``."""
        with self._open() as f:
            root = f.get(_ARF)
            g = None if root is None else root.get(str(h))
            if g is None:
                raise missing(self.path, f"{_ARF}/{h}", "ARF",
                              [f"{_ARF}/{k}" for k in (root or {}) if not k.startswith(".")])
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

    def arf_for(self, key) -> ArfData | None:
        """The ARF linked to series ``key``, or None."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._series(f, key)
            h = g["response"].attrs.get("arf") if "response" in g else None
        return None if h is None else self.get_arf(h.decode() if isinstance(h, bytes) else h)

    def weights(self, key, t1: float, t2: float) -> dict[str, float]:
        """Weights of the linked matrices for the interval ``(t1, t2)`` (s); sum to 1.

        See the module notes: exposure-weighted overlap of the series rows with each
        matrix range, else plain time overlap, else the matrix covering (or nearest to)
        the midpoint.
        """
        key = join_key(*split_key(key))
        links = self.links(key)
        if not links:
            raise StoreError("series has no response linked", file=self.path, key=key)
        if len(links) == 1:
            return {links[0].hash: 1.0}
        lo = np.array([lk.tstart for lk in links])
        hi = np.array([lk.tstop for lk in links])
        t1, t2 = float(min(t1, t2)), float(max(t1, t2))
        w = np.zeros(len(links))
        if t2 > t1:
            with self._open() as f:
                g = self._series(f, key)
                rs, re_, ex = g["tstart"][()], g["tstop"][()], g["exposure"][()]
            dur = re_ - rs
            ok = (ex > 0) & (dur > 0) & np.isfinite(rs) & np.isfinite(re_)
            a = np.maximum(rs[ok, None], np.maximum(t1, lo[None, :]))
            b = np.minimum(re_[ok, None], np.minimum(t2, hi[None, :]))
            w = (ex[ok, None] * np.clip(b - a, 0, None) / dur[ok, None]).sum(axis=0)
            if not w.sum() > 0:
                w = np.clip(np.minimum(t2, hi) - np.maximum(t1, lo), 0, None)
        if not w.sum() > 0:
            i = self._pick(links, 0.5 * (t1 + t2), strict=False, key=key)
            return {links[i].hash: 1.0}
        w = w / w.sum()
        out: dict[str, float] = {}
        for lk, wi in zip(links, w):
            if wi > 0:
                out[lk.hash] = out.get(lk.hash, 0.0) + float(wi)
        return out

    def _pick(self, links, t, strict, key) -> int:
        lo = np.array([lk.tstart for lk in links])
        hi = np.array([lk.tstop for lk in links])
        cover = ((lo <= t) & (t < hi)) | ((lo == hi) & (t == lo))
        if cover.any():
            return int(np.argmax(cover))
        if np.all(np.isnan(lo)):
            return 0
        if strict:
            raise StoreError(f"no response matrix covers t={t!r} s; ranges: " + ", ".join(
                f"[{a!r}, {b!r})" for a, b in zip(lo, hi)), file=self.path, key=key)
        dist = np.where(t < lo, lo - t, np.where(t >= hi, t - hi, 0.0))
        mid = np.abs(t - 0.5 * (lo + hi))  # ties: the range whose centre is closer
        dist = np.where(np.isnan(dist), np.inf, dist)
        return int(np.lexsort((np.where(np.isnan(mid), np.inf, mid), dist))[0])

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
        if row is not None:
            with self._open() as f:
                g = self._series(f, key)
                n = g["tstart"].shape[0]
                if not -n <= row < n:
                    raise StoreError(f"row {row} out of range 0..{n - 1}", file=self.path,
                                     key=key)
                t = (float(g["tstart"][row]), float(g["tstop"][row]))
            if len(links) == 1 or not all(np.isfinite(t)):
                t = None if len(links) == 1 else t
        if t is None:
            if len(links) > 1:
                raise StoreError(f"series has {len(links)} time-dependent matrices; give t "
                                 "or row", file=self.path, key=key)
            return self._with_link(self.get(links[0].hash), links[0])
        if np.ndim(t) == 0:
            i = self._pick(links, float(t), strict, key)
            return self._with_link(self.get(links[i].hash), links[i])
        t1, t2 = (float(x) for x in t)
        if strict:
            for x in (t1, t2):
                self._pick(links, x, True, key)
        w = self.weights(key, t1, t2)
        if len(w) == 1:
            h = next(iter(w))
            lk = next(lk for lk in links if lk.hash == h)
            return self._with_link(self.get(h), lk)
        mats = {h: self.get(h) for h in w}
        first = next(iter(mats.values()))
        for h, m in mats.items():
            if m.matrix.shape != first.matrix.shape or not (
                    np.array_equal(m.energ_lo, first.energ_lo)
                    and np.array_equal(m.energ_hi, first.energ_hi)):
                raise StoreError("cannot weight matrices with different energy grids",
                                 file=self.path, key=f"{key}/response")
        total = sum(w[h] * mats[h].matrix for h in w)
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

