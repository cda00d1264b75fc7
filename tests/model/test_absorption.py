"""Tabulated photoelectric absorption ``tbabs``, ``phabs``, ``wabs`` against their tables.

The reference values are read here directly from the bundled FITS tables (astropy), and
compared with the components: exact at the nodes, bracketed between them, batched shapes,
the parser and a fit of ``tbabs * pl`` to the Chandra 3C 273 spectrum.
"""

import math
import pickle

import numpy as np
import pytest
from astropy.io import fits

from bayspec.errors import ModelError
from bayspec.examples import bundled_path
from bayspec.model import library, parse_model, phabs, pl, tbabs, wabs
from bayspec.model.library.absorption import ABUNDANCES, cross_section

XSECT = bundled_path("xsect")

COMPONENTS = {"tbabs": tbabs, "phabs": phabs, "wabs": wabs}
TABLES = [(m, a) for m, abunds in ABUNDANCES.items() for a in abunds]


def _table(model, abund):
    path = XSECT / f"xsect_{model}_{abund}.fits"
    with fits.open(path) as h:
        d = h[model.upper()].data
        return np.array(d["ENERGY"], dtype=float), np.array(d["SIGMA"], dtype=float)


def test_six_tables_bundled_and_registered():
    assert len(TABLES) == 6
    for model, abund in TABLES:
        assert (XSECT / f"xsect_{model}_{abund}.fits").exists()
    for name in COMPONENTS:
        assert library.get(name) is COMPONENTS[name]
        assert COMPONENTS[name]().kind == "multiplicative"


def test_bundled_tables_are_unchanged_copies(shared):
    for model, abund in TABLES:
        name = f"xsect_{model}_{abund}.fits"
        assert (XSECT / name).read_bytes() == (shared / "xsect" / name).read_bytes()


@pytest.mark.parametrize("model, abund", TABLES)
def test_reproduces_table_at_nodes(model, abund):
    E, sigma = _table(model, abund)
    assert E.size == 10000 and E[0] == pytest.approx(0.1, rel=1e-3) and E[-1] == pytest.approx(20, rel=1e-3)
    comp = COMPONENTS[model](abund=abund)
    for nH in (1e-3, 0.1, 1.0):
        comp["nH"].value = nH
        want = np.exp(-nH * sigma)
        got = comp(E)
        assert got.shape == E.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=0)
    # batched parameters at the nodes too
    nH = np.array([[0.0], [0.02], [0.7]])
    got = comp(E, {"nH": nH})
    np.testing.assert_allclose(got, np.exp(-nH * sigma), rtol=1e-12, atol=0)
    np.testing.assert_allclose(cross_section(model, abund, E), sigma, rtol=1e-14, atol=0)


@pytest.mark.parametrize("model, abund", TABLES)
def test_between_nodes_stays_between_neighbours(model, abund):
    E, sigma = _table(model, abund)
    comp = COMPONENTS[model](abund=abund, nH=0.3)
    for w in (0.5, 0.1, 0.9):
        mid = E[:-1] ** (1 - w) * E[1:] ** w
        inside = (mid > E[:-1]) & (mid < E[1:])
        assert inside.all()
        v = comp(mid)
        a, b = np.exp(-0.3 * sigma[:-1]), np.exp(-0.3 * sigma[1:])
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        slack = 1e-13 * hi
        assert np.all(v >= lo - slack) and np.all(v <= hi + slack)
        s = cross_section(model, abund, mid)
        assert np.all(s >= np.minimum(sigma[:-1], sigma[1:]) * (1 - 1e-14))
        assert np.all(s <= np.maximum(sigma[:-1], sigma[1:]) * (1 + 1e-14))


@pytest.mark.parametrize("model, abund", TABLES)
def test_extrapolation_is_continuous_power_law(model, abund):
    E, sigma = _table(model, abund)
    lo = np.array([E[0] * (1 - 1e-9), 0.05, 0.01])
    hi = np.array([E[-1] * (1 + 1e-9), 40.0, 100.0])
    s_lo, s_hi = cross_section(model, abund, lo), cross_section(model, abund, hi)
    assert s_lo[0] == pytest.approx(sigma[0], rel=1e-7)
    assert s_hi[0] == pytest.approx(sigma[-1], rel=1e-7)
    assert np.all(np.diff(s_lo) > 0) and np.all(np.diff(s_hi) < 0)  # rises below, falls above
    # the slope held outside is the least-squares log-log slope of the outer 10 %
    k = E.size // 10
    slope_lo = np.polyfit(np.log(E[:k]), np.log(sigma[:k]), 1)[0]
    slope_hi = np.polyfit(np.log(E[-k:]), np.log(sigma[-k:]), 1)[0]
    assert math.log(s_lo[2] / sigma[0]) / math.log(0.01 / E[0]) == pytest.approx(slope_lo, rel=1e-9)
    assert math.log(s_hi[2] / sigma[-1]) / math.log(100.0 / E[-1]) == pytest.approx(slope_hi, rel=1e-9)
    assert -3.5 < slope_lo < -2 and -3.5 < slope_hi < -2


