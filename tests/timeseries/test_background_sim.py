"""The polynomial background on simulated events: coverage of the source-interval background
and the chosen order, over >= 200 simulations (like the fit calibration of tests/infer)."""

import numpy as np
import pytest

from bayspec.constants import ONE_SIGMA
from bayspec.data.timeseries import TimeSeries

SPAN = (-100.0, 200.0)
OFF = [[-100.0, -10.0], [60.0, 200.0]]
SRC = (0.0, 30.0)
CENTER, SCALE = 50.0, 150.0  # middle and half-length of the off-source span
# true rate per channel, counts/s, as coefficients of x = (t - 50) / 150, and its order
TRUE = np.array([[10.0, 0.0, 0.0],
                 [15.0, 8.0, 0.0],
                 [12.0, 5.0, 9.0],
                 [20.0, -9.0, 8.0]])
TRUE_ORDER = np.array([0, 1, 2, 2])
BURST = 30.0  # counts/s on top in every channel during SRC


def _rate(t, c):
    x = (t - CENTER) / SCALE
    return TRUE[c] @ x[None, :] ** np.arange(3)[:, None]


def _simulate(rng):
    """Events of 4 channels by thinning a homogeneous process (Lewis & Shedler 1979)."""
    t1, t2 = SPAN
    times, chans = [], []
    for c in range(TRUE.shape[0]):  # 4 simulated channels
        rmax = _rate(np.linspace(t1, t2, 301), c).max() + BURST
        n = rng.poisson(rmax * (t2 - t1))
        t = rng.uniform(t1, t2, n)
        lam = _rate(t, c) + BURST * ((t >= SRC[0]) & (t < SRC[1]))
        keep = rng.uniform(0, rmax, n) < lam
        times.append(t[keep])
        chans.append(np.full(keep.sum(), c))
    eb = np.column_stack([np.arange(4) * 10.0 + 10, np.arange(4) * 10.0 + 20])
    return TimeSeries.from_events(np.concatenate(times), np.concatenate(chans), eb,
                                  gti=[SPAN])


def _true_counts():
    x = np.linspace(*SRC, 2001)
    return np.array([np.trapezoid(_rate(x, c), x) for c in range(TRUE.shape[0])])


def _run(method, nsim, seed):
    rng = np.random.default_rng(seed)
    truth = _true_counts()
    z, orders = [], []
    for _ in range(nsim):  # simulations
        ts = _simulate(rng)
        bf = ts.fit_background(OFF, method=method)
        B, s = bf.counts(*SRC, ts.live_time(*SRC))
        z.append((B - truth) / s)
        orders.append(bf.orders)
    return np.array(z), np.array(orders)


@pytest.mark.slow
@pytest.mark.parametrize("method,nsim", [("binned", 200), ("unbinned", 200)])
def test_background_coverage_and_order(method, nsim):
    z, orders = _run(method, nsim, seed=17 if method == "binned" else 18)
    inside = np.abs(z) < 1.0
    n = inside.size
    # 1-sigma coverage of the source-interval background (stated confidence ONE_SIGMA),
    # within 3 binomial standard deviations
    tol = 3 * np.sqrt(ONE_SIGMA * (1 - ONE_SIGMA) / n)
    assert abs(inside.mean() - ONE_SIGMA) < tol, (inside.mean(), inside.mean(axis=0))
    assert abs(np.mean(z)) < 0.15
    # the chosen order is right in most simulations, in every channel
    right = (orders == TRUE_ORDER).mean(axis=0)
    assert np.all(right > 0.8), right


def test_fit_recovers_true_polynomial():
    rng = np.random.default_rng(3)
    ts = _simulate(rng)
    for method in ("binned", "unbinned"):
        bf = ts.fit_background(OFF, method=method)
        assert bf.center == CENTER and bf.scale == SCALE
        assert np.all(bf.orders >= TRUE_ORDER)  # a higher order is a 1 % false alarm
        err = np.sqrt(np.diagonal(bf.covariance, axis1=1, axis2=2))[:, :3]
        pull = (bf.coefficients[:, :3] - TRUE) / np.where(err > 0, err, 1)
        assert np.all(np.abs(pull) < 4), pull
