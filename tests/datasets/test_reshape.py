"""slice_by_energy, resample_energy_axis, copy."""

import numpy as np
import pytest
from dshelpers import cpl_model, synthetic_unit

from bayspec.errors import DataFormatError, NoticeError


def test_slice_by_energy(gbm):
    sl = gbm.slice_by_energy(30.0, 500.0)
    ch = sl.rsp_ins.chbin
    assert np.all(ch[:, 0] >= 30.0) and np.all(ch[:, 1] <= 500.0)
    keep = (gbm.rsp_ins.chbin[:, 0] >= 30.0) & (gbm.rsp_ins.chbin[:, 1] <= 500.0)
    assert sl.src_ins.nchan == keep.sum()
    np.testing.assert_array_equal(sl.src_ins.counts, gbm.src_ins.counts[keep])
    np.testing.assert_array_equal(sl.bkg_ins.errors, gbm.bkg_ins.errors[keep])
    sl.fit_with = gbm.fit_with
    # same groups inside the slice -> same predictions and statistic there
    inside = (gbm.rsp_chbin[:, 0] >= 30.0) & (gbm.rsp_chbin[:, 1] <= 500.0)
    np.testing.assert_allclose(sl.npred_signal(), gbm.npred_signal()[inside], rtol=1e-10)
    np.testing.assert_allclose(sl.stat_array(), gbm.stat_array()[inside], rtol=1e-9)
    assert gbm.src_ins.nchan == 128  # original untouched
    with pytest.raises(NoticeError):
        gbm.slice_by_energy(1e5, 2e5)


def test_resample_energy_axis_conserves():
    u = synthetic_unit(seed=5)
    m = cpl_model()
    u.fit_with = m
    edges = u.rsp_ins.chbin[::4, 0].tolist() + [u.rsp_ins.chbin[-1, 1]]
    r = u.resample_energy_axis(edges)
    r.fit_with = m
    assert r.src_ins.nchan == 8
    np.testing.assert_array_equal(r.src_counts, u.src_counts.reshape(8, 4).sum(1))
    np.testing.assert_allclose(r.npred_signal(), u.npred_signal().reshape(8, 4).sum(1),
                               rtol=1e-10)
    aB = (u.alpha * u.bkg_counts).reshape(8, 4).sum(1)
    np.testing.assert_allclose(r.alpha * r.bkg_counts, aB, rtol=1e-12)
    np.testing.assert_allclose(r.rsp_chbin[:, 0], edges[:-1])


def test_resample_uses_safe_mask_and_checks_edges():
    q = np.zeros(32, dtype=int)
    q[:2] = 1
    u = synthetic_unit(seed=6, quality=q)
    ch = u.rsp_ins.chbin
    r = u.resample_energy_axis([ch[0, 0], ch[4, 0], ch[8, 0]])
    assert r.src_ins.counts[0] == u.src_ins.counts[2:4].sum()
    r2 = u.resample_energy_axis([ch[0, 0], ch[2, 0], ch[8, 0]])
    assert r2.src_ins.quality[0] == 1 and r2.src_ins.counts[0] == 0
    with pytest.raises(DataFormatError):
        u.resample_energy_axis([ch[0, 0], 0.5 * (ch[3, 0] + ch[3, 1])])


def test_copy_is_deep_and_shares_model(gbm):
    c = gbm.copy(name="n6copy")
    assert c.name == "n6copy" and gbm.name == "n6"
    assert c.fit_with is gbm.fit_with
    assert c.src_ins is not gbm.src_ins and c.par["sf"] is not gbm.par["sf"]
    c.par["sf"].value = 1.2
    assert gbm.par["sf"].value == 1.0
    np.testing.assert_allclose(c.npred_signal(), 1.2 * gbm.npred_signal(), rtol=1e-12)
