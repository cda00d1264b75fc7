"""Real files: every pair loads with its background and response; reference counts."""

import io
import warnings

import numpy as np
import pytest
from astropy.io import fits

from bayspec.data import Auxiliary, Data, DataUnit, Redistribution, Response, Source
from bayspec.errors import ChannelMismatchError, DataFileError, DataFormatError

# (folder, src, bkg, rsp | (rmf, arf), stat, src row)
SHARED_UNITS = [
    ("chandra_3c273", "3c273.pi", "3c273_bg.pi", ("3c273.rmf", "3c273.arf"), "wstat", None),
    ("swift_xrt", "target_sr.pha", False,
     ("swxpc0to12s6_20130101v014.rmf.gz", "target_sr.arf"), "cstat", None),
    ("rosat_pspc", "xrbg_xspec.pi", False, "pspcc_gain1_256.rsp", "chi2", None),
    ("grb110731a_bat_gbm", "gbm_bat_joint_BAT.pha", False, "gbm_bat_joint_BAT.rsp", "chi2", None),
    ("grb110731a_bat_gbm", "gbm_bat_joint_NAI_06.pha", "gbm_bat_joint_NAI_06.bak",
     "gbm_bat_joint_NAI_06.rsp", "pgstat", None),
    ("grb110731a_bat_gbm", "gbm_bat_joint_BGO_00.pha", "gbm_bat_joint_BGO_00.bak",
     "gbm_bat_joint_BGO_00.rsp", "pgstat", None),
    ("bayspec_examples", "HE/he.src", "HE/he.bkg", "HE/he.rsp", "pgstat", None),
    ("bayspec_examples", "ME/me.src", "ME/me.bkg", "ME/me.rsp", "pgstat", None),
    ("bayspec_examples", "ME/me2.src", "ME/me2.bkg", "ME/me2.rsp", "pgstat", None),
    ("bayspec_examples", "ME/me.src2", "ME/me.bkg2", "ME/me.rsp2", "pgstat", 4),
    ("gbm_bn080916009", "glg_cspec_n3_bn080916009_v01.pha", False,
     "glg_cspec_n3_bn080916009_v00.rsp2{2}", "cstat", 500),
] + [("gbm_bn090217206", f"bn090217206_{d}_srcspectra.pha", f"bn090217206_{d}_bkgspectra.bak",
      f"bn090217206_{d}_weightedrsp.rsp", "pgstat", None) for d in ("n6", "n9", "b1")] + [
    ("hess_crab", f"pha_obs{r}.fits", f"bkg_obs{r}.fits", (f"rmf_obs{r}.fits", f"arf_obs{r}.fits"),
     "wstat", None) for r in (23523, 23526, 23559, 23592)]


def _spectrum_hdu(path):
    hdul = fits.open(path)
    return hdul["SPECTRUM"]


def _header_value(hdu, key, row):
    if key in hdu.columns.names:
        v = hdu.data[key][row or 0]
        return np.asarray(v, dtype=float)
    return float(hdu.header.get(key, 1.0))


def _check_against_headers(u, path, row, which):
    hdu = _spectrum_hdu(path)
    spec = u.src_ins if which == "src" else u.bkg_ins
    assert spec.nchan == int(hdu.header["DETCHANS"])
    assert spec.exposure == pytest.approx(float(_header_value(hdu, "EXPOSURE", row)), rel=1e-12)
    assert np.allclose(spec.backscale, _header_value(hdu, "BACKSCAL", row))
    assert np.allclose(spec.areascal, _header_value(hdu, "AREASCAL", row))


def _unit(root, folder, src, bkg, rsp, stat, row):
    p = lambda f: str(root / folder / f)
    kw = {"stat": stat}
    if isinstance(rsp, tuple):
        kw.update(rmf=p(rsp[0]), arf=p(rsp[1]))
    else:
        kw["rsp"] = p(rsp)
    s = p(src) if row is None else (p(src), row)
    b = bkg if bkg is False else (p(bkg) if row is None else (p(bkg), row))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # NaN channels in the bayspec examples
        return DataUnit(s, b, **kw)


@pytest.mark.shared
@pytest.mark.parametrize("case", SHARED_UNITS, ids=[c[1] for c in SHARED_UNITS])
def test_every_shared_pair_loads(shared, case):
    folder, src, bkg, rsp, stat, row = case
    u = _unit(shared, folder, src, bkg, rsp, stat, row)
    assert u.src_ins.nchan == u.rsp_ins.nchan
    _check_against_headers(u, shared / folder / src, row, "src")
    if bkg is not False:
        assert u.bkg_ins.nchan == u.src_ins.nchan
        _check_against_headers(u, shared / folder / bkg, row, "bkg")
    assert u.npoint > 0 and u.rsp_drm.shape == (u.nbin, u.npoint)
    assert u.src_counts.dtype == np.float64 and np.isfinite(u.src_counts).all()


@pytest.mark.parametrize("det", ["n6", "n9", "b1"])
def test_bundled_gbm_loads(bundled, det):
    d = bundled / "gbm_bn090217206"
    stem = f"bn090217206_{det}"
    u = DataUnit(str(d / f"{stem}_srcspectra.pha"), str(d / f"{stem}_bkgspectra.bak"),
                 rsp=str(d / f"{stem}_weightedrsp.rsp"))
    _check_against_headers(u, d / f"{stem}_srcspectra.pha", 0, "src")
    _check_against_headers(u, d / f"{stem}_bkgspectra.bak", 0, "bkg")
    assert u.npoint == 128 and u.stat == "pgstat"
    # channels 1-based in the source, 0-based in the background: aligned by position
    assert u.src_ins.channel[0] == 1 and u.bkg_ins.channel[0] == 0
    # energies come from the response's EBOUNDS
    rsp_eb = fits.open(d / f"{stem}_weightedrsp.rsp")["EBOUNDS"].data
    assert np.allclose(u.rsp_chbin[:, 0], rsp_eb["E_MIN"])


