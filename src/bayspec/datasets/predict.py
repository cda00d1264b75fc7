"""Predicted counts, statistic and residuals of a `DataUnit` at its bound model.

These are the implementations behind ``unit.npred()``, ``unit.npred_signal()``,
``unit.npred_background()``, ``unit.stat_sum()``, ``unit.stat_array()`` and
``unit.residuals()`` (bound through `bayspec._hooks`). Every array is over the unit's
**noticed groups** ``(npoint,)``, in counts; the model is ``unit.fit_with`` at its
parameters' current values, folded by the fit kernel `bayspec.infer.Likelihood` (so scale
factors ``sf``/``rf`` are applied exactly as in a fit).

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
from ..infer.likelihood import Likelihood
from ..stat.profile import pgstat_background, wstat_background

__all__ = ["npred", "npred_signal", "npred_background", "stat_sum", "stat_array",
           "residuals", "kernel", "RESIDUAL_METHODS"]

RESIDUAL_METHODS = ("diff", "diff/model", "diff/sqrt(model)")


def kernel(unit):
    """A one-unit `Likelihood` for ``unit`` and its bound model (`ModelNotBoundError`
    when none is bound)."""
    return Likelihood([(unit, unit.fit_with)])


def npred_signal(unit):
    """Predicted source counts per noticed group (model folded through the response)."""
    return np.asarray(kernel(unit).predicted_counts()[unit.name][0], dtype=np.float64)


def _alpha(unit):
    return unit.src_efficiency / (unit.bkg_efficiency * unit.bkg_ins.factor.value)


def _background(unit, signal):
    if unit.bkg_ins is None:
        return np.zeros_like(signal)
    alpha = _alpha(unit)
    stat = str(unit.stat).lower()
    if stat in ("wstat", "cstat"):
        return wstat_background(unit.src_counts, unit.bkg_counts, signal, alpha)
    if stat == "pgstat":
        return pgstat_background(unit.src_counts, unit.bkg_counts, unit.bkg_errors, signal,
                                 alpha)
    return alpha * unit.bkg_counts


def npred_background(unit):
    """Predicted background counts in the source region per noticed group (see module
    docstring: profiled for wstat/cstat/pgstat, ``alpha B`` otherwise, 0 without one)."""
    return _background(unit, npred_signal(unit))


def npred(unit):
    """``npred_signal + npred_background`` per noticed group (counts)."""
    s = npred_signal(unit)
    return s + _background(unit, s)


def stat_array(unit):
    """Per-group statistic (−2 ln likelihood ratio to the saturated model, × weight)."""
    return np.asarray(kernel(unit).stat_channels()[unit.name][0], dtype=np.float64)


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
