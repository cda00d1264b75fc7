"""Where plots get their numbers: the units' own properties and dataset operations.

Plot functions never compute statistics themselves: the residuals evaluate the unit's own
statistic function (``unit.fold().func``) on display bins. Predicted counts and residuals come from the
dataset operations (``unit.npred_signal()``, ``unit.npred()``, ``unit.residuals(method)``,
implemented in ``bayspec.datasets`` and reached through the `DataUnit` methods).
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..infer import as_units
from ._rebin import REBIN_DEFAULTS, display_bins

__all__ = ["units_of", "npred_signal", "npred", "residuals", "excess", "excess_error",
           "is_gaussian", "rebin_options", "bins_of", "photon_flux", "residual_label",
           "binned_residuals", "RESIDUAL_METHODS"]


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


# ---------------------------------------------------------------------- display rebinning
def is_gaussian(unit):
    """Whether the unit's statistic is a Gaussian one (the chi2 family)."""
    return str(unit.stat).lower().startswith("chi2")


def rebin_options(rebin):
    """Keyword arguments of `display_bins` from a plot's ``rebin`` argument: True (the
    defaults), False/None (one bin per group) or a dict overriding the defaults."""
    opts = dict(REBIN_DEFAULTS)
    if rebin is False or rebin is None:
        opts["max_groups"] = 1
    elif isinstance(rebin, dict):
        unknown = set(rebin) - set(REBIN_DEFAULTS)
        if unknown:
            raise ConfigError(f"unknown rebin option(s) {sorted(unknown)}; valid: "
                              f"{', '.join(REBIN_DEFAULTS)}", key="rebin")
        opts.update(rebin)
    elif rebin is not True:
        raise ConfigError(f"rebin must be True, False or a dict, got {rebin!r}", key="rebin")
    return opts


def bins_of(unit, rebin=True):
    """`DisplayBins` of a unit's noticed groups: net counts (`excess`) and their variance,
    with a variance floor of 1 count² for Poisson data (a bin with no counts still has an
    uncertainty)."""
    floor = 0.0 if is_gaussian(unit) else 1.0
    return display_bins(excess(unit), np.square(excess_error(unit)), unit.rsp_chbin,
                         var_floor=floor, **rebin_options(rebin))


def photon_flux(unit):
    """Model photon flux integrated over each noticed group's energy range
    (photons cm⁻² s⁻¹) at the current parameters."""
    return _row(unit.fit_with.integrate(np.asarray(unit.rsp_chbin, dtype=float)))


#: Residual definitions: the default ``"auto"`` is the signed root of the unit's own
#: statistic per plotted bin: ``(D − M)/σ`` for the chi2 family, the deviance residual
#: for the Poisson statistics.
RESIDUAL_METHODS = ("auto", "deviance", "chi", "pearson", "diff", "diff/model",
                    "diff/sqrt(model)")


def residual_label(unit, method):
    """Axis label naming the residual definition used for ``unit`` (mathtext)."""
    method = _resolve_method(unit, method)
    stat = str(unit.stat)
    return {
        "chi": rf"$(D - M)/\sigma$ ({stat})",
        "deviance": f"Deviance residual ({stat})",
        "pearson": r"$(D - M)/\sqrt{M}$ (Pearson)",
        "diff": r"$D - M$ (counts)",
        "diff/model": r"$(D - M)/M$ (ratio)",
    }[method]


def _resolve_method(unit, method):
    if method not in RESIDUAL_METHODS:
        raise ConfigError(f"unknown residuals method {method!r}; valid: "
                          f"{', '.join(RESIDUAL_METHODS)}", key="method")
    if method == "diff/sqrt(model)":
        return "pearson"
    if method in ("auto", "deviance", "chi"):
        return "chi" if is_gaussian(unit) else "deviance"
    return method


def _bin_stat(unit, bins, signal):
    """The unit's statistic evaluated on each plotted bin's summed data (counts: sums;
    errors: quadrature sums; background efficiency such that ``alpha × B`` sums), i.e.
    the bin treated as one group. Equals ``stat_array / weight`` with one group a bin."""
    f = unit.fold()
    k = signal.size
    ts_g = np.broadcast_to(np.asarray(f.ts, dtype=float), (k,))
    ts = bins.mean(ts_g)
    S = bins.sum(f.S)
    sS = None if f.sS is None else bins.quad(f.sS)
    B = sB = None
    tb = 1.0
    if f.B is not None:
        alpha = np.broadcast_to(np.asarray(f.alpha(), dtype=float), (k,))
        B = bins.sum(f.B)
        sB = None if f.sB is None else bins.quad(f.sB)
        aB = bins.sum(alpha * f.B)
        tb_mean = bins.mean(ts_g / alpha)
        with np.errstate(divide="ignore", invalid="ignore"):
            tb = np.where((aB > 0) & (B > 0), ts * B / np.where(aB > 0, aB, 1.0), tb_mean)
    return np.asarray(f.func(S, B, bins.sum(signal)[None, :], ts, tb, sS, sB),
                      dtype=float)[0]


def binned_residuals(unit, bins, method="auto"):
    """Residuals and their 1σ errors per plotted bin, and the definition used.

    ``"auto"`` (``"chi"``/``"deviance"``): ``sign(D − M) sqrt(stat)`` with ``stat`` the
    unit's statistic on the bin (Gaussian data: exactly ``(D − M)/σ``; Poisson data: the
    deviance residual, McCullagh & Nelder 1989, §2.4.3, the background profiled as the
    statistic profiles it); errors 1. ``"pearson"``: ``(D − M)/sqrt(M)``. ``"diff"``:
    ``D − M`` counts; ``"diff/model"``: ``(D − M)/M``. ``D`` = source counts, ``M`` =
    ``npred`` (signal + the statistic's background), summed over the bin.

    Returns
    -------
    res, err : ndarray (nbins,)
    method : str
        The resolved definition (``"chi"``, ``"deviance"``, ``"pearson"``, ``"diff"``,
        ``"diff/model"``).
    """
    method = _resolve_method(unit, method)
    signal = npred_signal(unit)
    f = unit.fold()
    total = bins.sum(signal + _row(f.background(signal[None, :])))
    D = bins.sum(unit.src_counts)
    diff = D - total
    if method in ("chi", "deviance"):
        stat = _bin_stat(unit, bins, signal)
        return np.sign(diff) * np.sqrt(np.maximum(stat, 0.0)), np.ones_like(diff), method
    err = bins.quad(excess_error(unit))
    if method == "diff":
        return diff, err, method
    pos = total > 0
    den = total if method == "diff/model" else np.sqrt(np.where(pos, total, 0.0))
    den = np.where(pos, den, np.nan)
    return diff / den, err / den, method
