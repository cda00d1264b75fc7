"""SpectrumStore on synthetic series: layout, lazy reads, keys, errors."""

import h5py
import numpy as np
import pytest

from bayspec.errors import StoreError
from bayspec.store import SpectrumStore


def _series(nrow=50, nchan=16, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "counts": rng.poisson(5, (nrow, nchan)).astype(float),
        "exposure": np.linspace(1.0, 2.0, nrow),
        "tstart": np.arange(nrow, dtype=float),
        "tstop": np.arange(nrow, dtype=float) + 1.0,
        "quality": np.zeros(nrow, int),          # one value per row, broadcast
        "channel": np.arange(1, nchan + 1),
    }


@pytest.fixture
def store(tmp_path):
    s = SpectrumStore(tmp_path / "s.h5")
    s.write_series("grb/gbm/n3/tte", _series(), {"first_channel": 1, "poisserr": True},
                   background=(_series(1, seed=1), {"first_channel": 1}))
    s.write_series("grb/gbm/b0/tte", _series(20, seed=2), {})
    return s


def test_read_row_slice_fancy(store):
    ref = _series()
    r = store.read("grb/gbm/n3/tte", 7)
    assert r.counts.shape == (16,) and np.array_equal(r.counts, ref["counts"][7])
    assert r.counts.dtype == np.float64          # int32 on disk, float64 when read
    assert r.exposure == ref["exposure"][7] and r.rows == 7 and r.nrow == 1
    assert r.stat_err is None and r.sys_err is None
    assert np.array_equal(r.quality, np.zeros(16))
    s = store.read("grb/gbm/n3/tte", slice(10, 20))
    assert s.counts.shape == (10, 16) and np.array_equal(s.counts, ref["counts"][10:20])
    f = store.read("grb/gbm/n3/tte", [30, 3, 30], fields=["counts", "exposure"])
    assert np.array_equal(f.counts, ref["counts"][[30, 3, 30]])
    assert set(f.data) == {"counts", "exposure"}
    assert np.array_equal(store.read("grb/gbm/n3/tte", -1).counts, ref["counts"][-1])
    b = store.read("grb/gbm/n3/tte", 0, background=True)
    assert b.background and b.counts.shape == (16,)


def test_layout_chunked_compressed(store):
    with h5py.File(store.path, "r") as f:
        g = f["spectra/grb/gbm/n3/tte"]
        assert g["counts"].shape == (50, 16)
        assert g["counts"].compression == "gzip"
        assert g["counts"].chunks[1] == 16 and g["counts"].chunks[0] <= 50
        assert g.attrs["nrow"] == 50 and g.attrs["complete"]
        assert not any(n.startswith(".") for n in f["spectra/grb/gbm/n3"])


def test_keys_iteration(store):
    assert store.keys() == ["grb/gbm/b0/tte", "grb/gbm/n3/tte"]
    assert store.keys(detector="n3") == ["grb/gbm/n3/tte"]
    assert list(store) == store.keys() and len(store) == 2
    assert "grb/gbm/n3/tte" in store and "grb/gbm/n4/tte" not in store
    assert ("grb", "gbm", "b0", "tte") in store
    assert store.nrow("grb/gbm/b0/tte") == 20
    t0, t1 = store.times("grb/gbm/b0/tte")
    assert np.array_equal(t1 - t0, np.ones(20))
    info = store.info("grb/gbm/n3/tte")
    assert info["has_background"] and info["first_channel"] == 1


def test_with_block_keeps_file_open(store):
    with store:
        a = store.read("grb/gbm/n3/tte", 1).counts
        b = store.read("grb/gbm/n3/tte", 1).counts
    assert np.array_equal(a, b)


def test_missing_key_lists_nearby(store):
    with pytest.raises(StoreError) as e:
        store.read("grb/gbm/n4/tte", 0)
    msg = str(e.value)
    assert "grb/gbm/n3/tte" in msg and str(store.path) in msg and "grb/gbm/n4/tte" in msg
    assert not isinstance(e.value, KeyError)


