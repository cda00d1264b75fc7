"""Simulated goodness of fit, the stacked-data kernel and its batched refits.

Real data: the bundled GRB 090217A GBM spectra (n6, n9, b1; pgstat, as in README's demo).
The stacked kernel must give, for row ``i``, exactly what the one-data-set kernel gives
after its counts are replaced by data set ``i``; simulations must follow `fake_counts`;
batched refits must reach MIGRAD's minimum. The calibration test draws 200 spectra from a
cutoff power law through the n6 response and checks that the bootstrap p-values are uniform.
"""

import numpy as np
import pytest
from scipy import stats

from bayspec.data import Data, DataUnit
from bayspec.data.simulate import fake_counts
from bayspec.errors import ConfigError, ModelError
from bayspec.examples import grb090217a
from bayspec.infer import Infer, Posterior, fit_mle
from bayspec.infer._multidata import StackedData, batch_fit, simulate
from bayspec.infer.goodness import bootstrap_pvalues, goodness, ppc_pvalue, predictive_counts, refit_settings
from bayspec.infer.mle import FitProblem
from bayspec.model import parse_model

DEMO = [("n6", [8, 900]), ("n9", [8, 900]), ("b1", [250, 38000])]


def _units(dets=DEMO):
    out = []
    for det, notc in dets:
        f = grb090217a(det)
        out.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=notc, stat="pgstat", name=det))
    return out


def demo_infer(expr="cpl"):
    data, model = Data(_units()), parse_model(expr)
    data["b1"].par["sf"].thaw()
    infer = Infer([(data, model)])
    infer.fit()
    return infer


@pytest.fixture(scope="module")
def demo():
    return demo_infer()


def test_stacked_rows_against_their_own_data(demo):
    lik = demo.likelihood
    best = lik.space.current()
    rng = np.random.default_rng(3)
    theta = best * (1 + 0.02 * rng.standard_normal((4, best.size)))
    sims = simulate(lik, theta, rng)
    got = sims.stat(theta)
    per_unit = sims.stat(theta, per_unit=True)
    # the one-data-set kernel with the counts of set i swapped in
    from bayspec.infer import Likelihood

    ref = Likelihood(lik.pairs)
    for i in range(theta.shape[0]):
        for name in sims.unit_names:
            ref.replace_counts(name, sims.src(name)[i], sims.bkg(name)[i])
        want = ref.evaluate(theta[i:i + 1])[0]
        assert got[i] == pytest.approx(want, rel=1e-12)
        assert sum(per_unit[n][i] for n in sims.unit_names) == pytest.approx(want, rel=1e-12)
    # observed data repeated: the kernel's own statistic
    obs = StackedData.observed(lik, 4)
    np.testing.assert_allclose(obs.stat(theta), lik.evaluate(theta), rtol=1e-12)
    # a stencil (r, N, nfree)
    st = obs.stat(np.stack([theta, theta[::-1]]))
    np.testing.assert_allclose(st[1], lik.evaluate(theta[::-1]), rtol=1e-12)


def test_stacked_data_checks_shapes(demo):
    lik = demo.likelihood
    with pytest.raises(ModelError, match="no simulated counts"):
        StackedData(lik, {"n6": np.zeros((2, 121))})
    obs = StackedData.observed(lik, 2)
    with pytest.raises(ModelError, match="theta needs shape"):
        obs.stat(np.zeros((3, lik.nfree)))


def test_simulate_follows_fake_counts(demo):
    lik = demo.likelihood
    best = lik.space.current()
    sims = simulate(lik, best[None], np.random.default_rng(11))
    src, bkg = fake_counts(lik.units[0], 1, np.random.default_rng(11))
    np.testing.assert_array_equal(sims.src("n6"), src)
    np.testing.assert_array_equal(sims.bkg("n6"), bkg)


def test_batch_fit_reaches_migrads_minimum(demo):
    lik = demo.likelihood
    res = demo.result
    best = lik.space.current()
    sims = simulate(lik, np.repeat(best[None], 6, axis=0), np.random.default_rng(5))
    problem = FitProblem(lik)
    step, H = refit_settings(res)
    fit = batch_fit(problem, sims, step=step, hessian=H)
    assert fit.converged.all()
    from bayspec.infer import Likelihood

    ref = Likelihood(lik.pairs)
    for i in range(6):
        for name in sims.unit_names:
            ref.replace_counts(name, sims.src(name)[i], sims.bkg(name)[i])
        ref.space.set(best)
        r = fit_mle(ref, raise_on_failure=False, tol=1e-4)
        assert fit.stat[i] == pytest.approx(r.stat, abs=2e-3)
        # never below the true minimum by more than rounding, never far above it
        assert fit.stat[i] >= r.stat - 1e-3
    lik.space.set(best)


