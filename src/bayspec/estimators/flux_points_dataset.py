"""`FluxPointsDataset`: a spectral model against flux points (the spec's dataset of that
name), with two statistics.

* ``"chi2"`` — asymmetric-error chi² on the differential flux at ``e_ref``:
  ``((dnde − N(e_ref)) / σ)²`` with ``σ = dnde_errp`` where the model lies above the point
  and ``dnde_errn`` where it lies below (``dnde_err`` when those are absent); upper limits
  (``is_ul``) are left out, as in gammapy's ``chi2``.
* ``"profile"`` — the likelihood profile of each bin (``norm_scan``/``stat_scan`` of a
  likelihood SED): ``stat_scan(norm_model) − stat_min`` with ``norm_model =
  N(e_ref) / ref_dnde``, linearly interpolated on the scan (clamped at its ends); upper
  limits take part, since their profile carries the information.

References
----------
Gamma Astro Data Format, "Flux points" (likelihood SED, ``stat_scan``),
https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataFormatError

__all__ = ["FluxPointsDataset"]

STAT_TYPES = ("chi2", "profile")


class FluxPointsDataset:
    """A model compared with flux points.

    Parameters
    ----------
    models : bayspec Model
        Photon spectrum N(E) [cm⁻² s⁻¹ keV⁻¹], E in keV, at its current parameters.
    data : FluxPoints
        The flux points (any SED type read by `FluxPoints.read`).
    mask_fit : bool array (n_points,), optional
        Points that enter the statistic (default all finite ones).
    stat_type : {"chi2", "profile"}
    name : str, optional
    """

    tag = "FluxPointsDataset"

    def __init__(self, models, data, mask_fit=None, stat_type="chi2", name=None):
        if stat_type not in STAT_TYPES:
            raise ConfigError(f"stat_type must be one of {STAT_TYPES}, got {stat_type!r}",
                              key="stat_type")
        if stat_type == "profile" and "stat_scan" not in data.table.colnames:
            raise DataFormatError("the profile statistic needs stat_scan/norm_scan columns "
                                  "(a likelihood SED)", key="stat_scan")
        self.models = models
        self.data = data
        self.stat_type = stat_type
        self.name = name or "flux_points"
        self.mask_fit = None if mask_fit is None else np.asarray(mask_fit, dtype=bool)

    # ------------------------------------------------------------------ predictions
    @property
    def e_ref_kev(self):
        return self.data.e_ref.to_value("keV", equivalencies=_spectral())

    def flux_pred(self):
        """Model differential flux at ``e_ref`` [cm⁻² s⁻¹ keV⁻¹], ``(n_points,)``."""
        return np.asarray(self.models(self.e_ref_kev), dtype=float).reshape(-1)

    def _dnde(self, suffix=""):
        return self.data.sed_quantity("dnde", suffix).to_value("cm-2 s-1 keV-1")

    @property
    def mask(self):
        """Points in the statistic: ``mask_fit`` and finite data (and, for chi2, no upper
        limits)."""
        m = np.isfinite(self._dnde())
        if self.stat_type == "chi2":
            m &= ~np.asarray(self.data.is_ul, dtype=bool)
        if self.mask_fit is not None:
            m &= self.mask_fit
        return m

    def residuals(self, method="diff"):
        """``dnde − model`` (``"diff"``) or ``(dnde − model) / model`` (``"diff/model"``)."""
        d, m = self._dnde(), self.flux_pred()
        if method == "diff":
            return d - m
        if method == "diff/model":
            return (d - m) / m
        raise ConfigError(f"method must be 'diff' or 'diff/model', got {method!r}",
                          key="method")

    # ------------------------------------------------------------------ statistic
    def stat_array(self):
        """Per-point statistic (0 outside `mask`)."""
        out = np.zeros(len(self.data))
        m = self.mask
        if self.stat_type == "chi2":
            d, model = self._dnde(), self.flux_pred()
            errp, errn, err = self._dnde("_errp"), self._dnde("_errn"), self._dnde("_err")
            sigma = np.where(model > d, errp, errn)
            sigma = np.where(np.isfinite(sigma) & (sigma > 0), sigma, err)
            out[m] = ((d[m] - model[m]) / sigma[m]) ** 2
            return out
        norm = self.flux_pred() / self.data.ref("dnde").to_value("cm-2 s-1 keV-1")
        scan_n = np.asarray(self.data.table["norm_scan"], dtype=float)
        scan_s = np.asarray(self.data.table["stat_scan"], dtype=float)
        for i in np.flatnonzero(m):
            ok = np.isfinite(scan_s[i])
            if ok.sum() < 2:
                continue
            x, y = scan_n[i][ok], scan_s[i][ok]
            order = np.argsort(x)
            out[i] = np.interp(norm[i], x[order], y[order]) - y.min()
        return out

    def stat_sum(self):
        """Total statistic."""
        return float(self.stat_array().sum())

    def __repr__(self):
        return (f"FluxPointsDataset({self.name!r}, stat_type={self.stat_type!r}, "
                f"npoints={int(self.mask.sum())})")


def _spectral():
    from astropy import units as u

    return u.spectral()
