"""Luminosity, isotropic energy and k-correction from a fit or a posterior.

For a source at redshift z with luminosity distance D_L (``astropy.cosmology``, Planck18 by
default) and an observer-frame model N(E) (photons cm⁻² s⁻¹ keV⁻¹):

* luminosity over the rest-frame band [e1, e2] keV (Hogg 1999, astro-ph/9905116, eq. 24)::

      L = 4 π D_L² ∫_{e1/(1+z)}^{e2/(1+z)} E N(E) dE           [erg s⁻¹]

* isotropic-equivalent energy over the rest-frame band for an observed duration T (s) of
  the fitted spectrum (Bloom, Frail & Sari 2001, AJ 121, 2879, eqs. 2-4)::

      E_iso = 4 π D_L² S k / (1 + z),   S = T ∫_{Elo}^{Ehi} E N dE  (observed fluence)
      k = ∫_{e1/(1+z)}^{e2/(1+z)} E N dE / ∫_{Elo}^{Ehi} E N dE

  i.e. E_iso = 4 π D_L² T F_rest-band / (1 + z): the k-correction moves the fluence of the
  observed band [Elo, Ehi] to the rest-frame band; the 1/(1+z) turns observed time into
  rest-frame time. (For a fluence spectrum, pass ``duration=1``.)

Errors come from the same parameter draws as `bayspec.infer.flux` (the fit's covariance in
fit coordinates, or a posterior's samples): every quantity is computed per draw and the
quantiles reported, correlations included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import ONE_SIGMA
from ..errors import ModelError
from .flux import Estimate, band_flux

__all__ = ["Energetics", "luminosity_distance", "luminosity", "eiso", "kcorrection"]


@dataclass
class Energetics(Estimate):
    """A luminosity, isotropic energy or k-correction with its uncertainty band (fields of
    `bayspec.infer.flux.Estimate`).

    ``kind`` is ``"luminosity"`` (erg s⁻¹), ``"eiso"`` (erg) or ``"kcorrection"``
    (dimensionless); ``band`` is the rest-frame band, keV.

    Attributes
    ----------
    z : float
    """

    z: float

    def __repr__(self):
        u = getattr(self.value, "unit", "")
        v = getattr(self.value, "value", self.value)
        lo = getattr(self.lo, "value", self.lo)
        hi = getattr(self.hi, "value", self.hi)
        return (f"Energetics({self.kind}, z={self.z:g}, rest {self.band[0]:g}-{self.band[1]:g} keV: {v:.4g} "
                f"[{lo:.4g}, {hi:.4g}] {u} at cl={self.cl:.3g})")


def _cosmology(cosmology):
    if cosmology is None:
        from astropy.cosmology import Planck18
        return Planck18
    if not hasattr(cosmology, "luminosity_distance"):
        raise ModelError(f"cosmology must be an astropy cosmology, got {type(cosmology).__name__}", key="cosmology")
    return cosmology


def luminosity_distance(z, cosmology=None) -> float:
    """Luminosity distance in cm at redshift ``z`` (``astropy.cosmology``; Planck18 default)."""
    z = _check_z(z)
    return float(_cosmology(cosmology).luminosity_distance(z).to("cm").value)


def _check_z(z):
    try:
        z = float(z)
    except (TypeError, ValueError):
        raise ModelError(f"z must be a number, got {z!r}", key="z") from None
    if not (np.isfinite(z) and z > 0):
        raise ModelError(f"z must be > 0, got {z}", key="z")
    return z


def _check_band(e1, e2, name="band"):
    e1, e2 = float(e1), float(e2)
    if not 0 < e1 < e2:
        raise ModelError(f"need 0 < e1 < e2 keV, got ({e1}, {e2})", key=name)
    return e1, e2


def _seed(seed):
    """One integer seed so that several flux calls use the same parameter draws."""
    if isinstance(seed, (int, np.integer)):
        return int(seed)
    return int(np.random.default_rng(seed).integers(2**31))


def _result(value, samples, cl, kind, band, z, unit, posterior):
    q = np.quantile(samples, [0.5, 0.5 * (1 - cl), 0.5 * (1 + cl)])
    v = q[0] if value is None else value
    return Energetics(v * unit, q[0] * unit, q[1] * unit, q[2] * unit, samples * unit, cl, kind, band, z)


def _rest_flux(infer, e1, e2, z, cl, nsamples, seed, posterior, model):
    return band_flux(infer, e1 / (1.0 + z), e2 / (1.0 + z), kind="energy", cl=cl, nsamples=nsamples,
                     seed=seed, posterior=posterior, model=model)


def luminosity(infer, e1, e2, z, cosmology=None, cl=ONE_SIGMA, nsamples=1000, seed=None, posterior=None,
               model=0) -> Energetics:
    """Luminosity over the rest-frame band ``[e1, e2]`` keV, erg s⁻¹ (module docstring).

    Parameters
    ----------
    infer : Infer
        After a fit (covariance draws) or with ``posterior``.
    e1, e2 : float
        Rest-frame band, keV.
    z : float
        Redshift (> 0).
    cosmology : astropy.cosmology.Cosmology, optional
        Default ``astropy.cosmology.Planck18``.
    cl, nsamples, seed, posterior, model
        As `bayspec.infer.flux.band_flux`.
    """
    import astropy.units as u

    e1, e2 = _check_band(e1, e2)
    z = _check_z(z)
    dl = luminosity_distance(z, cosmology)
    f = _rest_flux(infer, e1, e2, z, cl, nsamples, seed, posterior, model)
    fac = 4.0 * np.pi * dl * dl
    val = None if posterior is not None else f.value.value * fac
    return _result(val, f.samples.value * fac, cl, "luminosity", (e1, e2), z, u.Unit("erg s-1"), posterior)


def kcorrection(infer, e1, e2, z, obs_band, cl=ONE_SIGMA, nsamples=1000, seed=None, posterior=None,
                model=0) -> Energetics:
    """k-correction from the observed band ``obs_band = (Elo, Ehi)`` keV to the rest-frame
    band ``[e1, e2]`` keV (Bloom, Frail & Sari 2001, eq. 2 in energy-flux form)."""
    import astropy.units as u

    e1, e2 = _check_band(e1, e2)
    lo, hi = _check_band(*obs_band, name="obs_band")
    z = _check_z(z)
    s = _seed(seed)
    fr = _rest_flux(infer, e1, e2, z, cl, nsamples, s, posterior, model)
    fo = band_flux(infer, lo, hi, kind="energy", cl=cl, nsamples=nsamples, seed=s, posterior=posterior,
                   model=model)
    k = fr.samples.value / fo.samples.value
    val = None if posterior is not None else fr.value.value / fo.value.value
    return _result(val, k, cl, "kcorrection", (e1, e2), z, u.dimensionless_unscaled, posterior)


def eiso(infer, z, e1=1.0, e2=1e4, duration=1.0, cosmology=None, cl=ONE_SIGMA, nsamples=1000, seed=None,
         posterior=None, model=0) -> Energetics:
    """Isotropic-equivalent energy over the rest-frame band ``[e1, e2]`` keV (default
    1-10⁴ keV, the GRB convention), erg.

    Parameters
    ----------
    infer : Infer
    z : float
        Redshift (> 0).
    e1, e2 : float
        Rest-frame band, keV.
    duration : float
        Observed duration (s) the fitted (time-averaged) spectrum stands for; 1 for a
        fluence spectrum.
    cosmology, cl, nsamples, seed, posterior, model
        As `luminosity`.
    """
    import astropy.units as u

    e1, e2 = _check_band(e1, e2)
    z = _check_z(z)
    duration = float(duration)
    if not duration > 0:
        raise ModelError(f"duration must be > 0 s, got {duration}", key="duration")
    dl = luminosity_distance(z, cosmology)
    f = _rest_flux(infer, e1, e2, z, cl, nsamples, seed, posterior, model)
    fac = 4.0 * np.pi * dl * dl * duration / (1.0 + z)
    val = None if posterior is not None else f.value.value * fac
    return _result(val, f.samples.value * fac, cl, "eiso", (e1, e2), z, u.Unit("erg"), posterior)
