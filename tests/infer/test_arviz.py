"""`Posterior.to_arviz` and PSIS-LOO / WAIC through the optional ArviZ engine.

Real data: the bundled GRB 090217A GBM spectra (the demo's cpl fit); the posterior is a
Gaussian draw around the MIGRAD fit (its HESSE covariance), enough to check the plumbing:
per-group log-likelihood equals −stat/2 of the kernel, observed counts are the units'.
"""

import numpy as np
import pytest
from test_goodness import demo_infer

from bayspec._optional import ENGINES, MissingDependencyError, available
from bayspec.infer import Posterior


@pytest.fixture(scope="module")
def fitted():
    infer = demo_infer()
    lik, res = infer.likelihood, infer.result
    names = lik.free_names
    draws = np.random.default_rng(0).multivariate_normal(
        [res.values[n] for n in names], res.covariance, size=300)
    return infer, Posterior(names, draws, info={"method": "test"})


def test_arviz_is_a_known_optional_engine():
    assert "arviz" in ENGINES and "bayspec[arviz]" in ENGINES["arviz"][1]


def test_to_arviz_without_arviz_names_the_extra(fitted, monkeypatch):
    import bayspec._optional as opt

    real = opt.importlib.import_module

    def fake(name, *a):
        if name == "arviz":
            raise ImportError("no arviz here")
        return real(name, *a)

    monkeypatch.setattr(opt.importlib, "import_module", fake)
    infer, post = fitted
    with pytest.raises(MissingDependencyError, match=r"bayspec\[arviz\]"):
        post.to_arviz(infer.likelihood)


@pytest.mark.skipif(not available("arviz"), reason="ArviZ not installed (bayspec[arviz])")
def test_to_arviz_groups_and_loo(fitted):
    import warnings

    from bayspec.infer.compare import loo_waic

    infer, post = fitted
    lik = infer.likelihood
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = post.to_arviz(lik)
    assert set(idata.groups()) >= {"posterior", "log_likelihood", "observed_data", "sample_stats"}
    ll = idata.log_likelihood["counts"].values
    assert ll.shape == (1, 300, lik.npoints)
    per = lik.stat_channels(post.samples[:5])
    want = -0.5 * np.concatenate([per[u] for u in per], axis=1)
    np.testing.assert_allclose(ll[0, :5], want, rtol=1e-9, atol=1e-9)  # batch-size rounding
    # the groups' log-likelihoods add up to the kernel's −stat/2
    np.testing.assert_allclose(ll[0].sum(axis=1), -0.5 * lik.evaluate(post.samples), rtol=1e-10)
    obs = idata.observed_data["counts"].values
    assert obs.size == lik.npoints and obs[:121].sum() == pytest.approx(lik.units[0].src_counts.sum())
    assert str(idata.log_likelihood["group"].values[0]) == "n6:0"
    np.testing.assert_array_equal(idata.posterior["cpl.alpha"].values[0], post.column("cpl.alpha"))
    only = post.to_arviz()
    assert "log_likelihood" not in only.groups()
    res = loo_waic(infer, post)
    assert res["elpd_loo"] == pytest.approx(res["elpd_waic"], abs=1.0)
    assert 0 < res["p_loo"] < 20
