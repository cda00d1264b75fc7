"""Spectral data: spectra, responses, noticing/grouping, and the unit aggregator.

Modules
-------
spectrum    ``Spectrum``, ``Source``, ``Background`` (counts, errors, exposure, scales).
response    ``Response``, ``Redistribution``, ``Auxiliary``, ``DisableMethodsMeta``.
balrog      ``BalrogResponse``, ``ResponseProvider`` protocol, ``InterpolatedProvider``.
notice      energy-range noticing of channels.
grouping    GROUPING flags and grouping policies (min_evt, min_sigma, max_bin, optimal).
upperlimit  Kraft, Burrows & Nousek (1991) upper limit.
unit        ``DataUnit`` (with _inputs, selection, _views, _spectra, _aliases).
fold        ``UnitFold``: the unit's one path from model to counts and statistic.
predict     npred, stat arrays, residuals; simulate: fake spectra.
rsp2        the RSP2 time rule; pha2: PHA-II rows to a DataUnit.
data        ``Data``.
"""

from .background_fit import BackgroundFit
from .balrog import BalrogResponse, InterpolatedProvider, ResponseProvider
from .data import Data
from .grouping import Grouping
from .pha2 import unit_from_rows
from .response import Auxiliary, DisableMethodsMeta, Redistribution, Response
from .rsp2 import interval_response
from .spectrum import Background, Source, Spectrum
from .timeseries import LightCurve, TimeSeries
from .unit import DataUnit
from .upperlimit import kbn_upper_limit

__all__ = ["Spectrum", "Source", "Background", "Response", "Redistribution", "Auxiliary",
           "DisableMethodsMeta", "BalrogResponse", "ResponseProvider", "InterpolatedProvider",
           "DataUnit", "Data", "Grouping", "kbn_upper_limit", "unit_from_rows",
           "TimeSeries", "LightCurve", "BackgroundFit",
           "interval_response"]
