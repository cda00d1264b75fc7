"""Real GBM data (GRB 080916C CSPEC n3, 1859 rows; RSP2 for n3 and b0) through the store."""

import hashlib
import time

import numpy as np
import pytest

from bayspec.errors import OverwriteError, StoreError
from bayspec.io import list_matrices, read_pha, read_pha_series, read_rmf
from bayspec.store import (
    Store,
    export_ogip,
    import_ogip,
    import_response,
    load_unit_inputs,
    row_key,
    write_response,
)

GRB = "gbm_bn080916009"
PHA = "glg_cspec_n3_bn080916009_v01.pha"
RSP_N3 = "glg_cspec_n3_bn080916009_v00.rsp2"
RSP_B0 = "glg_cspec_b0_bn080916009_v00.rsp2"
KEY = "bn080916009/gbm/n3/cspec"


@pytest.fixture(scope="module")
def files(request):
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "src" / "bayspec" / "_bundled" / GRB
    return {"pha": root / PHA, "n3": root / RSP_N3, "b0": root / RSP_B0}


@pytest.fixture(scope="module")
def store(tmp_path_factory, files):
    st = Store(tmp_path_factory.mktemp("store") / "grb.h5")
    key = import_ogip(st, files["pha"], rsp=files["n3"], source="bn080916009",
                      instrument="gbm", detector="n3", series="cspec")
    assert key == KEY
    return st


@pytest.fixture(scope="module")
def orig(files):
    return read_pha_series(files["pha"])


def test_series_stored(store, orig):
    assert store.keys() == [KEY]
    assert store.spectra.nrow(KEY) == 1859
    r = store.spectra.read(KEY)
    for name in ("counts", "exposure", "tstart", "tstop", "quality", "grouping"):
        assert np.array_equal(r.data[name], getattr(orig, name)), name
    assert np.array_equal(r.channel, orig.channel)            # no CHANNEL column in file
    assert r.exposure[1145] < 0                                # negative exposure kept
    assert r.stat_err is None and r.attrs["poisserr"]


def test_lazy_row_and_slice(store, orig, files):
    one = store.spectra.read(KEY, 1000)
    assert np.array_equal(one.counts, read_pha(files["pha"], 1000).counts)
    part = store.spectra.read(KEY, slice(500, 520))
    assert np.array_equal(part.counts, orig.counts[500:520])
    assert np.array_equal(part.tstart, orig.tstart[500:520])


def test_row_read_time_and_size(store, files):
    nrow = 1859
    with store:
        t0 = time.perf_counter()
        for i in range(0, nrow, 7):
            store.spectra.read(KEY, i)
        per_row = (time.perf_counter() - t0) / len(range(0, nrow, 7))
    size = store.path.stat().st_size
    print(f"\nstore size {size / 1024:.0f} KiB (PHA {files['pha'].stat().st_size / 1024:.0f}"
          f" KiB + RSP2 {files['n3'].stat().st_size / 1024:.0f} KiB); "
          f"one-row read {per_row * 1e3:.2f} ms")
    assert per_row < 0.05
    assert size < files["pha"].stat().st_size + files["n3"].stat().st_size


def test_export_reads_identically(store, orig, files, tmp_path):
    out = export_ogip(store, KEY, tmp_path)
    assert set(out) == {"pha", "rsp"} and out["rsp"].suffix == ".rsp2"
    back = read_pha_series(out["pha"])
    for name in ("counts", "exposure", "tstart", "tstop", "quality", "grouping",
                 "channel", "ebounds"):
        assert np.array_equal(getattr(back, name), getattr(orig, name)), name
    for name in ("first_channel", "poisserr", "is_rate", "hduclas2", "backscal",
                 "areascal", "stat_err", "sys_err"):
        assert getattr(back, name) == getattr(orig, name), name
    assert back.header["DETNAM"] == "NAI_03"
    _same_matrices(files["n3"], out["rsp"])


def _same_matrices(a, b):
    ta, tb = list_matrices(a), list_matrices(b)
    assert list(ta["extver"]) == list(tb["extver"]) == [1, 2, 3]
    for ev in ta["extver"]:
        ma, mb = read_rmf(a, index=int(ev)), read_rmf(b, index=int(ev))
        for name in ("matrix", "energ_lo", "energ_hi", "e_min", "e_max"):
            assert np.array_equal(getattr(ma, name), getattr(mb, name)), (ev, name)
        assert (ma.tstart, ma.tstop) == (mb.tstart, mb.tstop)
        assert ma.first_channel == mb.first_channel
        assert ma.is_full_response == mb.is_full_response


def test_b0_rsp2_roundtrip_and_dedup(store, files, tmp_path):
    before = store.responses.hashes()
    assert len(before) == 3
    links = import_response(store, files["b0"])
    assert [lk.extver for lk in links] == [1, 2, 3]
    assert len(store.responses.hashes()) == 6
    again = import_response(store, files["b0"])              # same file: nothing new
    assert again == links and len(store.responses.hashes()) == 6
    # a second series pointing at the same n3 RSP2 stores no new matrix either
    k2 = import_ogip(store, files["pha"], rsp=files["n3"], source="bn080916009",
                     instrument="gbm", detector="n3", series="copy")
    assert len(store.responses.hashes()) == 6
    assert [lk.hash for lk in store.responses.links(k2)] == before or \
        sorted(lk.hash for lk in store.responses.links(k2)) == before
    store.spectra.delete(k2)
    path = write_response(store, links, tmp_path / "b0.rsp2")
    _same_matrices(files["b0"], path)


