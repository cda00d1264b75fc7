"""``Prior.dlogpdf``, ``Par.dlogprior`` and ``ParameterSpace.logprior_grad`` against finite
differences of ``logpdf``, inside the support, near and at its ends."""

import numpy as np
import pytest

from bayspec.infer._params import ParameterSpace
from bayspec.model.library import Band
from bayspec.parameter import Improper, LogNormal, LogUniform, Normal, Par, TruncatedNormal, Uniform

PRIORS = [
    Uniform(-2.0, 3.0),
    LogUniform(1e-3, 1e4),
    Normal(1.5, 0.7),
    TruncatedNormal(0.0, 1.0, -0.5, 2.0),
    TruncatedNormal(0.0, 1.0, 6.0, 9.0),  # deep upper tail
    TruncatedNormal(1.0, 2.0, 0.0, np.inf),
    LogNormal(np.log(300.0), 0.5),
    Improper(0.0, np.inf),
    Improper(),
]


def _points(pr):
    """Interior points, points a hair inside each finite end, and the ends themselves."""
    lo, hi = pr.support
    if pr.proper:
        x = pr.ppf(np.array([1e-9, 1e-4, 0.02, 0.3, 0.5, 0.7, 0.98, 1 - 1e-4, 1 - 1e-9]))
    else:
        base = lo if np.isfinite(lo) else -5.0
        x = base + np.array([1e-7, 1e-3, 0.5, 3.0, 40.0])
    edges = [e for e in (lo, hi) if np.isfinite(e) and pr.logpdf(e) > -np.inf]
    return np.asarray(x, dtype=float), edges


def _central(f, x):
    h = 1e-5 * np.maximum(np.abs(x), 1e-3)
    return (f(x + h) - f(x - h)) / (2 * h), h


@pytest.mark.parametrize("pr", PRIORS, ids=repr)
def test_dlogpdf_matches_central_differences(pr):
    x, _ = _points(pr)
    fd, h = _central(pr.logpdf, x)
    lo, hi = pr.support
    ok = (x - h > lo) & (x + h < hi)  # both FD points inside the support
    assert ok.sum() >= 4
    np.testing.assert_allclose(pr.dlogpdf(x)[ok], fd[ok], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("pr", PRIORS, ids=repr)
def test_dlogpdf_one_sided_at_the_ends(pr):
    """At a finite end of the support the derivative is the one-sided one from inside
    (second-order one-sided differences)."""
    _, edges = _points(pr)
    lo, _ = pr.support
    for e in edges:
        s = 1.0 if e == lo else -1.0  # direction into the support
        h = s * 1e-5 * max(abs(e), 1e-3)
        fd = (-3 * pr.logpdf(e) + 4 * pr.logpdf(e + h) - pr.logpdf(e + 2 * h)) / (2 * h)
        assert pr.dlogpdf(e) == pytest.approx(fd, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("pr", PRIORS, ids=repr)
def test_dlogpdf_nan_outside_support_and_shapes(pr):
    lo, hi = pr.support
    out = [v for v in (lo - 1.0, hi + 1.0) if np.isfinite(v)]
    if out:
        assert np.all(np.isnan(pr.dlogpdf(np.array(out))))
    x, _ = _points(pr)
    assert pr.dlogpdf(x.reshape(-1, 1)).shape == (x.size, 1)
    assert np.ndim(pr.dlogpdf(float(x[2]))) == 0
    assert np.all(np.isfinite(pr.dlogpdf(x)))


def test_lognormal_density_zero_at_origin():
    assert np.isnan(LogNormal(0.0, 1.0).dlogpdf(0.0))


def test_known_values():
    assert LogUniform(1.0, 100.0).dlogpdf(4.0) == pytest.approx(-0.25)
    assert Normal(1.0, 2.0).dlogpdf(3.0) == pytest.approx(-0.5)
    assert TruncatedNormal(1.0, 2.0, 0.0, 5.0).dlogpdf(3.0) == pytest.approx(-0.5)
    # ln p = -(ln x)^2 / 2 - ln x + const: d/dx at x = e is -(1 + 1) / e
    assert LogNormal(0.0, 1.0).dlogpdf(np.e) == pytest.approx(-2.0 / np.e)
    assert Uniform(0.0, 1.0).dlogpdf(0.0) == 0.0 and Uniform(0.0, 1.0).dlogpdf(1.0) == 0.0


def test_par_dlogprior_respects_bounds():
    p = Par(10.0, LogUniform(1.0, 1e3), bounds=(2.0, 50.0))
    assert p.dlogprior() == pytest.approx(-0.1)
    d = p.dlogprior(np.array([1.5, 2.0, 50.0, 60.0]))
    assert np.isnan(d[0]) and np.isnan(d[3])
    np.testing.assert_allclose(d[1:3], [-0.5, -0.02])


def test_parameter_space_logprior_grad():
    m = Band()
    m["alpha"].prior = TruncatedNormal(-1.0, 0.3, -2.0, 2.0)
    m["beta"].prior = Normal(-2.5, 0.4)
    m["Ep"].prior = LogNormal(np.log(300.0), 1.0)
    m["Ep"].value = 300.0
    space = ParameterSpace([([], m)])
    assert space.nfree == 4
    rng = np.random.default_rng(3)
    lo, hi = space.bounds().T
    theta = np.column_stack([
        10 ** rng.uniform(-3, 1, 7),             # K, LogUniform
        rng.uniform(-1.9, 1.9, 7),              # alpha
        rng.uniform(-4.0, -2.1, 7),             # beta
        10 ** rng.uniform(1, 4, 7)])            # Ep
    theta[0, 1] = -2.0  # on alpha's lower bound: the one-sided derivative
    g = space.logprior_grad(theta)
    assert g.shape == theta.shape
    for j in range(space.nfree):
        h = 1e-6 * np.maximum(np.abs(theta[:, j]), 1e-3)
        up, dn = theta.copy(), theta.copy()
        up[:, j] += h
        dn[:, j] = np.maximum(theta[:, j] - h, lo[j])
        fd = (space.logprior(up) - space.logprior(dn)) / (up[:, j] - dn[:, j])
        np.testing.assert_allclose(g[:, j], fd, rtol=1e-5, atol=1e-8)
    # outside a bound: nan in that column only
    m["beta"].prior = Uniform(-5.0, -1.0)
    space.refresh()
    gb = space.logprior_grad(np.array([[1.0, -1.0, -6.0, 300.0]]))
    assert np.isnan(gb[0, 2]) and np.all(np.isfinite(gb[0, [0, 1, 3]]))
