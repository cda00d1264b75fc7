"""Display rebinning (XSPEC ``setplot rebin``): the rule, count conservation, no gaps crossed."""

import numpy as np
import pytest

from bayspec.errors import ConfigError
from bayspec.plot._rebin import contiguous_runs, display_bins


def _grid(k, gap_at=None):
    edges = np.geomspace(10.0, 1000.0, k + 1)
    chbin = np.column_stack([edges[:-1], edges[1:]])
    if gap_at is not None:
        chbin[gap_at:] *= 1.5  # a gap between groups gap_at - 1 and gap_at
    return chbin


def test_counts_conserved_and_bins_tile_the_groups():
    rng = np.random.default_rng(1)
    k = 200
    net = rng.normal(2.0, 3.0, k)
    var = np.full(k, 9.0)
    model = rng.uniform(0.5, 5.0, k)
    bins = display_bins(net, var, _grid(k), min_sig=3.0, max_groups=7)
    assert bins.start[0] == 0 and bins.stop[-1] == k
    np.testing.assert_array_equal(bins.start[1:], bins.stop[:-1])
    assert bins.ngroups.max() <= 7 and bins.size < k
    np.testing.assert_allclose(bins.net.sum(), net.sum())
    np.testing.assert_allclose(bins.sum(model).sum(), model.sum())
    np.testing.assert_allclose(bins.sigma, np.sqrt(bins.sum(var)))
    # every bin closed early reached min_sig; only full or run-final bins may stay below
    low = bins.significance < 3.0
    assert np.all((bins.ngroups[low] == 7) | (bins.stop[low] == k))


def test_each_bin_is_the_shortest_reaching_min_sig():
    net = np.array([1.0, 1.0, 1.0, 10.0, 0.0, 0.0, 5.0, 5.0])
    var = np.ones(8)
    bins = display_bins(net, var, _grid(8), min_sig=1.5, max_groups=10)
    # 1 -> 1/1; 1+1 -> 2/sqrt2=1.41; 1+1+1 -> 1.73 >= 1.5 closes; 10 alone; 0,0,5 -> 2.9
    np.testing.assert_array_equal(bins.start, [0, 3, 4, 7])
    np.testing.assert_allclose(bins.net, [3.0, 10.0, 5.0, 5.0])


def test_bins_never_span_a_gap():
    k = 40
    chbin = _grid(k, gap_at=13)
    runs = contiguous_runs(chbin)
    np.testing.assert_array_equal(runs, [0, 13, k])
    bins = display_bins(np.zeros(k), np.ones(k), chbin, min_sig=3.0, max_groups=100)
    np.testing.assert_array_equal(bins.start, [0, 13])
    assert bins.is_ul.all()
    np.testing.assert_allclose(bins.upper_limit, 2.0 * np.sqrt([13.0, 27.0]))


def test_no_rebinning():
    net = np.array([-1.0, 0.0, 2.0])
    for kw in ({"min_sig": 0.0}, {"max_groups": 1}):
        bins = display_bins(net, np.ones(3), _grid(3), **kw)
        np.testing.assert_array_equal(bins.start, [0, 1, 2])


def test_variance_floor_gives_empty_bins_an_error():
    bins = display_bins(np.zeros(3), np.zeros(3), _grid(3), max_groups=3, var_floor=1.0)
    np.testing.assert_allclose(bins.sigma, [1.0])
    np.testing.assert_allclose(bins.upper_limit, [2.0])


@pytest.mark.parametrize("kw", [{"min_sig": -1}, {"max_groups": 0}, {"max_groups": 2.5},
                                {"ul_sigma": np.nan}])
def test_bad_options(kw):
    with pytest.raises(ConfigError):
        display_bins(np.ones(3), np.ones(3), _grid(3), **kw)
