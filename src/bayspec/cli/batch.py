"""``bayspec batch CONFIG.yaml [--scheduler ADDRESS] [--workers N] [--force]``.

The configuration (YAML; relative paths are relative to the configuration file)::

    store: grb.h5                 # a store ...
    selection:                    # ... and what to fit in it (default: every row)
      keys: [bn080916009/gbm/n3/glg_cspec_n3_bn080916009_v01]   # series or "key#row"
      rows: "0:400"               # list or "start:stop[:step]"
      query: {detector: n3, tmin: 243216760, tmax: 243216900}   # MetaStore.find
      t: [243216766, 243216770]   # fixed time range for the response choice
    # files:                      # ... or OGIP files instead of a store
    #   - a.pha                   # background/response from BACKFILE/RESPFILE
    #   - {pha: b.pha, row: 3, bkg: b.bak, rsp: b.rsp2}   # row: PHA-II row (0-based);
    #                             # also the row of a PHA-II bkg (bkg_row: another one,
    #                             # or bkg: "b.bak{7}"); rmf:/arf: instead of rsp:; key: name
    template:                     # the analysis applied to every spectrum
      model: cpl                  # model expression
      stat: cstat                 # default pgstat with a background, else cstat
      notc: [8, 900]              # keV: [lo, hi] or a list of them
      grpg: null                  # grouping, as for DataUnit
      method: mle                 # only mle
      params: {cpl.Ep: {value: 300, bounds: [10, 5000]}}   # parameter settings
      fit: {n_starts: 256, seed: 0, strategy: 1, tol: 0.1, hesse: true}
    results: grb.results.h5       # default: the store's <stem>.results.h5 (required
                                  # with files:)
    backend: local                # local | dask
    scheduler: tcp://host:8786    # dask scheduler (implies the dask backend)
    workers: 4                    # processes (1: in this process)
    chunk_size: 16                # fits sent to a worker at once
    retry_failed: false           # also refit tasks whose record is "failed"
    progress: true                # progress bar

``--scheduler`` and ``--workers`` override the file. A rerun resumes: tasks with a record
are skipped. Records carry a hash of the template; if the template changed since the
records of these tasks were written, the batch stops (exit 2) and says so: give a new
``results:`` file, or ``--force`` to refit them into the same file (new records supersede
old ones). Record status: ``ok``; ``at_limit`` (valid minimum with parameters on a bound:
results stored, flagged, not retried); ``failed``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["run_batch_cli", "build_parser", "load_config"]

_KEYS = {"store", "selection", "files", "template", "results", "backend", "workers",
         "scheduler", "chunk_size", "retry_failed", "progress"}

EXIT_OK = 0
#: Some requested task has no valid result: failed (now or earlier) or lost.
EXIT_INCOMPLETE = 1
#: A bad configuration (or a template that differs from the stored records' one).
EXIT_CONFIG = 2
#: Every task has a result, some with parameters on a bound (status ``at_limit``).
EXIT_WARNINGS = 3

_HELP_EPILOG = f"""\
batch.yaml keys:
  store: FILE.h5            spectra store (or files:)
  selection:                keys: [series or "key#row"], rows: "0:400" or [..],
                            query: {{detector: n3, tmin: .., tmax: ..}}, t: [t0, t1]
  files:                    list of PHA specs or {{pha, row, bkg, bkg_row, rsp, rmf,
                            arf, key}}; row (0-based) also selects the row of a PHA-II
                            bkg (bkg_row: another row; bkg: "b.bak{{7}}" as given)
  template:                 model, stat, notc, grpg, method (mle), params
                            (value/prior/bounds/frozen/link), fit (n_starts, seed,
                            strategy, tol, hesse)
  results: FILE.h5          result store (default <store stem>.results.h5)
  backend: local|dask, scheduler: ADDRESS, workers: N, chunk_size: N,
  retry_failed: bool, progress: bool

Records carry a hash of the template: a rerun with a changed template stops unless
--force (or a new results file). Record status: ok, at_limit (parameters on a bound;
results kept), failed.

exit status: {EXIT_OK} every task has a valid fit; {EXIT_WARNINGS} finished with warnings
(fits with parameters on a bound, stored with status at_limit); {EXIT_INCOMPLETE} some task
failed (now or in an earlier run) or was lost (a summary line says which); {EXIT_CONFIG}
bad configuration, unreadable store or changed template."""


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The ``batch`` arguments (added to ``parser`` when given, e.g. a subparser)."""
    p = parser or argparse.ArgumentParser(
        prog="bayspec batch", description="Fit many spectra with one analysis template.")
    p.epilog = _HELP_EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("config", help="YAML configuration (store or files, selection, "
                                  "template, results)")
    p.add_argument("--scheduler", default=None,
                   help="dask.distributed scheduler address (tcp://host:8786); "
                        "selects the dask backend")
    p.add_argument("--workers", type=int, default=None,
                   help="local worker processes (1: in this process)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--one-by-one", action="store_true",
                   help="fit every spectrum on its own (default: spectra that share a response "
                        "are fitted together, rows whose joint fit is not valid refitted alone)")
    p.add_argument("--force", action="store_true",
                   help="refit tasks whose stored records were written with another "
                        "template (their new records supersede the old ones)")
    return p


