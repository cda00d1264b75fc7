"""`Infer`: bind models to data, manage parameters, fit, sample and derive fluxes.

    infer = Infer([(nai, cpl()), (bgo, cpl_model)])
    infer.par["b1.sf"].frozen = False
    infer.link("cpl_2.alpha", "cpl.alpha")
    result = infer.fit()
    result.interval("cpl.Ep", cl=0.9)
    infer.flux(10, 1000, kind="energy")

The likelihood kernel stacks the folds the units keep (`DataUnit.fold`) and checks their
selection versions before every evaluation, so notice, grouping, count and model-setting
changes are always seen, by `fit`, `sample` and everything else.
"""

from __future__ import annotations

import numpy as np

from .._superdict import SuperDict
from .._threads import blas_limited
from ..constants import ONE_SIGMA
from ..errors import FitError, ModelError, ParameterError
from ..parameter import Par
from ._params import ParameterSpace
from .likelihood import Likelihood
from .mle import fit_mle
from .pairs import as_pairs, as_units

__all__ = ["Infer"]


class Infer:
    """Joint inference over ``[(data, model), ...]`` pairs.

    Parameters
    ----------
    pairs : list of (Data or DataUnit or list of DataUnit, Model), optional
        More can be added with `add`. Each unit gets ``unit.fit_with = model``.

    Attributes
    ----------
    result : FitResult or None
        The last maximum-likelihood fit.
    posterior : Posterior or None
        The last sampler run.
    """

    def __init__(self, pairs=None):
        self._pairs = []
        self._lik = None
        self.result = None
        self.posterior = None
        for data, model in (as_pairs(pairs) if pairs else []):
            self.add(data, model)

    # ------------------------------------------------------------------ pairs
    def add(self, data, model) -> Infer:
        """Add a (data, model) pair and bind the model to each unit."""
        ((data, model),) = as_pairs([(data, model)])
        units = as_units(data)
        for u in units:
            u.fit_with = model
        if isinstance(getattr(data, "data", None), dict):
            data.fit_with = model  # a Data collection is bound as a whole
        self._pairs.append((units, model))
        self._lik = None
        return self

    @property
    def pairs(self):
        """``[(list of DataUnit, Model), ...]``."""
        return list(self._pairs)

    @property
    def units(self):
        return [u for units, _ in self._pairs for u in units]

    @property
    def models(self):
        out = []
        for _, m in self._pairs:
            if all(m is not o for o in out):
                out.append(m)
        return out

    def _check(self):
        if not self._pairs:
            raise ModelError("Infer has no (data, model) pair; add one with infer.add(data, model)")

    # ------------------------------------------------------------------ parameters
    def _space(self):
        self._check()
        return ParameterSpace(self._pairs)

    @property
    def par(self) -> SuperDict:
        """Every parameter by name (``"cpl.alpha"``, ``"n6.sf"``); 1-based positions work too."""
        return self._space().params

    @property
    def free_par(self) -> SuperDict:
        """The free (not frozen, not linked) parameters."""
        return self._space().free

    @property
    def free_names(self):
        return list(self._space().free)

    def _get(self, name) -> Par:
        params = self.par
        if isinstance(name, Par):
            return name
        if isinstance(name, int) or name in params:
            return params[name]
        hits = [k for k in params if k.rsplit(".", 1)[-1] == name]
        if len(hits) == 1:
            return params[hits[0]]
        if hits:
            raise ParameterError(f"{name!r} is ambiguous; use one of {', '.join(hits)}", key=name)
        raise ParameterError(f"no parameter {name!r}; known: {', '.join(params)}", key=name)

    def freeze(self, *names) -> Infer:
        """Freeze parameters by name."""
        for n in names:
            self._get(n).frozen = True
        self._refresh()
        return self

    def thaw(self, *names) -> Infer:
        """Thaw (free) parameters by name."""
        for n in names:
            self._get(n).frozen = False
        self._refresh()
        return self

    def link(self, name, other) -> Infer:
        """Link ``name`` to another parameter: ``link("b.x", "a.x")`` or
        ``link("b.x", (fn, ["a.x", "a.y"]))`` (value ``fn(a.x, a.y)``, batched arrays allowed).
        """
        p = self._get(name)
        if isinstance(other, (tuple, list)) and len(other) == 2 and callable(other[0]):
            fn, names = other
            names = [names] if isinstance(names, str) else list(names)
            p.link(fn, *[self._get(n) for n in names])
        else:
            p.link(self._get(other))
        self._refresh()
        return self

    def unlink(self, name) -> Infer:
        self._get(name).unlink()
        self._refresh()
        return self

    def _refresh(self):
        if self._lik is not None:
            self._lik.refresh()

    @property
    def par_info(self):
        """Astropy Table of all parameters: name, value, error (last fit), bounds, prior, state."""
        from astropy.table import Table

        rows = {"#": [], "name": [], "value": [], "error": [], "min": [], "max": [], "prior": [],
                "unit": [], "state": []}
        errs = self.result.errors if self.result is not None else {}
        for i, (k, p) in enumerate(self.par.items(), start=1):
            rows["#"].append(i)
            rows["name"].append(k)
            rows["value"].append(float(p.value))
            rows["error"].append(float(errs.get(k, np.nan)) if k in errs else np.nan)
            rows["min"].append(p.bounds[0])
            rows["max"].append(p.bounds[1])
            rows["prior"].append(repr(p.prior))
            rows["unit"].append(p.unit)
            rows["state"].append("linked" if p.linked else ("frozen" if p.frozen else "free"))
        return Table(rows)

    # ------------------------------------------------------------------ kernel
    @property
    def likelihood(self) -> Likelihood:
        """The current kernel (built on first use; `fit` always rebuilds it)."""
        if self._lik is None:
            self._check()
            self._lik = Likelihood(self._pairs)
        return self._lik

    def save(self, folder, overwrite=False):
        """Write data, models, parameters, result and posterior to ``folder``
        (see `bayspec.infer.analysis_io`)."""
        from .analysis_io import save_analysis

        return save_analysis(self, folder, overwrite=overwrite)

    @classmethod
    def load(cls, folder) -> Infer:
        """The analysis saved by :meth:`save` in ``folder``."""
        from .analysis_io import load_analysis

        return load_analysis(folder)

    def rebuild(self) -> Likelihood:
        """Rebuild the kernel from the units and models as they are now."""
        self._lik = None
        return self.likelihood

    # ------------------------------------------------------------------ fitting
    def fit(self, minos=False, strategy=1, start=None, *, tol=1e-3, raise_on_failure=True,
            batched_grad=False, exact_grad=True):
        """Maximum-likelihood fit (MIGRAD, HESSE, optional MINOS); see `bayspec.infer.mle`.

        Parameters
        ----------
        minos : bool or list of str
            MINOS errors for all (True) or the named parameters.
        strategy : {0, 1, 2}
            Minuit strategy.
        start : dict or array, optional
            Start values of the free parameters (default: their current values).
        tol : float
            MIGRAD tolerance (EDM goal ``0.002 tol``).
        raise_on_failure : bool
            Raise `FitError` when the minimum is invalid or a parameter ends on a bound.
        batched_grad : bool
            MIGRAD with a batched central-difference gradient (faster on large problems).
        exact_grad : bool
            MIGRAD with the kernel's exact gradient (default; see `bayspec.infer._gradient`).

        Returns
        -------
        FitResult
            The Pars hold the best-fit values afterwards.
        """
        lik = self.rebuild()
        self.result = fit_mle(lik, start=start, strategy=strategy, minos=minos, tol=tol,
                              raise_on_failure=raise_on_failure, batched_grad=batched_grad,
                              exact_grad=exact_grad)
        return self.result

    def _need_result(self):
        if self.result is None:
            raise FitError("no fit yet; call infer.fit() first")
        return self.result

    def interval(self, name, cl=ONE_SIGMA):
        """Profile-likelihood interval of a parameter (see `FitResult.interval`)."""
        return self._need_result().interval(name, cl)

    def upper_limit(self, name, cl=0.95):
        """Profile-likelihood upper limit of a parameter (see `FitResult.upper_limit`)."""
        return self._need_result().upper_limit(name, cl)

    # ------------------------------------------------------------------ sampling
    @blas_limited
    def sample(self, method="emcee", *, seed=None, progress=False, **kw):
        """Sample the posterior with ``bayspec.infer.samplers.run_sampler``.

        Starts at the maximum-likelihood fit (fitting first if needed) with the HESSE errors
        as scales. Every free parameter needs a proper prior. Like `fit`, runs with BLAS
        limited to ``BAYSPEC_BLAS_THREADS`` threads (default 1; see `bayspec._threads`).
        """
        try:
            from .samplers import run_sampler
        except ImportError as exc:  # pragma: no cover - depends on the samplers module
            raise FitError(f"samplers are not available: {exc}") from None
        res = self.result
        lik = self.likelihood
        lik.sync()
        if res is None or res.names != lik.free_names or res.npoints != lik.npoints:
            res = self.fit()  # no fit yet, or the data or free parameters changed since
        lik = self.likelihood
        start = np.array([res.values[n] for n in lik.free_names])
        scale = np.array([res.errors[n] for n in lik.free_names])
        scale = np.where(np.isfinite(scale) & (scale > 0), scale, np.maximum(np.abs(start) * 0.01, 1e-3))
        self.posterior = run_sampler(method, lik, start, scale, seed=seed, progress=progress, **kw)
        lik.space.set(start)
        return self.posterior

    # ------------------------------------------------------------------ derived quantities
    def flux(self, e1=None, e2=None, kind="energy", cl=ONE_SIGMA, nsamples=1000, seed=None,
             posterior=None, model=0):
        """Photon or energy flux of a model over ``[e1, e2]`` keV with errors.

        See `bayspec.infer.flux.band_flux`. Without ``e1``/``e2`` the band is the noticed
        energy range of the model's units; a band beyond every unit's response range
        warns that it is an extrapolation (`ExtrapolationWarning`). ``posterior`` (a
        Posterior) propagates its
        samples; otherwise the HESSE covariance of the last fit is sampled in fit coordinates.
        """
        from .flux import band_flux

        return band_flux(self, e1, e2, kind=kind, cl=cl, nsamples=nsamples, seed=seed,
                         posterior=posterior, model=model)

    # ------------------------------------------------------------------ model checking
    def goodness(self, nsim=1000, *, posterior=None, seed=None, **kw):
        """Simulated goodness of fit (XSPEC ``goodness``; posterior predictive with
        ``posterior``); see `bayspec.infer.goodness.goodness`."""
        from .goodness import goodness

        return goodness(self, nsim, posterior=posterior, seed=seed, **kw)

    def ppc(self, nsim=1000, *, posterior=None, seed=None):
        """Posterior predictive p-value of the total statistic (Gelman, Meng & Stern 1996);
        see `bayspec.infer.goodness.ppc_pvalue`."""
        from .goodness import ppc_pvalue

        return ppc_pvalue(self, posterior, nsim, seed=seed)

    def compare(self, other, *, nsim=0, seed=None, starts=None, loo=False):
        """Compare with another analysis of the same data: information criteria, a simulated
        likelihood-ratio test beside Wilks, Bayes factors; see `bayspec.infer.compare`."""
        from .compare import compare

        return compare(self, other, nsim=nsim, seed=seed, starts=starts, loo=loo)

    def luminosity(self, z, e1=1.0, e2=1e4, cosmology=None, cl=ONE_SIGMA, nsamples=1000,
                   seed=None, posterior=None, model=0):
        """Luminosity (erg s⁻¹) over the rest-frame band ``[e1, e2]`` keV at redshift ``z``
        with errors from the covariance or ``posterior``; see
        `bayspec.infer.energetics.luminosity` (astropy cosmology, Planck18 by default)."""
        from .energetics import luminosity

        return luminosity(self, e1, e2, z, cosmology=cosmology, cl=cl, nsamples=nsamples,
                          seed=seed, posterior=posterior, model=model)

    def eiso(self, z, e1=1.0, e2=1e4, duration=1.0, cosmology=None, cl=ONE_SIGMA,
             nsamples=1000, seed=None, posterior=None, model=0):
        """Isotropic energy (erg) over the rest-frame band ``[e1, e2]`` keV for an observed
        ``duration`` (s); see `bayspec.infer.energetics.eiso`."""
        from .energetics import eiso

        return eiso(self, z, e1=e1, e2=e2, duration=duration, cosmology=cosmology, cl=cl,
                    nsamples=nsamples, seed=seed, posterior=posterior, model=model)

    def model_band(self, E, sed="nufnu", cl=ONE_SIGMA, posterior=None, nsamples=1000,
                   seed=None, model=0):
        """Median and ``cl`` band of the model spectrum at energies ``E`` (keV).

        See `bayspec.infer.flux.model_band`.
        """
        from .flux import model_band

        return model_band(self, E, sed=sed, cl=cl, posterior=posterior, nsamples=nsamples,
                          seed=seed, model=model)

    def __repr__(self):
        pairs = ", ".join(f"[{', '.join(u.name for u in units)}] ~ {m.expr}" for units, m in self._pairs)
        return f"Infer({pairs})"
