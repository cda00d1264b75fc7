"""Is the extra component real? Likelihood-ratio tests, information criteria, Bayes factors.

* `lrt_test` — likelihood-ratio test of nested models with a simulated reference
  distribution: the null model's best fit is simulated ``nsim`` times, both models are
  refitted to every simulation (all at once, `bayspec.infer._multidata.batch_fit`), and the
  calibrated p-value is the fraction of simulated ratios at least the observed one. Beside
  it the Wilks (1938) χ² approximation with ``Δk`` degrees of freedom, which fails when the
  null sits on the boundary of the alternative's parameter space (a component
  normalisation at 0) or leaves a parameter unidentified (the blackbody temperature when
  its normalisation is 0): Protassov et al. (2002). At a boundary the reference
  distribution is a mixture (½ χ²₀ + ½ χ²₁ for one normalisation; Chernoff 1954), so the
  χ² p-value is too large there.
* `information_criteria` — AIC (Akaike 1974), AICc (Hurvich & Tsai 1989), BIC (Schwarz
  1978) from a fit (relative to the saturated model, so only differences between models of
  the same data mean anything).
* `bayes_factor` — ``ln B = ln Z₁ − ln Z₀`` from two nested-sampling runs, errors added in
  quadrature.
* `loo_waic` — PSIS-LOO (Vehtari, Gelman & Gabry 2017) and WAIC (Watanabe 2010) from a
  posterior's pointwise (per group) log-likelihood, through ArviZ (optional).
* `compare` — all of them for two analyses of the same data, as a `Comparison`.

References
----------
Wilks, S. S. 1938, Ann. Math. Stat. 9, 60.
Chernoff, H. 1954, Ann. Math. Stat. 25, 573.
Protassov, R., van Dyk, D. A., Connors, A., Kashyap, V. L. & Siemiginowska, A. 2002, ApJ 571, 545.
Akaike, H. 1974, IEEE Trans. Autom. Control 19, 716; Hurvich, C. M. & Tsai, C.-L. 1989,
Biometrika 76, 297; Schwarz, G. 1978, Ann. Stat. 6, 461.
Kass, R. E. & Raftery, A. E. 1995, JASA 90, 773 (Bayes factors).
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy import stats as _st

from ..errors import ConfigError, FitError, ModelError
from ._multidata import StackedData, batch_fit
from .goodness import _fitted, _rng, _theta, refit_settings, simulated_refits
from .mle import FitProblem

__all__ = ["information_criteria", "bayes_factor", "lrt_test", "lrt_pvalues", "LRTResult",
           "loo_waic", "compare", "Comparison"]

#: A simulated or observed likelihood ratio below this (statistic units) is taken as 0:
#: the alternative's refit then sits on the null (its extra normalisation at the bound) and
#: the difference is optimiser noise.
TIE_TOL = 1e-3


def information_criteria(result) -> dict:
    """AIC, AICc and BIC of a `FitResult`.

    ``AIC = stat + 2k``, ``AICc = AIC + 2k(k + 1) / (N − k − 1)``, ``BIC = stat + k ln N``
    with ``k`` free parameters and ``N`` noticed groups; ``stat`` is −2 ln(L / L_sat).

    Returns
    -------
    dict
        ``{"stat", "k", "n", "aic", "aicc", "bic"}`` (AICc is inf when ``N ≤ k + 1``).
    """
    k, n, s = int(result.nfree), int(result.npoints), float(result.stat)
    aic = s + 2.0 * k
    aicc = aic + (2.0 * k * (k + 1) / (n - k - 1) if n - k - 1 > 0 else math.inf)
    return {"stat": s, "k": k, "n": n, "aic": aic, "aicc": aicc,
            "bic": s + k * math.log(max(n, 1))}


def bayes_factor(post_alt, post_null):
    """``(ln B, error)`` with ``B = Z_alt / Z_null`` from nested-sampling posteriors.

    Raises
    ------
    ConfigError
        A posterior has no evidence (not from nested sampling).
    """
    for name, p in (("alternative", post_alt), ("null", post_null)):
        if p is None or p.logz is None:
            raise ConfigError(f"the {name} posterior has no ln Z: sample it with "
                              "method='nested'", key="posterior")
    err = math.hypot(post_alt.logz_err or 0.0, post_null.logz_err or 0.0)
    return float(post_alt.logz - post_null.logz), float(err)


def _jeffreys(lnb):
    """Kass & Raftery (1995) wording for ``ln B`` of the alternative over the null."""
    two = 2.0 * lnb
    for lim, word in ((10, "very strong"), (6, "strong"), (2, "positive")):
        if two > lim:
            return f"{word} for the alternative"
        if two < -lim:
            return f"{word} for the null"
    return "not worth more than a bare mention"


# ---------------------------------------------------------------------- LRT
class LRTResult:
    """Outcome of `lrt_test`.

    Attributes
    ----------
    observed : float
        ``stat_null − stat_alt`` on the data (clipped at 0).
    dof : int
        Extra free parameters of the alternative (Wilks degrees of freedom).
    p_wilks : float
        ``P(χ²_dof ≥ observed)``.
    p_value : float or None
        Calibrated p-value (simulations; None when ``nsim = 0``). Ties (a simulated ratio
        equal to the observed one, typically both 0 at a boundary) are broken at random, so
        the p-value is uniform under the null.
    simulated : ndarray (nsim,)
        Simulated ratios (clipped at 0).
    p_error : float
    nfailed : int
        Simulations where a refit did not converge.
    """

    def __init__(self, observed, dof, simulated, p_value, nfailed, elapsed, null, alt):
        self.observed = float(observed)
        self.dof = int(dof)
        self.p_wilks = float(_st.chi2.sf(self.observed, self.dof)) if self.dof > 0 else float("nan")
        self.simulated = np.asarray(simulated, dtype=float)
        self.nsim = int(self.simulated.size)
        self.p_value = None if p_value is None else float(p_value)
        p = self.p_value if self.p_value is not None else float("nan")
        self.p_error = float(np.sqrt(p * (1 - p) / self.nsim)) if self.nsim else float("nan")
        self.nfailed = int(nfailed)
        self.elapsed = float(elapsed)
        self.null, self.alt = null, alt

    @property
    def fraction_zero(self) -> float:
        """Fraction of simulated ratios equal to 0 (the boundary mass; ½ for one
        normalisation at its bound, Chernoff 1954)."""
        return float(np.mean(self.simulated <= 0.0)) if self.nsim else float("nan")

    def to_dict(self) -> dict:
        return {"null": self.null, "alternative": self.alt, "lrt": self.observed,
                "dof": self.dof, "p_wilks": self.p_wilks, "p_value": self.p_value,
                "p_error": self.p_error, "nsim": self.nsim, "nfailed": self.nfailed,
                "fraction_zero": self.fraction_zero, "elapsed": self.elapsed}

    def plot(self, ax=None, bins=40):
        """Survival function of the simulated ratios beside χ²_dof, with the observed value."""
        import matplotlib.pyplot as plt

        if ax is None:
            ax = plt.figure(figsize=(6, 4), layout="constrained").add_subplot()
        hi = max(self.observed * 1.3, np.max(self.simulated) if self.nsim else 1.0, 1.0)
        x = np.linspace(0, hi, 400)
        if self.nsim:
            s = np.sort(self.simulated)
            ax.step(s, 1.0 - np.arange(1, s.size + 1) / s.size, where="post", color="C0",
                    label=f"simulated ({self.nsim})")
        if self.dof > 0:
            ax.plot(x, _st.chi2.sf(x, self.dof), color="0.4", ls="--", label=f"χ²$_{{{self.dof}}}$ (Wilks)")
        ax.axvline(self.observed, color="C3", lw=2, label="observed")
        ax.set_yscale("log")
        ax.set_xlabel("likelihood ratio  stat$_0$ − stat$_1$")
        ax.set_ylabel("P(LRT ≥ x)")
        ax.legend(frameon=False)
        return ax

    def __repr__(self):
        from ._repr import lrt_text

        return lrt_text(self)


def _nested(null_lik, alt_lik):
    missing = [n for n in null_lik.free_names if n not in alt_lik.free_names]
    if missing:
        raise ModelError(f"the models are not nested by parameter names: {', '.join(missing)} "
                         f"of the null are not free in the alternative")
    if sorted(null_lik.unit_names) != sorted(alt_lik.unit_names) or null_lik.npoints != alt_lik.npoints:
        raise ModelError("the two analyses must fit the same units and groups: "
                         f"{null_lik.unit_names} vs {alt_lik.unit_names}")
    for t0 in null_lik._terms:
        t1 = next(t for t in alt_lik._terms if t.name == t0.name)
        if not np.array_equal(t0.S, t1.S):
            raise ModelError(f"unit {t0.name!r} has different counts in the two analyses")


def _alt_starts(alt_prob, alt_best, null_best_named, starts):
    """Start rows (varied parameters, external units) for the alternative's refits."""
    rows = [alt_best.copy()]
    emb = alt_best.copy()
    for j, n in enumerate(alt_prob.names):
        if n in null_best_named:
            emb[j] = null_best_named[n]
    rows.append(emb)
    for d in starts or []:
        r = alt_best.copy()
        for k, v in dict(d).items():
            if k not in alt_prob.names:
                raise ConfigError(f"starts: {k!r} is not a free parameter of the alternative; "
                                  f"free: {', '.join(alt_prob.names)}", key="starts")
            r[alt_prob.names.index(k)] = float(v)
        rows.append(r)
    lo, hi = alt_prob.bounds[:, 0], alt_prob.bounds[:, 1]
    return [np.clip(r, lo, hi) for r in rows]


