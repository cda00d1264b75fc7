"""Affine-invariant ensemble MCMC (``emcee``) on the batched likelihood kernel.

The stretch move of Goodman & Weare (2010) updates the ensemble in two halves; each half's
proposals are independent of one another, so ``emcee`` (Foreman-Mackey et al. 2013) can
hand them to the log-probability function *as one array* (``vectorize=True``). We pass
`Likelihood.logposterior` directly: one call evaluates ``nwalkers / 2`` parameter vectors
with one model evaluation and one matmul per data unit, instead of ``nwalkers / 2`` Python
calls. A step of the ensemble therefore costs two kernel calls.

References
----------
Goodman, J. & Weare, J. 2010, Comm. App. Math. Comp. Sci. 5, 65 (affine-invariant ensemble
samplers).
Foreman-Mackey, D., Hogg, D. W., Lang, D. & Goodman, J. 2013, PASP 125, 306 (emcee).
Sokal, A. 1997, "Monte Carlo Methods in Statistical Mechanics" (integrated autocorrelation
time and the ``c = 5`` automatic window used by emcee); emcee recommends chains longer than
50 τ.
"""

from __future__ import annotations

import warnings

import numpy as np

from ...errors import ConfigError, FitError
from ..posterior import Posterior
from ._common import CountingFunction, SamplerWarning, Timer, as_generator, check_kwargs, free_meta, seed_info

__all__ = ["run_emcee", "EMCEE_OPTIONS", "MIN_TAU_MULTIPLE"]

EMCEE_OPTIONS = ("nwalkers", "nsteps", "burn", "thin", "ball", "moves")


def _moves(emcee, spec):
    """emcee move list for ``spec``: "stretch" (Goodman & Weare 2010, emcee's default) or
    "de" (differential evolution, ter Braak 2006, with 20 % snooker updates, ter Braak &
    Vrugt 2008), which has ~2x shorter autocorrelation times on our spectral posteriors."""
    if spec in (None, "stretch"):
        return None
    if spec == "de":
        return [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)]
    if isinstance(spec, (list, tuple)) or hasattr(spec, "propose"):
        return spec
    raise ConfigError(f"moves must be 'stretch', 'de' or emcee moves, got {spec!r}", key="moves")
#: chains shorter than this many autocorrelation times trigger a `SamplerWarning`
MIN_TAU_MULTIPLE = 50


def _positive_int(name, v, minimum=1):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {v!r}", key=name)
    return int(v)


def _ball_widths(start, scale, bounds):
    """Per-parameter standard deviation of the starting ball (a fallback where Hesse failed)."""
    s = np.asarray(scale, dtype=float).ravel() if scale is not None else np.full(start.size, np.nan)
    if s.size != start.size:
        raise ConfigError(f"scale must have {start.size} entries, got {s.size}", key="scale")
    s = np.abs(s)
    bad = ~np.isfinite(s) | (s == 0)
    if bad.any():
        width = bounds[:, 1] - bounds[:, 0]
        fb = np.where(start != 0, 1e-3 * np.abs(start), 1e-3)
        fb = np.where(np.isfinite(width), np.minimum(fb, 1e-3 * width), fb)
        s = np.where(bad, fb, s)
    # never wider than a tenth of a finite parameter range
    width = bounds[:, 1] - bounds[:, 0]
    return np.where(np.isfinite(width), np.minimum(s, 0.1 * width), s)


def initial_ball(logpost, start, sigma, bounds, nwalkers, rng, tries=50):
    """Walkers drawn from ``N(start, sigma²)``, clipped inside ``bounds``, all with finite
    log posterior (rows that are not are redrawn with a halved ``sigma``).

    Returns ``(p0 (nwalkers, ndim), logp0 (nwalkers,))``.
    """
    lo, hi = bounds[:, 0], bounds[:, 1]
    lo_in, hi_in = np.nextafter(lo, np.inf), np.nextafter(hi, -np.inf)
    p0 = np.empty((nwalkers, start.size))
    lp0 = np.full(nwalkers, -np.inf)
    todo = np.arange(nwalkers)
    sig = sigma.copy()
    for _ in range(tries):
        draw = start + sig * rng.standard_normal((todo.size, start.size))
        draw = np.clip(draw, lo_in, hi_in)
        lp = logpost(draw)
        p0[todo], lp0[todo] = draw, lp
        todo = todo[~np.isfinite(lp)]
        if todo.size == 0:
            return p0, lp0
        sig = 0.5 * sig
    raise FitError(f"could not start {todo.size} of {nwalkers} walkers at a finite log posterior "
                   f"near the start point {start.tolist()}; check the fit and the priors")


