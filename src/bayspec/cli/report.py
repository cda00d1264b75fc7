"""Write the outputs of a run: result tables, posterior, plots, ``report.md``, the manifest.

An output folder holds one run at a time, and says whether that run completed:

1. `output_lock` takes an exclusive lock on the folder (``.bayspec.lock``, ``flock``; the
   kernel drops it when the process dies) for the whole run, so a second run into the same
   folder stops at once with a message naming the holder;
2. `check_outputs` refuses, before any work and unless ``overwrite``, a folder that holds
   files of an earlier run (its manifest's files, or the names a run writes);
3. every file is written into a temporary folder inside the output folder
   (`write_outputs`), then `install_outputs` removes the earlier run's manifest first, then
   its files (so no mix of two runs ever looks complete), moves the new files into place,
   and writes ``manifest.json`` last — the completion marker: file names, sizes, SHA-256,
   the configuration and the bayspec version;
4. `check_run_folder` (``bayspec info FOLDER``) says whether the run completed: manifest
   present and every file's size and hash as recorded.

A run killed at any instant leaves either the earlier complete run or a folder without a
manifest, which `check_run_folder` reports as incomplete.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import math
import os
import shutil
import time
from pathlib import Path

import numpy as np

from .._atomic import atomic_path
from ..errors import OverwriteError

__all__ = ["planned_outputs", "check_outputs", "write_outputs", "write_text",
           "output_lock", "install_outputs", "check_run_folder", "MANIFEST"]

#: The completion marker of a run, written last.
MANIFEST = "manifest.json"
#: The lock file of an output folder.
LOCK = ".bayspec.lock"
_TMP_PREFIX = ".bayspec-tmp-"
#: Testing hook: when set, a run pauses before writing its manifest, after creating the file
#: this variable names (so a test can kill it in the write phase).
PAUSE_ENV = "BAYSPEC_TEST_PAUSE_BEFORE_MANIFEST"
RESULT_ECSV = "result.ecsv"
RESULT_JSON = "result.json"
POSTERIOR = "posterior.h5"
REPORT = "report.md"
PLOT_FILES = {"fit": "fit.png", "spectrum": "spectrum.png", "corner": "corner.png",
              "counts": "counts.png", "peek": "peek.png"}


def planned_outputs(cfg) -> list:
    """File names (relative to the output folder) that a run of ``cfg`` writes."""
    sampling = cfg.method != "mle"
    names = [RESULT_ECSV, RESULT_JSON]
    if sampling:
        names.append(POSTERIOR)
    names += [PLOT_FILES[p] for p in cfg.plots if p != "corner" or sampling]
    names.append(REPORT)
    return names


def _all_output_names():
    return [RESULT_ECSV, RESULT_JSON, POSTERIOR, REPORT, *PLOT_FILES.values()]


def earlier_run_files(outdir) -> list:
    """Names of the files of an earlier run in ``outdir``: its manifest (with the files it
    lists) and any file a run writes (result, posterior, plots, report)."""
    outdir = Path(outdir)
    names = []
    man = outdir / MANIFEST
    if man.exists():
        names.append(MANIFEST)
        try:
            names += [f["name"] for f in json.loads(man.read_text()).get("files", [])]
        except (OSError, ValueError, TypeError, KeyError):
            pass  # a damaged manifest: the known names below still apply
    names += _all_output_names()
    seen, out = set(), []
    for n in names:
        if n not in seen and (outdir / n).is_file():
            seen.add(n)
            out.append(n)
    return out


def check_outputs(outdir, names, overwrite=False):
    """`OverwriteError` unless ``overwrite`` when ``outdir`` holds any of ``names`` or
    files of an earlier run (`earlier_run_files`)."""
    if overwrite:
        return
    outdir = Path(outdir)
    there = [n for n in names if (outdir / n).exists()]
    there += [n for n in earlier_run_files(outdir) if n not in there]
    if there:
        raise OverwriteError(f"holds {', '.join(there)} (an earlier run); pass --overwrite to "
                             "replace that run (its files are removed) or choose another "
                             "output folder (-o)", file=outdir)


_HELD = {}


@contextlib.contextmanager
def output_lock(outdir):
    """Hold an exclusive lock on the output folder ``outdir`` (created if needed).

    The lock is ``fcntl.flock`` on ``outdir/.bayspec.lock`` (released by the kernel when
    the process ends, even by ``kill -9``); the file records the holder's pid and start
    time for the message. Re-entrant within a process (the demo holds it around the fit).

    Raises
    ------
    OverwriteError
        Another process holds the lock.
    """
    import fcntl

    outdir = Path(outdir)
    key = str(outdir.resolve())
    if key in _HELD:
        yield outdir
        return
    created = not outdir.exists()
    outdir.mkdir(parents=True, exist_ok=True)
    fh = open(outdir / LOCK, "a+")
    try:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise OverwriteError(f"output folder is in use by another bayspec run ({holder}); "
                                 "wait for it to finish or choose another output folder (-o)",
                                 file=outdir) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}, started {_now()}\n")
        fh.flush()
        _HELD[key] = fh
        try:
            yield outdir
        finally:
            del _HELD[key]
            _remove_stale_tmp(outdir)
            if created and not any(p.name != LOCK for p in outdir.iterdir()):
                os.unlink(outdir / LOCK)  # nothing written: leave no empty folder
                outdir.rmdir()
    finally:
        fh.close()


def _now():
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def _remove_stale_tmp(outdir):
    """Temporary folders of runs into ``outdir`` that were killed (called under the lock)."""
    for p in Path(outdir).glob(_TMP_PREFIX + "*"):
        shutil.rmtree(p, ignore_errors=True)


def new_tmp_dir(outdir) -> Path:
    """A fresh temporary folder inside ``outdir`` for a run's files (same file system, so
    the final moves are renames)."""
    _remove_stale_tmp(outdir)
    tmp = Path(outdir) / f"{_TMP_PREFIX}{os.getpid()}-{time.time_ns()}"
    tmp.mkdir()
    return tmp


def sha256_file(path) -> str:
    """SHA-256 (hex) of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _manifest(tmpdir, names, cfg, command):
    from .. import __version__

    files = [{"name": n, "size": (Path(tmpdir) / n).stat().st_size,
              "sha256": sha256_file(Path(tmpdir) / n)} for n in names]
    conf = {"file": getattr(cfg, "source", None), "content": getattr(cfg, "raw", None)}
    if conf["file"] and Path(conf["file"]).is_file():
        conf["sha256"] = sha256_file(conf["file"])
    return {"format": "bayspec-run", "format_version": 1, "command": command,
            "bayspec_version": __version__, "completed": _now(), "files": files,
            "configuration": conf}


