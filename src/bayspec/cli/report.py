"""Write the outputs of a run: result tables, posterior, plots and ``report.md``.

Every file is written atomically (`bayspec._atomic.atomic_path`); an existing file is never
replaced unless ``overwrite`` is set (`OverwriteError` otherwise, raised *before* any work).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from pathlib import Path

import numpy as np

from .._atomic import atomic_path
from ..errors import OverwriteError

__all__ = ["planned_outputs", "check_outputs", "write_outputs", "write_text"]

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


def check_outputs(outdir, names, overwrite=False):
    """`OverwriteError` naming the existing files among ``names`` unless ``overwrite``."""
    if overwrite:
        return
    there = [n for n in names if (Path(outdir) / n).exists()]
    if there:
        raise OverwriteError(f"would overwrite {', '.join(there)}; pass --overwrite to replace "
                             "them or choose another output folder (-o)", file=outdir)


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
            lines.append(f"| {_fmt(f['e1'])}–{_fmt(f['e2'])} | {f['kind']} | "
                         f"{_fmt(f.get('value', f.get('median')))} | {iv} | {f['unit']} |")
    lines += ["", "## Files", ""] + [f"- `{n}`" for n in files]
    lines += ["", f"Run time: {out.timings.get('total', float('nan')):.1f} s.", ""]
    return "\n".join(lines)


def write_outputs(out, outdir, overwrite=False):
    """Write the result table (ECSV, JSON), posterior (HDF5), plots and ``report.md``.

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
    files.append(REPORT)
    write_text(outdir / REPORT, _markdown(out, files), overwrite)
    return [outdir / f for f in files]
