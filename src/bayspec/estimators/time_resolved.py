"""Time-resolved spectroscopy: a full model fitted in every interval of a time series.

Sources: a `SpectrumSeries` (PHA-II rows summed with the exposure-weighted RSP2 matrix,
`SpectrumSeries.unit`; the background is the pre-burst estimate of the series, default
statistic ``wstat``), or a `bayspec.data.timeseries.TimeSeries` of events (TTE) or PHA-II
rows with a polynomial background fitted in time (`TimeSeries.fit_background`; the
interval's background counts with their errors, statistic ``pgstat``). The model is fitted by
maximum likelihood
(`bayspec.infer.mle.fit_mle` on the `bayspec.infer.Likelihood` kernel, 1σ Hesse errors,
LogUniform parameters in log10 space); intervals run in parallel on local cores when ``n_jobs > 1``.
"""

from __future__ import annotations

import copy
import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from astropy.table import Table

from ..infer import Likelihood
from ..infer.mle import fit_mle
from ..model import parse_model
from . import _io, _plot
from ._tsource import as_interval_source, has_data
from .series import SpectrumSeries

__all__ = ["fit_time_resolved", "TimeResolvedResult"]


def _fit_together(args, model):
    """Rows of the intervals of ``args`` fitted as one problem (`bayspec.infer.many`):
    ``None`` where that fit is not valid (or the units cannot be fitted together), so the
    caller fits those intervals on their own."""
    from ..errors import BayspecError
    from ..infer.many import fit_many

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            units = [series.unit(a, b) for series, a, b, _ in args]
        m = parse_model(model) if isinstance(model, str) else copy.deepcopy(model)
        res = fit_many(units, m)
    except (BayspecError, ValueError):
        return [None] * len(args)
    rows = []
    for i, ((_, a, b, _), unit) in enumerate(zip(args, units)):
        if not res.valid[i]:
            rows.append(None)
            continue
        row = {"t_min": a, "t_max": b, "exposure": float(unit.src_ins.exposure),
               "counts": float(np.sum(unit.src_counts)), "stat": float(res.stat[i]),
               "dof": res.dof, "valid": True, "at_limit": "none"}
        for j, name in enumerate(res.names):
            row[name] = float(res.values[i, j])
            row[name + "_err"] = float(res.errors[i, j])
        rows.append(row)
    return rows


