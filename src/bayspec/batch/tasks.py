"""Tasks (what to fit), chunks, and the worker function that fits a chunk.

A `Task` names one spectrum — a row of a stored series (store path + key + row) or an
OGIP file — never its arrays: workers read their spectra themselves, so only a few
hundred bytes travel per task. `run_chunk` is the function executed by the workers: it
fits every task of a chunk with the template and returns one record per task, catching
per-spectrum errors (which become ``status="failed"`` records). A fit whose minimum is valid
but with parameters on a bound is stored with its results and ``status="at_limit"``
(``extra["at_limit"]`` names the parameters and sides).
"""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from .._threads import limit_blas_threads
from ..errors import ConfigError

__all__ = ["Task", "tasks_from_store", "tasks_from_files", "chunked", "run_chunk"]


@dataclass(frozen=True)
class Task:
    """One spectrum to fit.

    Parameters
    ----------
    key : str
        Result key (unique in a batch): ``"source/instrument/detector/series#row"`` for
        stored rows, the file spec for OGIP files.
    store : str, optional
        Path of the store's data file (stored rows).
    series : str, optional
        Series key in the store.
    row : int, optional
        Row (0-based) of the series or of a PHA-II file.
    t : tuple, optional
        Time interval for the response choice (default: the row's own).
    files : tuple of (role, path) pairs, optional
        OGIP inputs: ``pha`` (required), ``bkg``, ``rsp``, ``rmf``, ``arf``.
    bkg_row : int, optional
        Row (0-based) of a PHA-II background file; default ``row`` (see `tasks_from_files`).
    """

    key: str
    store: str | None = None
    series: str | None = None
    row: int | None = None
    t: tuple | None = None
    files: tuple | None = None
    bkg_row: int | None = None


def _rows_of(sel, nrow: int):
    if sel is None:
        return range(nrow)
    if isinstance(sel, str):
        parts = sel.split(":")
        if len(parts) not in (2, 3):
            raise ConfigError(f"row range must read 'start:stop[:step]', got {sel!r}",
                              key="rows")
        return range(nrow)[slice(*(int(p) if p.strip() else None for p in parts))]
    if isinstance(sel, int):
        return [sel]
    return [int(r) for r in sel]


def tasks_from_store(store, keys=None, rows=None, *, query: dict | None = None,
                     t=None) -> list[Task]:
    """Tasks for rows of a store.

    Parameters
    ----------
    store : Store or str or Path
    keys : str or list of str, optional
        Series keys (every row, or those in ``rows``) or row keys ``"…#row"``; default all
        series of the store (unless ``query`` is given).
    rows : list of int or "start:stop[:step]", optional
        Rows of each series given in ``keys``.
    query : dict, optional
        `MetaStore.find` arguments (``source``, ``instrument``, ``detector``, ``series``,
        ``tmin``, ``tmax``, ``contained``); its hits are added to the tasks.
    t : tuple, optional
        Fixed time interval for the response choice of every task.

    Returns
    -------
    list of Task
    """
    from ..store import as_store, parse_row_key, row_key

    st = as_store(store)
    path = str(Path(st.path).resolve())
    pairs = []
    with st:
        if keys is None and query is None:
            keys = st.keys()
        if isinstance(keys, str):
            keys = [keys]
        for k in keys or ():
            series, r = parse_row_key(k)
            if r is not None:
                pairs.append((series, [r]))
            else:
                pairs.append((series, _rows_of(rows, st.spectra.nrow(series))))
        if query is not None:
            for hit in st.meta.find(**query):
                pairs.append((hit.key, [int(r) for r in hit.rows]))
    tt = None if t is None else tuple(float(v) for v in t)
    out = []
    for series, rr in pairs:
        for r in rr:
            out.append(Task(row_key(series, r), store=path, series=series, row=int(r), t=tt))
    return out


def tasks_from_files(files) -> list[Task]:
    """Tasks for OGIP files.

    Parameters
    ----------
    files : list
        Each entry a PHA spec (``"f.pha"``, ``"f.pha{3}"``; background and response from
        its keywords) or a dict with ``pha`` and optionally ``row``, ``bkg``, ``bkg_row``,
        ``rsp``, ``rmf``, ``arf`` and ``key``. ``row`` (0-based) picks the row of a PHA-II
        source file and, when ``bkg`` is a PHA-II file too, the same row of the background
        (``bkg_row`` picks another; a PHA-I background, or ``bkg: "b.pha{7}"``, is used as
        given). An RSP2 response is weighted over the source row's time range.
    """
    out = []
    for i, f in enumerate(files):
        if isinstance(f, (str, Path)):
            f = {"pha": str(f)}
        if not isinstance(f, dict) or "pha" not in f:
            raise ConfigError(f"file entry {i} needs a 'pha' path", key="files")
        unknown = set(f) - {"pha", "row", "bkg", "bkg_row", "rsp", "rmf", "arf", "key"}
        if unknown:
            raise ConfigError(f"file entry {i}: unknown key(s) {sorted(unknown)}; known: "
                              "pha, row, bkg, bkg_row, rsp, rmf, arf, key", key="files")
        row, brow = (_row_value(f.get(k), i, k) for k in ("row", "bkg_row"))
        if brow is not None and f.get("bkg") is None:
            raise ConfigError(f"file entry {i}: bkg_row given without bkg", key="files")
        key = f.get("key") or (str(f["pha"]) if row is None else f"{f['pha']}{{{row}}}")
        roles = tuple((r, str(f[r])) for r in ("pha", "bkg", "rsp", "rmf", "arf")
                      if f.get(r) is not None)
        out.append(Task(str(key), row=row, files=roles, bkg_row=brow))
    return out


