"""Nested sampling with evidence (``ln Z``) through the optional UltraNest engine.

Why UltraNest (Buchner 2021) rather than dynesty: its ``ReactiveNestedSampler`` accepts a
*vectorized* likelihood (``vectorized=True``) and asks for whole batches of proposals, which
is what our kernel is built for (`Likelihood.loglike` evaluates ``(n, nfree)`` at the cost of
one model evaluation and one matmul per unit); its MLFriends region sampler (Buchner 2016,
2019) is robust without tuning and it reports a bootstrapped error on ``ln Z``. dynesty calls
the likelihood one point at a time (or through a pool ``map``), which would waste the batched
kernel.

The prior transform maps the unit cube through each free parameter's ``prior.ppf``, one
vectorised call per parameter per batch. Where a parameter's bounds are narrower than its
prior's support the prior is truncated to the bounds (``u → cdf(lo) + u (cdf(hi) − cdf(lo))``),
so ``ln Z`` is the evidence under the *normalised, truncated* prior.

References
----------
Skilling, J. 2004, AIP Conf. Proc. 735, 395 (nested sampling).
Buchner, J. 2016, Stat. Comput. 26, 383; Buchner, J. 2019, PASP 131, 108005 (MLFriends).
Buchner, J. 2021, JOSS 6, 3001 (UltraNest).
"""

from __future__ import annotations

import logging

import numpy as np

from ..._optional import require
from ...errors import ConfigError
from ..posterior import Posterior
from ._common import CountingFunction, Timer, as_generator, check_kwargs, free_meta, seed_info

__all__ = ["run_nested", "NESTED_OPTIONS", "prior_transform"]

NESTED_OPTIONS = ("nlive", "dlogz", "min_ess", "max_ncalls", "frac_remain")

#: what a point with zero likelihood (outside the bounds) reports to UltraNest, which needs
#: finite values
_FLOOR = -1e100


def prior_transform(pars):
    """A batched unit-cube transform ``u (n, d) -> theta (n, d)`` for the Pars ``pars``.

    Raises
    ------
    ConfigError
        If a parameter has an improper prior (no unit-cube transform).
    """
    lo_u, span = [], []
    for p in pars:
        prior = p.prior
        if not getattr(prior, "proper", True):
            raise ConfigError(f"nested sampling needs proper priors; {p.name or '?'} has {prior!r}. "
                              "Give it one, e.g. par.prior = Uniform(lo, hi)", key=p.name)
        lo, hi = p.bounds
        a = float(prior.cdf(lo))
        b = float(prior.cdf(hi))
        lo_u.append(a)
        span.append(b - a)
    lo_u, span = np.array(lo_u), np.array(span)
    ppfs = [p.prior.ppf for p in pars]

    def transform(u):
        u = np.asarray(u, dtype=float)
        uu = lo_u + u * span
        out = np.empty_like(uu)
        for j, f in enumerate(ppfs):
            out[..., j] = f(uu[..., j])
        return out

    return transform


def run_nested(lik, start=None, scale=None, *, seed=None, progress=False, **kw):
    """Sample the posterior of ``lik`` and compute its evidence with UltraNest.

    Parameters
    ----------
    lik : Likelihood
    start, scale : ignored
        Accepted for a uniform `run_sampler` signature (nested sampling starts from the prior).
    seed : int, numpy.random.Generator or None
        UltraNest draws from numpy's global generator; it is seeded for the run and restored
        afterwards.
    progress : bool
        Show UltraNest's status line.
    nlive : int, optional
        Minimum number of live points (default 400).
    dlogz : float, optional
        Target uncertainty on ``ln Z`` (default 0.5).
    min_ess : int, optional
        Minimum effective sample size of the posterior (default 400).
    max_ncalls : int, optional
        Stop after this many likelihood evaluations.
    frac_remain : float, optional
        Stop when the live points hold less than this fraction of the evidence (default 0.01).

    Returns
    -------
    Posterior
        The weighted dead points (``weights`` normalised to sum to one), ``logz``, ``logz_err``.

    Raises
    ------
    MissingDependencyError
        UltraNest is not installed (``pip install bayspec[nested]``).
    """
    un = require("ultranest")
    check_kwargs("nested", kw, NESTED_OPTIONS)
    names, units, labels, pars = free_meta(lik)
    if not names:
        raise ConfigError("no free parameters to sample")
    transform = prior_transform(pars)
    nlive = int(kw.get("nlive", 400))
    if nlive < 2 * len(names) + 1:
        raise ConfigError(f"nlive must be at least {2 * len(names) + 1}, got {nlive}", key="nlive")

    def loglike(theta):
        ll = lik.loglike(theta)
        return np.where(np.isfinite(ll), ll, _FLOOR)

    counted = CountingFunction(loglike)
    rng = as_generator(seed)
    ulog = logging.getLogger("ultranest")
    old_level = ulog.level
    saved = np.random.get_state()
    np.random.seed(int(rng.integers(2**32)))
    try:
        if not progress:
            ulog.setLevel(logging.WARNING)
        with Timer() as timer:
            sampler = un.ReactiveNestedSampler(names, counted, transform, vectorized=True,
                                               log_dir=None, resume="overwrite")
            if not progress:  # UltraNest sets its logger's level when constructed
                ulog.setLevel(logging.WARNING)
            res = sampler.run(min_num_live_points=nlive, dlogz=float(kw.get("dlogz", 0.5)),
                              min_ess=int(kw.get("min_ess", 400)), max_ncalls=kw.get("max_ncalls"),
                              frac_remain=float(kw.get("frac_remain", 0.01)),
                              show_status=bool(progress), viz_callback=False)
    finally:
        np.random.set_state(saved)
        ulog.setLevel(old_level)

    ws = res["weighted_samples"]
    points = np.asarray(ws["points"], dtype=float)
    w = np.asarray(ws["weights"], dtype=float)
    w = w / w.sum()
    ll = np.asarray(ws["logl"], dtype=float)
    ll = np.where(ll <= _FLOOR, -np.inf, ll)
    lprior = lik.logprior(points)
    elapsed = timer.elapsed
    w_ess = 1.0 / np.sum(w * w)
    info = {
        "method": "nested",
        "engine": f"ultranest {getattr(un, '__version__', '?')}",
        "nlive": nlive,
        "niter": int(res.get("niter", len(points))),
        "ncall": int(res.get("ncall", counted.nevals)),
        "ess": float(res.get("ess", w_ess)),
        "seed": seed_info(seed),
        "elapsed": elapsed,
        "ncalls": counted.ncalls,
        "nevals": counted.nevals,
        "max_batch": counted.max_batch,
        "evals_per_second": counted.nevals / elapsed if elapsed > 0 else float("nan"),
    }
    info["ess_per_second"] = info["ess"] / elapsed if elapsed > 0 else float("nan")
    # the evidence in the run information too, so every place that shows a run's
    # information (result.json's posterior_info, reports) shows ln Z
    info["logz"], info["logz_err"] = float(res["logz"]), float(res["logzerr"])
    return Posterior(names, points, weights=w, loglike=ll, logprior=lprior,
                     logz=float(res["logz"]), logz_err=float(res["logzerr"]), info=info,
                     units=units, labels=labels)
