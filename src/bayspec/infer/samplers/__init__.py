"""Posterior samplers on the batched likelihood kernel, behind one entry point.

`run_sampler(method, lik, start, scale, ...)` returns a `bayspec.infer.posterior.Posterior`.

Methods
-------
``"emcee"``   affine-invariant ensemble MCMC (Goodman & Weare 2010; Foreman-Mackey et al.
              2013); every half-ensemble is one batched kernel call. `emcee_sampler`.
``"nested"``  nested sampling with the evidence ln Z (Skilling 2004) through the optional
              UltraNest engine (Buchner 2021), whose ``vectorized=True`` mode sends batches
              to the kernel. `nested_sampler`; needs ``pip install bayspec[nested]``.
``"nuts"``    the No-U-Turn Sampler (Hoffman & Gelman 2014) on the kernel's exact gradient
              (`Likelihood.evaluate_and_grad`) through the optional nutpie engine, in
              unconstrained coordinates with the Laplace covariance at the MLE as metric.
              `nuts_sampler`; needs ``pip install bayspec[nuts]``.

Modules
-------
(optional engines are decided in `bayspec._optional`)
_common         parameter metadata, seeds, option checks, call counting, `SamplerWarning`.
emcee_sampler   `run_emcee`.
nested_sampler  `run_nested`, `prior_transform`.
nuts_sampler    `run_nuts`, `Unconstrained` (bounded parameters to R and back).
"""

from __future__ import annotations

from ..._optional import MissingDependencyError, available, require
from ...errors import ConfigError
from ._common import SamplerWarning
from .emcee_sampler import run_emcee
from .nested_sampler import run_nested
from .nuts_sampler import run_nuts

__all__ = ["run_sampler", "METHODS", "SamplerWarning", "MissingDependencyError", "available", "require",
           "run_emcee", "run_nested", "run_nuts"]

#: method name -> sampler function ``f(lik, start, scale, *, seed, progress, **kw)``
METHODS = {"emcee": run_emcee, "nested": run_nested, "nuts": run_nuts}


def run_sampler(method, lik, start, scale, *, seed=None, progress=False, **kw):
    """Sample the posterior of ``lik`` with ``method``.

    Parameters
    ----------
    method : {"emcee", "nested", "nuts"}
    lik : Likelihood
        The batched kernel (`bayspec.infer.Likelihood`).
    start : array_like (nfree,)
        Best fit (MLE), in ``lik.free_names`` order; centre of the emcee starting ball,
        NUTS's start and the point of its Laplace metric.
    scale : array_like (nfree,)
        Its 1σ (Hesse) errors; the emcee ball width is ``0.1 × scale``.
    seed : int, numpy.random.Generator or None
        Same seed, same samples.
    progress : bool
        Show a progress bar / status line.
    **kw
        Method options: emcee ``nwalkers, nsteps, burn, thin, ball, moves``; nested ``nlive, dlogz,
        min_ess, max_ncalls, frac_remain``; nuts ``draws, tune, chains, cores, target_accept,
        maxdepth, jitter, whiten``. Unknown options raise `ConfigError`.

    Returns
    -------
    Posterior

    Raises
    ------
    ConfigError
        Unknown method or option.
    MissingDependencyError
        ``"nested"`` without UltraNest, ``"nuts"`` without nutpie installed.
    """
    key = str(method).lower()
    fn = METHODS.get(key)
    if fn is None:
        raise ConfigError(f"unknown sampling method {method!r}; valid methods: {', '.join(METHODS)}",
                          key="method")
    return fn(lik, start, scale, seed=seed, progress=progress, **kw)
