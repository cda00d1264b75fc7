"""Derived quantities: band fluxes and model-spectrum bands with propagated uncertainties.

Uncertainties come from parameter draws, never from linearised formulas:

* after a maximum-likelihood fit, draws from the multivariate normal of the HESSE covariance
  *in fit coordinates* (log10 for scale parameters, so normalisations stay positive); draws
  outside the parameter bounds are rejected;
* with a `Posterior`, its samples (resampled by their weights when weighted).

Every draw is evaluated at once: the model is called with ``(n, 1)`` parameter columns on a
fixed energy grid, so there is no Python loop over draws.

Integrals over ``[e1, e2]`` keV use Gauss–Legendre quadrature in ln E (``∫ f dE = ∫ f E d ln
E``) on ``_NBIN`` logarithmic sub-intervals with ``_NGL`` nodes each, accurate to far better
than 1e-6 for smooth spectra (break points of broken power laws converge as the sub-interval
width squared).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..constants import KEV_TO_ERG, ONE_SIGMA
from ..errors import FitError, ModelError

__all__ = ["Flux", "ModelBand", "band_flux", "model_band", "parameter_draws",
           "noticed_range", "response_range", "ExtrapolationWarning"]


class ExtrapolationWarning(UserWarning):
    """A flux band reaches beyond the photon energies of every unit's response: the flux
    there is the model extrapolated, not constrained by any data."""

_NBIN = 256
_NGL = 6


@dataclass
class Estimate:
    """A derived quantity with its uncertainty band (base of `Flux` and
    `bayspec.infer.energetics.Energetics`).

    Attributes
    ----------
    value : Quantity
        At the best fit (MLE), or the posterior median.
    median, lo, hi : Quantity
        Median and the ``(1 − cl)/2``, ``(1 + cl)/2`` quantiles of the draws.
    samples : Quantity (n,)
        The quantity for every draw.
    cl : float
    kind : str
    band : (float, float)
        Energy band, keV.
    """

    value: object
    median: object
    lo: object
    hi: object
    samples: object
    cl: float
    kind: str
    band: tuple

    @property
    def errors(self):
        """``(value − lo, hi − value)``."""
        return self.value - self.lo, self.hi - self.value


@dataclass
class Flux(Estimate):
    """A flux with its uncertainty band (fields of `Estimate`).

    ``kind`` is ``"photon"`` (ph cm⁻² s⁻¹) or ``"energy"`` (erg cm⁻² s⁻¹); ``band`` is
    ``(e1, e2)`` keV.

    Attributes
    ----------
    extrapolated : bool
        The band reaches beyond the photon energies of every unit's response.
    """

    extrapolated: bool = False

    def __repr__(self):
        u = self.value.unit
        return (f"Flux({self.kind}, {self.band[0]:g}-{self.band[1]:g} keV: {self.value.value:.4g} "
                f"[{self.lo.value:.4g}, {self.hi.value:.4g}] {u:unicode} at cl={self.cl:.3g})")


@dataclass
class ModelBand:
    """Model spectrum at energies ``E`` with a ``cl`` band.

    Attributes
    ----------
    E : Quantity (m,) keV
    best, median, lo, hi : Quantity (m,)
        Best fit (NaN with a posterior), median and quantiles over the draws.
    sed : str
        ``"n"`` (N(E), ph cm⁻² s⁻¹ keV⁻¹), ``"fnu"`` (E N(E), keV cm⁻² s⁻¹ keV⁻¹) or
        ``"nufnu"`` (E² N(E), keV cm⁻² s⁻¹).
    cl : float
    """

    E: object
    best: object
    median: object
    lo: object
    hi: object
    sed: str
    cl: float


# ---------------------------------------------------------------------- parameter draws
def _pick_model(infer, model):
    models = infer.models
    if isinstance(model, int):
        if not 0 <= model < len(models):
            raise ModelError(f"model index {model} out of range (0..{len(models) - 1})")
        return models[model]
    if any(model is m for m in models):
        return model
    raise ModelError("model is not one of this Infer's models")


def parameter_draws(infer, nsamples=1000, seed=None, posterior=None):
    """Draws of the free parameters, ``(n, k)`` in the kernel's column order.

    From ``posterior`` (resampled by weight, or a random subset of ``nsamples``) or from the
    last fit's covariance in fit coordinates.
    """
    lik = infer.likelihood
    names = lik.free_names
    rng = np.random.default_rng(seed)
    if posterior is not None:
        pn = list(posterior.names)
        missing = [n for n in names if n not in pn]
        if missing:
            raise FitError(f"posterior has no samples of {', '.join(missing)}")
        S = np.asarray(posterior.samples, dtype=float)[:, [pn.index(n) for n in names]]
        w = getattr(posterior, "weights", None)
        if w is not None:
            w = np.asarray(w, dtype=float)
            if not np.allclose(w, w[0]):
                idx = rng.choice(S.shape[0], size=nsamples, p=w / w.sum())
                return S[idx]
        if S.shape[0] > nsamples:
            S = S[rng.choice(S.shape[0], size=nsamples, replace=False)]
        return S
    res = infer.result
    if res is None:
        raise FitError("no fit yet: call infer.fit() or pass a posterior")
    if res.names != names or res.fit_coords is None:
        raise FitError("the free parameters changed since the last fit; refit first")
    from ._transform import Coordinates

    coords = Coordinates(list(lik.free_params.values()))
    cov = np.asarray(res.fit_covariance, dtype=float)
    if not np.all(np.isfinite(cov)):
        raise FitError("the fit has no valid covariance to propagate")
    lo, hi = coords.bounds[:, 0], coords.bounds[:, 1]
    out = np.empty((0, len(names)))
    for _ in range(20):
        Y = rng.multivariate_normal(res.fit_coords, cov, size=2 * nsamples, method="svd")
        X = coords.backward(Y)
        ok = np.all((X >= lo) & (X <= hi), axis=1)
        out = np.vstack([out, X[ok]])
        if out.shape[0] >= nsamples:
            return out[:nsamples]
    raise FitError("most covariance draws fall outside the parameter bounds; use a posterior")


def _model_pvals(lik, model, theta):
    """``{model full name: (n, 1)}`` for the model's free and linked parameters."""
    vals = lik.space.values(lik.space.as_theta(theta))
    return {full: np.asarray(vals[id(p)], dtype=float) for full, p in model.params.items() if id(p) in vals}


