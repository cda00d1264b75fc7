"""Model comparison: calibrated likelihood-ratio tests, information criteria, Bayes factors.

Real data: the bundled GRB 090217A GBM spectra. The calibration test draws 200 n6 spectra
from a cutoff power law (the null), fits ``cpl`` and ``cpl + bb`` (blackbody normalisation
with a prior reaching 0, so the null sits on its boundary; temperature held at 50 keV), and
checks (1) that the simulated-reference p-values are uniform, (2) that half of the
simulated ratios are 0 and the tail is about half the χ²₁ one (Chernoff 1954), so that the
naive Wilks p-value is too large, as Protassov et al. (2002) warn.
"""

import math

import numpy as np
import pytest
from scipy import stats
from test_goodness import _units, demo_infer

from bayspec.errors import ConfigError, ModelError
from bayspec.infer import Infer, Posterior
from bayspec.infer._multidata import batch_fit, simulate
from bayspec.infer.compare import Comparison, bayes_factor, compare, information_criteria, lrt_pvalues, lrt_test
from bayspec.infer.mle import FitProblem
from bayspec.model import parse_model
from bayspec.parameter import Uniform


def _with_bb(infer_units, kT=None):
    model = parse_model("cpl + bb")
    model["bb.K"].update(prior=Uniform(0.0, 100.0), value=0.0)
    if kT is not None:
        model["bb.kT"].value = kT
        model["bb.kT"].frozen = True
    return model


def test_information_criteria_formulas():
    class R:
        nfree, npoints, stat = 4, 359, 400.0

    ic = information_criteria(R())
    assert ic["aic"] == 408.0
    assert ic["aicc"] == pytest.approx(408.0 + 2 * 4 * 5 / (359 - 5))
    assert ic["bic"] == pytest.approx(400 + 4 * math.log(359))


def test_bayes_factor_from_evidences():
    a = Posterior(["x"], np.zeros((3, 1)), logz=-10.0, logz_err=0.3)
    b = Posterior(["x"], np.zeros((3, 1)), logz=-12.5, logz_err=0.4)
    lnb, err = bayes_factor(a, b)
    assert lnb == pytest.approx(2.5) and err == pytest.approx(0.5)
    with pytest.raises(ConfigError, match="ln Z"):
        bayes_factor(a, Posterior(["x"], np.zeros((3, 1))))


def test_compare_demo_cpl_and_cpl_bb():
    a = demo_infer("cpl")
    data = a.units
    model = _with_bb(data)
    from bayspec.data import Data

    b = Infer([(Data(_units()), model)])
    b.units[2].par["sf"].thaw()
    b.fit(raise_on_failure=False)
    c = compare(b, a, nsim=30, seed=1, starts=[{"bb.kT": 20.0}])
    assert isinstance(c, Comparison)
    assert c.names == ("cpl", "cpl + bb")  # the model with fewer parameters is the null
    assert c.delta["stat"] <= 1e-6  # the alternative never fits worse
    assert c.delta["aic"] == pytest.approx(c.delta["stat"] + 4)
    assert c.lrt.dof == 2
    assert c.lrt.nsim == 30 and 0 <= c.lrt.p_value <= 1
    assert c.lrt.p_wilks == pytest.approx(stats.chi2.sf(c.lrt.observed, 2))
    d = c.to_dict()
    assert d["lrt"]["dof"] == 2 and d["ln_bayes_factor"] is None
    text = repr(c)
    assert "Likelihood-ratio test" in text and "AICc" in text
    ax = c.lrt.plot()
    assert ax.get_yscale() == "log"


def test_lrt_refuses_models_that_are_not_nested():
    a = demo_infer("cpl")
    from bayspec.data import Data

    b = Infer([(Data(_units()), parse_model("band"))])
    b.units[2].par["sf"].thaw()
    b.fit(raise_on_failure=False)
    with pytest.raises(ModelError, match="not nested"):
        lrt_test(a, b, nsim=0)
    c = compare(a, b)  # still compared by information criteria
    assert c.lrt is None and "not nested" in c.note


