"""Is the fit good? Simulated goodness of fit and posterior predictive checks.

* `goodness` — parametric bootstrap (XSPEC ``goodness``): ``nsim`` data sets are drawn from
  the best fit (or, with a posterior, each from one posterior draw: the "posterior
  predictive" variant), every one is refitted, and the p-value is the fraction of
  simulations whose best-fit statistic is at least the observed one. All refits run
  together (`bayspec.infer._multidata.batch_fit`: each kernel call evaluates one parameter
  stencil per simulated data set), starting at the best fit.
* `ppc_pvalue` — posterior predictive p-value of the total statistic as a discrepancy
  (Gelman, Meng & Stern 1996): for posterior draws ``θ_s`` and replicated data
  ``y_s ~ p(y | θ_s)``, ``p = P[T(y_s, θ_s) ≥ T(y_obs, θ_s)]`` with ``T`` the fit statistic
  (−2 ln L / L_saturated). No refits.
* `predictive_counts` — replicated counts per unit and group (the band of `plot_ppc`).

Simulations respect each unit's statistic (Poisson source, Poisson or Gaussian background,
profiled as the statistic profiles it; `bayspec.infer._multidata.simulate`).

References
----------
Gelman, A., Meng, X.-L. & Stern, H. 1996, Statistica Sinica 6, 733 (posterior predictive
p-values with discrepancies).
Arnaud, K. A. et al., XSPEC manual, ``goodness`` command (simulated goodness of fit).
Davison, A. C. & Hinkley, D. V. 1997, Bootstrap Methods and their Application, ch. 4
(parametric bootstrap tests).
"""

from __future__ import annotations

import time

import numpy as np

from ..errors import ConfigError, FitError
from ._multidata import StackedData, batch_fit, simulate
from .mle import FitProblem

__all__ = ["GoodnessResult", "goodness", "ppc_pvalue", "predictive_counts", "bootstrap_pvalues",
           "refit_settings"]