def lrt_pvalues(null_prob, alt_prob, data, null_theta, lrt_obs, nsim, rng, *, starts,
                null_step=None, null_hessian=None, alt_step=None, alt_hessian=None, tol=1e-4,
                chunk=2000, tie_tol=TIE_TOL):
    """Calibrated LRT p-values for ``R`` data sets at once (simulation from each null fit).

    Parameters
    ----------
    null_prob, alt_prob : FitProblem
        Of the null and alternative likelihoods (same units).
    data : StackedData
        ``R`` observed data sets of the null likelihood.
    null_theta : array (R, nfree_null)
        Null best fit of each data set.
    lrt_obs : array (R,)
        Observed ratios (clipped at 0).
    nsim : int
    rng : numpy Generator
    starts : list of array (p_alt,) or (R, p_alt)
        Start points of the alternative's refits; the best of them is kept per simulation.

    Returns
    -------
    p : ndarray (R,)
        Randomised-tie p-values ``(#{T > t} + U (#{T = t} + 1)) / (nsim + 1)`` with
        ``U ~ Uniform(0, 1)`` (exactly uniform under the null; Davison & Hinkley 1997, sect. 4.2).
    sims : ndarray (R, nsim)
        Simulated ratios.
    failed : ndarray of bool (R, nsim)
    """
    alik = alt_prob.lik
    R = data.n
    out = np.empty(R * nsim)
    failed = np.empty(R * nsim, dtype=bool)
    for sl, rows, sims, f0 in simulated_refits(null_prob, data, null_theta, nsim, rng,
                                               step=null_step, hessian=null_hessian, tol=tol,
                                               chunk=chunk):
        alt_sims = sims.for_likelihood(alik)
        best1 = np.full(rows.size, np.inf)
        conv1 = np.zeros(rows.size, dtype=bool)
        for s in starts:
            s = np.asarray(s, dtype=float)
            s = s[rows] if s.ndim == 2 else s
            f1 = batch_fit(alt_prob, alt_sims, start=s, step=alt_step, hessian=alt_hessian, tol=tol)
            better = f1.stat < best1
            best1 = np.where(better, f1.stat, best1)
            conv1 = np.where(better, f1.converged, conv1)
        lr = f0.stat - best1
        out[sl] = np.where(lr < tie_tol, 0.0, lr)
        failed[sl] = ~(f0.converged & conv1)
    sims_lr = out.reshape(R, nsim)
    t = np.asarray(lrt_obs, dtype=float).reshape(R, 1)
    t = np.where(t < tie_tol, 0.0, t)
    gt = np.sum(sims_lr > t + 1e-12, axis=1)
    eq = np.sum(np.abs(sims_lr - t) <= 1e-12, axis=1)
    u = rng.uniform(size=R)
    p = (gt + u * (eq + 1)) / (nsim + 1)
    return p, sims_lr, failed.reshape(R, nsim)