def install_outputs(tmpdir, outdir, names, cfg, command="fit"):
    """Move the run's files from ``tmpdir`` into ``outdir`` and write the manifest last.

    The earlier run's manifest is removed first and then its files (`earlier_run_files`),
    so that a kill at any point leaves no manifest beside a mix of two runs. Returns the
    installed paths (the manifest last).
    """
    tmpdir, outdir = Path(tmpdir), Path(outdir)
    man = _manifest(tmpdir, names, cfg, command)
    old = earlier_run_files(outdir)
    if MANIFEST in old:
        os.unlink(outdir / MANIFEST)
    for n in old:
        if n != MANIFEST and (outdir / n).is_file():
            os.unlink(outdir / n)
    for n in names:
        os.replace(tmpdir / n, outdir / n)
    _pause_for_tests()
    write_text(outdir / MANIFEST, json.dumps(man, indent=1, default=_json_default) + "\n",
               overwrite=True)
    shutil.rmtree(tmpdir, ignore_errors=True)
    return [outdir / n for n in names] + [outdir / MANIFEST]


def _pause_for_tests():
    flag = os.environ.get(PAUSE_ENV)
    if flag:
        Path(flag).write_text(str(os.getpid()))
        time.sleep(60)


def check_run_folder(outdir):
    """Whether the run in ``outdir`` completed.

    Returns
    -------
    (bool, list of str)
        True when ``manifest.json`` is present and every file it lists has the recorded
        size and SHA-256; the lines say what was found (and what is missing or changed).
    """
    outdir = Path(outdir)
    man = outdir / MANIFEST
    present = sorted(p.name for p in outdir.iterdir()
                     if p.is_file() and not p.name.startswith("."))
    if not man.exists():
        runs = earlier_run_files(outdir)
        lines = ["run: INCOMPLETE — no manifest.json (the run was interrupted, failed, or is "
                 "still writing; rerun with --overwrite)"]
        if runs:
            lines.append("files of a run present: " + ", ".join(runs))
        return False, lines
    try:
        m = json.loads(man.read_text())
        files = m["files"]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        return False, [f"run: DAMAGED manifest.json ({exc})"]
    bad = []
    for f in files:
        p = outdir / f["name"]
        if not p.is_file():
            bad.append(f"{f['name']}: missing")
        elif p.stat().st_size != f["size"]:
            bad.append(f"{f['name']}: size {p.stat().st_size} bytes, manifest says {f['size']}")
        elif sha256_file(p) != f["sha256"]:
            bad.append(f"{f['name']}: content differs from the manifest (SHA-256)")
    conf = m.get("configuration") or {}
    head = [f"bayspec {m.get('bayspec_version', '?')} {m.get('command', '')}, completed "
            f"{m.get('completed', '?')}", f"configuration: {conf.get('file') or '?'}"]
    listed = {f["name"] for f in files} | {MANIFEST}
    extra = [n for n in present if n not in listed and n in _all_output_names()]
    if bad:
        return False, [f"run: MODIFIED or DAMAGED since it completed ({len(bad)} of "
                       f"{len(files)} files)"] + head + [f"  - {b}" for b in bad]
    lines = [f"run: complete ({len(files)} files verified against manifest.json)"] + head
    if extra:
        lines.append("not from this run: " + ", ".join(extra))
    return True, lines


