import numpy as np
import pytest
from scipy import sparse
from scipy.integrate import quad

from bayspec.errors import ModelError
from bayspec.model import Additive, ParSpec, band, bb, cpl, cutoff, gauss, pl
from bayspec.parameter import Uniform

EDGES = np.geomspace(8.0, 1000.0, 65)
EBIN = np.column_stack([EDGES[:-1], EDGES[1:]])


def test_antiderivative_plan_structure():
    p = pl().plan(EBIN)
    assert p.kind == "antiderivative" and p.nodes.shape == (65,) and p.weights.shape == (65, 64)
    assert sparse.issparse(p.weights) and p.weights.format == "csr"
    W = p.weights.toarray()
    assert np.all(W.sum(axis=0) == 0) and np.all(np.abs(W).sum(axis=0) == 2)
    assert p.tnodes is None and p.nbins == 64 and p.nnodes == 65


@pytest.mark.parametrize("method,order,per_bin,shared", [("gauss", 4, 4, False), ("simpson", 4, 4, True),
                                                         ("simpson", 2, 2, True), ("gauss", 6, 6, False)])
def test_quadrature_plan_nodes(method, order, per_bin, shared):
    m = cpl()
    m.settings.update(quad_method=method, quad_order=order)
    p = m.plan(EBIN)
    assert p.kind == "quadrature"
    assert p.nodes.size == 64 * per_bin + (1 if shared else 0)
    # weights integrate a constant and E (nodes are spaced in ln E, so not to machine precision)
    ones = np.ones((1, p.nnodes))
    np.testing.assert_allclose(ones @ p.weights, [EBIN[:, 1] - EBIN[:, 0]], rtol=1e-6)
    np.testing.assert_allclose(p.nodes[None] @ p.weights, [(EBIN[:, 1] ** 2 - EBIN[:, 0] ** 2) / 2], rtol=1e-6)
    # linear spacing (bins starting at 0): constants and E are integrated exactly
    p0 = m.plan([[0.0, 2.0]])
    np.testing.assert_allclose(p0.nodes[None] @ p0.weights, [[2.0]], rtol=1e-13)


def test_simpson_accuracy_option():
    m = cpl(alpha=-0.7, Ep=150.0)
    m.settings.update(quad_method="simpson", quad_order=8)
    ref = [quad(lambda E: float(m(E)), a, b, epsrel=1e-13)[0] for a, b in EBIN]
    np.testing.assert_allclose(m.integrate(EBIN)[0], ref, rtol=1e-6)


def test_bad_settings_and_bins():
    m = cpl()
    m.settings.update(quad_method="simpson", quad_order=3)
    with pytest.raises(ModelError, match="even"):
        m.plan(EBIN)
    m.settings.update(quad_order=4, quad_method="trapz")
    with pytest.raises(ModelError, match="quad_method"):
        m.plan(EBIN)
    m.settings.update(quad_method="gauss", integration="magic")
    with pytest.raises(ModelError):
        m.plan(EBIN)
    for bad in ([[2.0, 1.0]], [[-1.0, 1.0]], [[1.0, np.nan]], np.ones((3, 3)), [1.0]):
        with pytest.raises(ModelError, match="ebin"):
            pl().plan(bad)
    with pytest.raises(ModelError, match="tarr"):
        pl().plan(EBIN, tarr=np.ones(3))
    with pytest.raises(ModelError):
        pl()(np.ones((2, 2)))


def test_force_quadrature_matches_exact():
    m = pl(alpha=-1.6) + gauss(El=100.0, sigma=20.0)
    exact = m.integrate(EBIN)
    m.settings["integration"] = "quadrature"
    assert m.plan(EBIN).kind == "quadrature"
    np.testing.assert_allclose(m.integrate(EBIN), exact, rtol=1e-7)


def test_non_contiguous_bins():
    # two detectors' photon bins concatenated: overlapping, shared and out-of-order edges
    eb = np.vstack([EBIN[:10], EBIN[5:20], EBIN[::-1][:3], [[3.0, 4.0]]])
    for m in (pl(alpha=-1.3), cpl(), band() + bb()):
        p = m.plan(eb)
        assert p.nodes.size == np.unique(p.nodes).size
        got = m.integrate(eb)[0]
        single = np.array([m.integrate([row])[0, 0] for row in eb])
        np.testing.assert_allclose(got, single, rtol=1e-13)


def test_zero_width_bin_and_zero_edge():
    eb = np.array([[0.0, 1.0], [1.0, 1.0], [1.0, 2.0]])
    with np.errstate(divide="ignore"):  # ln(0) at the E = 0 edge
        pl(alpha=1.0).integrate(eb)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(pl(alpha=1.0).integrate(eb)[0], [0.5, 0.0, 1.5], rtol=1e-13)
    got = cpl(alpha=0.5, Ep=10.0).integrate(eb)[0]
    assert np.all(np.isfinite(got)) and got[1] == 0.0