class GoodnessResult:
    """Outcome of `goodness` or `ppc_pvalue`.

    Attributes
    ----------
    method : str
        ``"bootstrap"`` (simulated from the best fit, refitted), ``"posterior bootstrap"``
        (simulated from posterior draws, refitted) or ``"ppc"`` (Gelman, Meng & Stern 1996
        discrepancy, no refits).
    observed : float or ndarray (nsim,)
        Observed statistic (best fit), or for ``"ppc"`` the statistic of the observed data
        at each posterior draw.
    simulated : ndarray (nsim,)
        Statistic of each simulated data set (best refit; at its draw for ``"ppc"``).
    p_value : float
        Fraction of simulations with ``simulated >= observed``.
    p_error : float
        Binomial standard error ``sqrt(p (1 − p) / nsim)``.
    converged : ndarray of bool (nsim,)
        Whether each refit converged (all True for ``"ppc"``).
    elapsed : float
        Seconds.
    """

    def __init__(self, method, observed, simulated, converged, elapsed, seed=None, dof=None):
        self.method = method
        self.observed = observed if np.ndim(observed) else float(observed)
        self.simulated = np.asarray(simulated, dtype=float)
        self.converged = np.asarray(converged, dtype=bool)
        self.nsim = int(self.simulated.size)
        self.p_value = float(np.mean(self.simulated >= observed))
        self.p_error = float(np.sqrt(self.p_value * (1 - self.p_value) / max(self.nsim, 1)))
        self.elapsed = float(elapsed)
        self.seed = seed
        self.dof = dof

    @property
    def nfailed(self) -> int:
        """Refits that did not converge."""
        return int(np.sum(~self.converged))

    def to_dict(self) -> dict:
        """JSON-compatible summary (percentiles of the simulated statistic, not all values)."""
        q = np.percentile(self.simulated, [2.5, 16, 50, 84, 97.5]) if self.nsim else [np.nan] * 5
        obs = self.observed
        return {"method": self.method, "nsim": self.nsim, "p_value": self.p_value,
                "p_error": self.p_error,
                "observed": float(np.median(obs)) if np.ndim(obs) else float(obs),
                "simulated_percentiles": {"2.5": float(q[0]), "16": float(q[1]), "50": float(q[2]),
                                          "84": float(q[3]), "97.5": float(q[4])},
                "nfailed": self.nfailed, "elapsed": self.elapsed, "dof": self.dof,
                "seed": self.seed if isinstance(self.seed, (int, type(None))) else str(self.seed)}

    def plot(self, ax=None, bins=40):
        """Histogram of the simulated statistic with the observed value (for ``"ppc"``: the
        replicated against the observed discrepancy, with the diagonal). Returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            ax = plt.figure(figsize=(6, 4), layout="constrained").add_subplot()
        if self.method == "ppc":
            ax.scatter(self.observed, self.simulated, s=6, alpha=0.5, color="C0")
            lo = min(np.min(self.observed), np.min(self.simulated))
            hi = max(np.max(self.observed), np.max(self.simulated))
            ax.plot([lo, hi], [lo, hi], color="0.3", lw=1)
            ax.set_xlabel("statistic of the observed data at each draw")
            ax.set_ylabel("statistic of the replicated data")
        else:
            ax.hist(self.simulated, bins=bins, color="C0", alpha=0.7, label=f"{self.nsim} simulations")
            ax.axvline(self.observed, color="C3", lw=2, label="observed")
            ax.set_xlabel("best-fit statistic")
            ax.set_ylabel("simulations")
            ax.legend(frameon=False)
        ax.set_title(f"{self.method}: p = {self.p_value:.3g} ± {self.p_error:.2g}")
        return ax

    def __repr__(self):
        from ._repr import goodness_text

        return goodness_text(self)

    def _repr_html_(self):
        from ._repr import goodness_html

        return goodness_html(self)


# ---------------------------------------------------------------------- helpers
def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _fitted(infer):
    """The infer's current fit result, fitting first when there is none or it is stale."""
    res = infer.result
    lik = infer.likelihood
    lik.sync()
    if res is None or res.names != lik.free_names or res.npoints != lik.npoints:
        res = infer.fit()
    return res


def refit_settings(result):
    """Finite-difference steps and initial curvature (fit coordinates) from a `FitResult`.

    Steps are a twentieth of each parameter's HESSE error in fit coordinates; the curvature
    of the statistic (−2 ln L) is ``2 C⁻¹``. ``(None, None)`` when the covariance is missing
    or not positive definite (the batched fit then estimates both itself).
    """
    cov = getattr(result, "fit_covariance", None)
    if cov is None:
        return None, None
    cov = np.asarray(cov, dtype=float)
    if not np.all(np.isfinite(cov)):
        return None, None
    err = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    try:
        np.linalg.cholesky(cov)
        H = 2.0 * np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        H = None
    step = np.where(err > 0, 0.05 * err, 1e-3) if np.all(err > 0) else None
    return step, H


def _theta(result, lik):
    return np.array([result.values[n] for n in lik.free_names], dtype=float)


def _draws(posterior, lik, n, rng):
    if list(posterior.names) != list(lik.free_names):
        raise ConfigError(f"the posterior's parameters {posterior.names} are not the free "
                          f"parameters of this fit {lik.free_names}", key="posterior")
    return posterior.equal_weight_samples(n, seed=rng)


