"""fit_time_resolved and LightCurveEstimator take a TimeSeries (events) directly."""

import numpy as np
import pytest
from tshelpers import OFF

from bayspec.estimators import fit_time_resolved


def test_fit_time_resolved_on_events(n3, n3_bkg):
    res = fit_time_resolved(n3, [0.0, 5.0, 10.0], model="cpl", background=n3_bkg,
                            notc=[8.0, 900.0])
    t = res.table
    assert len(t) == 2 and np.all(t["valid"])
    assert t.meta["STAT"] == "pgstat" and t.meta["TREF"] == n3.t0
    assert np.all((res["cpl.Ep"] > 300) & (res["cpl.Ep"] < 5000))
    assert np.all(t["exposure"] < 5.0) and np.all(t["exposure"] > 4.9)
    # off-source intervals instead of a fit: the same background, the same result
    again = fit_time_resolved(n3, [[0.0, 5.0]], model="cpl", background=OFF,
                              notc=[8.0, 900.0])
    # (two intervals are fitted together, one alone: equal to the fits' precision)
    assert again["cpl.Ep"][0] == pytest.approx(res["cpl.Ep"][0], rel=1e-4)


def test_spectrum_series_to_timeseries_same_rows_same_matrix():
    from tshelpers import BUNDLED

    from bayspec.estimators import SpectrumSeries

    ss = SpectrumSeries(str(BUNDLED / "glg_cspec_n3_bn080916009_v01.pha"),
                        str(BUNDLED / "glg_cspec_n3_bn080916009_v00.rsp2"),
                        bkg_interval=(-300.0, -10.0), notc=[8.0, 900.0], name="n3")
    ts = ss.timeseries()
    assert ts.t0 == ss.t0 and ts.kind == "binned"
    bf = ts.fit_background([[-300.0, -10.0], [150.0, 600.0]])
    a, b = ss.unit(40.0, 55.0), ts.unit(40.0, 55.0, bf, notc=[8.0, 900.0])
    np.testing.assert_array_equal(a.src_counts, b.src_counts)
    assert a.src_ins.exposure == b.src_ins.exposure
    # one RSP2 rule: the same weighted matrix by both routes
    np.testing.assert_array_equal(a.rsp_ins.drm, b.rsp_ins.drm)


def test_light_curve_estimator_on_events(n3, n3_bkg):
    from bayspec.estimators import LightCurveEstimator
    from bayspec.model import parse_model

    ref = parse_model("cpl")
    ref["cpl.Ep"].value, ref["cpl.alpha"].value = 1000.0, -1.0
    lce = LightCurveEstimator([8.0, 900.0], time_intervals=[[0.0, 5.0], [5.0, 10.0],
                                                            [200.0, 210.0]],
                              background=n3_bkg, notc=[8.0, 900.0])
    lc = lce.run(n3, ref)
    assert len(lc) == 3 and lc.table.meta["TREF"] == n3.t0
    norm = np.asarray(lc.norm).ravel()
    assert np.all(norm[:2] > 0)
    # a quiet interval after the burst: no significant flux over the fitted background
    ts = np.asarray(lc.table["ts"]).ravel()
    assert ts[0] > 100 and ts[2] < 9
    # Bayesian blocks on the events (event-data fitness) in the estimator's energy range
    lce = LightCurveEstimator([200.0, 900.0], time_intervals="blocks", blocks_range=(-5.0, 20.0),
                              background=n3_bkg, notc=[8.0, 900.0], selection_optional=())
    lc = lce.run(n3, ref)
    assert len(lc) >= 2