def run_emcee(lik, start, scale, *, seed=None, progress=False, **kw):
    """Sample the posterior of ``lik`` with emcee's ensemble sampler.

    Parameters
    ----------
    lik : Likelihood
        The kernel; ``lik.logposterior`` is called with ``(nwalkers // 2, nfree)`` batches.
    start : array_like (nfree,)
        Centre of the starting ball (the MLE).
    scale : array_like (nfree,)
        Its 1σ errors (Hesse); the ball has standard deviation ``ball × scale``.
    seed : int, numpy.random.Generator or None
        Makes the run reproducible (seeds both the starting ball and emcee's moves).
    progress : bool
        Show emcee's tqdm progress bar.
    nwalkers : int, optional
        Even, ``>= 2 nfree``; default ``max(32, 4 nfree)`` rounded up to even.
    nsteps : int, optional
        Steps per walker *including* burn-in (default 2000).
    burn : int, optional
        Steps discarded at the start (default ``nsteps // 4``).
    thin : int, optional
        Keep every ``thin``-th step of the stored chain (default 1). τ and ESS are computed
        on the unthinned chain.
    ball : float, optional
        Starting-ball width in units of ``scale`` (default 0.1).
    moves : {"stretch", "de"} or emcee moves, optional
        ``"stretch"`` (default): the Goodman & Weare stretch move. ``"de"``: differential
        evolution + snooker moves, about half the autocorrelation time here. Both update
        half the ensemble per batched call.

    Returns
    -------
    Posterior
        ``nwalkers × ⌈(nsteps − burn) / thin⌉`` equally weighted samples; ``info`` has the
        acceptance fraction, τ per parameter, the ESS (``(nsteps − burn) nwalkers / τ``,
        per parameter and the minimum), evaluations and ESS per second.

    Warns
    -----
    SamplerWarning
        When the post-burn-in chain is shorter than 50 τ of some parameter (τ is then only
        a lower bound and the ESS optimistic), or τ cannot be estimated.
    """
    import emcee

    check_kwargs("emcee", kw, EMCEE_OPTIONS)
    names, units, labels, _ = free_meta(lik)
    ndim = len(names)
    if ndim == 0:
        raise ConfigError("no free parameters to sample")
    start = np.asarray(start, dtype=float).ravel()
    if start.size != ndim:
        raise ConfigError(f"start must have {ndim} entries ({', '.join(names)}), got {start.size}",
                          key="start")
    default_nw = max(32, 4 * ndim)
    nwalkers = _positive_int("nwalkers", kw.get("nwalkers", default_nw + default_nw % 2), 2 * ndim)
    if nwalkers % 2:
        raise ConfigError(f"nwalkers must be even, got {nwalkers}", key="nwalkers")
    nsteps = _positive_int("nsteps", kw.get("nsteps", 2000), 2)
    burn = kw.get("burn", nsteps // 4)
    burn = _positive_int("burn", burn, 0)
    if burn >= nsteps:
        raise ConfigError(f"burn ({burn}) must be smaller than nsteps ({nsteps})", key="burn")
    thin = _positive_int("thin", kw.get("thin", 1), 1)
    ball = float(kw.get("ball", 0.1))
    moves_spec = kw.get("moves", "stretch")
    moves = _moves(emcee, moves_spec)

    rng = as_generator(seed)
    bounds = lik.space.bounds()
    logpost = CountingFunction(lik.logposterior)
    lp_start = logpost(start[None, :])[0]
    if not np.isfinite(lp_start):
        raise FitError(f"the log posterior is not finite at the start point {start.tolist()} "
                       f"({', '.join(names)}); is it inside the bounds and priors?")
    sigma = ball * _ball_widths(start, scale, bounds)

    with Timer() as timer:
        p0, lp0 = initial_ball(logpost, start, sigma, bounds, nwalkers, rng)
        sampler = emcee.EnsembleSampler(nwalkers, ndim, logpost, vectorize=True, moves=moves)
        sampler.random_state = np.random.RandomState(rng.integers(2**32)).get_state()
        sampler.run_mcmc(emcee.State(p0, log_prob=lp0), nsteps, progress=bool(progress))

    samples = sampler.get_chain(discard=burn, thin=thin, flat=True)
    lpost = sampler.get_log_prob(discard=burn, thin=thin, flat=True)
    lprior = lik.logprior(samples)
    kept = nsteps - burn
    tau = np.asarray(sampler.get_autocorr_time(discard=burn, quiet=True, tol=0), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ess_par = kept * nwalkers / tau
    ess = float(np.nanmin(ess_par)) if np.any(np.isfinite(ess_par)) else float("nan")
    acc = sampler.acceptance_fraction
    _check_chain(names, tau, kept, nsteps, burn)
    if np.mean(acc) < 0.05:
        warnings.warn(f"emcee: mean acceptance fraction {np.mean(acc):.3f} is very low; "
                      "the walkers may be stuck (check the start point and priors)",
                      SamplerWarning, stacklevel=3)

    elapsed = timer.elapsed
    info = {
        "method": "emcee",
        "nwalkers": nwalkers, "nsteps": nsteps, "burn": burn, "thin": thin,
        "moves": moves_spec if isinstance(moves_spec, str) else "custom",
        "acceptance": float(np.mean(acc)),
        "acceptance_min": float(np.min(acc)),
        "autocorr": tau.tolist(),
        "ess_per_parameter": ess_par.tolist(),
        "ess": ess,
        "seed": seed_info(seed),
        "elapsed": elapsed,
        "ncalls": logpost.ncalls,
        "nevals": logpost.nevals,
        "max_batch": logpost.max_batch,
        "evals_per_second": logpost.nevals / elapsed if elapsed > 0 else float("nan"),
        "ess_per_second": ess / elapsed if elapsed > 0 else float("nan"),
    }
    return Posterior(names, samples, loglike=lpost - lprior, logprior=lprior, info=info,
                     units=units, labels=labels)


def _check_chain(names, tau, kept, nsteps, burn):
    if not np.all(np.isfinite(tau)):
        bad = [n for n, t in zip(names, tau) if not np.isfinite(t)]
        warnings.warn(f"emcee: the autocorrelation time of {', '.join(bad)} could not be estimated; "
                      "the chain may be stuck", SamplerWarning, stacklevel=4)
        return
    j = int(np.argmax(tau))
    if kept < MIN_TAU_MULTIPLE * tau[j]:
        need = int(np.ceil(MIN_TAU_MULTIPLE * tau[j])) + burn
        warnings.warn(
            f"emcee: the chain ({kept} steps after burn-in) is shorter than {MIN_TAU_MULTIPLE} "
            f"autocorrelation times (τ = {tau[j]:.1f} steps for {names[j]}); τ and the effective "
            f"sample size are unreliable. Run longer, e.g. nsteps >= {need}.",
            SamplerWarning, stacklevel=4)
