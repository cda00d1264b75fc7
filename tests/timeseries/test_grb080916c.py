"""GRB 080916C from the TTE event lists of n3 and b0: light curve, background per channel,
0-10 s source and background spectra, OGIP extraction, and a joint cpl fit end to end."""

import warnings

import numpy as np
import pytest
from tshelpers import BUNDLED, OFF, rsp_path, tte_path

from bayspec.data import DataUnit
from bayspec.data.background_fit import BackgroundFit
from bayspec.data.timeseries import TimeSeries
from bayspec.infer import Likelihood
from bayspec.infer.mle import fit_mle
from bayspec.io.tte import read_tte
from bayspec.model import parse_model


def test_live_time_is_width_minus_dead_time(n3):
    ev = read_tte(tte_path("n3"))
    a, b = 0.0, 10.0
    t = ev.time - ev.trigtime
    sel = (t >= a) & (t < b)
    n_over = np.count_nonzero(ev.pha[sel] == 127)
    expect = (b - a) - sel.sum() * ev.dead - n_over * (ev.dead_overflow - ev.dead)
    assert n3.live_time(a, b) == pytest.approx(expect, rel=1e-12)
    counts, live = n3.bin(np.linspace(a, b, 11))
    assert counts.sum() == sel.sum()
    assert live.sum() == pytest.approx(expect, rel=1e-12)
    # outside the GTI a bin has no live time
    assert n3.live_time(-40.0, -30.0) == 0.0


def test_light_curve_with_background(n3, n3_bkg):
    lc = n3.light_curve(dt=1.024, t_range=(-20.0, 100.0), energy_range=(8.0, 900.0),
                        background=n3_bkg)
    assert lc.counts.size == 118 and np.all(lc.exposure < 1.024)
    burst = (lc.tstart >= 0) & (lc.tstop <= 10)
    assert lc.rate[burst].mean() > 1.5 * (lc.background / lc.exposure)[burst].mean()
    # before the trigger the background model describes the data
    pre = lc.tstop <= -5
    chi = (lc.counts[pre] - lc.background[pre]) / np.sqrt(lc.background[pre])
    assert abs(chi.mean()) < 0.5 and 0.5 < chi.std() < 1.5
    assert np.all(lc.background_err > 0)


def test_background_orders_and_save_restore(n3, n3_bkg, tmp_path):
    bf = n3_bkg
    assert bf.orders.shape == (128,) and bf.method == "unbinned"
    assert set(np.unique(bf.orders)) <= set(range(5))
    # most channels need no more than a line over these 170 s of data
    assert np.mean(bf.orders <= 1) > 0.9
    p = bf.write(tmp_path / "bkg.json")
    back = BackgroundFit.read(p)
    for name in ("coefficients", "covariance", "orders", "loglikes", "intervals"):
        np.testing.assert_array_equal(getattr(back, name), getattr(bf, name))
    B0, s0 = bf.counts(0.0, 10.0, 9.9)
    B1, s1 = back.counts(0.0, 10.0, 9.9)
    np.testing.assert_array_equal(B0, B1)
    np.testing.assert_array_equal(s0, s1)
    # binned (1.024 s) and unbinned fits agree well within errors (a constant rate has the
    # same estimate N / exposure either way); a channel may choose another order
    bb = n3.fit_background(OFF, method="binned")
    Bb, sb = bb.counts(0.0, 10.0, 9.9)
    same = bb.orders == bf.orders
    assert same.mean() > 0.95
    assert np.all(np.abs(Bb - B0)[same] < 0.2 * s0[same])


def test_source_and_background_spectra_0_10(n3, n3_bkg):
    u = n3.unit(0.0, 10.0, n3_bkg, notc=[8.0, 900.0])
    assert u.stat == "pgstat"
    assert 9.9 < u.src_ins.exposure < 10.0
    assert u.bkg_ins.exposure == u.src_ins.exposure
    assert np.all(u.bkg_errors > 0)
    # net counts dominate: GRB 080916C is bright in 0-10 s
    assert u.src_counts.sum() > 1.8 * u.bkg_counts.sum()