@contextlib.contextmanager
def _named_tmp(path, overwrite):
    """Like `atomic_path` but the temporary file keeps ``path``'s suffix (so writers that
    pick a format from the extension work)."""
    path = Path(path)
    with atomic_path(path, overwrite=overwrite) as tmp:
        named = tmp.with_name(tmp.name + path.suffix)
        try:
            yield named
            os.replace(named, tmp)
        finally:
            if named.exists():
                named.unlink()


def write_text(path, text, overwrite=False):
    """Write ``text`` to ``path`` atomically."""
    with _named_tmp(path, overwrite) as tmp:
        tmp.write_text(text)
    return Path(path)


def _json_default(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    return str(v)


def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _clean(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_clean(x) for x in v]
    return v


def _result_dict(out):
    res = out.result
    d = res.to_dict() if hasattr(res, "to_dict") else {}
    d = json.loads(json.dumps(d, default=_json_default))
    d.update({"model": out.config.model, "method": out.config.method,
              "units": [u.name for u in out.config.units], "stat": float(res.stat),
              "dof": int(res.dof), "fluxes": out.fluxes,
              "timings_s": {k: round(v, 3) for k, v in out.timings.items()},
              "warnings": list(getattr(out, "warnings", []))})
    if out.posterior is not None:
        summ = out.posterior.summary()
        d["posterior_summary"] = [{c: _json_default(r[c]) if not isinstance(r[c], str)
                                   else r[c] for c in summ.colnames} for r in summ]
        d["posterior_info"] = getattr(out.posterior, "info", {})
    from .checks import checks_json

    d.update(checks_json(out))
    return _clean(d)


def _result_table(out):
    t = out.result.table()
    t.meta.update({"model": out.config.model, "method": out.config.method,
                   "stat": float(out.result.stat), "dof": int(out.result.dof),
                   "units": [u.name for u in out.config.units]})
    if getattr(out, "warnings", None):
        t.meta["warnings"] = list(out.warnings)
    if out.posterior is not None:
        summ = out.posterior.summary()
        by_name = {r["name"]: r for r in summ}
        for c in ("median", "lo68", "hi68"):
            t[f"post_{c}"] = [float(by_name[n][c]) if n in by_name else np.nan
                              for n in t["name"]]
    return t


def _save_fig(fig, path, overwrite):
    import matplotlib.pyplot as plt

    with _named_tmp(path, overwrite) as tmp:
        fig.savefig(tmp, dpi=120)
    plt.close(fig)


def _plots(out, outdir, overwrite):
    from .. import plot

    written = []
    data, cfg = out.data, out.config
    for name in cfg.plots:
        if name == "corner" and out.posterior is None:
            continue
        if name == "fit":
            fig = plot.plot_fit(data)[0].figure
        elif name == "spectrum":
            fig = plot.plot_spectrum(data, sed=cfg.sed, infer=out.infer,
                                     posterior=out.posterior).figure
        elif name == "corner":
            fig = plot.corner(out.posterior)
        elif name == "counts":
            fig = plot.plot_counts(data).figure
        else:
            fig = plot.peek(data)[0].figure
        _save_fig(fig, Path(outdir) / PLOT_FILES[name], overwrite)
        written.append(PLOT_FILES[name])
    return written


def _fmt(v, nd=4):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    return "nan" if not math.isfinite(v) else f"{v:.{nd}g}"


def _status_text(res):
    """One line on the fit's validity: ``valid``, or what makes it not valid."""
    return "valid" if res.valid else f"not valid: {res.status}"


def _markdown(out, files):
    cfg, res, data = out.config, out.result, out.data
    lines = [f"# bayspec fit: {cfg.name}", "",
             f"Model `{cfg.model}` fitted to {len(cfg.units)} unit(s) by **{cfg.method}**"
             + (f" (config `{Path(cfg.source).name}`)." if cfg.source else "."), ""]
    notes = list(getattr(out, "warnings", []))
    if notes:
        lines += ["> **Finished with warnings**:"] + [f"> - {w}" for w in notes] + [""]
    lines += ["## Data", "", "| unit | source | statistic | noticed (keV) | groups |",
             "|---|---|---|---|---|"]
    for u in cfg.units:
        du = data[u.name]
        lines.append(f"| {u.name} | {Path(u.src).name} | {du.stat} | {u.notc} | {du.npoint} |")
    lines += ["", "## Fit", "",
              f"stat/dof = {_fmt(res.stat, 6)}/{res.dof}"
              + (f" = {res.stat / res.dof:.3f}" if res.dof > 0 else ""), "",
              f"Fit status: **{_status_text(res)}**", "",
              "| parameter | value | error | at bound |", "|---|---|---|---|"]
    for n in res.names:
        lim = res.at_limit.get(n)
        flag = f"{lim['side']} ({_fmt(lim['bound'])})" if lim else ""
        lines.append(f"| {n} | {_fmt(res.values[n])} | {_fmt(res.errors[n], 2)} | {flag} |")
    if res.at_limit:
        lines += ["", "**Warning**: parameters on a bound (their errors are not meaningful; "
                  "widen the bound or fix the parameter): " + "; ".join(res.limit_messages) + "."]
    if out.posterior is not None:
        lines += ["", f"## Posterior ({cfg.method})", "",
                  "| parameter | median | 68% interval |", "|---|---|---|"]
        for r in out.posterior.summary():
            lines.append(f"| {r['name']} | {_fmt(r['median'])} | "
                         f"[{_fmt(r['lo68'])}, {_fmt(r['hi68'])}] |")
    if out.fluxes:
        lines += ["", "## Fluxes", "", "| band (keV) | kind | value | 68% interval | unit |",
                  "|---|---|---|---|---|"]
        for f in out.fluxes:
            iv = (f"[{_fmt(f['lo'])}, {_fmt(f['hi'])}]" if "lo" in f and "hi" in f else "")
            extra = " (extrapolated)" if f.get("extrapolated") else ""
            lines.append(f"| {_fmt(f['e1'])}–{_fmt(f['e2'])}{extra} | {f['kind']} | "
                         f"{_fmt(f.get('value', f.get('median')))} | {iv} | {f['unit']} |")
    from .checks import checks_markdown

    lines += checks_markdown(out)
    lines += ["", "## Files", ""] + [f"- `{n}`" for n in files]
    lines += ["", f"`{MANIFEST}` (sizes and SHA-256 of these files, the configuration, the "
              "bayspec version) is written last: without it the run did not complete."]
    lines += ["", f"Run time: {out.timings.get('total', float('nan')):.1f} s.", ""]
    return "\n".join(lines)


def write_outputs(out, outdir, overwrite=False):
    """Write the result table (ECSV, JSON), posterior (HDF5), plots and ``report.md``
    into ``outdir`` (`bayspec fit` gives a fresh temporary folder, see `install_outputs`).

    Returns
    -------
    list of Path
        The files written, in order.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    files = []
    with _named_tmp(outdir / RESULT_ECSV, overwrite) as tmp:
        _result_table(out).write(tmp, format="ascii.ecsv")
    files.append(RESULT_ECSV)
    write_text(outdir / RESULT_JSON,
               json.dumps(_result_dict(out), indent=1, default=_json_default), overwrite)
    files.append(RESULT_JSON)
    if out.posterior is not None:
        out.posterior.save(outdir / POSTERIOR, overwrite=overwrite)
        files.append(POSTERIOR)
    files += _plots(out, outdir, overwrite)
    from .checks import check_plots

    files += check_plots(out, outdir, lambda fig, path: _save_fig(fig, path, overwrite))
    files.append(REPORT)
    write_text(outdir / REPORT, _markdown(out, files), overwrite)
    return [outdir / f for f in files]
