"""Closed-form derivatives of OGIP table models (`Model.node_grad`) against central
differences of `Model.node_values`: multilinear and logarithmic interpolation inside grid
cells, one-sided slopes at grid nodes, additional (ADDSP) parameters, norm, and the
redshift / escale of additive tables on the exact plan."""

import numpy as np
import pytest

from bayspec.io.table_model import TableModelData, TableParameter, write_table_model
from bayspec.model import cutoff, pl, table_model

EBIN = np.geomspace(0.1, 20.0, 121)


def _fd(model, plan, pv, name, h):
    """Five-point central difference with the step ``h`` (scalar or ``(n, 1)``) and the
    node values at the five stencil points."""
    x = np.asarray(pv[name], dtype=float)
    vals = []
    for k in (-2, -1, 1, 2):
        q = dict(pv)
        q[name] = x + k * h
        vals.append(model.node_values(plan, q))
    return (vals[0] - 8 * vals[1] + 8 * vals[2] - vals[3]) / (12 * h)


def _compare(model, plan, pv, name, h, valid=None, rtol=1e-7):
    """node_grad's derivative for ``name`` against `_fd` (where ``valid``)."""
    v, grads, unknown = model.node_grad(plan, pv)
    assert name not in unknown
    np.testing.assert_allclose(v, model.node_values(plan, pv), rtol=1e-12, atol=0)
    g = grads.get(name, np.zeros_like(v))
    fd = _fd(model, plan, pv, name, h)
    floor = 1e-13 * np.abs(v).max() / np.min(h)
    bad = np.abs(g - fd) > rtol * np.abs(fd) + floor
    if valid is not None:
        bad &= valid
    assert not bad.any(), (name, np.argwhere(bad)[:3], g[bad][:3], fd[bad][:3])
    return g


def _same_segment(knots, E, factors):
    """True where ``E * f`` stays in one segment of ``knots`` for every ``f`` (no jump or
    kink of the table inside a difference stencil)."""
    seg = [np.searchsorted(knots, E * f, side="right") for f in factors]
    return np.all([s == seg[0] for s in seg], axis=0)


def _col(*x):
    return np.array(x, dtype=float)[:, None]


def test_rcs_inside_cells_both_plans(shared):
    """Three linear interpolation parameters and norm, at points inside grid cells."""
    m = table_model(shared / "xspec_tables" / "RCS.mod")
    pv = {"RCS.tau": _col(2.3, 5.71, 8.45), "RCS.beta": _col(0.13, 0.27, 0.46),
          "RCS.T": _col(0.22, 0.61, 1.17), "RCS.norm": _col(1.0, 2.5, 0.3)}
    steps = {"RCS.tau": 1e-4, "RCS.beta": 1e-5, "RCS.T": 1e-5, "RCS.norm": 1e-4 * pv["RCS.norm"]}
    for integ in ("auto", "quadrature"):
        m.settings["integration"] = integ
        plan = m.plan(EBIN)
        assert plan.kind == ("antiderivative" if integ == "auto" else "quadrature")
        _, grads, unknown = m.node_grad(plan, pv)
        assert not unknown and set(grads) == set(pv)
        for name, h in steps.items():
            _compare(m, plan, pv, name, h)


def test_rcs_at_grid_nodes_one_sided(shared):
    """On a grid node the derivative is that of the cell the value uses: the one above
    (forward difference), and below at the last node (backward difference)."""
    m = table_model(shared / "xspec_tables" / "RCS.mod")
    plan = m.plan(EBIN)
    h = 1e-6
    for tau, sign in ((3.0, 1.0), (10.0, -1.0)):
        pv = {"RCS.tau": _col(tau), "RCS.beta": _col(0.27), "RCS.T": _col(0.61)}
        v, grads, _ = m.node_grad(plan, pv)
        q = dict(pv)
        q["RCS.tau"] = pv["RCS.tau"] + sign * h
        one_sided = sign * (m.node_values(plan, q) - v) / h
        np.testing.assert_allclose(grads["RCS.tau"], one_sided, rtol=1e-6, atol=1e-9 * np.abs(v).max())


