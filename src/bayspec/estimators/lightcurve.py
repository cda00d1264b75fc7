"""`LightCurveEstimator`: flux points in each time interval, in parallel.

Sources of time-resolved data:

* a `SpectrumSeries` (PHA-II + RSP2): the rows of each interval are summed
  (`SpectrumSeries.unit`); intervals are given by the user or found with Bayesian blocks
  (`bayesian_blocks`, Scargle et al. 2013) on the summed counts of the series;
* a `bayspec.data.timeseries.TimeSeries` (TTE events or PHA-II rows) with its polynomial
  background (``background=``: a `BackgroundFit` or off-source intervals): each interval's
  unit has the fitted background counts with errors (``pgstat``); Bayesian blocks use the
  event-data fitness on the events (or the rows of a binned series);
* ``[(data, model), ...]`` with time-tagged units (``DataUnit.time``, s): the units whose
  time lies in an interval are fitted together.

Each interval runs a `FluxPointsEstimator` with the same reference model; intervals are
distributed over local cores with `concurrent.futures.ProcessPoolExecutor` (``n_jobs=1``
runs inline). The result is a `FluxPointsCollection` (energy × time).
"""

from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..infer.pairs import as_pairs
from ._tsource import TimeSeriesSource, as_interval_source, has_data
from .base import Estimator
from .bayesian_blocks import bayesian_blocks
from .collection import FluxPointsCollection, time_reference
from .flux_points_estimator import FluxPointsEstimator
from .series import SpectrumSeries

__all__ = ["LightCurveEstimator"]


def _time_meta(source):
    """The light curve's absolute time reference from the series' PHA-II or TTE header
    (TRIGTIME, MJDREFI/MJDREFF, TIMESYS), so GADF readers get absolute times."""
    header = getattr(getattr(source, "pha", None), "header", None)
    if header is None:
        header = getattr(getattr(source, "series", None), "header", None)
    if header is None:
        return {"TREF": source.t0}
    return time_reference(header, t0=source.t0)