def _fit_interval(series, t_min, t_max, model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        unit = series.unit(t_min, t_max)
    m = parse_model(model) if isinstance(model, str) else copy.deepcopy(model)
    lik = Likelihood([(unit, m)])
    out = fit_mle(lik, raise_on_failure=False)
    row = {"t_min": t_min, "t_max": t_max, "exposure": float(unit.src_ins.exposure),
           "counts": float(np.sum(unit.src_counts)), "stat": out.stat, "dof": lik.dof,
           "valid": out.valid,
           "at_limit": ", ".join(f"{n} ({v['side']})" for n, v in out.at_limit.items()) or "none"}
    for name in lik.free_names:
        row[name] = float(out.values[name])
        row[name + "_err"] = float(out.errors[name])
    return row


class TimeResolvedResult:
    """Best-fit parameters per time interval.

    Attributes
    ----------
    table : astropy.table.Table
        ``t_min, t_max`` (s from ``TREF``), ``exposure`` (s), ``counts``, ``stat``, ``dof``,
        ``valid`` (`FitResult.valid`: a valid minimum with no parameter on a bound),
        ``at_limit`` (the parameters on a bound and which bound, e.g. ``"cpl.Ep (upper)"``,
        else ``"none"``) and, per free parameter, ``<name>`` and ``<name>_err`` (1σ).
    """

    def __init__(self, table):
        self.table = table

    @property
    def param_names(self):
        return [c[:-4] for c in self.table.colnames if c.endswith("_err")]

    def __getitem__(self, name):
        return np.asarray(self.table[name])

    def plot(self, param="cpl.Ep", ax=None, log=None, **kwargs):
        """Parameter versus time with 1σ error bars (time bars span the interval).

        ``log``: log y axis (default: True for ``Ep``/``K``-like positive parameters).
        """
        ax = _plot.get_ax(ax)
        t0, t1 = np.asarray(self.table["t_min"]), np.asarray(self.table["t_max"])
        y, e = np.asarray(self.table[param]), np.asarray(self.table[param + "_err"])
        kwargs.setdefault("fmt", "o")
        ax.errorbar(0.5 * (t0 + t1), y, xerr=0.5 * (t1 - t0), yerr=e, **kwargs)
        short = param.split(".")[-1]
        if log is None:
            log = short in ("Ep", "K", "Eb", "Ec", "kT") and np.all(y > 0)
        if log:
            ax.set_yscale("log")
        unit = self.table[param].unit
        tref = self.table.meta.get("TREF")
        ax.set_xlabel("Time [s]" if tref is None else f"Time − {tref:.3f} [s]")
        ax.set_ylabel(f"{param} [{unit}]" if unit else param)
        return ax

    def write(self, path, overwrite=False, format=None):
        """Write the table (FITS or ECSV by suffix), atomically."""
        _io.write_table(self.table, path, overwrite=overwrite, format=format,
                        extname="TIME_RESOLVED")

    @classmethod
    def read(cls, path, format=None):
        return cls(_io.read_table(path, format=format))


def fit_time_resolved(series, intervals, model="cpl", rsp=None, stat=None, notc=None,
                      bkg_interval=None, n_jobs=1, background=None, together=True):
    """Fit ``model`` in every interval of a time series.

    Parameters
    ----------
    series : SpectrumSeries, TimeSeries or PHA-II path
        With a path, ``rsp`` (RSP2 path) is needed and ``stat``, ``notc``,
        ``bkg_interval`` build the `SpectrumSeries`. A `TimeSeries` (events or rows) takes
        ``background``, ``stat`` and ``notc``.
    background : BackgroundFit or array (k, 2), optional
        For a `TimeSeries`: its fitted background, or off-source intervals (s) to fit one
        (`TimeSeries.fit_background`).
    intervals : array (n, 2) or edges (n + 1,)
        s relative to the series ``t0`` (TRIGTIME).
    model : str or Model
        Expression for `parse_model` (e.g. ``"cpl"``) or a model (copied per interval).
    n_jobs : int
        Worker processes (1: inline) for the intervals fitted one by one.
    together : bool
        Fit the intervals as one problem (`bayspec.infer.many.fit_many`: one batched
        evaluation advances every fit) when their units allow it (frozen scale factors,
        shared photon bins and grouping); intervals whose joint fit is not valid (not
        converged, or a parameter on a bound) and all intervals when the units do not
        allow it are fitted one by one, so every row has the meaning of a single fit.

    Returns
    -------
    TimeResolvedResult
    """
    from ..data.timeseries import TimeSeries

    if isinstance(series, TimeSeries):
        series = as_interval_source(series, background, stat=stat, notc=notc)
    elif not isinstance(series, SpectrumSeries) and not hasattr(series, "has_data"):
        if rsp is None:
            raise ValueError("give rsp= (the RSP2 file) with a PHA-II path")
        series = SpectrumSeries(series, rsp, bkg_interval=bkg_interval, stat=stat, notc=notc)
    iv = np.asarray(intervals, dtype=float)
    if iv.ndim == 1:
        iv = np.column_stack([iv[:-1], iv[1:]])
    args = []
    for a, b in iv:
        if not has_data(series, a, b):
            warnings.warn(f"no data in [{a:g}, {b:g}) s; interval skipped", UserWarning,
                          stacklevel=2)
            continue
        args.append((series, float(a), float(b), model))
    rows = _fit_together(args, model) if together and len(args) > 1 else [None] * len(args)
    alone = [a for a, r in zip(args, rows) if r is None]
    if n_jobs == 1 or len(alone) <= 1:
        single = [_fit_interval(*a) for a in alone]
    else:
        with ProcessPoolExecutor(max_workers=n_jobs) as ex:
            single = [f.result() for f in [ex.submit(_fit_interval, *a) for a in alone]]
    it = iter(single)
    rows = [r if r is not None else next(it) for r in rows]
    table = Table(rows=rows) if rows else Table()
    m = parse_model(model) if isinstance(model, str) else model
    for name, p in m.params.items():
        for c in (name, name + "_err"):
            if c in table.colnames and p.unit:
                table[c].unit = p.unit
    for c in ("t_min", "t_max", "exposure"):
        if c in table.colnames:
            table[c].unit = "s"
    table.meta["TREF"] = series.t0
    table.meta["STAT"] = series.stat
    return TimeResolvedResult(table)