def test_extracted_ogip_files_give_the_same_statistic(n3, n3_bkg, tmp_path):
    u = n3.unit(0.0, 10.0, n3_bkg, notc=[8.0, 900.0])
    paths = n3.write_ogip(tmp_path, 0.0, 10.0, n3_bkg)
    assert paths["bak"].exists() and paths["rsp"].exists()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = DataUnit(str(paths["pha"]), notc=[8.0, 900.0], stat="pgstat")
    m = parse_model("cpl")
    m["cpl.Ep"].value, m["cpl.alpha"].value, m["cpl.K"].value = 1000.0, -1.0, 3.0
    s1 = Likelihood([(u, m)]).stat()
    s2 = Likelihood([(back, m)]).stat()
    assert s2 == pytest.approx(s1, rel=1e-10)
    from astropy.io import fits
    h = fits.getheader(paths["bak"], "SPECTRUM")
    assert h["HDUCLAS2"] == "BKG" and h["HDUCLAS3"] == "RATE" and h["POISSERR"] is False
    assert "STAT_ERR" in fits.getdata(paths["bak"], "SPECTRUM").names
    # the mandatory keywords of an OGIP PHA file (OGIP/92-007 section 3.1.1)
    required = ("TELESCOP", "INSTRUME", "FILTER", "EXPOSURE", "AREASCAL", "BACKSCAL",
                "CORRSCAL", "BACKFILE", "CORRFILE", "RESPFILE", "ANCRFILE", "HDUCLASS",
                "HDUCLAS1", "HDUVERS", "POISSERR", "CHANTYPE", "DETCHANS")
    for key in ("pha", "bak"):
        h = fits.getheader(paths[key], "SPECTRUM")
        assert [k for k in required if k not in h] == [], key
    src = fits.getheader(paths["pha"], "SPECTRUM")
    assert src["BACKFILE"] == paths["bak"].name and src["RESPFILE"] == paths["rsp"].name
    rh = fits.getheader(paths["rsp"], 1)
    assert rh["HDUCLAS1"] == "RESPONSE" and rh["TSTART"] == pytest.approx(n3.t0)


def test_binned_history_gives_the_same_chain():
    cs = TimeSeries.from_pha2(BUNDLED / "glg_cspec_n3_bn080916009_v01.pha", rsp=rsp_path("n3"))
    assert cs.kind == "binned" and cs.name == "n3"
    bf = cs.fit_background([[-300.0, -10.0], [150.0, 600.0]])
    assert bf.method == "binned"
    u = cs.unit(0.0, 10.0, bf, notc=[8.0, 900.0])
    assert u.stat == "pgstat" and np.all(u.bkg_errors > 0)
    lc = cs.light_curve(t_range=(-20.0, 60.0), energy_range=(8.0, 900.0), background=bf)
    assert lc.counts.size > 10 and np.all(lc.background > 0)


@pytest.mark.slow
def test_joint_cpl_fit_0_10_n3_b0(n3, n3_bkg):
    b0 = TimeSeries.from_tte(tte_path("b0"), rsp=rsp_path("b0"))
    b0_bkg = b0.fit_background(OFF)
    units = [n3.unit(0.0, 10.0, n3_bkg, notc=[8.0, 900.0]),
             b0.unit(0.0, 10.0, b0_bkg, notc=[250.0, 30000.0])]
    m = parse_model("cpl")
    lik = Likelihood([(units, m)])
    out = fit_mle(lik)
    assert out.valid
    # Abdo et al. 2009 (Science 323, 1688), intervals a-b (0-7.7 s): Ep ~ 1.2-1.9 MeV,
    # alpha ~ -0.6 ... -1.0
    assert 900.0 < out.values["cpl.Ep"] < 2000.0
    assert -1.2 < out.values["cpl.alpha"] < -0.8
    assert out.stat / lik.dof < 2.0
