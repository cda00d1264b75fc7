"""Batch fitting: one analysis template applied to many spectra, locally or on Dask.

Modules (one job each):

- `template` — `Template`: model expression, statistic, notc, grouping, method, settings;
- `tasks` — `Task`, `tasks_from_store`, `tasks_from_files`, chunking, and `run_chunk`,
  the worker function (reads its spectra itself, returns one record per spectrum);
- `backends` — inline, local processes (`LocalBackend`), `DaskBackend`;
- `runner` — `run_batch` → `BatchReport` (skips done keys, appends as chunks complete);
- `_fit` — the MLE helper (iminuit on the `Likelihood` kernel);
- the lazy ``dask.distributed`` import is decided in `bayspec._optional`.

Example (needs a store ``grb.h5`` with that series, e.g. from `bayspec.store.import_ogip`;
the batch tutorial of the documentation builds one from the bundled files)

>>> from bayspec.batch import Template, run_batch, tasks_from_store
>>> tasks = tasks_from_store("grb.h5", "bn080916009/gbm/n3/series", rows="0:200")  # doctest: +SKIP
>>> report = run_batch(Template("cpl", stat="cstat", notc=[8, 900]), tasks,       # doctest: +SKIP
...                    "grb.results.h5", workers=4)
"""

from .._optional import MissingDependencyError, available
from .backends import DaskBackend, InlineBackend, LocalBackend, make_backend
from .runner import BatchReport, run_batch
from .tasks import Task, chunked, run_chunk, tasks_from_files, tasks_from_store
from .template import Template, as_template

__all__ = [
    "Template", "as_template", "Task", "tasks_from_store", "tasks_from_files", "chunked",
    "run_chunk", "run_batch", "BatchReport", "InlineBackend", "LocalBackend", "DaskBackend",
    "make_backend", "MissingDependencyError", "has_distributed",
]


def has_distributed() -> bool:
    """Whether the dask backend (``dask.distributed``) can be used."""
    return available("distributed")