def test_errors(store, tmp_path):
    with pytest.raises(StoreError, match="out of range"):
        store.read("grb/gbm/n3/tte", 50)
    with pytest.raises(StoreError, match="out of range"):
        store.read("grb/gbm/n3/tte", [0, 99])
    with pytest.raises(StoreError, match="exists"):
        store.write_series("grb/gbm/n3/tte", _series(), {})
    with pytest.raises(StoreError, match="source/instrument/detector/series"):
        store.read("grb/gbm/n3", 0)
    with pytest.raises(StoreError, match="invalid"):
        store.write_series("grb/gbm/.x/tte", _series(), {})
    with pytest.raises(StoreError, match="no background"):
        store.read("grb/gbm/b0/tte", 0, background=True)
    with pytest.raises(StoreError, match="unknown field"):
        store.read("grb/gbm/b0/tte", 0, fields=["bogus"])
    with pytest.raises(StoreError, match="needs 'exposure'"):
        store.write_series("grb/gbm/n5/tte", {"counts": np.ones((2, 3))}, {})
    with pytest.raises(StoreError, match="incompatible"):
        store.write_series("grb/gbm/n5/tte", {"counts": np.ones((2, 3)), "exposure": 1.0,
                                              "quality": np.zeros((3, 3))}, {})
    ro = SpectrumStore(store.path, mode="r")
    with pytest.raises(StoreError, match="read-only"):
        ro.write_series("grb/gbm/n9/tte", _series(), {})
    with pytest.raises(StoreError, match="no such store file"):
        SpectrumStore(tmp_path / "absent.h5", "r").read("a/b/c/d", 0)
    bad = tmp_path / "bad.h5"
    bad.write_bytes(b"this is not HDF5" * 100)
    with pytest.raises(StoreError, match="corrupt") as e:
        SpectrumStore(bad).read("a/b/c/d", 0)
    assert str(bad) in str(e.value)
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f.attrs["format"] = "something-else"
    with pytest.raises(StoreError, match="not a bayspec store"):
        SpectrumStore(foreign).keys()


def test_overwrite_and_delete(store):
    store.write_series("grb/gbm/b0/tte", _series(5, seed=9), {}, overwrite=True)
    assert store.nrow("grb/gbm/b0/tte") == 5
    store.delete("grb/gbm/b0/tte")
    assert store.keys() == ["grb/gbm/n3/tte"]
    with pytest.raises(StoreError):
        store.delete("grb/gbm/b0/tte")


def test_half_written_series_is_invisible(store):
    # a killed import leaves a hidden temporary group: readers ignore it
    with h5py.File(store.path, "a") as f:
        f["spectra/grb/gbm/n3"].create_group(".incoming-tte2")
        f["spectra/grb/gbm/n3"].create_group("tte3")  # no 'complete' flag
    assert store.keys() == ["grb/gbm/b0/tte", "grb/gbm/n3/tte"]
    store.write_series("grb/gbm/n3/tte4", _series(3), {})
    with h5py.File(store.path, "r") as f:
        assert ".incoming-tte2" not in f["spectra/grb/gbm/n3"]


def test_store_facade(tmp_path):
    from bayspec.store import Store, as_store
    st = as_store(tmp_path / "d.h5")
    assert isinstance(st, Store) and as_store(st) is st
    assert st.results.path.name == "d.results.h5"
    with st:
        with st:   # nested blocks share one handle
            st.spectra.write_series("a/b/c/d", _series(3), {})
        assert st.spectra._f is not None
    assert st.spectra._f is None and st.keys() == ["a/b/c/d"] and "a/b/c/d" in st
    with pytest.raises(StoreError, match="no such store file"):
        with Store(tmp_path / "none.h5", mode="r"):
            pass
