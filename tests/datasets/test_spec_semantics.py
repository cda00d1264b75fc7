"""The spectrum-dataset spec's semantics: ``stack`` and ``fake`` in place (copying variants
under other names), `Data`-level energy slicing, resampling, masks, GTI, meta table and
time selection, and `Response` keeping ``ra``/``dec``."""

import numpy as np
import pytest
from dshelpers import cpl_model, synthetic_unit

from bayspec.data import Data, Response
from bayspec.data._reshape import stack_units
from bayspec.data.simulate import faked_copy


def test_stack_is_in_place():
    a, b = synthetic_unit(seed=1, name="a"), synthetic_unit(seed=2, name="b")
    expected = stack_units([a, b], name="a")
    b_counts = b.src_ins.counts.copy()
    version = a.selection_version
    assert a.stack(b) is None
    assert a.name == "a" and a.selection_version > version
    np.testing.assert_array_equal(a.src_ins.counts, expected.src_ins.counts)
    np.testing.assert_array_equal(a.bkg_ins.counts, expected.bkg_ins.counts)
    assert a.src_ins.exposure == pytest.approx(expected.src_ins.exposure)
    np.testing.assert_allclose(a.rsp_ins.drm, expected.rsp_ins.drm, rtol=1e-14)
    np.testing.assert_array_equal(b.src_ins.counts, b_counts)


def test_stack_reduce_returns_a_new_unit():
    units = [synthetic_unit(seed=s, name=f"u{s}") for s in (1, 2, 3)]
    before = [u.src_ins.counts.copy() for u in units]
    st = Data(units).stack_reduce()
    assert all(st is not u for u in units)
    for u, c in zip(units, before):
        np.testing.assert_array_equal(u.src_ins.counts, c)
    np.testing.assert_array_equal(st.src_ins.counts, sum(before))


def test_fake_replaces_counts_in_place_and_refolds():
    u = synthetic_unit(seed=4)
    u.fit_with = cpl_model()
    u.fit_with["K"].value = 30.0
    copy = faked_copy(u, 7)
    stat0, version = u.stat_sum(), u.selection_version
    assert u.fake(random_state=7) is None
    assert u.selection_version > version
    np.testing.assert_array_equal(u.src_ins.counts, copy.src_ins.counts)
    np.testing.assert_array_equal(u.bkg_ins.counts, copy.bkg_ins.counts)
    np.testing.assert_array_equal(u.src_counts, copy.src_counts)
    assert u.stat_sum() == pytest.approx(copy.stat_sum(), rel=1e-12)
    assert u.stat_sum() != stat0


def test_response_keeps_ra_dec():
    e = np.geomspace(1.0, 10.0, 4)
    b = np.c_[e[:-1], e[1:]]
    r = Response(b, b, np.eye(3), ra=83.63, dec=22.01)
    assert (r.ra.value, r.dec.value) == (83.63, 22.01)
    assert r.ra.frozen and r.dec.frozen
    assert Response(b, b, np.eye(3)).ra is None


def test_data_energy_slicing_resampling_and_masks():
    d = Data([synthetic_unit(seed=1, name="a"), synthetic_unit(seed=2, name="b")])
    sl = d.slice_by_energy(30.0, 300.0)
    assert sl.names == ["a", "b"]
    for n in sl.names:
        np.testing.assert_array_equal(sl[n].src_ins.counts,
                                      d[n].slice_by_energy(30.0, 300.0).src_ins.counts)
    edges = d["a"].rsp_ins.chbin[::4, 0]
    rs = d.resample_energy_axis(edges)
    assert rs["a"].src_ins.nchan == edges.size - 1
    for masks, attr in ((d.mask_safe, "mask_safe"), (d.mask_fit, "mask_fit"),
                        (d.mask, "mask")):
        assert set(masks) == {"a", "b"}
        np.testing.assert_array_equal(masks["a"], getattr(d["a"], attr))


def test_gti_meta_table_and_select_time():
    units = []
    for k, t0 in enumerate((0.0, 10.0, 20.0)):
        u = synthetic_unit(seed=k + 1, name=f"u{k}")
        u.src_ins.tstart, u.src_ins.tstop = t0, t0 + 10.0
        units.append(u)
    d = Data(units)
    gti = d.gti
    np.testing.assert_array_equal(gti["START"], [0.0, 10.0, 20.0])
    np.testing.assert_array_equal(gti["STOP"], [10.0, 20.0, 30.0])
    meta = d.meta_table
    assert list(meta["NAME"]) == ["u0", "u1", "u2"]
    np.testing.assert_array_equal(meta["EXPOSURE"], [u.src_ins.exposure for u in units])
    assert d.select_time(5.0, 30.0).names == ["u1", "u2"]
    assert d.select_time(0.0, 10.0).names == ["u0"]
    assert len(d.select_time(100.0, 200.0)) == 0
