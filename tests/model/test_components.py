"""Each component against its formula, integrated independently with scipy.integrate.quad."""

import numpy as np
import pytest
from scipy.integrate import quad

from bayspec.model import band, bb, const, cpl, cutoff, gauss, hecut, mbb, mconst, pl, sbpl, zshift
from bayspec.model.library.diskbb import DISKBB_CONST

EDGES = np.geomspace(10.0, 1000.0, 21)  # bins 26% wide: wider than typical response bins
EBIN = np.column_stack([EDGES[:-1], EDGES[1:]])
# typical response photon bins (~5% wide) for the quadrature path
QEDGES = np.geomspace(10.0, 1000.0, 101)
QBIN = np.column_stack([QEDGES[:-1], QEDGES[1:]])


def _quad_bins(f, ebin, points=None):
    out = []
    for a, b in ebin:
        pts = [p for p in (points or []) if a < p < b] or None
        out.append(quad(f, a, b, epsabs=0, epsrel=1e-13, limit=500, points=pts)[0])
    return np.array(out)


# Independent formulas (written from the papers, not calling the component code).
def f_pl(E, K, a, E0=1.0):
    return K * (E / E0) ** a


def f_cpl(E, K, a, Ep, E0=100.0):
    return K * (E / E0) ** a * np.exp(-(2 + a) * E / Ep)


def f_band(E, K, a, b, Ep):
    Eb = (a - b) * Ep / (2 + a)
    if E < Eb:
        return K * (E / 100) ** a * np.exp(-(2 + a) * E / Ep)
    return K * ((a - b) * Ep / (100 * (2 + a))) ** (a - b) * np.exp(b - a) * (E / 100) ** b


def f_sbpl(E, K, a, b, Eb, lam=0.3, piv=100.0):
    m, bb_ = (b - a) / 2, (a + b) / 2
    q, qp = np.log10(E / Eb) / lam, np.log10(piv / Eb) / lam
    A = m * lam * np.log((np.exp(q) + np.exp(-q)) / 2)
    Ap = m * lam * np.log((np.exp(qp) + np.exp(-qp)) / 2)
    return K * (E / piv) ** bb_ * 10 ** (A - Ap)


def f_bb(E, K, kT):
    return 8.0525 * K * E**2 / (kT**4 * (np.exp(E / kT) - 1))


def f_mbb(E, K, Tin):
    with np.errstate(over="ignore"):
        return _f_mbb(E, K, Tin)


def _f_mbb(E, K, Tin):
    g = quad(lambda T: (T / Tin) ** (-11 / 3) * E**2 / np.expm1(E / T) / Tin, 0, Tin, epsabs=0, epsrel=1e-12,
             limit=200)[0]
    return K * DISKBB_CONST * g


def f_gauss(E, K, El, s):
    return K / (s * np.sqrt(2 * np.pi)) * np.exp(-((E - El) ** 2) / (2 * s**2))


QUADRATURE_CASES = [
    ("cpl", lambda: cpl(K=2.0, alpha=-0.7, Ep=150.0), lambda E: f_cpl(E, 2.0, -0.7, 150.0), None),
    ("band", lambda: band(K=0.05, alpha=-0.8, beta=-2.4, Ep=200.0), lambda E: f_band(E, 0.05, -0.8, -2.4, 200.0),
     [(-0.8 + 2.4) * 200 / 1.2]),
    ("sbpl", lambda: sbpl(K=0.05, alpha=-1.1, beta=-2.6, Eb=150.0), lambda E: f_sbpl(E, 0.05, -1.1, -2.6, 150.0), None),
    ("bb", lambda: bb(K=3.0, kT=40.0), lambda E: f_bb(E, 3.0, 40.0), None),
    ("cutoff*pl", lambda: cutoff(Ec=200.0) * pl(alpha=-1.2), lambda E: np.exp(-E / 200) * f_pl(E, 1.0, -1.2), None),
    ("hecut*pl", lambda: hecut(Ec=100.0, Ef=300.0) * pl(alpha=-1.2),
     lambda E: (1.0 if E <= 100 else np.exp((100 - E) / 300)) * f_pl(E, 1.0, -1.2), [100.0]),
]


@pytest.mark.parametrize("name,make,formula,points", QUADRATURE_CASES, ids=[c[0] for c in QUADRATURE_CASES])
def test_quadrature_components_match_quad(name, make, formula, points):
    m = make()
    plan = m.plan(QBIN)
    assert plan.kind == "quadrature"
    got = m.integrate(QBIN)[0]
    ref = _quad_bins(formula, QBIN, points)
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    # the density itself matches the formula
    E = np.geomspace(5, 5000, 37)
    np.testing.assert_allclose(m(E), [formula(e) for e in E], rtol=1e-12, atol=1e-300)


