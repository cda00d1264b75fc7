"""One RSP2 rule (bayspec.data.rsp2) and one PHA-II route (bayspec.data.pha2) for every route.

Real data: Fermi/GBM GRB 080916C, NaI n3 CSPEC (1859 rows) and its RSP2 (3 matrices, the
first two meeting at MET 243216814.2301 s, 47.6 s after the trigger), bundled.
"""

from pathlib import Path

import numpy as np
import pytest

from bayspec.data import DataUnit, Source
from bayspec.data.pha2 import sum_rows, unit_from_rows
from bayspec.data.rsp2 import interval_response, matrix_weights, read_matrices
from bayspec.errors import DataFormatError
from bayspec.io import read_pha_series

GBM = Path(__file__).resolve().parents[2] / "src" / "bayspec" / "_bundled" / "gbm_bn080916009"
PHA = GBM / "glg_cspec_n3_bn080916009_v01.pha"
RSP2 = GBM / "glg_cspec_n3_bn080916009_v00.rsp2"
KEY = "bn080916009/gbm/n3/cspec"


# ------------------------------------------------------------------ the rule, by hand
def test_weights_of_an_interval_are_its_overlaps():
    s = [0.0, 40.0, 80.0]  # validity (-inf, 40), [40, 80), [80, inf)
    assert matrix_weights(s, [30.0, 50.0]) == pytest.approx([0.5, 0.5, 0.0])
    assert matrix_weights(s, [70.0, 120.0]) == pytest.approx([0.0, 0.2, 0.8])
    assert matrix_weights(s, [-50.0, -10.0]) == pytest.approx([1.0, 0.0, 0.0])
    assert matrix_weights(s, [40.0, 40.0]) == pytest.approx([0.0, 1.0, 0.0])  # an instant
    assert matrix_weights([5.0], [100.0, 200.0]) == pytest.approx([1.0])
    # order of the matrices does not matter; equal starts: the later one takes the range
    assert matrix_weights([80.0, 0.0, 40.0], [30.0, 50.0]) == pytest.approx([0.0, 0.5, 0.5])
    assert matrix_weights([0.0, 10.0, 10.0], [10.0, 20.0]) == pytest.approx([0.0, 0.0, 1.0])


def test_weights_of_rows_are_exposure_times_overlap():
    s = [0.0, 40.0]
    rows = [[30.0, 40.0], [40.0, 50.0], [35.0, 45.0]]
    expo = [1.0, 3.0, 2.0]
    # row 3 is shared half and half: w0 = 1 + 1, w1 = 3 + 1
    assert matrix_weights(s, rows, expo) == pytest.approx([2 / 6, 4 / 6])
    # clipped to [35, 45]: each row's exposure prorated to its part inside
    assert matrix_weights(s, rows, expo, clip=(35.0, 45.0)) == pytest.approx(
        [(0.5 + 1.0) / 4.0, (1.5 + 1.0) / 4.0])
    # no exposure inside the clip: the clip interval alone
    assert matrix_weights(s, rows, expo, clip=(100.0, 120.0)) == pytest.approx([0.0, 1.0])
    assert matrix_weights(s, rows, [0.0, 0.0, 2.0]) == pytest.approx([0.5, 0.5])


def test_weights_errors():
    with pytest.raises(DataFormatError, match="TSTART"):
        matrix_weights([0.0, np.nan], [1.0, 2.0])
    with pytest.raises(DataFormatError, match="time ranges"):
        matrix_weights([0.0, 1.0], [np.nan, 2.0])
    with pytest.raises(DataFormatError, match="no exposure"):
        matrix_weights([0.0, 1.0], [[0.0, 2.0]], [0.0])
    with pytest.raises(DataFormatError, match="no response matrix"):
        matrix_weights([], [0.0, 1.0])


# ------------------------------------------------------------------ every route, GBM
@pytest.fixture(scope="module")
def pha():
    return read_pha_series(PHA)


@pytest.fixture(scope="module")
def series(pha):
    from bayspec.estimators import SpectrumSeries

    return SpectrumSeries(pha, str(RSP2), stat="cstat", notc=[8.0, 900.0], name="n3")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    from bayspec.store import Store, import_ogip

    st = Store(tmp_path_factory.mktemp("rsp2") / "grb.h5")
    import_ogip(st, PHA, rsp=RSP2, source="bn080916009", instrument="gbm", detector="n3",
                series="cspec")
    return st


