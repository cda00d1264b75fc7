"""fake(): new unit with counts drawn from npred; fake_counts vectorised draws."""

import os

import numpy as np
import pytest
from dshelpers import cpl_model, gbm_unit, synthetic_unit

from bayspec.data.simulate import faked_copy
from bayspec.datasets import fake_counts
from bayspec.errors import ModelNotBoundError

NDRAW = 2000


def test_fake_counts_mean_matches_npred(gbm):
    mu = gbm.npred()
    src, bkg = fake_counts(gbm, NDRAW, np.random.default_rng(11))
    assert src.shape == bkg.shape == (NDRAW, gbm.npoint)
    z = (src.mean(axis=0) - mu) / np.sqrt(mu / NDRAW)
    # within 3 standard errors per channel: with 117 channels about 0.3 channels are
    # expected beyond 3 SE by chance, so allow a few and bound the worst and the total
    assert np.sum(np.abs(z) > 3.0) <= 3, np.abs(z).max()
    assert np.abs(z).max() < 4.5
    k = gbm.npoint
    assert abs(np.sum(z ** 2) - k) < 5 * np.sqrt(2 * k)  # chi2(k) within 5 sigma
    assert abs(z.mean()) < 3.0 / np.sqrt(k)
    # Gaussian background around the profiled estimate, in background-spectrum counts
    bmean = gbm.npred_background() / gbm.alpha
    keep = bmean > 5 * gbm.bkg_errors  # clipping at 0 irrelevant there
    zb = (bkg.mean(axis=0) - bmean)[keep] / (gbm.bkg_errors[keep] / np.sqrt(NDRAW))
    assert np.all(np.abs(zb) < 4.0)


def test_faked_copy_returns_new_unit_and_keeps_original(gbm, bundled):
    before = gbm.src_ins.counts.copy(), gbm.bkg_ins.counts.copy()
    src_file = bundled / "gbm_bn090217206" / "bn090217206_n6_srcspectra.pha"
    mtime = os.path.getmtime(src_file)
    f = faked_copy(gbm, random_state=5)
    assert f is not gbm and f.src_ins is not gbm.src_ins
    np.testing.assert_array_equal(gbm.src_ins.counts, before[0])
    np.testing.assert_array_equal(gbm.bkg_ins.counts, before[1])
    assert os.path.getmtime(src_file) == mtime
    assert f.fit_with is gbm.fit_with and f.npoint == gbm.npoint
    assert np.all(f.src_counts == np.round(f.src_counts))
    assert np.all(f.bkg_counts >= 0)
    # reproducible with a seed, different without
    np.testing.assert_array_equal(faked_copy(gbm, random_state=5).src_counts, f.src_counts)
    assert not np.array_equal(faked_copy(gbm, random_state=6).src_counts, f.src_counts)
    # channels outside the noticed groups keep their observed counts
    out = ~gbm.grouping.channel_mask(gbm.src_ins.nchan)
    np.testing.assert_array_equal(f.src_ins.counts[out], before[0][out])


def test_fake_unit_mean_per_group(gbm):
    mu = gbm.npred()
    n = 300
    acc = np.zeros(gbm.npoint)
    rng = np.random.default_rng(1)
    for _ in range(n):
        acc += faked_copy(gbm, rng).src_counts
    z = (acc / n - mu) / np.sqrt(mu / n)
    assert np.abs(z).max() < 4.0


def test_fake_grouped_poisson_background():
    """Groups of several channels; Poisson background; policy grouping frozen."""
    u = synthetic_unit(seed=2)
    u.grpg = {"min_evt": 150}
    u.fit_with = cpl_model()
    u.fit_with["K"].value = 30.0
    assert u.npoint < u.src_ins.nchan
    mu = u.npred()
    bmu = u.npred_background() / u.alpha
    n = 400
    s_acc, b_acc = np.zeros(u.npoint), np.zeros(u.npoint)
    rng = np.random.default_rng(3)
    for _ in range(n):
        f = faked_copy(u, rng)
        np.testing.assert_array_equal(f.grouping.starts, u.grouping.starts)
        s_acc += f.src_counts
        b_acc += f.bkg_counts
    assert np.abs((s_acc / n - mu) / np.sqrt(mu / n)).max() < 4.0
    assert np.abs((b_acc / n - bmu) / np.sqrt(bmu / n)).max() < 4.0


def test_data_fake(bundled):
    from bayspec.data import Data

    d = Data([("a", gbm_unit(bundled)), ("b", gbm_unit(bundled))])
    d.fit_with = cpl_model()
    f = d.faked_copy(0)
    assert f.names == ["a", "b"]
    assert not np.array_equal(f["a"].src_counts, f["b"].src_counts)
    np.testing.assert_array_equal(d["a"].src_counts, d["b"].src_counts)
    with pytest.raises(ModelNotBoundError):
        Data([("a", gbm_unit(bundled))]).faked_copy(0)
    assert d.fake(0) is None  # in place
    np.testing.assert_array_equal(d["a"].src_counts, f["a"].src_counts)
    np.testing.assert_array_equal(d["b"].src_counts, f["b"].src_counts)