def test_response_for_rsp2_times(store, files):
    links = store.responses.links(KEY)
    ranges = [(lk.tstart, lk.tstop) for lk in links]
    assert ranges[0][0] == pytest.approx(243216755.8614)
    assert ranges[2][0] == ranges[2][1]                      # zero-width last matrix
    m = store.responses.response_for(KEY, 243216800.0)
    assert m.extver == 1
    assert np.array_equal(m.matrix, read_rmf(files["n3"], index=1).matrix)
    assert store.responses.response_for(KEY, 243216820.0).extver == 2
    assert store.responses.response_for(KEY, 243216900.0).extver == 3    # valid from its TSTART on
    w = store.responses.weights(KEY, 243216800.0, 243216830.0)
    assert set(w) == {links[0].hash, links[1].hash}
    assert sum(w.values()) == pytest.approx(1.0)
    mix = store.responses.response_for(KEY, (243216800.0, 243216830.0))
    ref = sum(w[h] * store.responses.get(h).matrix for h in w)
    assert np.allclose(mix.matrix, ref)


def test_meta_queries(store, orig, files):
    t1, t2 = 243216766.0, 243216800.0
    hits = store.meta.find(detector="n3", tmin=t1, tmax=t2)
    assert [h.key for h in hits] == [KEY]
    ref = np.nonzero((orig.tstop > t1) & (orig.tstart < t2))[0]
    assert np.array_equal(hits[0].rows, ref)
    inside = store.meta.find(detector="n3", tmin=t1, tmax=t2, contained=True)[0].rows
    assert set(inside) <= set(ref) and len(inside) >= len(ref) - 2
    assert store.meta.find(detector="b0") == []
    assert store.meta.find(detector="n3", tmin=0, tmax=1) == []
    cov = store.meta.covering(243216770.0)
    assert len(cov) == 1 and len(cov[0].rows) == 1
    r = int(cov[0].rows[0])
    assert orig.tstart[r] <= 243216770.0 < orig.tstop[r]
    with pytest.raises(StoreError, match="empty time window"):
        store.meta.find(tmin=2, tmax=1)


def test_meta_headers_provenance(store, files):
    h = store.meta.header(KEY)
    assert h["DETNAM"] == "NAI_03" and h["NAXIS2"] == 1859
    assert "SPECTRUM" in store.meta.header_names(KEY)
    prov = store.meta.provenance(KEY)
    pha = [f for f in prov["files"] if f["role"] == "pha"][0]
    assert pha["sha256"] == hashlib.sha256(files["pha"].read_bytes()).hexdigest()
    assert pha["path"].endswith(PHA) and pha["size"] == files["pha"].stat().st_size
    assert prov["import_time"] and "bayspec_version" in prov
    with pytest.raises(StoreError, match="no such header"):
        store.meta.header(KEY, "NOPE")
    with pytest.raises(StoreError, match="no such metadata"):
        store.meta.provenance("bn080916009/gbm/n4/cspec")


def test_load_unit_inputs(store, files):
    u = load_unit_inputs(store, row_key(KEY, 1000))
    ref = read_pha(files["pha"], 1000)
    assert u.row == 1000 and u.bkg is None and u.arf is None
    assert np.array_equal(u.src.counts, ref.counts) and u.src.exposure == ref.exposure
    assert (u.src.tstart, u.src.tstop) == (ref.tstart, ref.tstop)
    assert u.src.header["DETNAM"] == "NAI_03"
    assert u.rsp.matrix.shape == (140, 128) and u.rsp.is_full_response
    t_mid = 0.5 * (ref.tstart + ref.tstop)
    assert u.rsp.extver == store.responses.response_for(KEY, t_mid).extver
    neg = load_unit_inputs(store, KEY, 1145)                 # the store does not judge
    assert neg.src.exposure < 0
    with pytest.raises(StoreError, match="give row"):
        load_unit_inputs(store, KEY)
    with pytest.raises(StoreError, match="out of range"):
        load_unit_inputs(store, KEY, 5000)


def test_import_errors(store, files, tmp_path):
    with pytest.raises(StoreError, match="exists"):
        import_ogip(store, files["pha"], source="bn080916009", instrument="gbm",
                    detector="n3", series="cspec")
    with pytest.raises(StoreError, match="Store or a file path"):
        import_ogip(42, files["pha"], source="a", instrument="b", detector="c")
    export_ogip(store, KEY, tmp_path)
    with pytest.raises(OverwriteError):
        export_ogip(store, KEY, tmp_path)
    assert export_ogip(store, KEY, tmp_path, overwrite=True)["pha"].exists()