def lrt_test(null, alt, nsim=1000, *, seed=None, starts=None, tol=1e-4, chunk=2000):
    """Likelihood-ratio test of a null model against a nested alternative.

    Parameters
    ----------
    null, alt : Infer
        Two analyses of the same units; the free parameters of ``null`` must be free in
        ``alt`` too (the extra ones, e.g. a blackbody's ``bb.K`` and ``bb.kT``, are what is
        tested). Each is fitted first if it has no current fit. For the boundary case give
        the extra normalisation a prior whose support reaches 0 (e.g. ``Uniform(0, 100)``),
        so that the null is inside the alternative.
    nsim : int
        Simulations from the null's best fit (0: Wilks only).
    seed : int or numpy Generator, optional
    starts : list of dict, optional
        Extra start points of the alternative's refits (``{"bb.kT": 10}``; other
        parameters at the alternative's best fit). Always used: the alternative's best fit
        and the null's best fit embedded in it. An unidentified parameter under the null
        (a temperature) makes the alternative's likelihood multimodal; more starts give a
        better reference distribution.
    tol : float
        Refit convergence (estimated distance to the minimum).
    chunk : int
        Simulations per batch.

    Returns
    -------
    LRTResult
    """
    t0 = time.perf_counter()
    r0, r1 = _fitted(null), _fitted(alt)
    nlik, alik = null.likelihood, alt.likelihood
    _nested(nlik, alik)
    dof = alik.nfree - nlik.nfree
    lr = max(r0.stat - r1.stat, 0.0)
    names = (_expr(null), _expr(alt))
    if int(nsim) <= 0:
        return LRTResult(lr, dof, [], None, 0, time.perf_counter() - t0, *names)
    rng = _rng(seed)
    p0, p1 = FitProblem(nlik), FitProblem(alik)
    best0, best1 = _theta(r0, nlik), _theta(r1, alik)
    s0, h0 = refit_settings(r0)
    s1, h1 = refit_settings(r1)
    st = _alt_starts(p1, best1[[alik.free_names.index(n) for n in p1.names]],
                     dict(zip(nlik.free_names, best0)), starts)
    data = StackedData.observed(nlik, 1)
    p, sims, failed = lrt_pvalues(p0, p1, data, best0[None], np.array([lr]), int(nsim), rng,
                                  starts=st, null_step=s0, null_hessian=h0, alt_step=s1,
                                  alt_hessian=h1, tol=tol, chunk=chunk)
    nlik.space.set(best0)
    alik.space.set(best1)
    p_frac = float(np.mean(sims[0] >= (lr if lr >= TIE_TOL else 0.0)))
    out = LRTResult(lr, dof, sims[0], p_frac, int(failed.sum()), time.perf_counter() - t0, *names)
    out.p_randomised = float(p[0])
    return out