def _series_task(series, t_min, t_max, model, fpe_kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        unit = series.unit(t_min, t_max)
        return FluxPointsEstimator(**fpe_kw).run([(unit, model)]).table


def _pairs_task(pairs, fpe_kw):
    return FluxPointsEstimator(**fpe_kw).run(pairs).table


def _as_intervals(ti):
    a = np.asarray(ti, dtype=float)
    if a.ndim == 1:
        a = np.column_stack([a[:-1], a[1:]])
    if a.ndim != 2 or a.shape[1] != 2 or np.any(a[:, 1] <= a[:, 0]):
        raise ValueError("time_intervals must be edges (n+1,) or (n, 2) rows with t_min < t_max")
    return a


class LightCurveEstimator(Estimator):
    """Flux points per time interval.

    Parameters
    ----------
    energy_edges : Quantity or array
        Energy bins (keV for plain numbers); one bin gives a single light curve.
        ``n_sigma``, ``n_sigma_ul``, ``selection_optional`` (default ``("ul",)``) and
        ``ts_threshold_ul`` are those of `Estimator`.
    time_intervals : array (n, 2) or edges (n + 1,), "blocks" or None
        Intervals in s (relative to the series ``t0``). ``"blocks"`` (or None with a
        series) uses Bayesian blocks over ``blocks_range``. None with units: one interval
        per distinct unit time.
    blocks_range : (float, float)
        Time window (s) for the blocks.
    p0 : float
        False-positive rate of the blocks (Scargle et al. 2013 eq. 21).
    reoptimize, norm_scan
        As in `FluxPointsEstimator` (run in every interval).
    n_jobs : int
        Worker processes (1: inline; None: all cores).
    background : BackgroundFit or array (k, 2), optional
        With a `TimeSeries`: its fitted background, or off-source intervals (s) to fit one.
    notc : list, optional
        With a `TimeSeries`: noticed energies of the interval units, keV.
    """

    tag = "LightCurveEstimator"

    def __init__(self, energy_edges, time_intervals=None, reoptimize=False, n_sigma=1.0,
                 n_sigma_ul=2.0, selection_optional=("ul",), norm_scan=None, ts_threshold_ul=4.0,
                 n_jobs=1, blocks_range=(-10.0, 100.0), p0=0.05, background=None, notc=None):
        super().__init__(energy_edges, n_sigma=n_sigma, n_sigma_ul=n_sigma_ul,
                         selection_optional=selection_optional, ts_threshold_ul=ts_threshold_ul)
        self.reoptimize = bool(reoptimize)
        self.norm_scan = norm_scan
        self.fpe_kw = dict(energy_edges=self.energy_edges, reoptimize=self.reoptimize,
                           n_sigma=self.n_sigma, n_sigma_ul=self.n_sigma_ul,
                           selection_optional=self.selection_optional, norm_scan=norm_scan,
                           ts_threshold_ul=self.ts_threshold_ul)
        self.time_intervals = time_intervals
        self.blocks_range = blocks_range
        self.p0 = p0
        self.n_jobs = n_jobs
        self.background = background
        self.notc = notc

    def blocks(self, series):
        """Bayesian-block intervals ``(n, 2)`` of the series counts in the energy range."""
        e = self.edges_kev
        if isinstance(series, TimeSeriesSource):
            from .intervals import block_intervals

            return block_intervals(series.series, *self.blocks_range, p0=self.p0,
                                   energy_range=(e[0], e[-1]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t0, t1, c, x = series.binned_counts(*self.blocks_range, energy_range=(e[0], e[-1]))
        edges = bayesian_blocks(t0, t1, c, widths=x, p0=self.p0)
        return np.column_stack([edges[:-1], edges[1:]])

    def _map(self, fn, args):
        if self.n_jobs == 1 or len(args) <= 1:
            return [fn(*a) for a in args]
        with ProcessPoolExecutor(max_workers=self.n_jobs) as ex:
            futs = [ex.submit(fn, *a) for a in args]
            return [f.result() for f in futs]

    def run(self, datasets, model=None):
        """Estimate the light curve.

        Parameters
        ----------
        datasets : SpectrumSeries, TimeSeries, or anything `as_pairs` takes with
            time-tagged units
        model : bayspec Model
            Reference model (at its reference values), needed with a series.

        Returns
        -------
        FluxPointsCollection
        """
        from ..data.timeseries import TimeSeries

        source = datasets
        if isinstance(source, TimeSeries):
            source = as_interval_source(source, self.background, notc=self.notc)
        if isinstance(source, (SpectrumSeries, TimeSeriesSource)):
            if model is None:
                raise ValueError("a time series needs a reference model")
            ti = self.time_intervals
            iv = self.blocks(source) if ti is None or (isinstance(ti, str) and ti == "blocks") \
                else _as_intervals(ti)
            args, keep = [], []
            for a, b in iv:
                if not has_data(source, a, b):  # warns about non-positive exposure rows
                    warnings.warn(f"no data in [{a:g}, {b:g}) s; interval skipped",
                                  UserWarning, stacklevel=2)
                    continue
                args.append((source, a, b, model, self.fpe_kw))
                keep.append((a, b))
            tables = self._map(_series_task, args)
            meta = _time_meta(source)
        else:
            pairs = as_pairs(source)
            tagged = []
            for d, m in pairs:
                from ..infer import as_units
                for u in as_units(d):
                    t = u.time
                    t = np.nan if t is None else float(np.nanmean(np.atleast_1d(t)))
                    tagged.append((t, u, m))
            ti = self.time_intervals
            if ti is None:
                ts = sorted({t for t, _, _ in tagged if np.isfinite(t)})
                iv = np.array([[t, t] for t in ts])
            else:
                iv = _as_intervals(ti)
            args, keep = [], []
            for a, b in iv:
                sel = [(u, m) for t, u, m in tagged if (a <= t < b) or (a == b == t)]
                if not sel:
                    warnings.warn(f"no data unit in [{a:g}, {b:g}) s; interval skipped",
                                  UserWarning, stacklevel=2)
                    continue
                args.append(([([u], m) for u, m in sel], self.fpe_kw))
                keep.append((a, b))
            tables = self._map(_pairs_task, args)
            meta = {}
        from .flux_points import FluxPoints
        thr = self.fpe_kw["ts_threshold_ul"]
        items = [(a, b, FluxPoints(t, reference_model=model, ts_threshold_ul=thr))
                 for (a, b), t in zip(keep, tables)]
        if not items:
            raise ValueError("no time interval with data")
        out = FluxPointsCollection.from_flux_points(items, meta=meta)
        out.reference_model = model if model is not None else as_pairs(source)[0][1]
        return out
