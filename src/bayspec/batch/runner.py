"""`run_batch`: apply a template to many spectra on a backend, append results as they come.

The parent process is the single writer of the `ResultStore`: workers return records,
the parent appends them (journaled, kill-safe) as each chunk completes. Keys already in
the result store are skipped, so rerunning an interrupted batch finishes it and every
spectrum ends with exactly one record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from .backends import make_backend
from .tasks import Task, chunked, default_chunk_size, run_chunk, tasks_from_files
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
    ok, failed : int
        Records appended in this run with status ``"ok"`` / ``"failed"``.
    lost : dict
        Keys whose chunk raised outside the per-spectrum handling (a worker died, a
        lost connection): not recorded, so a rerun retries them; key → message.
    failures : dict
        Key → message of the ``"failed"`` records of this run.
    elapsed : float
        Wall time (s) from the first submission to the last append.
    backend : str
    nworkers, chunk_size, nchunks : int
    """

    total: int = 0
    skipped: int = 0
    ok: int = 0
    failed: int = 0
    lost: dict = field(default_factory=dict)
    failures: dict = field(default_factory=dict)
    elapsed: float = 0.0
    backend: str = ""
    nworkers: int = 1
    chunk_size: int = 1
    nchunks: int = 0

    @property
    def done(self) -> int:
        """Records appended in this run."""
        return self.ok + self.failed

    @property
    def fits_per_second(self) -> float:
        return self.done / self.elapsed if self.elapsed > 0 else float("nan")

    def __str__(self):
        s = (f"batch on {self.backend}: {self.total} tasks, {self.skipped} already done, "
             f"{self.ok} ok, {self.failed} failed")
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
              retry_failed: bool = False, mp_context=None) -> BatchReport:
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
    mp_context : str, optional
        Start method of the local processes.

    Returns
    -------
    BatchReport
    """
    tpl = as_template(template)
    tdict = tpl.to_dict()
    tasks = _normalise_tasks(tasks)
    rs = _as_results(results)
    report = BatchReport(total=len(tasks))
    if retry_failed:
        done = {r["key"] for r in _latest(rs).values() if r["status"] == "ok"}
    else:
        done = rs.done_keys()
    todo = [t for t in tasks if t.key not in done]
    report.skipped = len(tasks) - len(todo)
    with make_backend(backend, workers, scheduler, mp_context) as be:
        report.backend = be.describe()
        report.nworkers = be.nworkers
        size = chunk_size or default_chunk_size(len(todo), be.nworkers)
        chunks = chunked(todo, size)
        report.chunk_size, report.nchunks = int(size), len(chunks)
        bar = _progress(len(todo), progress and bool(todo), "bayspec batch")
        t0 = time.perf_counter()
        try:
            for i, recs, exc in be.run(run_chunk, [(tdict, c) for c in chunks]):
                if exc is not None:
                    msg = f"{type(exc).__name__}: {exc}"
                    for t in chunks[i]:
                        report.lost[t.key] = msg
                else:
                    for rec in recs:
                        _append(rs, rec, report)
                if bar is not None:
                    bar.update(len(chunks[i]))
                    bar.set_postfix(ok=report.ok, failed=report.failed, refresh=False)
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


def _append(rs, rec: dict, report: BatchReport) -> None:
    rs.append(rec["key"], rec["names"], rec["values"], rec["errors"],
              statistic=rec["statistic"], dof=rec["dof"], status=rec["status"],
              message=rec["message"], extra=rec["extra"])
    if rec["status"] == "ok":
        report.ok += 1
    else:
        report.failed += 1
        report.failures[rec["key"]] = rec["message"]