def test_mbb_matches_temperature_integral():
    m = mbb(K=50.0, Tin=1.3)
    E = np.geomspace(0.05, 30.0, 25)
    np.testing.assert_allclose(m(E), [f_mbb(e, 50.0, 1.3) for e in E], rtol=1e-9)
    ebin = np.column_stack([np.geomspace(0.3, 10, 31)[:-1], np.geomspace(0.3, 10, 31)[1:]])
    ref = _quad_bins(lambda e: f_mbb(e, 50.0, 1.3), ebin)
    np.testing.assert_allclose(m.integrate(ebin)[0], ref, rtol=1e-6)


EXACT_CASES = [
    ("pl", lambda: pl(K=3.0, alpha=-1.7), lambda E: f_pl(E, 3.0, -1.7)),
    ("pl alpha=-1", lambda: pl(K=3.0, alpha=-1.0), lambda E: f_pl(E, 3.0, -1.0)),
    ("pl alpha=-1.05", lambda: pl(K=3.0, alpha=-1.05), lambda E: f_pl(E, 3.0, -1.05)),
    ("pl alpha=-3 E0=100", lambda: pl(K=3.0, alpha=-3.0, E0=100.0), lambda E: f_pl(E, 3.0, -3.0, 100.0)),
    ("pl alpha=1.5", lambda: pl(K=3.0, alpha=1.5), lambda E: f_pl(E, 3.0, 1.5)),
    ("const", lambda: const(K=0.4), lambda E: 0.4),
    ("gauss", lambda: gauss(K=2.0, El=120.0, sigma=30.0), lambda E: f_gauss(E, 2.0, 120.0, 30.0)),
    ("pl+gauss-const", lambda: pl(alpha=-1.3) + gauss(K=2.0, El=120.0, sigma=30.0) - const(K=1e-4),
     lambda E: f_pl(E, 1, -1.3) + f_gauss(E, 2.0, 120.0, 30.0) - 1e-4),
    ("2*mconst*pl/4", lambda: 2 * mconst(f=1.5) * pl(alpha=-2.0) / 4, lambda E: 0.75 * f_pl(E, 1, -2.0)),
]


@pytest.mark.parametrize("name,make,formula", EXACT_CASES, ids=[c[0] for c in EXACT_CASES])
def test_exact_components_match_quad(name, make, formula):
    m = make()
    assert m.plan(EBIN).kind == "antiderivative"
    # atol: the far upper tail of a line is exact only to ~1e-16 of the line flux (erf form)
    np.testing.assert_allclose(m.integrate(EBIN)[0], _quad_bins(formula, EBIN), rtol=1e-12, atol=1e-15)
    E = np.geomspace(5, 5000, 37)
    np.testing.assert_allclose(m(E), [formula(e) for e in E], rtol=1e-12, atol=1e-300)


def test_pl_antiderivative_continuous_through_minus_one():
    ebin = EBIN[:5]
    vals = [pl(alpha=a).integrate(ebin)[0] for a in (-1 - 1e-9, -1.0, -1 + 1e-9)]
    np.testing.assert_allclose(vals[0], vals[1], rtol=1e-8)
    np.testing.assert_allclose(vals[2], vals[1], rtol=1e-8)
    # batch rows straddling the |alpha+1| < 0.1 switch and alpha = -1 exactly
    alphas = np.array([[-1.0], [-1.05], [-0.95], [-1.2], [-2.5]])
    got = pl().integrate(ebin, {"pl.alpha": alphas})
    for row, a in zip(got, alphas[:, 0]):
        np.testing.assert_allclose(row, _quad_bins(lambda E: E**a, ebin), rtol=1e-12)


def test_narrow_gauss_line_exact():
    m = gauss(K=1.0, El=6.4, sigma=0.01)
    ebin = np.column_stack([np.arange(5.0, 8.0, 0.5), np.arange(5.5, 8.5, 0.5)])
    tot = m.integrate(ebin)[0]
    assert tot.sum() == pytest.approx(1.0, rel=1e-12)
    assert tot[2] == pytest.approx(1.0, rel=1e-12)  # the bin [6, 6.5] holds the line