def _row_value(v, i, name):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, str)) or not str(v).strip().isdigit():
        raise ConfigError(f"file entry {i}: {name} must be a 0-based row number, got {v!r}",
                          key="files")
    return int(v)


def chunked(tasks, size: int) -> list[list[Task]]:
    """Consecutive chunks of ``size`` tasks (consecutive rows share a store handle)."""
    size = max(1, int(size))
    return [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]


def default_chunk_size(ntask: int, nworkers: int) -> int:
    """About 8 chunks per worker (load balance), 1 to 32 fits per chunk (overhead)."""
    if ntask <= 0:
        return 1
    return int(min(32, max(1, math.ceil(ntask / (8 * max(1, nworkers))))))


# ---------------------------------------------------------------------- worker side
def _unit_from_files(task: Task, kw: dict):
    """The unit of an OGIP file task, by the one PHA-II-row route
    (`bayspec.data.pha2.unit_from_rows`): an RSP2 given as ``rsp``/``rmf`` is weighted
    over the row's time range (`bayspec.data.rsp2`)."""
    from ..data.pha2 import unit_from_rows
    from ..io import read_pha

    roles = dict(task.files)
    pha = roles.pop("pha")
    src = read_pha(pha) if task.row is None else read_pha(pha, task.row)
    stat = kw.pop("stat", None)
    bkg = roles.pop("bkg", None)
    bkg, bkg_rows = _background_row(bkg, task.row if task.bkg_row is None else task.bkg_row)
    if stat is None:
        stat = "pgstat" if bkg is not None else "cstat"
    return unit_from_rows(src, bkg=bkg, bkg_rows=bkg_rows, stat=stat, name=task.key,
                          **roles, **kw)


def _background_row(bkg, row):
    """``(background, rows)``: the series of a PHA-II background file with ``row`` when the
    file holds several rows and its spec names none (``"b.pha{3}"`` is used as given)."""
    if bkg is None or row is None:
        return bkg, None
    from ..io import read_pha_series
    from ..io._source import parse_source

    if parse_source(bkg)[1] is not None:
        return bkg, None
    series = read_pha_series(bkg)
    if series.counts.shape[0] <= 1:
        return bkg, None
    return series, int(row)


def _fit_one(template, task: Task, st) -> dict:
    from ..infer import Likelihood
    from ..store import unit_from_store
    from ._fit import fit_mle

    t0 = time.perf_counter()
    kw = template.unit_kwargs()
    if task.files is not None:
        unit = _unit_from_files(task, kw)
    else:
        unit = unit_from_store(st, task.series, task.row, task.t, name=task.key, **kw)
    t1 = time.perf_counter()
    like = Likelihood([(unit, template.build_model())])
    res = fit_mle(like, **template.fit)
    t2 = time.perf_counter()
    src = unit.src_ins
    extra = {"valid": res["valid"], "minimum_valid": res["minimum_valid"],
             "at_limit": res["at_limit"], "nfev": res["nfev"], "edm": res["edm"],
             "log10": res["log10"], "read_s": t1 - t0, "fit_s": t2 - t1,
             "exposure": float(src.exposure), "npoints": int(like.npoints)}
    for name in ("tstart", "tstop"):
        v = getattr(src, name, None)
        if v is not None:
            extra[name] = float(v)
    return {"key": task.key, "names": res["names"], "values": res["values"],
            "errors": res["errors"], "statistic": res["statistic"], "dof": res["dof"],
            "status": record_status(res), "message": res["message"], "extra": extra}


#: Record status of a valid fit.
STATUS_OK = "ok"
#: Valid minimum with parameters on a bound: results kept and flagged (a warning, not retried).
STATUS_AT_LIMIT = "at_limit"
#: No usable result (invalid minimum, unreadable spectrum, ...): retried with retry_failed.
STATUS_FAILED = "failed"