def simulated_refits(problem, data, theta, nsim, rng, *, step=None, hessian=None, tol=1e-4,
                     chunk=2000):
    """Simulate ``nsim`` data sets from each row of ``theta`` and refit them, in chunks.

    Yields ``(slice, rows, simulations, fit)`` per chunk of at most ``chunk`` simulations:
    the slice of the flattened ``(R·nsim)`` results it fills, the index of the data set each
    simulation comes from, the simulated `StackedData`, and its `batch_fit` started at the
    generating parameters. Used by the bootstrap and by the simulated likelihood-ratio test
    (which refits the same simulations under a second model).
    """
    lik = problem.lik
    th = np.asarray(theta, dtype=float).reshape(data.n, -1)
    rep = np.repeat(np.arange(data.n), nsim)
    jvar = [lik.free_names.index(n) for n in problem.names]
    for a in range(0, rep.size, chunk):
        b = min(a + chunk, rep.size)
        gen = th[rep[a:b]]
        sims = simulate(lik, gen, rng, data=data.take(rep[a:b]))
        fit = batch_fit(problem, sims, start=gen[:, jvar], step=step, hessian=hessian, tol=tol)
        yield slice(a, b), rep[a:b], sims, fit


def bootstrap_pvalues(problem, data, theta, observed, nsim, rng, *, step=None, hessian=None,
                      tol=1e-4, chunk=2000):
    """Parametric-bootstrap goodness p-values for ``R`` data sets at once.

    Parameters
    ----------
    problem : FitProblem
    data : StackedData
        ``R`` "observed" data sets (one for a real fit; many in calibration studies).
    theta : array (R, nfree)
        Best fit of each data set: its simulations are drawn there (backgrounds profiled at
        that data set) and refitted from there.
    observed : array (R,)
        Best-fit statistic of each data set.
    nsim : int
        Simulations per data set.
    rng : numpy Generator
    step, hessian, tol
        Passed to `batch_fit`.
    chunk : int
        Simulated data sets refitted per batch.

    Returns
    -------
    p : ndarray (R,)
        Fraction of simulations with a refitted statistic ``>= observed``.
    sim_stat : ndarray (R, nsim)
    converged : ndarray of bool (R, nsim)
    """
    R = data.n
    stat = np.empty(R * nsim)
    conv = np.empty(R * nsim, dtype=bool)
    for sl, _, _, fit in simulated_refits(problem, data, theta, nsim, rng, step=step,
                                          hessian=hessian, tol=tol, chunk=chunk):
        stat[sl], conv[sl] = fit.stat, fit.converged
    stat = stat.reshape(R, nsim)
    p = np.mean(stat >= np.asarray(observed, dtype=float).reshape(R, 1), axis=1)
    return p, stat, conv.reshape(R, nsim)


# ---------------------------------------------------------------------- user functions
def goodness(infer, nsim=1000, *, posterior=None, seed=None, tol=1e-4, chunk=2000):
    """Simulated goodness of fit of an `Infer`'s best fit (parametric bootstrap).

    Parameters
    ----------
    infer : Infer
        Fitted first if it has no current fit.
    nsim : int
        Number of simulated data sets (each refitted).
    posterior : Posterior, optional
        Draw each simulation's parameters from this posterior (posterior predictive
        simulations) instead of using the best fit; refits still start at the best fit.
    seed : int or numpy Generator, optional
    tol : float
        Convergence of each refit: estimated distance to the minimum below ``tol``.
    chunk : int
        Simulations refitted per batch (memory: about ``chunk × 20 × channels`` floats).

    Returns
    -------
    GoodnessResult
        ``p_value`` is the fraction of simulations with a best-fit statistic at least the
        observed one (XSPEC ``goodness``); small values say the model does not describe
        the data as well as it describes data drawn from itself.
    """
    if int(nsim) < 1:
        raise ConfigError(f"nsim must be >= 1, got {nsim}", key="nsim")
    nsim = int(nsim)
    t0 = time.perf_counter()
    res = _fitted(infer)
    lik = infer.likelihood
    rng = _rng(seed)
    best = _theta(res, lik)
    problem = FitProblem(lik)
    step, H = refit_settings(res)
    if posterior is not None:
        draws = _draws(posterior, lik, nsim, rng)
        stat, conv = _posterior_bootstrap(problem, lik, draws, best, rng, step, H, tol, chunk)
        method = "posterior bootstrap"
    else:
        data = StackedData.observed(lik, 1)
        _, stat, conv = bootstrap_pvalues(problem, data, best[None], np.array([res.stat]), nsim,
                                          rng, step=step, hessian=H, tol=tol, chunk=chunk)
        stat, conv = stat[0], conv[0]
        method = "bootstrap"
    lik.space.set(best)
    return GoodnessResult(method, res.stat, stat, conv, time.perf_counter() - t0,
                          seed=seed, dof=res.dof)


