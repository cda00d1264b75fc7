import numpy as np
import pytest
from scipy.integrate import quad

from bayspec.errors import ParameterError
from bayspec.parameter import Improper, LogNormal, LogUniform, Normal, TruncatedNormal, Uniform

PRIORS = [
    Uniform(-2.0, 3.0),
    LogUniform(1e-3, 1e4),
    Normal(1.5, 0.7),
    TruncatedNormal(0.0, 1.0, -0.5, 2.0),
    TruncatedNormal(0.0, 1.0, 6.0, 9.0),  # deep upper tail
    TruncatedNormal(0.0, 1.0, -np.inf, -7.0),  # deep lower tail
    TruncatedNormal(1.0, 2.0, 0.0, np.inf),
    LogNormal(np.log(300.0), 0.5),
]


def _integral(pr, f):
    lo, hi = pr.support
    if isinstance(pr, LogUniform):  # integrate in ln x for accuracy
        return quad(lambda u: f(np.exp(u)) * np.exp(u), np.log(lo), np.log(hi), epsabs=0, epsrel=1e-10)[0]
    if isinstance(pr, TruncatedNormal) and np.isfinite(lo) and np.isfinite(hi):
        return quad(f, lo, hi, epsabs=0, epsrel=1e-10)[0]
    med = float(pr.ppf(0.5))
    return (quad(f, lo, med, epsabs=0, epsrel=1e-10, limit=200)[0]
            + quad(f, med, hi, epsabs=0, epsrel=1e-10, limit=200)[0])


@pytest.mark.parametrize("pr", PRIORS, ids=repr)
def test_logpdf_normalised(pr):
    assert _integral(pr, lambda x: np.exp(pr.logpdf(x))) == pytest.approx(1.0, rel=1e-8)


@pytest.mark.parametrize("pr", PRIORS, ids=repr)
def test_mean(pr):
    assert _integral(pr, lambda x: x * np.exp(pr.logpdf(x))) == pytest.approx(pr.mean, rel=1e-7, abs=1e-9)


@pytest.mark.parametrize("pr", PRIORS, ids=repr)
def test_ppf_inverts_cdf(pr):
    u = np.linspace(0.001, 0.999, 57)
    x = pr.ppf(u)
    lo, hi = pr.support
    assert np.all((x >= lo) & (x <= hi))
    assert np.all(np.diff(x) > 0)
    np.testing.assert_allclose(pr.cdf(x), u, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("pr", PRIORS, ids=repr)
def test_outside_support_and_shapes(pr):
    lo, hi = pr.support
    outside = [v for v in (lo - 1.0, hi + 1.0) if np.isfinite(v)]
    if outside:
        assert np.all(pr.logpdf(outside) == -np.inf)
    assert pr.logpdf(np.ones((3, 4)) * float(pr.ppf(0.3))).shape == (3, 4)
    assert np.isscalar(pr.logpdf(float(pr.ppf(0.3))))
    assert np.isnan(pr.ppf(1.5))
    s = pr.sample(np.random.default_rng(0), (1000, 2))
    assert s.shape == (1000, 2) and np.all((s >= lo) & (s <= hi))
    assert repr(pr).startswith(type(pr).__name__ + "(")


def test_sample_accepts_seed_and_matches_mean():
    pr = Normal(3.0, 2.0)
    a, b = pr.sample(7, 20000), pr.sample(7, 20000)
    np.testing.assert_array_equal(a, b)
    assert abs(a.mean() - 3.0) < 0.05


def test_values():
    assert Uniform(0, 4).logpdf(1.0) == pytest.approx(-np.log(4.0))
    assert LogUniform(1, np.e).logpdf(2.0) == pytest.approx(-np.log(2.0))
    assert Normal(0, 1).logpdf(0.0) == pytest.approx(-0.5 * np.log(2 * np.pi))
    assert LogNormal(0.0, 1.0).ppf(0.5) == pytest.approx(1.0)
    assert LogNormal(0.0, 1.0).logpdf(0.0) == -np.inf


@pytest.mark.parametrize("bad", [
    lambda: Uniform(1, 1), lambda: Uniform(0, np.inf), lambda: LogUniform(0, 1), lambda: LogUniform(2, 1),
    lambda: Normal(0, 0), lambda: Normal(np.nan, 1), lambda: LogNormal(0, -1),
    lambda: TruncatedNormal(0, 1, 2, 1), lambda: TruncatedNormal(0, 1, 50, 60),
])
def test_bad_construction(bad):
    with pytest.raises(ParameterError):
        bad()


def test_improper():
    pr = Improper()
    assert pr.logpdf(1e300) == 0.0 and not pr.proper
    assert Improper(0, np.inf).logpdf(-1.0) == -np.inf
    for f in (lambda: pr.ppf(0.5), lambda: pr.sample(0), lambda: pr.mean, lambda: pr.cdf(0.0)):
        with pytest.raises(ParameterError):
            f()