def record_status(res: dict) -> str:
    """Status of a fit record (`batch._fit.fit_record`): `STATUS_OK` for a valid fit,
    `STATUS_AT_LIMIT` for a valid minimum with parameters on a bound (the values are
    results, flagged in ``extra["at_limit"]``), `STATUS_FAILED` for an invalid minimum."""
    if res["valid"]:
        return STATUS_OK
    if res["minimum_valid"] and res["at_limit"]:
        return STATUS_AT_LIMIT
    return STATUS_FAILED


def _failed(task: Task, exc: BaseException) -> dict:
    msg = f"{type(exc).__name__}: {exc}"
    tb = traceback.extract_tb(exc.__traceback__)
    where = f"{Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
    return {"key": task.key, "names": [], "values": [], "errors": [],
            "statistic": math.nan, "dof": -1, "status": "failed", "message": msg,
            "extra": {"where": where}}


def run_chunk(template: dict, tasks: list, together: bool = False) -> list[dict]:
    """Fit every task of a chunk (the function the workers run).

    Parameters
    ----------
    template : dict
        `Template.to_dict()`.
    tasks : list of Task
    together : bool
        Fit the chunk's spectra as one problem (`bayspec.infer.many.fit_many`, with the
        template's ``n_starts``/``seed`` screening) when their units allow it; the tasks
        whose joint fit is not valid, and all of them when the units cannot be fitted
        together, are fitted one by one, so the records mean what a single fit's do.

    Returns
    -------
    list of dict
        One record per task, in order, with the fields of `ResultStore.append`
        (``key``, ``names``, ``values``, ``errors``, ``statistic``, ``dof``, ``status``,
        ``message``, ``extra``). A spectrum that cannot be read or fitted gives a
        ``"failed"`` record with the error message; it never raises.
    """
    from .template import Template

    with limit_blas_threads():  # one limit for the chunk (the fits inside keep it)
        return _run_chunk(Template.from_dict(template), tasks, together)


def _run_chunk(tpl, tasks, together=False):
    import warnings

    from ..store import Store

    out = [None] * len(tasks)
    stores = {}

    def store_of(task):
        if task.store is None:
            return None
        st = stores.get(task.store)
        if st is None:
            st = stores[task.store] = Store(task.store, mode="r")
            st.__enter__()  # one open handle for the chunk
        return st

    try:
        if together and len(tasks) > 1 and tpl.fit.get("hesse", True):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _fit_together(tpl, tasks, store_of, out)
        for i, task in enumerate(tasks):
            if out[i] is not None:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    out[i] = _fit_one(tpl, task, store_of(task))
            except Exception as exc:  # noqa: BLE001 - every failure becomes a record
                out[i] = _failed(task, exc)
    finally:
        for st in stores.values():
            st.__exit__(None, None, None)
    return out


def _load_unit(tpl, task, st):
    from ..store import unit_from_store

    kw = tpl.unit_kwargs()
    if task.files is not None:
        return _unit_from_files(task, kw)
    return unit_from_store(st, task.series, task.row, task.t, name=task.key, **kw)


def _fit_together(tpl, tasks, store_of, out):
    """Fill ``out[i]`` with the records of the tasks whose joint fit
    (`bayspec.infer.many.fit_many`) is valid; others stay None (fitted one by one)."""
    from ..errors import BayspecError
    from ..infer.many import fit_many

    t0 = time.perf_counter()
    units, idx = [], []
    for i, task in enumerate(tasks):
        try:
            units.append(_load_unit(tpl, task, store_of(task)))
            idx.append(i)
        except Exception:  # noqa: BLE001 - the single fit reports it
            continue
    if len(units) < 2:
        return
    t1 = time.perf_counter()
    fopt = tpl.fit
    try:
        res = fit_many(units, tpl.build_model(), n_starts=int(fopt.get("n_starts", 0)),
                       seed=int(fopt.get("seed", 0)))
    except (BayspecError, ValueError):
        return
    t2 = time.perf_counter()
    n = len(units)
    log10 = [nm for nm, lg in zip(res.names, res.log10) if lg]
    for j, (i, unit) in enumerate(zip(idx, units)):
        if not res.valid[j]:
            continue
        src = unit.src_ins
        extra = {"valid": True, "minimum_valid": True, "at_limit": {},
                 "nfev": int(res.nfcn // n), "edm": float(res.edm[j]), "log10": log10,
                 "read_s": (t1 - t0) / n, "fit_s": (t2 - t1) / n,
                 "exposure": float(src.exposure), "npoints": int(res.dof + len(res.names)),
                 "together": n}
        for name in ("tstart", "tstop"):
            v = getattr(src, name, None)
            if v is not None:
                extra[name] = float(v)
        out[i] = {"key": tasks[i].key, "names": list(res.names),
                  "values": [float(v) for v in res.values[j]],
                  "errors": [float(v) for v in res.errors[j]],
                  "statistic": float(res.stat[j]), "dof": int(res.dof), "status": STATUS_OK,
                  "message": "", "extra": extra}

