"""Unit checks: Bayesian blocks, the norm profile, flux conversions, collections."""

import numpy as np
import pytest
from astropy import units as u
from astropy.table import Table

from bayspec.estimators import FluxPoints, FluxPointsCollection, bayesian_blocks, reference_fluxes
from bayspec.estimators._profile import profile_norm
from bayspec.model import pl


def test_bayesian_blocks_step():
    rng = np.random.default_rng(1)
    t = np.arange(200.0)
    rate = np.where((t >= 80) & (t < 120), 50.0, 5.0)
    c = rng.poisson(rate)
    edges = bayesian_blocks(t, t + 1, c)
    assert len(edges) - 1 == 3
    assert np.allclose(edges, [0, 80, 120, 200])


def test_bayesian_blocks_constant():
    rng = np.random.default_rng(2)
    t = np.arange(300.0)
    edges = bayesian_blocks(t, t + 1, rng.poisson(10.0, t.size))
    assert len(edges) == 2


def test_profile_gaussian():
    res = profile_norm(lambda n: ((np.asarray(n) - 2.0) / 0.5) ** 2, scan=np.linspace(0, 4, 5))
    assert np.isclose(res["norm"], 2.0, atol=1e-6)
    assert np.isclose(res["norm_errp"], 0.5, rtol=1e-6)
    assert np.isclose(res["norm_errn"], 0.5, rtol=1e-6)
    assert np.isclose(res["norm_ul"], 3.0, rtol=1e-6)
    assert np.isclose(res["ts"], 16.0, rtol=1e-6)
    assert np.allclose(res["stat_scan"], ((np.linspace(0, 4, 5) - 2) / 0.5) ** 2)


def test_profile_at_boundary():
    res = profile_norm(lambda n: ((np.asarray(n) + 1.0) / 1.0) ** 2)
    assert res["norm"] == 0.0 and res["ts"] == 0.0
    assert np.isclose(res["norm_ul"], np.sqrt(5.0) - 1.0, rtol=1e-6)


def _synthetic(n=3, t=None):
    m = pl()
    m["alpha"].value = -2.0
    e = np.array([10.0, 20.0, 40.0, 80.0])[: n + 1]
    rows = [dict(norm=1.0 + 0.1 * i, norm_err=0.1, norm_errp=0.12, norm_errn=0.09, norm_ul=1.5,
                 ts=[100.0, 9.0, 1.0][i], sqrt_ts=np.sqrt([100.0, 9.0, 1.0][i]), npred=10.0,
                 counts=12.0) for i in range(n)]
    return FluxPoints.from_estimates(rows, e[:-1] * u.keV, e[1:] * u.keV, m), m


def test_reference_fluxes_powerlaw():
    m = pl()
    m["alpha"].value = -2.0
    r = reference_fluxes(m, [10.0], [20.0], [np.sqrt(200.0)])
    assert np.isclose(r["ref_dnde"][0], 1 / 200.0)
    assert np.isclose(r["ref_flux"][0], 1 / 10 - 1 / 20)
    assert np.isclose(r["ref_eflux"][0], np.log(2.0) * 1.602176634e-9)


def test_is_ul_and_units():
    fp, _ = _synthetic()
    assert list(fp.is_ul) == [False, False, True]
    assert fp.dnde.unit == u.Unit("cm-2 s-1 keV-1")
    assert fp.e2dnde.unit == u.Unit("erg cm-2 s-1")
    t = fp.to_table("eflux")
    assert {"eflux", "eflux_err", "eflux_errp", "eflux_errn", "eflux_ul", "is_ul"} <= set(t.colnames)
    with pytest.raises(ValueError):
        fp.to_table("nonsense")


def test_from_table_with_model():
    fp, m = _synthetic()
    t = fp.to_table("flux")
    back = FluxPoints.from_table(t, reference_model=m)
    assert np.allclose(back.norm, fp.norm)
    assert np.allclose(back.dnde.value, fp.dnde.value)


def test_collection_selection_and_io(tmp_path, check_png):
    fp, _ = _synthetic()
    col = FluxPointsCollection.from_flux_points([(0.0, 1.0, fp), (1.0, 3.0, fp)])
    assert len(col) == 6
    assert len(col.flux_points_at_time(2.0)) == 3
    lc = col.lightcurve_at_energy(15.0)
    assert len(lc) == 2
    with pytest.raises(KeyError):
        col.flux_points_at_time(5.0)
    with pytest.raises(ValueError):
        FluxPointsCollection(Table(fp.table))
    for name in ("c.fits", "c.ecsv"):
        col.write(tmp_path / name)
        back = FluxPointsCollection.read(tmp_path / name)
        for c in col.table.colnames:
            assert np.array_equal(np.asarray(back.table[c]), np.asarray(col.table[c]),
                                  equal_nan=True), c
    check_png(col.plot_lightcurve(), "lc.png")
    check_png(col.plot_sed(sed_type="flux"), "sed.png")
    check_png(fp.plot(sed_type="likelihood"), "norm.png")