@pytest.mark.parametrize("kind", ["multiplicative", "exponential"])
def test_log_interpolated_mtable_and_etable(shared, kind):
    """testpcfabs: nH interpolated in ln nH (linearly in its first cell, whose lower node is
    0), fract linearly; times a power law (quadrature plan)."""
    t = table_model(shared / "xspec_tables" / "testpcfabs.mod", kind=kind)
    assert t.table.parameters[0].method == 1
    m = t * pl()
    plan = m.plan(EBIN)
    pv = {"testpc.nH": _col(5e-6, 3e-3, 42.0), "testpc.fract": _col(0.15, 0.55, 0.93),
          "pl.alpha": _col(-1.5, -2.0, -1.2)}
    _, grads, unknown = m.node_grad(plan, pv)
    assert not unknown
    _compare(m, plan, pv, "testpc.nH", 1e-4 * pv["testpc.nH"])
    _compare(m, plan, pv, "testpc.fract", 1e-5)


def test_additive_redshift_and_escale_exact_plan(shared):
    """smod111 (z and escale): the antiderivative moves with the shifted energy; compared
    where no table knot falls inside the difference stencil."""
    m = table_model(shared / "xspec_tables" / "smod111.tmod")
    plan = m.plan(EBIN)
    assert plan.kind == "antiderivative"
    z, s = _col(0.3, 0.05, 1.2), _col(1.0, 1.7, 0.6)
    pv = {"smod111.lscale": _col(2.5, 7.0, 4.4), "smod111.z": z, "smod111.escale": s,
          "smod111.norm": _col(1.0, 0.5, 3.0)}
    knots = m._knots
    h = 1e-5
    k = np.array([-2, -1, 0, 1, 2]) * h
    ok_z = _same_segment(knots, plan.nodes, [(1 + z + d) / s for d in k])
    ok_s = _same_segment(knots, plan.nodes, [(1 + z) / (s + d) for d in k])
    assert ok_z.sum() > 100 and ok_s.sum() > 100
    gz = _compare(m, plan, pv, "smod111.z", h, valid=ok_z)
    gs = _compare(m, plan, pv, "smod111.escale", h, valid=ok_s)
    assert np.abs(gz).max() > 0 and np.abs(gs).max() > 0
    _compare(m, plan, pv, "smod111.lscale", 1e-4)
    _compare(m, plan, pv, "smod111.norm", 1e-4 * pv["smod111.norm"])


@pytest.mark.parametrize("fname", ["smod111.tmod", "smod011.tmod"])
def test_shift_on_density_plans(shared, fname):
    """On node values of the density (quadrature plans) the table is piecewise constant in
    E (1 + z)/escale: the derivative is 0 for z (and for a multiplicative table's escale),
    −N/escale for an additive table's escale, between the bin edges."""
    t = table_model(shared / "xspec_tables" / fname)
    name = t.name
    m = t * cutoff()
    plan = m.plan(EBIN)
    assert plan.kind == "quadrature"
    z, s = _col(0.3, 0.05, 1.2), _col(1.0, 1.7, 0.6)
    pv = {f"{name}.lscale": _col(2.5, 7.0, 4.4), f"{name}.z": z, f"{name}.escale": s, "cutoff.Ec": _col(3, 5, 8)}
    h = 1e-5
    k = np.array([-2, -1, 0, 1, 2]) * h
    _, grads, unknown = m.node_grad(plan, pv)
    assert not unknown and f"{name}.z" not in grads
    _compare(m, plan, pv, f"{name}.z", h, valid=_same_segment(t._knots, plan.nodes, [(1 + z + d) / s for d in k]))
    _compare(m, plan, pv, f"{name}.escale", h,
             valid=_same_segment(t._knots, plan.nodes, [(1 + z) / (s + d) for d in k]))
    _compare(m, plan, pv, f"{name}.lscale", 1e-4)
    _compare(m, plan, pv, "cutoff.Ec", 1e-4 * pv["cutoff.Ec"])