def test_batch_fit_leaves_and_holds_bounds(demo):
    lik = demo.likelihood
    best = lik.space.current()
    k = lik.free_names.index("b1.sf")
    obs = StackedData.observed(lik, 2)
    par = lik.params["b1.sf"]
    old = par.bounds
    try:
        # a lower bound 1σ below the best fit: from the bound the refit moves back to it;
        # a lower bound 1σ above: the refit stays on it
        par.bounds = (best[k] - 0.05, old[1])
        problem = FitProblem(lik)
        j = problem.names.index("b1.sf")
        x0 = np.repeat(problem.current()[None], 2, axis=0)
        x0[:, j] = problem.bounds[j, 0]
        fit = batch_fit(problem, obs, start=x0)
        np.testing.assert_allclose(fit.x[:, j], best[k], atol=2e-3)
        assert not fit.at_limit[:, j].any()
        par.value = best[k] + 0.05
        par.bounds = (best[k] + 0.05, old[1])
        problem = FitProblem(lik)
        fit = batch_fit(problem, obs, start=np.clip(x0, problem.bounds[:, 0], problem.bounds[:, 1]))
        assert fit.at_limit[:, j].all() and fit.converged.all()
        np.testing.assert_allclose(fit.x[:, j], best[k] + 0.05)
    finally:
        par.bounds = old
        lik.space.set(best)
        lik.refresh()


def test_goodness_on_the_demo(demo):
    g = goodness(demo, 100, seed=1)
    assert g.method == "bootstrap" and g.nsim == 100
    assert g.observed == pytest.approx(demo.result.stat)
    assert 0.0 <= g.p_value <= 1.0
    assert g.p_value == np.mean(g.simulated >= g.observed)
    assert g.nfailed <= 2
    # simulations are refitted: the best refit statistic lies below the one at the truth
    assert np.median(g.simulated) < demo.result.dof + 3 * np.sqrt(2 * demo.result.dof)
    d = g.to_dict()
    assert d["nsim"] == 100 and d["p_value"] == g.p_value
    text = repr(g)
    assert "Goodness of fit (bootstrap)" in text and "p =" in text
    assert "<div>" in g._repr_html_()
    ax = g.plot()
    assert ax.get_title().startswith("bootstrap")
    # reproducible with a seed
    assert np.array_equal(goodness(demo, 100, seed=1).simulated, g.simulated)


def test_goodness_from_posterior_draws_and_ppc(demo):
    lik = demo.likelihood
    res = demo.result
    names = lik.free_names
    rng = np.random.default_rng(0)
    draws = rng.multivariate_normal([res.values[n] for n in names], res.covariance, size=400)
    post = Posterior(names, draws, info={"method": "test"})
    g = goodness(demo, 60, posterior=post, seed=2)
    assert g.method == "posterior bootstrap" and g.nsim == 60
    p = ppc_pvalue(demo, post, 300, seed=3)
    assert p.method == "ppc" and p.observed.shape == (300,)
    # Gelman, Meng & Stern: the observed discrepancy at each draw is the kernel's statistic
    assert 0.0 < p.p_value < 1.0
    ax = p.plot()
    assert "ppc" in ax.get_title()
    band = predictive_counts(demo, post, 50, seed=4)
    assert set(band) == {"n6", "n9", "b1"}
    assert band["n6"]["replicated"].shape == (50, band["n6"]["observed"].size)
    bad = Posterior(["a"], np.zeros((5, 1)))
    with pytest.raises(ConfigError, match="not the free"):
        goodness(demo, 5, posterior=bad)
    with pytest.raises(ConfigError, match="nsim"):
        goodness(demo, 0)


@pytest.mark.slow
def test_goodness_pvalues_are_uniform_under_the_null():
    """200 n6 spectra drawn from a cutoff power law: each is fitted, 40 simulations from its
    own best fit are refitted, and the 200 bootstrap p-values must be uniform (KS p > 0.01)."""
    unit = _units([("n6", [8, 900])])[0]
    infer = Infer([(unit, parse_model("cpl"))])
    res = infer.fit()
    lik = infer.likelihood
    problem = FitProblem(lik)
    truth = lik.space.current()
    rng = np.random.default_rng(2024)
    R, M = 200, 40
    reps = simulate(lik, np.repeat(truth[None], R, axis=0), rng)
    step, H = refit_settings(res)
    fit = batch_fit(problem, reps, step=step, hessian=H)
    assert fit.converged.mean() > 0.97
    p, sims, conv = bootstrap_pvalues(problem, reps, fit.theta, fit.stat, M, rng,
                                      step=step, hessian=H)
    assert conv.mean() > 0.97
    # k = M p simulations at or above: uniform on {0..M} under the null, so (k + U)/(M + 1)
    # is exactly Uniform(0, 1)
    ks = stats.kstest((p * M + rng.uniform(size=R)) / (M + 1), "uniform")
    assert ks.pvalue > 0.01, (ks, np.histogram(p, bins=5, range=(0, 1))[0])
