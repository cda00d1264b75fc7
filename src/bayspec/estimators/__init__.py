"""Flux estimators: flux points, light curves, time-resolved fits and excesses.

Modules
-------
flux_result            ``FluxResult``: likelihood SED form (norm, errors, UL, TS) → dnde,
                       e2dnde, flux, eflux via reference fluxes of a model.
flux_points            ``FluxPoints``: SED over energy; plot; GADF FITS/ECSV IO.
collection             ``FluxPointsCollection``: flat table over energy and time.
base                   ``Estimator``: common options (energy_edges, n_sigma, n_sigma_ul,
                       selection_optional, ts_threshold_ul) and ``run(datasets)``.
flux_points_estimator  ``FluxPointsEstimator``: forward-folded norms per energy bin.
series                 ``SpectrumSeries``: PHA-II + RSP2 → summed units per time interval.
bayesian_blocks        ``bayesian_blocks``: Scargle et al. (2013) blocks for binned data.
lightcurve             ``LightCurveEstimator``: flux points per time interval (parallel).
time_resolved          ``fit_time_resolved``, ``TimeResolvedResult``: parameter evolution.
excess                 ``ExcessEstimator``: backward-folded excess, significance, flux.
_profile               norm likelihood profile (fits go through ``bayspec.infer.mle``).
_io, _plot             GADF table IO; matplotlib drawing.
"""

from .base import Estimator
from .bayesian_blocks import bayesian_blocks, bayesian_blocks_events
from .collection import FluxPointsCollection
from .excess import ExcessEstimator
from .flux_points import FluxPoints
from .flux_points_dataset import FluxPointsDataset
from .flux_points_estimator import FluxPointsEstimator
from .flux_result import FluxResult, reference_fluxes
from .intervals import select_intervals
from .lightcurve import LightCurveEstimator
from .series import SpectrumSeries
from .time_resolved import TimeResolvedResult, fit_time_resolved

__all__ = ["Estimator", "FluxPointsDataset", "bayesian_blocks_events",
           "select_intervals", "FluxResult", "reference_fluxes", "FluxPoints", "FluxPointsCollection",
           "FluxPointsEstimator", "LightCurveEstimator", "SpectrumSeries", "bayesian_blocks",
           "fit_time_resolved", "TimeResolvedResult", "ExcessEstimator"]
