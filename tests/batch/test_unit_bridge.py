import numpy as np
import pytest
from batch_helpers import GBM, KEY, NEG_EXPOSURE_ROW

from bayspec.errors import DataFormatError, StoreError
from bayspec.store import Store, unit_from_store


def test_unit_from_store_builds_a_fittable_unit(gbm_store):
    u = unit_from_store(gbm_store, KEY, row=1130, notc=[8, 900])
    assert u.name == f"{KEY}#1130"
    assert u.stat == "cstat"  # no background stored
    assert u.bkg_ins is None
    assert u.rsp_drm.shape[1] == u.src_counts.size
    assert np.all(u.ebin[:, 0] < u.ebin[:, 1])
    assert u.src_efficiency[0] == pytest.approx(u.src_ins.exposure)


def test_unit_from_store_row_in_key_and_open_store(gbm_store):
    st = Store(gbm_store, mode="r")
    with st:
        a = unit_from_store(st, f"{KEY}#10", name="a", stat="cstat")
    b = unit_from_store(gbm_store, KEY, 10, name="b")
    np.testing.assert_array_equal(a.src_counts, b.src_counts)
    np.testing.assert_array_equal(a.rsp_drm, b.rsp_drm)


def test_unit_from_store_errors(gbm_store):
    with pytest.raises(DataFormatError, match="exposure"):
        unit_from_store(gbm_store, KEY, NEG_EXPOSURE_ROW)
    with pytest.raises(StoreError):
        unit_from_store(gbm_store, KEY)  # several rows: row needed
    with pytest.raises(StoreError):
        unit_from_store(gbm_store, "no/such/series/key", 0)


def test_file_task_with_rsp2_matches_the_store(gbm_store):
    """A PHA-II row with an RSP2 file: the batch weights the matrices over the row by the
    same rule as the store (the old worker failed: several matrices, none chosen)."""
    from bayspec.batch.tasks import _unit_from_files, tasks_from_files

    row = 605  # 46.59-47.62 s: the second matrix starts just before the row ends
    (task,) = tasks_from_files([{"pha": str(GBM / "glg_cspec_n3_bn080916009_v01.pha"),
                                 "row": row,
                                 "rsp": str(GBM / "glg_cspec_n3_bn080916009_v00.rsp2")}])
    u = _unit_from_files(task, {"notc": [8, 900]})
    ref = unit_from_store(gbm_store, KEY, row, notc=[8, 900])
    assert u.stat == ref.stat == "cstat"
    np.testing.assert_array_equal(u.src_counts, ref.src_counts)
    np.testing.assert_allclose(u.rsp_ins.drm, ref.rsp_ins.drm, rtol=1e-12,
                               atol=1e-12 * np.abs(ref.rsp_ins.drm).max())
    w = u.rsp_ins.weights
    assert w[0] > 0.99 and 0 < w[1] < 1e-3 and w[2] == 0
