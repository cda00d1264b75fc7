"""Where plots get their numbers: the units' own properties and dataset operations.

Plot functions never compute statistics. Predicted counts and residuals come from the
dataset operations (``unit.npred_signal()``, ``unit.npred()``, ``unit.residuals(method)``,
implemented in ``bayspec.datasets`` and reached through the `DataUnit` methods).
"""

from __future__ import annotations

import numpy as np

from ..infer import as_units

__all__ = ["units_of", "npred_signal", "npred", "residuals", "excess", "excess_error"]


def units_of(data):
    """``[(name, DataUnit), ...]`` of a `DataUnit`, a `Data` or a list of units."""
    return [(u.name, u) for u in as_units(data)]


def _row(x):
    a = np.asarray(getattr(x, "value", x), dtype=float)
    return a.reshape(-1, a.shape[-1])[0] if a.ndim > 1 else a


def npred_signal(unit):
    """Predicted source (signal) counts per noticed group at the current parameters."""
    return _row(unit.npred_signal())


def npred(unit):
    """Predicted total counts (signal + background, profiled where the statistic does)."""
    return _row(unit.npred())


def residuals(unit, method="diff"):
    """Residuals per noticed group (``"diff"``, ``"diff/model"``, ``"diff/sqrt(model)"``)."""
    return _row(unit.residuals(method))


def excess(unit):
    """Observed excess counts per group: source minus scaled background (from net rates)."""
    return unit.net_ctsrate * unit.corr_src_efficiency


def excess_error(unit):
    """1σ error of `excess`."""
    return unit.net_ctsrate_error * unit.corr_src_efficiency