def _posterior_bootstrap(problem, lik, gen, best, rng, step, H, tol, chunk):
    """Simulate one data set per row of ``gen`` and refit each from ``best``."""
    n = gen.shape[0]
    stat = np.empty(n)
    conv = np.empty(n, dtype=bool)
    jvar = [lik.free_names.index(k) for k in problem.names]
    for a in range(0, n, chunk):
        b = min(a + chunk, n)
        sims = simulate(lik, gen[a:b], rng)
        fit = batch_fit(problem, sims, start=best[jvar], step=step, hessian=H, tol=tol)
        stat[a:b], conv[a:b] = fit.stat, fit.converged
    return stat, conv


def ppc_pvalue(infer, posterior=None, nsim=1000, *, seed=None):
    """Posterior predictive p-value of the fit statistic (Gelman, Meng & Stern 1996).

    Parameters
    ----------
    infer : Infer
    posterior : Posterior, optional
        Default ``infer.posterior``.
    nsim : int
        Posterior draws (one replicated data set each).
    seed : int or numpy Generator, optional

    Returns
    -------
    GoodnessResult
        ``method="ppc"``; ``observed`` and ``simulated`` are the discrepancies
        ``T(y_obs, θ_s)`` and ``T(y_rep,s, θ_s)`` per draw, ``p_value`` the fraction with
        ``T(y_rep) >= T(y_obs)``. Values near 0 say the data are more extreme than the
        model predicts; unlike the bootstrap p-value it is not uniform under the model (it
        concentrates near 0.5), so read it as a check, not a test.
    """
    post = posterior if posterior is not None else infer.posterior
    if post is None:
        raise FitError("no posterior: sample first (infer.sample(...)) or pass posterior=")
    t0 = time.perf_counter()
    lik = infer.likelihood
    rng = _rng(seed)
    draws = _draws(post, lik, int(nsim), rng)
    sims = simulate(lik, draws, rng)
    t_rep = sims.stat(draws)
    t_obs = lik.evaluate(draws)
    out = GoodnessResult("ppc", t_obs, t_rep, np.ones(t_rep.size, dtype=bool),
                         time.perf_counter() - t0, seed=seed)
    out.p_value = float(np.mean(t_rep >= t_obs))
    out.p_error = float(np.sqrt(out.p_value * (1 - out.p_value) / max(out.nsim, 1)))
    return out


def predictive_counts(infer, posterior=None, nsim=500, *, seed=None):
    """Replicated source counts per unit and noticed group.

    Parameters
    ----------
    infer : Infer
    posterior : Posterior, optional
        Draw the parameters from it (posterior predictive); default the best fit (fitting
        first if needed), i.e. the sampling distribution of the counts at the best fit.
    nsim : int
    seed : int or numpy Generator, optional

    Returns
    -------
    dict
        ``{unit name: {"observed": (k,), "replicated": (nsim, k), "chbin": (k, 2) keV,
        "efficiency": (k,) or float}}`` — source-region counts (background included),
        the groups' energy bounds and the source efficiency (s).
    """
    lik = infer.likelihood
    rng = _rng(seed)
    if posterior is not None:
        theta = _draws(posterior, lik, int(nsim), rng)
    else:
        res = _fitted(infer)
        theta = np.repeat(_theta(res, lik)[None], int(nsim), axis=0)
    sims = simulate(lik, theta, rng)
    out = {}
    for t in lik._terms:
        u = t.unit
        out[t.name] = {"observed": np.asarray(t.fold.S, dtype=float), "replicated": sims.src(t.name),
                       "chbin": np.asarray(u.rsp_chbin, dtype=float),
                       "efficiency": t.fold.ts}
    return out
