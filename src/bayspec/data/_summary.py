"""`info_dict`: summary numbers of a unit summed over energy (gammapy's ``info_dict``).

Significances (the data layer cannot use `bayspec.stat`, so the three closed forms are
written here):

* on/off with Poisson off counts (wstat, cstat with background, chi2 on Poisson
  backgrounds): Li & Ma (1983, ApJ 272, 317) eq. 17 with the summed on and off counts and
  the effective ``alpha = sum(alpha_c B_c) / sum(B_c)``;
* known background (pstat): Cash (1979, ApJ 228, 939) ``sqrt(2 [n ln(n/b) - n + b])``
  with ``b = sum(alpha_c B_c)``;
* Gaussian background (pgstat, chi2 with STAT_ERR): the Poisson-Gaussian profile
  likelihood ratio (Vianello 2018, ApJS 236, 17) with ``b = sum(alpha_c B_c)`` and
  ``sigma = sqrt(sum (alpha_c sigma_B,c)^2)``.

All are signed with ``n - b``; NaN without background.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from ._combine import channel_arrays
from ._masks import mask_safe

__all__ = ["info_dict", "li_ma", "cash_significance", "pg_significance"]


def li_ma(n_on, n_off, alpha):
    """Li & Ma (1983) eq. 17, signed with ``n_on - alpha n_off`` (0 ln 0 = 0)."""
    tot = n_on + n_off
    if tot <= 0:
        return 0.0
    a1 = 1.0 + alpha
    t = xlogy(n_on, a1 / alpha * n_on / tot) + xlogy(n_off, a1 * n_off / tot)
    return float(np.sign(n_on - alpha * n_off) * np.sqrt(2.0 * max(t, 0.0)))


def cash_significance(n, b):
    """``sign(n - b) sqrt(2 [n ln(n/b) - n + b])`` (Cash 1979), known background ``b``."""
    if b <= 0:
        return float("inf") if n > 0 else 0.0
    t = xlogy(n, n / b) - n + b
    return float(np.sign(n - b) * np.sqrt(2.0 * max(t, 0.0)))


def pg_significance(n, b, sigma):
    """Poisson counts ``n`` over a Gaussian background ``b +- sigma`` (Vianello 2018)."""
    s2 = sigma * sigma
    if s2 <= 0:
        return cash_significance(n, b)
    p = s2 - b
    disc = np.sqrt(p * p + 4.0 * n * s2)
    b0 = 0.5 * (disc - p) if p <= 0 else 2.0 * n * s2 / (disc + p)
    if b0 <= 0:
        return float("inf") if n > 0 else 0.0
    t = xlogy(n, n / b0) - n + b0 + (b - b0) ** 2 / (2.0 * s2)
    return float(np.sign(n - b) * np.sqrt(2.0 * max(t, 0.0)))


def info_dict(unit, in_safe_data_range=True):
    """Summary of ``unit`` summed over channels.

    Parameters
    ----------
    unit : DataUnit
    in_safe_data_range : bool
        Sum over the safe channels (`bayspec.data._masks.mask_safe`) only; else over
        every channel with finite energy bounds.

    Returns
    -------
    dict
        ``name``, ``stat_type``, ``counts`` (source-region counts), ``counts_off``
        (background-spectrum counts), ``background`` (``sum alpha B``, counts expected
        from the background in the source region), ``excess`` (counts − background),
        ``sqrt_ts`` (see module docstring), ``alpha`` (effective), ``exposure``/
        ``livetime`` (s), ``ontime`` (TSTOP − TSTART, s, or None), ``counts_rate``,
        ``background_rate``, ``excess_rate`` (s⁻¹), ``n_bins`` (channels summed),
        ``n_fit_bins`` (noticed groups), ``energy_min``/``energy_max`` (keV); with a bound
        model also ``npred``, ``npred_signal``, ``npred_background`` (summed over the
        noticed groups) and ``stat_sum``.
    """
    chbin = unit.rsp_ins.chbin
    m = mask_safe(unit) if in_safe_data_range else np.isfinite(chbin).all(axis=1)
    a = channel_arrays(unit)
    src = unit.src_ins
    n = float(a["S"][m].sum())
    out = {"name": unit.name, "stat_type": unit.stat, "counts": n}
    if unit.bkg_ins is not None:
        noff = float(a["B"][m].sum())
        b = float((a["alpha"] * a["B"])[m].sum())
        alpha = b / noff if noff > 0 else float(np.mean(a["alpha"][m])) if m.any() else np.nan
        if not unit.bkg_ins.poisson:
            sig = float(np.sqrt(((a["alpha"] * a["sB"])[m] ** 2).sum()))
            sqrt_ts = pg_significance(n, b, sig)
        elif unit.stat == "pstat":
            sqrt_ts = cash_significance(n, b)
        else:
            sqrt_ts = li_ma(n, noff, alpha)
    else:
        noff, b, alpha, sqrt_ts = None, 0.0, None, float("nan")
    expo = float(src.exposure)
    ontime = None if (src.tstart is None or src.tstop is None) else \
        float(src.tstop) - float(src.tstart)
    out.update(counts_off=noff, background=b, excess=n - b, sqrt_ts=sqrt_ts, alpha=alpha,
               exposure=expo, livetime=expo, ontime=ontime, counts_rate=n / expo,
               background_rate=b / expo, excess_rate=(n - b) / expo, n_bins=int(m.sum()),
               n_fit_bins=int(unit.npoint),
               energy_min=float(chbin[m, 0].min()) if m.any() else np.nan,
               energy_max=float(chbin[m, 1].max()) if m.any() else np.nan)
    if unit._fit_with is not None:
        out.update(npred=float(np.sum(unit.npred())),
                   npred_signal=float(np.sum(unit.npred_signal())),
                   npred_background=float(np.sum(unit.npred_background())),
                   stat_sum=float(unit.stat_sum()))
    return out