def test_band_continuity_and_limits():
    m = band(alpha=-0.5, beta=-2.5, Ep=300.0)
    Eb = (-0.5 + 2.5) * 300 / 1.5
    lo, hi = m(np.array([Eb * (1 - 1e-10), Eb * (1 + 1e-10)]))
    assert lo == pytest.approx(hi, rel=1e-8)
    # nuFnu peak at Ep
    E = np.geomspace(10, 10000, 20001)
    assert E[np.argmax(E**2 * m(E))] == pytest.approx(300.0, rel=1e-3)
    # alpha = -2 and alpha = beta edges stay finite
    for kw in ({"alpha": -2.0}, {"alpha": -2.0, "beta": -2.0}):
        assert np.all(np.isfinite(band(**kw)(np.geomspace(1, 1e5, 50))))


def test_cpl_pivot_defaults_to_100_kev_and_is_a_setting():
    """Gruber et al. 2014: K at 100 keV; another pivot rescales K by (E0'/E0)^alpha only."""
    assert cpl().settings["E0"] == 100.0
    assert cpl(K=0.02, alpha=-0.8)(100.0) == pytest.approx(0.02 * np.exp(-1.2 * 100 / 300.0), rel=1e-14)
    one = cpl(K=0.02 * 100.0**0.8, alpha=-0.8, E0=1.0)  # K_1keV = K_100keV 100^-alpha
    E = np.geomspace(8, 4e4, 50)
    np.testing.assert_allclose(one(E), cpl(K=0.02, alpha=-0.8)(E), rtol=1e-12)
    m = cpl()
    m.settings["E0"] = 1.0
    np.testing.assert_allclose(m(E), f_cpl(E, 0.01, -1.0, 300.0, E0=1.0), rtol=1e-12)


def test_cpl_peak_and_sbpl_asymptotes():
    E = np.geomspace(10, 10000, 20001)
    assert E[np.argmax(E**2 * cpl(alpha=-0.5, Ep=250.0)(E))] == pytest.approx(250.0, rel=1e-3)
    s = sbpl(alpha=-1.0, beta=-3.0, Eb=100.0)
    e1, e2 = 1e-2, 2e-2
    assert np.log(s(e2) / s(e1)) / np.log(2) == pytest.approx(-1.0, abs=1e-6)
    assert np.log(s(2e6) / s(1e6)) / np.log(2) == pytest.approx(-3.0, abs=1e-6)
    assert s(100.0) == pytest.approx(0.01, rel=1e-12)  # K at the pivot 100 keV (Eb = Epiv)


def test_multiplicative_formulas():
    E = np.array([1.0, 50.0, 100.0, 150.0, 1000.0])
    np.testing.assert_allclose(cutoff(Ec=100.0)(E), np.exp(-E / 100))
    np.testing.assert_allclose(hecut(Ec=100.0, Ef=50.0)(E), [1, 1, 1, np.exp(-1), np.exp(-18)])
    np.testing.assert_allclose(mconst(f=2.5)(E), 2.5)


def test_zshift_and_model_redshift():
    z = 1.5
    inner = lambda E: f_cpl(E * (1 + z), 1.0, -0.7, 400.0)  # noqa: E731
    m = zshift(cpl(K=1.0, alpha=-0.7, Ep=400.0))
    m["zshift.z"].value = z
    np.testing.assert_allclose(m.integrate(QBIN)[0], _quad_bins(inner, QBIN), rtol=1e-6)
    c = cpl(K=1.0, alpha=-0.7, Ep=400.0)
    c.redshift.value = z
    np.testing.assert_allclose(c.integrate(QBIN)[0], _quad_bins(inner, QBIN), rtol=1e-6)
    # exact path stays exact
    p = zshift(pl(alpha=-1.7))
    p["z"].value = z
    assert p.plan(EBIN).kind == "antiderivative"
    np.testing.assert_allclose(p.integrate(EBIN)[0], _quad_bins(lambda E: (E * (1 + z)) ** -1.7, EBIN), rtol=1e-12)
    q = pl(alpha=-1.7)
    np.testing.assert_allclose(q.integrate(EBIN, {"redshift": z})[0], p.integrate(EBIN)[0], rtol=1e-13)


@pytest.mark.parametrize("make", [pl, cpl, band, sbpl, bb, mbb, const, gauss, cutoff, hecut, mconst])
def test_finite_over_prior_draws(make):
    m = make()
    rng = np.random.default_rng(3)
    pv = {k: p.prior.sample(rng, (200, 1)) for k, p in m.free_params.items()}
    for k, p in m.free_params.items():  # include the bounds themselves
        pv[k][:2, 0] = p.bounds
    E = np.geomspace(0.1, 1e5, 60)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        v = m(E, pv)
    assert v.shape == (200, 60) and np.all(np.isfinite(v))
