"""NUTS (nutpie) through run_sampler on real GBM data, and the unconstrained coordinates it
samples in. The coordinate and gradient tests need no nutpie; the sampling tests skip
cleanly without it."""

import sys
import warnings

import numpy as np
import pytest
from scipy.stats import gaussian_kde

from bayspec._optional import available, require
from bayspec.data import Data, DataUnit
from bayspec.errors import ConfigError, FitError
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.infer.posterior import Posterior
from bayspec.infer.samplers import METHODS, MissingDependencyError, SamplerWarning, run_sampler
from bayspec.infer.samplers.nuts_sampler import Unconstrained, _scale_in_z, _Target
from bayspec.model import parse_model
from bayspec.model.library import PowerLaw
from bayspec.parameter import LogNormal, Normal, Par, TruncatedNormal, Uniform


# ---------------------------------------------------------------- coordinates (no nutpie)
def _pars():
    return [Par(0.02, bounds=(1e-10, 1e10)),                 # improper, 20 decades: log10 + logit
            Par(-0.8, Uniform(-2.0, 2.0)),                    # logit
            Par(3.0, TruncatedNormal(1.0, 2.0, 0.0, np.inf)),  # lower bound only: exp
            Par(-1.0, bounds=(-np.inf, 0.5)),                 # upper bound only: exp
            Par(0.3, Normal(0.0, 1.0)),                       # free
            Par(300.0, LogNormal(np.log(300.0), 1.0))]        # log10, lower bound 0 -> free


def test_unconstrained_round_trip_and_jacobian():
    pars = _pars()
    unc = Unconstrained(pars)
    theta = np.array([[0.02, -0.8, 3.0, -1.0, 0.3, 300.0],
                      [5e-9, 1.99, 1e-3, 0.49, -4.0, 1e-3]])
    z = unc.forward(theta)
    assert np.all(np.isfinite(z))
    np.testing.assert_allclose(unc.theta(z), theta, rtol=1e-9)
    h = 1e-6
    for j in range(len(pars)):
        up, dn = z.copy(), z.copy()
        up[:, j] += h
        dn[:, j] -= h
        fd = (unc.theta(up)[:, j] - unc.theta(dn)[:, j]) / (2 * h)
        np.testing.assert_allclose(unc.jacobian(z)[:, j], fd, rtol=1e-6)
    # log-Jacobian and its gradient
    _, dxdz, logj, dlogj = unc.logdensity_terms(z)
    np.testing.assert_allclose(logj, np.log(np.abs(dxdz)).sum(axis=1), rtol=1e-12)
    for j in range(len(pars)):
        up, dn = z.copy(), z.copy()
        up[:, j] += h
        dn[:, j] -= h
        fd = (unc.logdensity_terms(up)[2] - unc.logdensity_terms(dn)[2]) / (2 * h)
        np.testing.assert_allclose(dlogj[:, j], fd, rtol=1e-6, atol=1e-8)


def test_unconstrained_start_on_a_bound_is_moved_inside():
    unc = Unconstrained([Par(0.5, Uniform(0.5, 1.5)), Par(1.0, bounds=(1.0, np.inf))])
    z = unc.forward(np.array([0.5, 1.0]), scale=np.array([0.02, 0.1]))
    assert np.all(np.isfinite(z))
    th = unc.theta(z[None])[0]
    assert 0.5 < th[0] < 0.5 + 1e-5 and 1.0 < th[1] < 1.0 + 1e-6
    # far out in z the map saturates on the bound, never beyond it
    th = unc.theta(np.array([[60.0, -800.0], [-60.0, 800.0]]))
    assert np.all(th[:, 0] >= 0.5) and np.all(th[:, 0] <= 1.5) and th[0, 1] >= 1.0


@pytest.fixture(scope="module")
def band3():
    """The demo's units with band and the n9, b1 scale factors free, at the MLE."""
    units = [DataUnit(grb090217a(d)["src"], grb090217a(d)["bkg"], rsp=grb090217a(d)["rsp"], notc=notc,
                      stat="pgstat", name=d)
             for d, notc in [("n6", [8, 900]), ("n9", [8, 900]), ("b1", [250, 38000])]]
    data = Data(units)
    data["n9"].par["sf"].thaw()
    data["b1"].par["sf"].thaw()
    infer = Infer([(data, parse_model("band"))])
    infer.fit()
    return infer


def _target(lik, start, scale):
    pars = [lik.space.free[n] for n in lik.free_names]
    unc = Unconstrained(pars)
    z0 = unc.forward(start, scale)
    return _Target(lik, unc, z0, np.eye(len(pars))), z0


def test_target_gradient_matches_central_differences(band3):
    """∇_z ln p(z) (kernel gradient, prior gradient, Jacobian terms) against central
    differences of ln p(z), at the MLE and with a parameter near the edge of its bounds."""
    lik = band3.likelihood
    res = band3.result
    start = np.array([res.values[n] for n in lik.free_names])
    scale = np.array([res.errors[n] for n in lik.free_names])
    tg, z0 = _target(lik, start, scale)
    near = start.copy()
    near[lik.free_names.index("band.beta")] = -5.999  # 1e-3 from beta's lower bound -6
    near[lik.free_names.index("b1.sf")] = 1.4999
    Z = np.vstack([z0, tg.unc.forward(near, scale)])
    lp, g = tg.z_logp_grad(Z)
    assert np.all(np.isfinite(lp))
    for j in range(Z.shape[1]):
        h = 1e-4 * _scale_in_z(tg.unc, z0, scale)[j]
        up, dn = Z.copy(), Z.copy()
        up[:, j] += h
        dn[:, j] -= h
        fd = (tg.z_logp_grad(up)[0] - tg.z_logp_grad(dn)[0]) / (2 * h)
        np.testing.assert_allclose(g[:, j], fd, rtol=1e-5, atol=1e-4 * np.abs(g).max())