def test_guards_extreme_energies_and_columns():
    comp = tbabs()
    E = np.array([0.0, 1e-6, 0.1, 1.0, 1e3, 1e6])
    with np.errstate(all="raise"):
        v0 = comp(E, {"nH": np.array([[0.0]])})
        v = comp(E, {"nH": np.array([[100.0]])})
    assert np.all(v0 == 1.0)
    assert np.all(np.isfinite(v)) and np.all(v > 0) and np.all(v <= 1)
    assert v[0, 0] == pytest.approx(math.exp(-700))  # floored, no underflow to subnormals
    assert v[0, -1] == pytest.approx(1.0, abs=1e-10)


def test_batch_shapes():
    comp = phabs(abund="aspl")
    E = np.geomspace(0.3, 10.0, 7)
    nH = np.array([[0.0], [0.1], [1.0], [5.0]])
    out = comp.evaluate(E, nH)
    assert out.shape == (4, 7)
    for i in range(4):
        np.testing.assert_allclose(out[i], comp.evaluate(E, float(nH[i, 0])), rtol=1e-15)
    # energies per row (e.g. a free redshift shifts each row's nodes differently)
    E2 = E * np.array([[1.0], [1.5], [2.0], [3.0]])
    out2 = comp.evaluate(E2, nH)
    assert out2.shape == (4, 7)
    for i in range(4):
        np.testing.assert_allclose(out2[i], comp.evaluate(E2[i], float(nH[i, 0])), rtol=1e-15)
    assert comp(E, {"phabs.nH": nH}).shape == (4, 7)
    assert comp(E).shape == (7,) and np.ndim(comp(1.0)) == 0


def test_same_node_array_reuses_cross_sections():
    comp = tbabs()
    E = np.geomspace(0.5, 8.0, 50)
    first = comp.evaluate(E, 0.2)
    assert comp.sigma(E) is comp.sigma(E)
    comp.settings["abund"] = "wilm"  # a settings change is seen on the same nodes
    assert not np.allclose(comp.evaluate(E, 0.2), first)
    np.testing.assert_allclose(comp.sigma(E), cross_section("tbabs", "wilm", E), rtol=0)
    clone = pickle.loads(pickle.dumps(comp))
    assert clone.settings["abund"] == "wilm"
    np.testing.assert_allclose(clone.evaluate(E, 0.2), comp.evaluate(E, 0.2), rtol=0)


def test_defaults_and_abundance_setting():
    for name, cls in COMPONENTS.items():
        c = cls()
        assert c.settings["abund"] == "angr"
        assert c["nH"].value == 0.1 and c["nH"].unit == "1e22 cm^-2"
        assert c["nH"].bounds == (0.0, 100.0)
        assert c.abundances == ABUNDANCES[name]
    assert tbabs(abund="WILM").settings["abund"] == "wilm"
    assert not np.allclose(tbabs(abund="wilm")(np.array([1.0])), tbabs()(np.array([1.0])))


@pytest.mark.parametrize("name, bad", [("tbabs", "lodd"), ("phabs", "wilm"), ("wabs", "aspl")])
def test_unknown_abundance_raises(name, bad):
    with pytest.raises(ModelError, match="available: " + ", ".join(ABUNDANCES[name])):
        COMPONENTS[name](abund=bad)
    c = COMPONENTS[name]()
    c.settings["abund"] = bad
    with pytest.raises(ModelError, match=bad):
        c(np.array([1.0]))
    with pytest.raises(ModelError, match="available"):
        cross_section(name, bad, [1.0])


def test_parse_model_tbabs_times_pl():
    m = parse_model("tbabs * pl")
    assert m.kind == "additive"
    assert [k for k in m.params if k != "redshift"] == ["tbabs.nH", "pl.K", "pl.alpha"]
    E = np.geomspace(0.3, 10.0, 9)
    np.testing.assert_allclose(m(E), tbabs()(E) * pl()(E), rtol=1e-14)
    assert m.plan(np.column_stack([E[:-1], E[1:]])).kind == "quadrature"
    assert [k for k in parse_model("phabs * wabs * pl").params][:2] == ["phabs.nH", "wabs.nH"]


def test_fit_3c273_folds_through_kernel(shared):
    from bayspec.data import DataUnit
    from bayspec.infer import Infer, Likelihood

    d = shared / "chandra_3c273"
    unit = DataUnit(src=str(d / "3c273.pi"), bkg=str(d / "3c273_bg.pi"), rmf=str(d / "3c273.rmf"),
                    arf=str(d / "3c273.arf"), stat="wstat")
    model = parse_model("tbabs * pl")
    model["pl.K"].value = 1e-4
    model["pl.alpha"].value = -1.8
    # nH = 0 folds to exactly the unabsorbed power law
    model["tbabs.nH"].value = 0.0
    ref = pl(K=1e-4, alpha=-1.8)
    assert Likelihood([(unit, model)]).stat() == pytest.approx(Likelihood([(unit, ref)]).stat(), rel=1e-9)
    model["tbabs.nH"].value = 0.1
    result = Infer([(unit, model)]).fit()
    assert result.converged
    nH, err = result.values["tbabs.nH"], result.errors["tbabs.nH"]
    assert nH >= 0 and math.isfinite(err) and err > 0
    assert nH < 0.2  # 3C 273 lies behind a small Galactic column (~0.02e22 cm^-2)
    assert math.isfinite(result.errors["pl.alpha"]) and -2.5 < result.values["pl.alpha"] < -1.5
    assert result.stat < 2 * result.dof