def test_bundled_keywords_absolute_paths_resolved_beside_pha(bundled):
    # RESPFILE/BACKFILE hold /home/giacomov/... paths: the base names are found beside the PHA
    src = bundled / "gbm_bn090217206" / "bn090217206_n6_srcspectra.pha"
    u = DataUnit.from_pha(str(src))
    assert u.bkg_ins.name.startswith("bn090217206_n6_bkgspectra.bak")
    assert u.rsp_ins.name.startswith("bn090217206_n6_weightedrsp.rsp")
    assert DataUnit(src=str(src)).npoint == 128


def test_gbm_n6_reference_selection(bundled):
    d = bundled / "gbm_bn090217206"
    u = DataUnit(str(d / "bn090217206_n6_srcspectra.pha"), notc=[[9.0, 31.0], [38.8, 954.0]])
    assert u.npoint == 117
    assert u.grouping.index.tolist() == list(range(4, 21)) + list(range(26, 126))


def test_bytesio_source(bundled):
    d = bundled / "gbm_bn090217206"
    raw = io.BytesIO((d / "bn090217206_n6_srcspectra.pha").read_bytes())
    u = DataUnit(raw, str(d / "bn090217206_n6_bkgspectra.bak"),
                 rsp=str(d / "bn090217206_n6_weightedrsp.rsp"))
    assert u.npoint == 128


def test_negative_exposure_row(bundled):
    f = str(bundled / "gbm_bn080916009" / "glg_cspec_n3_bn080916009_v01.pha")
    with pytest.raises(DataFormatError, match="(?i)exposure"):
        Source.from_src2(f, 1145)


def test_missing_keyword_file_named(shared):
    f = str(shared / "grb110731a_bat_gbm" / "gbm_bat_joint_NAI_06.pha")
    with pytest.raises(DataFileError, match="BACKFILE.*GRB110731465_NAI_06.bak"):
        DataUnit(f, stat="cstat")


def test_channel_mismatch_real_files(bundled):
    d = bundled / "grb110731a_bat_gbm"
    with pytest.raises(ChannelMismatchError, match="source.*128.*response.*80"):
        DataUnit(str(d / "gbm_bat_joint_NAI_06.pha"), str(d / "gbm_bat_joint_NAI_06.bak"),
                 rsp=str(d / "gbm_bat_joint_BAT.rsp"))


def test_no_response_keyword(make_parts):
    src, _, _ = make_parts()
    with pytest.raises(DataFormatError, match="RESPFILE: no response"):
        DataUnit(src, False, stat="cstat")


def test_3c273_grouping_and_notice(shared):
    d = shared / "chandra_3c273"
    u = DataUnit(str(d / "3c273.pi"), stat="wstat")  # bkg, rmf, arf from keywords
    assert u.bkg_ins.name == "3c273_bg.pi" and u.arf_ins is not None
    assert u.npoint == 46
    u.notc = [[0.5, 3], [4, 7]]
    assert u.npoint == 35
    u.grpg = "none"
    assert u.npoint == 375
    u.notc = None
    assert u.npoint == 1024
    # alpha = ts/tb with the BACKSCALs
    hs, hb = fits.getheader(d / "3c273.pi", 1), fits.getheader(d / "3c273_bg.pi", 1)
    alpha = hs["EXPOSURE"] * hs["BACKSCAL"] / (hb["EXPOSURE"] * hb["BACKSCAL"])
    assert np.allclose(u.alpha, alpha)


def test_3c273_rmf_times_arf_files(shared):
    d = shared / "chandra_3c273"
    rmf = Redistribution.from_rmf(str(d / "3c273.rmf"))
    arf = Auxiliary.from_arf(str(d / "3c273.arf"))
    rsp = rmf * arf
    assert isinstance(rsp, Response) and rsp.drm.shape == (1090, 1024)
    assert np.allclose(rsp.drm, rmf.drm * arf.srp[:, None])
    other = Auxiliary.from_arf(str(shared / "swift_xrt" / "target_sr.arf"))
    with pytest.raises(DataFormatError, match="photon grids differ"):
        rmf * other


def test_hess_per_channel_backscal(shared):
    d = shared / "hess_crab"
    u = DataUnit(str(d / "pha_obs23523.pha".replace(".pha", ".fits")), stat="wstat")
    q = fits.getdata(d / "pha_obs23523.fits", "SPECTRUM")["QUALITY"]
    assert u.grouping.index.size == int((q == 0).sum())
    assert u.src_efficiency.shape == (u.npoint,)


def test_data_from_real_units(bundled):
    d = bundled / "gbm_bn090217206"
    units = {det: DataUnit.from_pha(str(d / f"bn090217206_{det}_srcspectra.pha"))
             for det in ("n6", "n9", "b1")}
    data = Data(units)
    assert data.names == ["n6", "n9", "b1"] and data.npoints == [128, 128, 128]
    data["n9"].notc = [[9.0, 31.0], [38.8, 954.0]]
    assert data.npoints[1] < 128
    assert [x.shape[1] for x in data.rsp_drm] == data.npoints
