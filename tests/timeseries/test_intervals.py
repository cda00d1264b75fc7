"""Source intervals: constant width, minimum significance, Bayesian blocks on events
(Scargle et al. 2013 event-data fitness) and user lists."""

import numpy as np
import pytest

from bayspec.data.timeseries import TimeSeries
from bayspec.errors import ConfigError, DataFormatError
from bayspec.estimators.bayesian_blocks import bayesian_blocks_events
from bayspec.estimators.intervals import as_intervals, constant_width, select_intervals
from bayspec.stat.significance import poisson_gaussian


def _step_events(seed=1):
    rng = np.random.default_rng(seed)
    t = np.concatenate([rng.uniform(0, 20, 200), rng.uniform(10, 12, 200)])
    return np.round(t, 3)  # a 1 ms clock: some events share a time tag


def test_event_blocks_match_the_reference_algorithm():
    from astropy.stats import bayesian_blocks as astropy_blocks

    t = _step_events()
    assert np.unique(t).size < t.size  # duplicated tags are kept as multiplicities
    ours = bayesian_blocks_events(t, p0=0.05)
    ref = astropy_blocks(t, fitness="events", p0=0.05)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12)
    assert ours.size == 4 and abs(ours[1] - 10) < 0.2 and abs(ours[2] - 12) < 0.2


def test_event_blocks_dead_time_and_limits():
    t = _step_events()
    # a live fraction of one half everywhere rescales every width: same change points
    half = bayesian_blocks_events(t, 0.0, 20.0, live_fraction=lambda a, b: 0.5 * (b - a))
    full = bayesian_blocks_events(t, 0.0, 20.0)
    np.testing.assert_array_equal(half, full)
    assert full[0] == 0.0 and full[-1] == 20.0
    with pytest.raises(DataFormatError, match="max_cells"):
        bayesian_blocks_events(t, max_cells=10)
    with pytest.raises(DataFormatError, match="t_start"):
        bayesian_blocks_events(t, 5.0, 20.0)


def test_constant_and_list():
    iv = constant_width(0.0, 1.0, 0.3)
    np.testing.assert_allclose(iv, [[0, 0.3], [0.3, 0.6], [0.6, 0.9], [0.9, 1.0]])
    np.testing.assert_array_equal(as_intervals([0, 1, 3]), [[0, 1], [1, 3]])
    with pytest.raises(ConfigError):
        as_intervals([[1, 0]])
    with pytest.raises(ConfigError, match="unknown interval method"):
        select_intervals(None, "magic", (0, 1))


def _burst_series(seed=2):
    rng = np.random.default_rng(seed)
    t = rng.uniform(-50, 50, 5000)           # 50 counts/s over two channels
    b = rng.uniform(0, 5, 1500)              # a 300 counts/s burst in 0-5 s
    times = np.concatenate([t, b])
    chan = np.concatenate([rng.integers(0, 2, t.size), rng.integers(0, 2, b.size)])
    return TimeSeries.from_events(times, chan, [[10, 20], [20, 30]], gti=[[-50, 50]],
                                  dead=1e-6)


def test_significance_intervals_reach_the_threshold():
    ts = _burst_series()
    bf = ts.fit_background([[-50, -5], [10, 50]])
    iv = select_intervals(ts, "significance", (0.0, 6.0), min_sigma=8.0, background=bf,
                          dt=0.05)
    assert iv.shape[0] >= 3 and iv[0, 0] == 0.0
    np.testing.assert_array_equal(iv[1:, 0], iv[:-1, 1])  # contiguous
    counts, live = ts.counts_in(iv)
    B, s = bf.counts(iv[:, 0], iv[:, 1], live, summed=True)
    S = poisson_gaussian(counts.sum(axis=1), B, s)
    assert np.all(S[:-1] >= 8.0)


def test_blocks_on_grb080916c_events_find_the_trigger(n3):
    iv = select_intervals(n3, "blocks", (-5.0, 20.0), energy_range=(200.0, 900.0))
    # the first change point is the burst onset, at the trigger
    assert iv.shape[0] >= 2 and -1.0 < iv[0, 1] < 1.5
