"""Posterior samplers on the batched likelihood kernel, behind one entry point.

`run_sampler(method, lik, start, scale, ...)` returns a `bayspec.infer.posterior.Posterior`.

Methods
-------
``"emcee"``   affine-invariant ensemble MCMC (Goodman & Weare 2010; Foreman-Mackey et al.
              2013); every half-ensemble is one batched kernel call. `emcee_sampler`.
``"nested"``  nested sampling with the evidence ln Z (Skilling 2004) through the optional
              UltraNest engine (Buchner 2021), whose ``vectorized=True`` mode sends batches
              to the kernel. `nested_sampler`; needs ``pip install bayspec[nested]``.

Not provided: ``"nuts"`` (Hoffman & Gelman 2014). NUTS needs gradients of the log posterior;
getting them (JAX/numpyro, or hand-written derivatives of every model component, integration
plan and statistic) would mean rewriting the kernel in an autodiff framework. That is out of
scope here; the ensemble sampler needs no gradients and is efficient for the few (≲ 10)
parameters of spectral fits.

Modules
-------
(optional engines are decided in `bayspec._optional`)
_common         parameter metadata, seeds, option checks, call counting, `SamplerWarning`.
emcee_sampler   `run_emcee`.
nested_sampler  `run_nested`, `prior_transform`.
"""

from __future__ import annotations

from ...errors import ConfigError
from ._common import SamplerWarning
from ..._optional import MissingDependencyError, available, require
from .emcee_sampler import run_emcee
from .nested_sampler import run_nested

__all__ = ["run_sampler", "METHODS", "SamplerWarning", "MissingDependencyError", "available", "require",
           "run_emcee", "run_nested"]

#: method name -> sampler function ``f(lik, start, scale, *, seed, progress, **kw)``
METHODS = {"emcee": run_emcee, "nested": run_nested}

_NOT_PROVIDED = {
    "nuts": "NUTS needs gradients of the log posterior, which would require rewriting the "
            "likelihood kernel in JAX (numpyro); it is not provided",
}


def run_sampler(method, lik, start, scale, *, seed=None, progress=False, **kw):
    """Sample the posterior of ``lik`` with ``method``.

    Parameters
    ----------
    method : {"emcee", "nested"}
    lik : Likelihood
        The batched kernel (`bayspec.infer.Likelihood`).
    start : array_like (nfree,)
        Best fit (MLE), in ``lik.free_names`` order; centre of the emcee starting ball.
    scale : array_like (nfree,)
        Its 1σ (Hesse) errors; the emcee ball width is ``0.1 × scale``.
    seed : int, numpy.random.Generator or None
        Same seed, same samples.
    progress : bool
        Show a progress bar / status line.
    **kw
        Method options: emcee ``nwalkers, nsteps, burn, thin, ball, moves``; nested ``nlive, dlogz,
        min_ess, max_ncalls, frac_remain``. Unknown options raise `ConfigError`.

    Returns
    -------
    Posterior

    Raises
    ------
    ConfigError
        Unknown method or option.
    MissingDependencyError
        ``"nested"`` without UltraNest installed.
    """
    key = str(method).lower()
    fn = METHODS.get(key)
    if fn is None:
        why = _NOT_PROVIDED.get(key)
        msg = f"unknown sampling method {method!r}" if why is None else f"method {method!r}: {why}"
        raise ConfigError(f"{msg}; valid methods: {', '.join(METHODS)}", key="method")
    return fn(lik, start, scale, seed=seed, progress=progress, **kw)