def _best_theta(infer, posterior):
    lik = infer.likelihood
    if posterior is None and infer.result is not None:
        return np.array([[infer.result.values[n] for n in lik.free_names]])
    return None


# ---------------------------------------------------------------------- fluxes
def _log_gl_grid(e1, e2):
    """Nodes E and weights w (keV) with ``∫_{e1}^{e2} f dE ≈ Σ w f(E)``."""
    x, wx = np.polynomial.legendre.leggauss(_NGL)
    edges = np.linspace(np.log(e1), np.log(e2), _NBIN + 1)
    h = 0.5 * np.diff(edges)
    c = 0.5 * (edges[1:] + edges[:-1])
    lnE = (c[:, None] + h[:, None] * x[None, :]).ravel()
    E = np.exp(lnE)
    w = (h[:, None] * wx[None, :]).ravel() * E
    return E, w


def _fluxes(model, pvals, e1, e2, kind):
    E, w = _log_gl_grid(e1, e2)
    N = np.atleast_2d(model(E, pvals)) if pvals else np.atleast_2d(model(E))
    if kind == "photon":
        return N @ w
    return (N * E) @ w * KEV_TO_ERG


def _model_units(infer, m):
    return [u for units, mm in infer.pairs if mm is m for u in units]


def noticed_range(units):
    """``(lo, hi)`` keV spanned by the noticed channel groups of ``units`` (the data's own
    energy range: the default flux band)."""
    lo = min(float(np.min(u.rsp_chbin[:, 0])) for u in units)
    hi = max(float(np.max(u.rsp_chbin[:, 1])) for u in units)
    return lo, hi


def response_range(units):
    """``(lo, hi)`` keV of the photon energies of the units' responses (ENERG_LO/HI)."""
    lo = min(float(np.min(u.ebin[:, 0])) for u in units)
    hi = max(float(np.max(u.ebin[:, 1])) for u in units)
    return lo, hi


def _check_band(units, e1, e2):
    """`ExtrapolationWarning` when ``[e1, e2]`` reaches beyond every unit's response."""
    lo, hi = response_range(units)
    if e1 < lo * (1 - 1e-9) or e2 > hi * (1 + 1e-9):
        import warnings

        warnings.warn(f"flux band {e1:g}-{e2:g} keV reaches beyond the response range of "
                      f"every unit ({lo:g}-{hi:g} keV): the flux there is an extrapolation "
                      "of the model, not constrained by the data", ExtrapolationWarning,
                      stacklevel=3)
        return True
    return False


