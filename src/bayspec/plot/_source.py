"""Where plots get their numbers: the units' own properties and dataset operations.

Plot functions never compute statistics. Predicted counts and residuals come from the
dataset operations (``unit.npred_signal()``, ``unit.npred()``, ``unit.residuals(method)``,
implemented in ``bayspec.datasets``). While a tree lacks them, `_fallback_*` asks the fit
kernel (`bayspec.infer.Likelihood`) for the predicted source counts instead, so plots work
against any layer that is present.
"""

from __future__ import annotations

import numpy as np

from .. import _hooks
from ..errors import BayspecError
from ..infer import as_units

__all__ = ["units_of", "npred_signal", "npred", "residuals", "excess", "excess_error"]


def units_of(data):
    """``[(name, DataUnit), ...]`` of a `DataUnit`, a `Data` or a list of units."""
    return [(u.name, u) for u in as_units(data)]


def _available(unit, name):
    """Whether ``unit.<name>()`` exists and its implementing layer can be imported."""
    if not callable(getattr(type(unit), name, None)):
        return False
    try:
        _hooks.resolve(name)
    except (ImportError, BayspecError):
        return False
    return True


def _row(x):
    a = np.asarray(getattr(x, "value", x), dtype=float)
    return a.reshape(-1, a.shape[-1])[0] if a.ndim > 1 else a


def _fallback_signal(unit):
    from ..infer import Likelihood

    counts = Likelihood([(unit, unit.fit_with)]).predicted_counts()
    return _row(counts[unit.name])


def npred_signal(unit):
    """Predicted source (signal) counts per noticed group at the current parameters."""
    if _available(unit, "npred_signal"):
        return _row(unit.npred_signal())
    return _fallback_signal(unit)


def _background_estimate(unit):
    b = unit.bkg_counts
    return 0.0 if b is None else unit.alpha * unit.bkg_counts * unit.src_ins.factor.value \
        / unit.bkg_ins.factor.value


def npred(unit):
    """Predicted total counts (signal + background) per noticed group."""
    if _available(unit, "npred"):
        return _row(unit.npred())
    return npred_signal(unit) + _background_estimate(unit)


def residuals(unit, method="diff"):
    """Residuals per noticed group (``"diff"``, ``"diff/model"``, ``"diff/sqrt(model)"``)."""
    if _available(unit, "residuals"):
        return _row(unit.residuals(method))
    data, model = np.asarray(unit.src_counts, dtype=float), npred(unit)
    diff = data - model
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "diff":
            return diff
        if method == "diff/model":
            return diff / model
        if method == "diff/sqrt(model)":
            return diff / np.sqrt(model)
    raise BayspecError(f"unknown residual method {method!r}; use 'diff', 'diff/model' or "
                       "'diff/sqrt(model)'", key="method")


def excess(unit):
    """Observed excess counts per group: source minus scaled background (from net rates)."""
    return unit.net_ctsrate * unit.corr_src_efficiency


def excess_error(unit):
    """1σ error of `excess`."""
    return unit.net_ctsrate_error * unit.corr_src_efficiency
