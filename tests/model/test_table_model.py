"""OGIP table models: XSPEC's values for the sherpa-test-data tables, the writer, the
expression syntax, batching and the overlap rebinning."""

import pickle

import numpy as np
import pytest

from bayspec.errors import DataFileError, ModelError
from bayspec.io.table_model import TableModelData, TableParameter, read_table_model, write_table_model
from bayspec.model import parse_model, pl, table_model

# REFERENCE.md, "OGIP table models": XSPEC 12.13.1 / 12.10.1b values (float32).
EDGES_SMOD = np.linspace(0.2, 2.6, 25)
SMOD100 = [0, 0, 0, 7.5, 15, 1.5, 1.5, 1.5, 1.5, 10, 10, 10, 10, 14, 14, 14, 14, 14, 37.5, 2, 0, 0, 0, 0]
SMOD000 = [0, 0, 0, 7.5, 15, 6, 6, 6, 6, 40, 40, 40, 40, 70, 70, 70, 70, 70, 37.5, 2, 5, 5, 5, 5]
PCFABS = [0.511674, 0.730111, 0.898625, 0.95572, 0.977472, 0.987328, 0.992138, 0.990245, 0.992846,
          0.994674, 0.995997, 0.996945, 0.997616, 0.998104, 0.998454]
RTOL = 1e-5


def _close(got, ref):
    ref = np.asarray(ref, dtype=float)
    np.testing.assert_allclose(got, ref, rtol=RTOL, atol=RTOL * np.abs(ref).max())


def test_additive_smod100_matches_xspec(shared):
    m = table_model(shared / "xspec_tables" / "smod100.tmod")
    assert m.kind == "additive" and list(m.params) == ["smod100.lscale", "smod100.norm", "redshift"]
    m["lscale"].value = 5.0
    _close(m.integrate(EDGES_SMOD)[0], SMOD100)
    assert m.plan(EDGES_SMOD).kind == "antiderivative"  # rebinning by overlap is exact
    m["norm"].value = 3.0
    _close(m.integrate(EDGES_SMOD)[0], 3 * np.array(SMOD100))


def test_multiplicative_smod000_with_limits(shared):
    m = table_model(shared / "xspec_tables" / "smod000.tmod")
    assert m.kind == "multiplicative" and "smod000.norm" not in m.params
    m["lscale"].value = 5.0
    _close(m.bin_values(EDGES_SMOD)[0], SMOD000)


def test_log_interpolated_pcfabs_beyond_grid(shared):
    m = table_model(shared / "xspec_tables" / "testpcfabs.mod")
    assert m.table.parameters[0].method == 1
    v = m.bin_values(np.arange(0.1, 17, 1.0))[0]
    _close(v[:15], PCFABS)
    assert v[15] == 1.0  # wholly past the grid, no HIELIMIT keyword: XSPEC >= 12.13.1


def test_batched_interpolation_equals_one_by_one(shared):
    m = table_model(shared / "xspec_tables" / "RCS.mod")
    e = np.geomspace(0.3, 10, 40)
    rng = np.random.default_rng(1)
    tau, beta, T = rng.uniform(1, 10, 7), rng.uniform(0.1, 0.5, 7), rng.uniform(0.1, 1.3, 7)
    batch = m.integrate(e, {"tau": tau, "beta": beta, "T": T})
    for i in range(7):
        one = m.integrate(e, {"tau": [tau[i]], "beta": [beta[i]], "T": [T[i]]})
        np.testing.assert_allclose(batch[i], one[0], rtol=1e-13)
    # at a grid node the table row itself comes back (bins = table bins)
    t = m.table
    ebin = np.column_stack([t.energ_lo, t.energ_hi])
    got = m.integrate(ebin, {"tau": [3.0], "beta": [0.2], "T": [0.5]})[0]
    np.testing.assert_allclose(got, t.spectra[2, 1, 2], rtol=1e-6)  # float32 grid values


def test_expression_syntax(shared):
    d = shared / "xspec_tables"
    m = parse_model(f"mtable{{{d / 'testpcfabs.mod'}}} * atable{{{d / 'RCS.mod'}}}")
    assert m.expr == "testpc * RCS"
    assert parse_model(f"etable{{{d / 'testpcfabs.mod'}}}").kind == "multiplicative"
    with pytest.raises(ModelError, match="multiplicative"):
        parse_model(f"atable{{{d / 'testpcfabs.mod'}}}")
    with pytest.raises(ModelError, match="path"):
        parse_model("atable + pl")
    with pytest.raises(DataFileError):
        parse_model("atable{/no/such/file.mod}")