def band_flux(infer, e1=None, e2=None, kind="energy", cl=ONE_SIGMA, nsamples=1000, seed=None,
              posterior=None, model=0):
    """Photon (ph cm⁻² s⁻¹) or energy (erg cm⁻² s⁻¹) flux over ``[e1, e2]`` keV.

    Parameters
    ----------
    infer : Infer
    e1, e2 : float, optional
        Band edges, keV, ``0 < e1 < e2``. Default: the noticed energy range of the
        model's units (`noticed_range`). A band reaching beyond the photon energies of
        every unit's response gives an `ExtrapolationWarning` (``Flux.extrapolated``).
    kind : {"photon", "energy"}
    cl : float
        Probability content of the ``[lo, hi]`` band.
    nsamples : int
        Number of parameter draws.
    seed : int or Generator, optional
    posterior : Posterior, optional
        Use its samples instead of the fit covariance.
    model : int or Model
        Which model of the Infer (default the first).

    Returns
    -------
    Flux
    """
    import astropy.units as u

    if kind not in ("photon", "energy"):
        raise ModelError(f"kind must be 'photon' or 'energy', got {kind!r}")
    m = _pick_model(infer, model)
    units = _model_units(infer, m)
    if e1 is None or e2 is None:
        lo, hi = noticed_range(units)
        e1, e2 = (lo if e1 is None else e1), (hi if e2 is None else e2)
    e1, e2 = float(e1), float(e2)
    if not 0 < e1 < e2:
        raise ModelError(f"need 0 < e1 < e2 keV, got ({e1}, {e2})")
    if not 0 < cl < 1:
        raise ModelError(f"cl must be in (0, 1), got {cl}")
    extrapolated = _check_band(units, e1, e2)
    lik = infer.likelihood
    draws = parameter_draws(infer, nsamples, seed, posterior)
    f = _fluxes(m, _model_pvals(lik, m, draws), e1, e2, kind)
    q = np.quantile(f, [0.5, 0.5 * (1 - cl), 0.5 * (1 + cl)])
    best = _best_theta(infer, posterior)
    value = _fluxes(m, _model_pvals(lik, m, best), e1, e2, kind)[0] if best is not None else q[0]
    unit = u.Unit("cm-2 s-1") if kind == "photon" else u.Unit("erg cm-2 s-1")
    return Flux(value * unit, q[0] * unit, q[1] * unit, q[2] * unit, f * unit, cl, kind, (e1, e2),
                extrapolated)


_SED = {"n": 0, "fnu": 1, "nufnu": 2}


def model_band(infer, E, sed="nufnu", cl=ONE_SIGMA, posterior=None, nsamples=1000,
               seed=None, model=0):
    """Model spectrum ``E^p N(E)`` at ``E`` (keV) with median and ``cl`` band over draws.

    ``sed``: ``"n"`` (p = 0), ``"fnu"`` (p = 1) or ``"nufnu"`` (p = 2).
    """
    import astropy.units as u

    if sed not in _SED:
        raise ModelError(f"sed must be one of {', '.join(_SED)}, got {sed!r}")
    E = np.atleast_1d(np.asarray(E, dtype=float))
    if E.ndim != 1 or np.any(E <= 0):
        raise ModelError("E must be a 1-D array of positive energies (keV)")
    m = _pick_model(infer, model)
    lik = infer.likelihood
    p = _SED[sed]
    draws = parameter_draws(infer, nsamples, seed, posterior)
    V = np.atleast_2d(m(E, _model_pvals(lik, m, draws))) * E**p
    qs = np.quantile(V, [0.5, 0.5 * (1 - cl), 0.5 * (1 + cl)], axis=0)
    best = _best_theta(infer, posterior)
    bv = (np.atleast_2d(m(E, _model_pvals(lik, m, best)))[0] * E**p) if best is not None else np.full(E.size, np.nan)
    unit = [u.Unit("cm-2 s-1 keV-1"), u.Unit("keV cm-2 s-1 keV-1"), u.Unit("keV cm-2 s-1")][p]
    return ModelBand(E * u.keV, bv * unit, qs[0] * unit, qs[1] * unit, qs[2] * unit, sed, cl)
