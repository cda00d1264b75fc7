"""Every OGIP file we write passes the OGIP/92-007 and CAL/GEN/92-002 checker
(`ogip_checker`), and the files `DataUnit.write` / `Data.write` produce are the set other
readers expect: RMF + ARF kept apart, EBOUNDS everywhere, non-integer counts as RATE,
one CHANTYPE, mandatory keywords with OGIP defaults."""

import numpy as np
import pytest
from astropy.io import fits
from iohelpers import make_pha
from ogip_checker import check_file, check_set, no_float_counts

import bayspec.io as bio
from bayspec.data import Data
from bayspec.data.unit import DataUnit
from bayspec.examples import grb090217a
from bayspec.model.library import CutoffPowerLaw, PowerLaw
from bayspec.parameter import LogUniform

GBM_NOTC = [[9.0, 31.0], [38.8, 954.0]]


def _cpl():
    m = CutoffPowerLaw()
    m["K"].value = 0.3 * 100.0**-0.8  # 0.3 at 1 keV, at the 100 keV pivot
    m["alpha"].value = -0.8
    m["Ep"].value = 600.0
    return m


def _gbm_n6():
    f = grb090217a("n6")
    return DataUnit(f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat", notc=GBM_NOTC,
                    name="n6")


# ------------------------------------------------------------------ io writers
def test_io_writers_pass_the_checker_on_bundled_files(tmp_path):
    f = grb090217a("n6")
    for kind, src in (("pha", f["src"]), ("bkg", f["bkg"])):
        s = bio.read_pha(src)
        out = tmp_path / f"{kind}.pha"
        bio.write_pha(out, s)
        check_file(out)
        out2 = tmp_path / f"{kind}2.pha"
        bio.write_pha(out2, bio.read_pha_series(src))
        check_file(out2)
    for compact in (True, False):
        out = tmp_path / f"rsp{compact}.rsp"
        bio.write_rmf(out, bio.read_rmf(f["rsp"]), compact=compact)
        assert check_file(out) == {"SPECRESP MATRIX": 1, "EBOUNDS": 1}


def test_io_writers_pass_the_checker_on_shared_files(shared, tmp_path):
    d = shared / "hess_crab"
    c = shared / "chandra_3c273"
    for src in (d / "pha_obs23523.fits", d / "bkg_obs23523.fits", c / "3c273.pi",
                shared / "rosat_pspc" / "xrbg_xspec.pi"):
        out = tmp_path / src.name
        bio.write_pha(out, bio.read_pha(str(src)))
        check_file(out)
    for rmf in (d / "rmf_obs23523.fits", c / "3c273.rmf",
                shared / "gbm_bn080916009" / "glg_cspec_n3_bn080916009_v00.rsp2"):
        if not rmf.exists():
            continue
        out = tmp_path / rmf.name
        mats = [bio.read_rmf(str(rmf), int(v)) for v in bio.list_matrices(str(rmf))["extver"]]
        bio.write_rmf(out, mats if len(mats) > 1 else mats[0])
        check_file(out)
    for arf in (d / "arf_obs23523.fits", c / "3c273.arf"):
        out = tmp_path / arf.name
        bio.write_arf(out, bio.read_arf(str(arf)))
        check_file(out)


def test_missing_mandatory_keywords_get_ogip_defaults(tmp_path):
    src = tmp_path / "bare.pha"
    make_pha(src, counts=(1, 2, 3, 4))
    s = bio.read_pha(str(src))
    assert "TELESCOP" not in s.header
    out = tmp_path / "out.pha"
    bio.write_pha(out, s)
    check_file(out)
    h = fits.getheader(out, "SPECTRUM")
    assert (h["TELESCOP"], h["INSTRUME"], h["FILTER"]) == ("UNKNOWN", "UNKNOWN", "NONE")
    e = np.geomspace(1.0, 10.0, 5)
    m = bio.RmfMatrix(energ_lo=e[:-1], energ_hi=e[1:], matrix=np.eye(4), e_min=e[:-1],
                      e_max=e[1:])
    bio.write_rmf(tmp_path / "x.rmf", m)
    check_file(tmp_path / "x.rmf")
    h = fits.getheader(tmp_path / "x.rmf", "MATRIX")
    assert h["LO_THRES"] == 0 and h["TELESCOP"] == "UNKNOWN" and h["CHANTYPE"] == "PI"
    bio.write_arf(tmp_path / "x.arf", bio.ArfCurve(energ_lo=e[:-1], energ_hi=e[1:],
                                                   specresp=np.ones(4)))
    check_file(tmp_path / "x.arf")


