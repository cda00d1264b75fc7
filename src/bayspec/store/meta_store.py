"""MetaStore: original FITS headers, provenance, and time/detector queries.

Layout::

    /meta/<source>/<instrument>/<detector>/<series>/
        headers/<name>   scalar str   a FITS header as text (80-char cards, '\\n'-joined);
                                      names such as "PRIMARY", "SPECTRUM", "EBOUNDS",
                                      "BKG:SPECTRUM"
        provenance       scalar str   JSON: {"files": [{"role", "path", "sha256",
                                      "size"}...], "import_time" (UTC ISO 8601),
                                      "bayspec_version", ...}

Queries read the small ``tstart``/``tstop`` datasets of each series in ``/spectra`` (one
read per series); times are in the files' own system (s; MET for Fermi).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..errors import StoreError
from ._hdf5 import StoreFile, join_key, keyed_errors, missing, split_key

__all__ = ["MetaStore", "Hit", "file_provenance", "sha256_file"]

_META = "meta"


class Hit(NamedTuple):
    """A query answer: a series key and the indices of its matching rows."""

    key: str
    rows: np.ndarray


def sha256_file(path, bufsize: int = 1 << 20) -> str:
    """sha256 (hex) of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(bufsize), b""):
            h.update(block)
    return h.hexdigest()


def file_provenance(path, role: str) -> dict:
    """Provenance record of one input file: role, absolute path, sha256, size (bytes)."""
    p = Path(path)
    try:
        return {"role": role, "path": str(p.resolve()), "sha256": sha256_file(p),
                "size": p.stat().st_size}
    except OSError as exc:
        raise StoreError(f"cannot read input file for provenance: {exc}", file=p) from None


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _version() -> str:
    from .. import __version__
    return __version__


def _header_text(h) -> str:
    if h is None:
        return ""
    if isinstance(h, str):
        return h
    tostring = getattr(h, "tostring", None)
    if tostring is None:
        raise StoreError(f"cannot store header of type {type(h).__name__}")
    return tostring(sep="\n", endcard=False, padding=False)


class MetaStore(StoreFile):
    """FITS headers and provenance per series, plus queries by detector and time.

    Parameters
    ----------
    path : str or Path
        The HDF5 file holding the spectra being described.
    mode : {"a", "r"}
    """

    def put(self, key, headers: dict | None = None, provenance: dict | None = None) -> None:
        """Record the headers (``astropy.io.fits.Header`` or text) and provenance of a series.

        ``provenance`` is completed with ``import_time`` and ``bayspec_version`` when
        missing. Existing headers with other names are kept; same names are replaced.
        """
        key = join_key(*split_key(key))
        prov = dict(provenance or {})
        prov.setdefault("import_time", _now())
        prov.setdefault("bayspec_version", _version())
        with self._open(write=True) as f:
            g = f.require_group(f"{_META}/{key}")
            hg = g.require_group("headers")
            for name, h in (headers or {}).items():
                if h is None:
                    continue
                name = str(name).replace("/", "|")
                if name in hg:
                    del hg[name]
                hg.create_dataset(name, data=_header_text(h))
            if "provenance" in g:
                del g["provenance"]
            g.create_dataset("provenance", data=json.dumps(prov))

    def _group(self, f, key):
        g = f.get(f"{_META}/{key}")
        if g is None:
            cands = []
            if _META in f:
                f[_META].visititems(lambda n, o: cands.append(n) if n.endswith("/headers")
                                    else None)
            raise missing(self.path, key, "metadata entry",
                          [c[: -len("/headers")] for c in cands])
        return g

    @keyed_errors
    def header_names(self, key) -> list[str]:
        """Names of the headers kept for series ``key``."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._group(f, key)
            return [n.replace("|", "/") for n in g.get("headers", {})]

    @keyed_errors
    def header_text(self, key, name: str = "SPECTRUM") -> str:
        """A stored header as text."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._group(f, key)
            hg = g.get("headers", {})
            if name.replace("/", "|") not in hg:
                raise missing(self.path, f"{key} header {name}", "header",
                              [n.replace("|", "/") for n in hg])
            v = hg[name.replace("/", "|")][()]
            return v.decode() if isinstance(v, bytes) else str(v)

    def header(self, key, name: str = "SPECTRUM"):
        """A stored header as an ``astropy.io.fits.Header``."""
        from astropy.io import fits
        return fits.Header.fromstring(self.header_text(key, name), sep="\n")

    @keyed_errors
    def provenance(self, key) -> dict:
        """Provenance of series ``key``: files (path, sha256, size), import time, version."""
        key = join_key(*split_key(key))
        with self._open() as f:
            g = self._group(f, key)
            if "provenance" not in g:
                return {}
            v = g["provenance"][()]
            try:
                return json.loads(v.decode() if isinstance(v, bytes) else v)
            except ValueError as exc:
                raise StoreError(f"corrupt provenance record: {exc}", file=self.path,
                                 key=key) from None

    # ---------------------------------------------------------------- queries
    def _scan(self, source, instrument, detector, series):
        from .spectrum_store import SpectrumStore
        s = SpectrumStore(self.path, "r")
        s._f = self._f  # reuse an open handle when inside ``with``
        try:
            keys = s.keys(source, instrument, detector)
            with self._open() as f:
                for key in keys:
                    if series is not None and key.rsplit("/", 1)[1] != series:
                        continue
                    g = f[f"spectra/{key}"]
                    yield key, g["tstart"][()], g["tstop"][()]
        finally:
            s._f = None

    def find(self, source=None, instrument=None, detector=None, series=None, *,
             tmin: float | None = None, tmax: float | None = None,
             contained: bool = False) -> list[Hit]:
        """Series rows of the given source/instrument/detector within a time window.

        Parameters
        ----------
        source, instrument, detector, series : str, optional
            Key parts to match exactly (None: any).
        tmin, tmax : float, optional
            Time window in s (None: unbounded).
        contained : bool
            False (default): rows overlapping ``(tmin, tmax)``; True: rows lying entirely
            within ``[tmin, tmax]``.

        Returns
        -------
        list of Hit
            ``(key, rows)`` for every series with at least one matching row.
        """
        lo = -np.inf if tmin is None else float(tmin)
        hi = np.inf if tmax is None else float(tmax)
        if lo > hi:
            raise StoreError(f"empty time window tmin={tmin} > tmax={tmax}", file=self.path)
        out = []
        for key, ts, te in self._scan(source, instrument, detector, series):
            if tmin is None and tmax is None:
                sel = np.ones(ts.shape, bool)
            elif contained:
                sel = (ts >= lo) & (te <= hi)
            else:
                sel = (te > lo) & (ts < hi) | ((ts == te) & (ts >= lo) & (ts <= hi))
            rows = np.nonzero(sel)[0]
            if rows.size:
                out.append(Hit(key, rows))
        return out

    def covering(self, t: float, source=None, instrument=None, detector=None,
                 series=None) -> list[Hit]:
        """All series rows whose ``[tstart, tstop)`` contains time ``t`` (s)."""
        t = float(t)
        out = []
        for key, ts, te in self._scan(source, instrument, detector, series):
            rows = np.nonzero(((ts <= t) & (t < te)) | ((ts == te) & (ts == t)))[0]
            if rows.size:
                out.append(Hit(key, rows))
        return out