def test_batched_redshift_with_scalar_table_parameters(shared):
    """A free z in a batch with the interpolation parameters at their current values (one
    interpolated spectrum for many shifted energy grids)."""
    m = table_model(shared / "xspec_tables" / "smod010.tmod") * pl()
    e = np.linspace(0.2, 2.6, 25)
    both = m.integrate(e, {"smod010.z": [0.1, 0.3]})
    for i, z in enumerate((0.1, 0.3)):
        np.testing.assert_allclose(both[i], m.integrate(e, {"smod010.z": [z]})[0], rtol=1e-13)


def _written_table(tmp_path):
    """An additive table with one linear and one log interpolation parameter, an
    additional parameter and a redshift (no shared data needed)."""
    edges = np.geomspace(0.2, 30, 81)
    lo, hi = edges[:-1], edges[1:]
    mid = np.sqrt(lo * hi)
    g = np.linspace(1.0, 3.0, 5)
    kt = np.array([0.5, 1.0, 3.0, 10.0])
    spec = np.array([[(hi - lo) * mid ** -x * np.exp(-mid / t) for t in kt] for x in g])
    add = np.array([[[(hi - lo) * np.exp(-0.5 * ((mid - 6.4) / (0.2 + 0.1 * x)) ** 2) * t ** 0.5 for t in kt]
                     for x in g]])
    pars = [TableParameter("gamma", 0, 2.0, 0.01, 1.0, 1.0, 3.0, 3.0, g),
            TableParameter("kT", 1, 1.0, 0.01, 0.5, 0.5, 10.0, 10.0, kt),
            TableParameter("line", 0, 0.5, 0.01, 0.0, 0.0, 5.0, 5.0, interpolated=False)]
    t = TableModelData("twop", "additive", pars, lo, hi, spec, add, redshift=True)
    path = tmp_path / "twop.mod"
    write_table_model(path, t)
    return table_model(path)


def test_written_table_with_additional_parameter(tmp_path):
    m = _written_table(tmp_path)
    assert list(m.params) == ["twop.gamma", "twop.kT", "twop.line", "twop.z", "twop.norm", "redshift"]
    m["z"].frozen = False
    pv = {"twop.gamma": _col(1.2, 2.35, 2.9), "twop.kT": _col(0.7, 2.2, 6.5), "twop.line": _col(0.0, 1.3, 4.2),
          "twop.z": _col(0.02, 0.5, 1.1), "twop.norm": _col(1.0, 0.4, 7.0)}
    steps = {"twop.gamma": 1e-5, "twop.kT": 1e-5 * pv["twop.kT"], "twop.line": 1e-4,
             "twop.norm": 1e-4 * pv["twop.norm"]}
    ebin = np.geomspace(0.1, 40, 151)
    for integ in ("auto", "quadrature"):
        m.settings["integration"] = integ
        plan = m.plan(ebin)
        v, grads, unknown = m.node_grad(plan, pv)
        assert not unknown
        for name, h in steps.items():
            _compare(m, plan, pv, name, h)
        h = 1e-6
        k = np.array([-2, -1, 0, 1, 2]) * h
        ok = _same_segment(m._knots, plan.nodes, [1 + pv["twop.z"] + d for d in k])
        _compare(m, plan, pv, "twop.z", h, valid=ok)
    # the additional parameter enters linearly: its derivative is its interpolated spectrum
    m.settings["integration"] = "auto"
    plan = m.plan(ebin)
    q = dict(pv, **{"twop.line": pv["twop.line"] + 1.0})
    v, grads, _ = m.node_grad(plan, pv)
    np.testing.assert_allclose(grads["twop.line"], m.node_values(plan, q) - v, rtol=1e-9,
                               atol=1e-12 * np.abs(v).max())