def _same(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max())


# 0-5 s: first matrix only; 40-55 s: rows on both sides of the first matrix change
# (MET 243216814.2301 = +47.6166 s, inside row 605)
@pytest.mark.parametrize("t_min, t_max", [(0.0, 5.0), (40.0, 55.0)])
def test_series_store_and_unit_give_one_matrix(series, store, pha, t_min, t_max):
    idx = series.rows(t_min, t_max)
    assert np.all(np.diff(idx) == 1)
    su = series.unit(t_min, t_max)
    # the store, for the same time span (first row start to last row stop)
    t1, t2 = float(pha.tstart[idx[0]]), float(pha.tstop[idx[-1]])
    sm = store.responses.response_for(KEY, (t1, t2)).matrix
    # a DataUnit built by hand, its response from the data-layer rule
    pieces = np.column_stack([pha.tstart[idx], pha.tstop[idx]])
    rsp = interval_response(read_matrices(RSP2), pieces, pha.exposure[idx])
    hand = DataUnit(Source.from_pha(sum_rows(pha, idx)), bkg=False, rsp=rsp, stat="cstat",
                    notc=[8.0, 900.0])
    _same(su.rsp_ins.drm, sm)
    _same(hand.rsp_ins.drm, sm)
    _same(su.rsp_drm, hand.rsp_drm)
    np.testing.assert_array_equal(su.src_counts, hand.src_counts)
    assert su.src_ins.exposure == pytest.approx(hand.src_ins.exposure, rel=1e-14)


def test_straddling_row_is_shared_by_overlap(series, pha):
    mats = read_matrices(RSP2)
    b = mats[1].tstart
    (k,) = np.flatnonzero((pha.tstart < b) & (pha.tstop > b))
    dur = pha.tstop[k] - pha.tstart[k]
    w = series.weights([k])
    assert w == pytest.approx([(b - pha.tstart[k]) / dur, (pha.tstop[k] - b) / dur, 0.0],
                              rel=1e-12, abs=1e-15)
    assert 0 < w[1] < 1e-3  # row 605 ends just after the change: mid-time rule gives 0
    # rows k-1 .. k+1: exposure-weighted overlap
    idx = np.array([k - 1, k, k + 1])
    e = pha.exposure[idx]
    ref1 = (e[1] * (pha.tstop[k] - b) / dur + e[2]) / e.sum()
    assert series.weights(idx)[1] == pytest.approx(ref1, rel=1e-12)


def test_store_row_and_instant_follow_the_rule(store, pha):
    mats = read_matrices(RSP2)
    b = mats[1].tstart
    (k,) = np.flatnonzero((pha.tstart < b) & (pha.tstop > b))
    m = store.responses.response_for(KEY, row=int(k))
    ref = interval_response(mats, [[pha.tstart[k], pha.tstop[k]]], [pha.exposure[k]])
    _same(m.matrix, ref.drm)
    # after the last TSTART the last matrix applies (valid to +inf)
    late = store.responses.response_for(KEY, mats[2].tstart + 100.0)
    assert late.extver == 3


def test_unit_from_rows_sums_and_names(pha):
    idx = np.arange(600, 610)
    u = unit_from_rows(pha, idx, bkg=pha, bkg_rows=np.arange(0, 50), rsp=str(RSP2),
                       stat="wstat", name="n3_a", time_range=(1.0, 2.0), notc=[8, 900])
    assert u.name == "n3_a" and u.src_ins.name == "n3_a" and u.bkg_ins.name == "n3_a_bkg"
    assert u.src_ins.exposure == pytest.approx(pha.exposure[idx].sum())
    assert u.bkg_ins.exposure == pytest.approx(pha.exposure[:50].sum())
    np.testing.assert_array_equal(u.src_ins.counts, pha.counts[idx].sum(axis=0))
    assert (u.src_ins.tstart, u.src_ins.tstop) == (1.0, 2.0)
    w = matrix_weights([m.tstart for m in read_matrices(RSP2)],
                       np.column_stack([pha.tstart[idx], pha.tstop[idx]]), pha.exposure[idx])
    np.testing.assert_allclose(u.rsp_ins.weights, w, rtol=0, atol=0)
    with pytest.raises(DataFormatError, match="out of range"):
        sum_rows(pha, [0, pha.nrow])