def test_target_keeps_exceptions():
    class Boom:
        space = None

        def evaluate_and_grad(self, theta):
            raise ValueError("boom")

    unc = Unconstrained([Par(0.0, Uniform(-1.0, 1.0))])
    tg = _Target(Boom(), unc, np.zeros(1), np.eye(1))
    lp, g = tg(np.zeros(1))
    assert lp == -np.inf and np.all(g == 0) and isinstance(tg.error, ValueError)


def test_missing_nutpie(monkeypatch):
    monkeypatch.setitem(sys.modules, "nutpie", None)  # makes the import fail
    with pytest.raises(MissingDependencyError, match=r"pip install 'bayspec\[nuts\]'"):
        require("nutpie")
    assert not available("nutpie")
    assert "nuts" in METHODS


# ---------------------------------------------------------------- sampling (needs nutpie)
@pytest.fixture(scope="module")
def pl():
    pytest.importorskip("nutpie")
    f = grb090217a("n6")
    unit = DataUnit(src=f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[[8, 900]])
    model = PowerLaw()
    infer = Infer([(unit, model)])
    res = infer.fit()
    lik = infer.likelihood
    return lik, np.array([res.values[n] for n in lik.free_names]), np.array(
        [res.errors[n] for n in lik.free_names])


def test_nuts_posterior_and_info(pl):
    lik, mle, err = pl
    post = run_sampler("nuts", lik, mle, err, seed=3, draws=300, tune=200, chains=2)
    assert isinstance(post, Posterior)
    assert post.samples.shape == (600, 2) and post.names == lik.free_names
    np.testing.assert_allclose(post.loglike + post.logprior, lik.logposterior(post.samples))
    i = post.info
    assert i["method"] == "nuts" and i["engine"].startswith("nutpie")
    assert i["divergences"] == 0 and len(i["step_size"]) == 2
    assert i["metric"] == "laplace" and i["ess"] > 100 and max(i["rhat"]) < 1.05
    assert i["ncalls"] > 500 and i["ess_per_second"] > 0
    # the power law's posterior is close to Gaussian: mean and sd near the MLE and errors
    assert np.all(np.abs(post.samples.mean(axis=0) - mle) < 0.3 * err)
    np.testing.assert_allclose(post.samples.std(axis=0), err, rtol=0.2)
    again = run_sampler("nuts", lik, mle, err, seed=3, draws=300, tune=200, chains=2)
    np.testing.assert_array_equal(again.samples, post.samples)


def test_nuts_options_and_errors(pl):
    lik, mle, err = pl
    with pytest.raises(ConfigError, match="unknown option"):
        run_sampler("nuts", lik, mle, err, nsteps=10)
    with pytest.raises(ConfigError, match="target_accept"):
        run_sampler("nuts", lik, mle, err, target_accept=1.2)
    with pytest.raises(ConfigError, match="draws"):
        run_sampler("nuts", lik, mle, err, draws=0)
    with pytest.raises(ConfigError, match="start"):
        run_sampler("nuts", lik, mle[:1], err)
    with pytest.raises(FitError, match="not finite at the start"):
        run_sampler("nuts", lik, [mle[0], 10.0], err)


def test_nuts_kernel_error_is_raised(pl, monkeypatch):
    lik, mle, err = pl
    calls = {"n": 0}
    real = lik.evaluate_and_grad

    def flaky(theta):
        calls["n"] += 1
        if calls["n"] > 40:
            raise RuntimeError("kernel broke")
        return real(theta)

    monkeypatch.setattr(lik, "evaluate_and_grad", flaky)
    with pytest.raises(FitError, match="kernel broke"):
        run_sampler("nuts", lik, mle, err, seed=1, draws=50, tune=50, chains=1)


def _quantiles_with_mcse(x, ess, qs=(0.16, 0.5, 0.84)):
    """Quantiles of ``x`` and their Monte Carlo standard errors ``sqrt(q (1 − q) / ESS) / f(x_q)``
    (the asymptotic variance of a sample quantile with the effective sample size; the
    density ``f`` from a Gaussian KDE)."""
    xq = np.quantile(x, qs)
    f = gaussian_kde(x[:: max(1, x.size // 4000)])(xq)
    q = np.asarray(qs)
    return xq, np.sqrt(q * (1 - q) / ess) / f


@pytest.mark.slow
def test_nuts_agrees_with_emcee_on_the_demo(band3):
    """Done-when of issue 16 item 3: band + every free scale factor on the demo's units;
    the medians and 68% intervals of NUTS and emcee agree within 4 combined Monte Carlo
    standard errors."""
    pytest.importorskip("nutpie")
    infer = band3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        nuts = infer.sample("nuts", seed=2, chains=2, draws=800, tune=300)
        emc = infer.sample("emcee", seed=2, nsteps=2500, burn=500)
    assert nuts.info["divergences"] == 0 and max(nuts.info["rhat"]) < 1.02
    for j, name in enumerate(nuts.names):
        a, sa = _quantiles_with_mcse(nuts.samples[:, j], nuts.info["ess_per_parameter"][j])
        b, sb = _quantiles_with_mcse(emc.samples[:, j], emc.info["ess_per_parameter"][j])
        assert np.all(np.abs(a - b) < 4 * np.hypot(sa, sb)), (name, a, b, np.hypot(sa, sb))
