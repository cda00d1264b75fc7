"""A `TimeSeries` with its background as a source of interval units for the estimators.

`fit_time_resolved` and `LightCurveEstimator` take a `SpectrumSeries` (PHA-II rows with a
constant pre-burst background) or a `bayspec.data.timeseries.TimeSeries` (events or
PHA-II rows with a polynomial background fitted in time). `as_interval_source` wraps the
latter in `TimeSeriesSource`, which offers the same three things the estimators use:
``t0``, ``stat``, ``unit(t_min, t_max)``, ``has_data(t_min, t_max)`` and
``binned_counts`` (for Bayesian blocks).
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError

__all__ = ["TimeSeriesSource", "as_interval_source"]


class TimeSeriesSource:
    """Interval units of a `TimeSeries` with a fitted background.

    Parameters
    ----------
    series : TimeSeries
    background : BackgroundFit, or off-source intervals ``(k, 2)`` (s) to fit one, or None
        None: no background (``cstat`` on the total counts).
    stat : str, optional
        Default ``"pgstat"`` with a background, else ``"cstat"``.
    notc : list, optional
        Noticed energies, keV.
    """

    def __init__(self, series, background=None, stat=None, notc=None):
        from ..data.background_fit import BackgroundFit

        self.series = series
        if background is not None and not isinstance(background, BackgroundFit):
            background = series.fit_background(background)
        self.background = background
        self.stat = stat or ("pgstat" if background is not None else "cstat")
        self.notc = notc
        self.t0 = series.t0
        self.name = series.name

    def has_data(self, t_min, t_max):
        return self.series.live_time(t_min, t_max) > 0

    def unit(self, t_min, t_max, name=None):
        return self.series.unit(t_min, t_max, self.background, stat=self.stat, notc=self.notc,
                                name=name)

    def binned_counts(self, t_min=-np.inf, t_max=np.inf, energy_range=None, dt=0.064):
        """Fine-binned counts (events: ``dt`` s; rows otherwise) for Bayesian blocks."""
        s = self.series
        lo, hi = s.time_range
        t1, t2 = max(t_min, lo), min(t_max, hi)
        lc = s.light_curve(dt=dt if s.is_events else None, t_range=(t1, t2),
                           energy_range=energy_range)
        ok = lc.exposure > 0
        return lc.tstart[ok], lc.tstop[ok], lc.counts[ok], lc.exposure[ok]


def as_interval_source(series, background=None, stat=None, notc=None):
    """``series`` itself for a `SpectrumSeries`, a `TimeSeriesSource` for a `TimeSeries`."""
    from ..data.timeseries import TimeSeries

    if isinstance(series, TimeSeriesSource):
        return series
    if isinstance(series, TimeSeries):
        return TimeSeriesSource(series, background, stat=stat, notc=notc)
    if background is not None:
        raise ConfigError("background= is for a TimeSeries; a SpectrumSeries takes "
                          "bkg_interval=", key="background")
    return series


def has_data(source, t_min, t_max):
    """Whether an interval holds data (rows of a SpectrumSeries, live time of a series)."""
    if hasattr(source, "has_data"):
        return bool(source.has_data(t_min, t_max))
    return source.rows(t_min, t_max).size > 0