@pytest.mark.slow
def test_lrt_calibration_and_boundary_on_n6():
    rng = np.random.default_rng(7)
    n6 = _units([("n6", [8, 900])])[0]
    null = Infer([(n6, parse_model("cpl"))])
    null.fit()
    nlik = null.likelihood
    truth = nlik.space.current()
    alt_unit = _units([("n6", [8, 900])])[0]
    alt = Infer([(alt_unit, _with_bb(None, kT=50.0))])
    alik = alt.likelihood
    p0, p1 = FitProblem(nlik), FitProblem(alik)
    assert p1.names == ["cpl.K", "cpl.alpha", "cpl.Ep", "bb.K"]
    R, M = 200, 20
    reps = simulate(nlik, np.repeat(truth[None], R, axis=0), rng)
    f0 = batch_fit(p0, reps)
    embed = np.column_stack([f0.x, np.zeros(R)])  # the null inside the alternative (bb.K = 0)
    f1 = batch_fit(p1, reps.for_likelihood(alik), start=embed)
    lr = np.maximum(f0.stat - f1.stat, 0.0)
    p, sims, failed = lrt_pvalues(p0, p1, reps, f0.theta, lr, M, rng, starts=[embed])
    assert failed.mean() < 0.03
    # (1) calibrated p-values are uniform under the null (randomised ties)
    ks = stats.kstest(p, "uniform")
    assert ks.pvalue > 0.01, (ks, np.histogram(p, bins=5, range=(0, 1))[0])
    # (2) the boundary: half the simulated ratios are 0 (Chernoff's ½ χ²₀ + ½ χ²₁) ...
    allsim = sims.ravel()
    assert 0.35 < np.mean(allsim == 0) < 0.65
    # ... so at the naive 10 % point of χ²₁ the true tail is about 5 %: Wilks is conservative
    c = stats.chi2.isf(0.10, 1)
    tail = np.mean(allsim >= c)
    assert tail < 0.08, tail
    # and for the observed replicates with a positive ratio, the calibrated p-value is
    # below the naive one on average (Protassov et al. 2002)
    pos = lr > 0.5
    naive = stats.chi2.sf(lr[pos], 1)
    cal = np.array([np.mean(sims[i] >= lr[i]) for i in np.flatnonzero(pos)])
    assert np.mean(cal < naive) > 0.7


def test_nested_run_shows_ln_z_in_its_information():
    pytest.importorskip("ultranest")
    from bayspec.infer.samplers import run_sampler
    from bayspec.model.library import PowerLaw

    unit = _units([("n6", [8, 900])])[0]
    model = PowerLaw()
    model["K"].update(prior=Uniform(1.0, 40.0), value=10.0)
    model["alpha"].update(prior=Uniform(-1.6, -1.2), value=-1.4)
    lik = Infer([(unit, model)]).likelihood
    post = run_sampler("nested", lik, None, None, seed=1, nlive=40, min_ess=40, dlogz=2.0)
    assert post.info["logz"] == post.logz and post.info["logz_err"] == post.logz_err
    assert "ln Z = " in repr(post)


def test_compare_uses_evidences_when_both_have_them():
    a = demo_infer("cpl")
    from bayspec.data import Data

    b = Infer([(Data(_units()), _with_bb(None))])
    b.units[2].par["sf"].thaw()
    b.fit(raise_on_failure=False)
    a.posterior = Posterior(a.free_names, np.zeros((3, len(a.free_names))), logz=-250.0, logz_err=0.2)
    b.posterior = Posterior(b.free_names, np.zeros((3, len(b.free_names))), logz=-251.5, logz_err=0.3)
    c = compare(a, b)
    lnb, err = c.ln_bayes_factor
    assert lnb == pytest.approx(-1.5) and err == pytest.approx(math.hypot(0.2, 0.3))
    assert c.to_dict()["ln_bayes_factor"]["wording"] == "positive for the null"
    assert "ln B (alt/null) = -1.500" in repr(c) and "ln Z: null -250.000" in repr(c)


def test_compare_leaves_the_first_analysis_at_its_best_fit():
    from bayspec.data import Data

    data = Data(_units())
    data["b1"].par["sf"].thaw()
    a = Infer([(data, parse_model("cpl"))])
    ra = a.fit()
    b = Infer([(data, parse_model("pl"))])  # the same units: b1.sf is one Par
    b.fit(raise_on_failure=False)
    compare(a, b)
    assert data["b1"].par["sf"].value == pytest.approx(ra.values["b1.sf"])
    assert a.likelihood.stat() == pytest.approx(ra.stat)


def test_refits_with_a_weak_component_reach_migrads_minima():
    """cpl + bb refitted to spectra simulated from cpl (the blackbody soaks up
    fluctuations; its log10 normalisation is far from quadratic over its error): steps
    from the observed fit's errors once gave wrong gradients and stuck refits."""
    from bayspec.data import Data
    from bayspec.infer import Likelihood, fit_mle
    from bayspec.infer.goodness import refit_settings

    a = demo_infer("cpl")
    data = Data(_units())
    data["b1"].par["sf"].thaw()
    b = Infer([(data, parse_model("cpl + bb"))])
    rb = b.fit(raise_on_failure=False)
    lik = b.likelihood
    sims = simulate(a.likelihood, np.repeat(a.likelihood.space.current()[None], 20, axis=0), 1)
    sims = sims.take(np.array([0, 4, 5, 8])).for_likelihood(lik)
    step, H = refit_settings(rb)
    fit = batch_fit(FitProblem(lik), sims, step=step, hessian=H)
    assert fit.converged.all()
    ref = Likelihood(lik.pairs)
    best = lik.space.current()
    for i in range(sims.n):
        for name in sims.unit_names:
            ref.replace_counts(name, sims.src(name)[i], sims.bkg(name)[i])
        ref.space.set(best)
        assert fit.stat[i] == pytest.approx(fit_mle(ref, raise_on_failure=False).stat, abs=1e-3)