def load_config(path) -> dict:
    """Read and check a batch configuration; resolve relative paths."""
    import yaml

    from ..errors import ConfigError

    path = Path(path)
    try:
        cfg = yaml.safe_load(path.read_text()) or {}
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc}", file=str(path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", file=str(path)) from None
    if not isinstance(cfg, dict):
        raise ConfigError("the configuration must be a mapping", file=str(path))
    unknown = set(cfg) - _KEYS
    if unknown:
        raise ConfigError(f"unknown key(s) {sorted(unknown)}; known: {sorted(_KEYS)}",
                          file=str(path))
    if ("store" in cfg) == ("files" in cfg):
        raise ConfigError("give either 'store' (with an optional 'selection') or 'files'",
                          file=str(path))
    if "template" not in cfg:
        raise ConfigError("missing 'template' (model, stat, notc, ...)", file=str(path))
    base = path.resolve().parent

    def rel(p):
        p = Path(str(p)).expanduser()
        return str(p if p.is_absolute() else base / p)

    if "store" in cfg:
        cfg["store"] = rel(cfg["store"])
        if not Path(cfg["store"]).exists():
            raise ConfigError(f"store file not found: {cfg['store']}", file=str(path), key="store")
    if "files" in cfg:
        files = []
        for f in cfg["files"] or []:
            if isinstance(f, dict):
                f = {k: (rel(v) if k in ("pha", "bkg", "rsp", "rmf", "arf") else v)
                     for k, v in f.items()}
            else:
                f = rel(f)
            files.append(f)
        cfg["files"] = files
    if cfg.get("results") is not None:
        cfg["results"] = rel(cfg["results"])
    _check_template(cfg["template"], path)
    return cfg


def _check_template(template, path):
    """Build the template's model once, so that a bad template stops before any fit."""
    from ..batch import Template
    from ..errors import BayspecError, ConfigError

    try:
        Template.from_dict(template).build_model()
    except ConfigError:
        raise
    except (BayspecError, TypeError, ValueError) as exc:
        raise ConfigError(f"{exc}", file=str(path), key="template") from None


def _tasks(cfg):
    from ..batch import tasks_from_files, tasks_from_store
    from ..errors import ConfigError

    if "files" in cfg:
        return tasks_from_files(cfg["files"])
    sel = cfg.get("selection") or {}
    if not isinstance(sel, dict) or set(sel) - {"keys", "rows", "query", "t"}:
        raise ConfigError("selection takes keys, rows, query, t", key="selection")
    return tasks_from_store(cfg["store"], sel.get("keys"), sel.get("rows"),
                            query=sel.get("query"), t=sel.get("t"))


def _results(cfg):
    from ..errors import ConfigError

    if cfg.get("results") is not None:
        return cfg["results"]
    if "store" in cfg:
        p = Path(cfg["store"])
        return str(p.with_name(p.stem + ".results.h5"))
    raise ConfigError("give 'results' (the result file) when fitting files", key="results")


def run_batch_cli(argv=None) -> int:
    """Run ``bayspec batch``; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments after ``batch`` (default ``sys.argv[1:]``).
    """
    args = build_parser().parse_args(argv)
    return run_batch_args(args)


def run_batch_args(args) -> int:
    """Run from parsed arguments (for a CLI that builds the subparser with `build_parser`)."""
    from ..batch import run_batch
    from ..errors import BayspecError

    try:
        cfg = load_config(args.config)
        tasks = _tasks(cfg)
        scheduler = args.scheduler or cfg.get("scheduler")
        workers = args.workers if args.workers is not None else cfg.get("workers")
        report = run_batch(cfg["template"], tasks, _results(cfg),
                           backend=cfg.get("backend", "local"), workers=workers,
                           scheduler=scheduler, chunk_size=cfg.get("chunk_size"),
                           progress=not args.no_progress and cfg.get("progress", True),
                           retry_failed=bool(cfg.get("retry_failed", False)),
                           force=bool(getattr(args, "force", False)),
                           together=not getattr(args, "one_by_one", False))
    except (BayspecError, ValueError) as exc:
        print(f"bayspec batch: error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    print(report)
    _list("failed", report.failures, 20)
    _list("at a bound", report.warnings, 10)
    for key, msg in list(report.lost.items())[:5]:
        print(f"  lost {key}: {msg}", file=sys.stderr)
    status = (EXIT_INCOMPLETE if not report.complete
              else EXIT_WARNINGS if report.at_limit else EXIT_OK)
    print(f"bayspec batch: {report.summary()} (exit status {status})",
          file=sys.stderr if status else sys.stdout)
    return status


def _list(what, items, n):
    for key, msg in list(items.items())[:n]:
        print(f"  {what} {key}: {msg}")
    if len(items) > n:
        print(f"  ... and {len(items) - n} more {what}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_batch_cli())