def test_float_counts_are_written_as_rate_not_counts(tmp_path):
    s = bio.read_pha(grb090217a("n6")["bkg"])
    s.is_rate = False  # as if they came from a stacked or simulated background
    out = tmp_path / "b.pha"
    bio.write_pha(out, s)
    assert no_float_counts(out)
    back = bio.read_pha(str(out))
    assert back.is_rate
    np.testing.assert_allclose(back.counts, s.counts, rtol=4e-16, atol=0)
    np.testing.assert_allclose(back.stat_err, s.stat_err, rtol=4e-16, atol=0)
    with fits.open(out) as h:
        assert h["SPECTRUM"].columns["RATE"].unit == "count/s"


def test_ancrfile_none_is_not_a_path(tmp_path):
    src = tmp_path / "p.pha"
    make_pha(src, ANCRFILE="none", RESPFILE="NONE", BACKFILE="None")
    s = bio.read_pha(str(src))
    assert s.ancrfile is None and s.respfile is None and s.backfile is None
    u = _gbm_n6()
    out = tmp_path / "u"
    u.write(out)
    assert fits.getheader(out / "n6.pha", "SPECTRUM")["ANCRFILE"] == "none"
    v = DataUnit(str(out / "n6.pha"), stat="pgstat")  # RESPFILE only, no ARF followed
    assert v.arf_ins is None


# ------------------------------------------------------------------ DataUnit.write
def test_gbm_n6_unit_write_round_trip_pgstat(tmp_path):
    u = _gbm_n6()
    m = _cpl()
    u.fit_with = m
    s0 = u.stat_sum()
    index = u.write(tmp_path)
    files = check_set(tmp_path / "n6.pha")
    assert files["arf"] is None and files["rmf"].name == "n6.rsp"
    assert no_float_counts(files["bkg"])
    with fits.open(files["bkg"]) as h:
        assert "RATE" in h["SPECTRUM"].columns.names
        assert h["SPECTRUM"].header["HDUCLAS3"] == "RATE"
    for back in (DataUnit.read(index),
                 DataUnit(str(tmp_path / "n6.pha"), stat="pgstat", notc=GBM_NOTC)):
        back.fit_with = m
        assert back.stat_sum() == pytest.approx(s0, rel=1e-10)


def test_chantype_and_keywords_follow_the_pha(tmp_path):
    u = _gbm_n6()
    u.write(tmp_path)
    src = fits.getheader(grb090217a("n6")["src"], "SPECTRUM")
    for name, ext in (("n6.pha", "SPECTRUM"), ("n6.rsp", "SPECRESP MATRIX"),
                      ("n6.rsp", "EBOUNDS"), ("n6_bkg.pha", "SPECTRUM")):
        h = fits.getheader(tmp_path / name, ext)
        assert h["CHANTYPE"] == src["CHANTYPE"], (name, ext)
        assert h["TELESCOP"] == src["TELESCOP"] and h["INSTRUME"] == src["INSTRUME"]
        assert "FILTER" in h
    assert "LO_THRES" in fits.getheader(tmp_path / "n6.rsp", "SPECRESP MATRIX")


def test_rmf_arf_unit_is_written_as_rmf_and_arf(shared, tmp_path):
    d = shared / "hess_crab"
    u = DataUnit(str(d / "pha_obs23523.fits"), stat="wstat", name="run23523")
    assert u.arf_ins is not None
    pl = PowerLaw()
    pl.settings["E0"] = 1e9
    pl["K"].prior = LogUniform(1e-30, 1e1)
    pl["K"].value = 5e-20
    pl["alpha"].value = -2.6
    u.fit_with = pl
    s0 = u.stat_sum()
    index = u.write(tmp_path)
    files = check_set(tmp_path / "run23523.pha")
    assert files["rmf"].name == "run23523.rmf" and files["arf"].name == "run23523.arf"
    with fits.open(files["rmf"]) as h:
        assert h[1].name == "MATRIX" and h[1].header["HDUCLAS3"] == "REDIST"
    with fits.open(files["pha"]) as h:
        assert h["SPECTRUM"].columns["BACKSCAL"].format == "D"
        assert h["SPECTRUM"].header["OBS_ID"] == 23523
    back = DataUnit.read(index)
    assert back.arf_ins is not None
    back.fit_with = pl
    assert back.stat_sum() == pytest.approx(s0, rel=1e-12)


def test_chandra_and_rosat_units_pass_the_checker(shared, tmp_path):
    c = shared / "chandra_3c273"
    chandra = DataUnit(str(c / "3c273.pi"), stat="wstat", name="chandra")
    r = shared / "rosat_pspc"
    rosat = DataUnit(str(r / "xrbg_xspec.pi"), bkg=False, rsp=str(r / "pspcc_gain1_256.rsp"),
                     stat="chi2", name="rosat")
    index = Data([chandra, rosat]).write(tmp_path)
    files = check_set(tmp_path / "chandra.pha")
    assert files["arf"] is not None
    check_set(tmp_path / "rosat.pha")
    back = Data.read(index)
    np.testing.assert_array_equal(back["chandra"].src_counts, chandra.src_counts)
    np.testing.assert_allclose(back["rosat"].src_counts, rosat.src_counts, rtol=4e-16)