def _expr(infer):
    return " | ".join(m.expr for m in infer.models)


# ---------------------------------------------------------------------- LOO / WAIC
def loo_waic(infer, posterior=None, nsamples=2000, seed=None) -> dict:
    """PSIS-LOO and WAIC (ArviZ) from the per-group log-likelihood of posterior samples.

    Returns
    -------
    dict
        ``{"elpd_loo", "se_loo", "p_loo", "elpd_waic", "se_waic", "p_waic", "pareto_k_max",
        "n_pareto_k_high"}`` (log scale: higher is better; the deviance-scale values are −2
        times these). The Pareto ``k`` are over groups whose log-likelihood varies between
        draws (a group whose statistic is 0 for every draw has no information and
        ``k = inf``); ``n_pareto_k_high`` counts ``k > 0.7``, where PSIS-LOO is unreliable.

    Raises
    ------
    MissingDependencyError
        ArviZ is not installed (``pip install 'bayspec[arviz]'``).
    """
    post = posterior if posterior is not None else infer.posterior
    if post is None:
        raise FitError("no posterior: sample first (infer.sample(...)) or pass posterior=")
    from .._optional import require

    az = require("arviz")
    idata = post.to_arviz(infer.likelihood, nsamples=nsamples, seed=seed)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loo = az.loo(idata, pointwise=True)
        waic = az.waic(idata)
    k = np.asarray(loo.pareto_k, dtype=float)
    k = k[np.isfinite(k)]  # a group whose log-likelihood is the same for every draw: k = inf
    return {"elpd_loo": float(loo.elpd_loo), "se_loo": float(loo.se), "p_loo": float(loo.p_loo),
            "elpd_waic": float(waic.elpd_waic), "se_waic": float(waic.se),
            "p_waic": float(waic.p_waic), "pareto_k_max": float(np.max(k)) if k.size else float("nan"),
            "n_pareto_k_high": int(np.sum(k > 0.7))}