def test_redshift_and_escale(shared):
    m = table_model(shared / "xspec_tables" / "smod111.tmod")
    assert {"smod111.z", "smod111.escale"} <= set(m.params)
    m["lscale"].value = 0.0
    e = np.array([[0.5, 0.6], [0.25, 0.3]])
    # z = 1 puts table bin 0.5-0.6 on 0.25-0.3 and 1.0-1.2 (3/4 of 0.7-1.1 and 1/4 of
    # 1.1-1.5 with y1 = 12, 40) on 0.5-0.6, fluxes / (1 + z)
    np.testing.assert_allclose(m.integrate(e, {"z": [1.0]})[0], [(12 / 4 + 40 / 4) / 2, 2.5], rtol=1e-6)
    # escale = 2 moves the table bin 0.5-0.6 to 1.0-1.2 with its flux
    np.testing.assert_allclose(m.integrate(np.array([[1.0, 1.2]]), {"escale": [2.0]})[0], [5.0], rtol=1e-6)


def test_pickles(shared):
    m = table_model(shared / "xspec_tables" / "RCS.mod")
    m["tau"].value = 4.0
    m2 = pickle.loads(pickle.dumps(m))
    assert m2["tau"].value == 4.0
    e = np.geomspace(0.3, 10, 5)
    np.testing.assert_array_equal(m.integrate(e), m2.integrate(e))


def _analytic_table(tmp_path, kind="additive"):
    """Power law K E^-g over g in 1..3 (log-spaced energies): bin integrals tabulated."""
    edges = np.geomspace(0.1, 100, 301)
    g = np.linspace(1.0, 3.0, 21)
    lo, hi = edges[:-1], edges[1:]
    spec = np.array([(hi ** (1 - x) - lo ** (1 - x)) / (1 - x) if x != 1 else np.log(hi / lo) for x in g])
    if kind != "additive":
        spec = np.exp(-0.1 * g[:, None] * (lo + hi) / 2)
    par = TableParameter("gamma", 0, 2.0, 0.01, 1.0, 1.0, 3.0, 3.0, g)
    t = TableModelData("plaw", kind, [par], lo, hi, spec, np.zeros((0, 21, lo.size)), loelimit=1.0, hielimit=0.0)
    path = tmp_path / "plaw.mod"
    write_table_model(path, t)
    return path, edges


def test_written_table_reads_back_and_reproduces_its_function(tmp_path):
    path, edges = _analytic_table(tmp_path)
    t = read_table_model(path)
    assert t.kind == "additive" and t.spectra.shape == (21, 300) and t.hielimit == 0.0
    m = table_model(path)
    e = np.column_stack([edges[:-1], edges[1:]])[::37]  # table bins: no rebinning error

    def exact(g):
        return (e[:, 1] ** (1 - g) - e[:, 0] ** (1 - g)) / (1 - g) if g != 1 else np.log(e[:, 1] / e[:, 0])

    for gamma in (1.0, 1.55, 2.37):
        got = m.integrate(e, {"gamma": [gamma]})[0]
        # linear interpolation in gamma between grid nodes g0, g0 + 0.1 ...
        g0 = np.floor(round(gamma * 10, 9)) / 10
        w = (gamma - g0) / 0.1
        lin = (1 - w) * exact(g0) + w * exact(g0 + 0.1) if w > 0 else exact(g0)
        np.testing.assert_allclose(got, lin, rtol=1e-5)  # float32 storage only
        # ... whose error is bounded by (0.1^2 / 8) max |d2I/dg2| = (0.01/8) ln(E)^2 I
        bound = 0.01 / 8 * np.log(e[:, 1]) ** 2 * 1.05 + 1e-6
        assert np.all(np.abs(got / exact(gamma) - 1) <= bound)
    assert np.allclose(table_model(path, name="p2").integrate(e, {"gamma": [2.0]})[0],
                       (e[:, 0] ** -1 - e[:, 1] ** -1), rtol=1e-5)  # on a node: float32 only


def test_written_multiplicative_table_limits_and_overwrite(tmp_path):
    path, edges = _analytic_table(tmp_path, "multiplicative")
    m = table_model(path)
    v = m.bin_values(np.array([[0.01, 0.05], [200.0, 300.0], [10.0, 10.1]]), {"gamma": [2.0]})[0]
    assert v[0] == 1.0 and v[1] == 0.0
    np.testing.assert_allclose(v[2], np.exp(-0.1 * 2 * 10.05), rtol=2e-2)
    from bayspec.errors import OverwriteError
    with pytest.raises(OverwriteError):
        _analytic_table(tmp_path, "multiplicative")
    # an mtable times a power law integrates by quadrature, batched
    model = m * pl()
    assert model.integrate(edges[100:110], {"gamma": [1.0, 2.0], "pl.alpha": [-2.0, -2.0]}).shape == (2, 9)
