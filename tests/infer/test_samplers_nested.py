"""Nested sampling (UltraNest) on real GBM n6 data with a power law and a uniform prior box:
ln Z against direct integration on a 2-D grid."""

import numpy as np
import pytest
from scipy.integrate import trapezoid
from scipy.optimize import minimize

from bayspec._optional import available
from bayspec.data import DataUnit
from bayspec.errors import ConfigError
from bayspec.examples import grb090217a
from bayspec.infer import Likelihood
from bayspec.infer.samplers import MissingDependencyError, require, run_sampler
from bayspec.model.library import PowerLaw
from bayspec.parameter import Uniform


def test_require_unknown_and_missing(monkeypatch):
    import sys

    with pytest.raises(KeyError):
        require("nosuchengine")
    monkeypatch.setitem(sys.modules, "ultranest", None)  # makes the import fail
    with pytest.raises(MissingDependencyError, match=r"pip install '?bayspec\[nested\]") as exc:
        require("ultranest")
    assert isinstance(exc.value, ImportError)
    assert not available("ultranest")


@pytest.fixture(scope="module")
def box():
    pytest.importorskip("ultranest")
    f = grb090217a("n6")
    unit = DataUnit(src=f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[[8, 900]])
    model = PowerLaw()
    lik = Likelihood([(unit, model)])
    fun = lambda x: float(lik.evaluate(np.asarray(x)[None, :])[0])  # noqa: E731
    x = minimize(fun, [1.0, -1.3], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-9}).x
    # prior box: ±6σ (σ: K 0.20, alpha 0.014 at this MLE)
    lo = x - 6 * np.array([0.2, 0.0145])
    hi = x + 6 * np.array([0.2, 0.0145])
    model["K"].value, model["alpha"].value = x
    model["K"].prior = Uniform(lo[0], hi[0])
    model["alpha"].prior = Uniform(lo[1], hi[1])
    return lik, lo, hi


def _grid_logz(lik, lo, hi, n=301):
    k = np.linspace(lo[0], hi[0], n)
    a = np.linspace(lo[1], hi[1], n)
    K, A = np.meshgrid(k, a, indexing="ij")
    ll = lik.loglike(np.column_stack([K.ravel(), A.ravel()])).reshape(n, n)
    m = ll.max()
    integ = trapezoid(trapezoid(np.exp(ll - m), a, axis=1), k)
    return m + np.log(integ) - np.log((hi[0] - lo[0]) * (hi[1] - lo[1]))


def test_nested_evidence_against_grid(box):
    lik, lo, hi = box
    post = run_sampler("nested", lik, None, None, seed=2, nlive=100, min_ess=200)
    ref = _grid_logz(lik, lo, hi)
    assert post.logz_err > 0
    assert abs(post.logz - ref) < 3 * post.logz_err
    assert post.weights.sum() == pytest.approx(1.0)
    assert not post.equal_weights
    assert post.info["method"] == "nested" and post.info["max_batch"] > 1  # batched calls
    med = np.array([post.median[n] for n in post.names])
    assert np.all((med > lo) & (med < hi))
    e = post.equal_weight_samples(seed=0)
    assert e.shape[1] == 2 and np.all((e >= lo) & (e <= hi))
    k = np.arange(0, len(post), 50)
    fin = np.isfinite(post.loglike[k])
    assert np.allclose(post.loglike[k][fin], lik.loglike(post.samples[k][fin]))


def test_nested_reproducible(box):
    lik, _, _ = box
    a = run_sampler("nested", lik, None, None, seed=5, nlive=50, min_ess=50, dlogz=2.0)
    b = run_sampler("nested", lik, None, None, seed=5, nlive=50, min_ess=50, dlogz=2.0)
    assert np.array_equal(a.samples, b.samples) and a.logz == b.logz


def test_nested_options(box):
    lik, _, _ = box
    with pytest.raises(ConfigError, match="unknown option"):
        run_sampler("nested", lik, None, None, nwalkers=10)
    with pytest.raises(ConfigError, match="nlive"):
        run_sampler("nested", lik, None, None, nlive=3)


def test_improper_prior_refused():
    pytest.importorskip("ultranest")
    from bayspec.parameter import Improper

    f = grb090217a("n6")
    unit = DataUnit(src=f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[[8, 900]])
    model = PowerLaw()
    model["alpha"].prior = Improper()
    lik = Likelihood([(unit, model)])
    with pytest.raises(ConfigError, match="proper priors"):
        run_sampler("nested", lik, None, None)


def test_prior_transform_truncates_to_bounds():
    from bayspec.infer.samplers.nested_sampler import prior_transform
    from bayspec.parameter import Normal, Par

    p = Par(0.0, Normal(0.0, 1.0), bounds=(-1.0, 2.0), name="x")
    t = prior_transform([p])
    u = np.array([[0.0], [0.5], [1.0]])
    x = t(u)[:, 0]
    assert x[0] == pytest.approx(-1.0) and x[2] == pytest.approx(2.0) and -1 < x[1] < 2
