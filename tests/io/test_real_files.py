"""Every real OGIP file loads with the header's channel count, exposure and scales."""

import glob
import os

import numpy as np
import pytest
from astropy.io import fits

from bayspec import io as bio
from bayspec.errors import DataFormatError


def _spectrum_hdu(path):
    with fits.open(path) as h:
        for hdu in h:
            if hdu.header.get("EXTNAME") == "SPECTRUM":
                return hdu.header.copy(), hdu.data.copy()
    raise AssertionError("no SPECTRUM")


def _classify(path):
    with fits.open(path) as h:
        names = [str(x.header.get("EXTNAME", "")) for x in h]
    if "SPECTRUM" in names:
        return "pha"
    if "MATRIX" in names or "SPECRESP MATRIX" in names:
        return "rmf"
    if "SPECRESP" in names:
        return "arf"
    if "EVENTS" in names or "PARAMETERS" in names:
        return "other"  # event lists and table models: not spectra or responses
    return None


def _files(root):
    out = []
    for f in sorted(glob.glob(str(root / "**" / "*"), recursive=True)):
        if os.path.isdir(f) or f.endswith((".md", ".rst")) or "xsect" in f:
            continue
        out.append(f)
    return out


def _check_pha(path):
    header, data = _spectrum_hdu(path)
    series = bio.read_pha_series(path)
    nchan = header["DETCHANS"]
    assert series.nchan == nchan
    type2 = np.ndim(data[data.names[0]]) > 1 or len(data) != nchan
    assert series.nrow == (len(data) if type2 else 1)
    if "EXPOSURE" in data.names:
        assert np.array_equal(series.exposure, np.asarray(data["EXPOSURE"], float))
    else:
        assert np.all(series.exposure == header["EXPOSURE"])
    for name in ("BACKSCAL", "AREASCAL"):
        v = getattr(series, name.lower())
        if name in data.names:
            assert np.array_equal(np.ravel(v), np.ravel(np.asarray(data[name], float)))
        else:
            assert v == header.get(name, 1.0)
    counts_col = "COUNTS" if "COUNTS" in data.names else "RATE"
    raw = np.asarray(data[counts_col], float).reshape(series.nrow, nchan)
    factor = series.exposure[:, None] if counts_col == "RATE" else 1.0
    assert np.array_equal(series.counts, raw * factor, equal_nan=True)
    assert series.is_rate == (counts_col == "RATE")
    good = np.isfinite(series.exposure) & (series.exposure > 0)
    row = int(np.argmax(good))
    one = bio.read_pha((path, row)) if series.nrow > 1 else bio.read_pha(path)
    assert one.nchan == nchan and one.exposure == series.exposure[row]
    assert one.channel.shape == (nchan,)


def _check_rmf(path):
    table = bio.list_matrices(path)
    for ver in table["extver"]:
        r = bio.read_rmf(path, int(ver))
        assert r.matrix.shape == (r.energ_lo.size, r.e_min.size)
        with fits.open(path) as h:
            ext = [x for x in h if x.name in ("MATRIX", "SPECRESP MATRIX")][list(table["extver"]).index(ver)]
            assert r.matrix.shape == (ext.header["NAXIS2"], ext.header["DETCHANS"])
        assert np.all(np.isfinite(r.matrix))
        assert np.all(r.energ_hi >= r.energ_lo)


def _check_arf(path):
    a = bio.read_arf(path)
    with fits.open(path) as h:
        assert a.nphot == h["SPECRESP"].header["NAXIS2"]
        assert np.array_equal(a.specresp, np.asarray(h["SPECRESP"].data["SPECRESP"], float))


CHECKS = {"pha": _check_pha, "rmf": _check_rmf, "arf": _check_arf, "other": lambda path: None}


def test_every_shared_file_loads(shared):
    seen = {"pha": 0, "rmf": 0, "arf": 0, "other": 0}
    for f in _files(shared):
        kind = _classify(f)
        assert kind is not None, f
        CHECKS[kind](f)
        seen[kind] += 1
    assert seen["pha"] >= 30 and seen["rmf"] >= 15 and seen["arf"] >= 5


def test_every_bundled_file_loads(bundled):
    files = _files(bundled)
    assert len(files) == 20
    for f in files:
        CHECKS[_classify(f)](f)


