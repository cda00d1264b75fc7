"""npred / npred_signal / npred_background / stat / residuals."""

import numpy as np
import pytest
from dshelpers import cpl_model, gbm_unit, synthetic_unit
from scipy.special import xlogy

from bayspec.data.unit import DataUnit
from bayspec.errors import ConfigError, ModelNotBoundError
from bayspec.infer.likelihood import Likelihood


def test_npred_is_signal_plus_background(gbm):
    s, b, n = gbm.npred_signal(), gbm.npred_background(), gbm.npred()
    assert s.shape == b.shape == n.shape == (gbm.npoint,)
    np.testing.assert_allclose(n, s + b, rtol=1e-14)
    assert np.all(s > 0) and np.all(b >= 0)


def test_npred_signal_matches_kernel(gbm):
    L = Likelihood([(gbm, gbm.fit_with)])
    np.testing.assert_allclose(gbm.npred_signal(), L.predicted_counts()["n6"][0], rtol=1e-14)
    assert gbm.stat_sum() == pytest.approx(L.stat(), rel=1e-12)
    np.testing.assert_allclose(gbm.stat_array().sum(), gbm.stat_sum(), rtol=1e-12)


def test_model_not_bound(bundled):
    u = gbm_unit(bundled)
    for meth in ("npred", "npred_signal", "npred_background", "stat_sum", "stat_array",
                 "residuals", "fake"):
        with pytest.raises(ModelNotBoundError):
            getattr(u, meth)()


def test_pgstat_profiled_background_reproduces_statistic(gbm):
    """PG_i with the profiled g plugged in equals the statistic of bayspec.stat."""
    m, g = gbm.npred_signal(), gbm.npred_background()
    S, B, sB = gbm.src_counts, gbm.bkg_counts, gbm.bkg_errors
    a = gbm.alpha
    v = (a * sB) ** 2
    pg = 2 * (m + g - xlogy(S, m + g) + (a * B - g) ** 2 / (2 * v) - S + xlogy(S, S))
    np.testing.assert_allclose(pg, gbm.stat_array(), rtol=1e-9)


def test_wstat_profiled_background_reproduces_statistic():
    u = synthetic_unit(seed=3)
    u.fit_with = cpl_model()
    u.fit_with["K"].value = 30.0
    m, g = u.npred_signal(), u.npred_background()
    S, B, a = u.src_counts, u.bkg_counts, u.alpha
    w = 2 * (m + (1 + 1 / a) * g - xlogy(S, m + g) - xlogy(B, g / a)
             - S + xlogy(S, S) - B + xlogy(B, B))
    np.testing.assert_allclose(w, u.stat_array(), rtol=1e-9, atol=1e-9)


def test_background_per_statistic():
    u = synthetic_unit(seed=4, stat="pstat")
    u.fit_with = cpl_model()
    np.testing.assert_allclose(u.npred_background(), u.alpha * u.bkg_counts, rtol=1e-14)
    u.stat = "cstat"  # cstat with a background is the W-statistic
    w = synthetic_unit(seed=4)
    w.fit_with = u.fit_with
    np.testing.assert_allclose(u.npred_background(), w.npred_background(), rtol=1e-14)
    nob = DataUnit(u.src_ins, bkg=False, rsp=u.rsp_ins, stat="cstat", name="nob")
    nob.fit_with = u.fit_with
    assert np.all(nob.npred_background() == 0)
    np.testing.assert_allclose(nob.npred(), nob.npred_signal())


def test_residuals(gbm):
    data, model = gbm.src_counts, gbm.npred()
    np.testing.assert_allclose(gbm.residuals(), data - model)
    np.testing.assert_allclose(gbm.residuals("diff/model"), (data - model) / model)
    np.testing.assert_allclose(gbm.residuals("diff/sqrt(model)"),
                               (data - model) / np.sqrt(model))
    with pytest.raises(ConfigError):
        gbm.residuals("ratio")


def test_data_level_methods(bundled):
    from bayspec.data import Data

    a, b = gbm_unit(bundled), gbm_unit(bundled)
    d = Data([("a", a), ("b", b)])
    d.fit_with = cpl_model()
    assert set(d.npred()) == {"a", "b"}
    assert d.stat_sum() == pytest.approx(2 * a.stat_sum())
    np.testing.assert_allclose(d.residuals("diff")["b"], b.residuals())