# ---------------------------------------------------------------------- comparison
class Comparison:
    """Two analyses of the same data side by side (see `compare`).

    Attributes
    ----------
    names : (str, str)
        Model expressions (null, alternative).
    criteria : (dict, dict)
        `information_criteria` of each.
    delta : dict
        Alternative minus null of ``stat``, ``aic``, ``aicc``, ``bic`` (negative favours
        the alternative).
    lrt : LRTResult or None
        When the models are nested by parameter names.
    ln_bayes_factor : (float, float) or None
        ``ln(Z_alt / Z_null)`` and its error, when both have nested-sampling posteriors.
    loo : (dict, dict) or None
        `loo_waic` of each, when requested and both have posteriors.
    """

    def __init__(self, names, criteria, lrt=None, ln_bayes_factor=None, logz=None, loo=None,
                 note=""):
        self.names = tuple(names)
        self.criteria = tuple(criteria)
        self.delta = {k: self.criteria[1][k] - self.criteria[0][k] for k in ("stat", "aic", "aicc", "bic")}
        self.lrt = lrt
        self.ln_bayes_factor = ln_bayes_factor
        self.logz = logz
        self.loo = loo
        self.note = note

    @property
    def bayes_factor_wording(self):
        return None if self.ln_bayes_factor is None else _jeffreys(self.ln_bayes_factor[0])

    def to_dict(self) -> dict:
        d = {"null": self.names[0], "alternative": self.names[1],
             "criteria": {"null": self.criteria[0], "alternative": self.criteria[1]},
             "delta": self.delta,
             "lrt": None if self.lrt is None else self.lrt.to_dict(),
             "ln_bayes_factor": None if self.ln_bayes_factor is None else
             {"value": self.ln_bayes_factor[0], "error": self.ln_bayes_factor[1],
              "wording": self.bayes_factor_wording},
             "logz": None if self.logz is None else {"null": self.logz[0], "alternative": self.logz[1]},
             "loo": None if self.loo is None else {"null": self.loo[0], "alternative": self.loo[1]},
             "note": self.note}
        return _finite(d)

    def __repr__(self):
        from ._repr import comparison_text

        return comparison_text(self)

    def _repr_html_(self):
        from ._repr import comparison_html

        return comparison_html(self)


def _finite(v):
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def compare(infer, other, *, nsim=0, seed=None, starts=None, loo=False, tol=1e-4):
    """Compare two analyses of the same data.

    Parameters
    ----------
    infer, other : Infer
        Fitted first when needed. The one with fewer free parameters is the null.
    nsim : int
        Simulations for the calibrated likelihood-ratio test (0: Wilks only). Needs the
        models nested by parameter names (the null's free parameters free in the other).
    seed : int or numpy Generator, optional
    starts : list of dict, optional
        Extra start points of the alternative's refits (see `lrt_test`).
    loo : bool
        Add PSIS-LOO and WAIC (ArviZ) when both have posteriors.

    Returns
    -------
    Comparison
        Information criteria always; the LRT when nested; the Bayes factor when both carry
        nested-sampling posteriors (``infer.posterior`` with ``logz``).

    Notes
    -----
    Two analyses of the same `Data` share its units' scale factors (``b1.sf``); fitting one
    moves them, so at the end the parameters of ``infer`` are set back to its best fit.
    """
    r_a, r_b = _fitted(infer), _fitted(other)
    null, alt = (infer, other) if r_a.nfree <= r_b.nfree else (other, infer)
    r0, r1 = (r_a, r_b) if null is infer else (r_b, r_a)
    note = ""
    lrt = None
    try:
        lrt = lrt_test(null, alt, nsim=nsim, seed=seed, starts=starts, tol=tol)
    except ModelError as exc:
        note = f"no likelihood-ratio test: {exc}"
    lnb = logz = None
    p0, p1 = null.posterior, alt.posterior
    if p0 is not None and p1 is not None and p0.logz is not None and p1.logz is not None:
        lnb = bayes_factor(p1, p0)
        logz = ((p0.logz, p0.logz_err), (p1.logz, p1.logz_err))
    loo_res = None
    if loo and p0 is not None and p1 is not None:
        loo_res = (loo_waic(null, p0, seed=seed), loo_waic(alt, p1, seed=seed))
    # the analyses may share Pars (the units' scale factors): leave ``infer`` at its best fit
    infer.likelihood.space.set(_theta(r_a, infer.likelihood))
    return Comparison((_expr(null), _expr(alt)), (information_criteria(r0), information_criteria(r1)),
                      lrt=lrt, ln_bayes_factor=lnb, logz=logz, loo=loo_res, note=note)
