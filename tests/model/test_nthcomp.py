"""nthcomp against the Kompaneets equation with escape solved independently (scipy's
solve_bvp, collocation with its own error control), its asymptotic index and batching."""

import numpy as np
import pytest
from scipy.integrate import solve_bvp

from bayspec.model import nthcomp, parse_model

MEC2 = 510.99895


def _bvp_shape(E, Gamma, kTe, kTbb):
    """x² n(x) from  θ n_uu + (x + 3θ) n_u + (4x − β) n = −1/(e^{x/x_bb} − 1),  u = ln x."""
    th, xbb = kTe / MEC2, kTbb / MEC2
    beta = th * (Gamma + 2) * (Gamma - 1)
    u = np.linspace(np.log(1e-3 * xbb), np.log(40 * th), 4000)

    def f(u, y):
        x = np.exp(u)
        s = 1 / np.expm1(np.minimum(x / xbb, 700))
        return np.vstack([y[1], (-s - (x + 3 * th) * y[1] - (4 * x - beta) * y[0]) / th])

    def bc(ya, yb):
        return np.array([ya[1] - (Gamma - 1) * ya[0], yb[0]])

    sol = solve_bvp(f, bc, u, np.vstack([np.full(u.size, 1e-3), np.zeros(u.size)]), tol=1e-7,
                    max_nodes=300000)
    assert sol.status == 0
    x = E / MEC2
    return x * x * sol.sol(np.log(x))[0]


@pytest.mark.parametrize("Gamma, kTe, kTbb", [(1.7, 100.0, 0.1), (2.3, 20.0, 0.5)])
def test_matches_independent_bvp_solution(Gamma, kTe, kTbb):
    E = np.geomspace(0.05, 3 * kTe, 25)
    ref = _bvp_shape(np.append(E, 1.0), Gamma, kTe, kTbb)
    ref = ref[:-1] / ref[-1]
    m = nthcomp(Gamma=Gamma, kT_e=kTe, kT_bb=kTbb)
    np.testing.assert_allclose(m(E), ref, rtol=2e-3)  # O(h^2) of the 2000-point grid
    assert m(1.0) == pytest.approx(1.0, rel=1e-12)  # norm: photons at 1 keV


def test_power_law_index_between_seed_and_kte_and_cutoff():
    m = nthcomp(Gamma=1.9, kT_e=150.0, kT_bb=0.05)
    s = m(np.array([2.0, 10.0]))
    assert -np.log(s[1] / s[0]) / np.log(5) == pytest.approx(1.9, abs=0.02)
    hi = m(np.array([100.0, 1000.0, 3000.0]))
    assert hi[1] / hi[0] < 0.5 * 10.0 ** -1.9  # below the power law past kT_e ...
    assert hi[2] / hi[0] < 1e-5  # ... and a Wien-like exp(-E/kT_e) cutoff beyond


def test_batched_disk_seed_and_redshift():
    m = parse_model("nthcomp")
    E = np.geomspace(0.5, 100, 30)
    v = m.integrate(E, {"Gamma": [1.6, 2.0, 2.4], "kT_e": [30.0, 60.0, 90.0]})
    for i, (g, kte) in enumerate([(1.6, 30.0), (2.0, 60.0), (2.4, 90.0)]):
        one = nthcomp(Gamma=g, kT_e=kte).integrate(E)[0]
        np.testing.assert_allclose(v[i], one, rtol=1e-10)
    d = nthcomp(inp_type=1.0, kT_bb=0.3)
    b = nthcomp(inp_type=0.0, kT_bb=0.3)
    assert d(0.05) > b(0.05)  # the disk seed is broader at low energies
    z = nthcomp(Redshift=1.0)
    r = nthcomp()
    E2 = np.array([0.7, 3.0, 20.0])
    np.testing.assert_allclose(z(E2), r(2 * E2) / r(2.0), rtol=1e-10)
