"""GBM GRB 080916C (NaI n3 CSPEC + RSP2): light curves, Bayesian blocks, time-resolved CPL."""

import numpy as np
import pytest
from astropy import units as u

from bayspec.estimators import FluxPointsCollection, LightCurveEstimator, TimeResolvedResult, fit_time_resolved

INTERVALS = [0.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0]


@pytest.fixture(scope="module")
def trs(gbm_series):
    return fit_time_resolved(gbm_series, INTERVALS, model="cpl")


@pytest.fixture(scope="module")
def ref_model(gbm_series):
    """CPL fitted over 0-60 s: the reference model of the light curves."""
    from bayspec.infer import Likelihood, fit_mle
    from bayspec.model import cpl

    m = cpl()
    fit_mle(Likelihood([(gbm_series.unit(0.0, 60.0), m)]))
    return m


def test_series_basics(gbm_series):
    assert gbm_series.nrow == 1859
    assert len(gbm_series.matrices) == 3
    u0 = gbm_series.unit(0.0, 5.0)
    assert 4.0 < u0.src_ins.exposure < 5.0
    assert u0.stat == "wstat" and u0.bkg_ins is not None
    # 40-55 s spans matrices 1 and 2: the weighted mean lies between them
    idx = gbm_series.rows(40.0, 55.0)
    drm = gbm_series.response(idx)
    d0, d1 = gbm_series.matrices[0].matrix, gbm_series.matrices[1].matrix
    lo, hi = np.minimum(d0, d1), np.maximum(d0, d1)
    assert np.all((drm >= lo - 1e-12) & (drm <= hi + 1e-12))
    assert not np.allclose(drm, d0)
    np.testing.assert_array_equal(u0.rsp_ins.drm, gbm_series.response(gbm_series.rows(0, 5)))


@pytest.mark.filterwarnings("ignore:.*flagged bad in every channel")
def test_nonpositive_exposure_row_skipped(gbm_series, ref_model):
    with pytest.warns(UserWarning, match="non-positive exposure"):
        idx = gbm_series.rows(590.0, 600.0)
    assert 1145 not in idx and idx.size > 0
    lce = LightCurveEstimator([8.0, 900.0], time_intervals=[[0.0, 10.0], [590.0, 600.0]])
    with pytest.warns(UserWarning, match="non-positive exposure"):
        lc = lce.run(gbm_series, ref_model)
    assert len(lc) == 2 and np.all(np.isfinite(lc.norm))


def test_time_resolved_cpl(trs, check_png, tmp_path):
    t = trs.table
    assert len(t) == 7 and np.all(t["valid"])
    ep, alpha = trs["cpl.Ep"], trs["cpl.alpha"]
    # Abdo et al. 2009 (Science 323, 1688): Ep ~ 0.4-1.2 MeV, alpha ~ -0.6 ... -1.1
    assert np.all((ep > 150) & (ep < 3000))
    assert np.all((alpha > -1.5) & (alpha < -0.3))
    assert alpha[0] > alpha[1]  # hard-to-soft: first interval hardest
    assert np.all(trs["cpl.Ep_err"] > 0)
    ax = trs.plot(param="cpl.Ep")
    assert "Ep" in ax.get_ylabel() and "keV" in ax.get_ylabel()
    assert ax.get_yscale() == "log"
    check_png(ax, "ep.png")
    for name in ("trs.fits", "trs.ecsv"):
        trs.write(tmp_path / name)
        back = TimeResolvedResult.read(tmp_path / name)
        for c in t.colnames:
            assert np.array_equal(np.asarray(back.table[c]), np.asarray(t[c])), c


def test_time_resolved_parallel_matches(gbm_series, trs):
    par = fit_time_resolved(gbm_series, INTERVALS[:3], model="cpl", n_jobs=2)
    assert np.allclose(par["cpl.Ep"], trs["cpl.Ep"][:2], rtol=1e-6)


def test_lightcurve_user_intervals(gbm_series, ref_model, tmp_path, check_png):
    edges = [8.0, 50.0, 300.0, 900.0] * u.keV
    lc = LightCurveEstimator(edges, time_intervals=INTERVALS, n_jobs=2).run(gbm_series, ref_model)
    assert isinstance(lc, FluxPointsCollection)
    assert len(lc) == 3 * 7
    assert np.all(lc.ts[lc.table["e_min"] == 8.0] > 25)
    # norm ~ 1 on average for the 0-60 s reference model
    w = np.asarray(lc.t_max - lc.t_min)
    assert 0.7 < np.average(lc.norm, weights=w) < 1.3
    fp = lc.flux_points_at_time(12.0 * u.s)
    assert len(fp) == 3 and np.all(fp.table["t_min"] == 10.0)
    curve = lc.lightcurve_at_energy(100 * u.keV)
    assert len(curve) == 7 and np.all(np.diff(curve.table["t_min"]) > 0)
    assert curve.flux.unit == u.Unit("cm-2 s-1")
    # inline run gives the same numbers
    lc1 = LightCurveEstimator(edges, time_intervals=INTERVALS[:3], n_jobs=1).run(gbm_series, ref_model)
    assert np.allclose(lc1.norm, lc.norm[:6], rtol=1e-8)
    for name in ("lc.fits", "lc.ecsv"):
        lc.write(tmp_path / name)
        back = FluxPointsCollection.read(tmp_path / name)
        for c in lc.table.colnames:
            assert np.array_equal(np.asarray(back.table[c]), np.asarray(lc.table[c]), equal_nan=True), c
        assert back.table.meta["TREF"] == lc.table.meta["TREF"]
    check_png(lc.plot_lightcurve(sed_type="flux"), "lc.png")
    check_png(lc.plot_sed(sed_type="e2dnde"), "sed_t.png")


def test_lightcurve_bayesian_blocks(gbm_series, ref_model):
    lce = LightCurveEstimator([8.0, 900.0], time_intervals="blocks", blocks_range=(-10.0, 100.0))
    iv = lce.blocks(gbm_series)
    assert 4 <= len(iv) <= 40
    assert np.all(iv[1:, 0] == iv[:-1, 1])
    # the burst starts near the trigger: a change point within a few seconds of 0
    assert np.min(np.abs(iv[:, 0])) < 3.0
    lc = lce.run(gbm_series, ref_model)
    assert len(lc) == len(iv)
    assert np.all(np.isfinite(lc.norm))


def test_lightcurve_time_tagged_units(gbm_series, ref_model):
    units = [gbm_series.unit(a, b, name=f"u{i}") for i, (a, b) in
             enumerate(zip(INTERVALS[:-1], INTERVALS[1:]))]
    pairs = [(u_, ref_model) for u_ in units]
    lc = LightCurveEstimator([8.0, 900.0], time_intervals=[[0, 10], [10, 30]]).run(pairs)
    assert len(lc) == 2
    assert np.all(lc.norm > 0)


def test_light_curve_carries_the_series_time_reference(gbm_series, ref_model):
    """The estimator's light curve keeps the PHA-II file's TRIGTIME/MJDREF, so its GADF
    rows have absolute MJD times."""
    lce = LightCurveEstimator([8.0, 900.0], time_intervals=[[0.0, 10.0]])
    lc = lce.run(gbm_series, ref_model)
    meta = lc.table.meta
    assert meta["TRIGTIME"] == pytest.approx(gbm_series.pha.header["TRIGTIME"])
    assert "MET_MJDI" in meta and meta["TREF"] == pytest.approx(gbm_series.t0)
