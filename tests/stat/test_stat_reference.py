"""Formulas against an independent -2 ln L ratio (scipy.stats, numerical profiling)."""

import numpy as np
import pytest
from stat_reference_impl import ref_cash, ref_pgstat, ref_pstat, ref_wstat

from bayspec.stat import (
    chi2,
    chi2_datavar,
    chi2_gehrels,
    chi2_modelvar,
    cstat,
    pgstat,
    pstat,
    wstat,
)


def _random_channels(seed, k=60):
    rng = np.random.default_rng(seed)
    S = rng.poisson(rng.choice([0.5, 3, 30, 300], k)).astype(float)
    B = rng.poisson(rng.choice([0.5, 3, 30, 300], k)).astype(float)
    S[:4] = 0
    B[2:6] = 0
    m = rng.uniform(0, 1.5, k) * (S + 2)
    m[::9] = 0.0
    m[5::11] = 1e3 * (S[5::11] + 1)  # model far above data
    ts = rng.uniform(0.2, 3.0, k)
    tb = rng.uniform(0.2, 3.0, k)
    sB = rng.uniform(0.3, 1.5, k) * np.sqrt(B + 1)
    return S, B, m, ts, tb, sB


@pytest.mark.parametrize("seed", [0, 1])
def test_cstat_pstat_against_scipy(seed):
    S, B, m, ts, tb, _ = _random_channels(seed)
    a = ts / tb
    ok = m > 0
    got = cstat(S, None, m[None], ts, tb)[0]
    ref = np.array([ref_cash(s, x) for s, x in zip(S, m)])
    np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-9, atol=1e-9)
    got = pstat(S, B, m[None], ts, tb)[0]
    ref = np.array([ref_pstat(s, b, x, al) for s, b, x, al in zip(S, B, m, a)])
    ok = (m + a * B) > 0
    np.testing.assert_allclose(got[ok], ref[ok], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_wstat_against_numerical_profile(seed):
    S, B, m, ts, tb, _ = _random_channels(seed)
    a = ts / tb
    got = wstat(S, B, m[None], ts, tb)[0]
    ref = np.array([ref_wstat(s, b, x, al) for s, b, x, al in zip(S, B, m, a)])
    np.testing.assert_allclose(got, ref, rtol=1e-7, atol=1e-7)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pgstat_against_numerical_profile(seed):
    S, B, m, ts, tb, sB = _random_channels(seed)
    B = B - 2.0  # Gaussian backgrounds may be negative
    a = ts / tb
    got = pgstat(S, B, m[None], ts, tb, sB=sB)[0]
    ref = np.array([ref_pgstat(s, b, e, x, al) for s, b, e, x, al in zip(S, B, sB, m, a)])
    np.testing.assert_allclose(got, ref, rtol=1e-7, atol=1e-7)


# ---- special cases written from the XSPEC manual (rate units, ts mi = m) ----

def _manual_wstat(S, B, mu, ts, tb):
    if S == 0:
        return 2 * (ts * mu - B * np.log(tb / (ts + tb)))
    if B == 0:
        if mu < S / (ts + tb):
            return 2 * (-tb * mu - S * np.log(ts / (ts + tb)))
        return 2 * (ts * mu + S * (np.log(S) - np.log(ts * mu) - 1))
    c = (ts + tb) * mu - S - B
    f = (-c + np.sqrt(c * c + 4 * (ts + tb) * B * mu)) / (2 * (ts + tb))
    return 2 * (ts * mu + (ts + tb) * f - S * np.log(ts * mu + ts * f) - B * np.log(tb * f)
                - S * (1 - np.log(S)) - B * (1 - np.log(B)))


@pytest.mark.parametrize(
    "S, B, mu",
    [(0, 5, 0.3), (0, 5, 0.0), (0, 0, 2.0), (7, 0, 0.5), (7, 0, 10.0), (7, 0, 7 / 3.5),
     (7, 4, 1.1), (1, 1, 1e-8), (250, 40, 80.0)],
)
def test_wstat_manual_cases(S, B, mu):
    ts, tb = 1.5, 2.0
    got = wstat(np.array([S], float), np.array([B], float), np.array([[ts * mu]]), ts, tb)
    assert got[0, 0] == pytest.approx(_manual_wstat(S, B, mu, ts, tb), rel=1e-12, abs=1e-12)


def test_wstat_zero_everything_and_huge_model():
    assert wstat([0.0], [0.0], [[0.0]], 1.0, 1.0)[0, 0] == 0.0
    # model 1e12 times the data: the naive root cancels to 0 (-> inf); ours stays exact
    S, B, m, a = 3.0, 2.0, 1e13, 0.5
    got = wstat([S], [B], [[m]], a, 1.0)[0, 0]
    assert np.isfinite(got)
    assert got == pytest.approx(ref_wstat(S, B, m, a), rel=1e-9)


def test_pgstat_manual_cases():
    ts, tb, sB = 1.0, 2.0, 3.0
    a = ts / tb
    v = (a * sB) ** 2
    # S = 0, profiled background positive: 2 (m + alpha B - v / 2)
    B, m = 20.0, 1.5
    assert pgstat([0.0], [B], [[m]], ts, tb, sB=[sB])[0, 0] == pytest.approx(
        2 * (m + a * B - v / 2), rel=1e-12)
    # S = 0, profiled background negative -> 0: 2 m + (alpha B)^2 / v
    B = 1.0
    assert pgstat([0.0], [B], [[m]], ts, tb, sB=[sB])[0, 0] == pytest.approx(
        2 * m + (a * B) ** 2 / v, rel=1e-12)
    # S > 0 with the root negative (model above the data, low background)
    S, B, m = 2.0, -3.0, 10.0
    exp = 2 * (m - S + S * np.log(S / m)) + (a * B) ** 2 / v
    assert pgstat([S], [B], [[m]], ts, tb, sB=[sB])[0, 0] == pytest.approx(exp, rel=1e-12)


def test_pgstat_zero_error_is_pstat():
    S, B = np.array([0.0, 3.0, 12.0]), np.array([1.0, 4.0, 2.0])
    m = np.array([[0.5, 0.0, 30.0]])
    np.testing.assert_allclose(pgstat(S, B, m, 2.0, 3.0, sB=np.zeros(3)),
                               pstat(S, B, m, 2.0, 3.0), rtol=1e-12, atol=1e-12)


def test_zero_model_is_finite():
    S = np.array([0.0, 4.0])
    assert np.all(np.isfinite(cstat(S, None, [[0.0, 0.0]])))
    assert cstat(S, None, [[0.0, 0.0]])[0, 0] == 0.0
    assert np.isfinite(pstat(S, [0.0, 0.0], [[0.0, 0.0]], 1.0, 1.0)).all()


def test_chi2_family_values():
    S, B = np.array([10.0, 0.0, 4.0]), np.array([4.0, 0.0, 9.0])
    ts, tb = 1.0, 2.0
    a = 0.5
    m = np.array([[3.0, 2.0, 0.0]])
    net = S - a * B
    sS, sB = np.array([3.0, 0.0, 2.0]), np.array([2.0, 0.0, 3.0])
    var = sS**2 + a**2 * sB**2
    var[1] = 1.0  # zero variance -> 1
    np.testing.assert_allclose(chi2(S, B, m, ts, tb, sS, sB), (net - m) ** 2 / var)
    var = S + a**2 * B
    var[1] = 1.0
    np.testing.assert_allclose(chi2_datavar(S, B, m, ts, tb), (net - m) ** 2 / var)
    var = np.maximum(m + a**2 * B, 1e-8)
    np.testing.assert_allclose(chi2_modelvar(S, B, m, ts, tb), (net - m) ** 2 / var)
    var = (1 + np.sqrt(S + 0.75)) ** 2 + a**2 * (1 + np.sqrt(B + 0.75)) ** 2
    np.testing.assert_allclose(chi2_gehrels(S, B, m, ts, tb), (net - m) ** 2 / var)
    # without background: plain (S - m)^2 / sS^2
    np.testing.assert_allclose(chi2(S, None, m, sS=[3.0, 1.0, 2.0]),
                               (S - m) ** 2 / np.array([9.0, 1.0, 4.0]))


# ---- the same comparison on hypothesis-drawn single channels ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_channel = st.tuples(
    st.integers(0, 400), st.integers(0, 400),
    st.sampled_from([0.0]) | st.floats(1e-6, 2000.0),
    st.floats(0.05, 20.0), st.floats(0.1, 30.0),
)


@settings(max_examples=60, deadline=None)
@given(_channel)
def test_profiled_statistics_against_scipy_hypothesis(ch):
    S, B, m, alpha, sB = ch
    S, B = float(S), float(B)
    w = wstat([S], [B], [[m]], alpha, 1.0)[0, 0]
    assert w == pytest.approx(ref_wstat(S, B, m, alpha), rel=1e-7, abs=1e-7)
    pg = pgstat([S], [B - 5.0], [[m]], alpha, 1.0, sB=[sB])[0, 0]
    assert pg == pytest.approx(ref_pgstat(S, B - 5.0, sB, m, alpha), rel=1e-7, abs=1e-7)
    if m > 0:
        assert pstat([S], [B], [[m]], alpha, 1.0)[0, 0] == pytest.approx(
            ref_pstat(S, B, m, alpha), rel=1e-9, abs=1e-9)
