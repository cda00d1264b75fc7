"""`run_batch`: apply a template to many spectra on a backend, append results as they come.

The parent process is the single writer of the `ResultStore`: workers return records,
the parent appends them (journaled, kill-safe) as each chunk completes. Keys already in
the result store are skipped, so rerunning an interrupted batch finishes it and every
spectrum ends with exactly one record.

Every record carries the hash of the template that produced it
(``extra["template_hash"]``, `Template.hash`). A batch whose template differs from the one
that wrote the existing records of its tasks refuses to resume into them (`ConfigError`
saying how many and which model wrote them) unless ``force=True``: then those tasks are
refitted and their new records supersede the old ones (`ResultStore.latest`). Records are
``"ok"``, ``"at_limit"`` (valid minimum, parameters on a bound: results kept and flagged, not
retried) or ``"failed"``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .backends import make_backend
from .tasks import (
    STATUS_AT_LIMIT,
    STATUS_FAILED,
    STATUS_OK,
    Task,
    chunked,
    default_chunk_size,
    run_chunk,
    tasks_from_files,
)
from .template import as_template

__all__ = ["run_batch", "BatchReport"]


@dataclass
class BatchReport:
    """What a batch did.

    Attributes
    ----------
    total : int
        Tasks requested (after removing duplicate keys).
    skipped : int
        Tasks already in the result store.
    ok, at_limit, failed : int
        Records appended in this run with status ``"ok"`` / ``"at_limit"`` (results kept,
        parameters on a bound) / ``"failed"``.
    skipped_failed : int
        Of the skipped tasks, those whose stored record is ``"failed"`` (not refitted
        without ``retry_failed``).
    refitted : int
        Tasks refitted because their records came from another template (``force``).
    lost : dict
        Keys whose chunk raised outside the per-spectrum handling (a worker died, a
        lost connection): not recorded, so a rerun retries them; key → message.
    failures : dict
        Key → message of the ``"failed"`` records of this run.
    warnings : dict
        Key → message of the ``"at_limit"`` records of this run.
    elapsed : float
        Wall time (s) from the first submission to the last append.
    backend : str
    nworkers, chunk_size, nchunks : int
    """

    total: int = 0
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    at_limit: int = 0
    skipped_failed: int = 0
    refitted: int = 0
    lost: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)
    elapsed: float = 0.0
    backend: str = ""
    nworkers: int = 1
    chunk_size: int = 1
    nchunks: int = 0

    @property
    def done(self) -> int:
        """Records appended in this run."""
        return self.ok + self.at_limit + self.failed

    @property
    def complete(self) -> bool:
        """Every requested task has a record and none of them is ``"failed"``."""
        return not (self.failed or self.lost or self.skipped_failed)

    def summary(self) -> str:
        """One line for the end of a run: what is missing or flagged, or that all is well."""
        bad = []
        if self.failed:
            bad.append(f"{self.failed} failed")
        if self.skipped_failed:
            bad.append(f"{self.skipped_failed} failed earlier (set retry_failed to refit)")
        if self.lost:
            bad.append(f"{len(self.lost)} lost (rerun to retry)")
        if bad:
            return f"NOT COMPLETE: {', '.join(bad)} of {self.total} tasks"
        if self.at_limit:
            return (f"finished with warnings: {self.at_limit} fit(s) with parameters on a "
                    "bound (results stored with status 'at_limit')")
        return f"complete: all {self.total} tasks have a valid fit"

    @property
    def fits_per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else float("nan")

    def __str__(self):
        s = (f"batch on {self.backend}: {self.total} tasks, {self.skipped} already done, "
             f"{self.ok} ok, {self.failed} failed")
        if self.at_limit:
            s += f", {self.at_limit} at a bound (results kept, flagged)"
        if self.refitted:
            s += f", {self.refitted} refitted (template changed, --force)"
        if self.lost:
            s += f", {len(self.lost)} lost (rerun to retry)"
        return s + (f" in {self.elapsed:.1f} s ({self.fits_per_second:.1f} fits/s, "
                    f"{self.nchunks} chunks of <= {self.chunk_size})")


def _as_tasks(tasks) -> list[Task]:
    tasks = list(tasks)
    if not all(isinstance(t, Task) for t in tasks):
        tasks = [t if isinstance(t, Task) else None for t in tasks]
        if any(t is None for t in tasks):
            raise ConfigError("tasks must be Task objects (see tasks_from_store) or OGIP file "
                              "entries (see tasks_from_files), not a mix", key="tasks")
    return tasks


def _normalise_tasks(tasks) -> list[Task]:
    tasks = list(tasks)
    if tasks and not isinstance(tasks[0], Task):
        tasks = tasks_from_files(tasks)
    tasks = _as_tasks(tasks)
    seen, out = set(), []
    for t in tasks:
        if t.key not in seen:
            seen.add(t.key)
            out.append(t)
    return out


def _as_results(results):
    from ..store import ResultStore

    if isinstance(results, ResultStore):
        return results
    if isinstance(results, (str, Path)):
        return ResultStore(results)
    raise ConfigError(f"results must be a ResultStore or a file path, got "
                      f"{type(results).__name__}", key="results")


def _progress(total: int, enabled: bool, desc: str):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="fit", dynamic_ncols=True)


def run_batch(template, tasks, results, *, backend: str = "local", workers: int | None = None,
              scheduler=None, chunk_size: int | None = None, progress: bool = True,
              retry_failed: bool = False, force: bool = False,
              mp_context=None, together: bool = True) -> BatchReport:
    """Fit many spectra with one template and store the results.

    Parameters
    ----------
    template : Template, dict or str
        The analysis (a model expression alone uses the template defaults).
    tasks : list of Task, or list of OGIP file entries
        From `tasks_from_store` / `tasks_from_files` (file entries are converted).
    results : ResultStore or str or Path
        Where records are appended (by this process only).
    backend : {"local", "dask"}
        ``"local"``: worker processes on this machine (``workers=1``: inline);
        ``"dask"``: a dask.distributed cluster (a LocalCluster if no ``scheduler``).
    workers : int, optional
        Local processes (default all CPUs) or LocalCluster workers.
    scheduler : str or distributed.Client, optional
        A Dask scheduler address or Client; implies the Dask backend.
    chunk_size : int, optional
        Fits per task sent to a worker (default: about 8 chunks per worker, at most 32).
    progress : bool
        Show a tqdm progress bar.
    retry_failed : bool
        Also refit keys whose last record is ``"failed"`` (default: skip every key with a
        record).
    force : bool
        Refit the tasks whose records were written with another template (their new
        records supersede the old ones); without it such a batch raises `ConfigError`.
    mp_context : str, optional
        Start method of the local processes.
    together : bool
        Fit each chunk's spectra as one problem when their units allow it
        (`bayspec.infer.many.fit_many`; see `run_chunk`), else one by one (default on;
        the records are the same kind either way).

    Returns
    -------
    BatchReport

    Raises
    ------
    ConfigError
        Records of these tasks were written with another template (and not ``force``).
    """
    tpl = as_template(template)
    tdict = tpl.to_dict()
    thash = tpl.hash()
    tasks = _normalise_tasks(tasks)
    rs = _as_results(results)
    report = BatchReport(total=len(tasks))
    latest = _latest(rs)
    stale = _stale_keys(tasks, latest, thash)
    if stale and not force:
        raise ConfigError(_stale_message(rs, stale, latest, tpl), file=str(rs.path),
                          key="template")
    report.refitted = len(stale)
    done = set()
    for key, r in latest.items():
        if key in stale or (retry_failed and r["status"] == STATUS_FAILED):
            continue
        done.add(key)
    todo = [t for t in tasks if t.key not in done]
    report.skipped = len(tasks) - len(todo)
    report.skipped_failed = sum(1 for t in tasks if t.key in done
                                and latest[t.key]["status"] == STATUS_FAILED)
    with make_backend(backend, workers, scheduler, mp_context) as be:
        report.backend = be.describe()
        report.nworkers = be.nworkers
        size = chunk_size or default_chunk_size(len(todo), be.nworkers)
        chunks = chunked(todo, size)
        report.chunk_size, report.nchunks = int(size), len(chunks)
        bar = _progress(len(todo), progress and bool(todo), "bayspec batch")
        t0 = time.perf_counter()
        try:
            for i, recs, exc in be.run(run_chunk, [(tdict, c, together) for c in chunks]):
                if exc is not None:
                    msg = f"{type(exc).__name__}: {exc}"
                    for t in chunks[i]:
                        report.lost[t.key] = msg
                else:
                    for rec in recs:
                        _append(rs, rec, report, thash, tpl.model)
                if bar is not None:
                    bar.update(len(chunks[i]))
                    bar.set_postfix(ok=report.ok, at_limit=report.at_limit,
                                    failed=report.failed, refresh=False)
        finally:
            report.elapsed = time.perf_counter() - t0
            if bar is not None:
                bar.close()
    return report


def _latest(rs) -> dict:
    out = {}
    for r in rs.records():
        out[r["key"]] = r
    return out


def _stale_keys(tasks, latest: dict, thash: str) -> set:
    """Keys of ``tasks`` whose last record was written with another template (or with no
    template hash, i.e. by a bayspec that did not record it)."""
    return {t.key for t in tasks if t.key in latest
            and (latest[t.key].get("extra") or {}).get("template_hash") != thash}


def _stale_message(rs, stale: set, latest: dict, tpl) -> str:
    models = sorted({str((latest[k].get("extra") or {}).get("template_model", "?"))
                     for k in stale})
    return (f"{len(stale)} of the requested tasks already have records in {rs.path} written "
            f"with a different template (model {', '.join(map(repr, models))}; now "
            f"{tpl.model!r}, or other template settings; '?' = written without a template "
            "hash); resuming would mix results of two analyses. Give a new 'results' file "
            "for this template, or pass --force (force=True) to refit those tasks into the "
            "same file (their new records supersede the old ones)")


def _append(rs, rec: dict, report: BatchReport, thash: str, model: str) -> None:
    extra = dict(rec["extra"])
    extra["template_hash"] = thash
    extra["template_model"] = model
    rs.append(rec["key"], rec["names"], rec["values"], rec["errors"],
              statistic=rec["statistic"], dof=rec["dof"], status=rec["status"],
              message=rec["message"], extra=extra)
    if rec["status"] == STATUS_OK:
        report.ok += 1
    elif rec["status"] == STATUS_AT_LIMIT:
        report.at_limit += 1
        report.warnings[rec["key"]] = rec["message"]
    else:
        report.failed += 1
        report.failures[rec["key"]] = rec["message"]
