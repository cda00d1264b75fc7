"""ResultStore: fit results appended one by one, safe against a killed process.

Durability protocol (write-ahead journal + short HDF5 transactions)
-------------------------------------------------------------------
``append`` does, in order:

1. write the record as one JSON line to the journal ``<file>.<group>.journal`` and
   ``fsync`` it (the record is now durable; a line cut short by a kill is ignored);
2. open the HDF5 file, append the record to ``/<group>``'s resizable datasets, set the
   group's ``nrec`` attribute last, flush and close the file.

Readers take the first ``nrec`` HDF5 records plus every journal record not yet in HDF5
(matched by record ``id``), so a process killed at any instant leaves every completed
``append`` readable. The next ``append`` replays pending journal records into HDF5. The
journal is append-only and kept: if a kill ever corrupts the HDF5 file, `rebuild`
(called automatically by ``append`` with ``auto_rebuild=True``) moves the damaged file
aside and writes a fresh one from the journal. For that reason results are best kept in a
file of their own (the `Store` facade uses ``<name>.results.h5``).

Layout::

    /<group>/                    attrs: nrec (records committed), kind="results"
        id         (n,) str      unique record id (uuid4 hex)
        key        (n,) str      what was fitted (e.g. "grb/gbm/n3/series#12")
        names      (n,) str      JSON list of parameter names
        values     (n,) vlen float64   best-fit values (parameter units)
        errors     (n,) vlen float64   1-sigma errors (NaN if unknown)
        statistic  (n,) float64  fit statistic value
        dof        (n,) int64    degrees of freedom (-1 if unknown)
        status     (n,) str      "ok", "failed", ...
        message    (n,) str      error message ("" if none)
        timestamp  (n,) float64  s since the Unix epoch (UTC)
        extra      (n,) str      JSON dict of anything else

Concurrency: one writer process at a time (appends are not locked against each other);
readers may read at any time (they open the HDF5 file read-only for each call).
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import time
import uuid
import warnings
from pathlib import Path

import h5py
import numpy as np

from ..errors import StoreError
from ._hdf5 import StoreFile, fsync_dir, open_h5

__all__ = ["ResultStore"]

_FIELDS = ("id", "key", "names", "values", "errors", "statistic", "dof", "status",
           "message", "timestamp", "extra")


def _dtypes():
    s = h5py.string_dtype()
    v = h5py.vlen_dtype(np.float64)
    return {"id": s, "key": s, "names": s, "values": v, "errors": v,
            "statistic": np.float64, "dof": np.int64, "status": s, "message": s,
            "timestamp": np.float64, "extra": s}


def _s(v):
    return v.decode() if isinstance(v, bytes) else str(v)


class ResultStore(StoreFile):
    """Append-only store of fit results with resume support.

    Parameters
    ----------
    path : str or Path
        The HDF5 file (a dedicated file is recommended, see the module notes).
    group : str
        Group holding the results (several result sets may share a file).
    mode : {"a", "r"}
    durable : bool
        ``fsync`` the journal on every append (default). False is faster but a power
        failure (not a killed process) may lose the last records.
    auto_rebuild : bool
        If the HDF5 file is unreadable when appending, rebuild it from the journal.
    """

    def __init__(self, path, group: str = "results", mode: str = "a", *,
                 durable: bool = True, auto_rebuild: bool = True):
        super().__init__(path, mode, must_exist=False)  # checked when read (see records)
        if not group or "/" in group or group.startswith("."):
            raise StoreError(f"invalid result group name {group!r}", file=path)
        self.group = group
        self.durable = durable
        self.auto_rebuild = auto_rebuild
        self.journal = self.path.with_name(f"{self.path.name}.{group}.journal")
        self._journal_done = 0  # journal bytes known to be committed to HDF5
        self._journal_end = 0

    # ------------------------------------------------------------------ journal
    def _journal_records(self, start: int = 0) -> list[dict]:
        if not self.journal.exists():
            self._journal_end = start
            return []
        out = []
        with open(self.journal, "rb") as fh:
            fh.seek(start)
            data = fh.read()
        self._journal_end = start + len(data)
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue  # a line cut short by a kill: that append never completed
            if isinstance(rec, dict) and "id" in rec:
                out.append(rec)
        return out

    def _journal_append(self, rec: dict) -> None:
        new = not self.journal.exists()
        with open(self.journal, "ab") as fh:
            if fh.tell() > 0:
                with open(self.journal, "rb") as rh:
                    rh.seek(-1, os.SEEK_END)
                    if rh.read(1) != b"\n":
                        fh.write(b"\n")  # isolate a torn line from an earlier kill
            fh.write(json.dumps(rec, allow_nan=True).encode() + b"\n")
            fh.flush()
            if self.durable:
                os.fsync(fh.fileno())
        if new and self.durable:
            fsync_dir(self.journal.parent)

    # ------------------------------------------------------------------ HDF5
    def _h5_records(self, f) -> list[dict]:
        g = f.get(self.group)
        if g is None:
            return []
        n = int(g.attrs.get("nrec", 0))
        if n == 0:
            return []
        cols = {name: g[name][:n] for name in _FIELDS if name in g}
        out = []
        for i in range(n):
            out.append({
                "id": _s(cols["id"][i]), "key": _s(cols["key"][i]),
                "names": json.loads(_s(cols["names"][i])),
                "values": [float(x) for x in cols["values"][i]],
                "errors": [float(x) for x in cols["errors"][i]],
                "statistic": float(cols["statistic"][i]), "dof": int(cols["dof"][i]),
                "status": _s(cols["status"][i]), "message": _s(cols["message"][i]),
                "timestamp": float(cols["timestamp"][i]),
                "extra": json.loads(_s(cols["extra"][i]) or "{}"),
            })
        return out

    def _h5_append(self, f, recs: list[dict]) -> None:
        g = f.require_group(self.group)
        g.attrs["kind"] = "results"
        dts = _dtypes()
        for name in _FIELDS:
            if name not in g:
                g.create_dataset(name, shape=(0,), maxshape=(None,), chunks=(64,),
                                 dtype=dts[name])
        n = int(g.attrs.get("nrec", 0))
        m = n + len(recs)
        for name in _FIELDS:
            ds = g[name]
            ds.resize((m,))
            for j, rec in enumerate(recs):
                v = rec[name]
                if name == "names":
                    v = json.dumps(list(v))
                elif name == "extra":
                    v = json.dumps(v or {})
                elif name in ("values", "errors"):
                    v = np.asarray(v, np.float64)
                ds[n + j] = v
        f.flush()
        g.attrs["nrec"] = m  # the commit point
        f.flush()

    # ------------------------------------------------------------------ public
    def append(self, key, names=(), values=(), errors=None, *, statistic=math.nan,
               dof: int = -1, status: str = "ok", message: str = "",
               extra: dict | None = None) -> dict:
        """Record one fit result durably (see the module notes).

        Parameters
        ----------
        key : str
            What was fitted (a series key, a row key such as ``"…/series#12"``, ...).
        names : sequence of str
            Parameter names.
        values, errors : sequence of float
            Best-fit values and 1-sigma errors, in the parameters' units (errors default
            to NaN).
        statistic : float
            Fit statistic at the best fit.
        dof : int
            Degrees of freedom.
        status : str
            ``"ok"`` for a successful fit, anything else (``"failed"``) otherwise.
        message : str
            Error message of a failed fit.
        extra : dict, optional
            JSON-serialisable extras (fluxes, sampler diagnostics, ...).

        Returns
        -------
        dict
            The record as stored (with ``id`` and ``timestamp``).
        """
        if self.mode != "a":
            raise StoreError("result store opened read-only", file=self.path)
        names = [str(n) for n in names]
        values = [float(v) for v in values]
        errors = [math.nan] * len(values) if errors is None else [float(e) for e in errors]
        if not (len(names) == len(values) == len(errors)):
            raise StoreError(f"names ({len(names)}), values ({len(values)}) and errors "
                             f"({len(errors)}) differ in length", file=self.path, key=key)
        rec = {"id": uuid.uuid4().hex, "key": str(key), "names": names, "values": values,
               "errors": errors, "statistic": float(statistic), "dof": int(dof),
               "status": str(status), "message": str(message or ""),
               "timestamp": time.time(), "extra": dict(extra or {})}
        try:
            json.dumps(rec["extra"])
        except (TypeError, ValueError) as exc:
            raise StoreError(f"extra is not JSON-serialisable: {exc}", file=self.path,
                             key=key) from None
        self._journal_append(rec)
        try:
            self._commit()
        except StoreError:
            if not self.auto_rebuild:
                raise
            self.rebuild()
        return rec

    def _commit(self) -> None:
        """Write every journal record that is not yet in HDF5."""
        with self._open(write=True) as f:
            pending = self._journal_records(self._journal_done)
            end = self._journal_end
            if pending:
                g = f.get(self.group)
                n = 0 if g is None else int(g.attrs.get("nrec", 0))
                have = set() if n == 0 else {_s(x) for x in g["id"][:n]}
                pending = [r for r in pending if r["id"] not in have]
            if pending:
                self._h5_append(f, pending)
        self._journal_done = end

    def records(self) -> list[dict]:
        """All records in append order (committed HDF5 records, then pending journal ones).

        If the HDF5 file is unreadable, the journal alone is used (with a warning).

        Raises
        ------
        StoreError
            Opened read-only (``mode="r"``) and neither the file nor its journal exists.
        """
        if self.mode == "r" and self._f is None and not self.path.exists() \
                and not self.journal.exists():
            raise StoreError("no such result file (nor its journal); mode='r' reads an "
                             "existing result store", file=self.path)
        h5 = []
        if self.path.exists() or self._f is not None:
            try:
                with self._open() as f:
                    h5 = self._h5_records(f)
            except (StoreError, OSError, KeyError, ValueError) as exc:
                warnings.warn(f"{self.path}: result file unreadable ({exc}); "
                              "reading the journal", RuntimeWarning, stacklevel=2)
                h5 = []
        have = {r["id"] for r in h5}
        return h5 + [r for r in self._journal_records() if r["id"] not in have]

    def __len__(self):
        return len(self.records())

    def __iter__(self):
        return iter(self.records())

    def done_keys(self, status: str | None = None) -> set[str]:
        """Keys that already have a result (only those with this ``status`` if given)."""
        return {r["key"] for r in self.records() if status is None or r["status"] == status}

    def latest(self, key) -> dict:
        """The last record appended for ``key``."""
        recs = [r for r in self.records() if r["key"] == str(key)]
        if not recs:
            from ._hdf5 import missing
            raise missing(self.path, str(key), "result",
                          sorted({r["key"] for r in self.records()}))
        return recs[-1]

    @staticmethod
    def iso(rec: dict) -> str:
        """A record's timestamp as UTC ISO 8601."""
        return _dt.datetime.fromtimestamp(rec["timestamp"], _dt.timezone.utc).isoformat()

    def rebuild(self) -> Path | None:
        """Rewrite the HDF5 results from the journal; move an unreadable file aside.

        Returns
        -------
        Path or None
            Where the unreadable file was moved (``<file>.corrupt-<time>``), or None.
        """
        aside = None
        try:
            with open_h5(self.path, "r") if self.path.exists() else _null():
                pass
        except StoreError:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            os.replace(self.path, aside)
        if aside is None and self.path.exists():
            with open_h5(self.path, "a") as f:
                if self.group in f:
                    del f[self.group]
        self._journal_done = 0
        self._commit()
        return aside


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False
