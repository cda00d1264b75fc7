"""ResponseStore: compact form, hashing/dedup, RSP2 time selection and weighting."""

import numpy as np
import pytest

from bayspec.errors import StoreError
from bayspec.io.matrix_codec import compact, expand
from bayspec.store import MatrixData, MatrixLink, ResponseStore, SpectrumStore


def _matrix(nphot=30, nchan=20, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    m = rng.random((nphot, nchan)) * scale
    m[m < 0.6 * scale] = 0.0            # several runs per row, with holes
    m[3] = 0.0                          # an empty row
    e = np.geomspace(5.0, 2000.0, nphot + 1)
    c = np.geomspace(5.0, 2000.0, nchan + 1)
    return MatrixData(e[:-1], e[1:], m, c[:-1], c[1:], first_channel=0)


def test_compact_expand_roundtrip():
    m = _matrix().matrix
    n_grp, f_chan, n_chan, values = compact(m, first_channel=1)
    assert n_grp[3] == 0 and values.size == np.count_nonzero(m)
    assert n_grp.sum() == f_chan.size == n_chan.size
    assert np.array_equal(expand(n_grp, f_chan, n_chan, values, m.shape[1], 1), m)


def test_put_get_dedup(tmp_path):
    rs = ResponseStore(tmp_path / "r.h5")
    m = _matrix()
    h1 = rs.put(m)
    h2 = rs.put(_matrix())            # same content, new object
    assert h1 == h2 and rs.hashes() == [h1] and len(rs) == 1 and h1 in rs
    h3 = rs.put(_matrix(scale=2.0))
    assert h3 != h1 and len(rs) == 2
    back = rs.get(h1)
    assert np.array_equal(back.matrix, m.matrix) and back.hash == h1
    assert np.array_equal(back.e_min, m.e_min) and back.first_channel == 0
    assert rs.nbytes(h1) < m.matrix.nbytes
    with pytest.raises(StoreError, match="no such response matrix") as e:
        rs.get("0" * 64)
    assert h1[:8] in str(e.value) or "responses/" in str(e.value)


def _series_with_rsp(tmp_path):
    path = tmp_path / "s.h5"
    nrow = 10
    SpectrumStore(path).write_series("g/i/d/s", {
        "counts": np.ones((nrow, 20)), "exposure": np.full(nrow, 0.5),
        "tstart": np.arange(nrow) * 10.0, "tstop": np.arange(nrow) * 10.0 + 10.0}, {})
    rs = ResponseStore(path)
    hs = [rs.put(_matrix(scale=s)) for s in (1.0, 2.0, 3.0)]
    rs.link("g/i/d/s", [MatrixLink(hs[0], 1, 0.0, 40.0), (hs[1], 2, 40.0, 80.0),
                        MatrixLink(hs[2], 3, 80.0, 80.0)])
    return rs, hs


def test_response_for_time(tmp_path):
    rs, hs = _series_with_rsp(tmp_path)
    assert [lk.hash for lk in rs.links("g/i/d/s")] == hs
    assert rs.response_for("g/i/d/s", 10.0).hash == hs[0]
    assert rs.response_for("g/i/d/s", 40.0).hash == hs[1]       # ranges are [tstart, tstop)
    assert rs.response_for("g/i/d/s", 80.0).hash == hs[2]       # zero-width: its instant
    m = rs.response_for("g/i/d/s", 95.0)                        # outside: nearest
    assert m.hash == hs[2] and m.extver == 3
    assert rs.response_for("g/i/d/s", -5.0).hash == hs[0]
    with pytest.raises(StoreError, match="no response matrix covers"):
        rs.response_for("g/i/d/s", 95.0, strict=True)
    with pytest.raises(StoreError, match="give t or row"):
        rs.response_for("g/i/d/s")
    assert rs.response_for("g/i/d/s", row=2).hash == hs[0]      # row 2: 20..30 s


def test_response_for_interval_weighted(tmp_path):
    rs, hs = _series_with_rsp(tmp_path)
    w = rs.weights("g/i/d/s", 30.0, 50.0)      # 10 s in each range, same exposure
    assert w == pytest.approx({hs[0]: 0.5, hs[1]: 0.5})
    m = rs.response_for("g/i/d/s", (30.0, 50.0))
    ref = 0.5 * rs.get(hs[0]).matrix + 0.5 * rs.get(hs[1]).matrix
    assert m.hash is None and np.allclose(m.matrix, ref)
    assert (m.tstart, m.tstop) == (30.0, 50.0)
    # the last matrix is valid from its TSTART on (rule of bayspec.data.rsp2): rows 8-9
    # (80-100 s) take it, although its own range [80, 80) is empty
    assert rs.weights("g/i/d/s", 70.0, 120.0) == pytest.approx({hs[1]: 1 / 3, hs[2]: 2 / 3})
    # a row straddling a matrix start is shared by the part each matrix covers
    assert rs.weights("g/i/d/s", 35.0, 45.0) == pytest.approx({hs[0]: 0.5, hs[1]: 0.5})
    # an interval beyond the rows falls back to time overlap
    assert rs.weights("g/i/d/s", 150.0, 170.0) == {hs[2]: 1.0}
    assert rs.weights("g/i/d/s", -30.0, -10.0) == {hs[0]: 1.0}
    # inside one range: that matrix, not a combination
    assert rs.response_for("g/i/d/s", (5.0, 25.0)).hash == hs[0]


def test_link_errors(tmp_path):
    rs, hs = _series_with_rsp(tmp_path)
    with pytest.raises(StoreError, match="unknown matrix hash"):
        rs.link("g/i/d/s", [("f" * 64, 1, 0.0, 1.0)])
    with pytest.raises(StoreError, match="no such spectrum series"):
        rs.link("g/i/d/x", [(hs[0], 1, 0.0, 1.0)])
    with pytest.raises(StoreError, match="no matrices"):
        rs.link("g/i/d/s", [])
    SpectrumStore(rs.path).write_series("g/i/d/bare", {"counts": np.ones(20),
                                                       "exposure": 1.0}, {})
    assert rs.links("g/i/d/bare") == []
    with pytest.raises(StoreError, match="no response linked"):
        rs.response_for("g/i/d/bare", 1.0)
