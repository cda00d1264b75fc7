"""Systematic errors: SYS_ERR and a user fraction enter Gaussian variances, a Poisson
likelihood says it cannot use them, and data-variance chi2 refuses zero variances."""

import warnings

import numpy as np
import pytest
from astropy.io import fits

from bayspec.data import Data, DataUnit, Source
from bayspec.errors import ConfigError, StatisticError
from bayspec.examples import bundled_path, grb090217a
from bayspec.infer import Infer
from bayspec.model import parse_model

BAT = ("grb110731a_bat_gbm", "gbm_bat_joint_BAT")


def _bat(**kw):
    return DataUnit(str(bundled_path(BAT[0], BAT[1] + ".pha")), bkg=False,
                    rsp=str(bundled_path(BAT[0], BAT[1] + ".rsp")),
                    stat="chi2", notc=[[15, 150]], name="bat", **kw)


def _bat_columns():
    with fits.open(bundled_path(BAT[0], BAT[1] + ".pha")) as h:
        d, hdr = h["SPECTRUM"].data, h["SPECTRUM"].header
        t = hdr["EXPOSURE"]
        return (np.asarray(d["RATE"], float) * t, np.asarray(d["STAT_ERR"], float) * t,
                np.asarray(d["SYS_ERR"], float))


@pytest.mark.parametrize("sys_frac", [0.0, 0.05])
def test_bat_chi2_from_the_file_columns(sys_frac):
    u = _bat(sys_frac=sys_frac)
    u.fit_with = parse_model("pl")
    C, stat_err, sys_err = _bat_columns()
    keep = u.noticing
    assert u.grouping.ngroup == keep.sum()  # the BAT spectrum is not grouped
    m = u.npred_signal()
    var = stat_err[keep] ** 2 + (sys_err[keep] * C[keep]) ** 2 + (sys_frac * C[keep]) ** 2
    expected = np.sum((C[keep] - m) ** 2 / var)
    assert u.stat_sum() == pytest.approx(expected, rel=1e-12)
    no_sys = np.sum((C[keep] - m) ** 2 / stat_err[keep] ** 2)
    assert u.stat_sum() < no_sys  # SYS_ERR (up to 1.0) really enters


def test_bat_fit_changes_with_sys_err():
    u = _bat()
    res = Infer([(u, parse_model("pl"))]).fit()
    # the same fit without SYS_ERR: the unit's systematic errors removed
    C, stat_err, _ = _bat_columns()
    src = Source(C, stat_err, float(fits.getheader(bundled_path(BAT[0], BAT[1] + ".pha"), 1)["EXPOSURE"]),
                 name="bat_nosys")
    v = DataUnit(src, bkg=False, rsp=str(bundled_path(BAT[0], BAT[1] + ".rsp")), stat="chi2",
                 notc=[[15, 150]], name="bat")
    res0 = Infer([(v, parse_model("pl"))]).fit()
    assert res.stat < res0.stat
    assert res.values["pl.alpha"] != pytest.approx(res0.values["pl.alpha"], abs=1e-4)


def test_pgstat_background_sys_err_on_grb090217a():
    """bayspec 0.4.5 adds the background SYS_ERR to PG-stat's variance (412.8 -> 374.7 on
    the demo's cpl fit); threeML leaves it out, and so does our default."""
    stats = {}
    for bkg_sys in (False, True):
        units = []
        for det, notc in [("n6", [8, 900]), ("n9", [8, 900]), ("b1", [250, 38000])]:
            f = grb090217a(det)
            units.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=notc, stat="pgstat",
                                  name=det, bkg_sys=bkg_sys))
        stats[bkg_sys] = Infer([(Data(units), parse_model("cpl"))]).fit().stat
    assert stats[False] == pytest.approx(412.8, abs=0.05)
    assert stats[True] == pytest.approx(374.7, abs=0.05)


def test_poisson_statistic_warns_once_that_sys_err_is_unused():
    f = grb090217a("n6")
    src = Source(np.full(128, 10.0), None, 1.0, sys_errors=np.full(128, 0.1), name="s")
    with pytest.warns(UserWarning, match="SYS_ERR .* does not enter the cstat likelihood"):
        u = DataUnit(src, bkg=False, rsp=f["rsp"], stat="cstat", name="u")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        u.notc = [[10, 500]]  # said once per file and statistic
    with pytest.raises(ConfigError, match="sys_frac"):
        u.sys_frac = 0.1


def test_chi2_on_all_zero_counts_is_refused():
    f = grb090217a("n6")
    src = Source(np.zeros(128), None, 1.0, name="empty")
    with pytest.raises(StatisticError, match="zero variance under chi2_datavar"):
        DataUnit(src, bkg=False, rsp=f["rsp"], stat="chi2_datavar", name="u").fold(
            parse_model("pl"))
    u = DataUnit(src, bkg=False, rsp=f["rsp"], stat="chi2_gehrels", name="u")
    assert np.isfinite(Infer([(u, parse_model("pl"))]).likelihood.stat())


def test_negative_counts_name_the_file_and_channels():
    f = grb090217a("n6")
    counts = np.full(128, 5.0)
    counts[[40, 41]] = -3.0
    src = Source(counts, None, 1.0, name="neg", file="neg.pha")
    u = DataUnit(src, bkg=False, rsp=f["rsp"], stat="cstat", name="u")
    with pytest.raises(StatisticError, match=r"negative counts \(channels 40, 41\)") as exc:
        u.fold(parse_model("pl"))
    assert "neg.pha" in str(exc.value)
