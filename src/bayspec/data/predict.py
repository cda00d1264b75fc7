"""Predicted counts, statistic and residuals of a `DataUnit` at its bound model.

These are the implementations behind ``unit.npred()``, ``unit.npred_signal()``,
``unit.npred_background()``, ``unit.stat_sum()``, ``unit.stat_array()`` and
``unit.residuals()``. Every array is over the unit's **noticed groups** ``(npoint,)``, in
counts; the model is ``unit.fit_with`` at its parameters' current values, folded by the
unit's own `UnitFold` (`DataUnit.fold`), the same fold the fit kernel
`bayspec.infer.Likelihood` stacks, so scale factors ``sf``/``rf``/``bf`` are applied exactly
as in a fit.

Background prediction per statistic (counts expected in the source region):

============================  =====================================================
``wstat``, ``cstat`` + bkg     profiled at the current model (`wstat_background`)
``pgstat``                     profiled at the current model (`pgstat_background`)
``pstat``, ``chi2*`` + bkg     ``alpha × B`` (the background taken as known/subtracted)
no background                  zeros
============================  =====================================================

with ``alpha = src_efficiency / (bkg_efficiency × bf)``.
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError

__all__ = ["npred", "npred_signal", "npred_background", "stat_sum", "stat_array",
           "residuals", "RESIDUAL_METHODS"]

RESIDUAL_METHODS = ("diff", "diff/model", "diff/sqrt(model)")


def npred_signal(unit):
    """Predicted source counts per noticed group (model folded through the response)."""
    return np.asarray(unit.fold().signal(unit.fit_with)[0], dtype=np.float64)


def npred_background(unit):
    """Predicted background counts in the source region per noticed group (see module
    docstring: profiled for wstat/cstat/pgstat, ``alpha B`` otherwise, 0 without one)."""
    return unit.fold().background(npred_signal(unit))


def npred(unit):
    """``npred_signal + npred_background`` per noticed group (counts)."""
    s = npred_signal(unit)
    return s + unit.fold().background(s)


def stat_array(unit):
    """Per-group statistic (−2 ln likelihood ratio to the saturated model, × weight)."""
    f = unit.fold()
    s = f.signal(unit.fit_with)
    return np.asarray(f.stat(s)[0] * f.weight, dtype=np.float64)


def stat_sum(unit):
    """Total statistic of the unit at the current parameters (float)."""
    return float(np.sum(stat_array(unit)))


def residuals(unit, method="diff"):
    """Residuals of the source counts against ``npred`` per noticed group.

    Parameters
    ----------
    method : {"diff", "diff/model", "diff/sqrt(model)"}
        ``data - model``, ``(data - model) / model`` or ``(data - model) / sqrt(model)``
        with data = ``src_counts`` and model = ``npred()`` (signal + background); NaN where
        the model is not positive in the divided forms.

    Raises
    ------
    ConfigError
        Unknown ``method``.
    """
    if method not in RESIDUAL_METHODS:
        raise ConfigError(f"unknown residuals method {method!r}; valid: "
                          f"{', '.join(RESIDUAL_METHODS)}", key="method")
    model = npred(unit)
    diff = unit.src_counts - model
    if method == "diff":
        return diff
    pos = model > 0
    den = model if method == "diff/model" else np.sqrt(np.where(pos, model, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pos, diff / np.where(pos, den, 1.0), np.nan)