def test_batch_shapes_and_fallback():
    m = band() + bb()
    p = m.plan(EBIN)
    n = 7
    rng = np.random.default_rng(0)
    pv = {k: par.prior.sample(rng, (n, 1)) for k, par in m.free_params.items()}
    v = m.node_values(p, pv)
    assert v.shape == (n, p.nnodes)
    flux = v @ p.weights
    assert flux.shape == (n, 64)
    np.testing.assert_allclose(flux, m.integrate(EBIN, pv))
    # row i equals a single evaluation with row i's values
    one = m.integrate(EBIN, {k: a[3, 0] for k, a in pv.items()})
    np.testing.assert_allclose(flux[3], one[0], rtol=1e-13)
    # missing names use current values; empty pvals gives n = 1
    assert m.node_values(p, {}).shape == (1, p.nnodes)
    partial = m.node_values(p, {"bb.kT": np.full((n, 1), m["bb.kT"].value)})
    np.testing.assert_allclose(partial, np.repeat(m.node_values(p, {}), n, axis=0))
    # model(E) shapes
    E = np.geomspace(10, 100, 5)
    assert m(E).shape == (5,) and np.ndim(m(10.0)) == 0 and m(E, pv).shape == (n, 5)


def test_to_pvals_theta_matrix():
    m = cutoff() * cpl()
    theta = np.column_stack([[100.0, 200.0], [1.0, 2.0], [-1.0, -0.5], [300.0, 100.0]])
    assert m.free_names == ["cutoff.Ec", "cpl.K", "cpl.alpha", "cpl.Ep"]
    pv = m.to_pvals(theta)
    assert pv["cpl.K"].shape == (2, 1)
    assert m.integrate(EBIN, pv).shape == (2, 64)
    with pytest.raises(ModelError):
        m.to_pvals(np.ones((2, 3)))


def test_links_resolved_in_convenience_methods():
    m = cpl() + cpl()
    m["cpl_2.alpha"].link(m["cpl.alpha"])
    m["cpl_2.Ep"].link(lambda ep: 2 * ep, m["cpl.Ep"])
    assert m.free_names == ["cpl.K", "cpl.alpha", "cpl.Ep", "cpl_2.K"]
    a = np.array([[-1.0], [-0.5]])
    r = m.resolve({"cpl.alpha": a, "cpl.Ep": 100.0})
    np.testing.assert_array_equal(r["cpl_2.alpha"], a)
    assert r["cpl_2.Ep"] == 200.0
    got = m.integrate(EBIN, {"cpl.alpha": a})
    ref = cpl().integrate(EBIN, {"alpha": a}) + cpl(Ep=600.0).integrate(EBIN, {"alpha": a})
    np.testing.assert_allclose(got, ref, rtol=1e-13)
    # node_values uses what it is given (the caller resolves links)
    p = m.plan(EBIN)
    np.testing.assert_allclose(m.node_values(p, r) @ p.weights, m.integrate(EBIN, {"cpl.alpha": a, "cpl.Ep": 100.0}))
    with pytest.raises(ModelError):
        m.resolve({"nope": 1.0})


class _Flare(Additive):
    """Test component whose normalisation decays in time: N = K exp(-t / tau) (E/1 keV)^-2."""

    default_name = "flare"
    parameters = (ParSpec("K", 1.0, Uniform(0, 10)), ParSpec("tau", 2.0, Uniform(0.1, 10)))

    def evaluate(self, E, K, tau, t=None):
        return K * np.exp(-np.asarray(t) / tau) * E**-2.0


def test_time_reaches_components():
    f = _Flare()
    eb = np.array([[10.0, 20.0], [20.0, 30.0], [10.0, 20.0]])
    t = np.array([0.0, 0.0, 2.0])
    p = f.plan(eb, tarr=t)
    assert p.tnodes.shape == p.nodes.shape
    assert p.nodes.size == 12  # (E, t) pairs: the repeated bin at another time is not merged
    got = f.integrate(eb, tarr=t)[0]
    base = np.array([1 / 10 - 1 / 20, 1 / 20 - 1 / 30, 1 / 10 - 1 / 20])
    np.testing.assert_allclose(got, base * np.exp(-t / 2.0), rtol=1e-9)
    np.testing.assert_allclose(f(np.array([10.0]), t=1.0), [np.exp(-0.5) / 100])


def test_redshift_batch():
    m = pl(alpha=-2.0)
    z = np.array([[0.0], [1.0]])
    got = m.integrate(EBIN, {"redshift": z})
    np.testing.assert_allclose(got[1], got[0] / 4.0, rtol=1e-12)  # (E(1+z))^-2
    c = cpl()
    v = c.integrate(EBIN, {"redshift": z})
    np.testing.assert_allclose(v[0], c.integrate(EBIN)[0])
