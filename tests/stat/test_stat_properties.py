"""Property tests: finiteness, non-negativity, zero at the saturated point, prepare()."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayspec.stat import STATISTICS

K = 6
counts = st.integers(0, 60) | st.integers(0, 100000)
model = st.sampled_from([0.0, 1e-300, 1e-12]) | st.floats(0.0, 1e5, allow_subnormal=True)
eff = st.floats(0.01, 100.0)
err = st.floats(0.05, 100.0)


def _arr(draw, strat):
    return np.array(draw(st.lists(strat, min_size=K, max_size=K)), dtype=np.float64)


@st.composite
def inputs(draw):
    S, B = _arr(draw, counts), _arr(draw, counts)
    m = np.stack([_arr(draw, model), _arr(draw, model)])
    ts = draw(eff) if draw(st.booleans()) else _arr(draw, eff)
    tb = _arr(draw, eff)
    sS, sB = _arr(draw, err), _arr(draw, err)
    return S, B, m, ts, tb, sS, sB


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(inputs())
def test_finite_nonnegative_and_prepare_equals_function(data):
    S, B, m, ts, tb, sS, sB = data
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        for name, f in STATISTICS.items():
            for bkg, sb in ((B, sB), (None, None)):
                if bkg is None and f.needs_background:
                    continue
                r = f(S, bkg, m, ts, tb, sS, sb)
                assert r.shape == m.shape
                assert np.all(np.isfinite(r)), (name, r)
                assert np.all(r >= 0), (name, r)
                p = f.prepare(S, bkg, ts, tb, sS, sb)(m)
                np.testing.assert_array_equal(p, r, err_msg=name)


@SETTINGS
@given(inputs())
def test_zero_at_saturated_point(data):
    """'Model equals data' means m = S - alpha B (the source counts that, with the
    observed background, reproduce the observed source counts); it is reachable with
    m >= 0 when S >= alpha B. There every statistic is 0 (cstat without background: m = S).
    """
    S, B, _, ts, tb, sS, sB = data
    alpha = np.broadcast_to(np.asarray(ts) / tb, S.shape)
    B = np.where(S >= alpha * B, B, 0.0)  # make the saturated point reachable
    msat = np.maximum(S - alpha * B, 0.0)[None, :]
    tol = 1e-9 * (1 + S + alpha * B)
    for name, f in STATISTICS.items():
        r = f(S, B, msat, ts, tb, sS, sB)
        assert np.all(np.abs(r) <= tol), (name, r, tol)
    r = STATISTICS["cstat"](S, None, S[None, :], ts, tb)
    assert np.all(r <= tol)


@SETTINGS
@given(inputs())
def test_minimum_is_at_saturated_point(data):
    """The per-channel statistic never goes below its value at m = S - alpha B."""
    S, B, m, ts, tb, sS, sB = data
    alpha = np.broadcast_to(np.asarray(ts) / tb, S.shape)
    B = np.where(S >= alpha * B, B, 0.0)
    msat = np.maximum(S - alpha * B, 0.0)[None, :]
    for name in ("wstat", "pstat", "pgstat"):
        f = STATISTICS[name]
        assert np.all(f(S, B, m, ts, tb, sS, sB) >= f(S, B, msat, ts, tb, sS, sB) - 1e-9)
