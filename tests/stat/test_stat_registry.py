import numpy as np
import pytest

import bayspec.stat as bs
from bayspec.errors import StatisticError
from bayspec.stat import STATISTICS, check_inputs, get_statistic

NAMES = ["cstat", "wstat", "pstat", "pgstat", "chi2", "chi2_datavar", "chi2_modelvar",
         "chi2_gehrels"]


def test_names_and_lookup():
    assert list(STATISTICS) == NAMES
    for name in NAMES:
        f = get_statistic(name)
        assert f is getattr(bs, name)
        assert callable(f.prepare)
        assert f.info.name == name
    assert get_statistic("WSTAT") is bs.wstat


def test_unknown_name_lists_valid_names():
    with pytest.raises(StatisticError) as e:
        get_statistic("chisq")
    for name in NAMES:
        assert name in str(e.value)
    with pytest.raises(ValueError):  # StatisticError is a ValueError
        get_statistic(None)


@pytest.mark.parametrize(
    "name, has_bkg, has_bkg_err, has_src_err, ok",
    [
        ("cstat", False, False, False, True),
        ("cstat", True, False, False, True),
        ("wstat", False, False, False, False),
        ("wstat", True, False, False, True),
        ("pstat", False, False, False, False),
        ("pgstat", True, False, True, False),
        ("pgstat", True, True, False, True),
        ("pgstat", False, True, False, False),
        ("chi2", False, False, False, False),
        ("chi2", False, False, True, True),
        ("chi2", True, False, True, False),
        ("chi2", True, True, True, True),
        ("chi2_datavar", True, False, False, True),
        ("chi2_modelvar", False, False, False, True),
        ("chi2_gehrels", True, False, False, True),
    ],
)
def test_check_inputs(name, has_bkg, has_bkg_err, has_src_err, ok):
    if ok:
        assert check_inputs(name, has_bkg, has_bkg_err, has_src_err) is get_statistic(name)
    else:
        with pytest.raises(StatisticError, match=name):
            check_inputs(name, has_bkg, has_bkg_err, has_src_err)


def test_missing_inputs_raise():
    S = np.array([1.0, 2.0])
    m = np.ones((1, 2))
    with pytest.raises(StatisticError, match="sB"):
        bs.pgstat(S, S, m, 1.0, 1.0)
    with pytest.raises(StatisticError, match="B"):
        bs.wstat(S, None, m, 1.0, 1.0)
    with pytest.raises(StatisticError, match="sS"):
        bs.chi2(S, None, m)
    with pytest.raises(StatisticError):
        bs.cstat(-S, None, m)
    with pytest.raises(StatisticError):
        bs.wstat(S, S, m, 0.0, 1.0)


def test_cstat_with_background_is_wstat():
    rng = np.random.default_rng(1)
    S, B = rng.poisson(5, 20).astype(float), rng.poisson(3, 20).astype(float)
    m = rng.uniform(0, 10, (3, 20))
    ts, tb = rng.uniform(0.5, 2, 20), 3.0
    np.testing.assert_array_equal(bs.cstat(S, B, m, ts, tb), bs.wstat(S, B, m, ts, tb))


def test_shapes_and_out():
    rng = np.random.default_rng(2)
    k = 7
    S, B, sB = rng.poisson(5, k) * 1.0, rng.poisson(3, k) * 1.0, np.full(k, 2.0)
    ts, tb = rng.uniform(0.5, 2, k), rng.uniform(1, 4, k)
    m2 = rng.uniform(0, 10, (4, k))
    for name, f in STATISTICS.items():
        g = f.prepare(S, B, ts, tb, sS=np.sqrt(S + 1), sB=sB)
        r = g(m2)
        assert r.shape == (4, k) and r.dtype == np.float64
        np.testing.assert_allclose(g(m2[1]), r[1], rtol=1e-14, err_msg=name)
        out = np.empty((4, k))
        assert g(m2, out=out) is out
        np.testing.assert_array_equal(out, r)