def test_gbm_series_details(bundled):
    f = bundled / "gbm_bn080916009" / "glg_cspec_n3_bn080916009_v01.pha"
    s = bio.read_pha_series(f)
    assert s.counts.shape == (1859, 128)
    assert s.first_channel == 0 and s.channel[-1] == 127  # from EBOUNDS (no CHANNEL column)
    assert (s.exposure <= 0).sum() == 1  # kept in the series
    assert np.all(s.tstop > s.tstart)
    assert s.quality.shape == (1859, 128)  # scalar-per-row QUALITY broadcast
    assert s.poisserr and s.stat_err is None
    bad = int(np.flatnonzero(s.exposure <= 0)[0])
    with pytest.raises(DataFormatError, match="EXPOSURE"):
        bio.read_pha(f, bad)


def test_gbm_rate_background(bundled):
    b = bio.read_pha(bundled / "gbm_bn090217206" / "bn090217206_n6_bkgspectra.bak")
    assert b.is_rate and b.hduclas2 == "BKG" and b.row == 0
    assert b.first_channel == 0
    assert np.allclose(b.sys_err, 0.03)
    assert b.stat_err is not None and not b.poisserr
    assert b.exposure == 20.0
    s = bio.read_pha(bundled / "gbm_bn090217206" / "bn090217206_n6_srcspectra.pha")
    assert s.first_channel == 1 and s.respfile.endswith("weightedrsp.rsp{1}")
    assert s.backfile is not None and s.ancrfile is None


def test_gbm_rsp2(bundled):
    f = bundled / "gbm_bn080916009" / "glg_cspec_b0_bn080916009_v00.rsp2"
    t = bio.list_matrices(f)
    assert list(t["extver"]) == [1, 2, 3]
    assert list(t.colnames) == ["extver", "tstart", "tstop", "nphot", "nchan"]
    assert np.all(t["nphot"] == 140) and np.all(t["nchan"] == 128)
    r2 = bio.read_rmf(f, 2)
    assert r2.extver == 2 and r2.tstart == t["tstart"][1]
    assert r2.first_channel == 1  # F_CHAN 1-based although EBOUNDS counts from 0
    assert r2.is_full_response
    assert not np.array_equal(r2.matrix, bio.read_rmf(f, 1).matrix)
    with pytest.raises(DataFormatError, match="EXTVER"):
        bio.read_rmf(f)


def test_swift_xrt(shared):
    d = shared / "swift_xrt"
    r = bio.read_rmf(d / "swxpc0to12s6_20130101v014.rmf.gz")
    assert r.matrix.shape == (2400, 1024) and r.energ_lo[0] == 0.0 and r.first_channel == 0
    p = bio.read_pha(d / "target_sr.pha")
    assert p.poisserr and p.first_channel == 0 and p.row is None
    a = bio.read_arf(d / "target_sr.arf")
    assert np.array_equal(a.energ_lo, r.energ_lo)


def test_chandra_grouping_quality(shared):
    p = bio.read_pha(shared / "chandra_3c273" / "3c273.pi")
    assert (p.grouping == 1).sum() == 46
    assert p.backfile == "3c273_bg.pi" and p.ancrfile == "3c273.arf"
    r = bio.read_rmf(shared / "chandra_3c273" / "3c273.rmf")
    assert r.matrix.shape == (1090, 1024) and not r.is_full_response


def test_rosat_rate_quality(shared):
    p = bio.read_pha(shared / "rosat_pspc" / "xrbg_xspec.pi")
    assert p.is_rate and p.hduclas2 == "NET" and (p.quality != 0).sum() == 62
    r = bio.read_rmf(shared / "rosat_pspc" / "pspcc_gain1_256.rsp")
    assert r.is_full_response and r.matrix.shape == (729, 256)


def test_hess_backscal_column(shared):
    p = bio.read_pha(shared / "hess_crab" / "pha_obs23523.fits")
    assert isinstance(p.backscal, np.ndarray) and p.backscal.shape == (80,)
    assert (p.quality != 0).sum() == 39


def test_swift_rmf_speed(shared):
    import time

    from astropy.io import fits as _fits

    from bayspec.io import _columns, rmf

    path = shared / "swift_xrt" / "swxpc0to12s6_20130101v014.rmf.gz"
    with _fits.open(path, memmap=False) as h:
        tab = _columns.Table(h["MATRIX"], str(path), "MATRIX")
        groups = rmf._groups(tab, 2400)
        best = np.inf
        for _ in range(3):
            t = time.perf_counter()
            rmf._dense(tab, groups, 2400, 1024, 0)
            best = min(best, time.perf_counter() - t)
    assert best < 0.25  # aim < 50 ms; generous bound for loaded CI machines
