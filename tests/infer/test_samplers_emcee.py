"""emcee through run_sampler on real GBM data (n6, power law, 2 free parameters)."""

import warnings

import numpy as np
import pytest
from scipy.optimize import minimize

from bayspec.data import DataUnit
from bayspec.errors import ConfigError, FitError
from bayspec.examples import grb090217a
from bayspec.infer import Likelihood
from bayspec.infer.posterior import Posterior
from bayspec.infer.samplers import METHODS, SamplerWarning, run_sampler
from bayspec.model.library import PowerLaw


def _fit(lik):
    fun = lambda x: float(lik.evaluate(np.asarray(x)[None, :])[0])  # noqa: E731
    x = minimize(fun, [1.0, -1.3], method="Nelder-Mead",
                 options={"xatol": 1e-9, "fatol": 1e-9, "maxiter": 4000}).x
    h = np.array([1e-3 * abs(x[0]), 1e-4])
    H = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
            H[i, j] = (fun(x + ei + ej) - fun(x + ei - ej) - fun(x - ei + ej) + fun(x - ei - ej)) / (8 * h[i] * h[j])
    return x, np.sqrt(np.diag(np.linalg.inv(H)))  # errors of −ln L = stat / 2


@pytest.fixture(scope="module")
def problem():
    f = grb090217a("n6")
    unit = DataUnit(src=f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[[8, 900]])
    lik = Likelihood([(unit, PowerLaw())])
    mle, err = _fit(lik)
    return lik, mle, err


@pytest.fixture(scope="module")
def chain(problem):
    lik, mle, err = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        return run_sampler("emcee", lik, mle, err, seed=7, nsteps=600, nwalkers=16, burn=150)


class _Spy:
    """A likelihood stand-in that records the shapes its log posterior receives."""

    def __init__(self, lik):
        self.lik, self.space, self.shapes = lik, lik.space, []

    def logposterior(self, theta):
        self.shapes.append(np.shape(theta))
        return self.lik.logposterior(theta)

    def logprior(self, theta):
        return self.lik.logprior(theta)


def test_medians_near_mle(chain, problem):
    _, mle, err = problem
    assert isinstance(chain, Posterior)
    assert chain.names == ["pl.K", "pl.alpha"]
    med = np.array([chain.median[n] for n in chain.names])
    assert np.all(np.abs(med - mle) < 0.5 * err)
    sd = np.array([chain.std[n] for n in chain.names])
    assert np.allclose(sd, err, rtol=0.3)
    assert chain.logz is None and chain.logz_err is None
    assert np.all(chain.weights == chain.weights[0])


def test_info_and_shapes(chain):
    i = chain.info
    assert i["method"] == "emcee" and i["nwalkers"] == 16 and i["nsteps"] == 600 and i["burn"] == 150
    assert len(chain) == 16 * 450
    assert 0.2 < i["acceptance"] < 0.9
    assert len(i["autocorr"]) == 2 and all(t > 1 for t in i["autocorr"])
    assert i["ess"] == pytest.approx(450 * 16 / max(i["autocorr"]))
    assert i["evals_per_second"] > 0 and i["elapsed"] > 0 and i["seed"] == 7
    assert np.all(np.isfinite(chain.loglike)) and np.all(np.isfinite(chain.logprior))


def test_log_densities_match_kernel(chain, problem):
    lik = problem[0]
    k = np.arange(0, len(chain), 500)
    assert np.allclose(chain.loglike[k], lik.loglike(chain.samples[k]), rtol=0, atol=1e-8)
    assert np.allclose(chain.logprior[k], lik.logprior(chain.samples[k]), rtol=0, atol=1e-12)


def test_reproducible_with_seed(problem):
    lik, mle, err = problem
    kw = dict(seed=123, nsteps=60, nwalkers=8, burn=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        a = run_sampler("emcee", lik, mle, err, **kw)
        b = run_sampler("emcee", lik, mle, err, **kw)
        c = run_sampler("emcee", lik, mle, err, **{**kw, "seed": 124})
        g = run_sampler("emcee", lik, mle, err, **{**kw, "seed": np.random.default_rng(5)})
        h = run_sampler("emcee", lik, mle, err, **{**kw, "seed": np.random.default_rng(5)})
    assert np.array_equal(a.samples, b.samples)
    assert np.array_equal(a.loglike, b.loglike)
    assert not np.array_equal(a.samples, c.samples)
    assert np.array_equal(g.samples, h.samples)


def test_batches_reach_the_kernel(problem):
    lik, mle, err = problem
    spy = _Spy(lik)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        post = run_sampler("emcee", spy, mle, err, seed=1, nsteps=20, nwalkers=12, burn=5)
    shapes = spy.shapes
    # start point, initial ball, then two half-ensemble batches per step
    assert shapes[0] == (1, 2) and shapes[1] == (12, 2)
    assert shapes[2:] == [(6, 2)] * 40
    assert post.info["ncalls"] == len(shapes) and post.info["nevals"] == 1 + 12 + 20 * 12


def test_short_chain_warns(problem):
    lik, mle, err = problem
    with pytest.warns(SamplerWarning, match="50 autocorrelation times"):
        run_sampler("emcee", lik, mle, err, seed=1, nsteps=40, nwalkers=8)
    assert issubclass(SamplerWarning, RuntimeWarning)


def test_de_moves(problem):
    lik, mle, err = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        post = run_sampler("emcee", lik, mle, err, seed=3, nsteps=300, nwalkers=16, moves="de")
    assert post.info["moves"] == "de"
    med = np.array([post.median[n] for n in post.names])
    assert np.all(np.abs(med - mle) < 1.0 * err)


def test_defaults(problem):
    lik, mle, err = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        post = run_sampler("emcee", lik, mle, err, seed=1, nsteps=8)
    assert post.info["nwalkers"] == 32 and post.info["burn"] == 2 and post.info["thin"] == 1


def test_start_outside_bad_scale(problem):
    lik, mle, err = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        post = run_sampler("emcee", lik, mle, [np.nan, 0.0], seed=1, nsteps=10, nwalkers=8)
    assert np.all(np.isfinite(post.samples))
    with pytest.raises(FitError, match="not finite at the start"):
        run_sampler("emcee", lik, [mle[0], 10.0], err, nsteps=10)


def test_bad_options(problem):
    lik, mle, err = problem
    with pytest.raises(ConfigError, match="valid methods: emcee, nested"):
        run_sampler("metropolis", lik, mle, err)
    with pytest.raises(ConfigError, match="unknown option"):
        run_sampler("emcee", lik, mle, err, nwalker=10)
    with pytest.raises(ConfigError, match="even"):
        run_sampler("emcee", lik, mle, err, nwalkers=9)
    with pytest.raises(ConfigError, match="burn"):
        run_sampler("emcee", lik, mle, err, nsteps=10, burn=10)
    with pytest.raises(ConfigError, match="start"):
        run_sampler("emcee", lik, mle[:1], err, nsteps=10)
    assert set(METHODS) == {"emcee", "nested", "nuts"}


def test_progress_bar(problem, capsys):
    lik, mle, err = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        run_sampler("emcee", lik, mle, err, seed=1, nsteps=5, nwalkers=8, progress=True)
    assert "5/5" in capsys.readouterr().err
