"""The No-U-Turn Sampler (NUTS) on the kernel's exact gradient, through the optional nutpie.

NUTS (Hoffman & Gelman 2014) is Hamiltonian Monte Carlo (Duane et al. 1987; Neal 2011)
that builds each trajectory until it turns back on itself, with the multinomial choice of
the draw along it (Betancourt 2017). It needs the gradient of the log posterior, which the
kernel gives: `Likelihood.evaluate_and_grad` (statistic = −2 ln L, exact through the
statistic and the fold) and `ParameterSpace.logprior_grad`.

Why nutpie: it is maintained by the PyMC project, it accepts a plain Python function
returning the log density and its gradient (`nutpie.compiled_pyfunc.from_pyfunc`), so the
kernel is used as it is (no JAX rewrite), its Rust core runs the chains in parallel threads
(our numpy matmuls release the GIL) and adapts the step size and a diagonal mass matrix
from draws *and* gradients (Seyboldt et al., nutpie's ``use_grad_based_mass_matrix``),
which converges in a few hundred tuning steps.

Unconstrained coordinates
-------------------------
HMC needs a density on all of R^d. Each free parameter θ_j goes through its fit coordinate
``y = log10 θ`` (scale parameters, as `bayspec.infer._transform` decides) or ``y = θ``, and
then to ``z`` on the real line by its bounds in ``y``: ``y = lo + (hi − lo) σ(z)`` (logistic
σ) when both are finite, ``y = lo + e^z`` or ``y = hi − e^z`` when one is, ``y = z`` when
none is. The sampled density is

    ln p(z) = ln L(θ) + ln π(θ) + Σ_j ln |dθ_j/dy_j| + ln |dy_j/dz_j|

(the change of variables; Stan Development Team, Reference Manual, "Constraint
transforms"), whose gradient is the chain rule of the kernel's gradient plus the Jacobian
terms' own derivatives (``1 − 2σ(z)`` for the logistic map, 1 for the exponential, ln 10
``dy/dz`` for log10).

Start and metric
----------------
nutpie offers no initial mass matrix, so the metric is put into the coordinates instead:
the sampler sees ``w = L⁻¹ (z − z₀)``, with ``z₀`` the start point (the MLE) and
``L Lᵀ = (−∇²ln p(z₀))⁻¹`` the Laplace covariance at the start, from central differences of
the exact gradient (one batched kernel call). An affine map has a constant Jacobian, so the
density is unchanged up to a constant; it is the same as starting NUTS with the dense mass
matrix ``M⁻¹ = L Lᵀ`` (Neal 2011, §4.1), and nutpie's diagonal adaptation starts from the
identity in ``w``. When that Hessian is not negative definite (a flat direction), the
diagonal of the Hesse errors ``scale`` mapped to ``z`` is used instead.

References
----------
Duane, S., Kennedy, A. D., Pendleton, B. J. & Roweth, D. 1987, Phys. Lett. B 195, 216.
Neal, R. M. 2011, "MCMC using Hamiltonian dynamics", Handbook of MCMC, ch. 5.
Hoffman, M. D. & Gelman, A. 2014, JMLR 15, 1593 (NUTS).
Betancourt, M. 2017, arXiv:1701.02434 (multinomial NUTS, divergences).
Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. & Bürkner, P.-C. 2021, Bayesian
Analysis 16, 667 (rank-normalised R-hat and bulk/tail ESS, as ArviZ computes them).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.special import expit, log_expit

from ..._optional import require
from ...errors import ConfigError, FitError
from .._transform import Coordinates
from ..posterior import Posterior
from ._common import SamplerWarning, Timer, as_generator, check_kwargs, free_meta, seed_info

__all__ = ["run_nuts", "NUTS_OPTIONS", "Unconstrained"]

NUTS_OPTIONS = ("draws", "tune", "chains", "cores", "target_accept", "maxdepth", "jitter",
                "whiten")

_LN10 = math.log(10.0)
#: how close (as a fraction of the range, or of the scale for a one-sided bound) the start
#: may be to a bound before it is moved inside: z must be finite
_EDGE = 1e-6
#: R-hat above this triggers a `SamplerWarning` (Vehtari et al. 2021)
RHAT_MAX = 1.01

_FREE, _BOTH, _LOWER, _UPPER = 0, 1, 2, 3


class Unconstrained:
    """The map between free parameters ``θ (n, d)`` and unconstrained ``z (n, d)``.

    Parameters
    ----------
    pars : list of Par
        The free parameters, in the kernel's column order; their bounds and priors decide
        the fit coordinate (`bayspec.infer._transform.Coordinates`) and the map to R.
    """

    def __init__(self, pars):
        self.coords = Coordinates(pars)
        self.bounds = self.coords.bounds
        lo, hi = self.coords.limits.T
        flo, fhi = np.isfinite(lo), np.isfinite(hi)
        self.kind = np.select([flo & fhi, flo, fhi], [_BOTH, _LOWER, _UPPER], _FREE)
        self.lo = np.where(flo, lo, 0.0)
        self.hi = np.where(fhi, hi, 0.0)
        self.width = np.where(self.kind == _BOTH, self.hi - self.lo, 1.0)
        self.log = self.coords.log
        # the map is evaluated on whole rows with where (no Python branching), as it runs
        # once per leapfrog step
        self._kb, self._kl, self._ku = self.kind == _BOTH, self.kind == _LOWER, self.kind == _UPPER
        self._one = self._kl | self._ku
        self._logw = np.log(self.width)

    def _y(self, z):
        """Fit coordinates ``y``, signed ``dy/dz`` and ``ln|dy/dz|`` with its z-derivative."""
        kb, kl, ku = self._kb, self._kl, self._ku
        s = expit(z)
        sm = expit(-z)  # 1 − s, exact where s rounds to 1
        with np.errstate(over="ignore"):
            ez = np.exp(np.where(self._one, z, 0.0))
        # measured from the nearer end, so both ends keep full relative precision
        yb = np.where(z < 0, self.lo + self.width * s, self.hi - self.width * sm)
        y = np.where(kb, yb, np.where(kl, self.lo + ez, np.where(ku, self.hi - ez, z)))
        dydz = np.where(kb, self.width * s * sm, np.where(kl, ez, np.where(ku, -ez, 1.0)))
        logj = np.where(kb, self._logw + log_expit(z) + log_expit(-z), np.where(self._one, z, 0.0))
        dlogj = np.where(kb, 1.0 - 2.0 * s, np.where(self._one, 1.0, 0.0))
        return y, dydz, logj, dlogj

    def theta(self, z):
        """``θ`` for ``z`` (clipped into the bounds against the last rounding)."""
        y = self._y(np.asarray(z, dtype=float))[0]
        return np.clip(self.coords.backward(y), self.bounds[:, 0], self.bounds[:, 1])

    def forward(self, theta, scale=None):
        """``z`` for ``θ``. With ``scale`` (1σ errors of θ) a value on a bound, or closer to
        it than ``1e-6 scale``, is first moved that far inside, so ``z`` is finite and not
        absurdly far out; without it only a value exactly on a bound is moved (by 1e-300)."""
        y = self.coords.forward(np.asarray(theta, dtype=float))
        if scale is None:
            edge = 1e-300
        else:
            sy = np.abs(np.asarray(scale, dtype=float) / self.coords.jacobian(y))
            edge = _EDGE * np.where(np.isfinite(sy) & (sy > 0), sy, 1.0)
            edge = np.where(self.kind == _BOTH, np.minimum(edge, 1e-3 * self.width), edge)
        dlo = np.maximum(y - self.lo, edge)
        dhi = np.maximum(self.hi - y, edge)
        with np.errstate(divide="ignore", invalid="ignore"):
            # logit((y − lo) / (hi − lo)) = ln(y − lo) − ln(hi − y), exact at both ends
            return np.select([self.kind == _BOTH, self.kind == _LOWER, self.kind == _UPPER],
                             [np.log(dlo) - np.log(dhi), np.log(dlo), np.log(dhi)], y)

    def jacobian(self, z):
        """``dθ/dz`` (diagonal, ``(n, d)``) at ``z``."""
        y, dydz, _, _ = self._y(np.asarray(z, dtype=float))
        return self.coords.jacobian(y) * dydz

    def logdensity_terms(self, z):
        """``(θ, dθ/dz, ln|dθ/dz| summed (n,), its z-gradient (n, d))`` at ``z (n, d)``."""
        y, dydz, logj, dlogj = self._y(z)
        theta = np.clip(self.coords.backward(y), self.bounds[:, 0], self.bounds[:, 1])
        dxdy = self.coords.jacobian(y)
        # ln|dθ/dy| = ln ln10 + y ln10 for the log10 coordinates (0 otherwise)
        logj = logj + np.where(self.log, math.log(_LN10) + _LN10 * y, 0.0)
        dlogj = dlogj + np.where(self.log, _LN10 * dydz, 0.0)
        return theta, dxdy * dydz, logj.sum(axis=-1), dlogj


class _Target:
    """``ln p(w)`` and its gradient in the whitened unconstrained coordinates.

    ``z = z0 + L w``; calls are counted, exceptions inside the callback are kept (nutpie's
    Rust workers cannot carry a Python exception) and re-raised after sampling.
    """

    def __init__(self, lik, unc, z0, chol):
        self.lik, self.unc, self.z0, self.L = lik, unc, z0, chol
        self.ncalls = 0
        self.error = None

    def z_logp_grad(self, z):
        """Batched ``ln p(z) (n,)`` and ``∇_z ln p (n, d)``; −inf where not finite."""
        theta, dxdz, logj, dlogj = self.unc.logdensity_terms(z)
        stat, dstat = self.lik.evaluate_and_grad(theta)
        lp = self.lik.space.logprior(theta)
        dlp = self.lik.space.logprior_grad(theta)
        logp = -0.5 * stat + lp + logj
        grad = (-0.5 * dstat + dlp) * dxdz + dlogj
        bad = ~(np.isfinite(logp) & np.all(np.isfinite(grad), axis=1))
        logp[bad] = -np.inf
        grad[bad] = 0.0
        return logp, grad

    def __call__(self, w, **_):
        self.ncalls += 1
        if self.error is not None:
            return -np.inf, np.zeros_like(w)
        try:
            lp, g = self.z_logp_grad((self.z0 + self.L @ w)[None, :])
            return float(lp[0]), self.L.T @ g[0]
        except Exception as exc:  # noqa: BLE001 - re-raised after sampling
            self.error = exc
            return -np.inf, np.zeros_like(w)

    def theta(self, w):
        """``θ (n, d)`` for whitened draws ``w (n, d)``."""
        return self.unc.theta(self.z0 + w @ self.L.T)


def _metric(target, z0, scale_z):
    """Cholesky factor ``L`` of the Laplace covariance in ``z`` at ``z0`` (central
    differences of the exact gradient, all 2d points in one kernel call), or the diagonal
    ``scale_z`` when the Hessian is not negative definite. Returns ``(L, kind)``."""
    d = z0.size
    h = 1e-2 * scale_z
    Z = np.repeat(z0[None, :], 2 * d, axis=0)
    Z[np.arange(d), np.arange(d)] += h
    Z[d + np.arange(d), np.arange(d)] -= h
    lp, g = target.z_logp_grad(Z)
    if np.all(np.isfinite(lp)):
        H = (g[:d] - g[d:]) / (2.0 * h[:, None])
        H = 0.5 * (H + H.T)
        try:
            cov = np.linalg.inv(-H)
            cov = 0.5 * (cov + cov.T)
            L = np.linalg.cholesky(cov)
            if np.all(np.isfinite(L)):
                return L, "laplace"
        except np.linalg.LinAlgError:
            pass
    return np.diag(scale_z), "diagonal"


def _int_option(kw, name, default, minimum):
    v = kw.get(name, default)
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {v!r}", key=name)
    return int(v)


def run_nuts(lik, start, scale, *, seed=None, progress=False, **kw):
    """Sample the posterior of ``lik`` with NUTS (nutpie) on the kernel's exact gradient.

    Parameters
    ----------
    lik : Likelihood
        The kernel; ``lik.evaluate_and_grad`` is called with one row per leapfrog step.
    start : array_like (nfree,)
        The MLE: the chains start around it and the metric is the Laplace covariance there.
    scale : array_like (nfree,)
        Its 1σ (Hesse) errors; used for the metric's fallback and the steps of the Hessian.
    seed : int, numpy.random.Generator or None
        Seeds nutpie (chains, jitter, momenta).
    progress : bool
        Show nutpie's progress bar.
    draws : int, optional
        Kept draws per chain (default 1000).
    tune : int, optional
        Warm-up (step size and mass matrix adaptation) draws per chain, discarded
        (default 500).
    chains : int, optional
        Independent chains (default 4), run ``cores`` at a time in threads.
    cores : int, optional
        Chains run in parallel (default ``min(chains, os.cpu_count())``).
    target_accept : float, optional
        Step-size adaptation target (default 0.8; raise it when there are divergences).
    maxdepth : int, optional
        Maximum tree depth (default 10: at most 1024 gradients per draw).
    jitter : float, optional
        Standard deviation of the chains' start around the MLE in units of the Laplace
        covariance (default 0.5).
    whiten : bool, optional
        Use the Laplace covariance as the metric (default True); False samples ``z`` with
        nutpie's own adaptation from the identity.

    Returns
    -------
    Posterior
        ``chains × draws`` equally weighted draws in parameter space with ``loglike`` and
        ``logprior``; ``info`` has the divergences (total and per chain), the adapted step
        size per chain, the mean tree depth and leapfrog steps per draw, the mean acceptance
        statistic, the bulk and tail ESS per parameter and their minimum, the largest
        R-hat (ArviZ, Vehtari et al. 2021), gradient evaluations and ESS per second.

    Raises
    ------
    MissingDependencyError
        nutpie is not installed (``pip install 'bayspec[nuts]'``).
    ConfigError
        Unknown or bad options, no free parameters.
    FitError
        The log posterior is not finite at the start point, or the kernel raised while
        sampling (the original exception is chained).

    Warns
    -----
    SamplerWarning
        On divergent transitions after warm-up, or an R-hat above 1.01.
    """
    nutpie = require("nutpie")
    from nutpie.compiled_pyfunc import from_pyfunc

    check_kwargs("nuts", kw, NUTS_OPTIONS)
    names, units, labels, pars = free_meta(lik)
    d = len(names)
    if d == 0:
        raise ConfigError("no free parameters to sample")
    start = np.asarray(start, dtype=float).ravel()
    if start.size != d:
        raise ConfigError(f"start must have {d} entries ({', '.join(names)}), got {start.size}",
                          key="start")
    draws = _int_option(kw, "draws", 1000, 1)
    tune = _int_option(kw, "tune", 500, 0)
    chains = _int_option(kw, "chains", 4, 1)
    cores = _int_option(kw, "cores", min(chains, _cpu_count()), 1)
    maxdepth = _int_option(kw, "maxdepth", 10, 1)
    target_accept = float(kw.get("target_accept", 0.8))
    if not 0.0 < target_accept < 1.0:
        raise ConfigError(f"target_accept must be in (0, 1), got {target_accept}", key="target_accept")
    jitter = float(kw.get("jitter", 0.5))
    if not (np.isfinite(jitter) and jitter >= 0):
        raise ConfigError(f"jitter must be a finite number >= 0, got {jitter}", key="jitter")
    whiten = bool(kw.get("whiten", True))

    scale = np.abs(np.asarray(scale, dtype=float).ravel()) if scale is not None else np.full(d, np.nan)
    if scale.size != d:
        raise ConfigError(f"scale must have {d} entries, got {scale.size}", key="scale")
    lo, hi = lik.space.bounds().T
    if not (np.all(start >= lo) and np.all(start <= hi)) or not np.isfinite(
            lik.logposterior(start[None, :])[0]):
        raise FitError(f"the log posterior is not finite at the start point {start.tolist()} "
                       f"({', '.join(names)}); is it inside the bounds and priors?")

    unc = Unconstrained(pars)
    z0 = unc.forward(start, scale)
    scale_z = _scale_in_z(unc, z0, scale)
    target = _Target(lik, unc, z0, np.diag(scale_z))
    metric = "identity"
    if whiten:
        target.L, metric = _metric(target, z0, scale_z)
    else:
        target.L = np.eye(d)
    if not np.isfinite(target(np.zeros(d))[0]):
        raise FitError(f"the log posterior is not finite at the start point {start.tolist()} in "
                       "unconstrained coordinates")

    rng = as_generator(seed)
    nut_seed = int(rng.integers(2**32))

    def make_logp():
        return target

    def make_expand(seed1, seed2, chain):
        return lambda w, **_: {"w": np.asarray(w, dtype=float).copy()}

    def initial_point(s):
        return jitter * np.random.default_rng([nut_seed, int(s)]).standard_normal(d)

    model = from_pyfunc(d, make_logp, make_expand, [np.dtype("float64")], [(d,)], ["w"],
                        make_initial_point_fn=initial_point)
    with Timer() as timer, warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # arviz/xarray chatter on conversion
        trace = nutpie.sample(model, draws=draws, tune=tune, chains=chains, cores=cores,
                              seed=nut_seed, progress_bar=bool(progress), save_warmup=False,
                              target_accept=target_accept, maxdepth=maxdepth)
    if target.error is not None:
        raise FitError(f"the likelihood raised while sampling with NUTS: {target.error}") from target.error

    w = np.asarray(trace.posterior["w"].values, dtype=float)  # (chains, draws, d)
    samples = target.theta(w.reshape(-1, d))
    info = _diagnostics(trace, samples.reshape(w.shape))
    loglike = lik.loglike(samples)
    lprior = lik.logprior(samples)
    elapsed = timer.elapsed
    info.update({
        "method": "nuts",
        "engine": f"nutpie {getattr(nutpie, '__version__', '?')}",
        "chains": chains, "draws": draws, "tune": tune, "cores": cores,
        "target_accept": target_accept, "maxdepth": maxdepth,
        "metric": metric,
        "seed": seed_info(seed),
        "elapsed": elapsed,
        "ncalls": target.ncalls,
        "nevals": target.ncalls,
        "max_batch": 1,
        "evals_per_second": target.ncalls / elapsed if elapsed > 0 else float("nan"),
        "ess_per_second": info["ess"] / elapsed if elapsed > 0 else float("nan"),
    })
    _warn(info)
    return Posterior(names, samples, loglike=loglike, logprior=lprior, info=info,
                     units=units, labels=labels)


def _cpu_count():
    import os

    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def _scale_in_z(unc, z0, scale):
    """The Hesse errors mapped to ``z`` (``σ_θ / |dθ/dz|``), capped at 2 (about the
    standard deviation of a uniform prior's logistic image, π/√3 ≈ 1.8); 0.1 where unknown."""
    j = np.abs(unc.jacobian(z0[None, :])[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        s = scale / j
    s = np.where(np.isfinite(s) & (s > 0), s, 0.1)
    return np.minimum(s, 2.0)


def _diagnostics(trace, theta):
    """Divergences, step sizes, tree depths from nutpie's trace; bulk and tail ESS and
    rank-normalised R-hat of each parameter from the draws ``theta (chains, draws, d)``
    (ArviZ; Vehtari et al. 2021)."""
    arviz = require("arviz")  # a dependency of nutpie

    st = trace.sample_stats
    div = np.asarray(st["diverging"].values, dtype=bool)
    ds = arviz.convert_to_dataset({"theta": theta})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ess_bulk = np.asarray(arviz.ess(ds, method="bulk")["theta"].values, dtype=float)
        ess_tail = np.asarray(arviz.ess(ds, method="tail")["theta"].values, dtype=float)
        rhat = (np.asarray(arviz.rhat(ds)["theta"].values, dtype=float) if theta.shape[0] > 1
                else np.full(theta.shape[2], np.nan))
    return {
        "divergences": int(div.sum()),
        "divergences_per_chain": div.sum(axis=1).tolist(),
        "step_size": np.asarray(st["step_size"].values[:, -1], dtype=float).tolist(),
        "mean_tree_depth": float(np.mean(st["depth"].values)),
        "mean_leapfrog_steps": float(np.mean(st["n_steps"].values)),
        "acceptance": float(np.mean(st["mean_tree_accept"].values)),
        "ess_per_parameter": ess_bulk.tolist(),
        "ess_tail_per_parameter": ess_tail.tolist(),
        "rhat": rhat.tolist(),
        "ess": float(np.min(ess_bulk)),
        "ess_tail": float(np.min(ess_tail)),
    }


def _warn(info):
    if info["divergences"]:
        warnings.warn(f"nuts: {info['divergences']} divergent transitions after warm-up "
                      f"(per chain {info['divergences_per_chain']}); the posterior may be biased "
                      "where the geometry is hard. Raise target_accept (e.g. 0.95).",
                      SamplerWarning, stacklevel=4)
    rh = np.asarray(info.get("rhat", []), dtype=float)
    if rh.size and np.nanmax(rh) > RHAT_MAX:
        warnings.warn(f"nuts: R-hat {np.nanmax(rh):.3f} > {RHAT_MAX}: the chains disagree; "
                      "run longer (draws, tune) or check for several modes",
                      SamplerWarning, stacklevel=4)
