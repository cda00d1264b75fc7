"""Flux points of the H.E.S.S. Crab runs against the joint power-law fit; IO and plots."""

import numpy as np
import pytest
from astropy import units as u

from bayspec.estimators import ExcessEstimator, FluxPoints, FluxPointsEstimator

EDGES = np.geomspace(1.0, 30.0, 7) * u.TeV


@pytest.fixture(scope="module")
def fp(hess_fit):
    data, model, _ = hess_fit
    return FluxPointsEstimator(EDGES).run([(data, model)])


def test_global_fit(hess_fit):
    _, model, out = hess_fit
    assert out.valid
    # Crab: index ~ 2.6-2.7, dN/dE(1 TeV) ~ 3-5e-11 cm-2 s-1 TeV-1
    assert -2.9 < model["alpha"].value < -2.4
    assert 3e-20 < model["K"].value < 6e-20


def test_points_agree_with_fit(fp, hess_fit):
    _, model, _ = hess_fit
    assert len(fp) == 6
    expected = model(fp.e_ref.to_value("keV")) * u.Unit("cm-2 s-1 keV-1")
    assert np.allclose(fp.dnde_ref if False else fp.ref("dnde"), expected)
    det = ~fp.is_ul
    assert det.sum() >= 4
    pull = (fp.dnde - expected)[det] / fp.dnde_err[det]
    assert np.all(np.abs(pull) < 2.5)
    chi2 = float(np.sum(pull ** 2))
    assert chi2 < 15.0
    # errors, UL and TS are consistent
    assert np.all(fp.norm_ul > fp.norm)
    assert np.all(fp.norm_errp > 0) and np.all(fp.norm_errn > 0)
    assert np.all(np.diff(fp.ts) < 0)  # TS falls with energy for the Crab
    assert np.allclose(fp.sqrt_ts, np.sqrt(fp.ts))
    assert np.all(fp.counts >= fp.npred * 0.8)


def test_scan_profile(fp):
    scan, stat = fp.table["norm_scan"], fp.table["stat_scan"]
    assert scan.shape == (6, 21) and stat.shape == (6, 21)
    i = np.argmin(stat[0])
    assert abs(scan[0, i] - fp.norm[0]) < 0.2


def test_sed_conversions(fp):
    ek = fp.e_ref.to_value("keV")
    e2 = fp.e2dnde.to_value("erg cm-2 s-1")
    assert np.allclose(e2, fp.dnde.to_value("cm-2 s-1 keV-1") * ek ** 2 * 1.602176634e-9)
    # power law: flux and eflux of a bin from the reference model analytically
    t = fp.to_table("flux")
    assert t["flux"].unit == u.Unit("cm-2 s-1")
    assert fp.eflux.unit == u.Unit("erg cm-2 s-1")
    for sed in ("dnde", "e2dnde", "flux", "eflux", "likelihood"):
        tab = fp.to_table(sed, energy_unit="TeV")
        assert tab.meta["SED_TYPE"] == sed
        assert tab["e_ref"].unit == u.TeV


def test_flux_matches_analytic(hess_fit, fp):
    _, model, _ = hess_fit
    K, a = model["K"].value, model["alpha"].value
    lo, hi = fp.e_min.to_value("keV"), fp.e_max.to_value("keV")
    flux = K * 1e9 / (a + 1) * ((hi / 1e9) ** (a + 1) - (lo / 1e9) ** (a + 1))
    eflux = K * 1e18 / (a + 2) * ((hi / 1e9) ** (a + 2) - (lo / 1e9) ** (a + 2)) * 1.602176634e-9
    assert np.allclose(fp.ref("flux").value, flux, rtol=1e-10)
    assert np.allclose(fp.ref("eflux").value, eflux, rtol=1e-10)


@pytest.mark.parametrize("name", ["sed.fits", "sed.ecsv"])
def test_io_roundtrip(fp, tmp_path, name):
    path = tmp_path / name
    fp.write(path)
    back = FluxPoints.read(path)
    assert back.table.colnames == fp.table.colnames
    for c in fp.table.colnames:
        assert np.array_equal(np.asarray(back.table[c]), np.asarray(fp.table[c]), equal_nan=True), c
        assert back.table[c].unit == fp.table[c].unit, c
    assert back.table.meta["SED_TYPE"] == "likelihood"
    assert np.array_equal(back.e2dnde_ul.value, fp.e2dnde_ul.value, equal_nan=True)
    with pytest.raises(OSError):
        fp.write(path)
    fp.write(path, overwrite=True)


def test_io_other_sed_type(fp, tmp_path):
    path = tmp_path / "dnde.fits"
    fp.write(path, sed_type="dnde")
    back = FluxPoints.read(path)
    assert np.allclose(back.dnde.value, fp.dnde.value, rtol=1e-14)
    assert np.allclose(back.e2dnde.value, fp.e2dnde.value, rtol=1e-14)


def test_plot(fp, check_png):
    ax = fp.plot(sed_type="e2dnde", energy_unit="TeV")
    assert ax.get_xscale() == "log" and "TeV" in ax.get_xlabel()
    assert "erg" in ax.get_ylabel()
    check_png(ax, "sed.png")


def test_excess_estimator(hess_fit, fp, tmp_path, check_png):
    data, model, _ = hess_fit
    ex = ExcessEstimator(EDGES).run([(data, model)])
    # backward and forward folding agree for a well-described source
    det = ~fp.is_ul
    assert np.allclose(ex.norm[det], fp.norm[det], atol=2 * fp.norm_err[det])
    assert np.allclose(ex.table["excess"], ex.table["counts"] - ex.table["background"])
    pos = ex.table["excess"] > 0
    assert np.allclose(ex.sqrt_ts[pos] ** 2, ex.ts[pos], rtol=1e-6)
    path = tmp_path / "excess.ecsv"
    ex.write(path)
    back = FluxPoints.read(path)
    assert np.array_equal(back.table["excess"], ex.table["excess"])
    check_png(ex.plot(sed_type="dnde"), "excess.png")


def test_reoptimize_runs(hess_fit):
    data, model, _ = hess_fit
    k0 = model["K"].value
    fp = FluxPointsEstimator([1e9, 3e9, 1e10], reoptimize=True,
                             selection_optional=()).run([(data, model)])
    assert np.all(np.isfinite(fp.norm)) and np.all(fp.norm_err > 0)
    assert model["K"].value == k0 and not model["alpha"].frozen
