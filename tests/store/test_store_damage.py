"""Damaged and missing store files give our `StoreError` naming the file (and the key):
a truncated file is "truncated or damaged" (it was called "locked by another writer", because
HDF5's message mentions ``sblock``), a corrupt chunk inside the file is not a raw h5py
``OSError``, and a missing path opened read-only is an error, not an empty store."""

import h5py
import pytest

from bayspec.errors import StoreError
from bayspec.examples import bundled_path
from bayspec.store import ResultStore, SpectrumStore, Store, import_ogip

KEY = "bn080916009/gbm/n3/glg_cspec_n3_bn080916009_v01"


@pytest.fixture(scope="module")
def gbm_bytes(tmp_path_factory):
    d = bundled_path("gbm_bn080916009")
    path = tmp_path_factory.mktemp("damage") / "grb.h5"
    with Store(path) as st:
        import_ogip(st, pha=str(d / "glg_cspec_n3_bn080916009_v01.pha"),
                    rsp=str(d / "glg_cspec_n3_bn080916009_v00.rsp2"),
                    source="bn080916009", instrument="gbm", detector="n3")
    with h5py.File(path, "r") as f:
        ds = next(f[n] for n in _datasets(f) if n.endswith(KEY + "/counts"))
        info = ds.id.get_chunk_info(ds.id.get_num_chunks() // 2)
    return path.read_bytes(), info.byte_offset, info.size


def _datasets(f):
    out = []
    f.visititems(lambda n, o: out.append(n) if isinstance(o, h5py.Dataset) else None)
    return out


def test_truncated_store_is_named_truncated_or_damaged(gbm_bytes, tmp_path):
    data = gbm_bytes[0]
    path = tmp_path / "cut.h5"
    path.write_bytes(data[: len(data) // 2])
    for open_it in (lambda: Store(path, mode="r").keys(), lambda: Store(path).keys(),
                    lambda: Store(path, mode="r").__enter__()):
        with pytest.raises(StoreError) as exc:
            open_it()
        msg = str(exc.value)
        assert "truncated or damaged" in msg and "cut.h5" in msg
        assert "locked" not in msg


def test_corrupt_chunk_names_file_and_key(gbm_bytes, tmp_path):
    data, offset, size = gbm_bytes
    bad = bytearray(data)
    bad[offset:offset + size] = b"\xff" * size
    path = tmp_path / "mid.h5"
    path.write_bytes(bytes(bad))
    st = Store(path, mode="r")
    assert st.keys() == [KEY]  # the index is intact ...
    with pytest.raises(StoreError) as exc:  # ... the counts are not
        st.spectra.read(KEY)
    assert exc.value.file == str(path) and exc.value.key == KEY
    assert "damaged HDF5 data" in str(exc.value)
    with st, pytest.raises(StoreError, match="damaged HDF5 data") as exc:
        st.spectra.read(KEY)
    assert exc.value.key == KEY


def test_missing_path_in_read_mode_is_an_error(tmp_path):
    for make in (lambda p: Store(p, mode="r"), lambda p: SpectrumStore(p, mode="r"),
                 lambda p: ResultStore(p, mode="r").records()):
        with pytest.raises(StoreError, match="no such") as exc:
            make(tmp_path / "absent.h5")
        assert exc.value.file == str(tmp_path / "absent.h5")
    assert not (tmp_path / "absent.h5").exists()
    # a read-only data store needs no result file yet
    d = bundled_path("gbm_bn080916009")
    with Store(tmp_path / "s.h5") as st:
        import_ogip(st, pha=str(d / "glg_cspec_n3_bn080916009_v01.pha"),
                    rsp=str(d / "glg_cspec_n3_bn080916009_v00.rsp2"),
                    source="bn080916009", instrument="gbm", detector="n3")
    assert Store(tmp_path / "s.h5", mode="r").keys() == [KEY]
