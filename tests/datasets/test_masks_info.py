"""mask_safe / mask_fit / mask and info_dict."""

import numpy as np
import pytest
from dshelpers import synthetic_unit

from bayspec.stat.significance import li_ma, poisson_gaussian


def test_masks(gbm):
    ch = gbm.rsp_ins.chbin
    assert gbm.mask_safe.shape == (128,)
    np.testing.assert_array_equal(gbm.mask_safe, gbm.qualifying)
    inside = ((ch[:, 0] >= 9.0) & (ch[:, 1] <= 31.0)) | ((ch[:, 0] >= 38.8) & (ch[:, 1] <= 954.0))
    np.testing.assert_array_equal(gbm.mask_fit, inside)
    np.testing.assert_array_equal(gbm.mask, gbm.mask_safe & gbm.mask_fit)
    assert gbm.mask.sum() == gbm.npoint == 117


def test_mask_safe_quality_and_response_range():
    q = np.zeros(32, dtype=int)
    q[3] = 5
    u = synthetic_unit(seed=1, quality=q)
    assert not u.mask_safe[3] and u.mask_safe.sum() == 31
    u.notc = [20.0, 500.0]
    assert u.mask.sum() < u.mask_safe.sum()


def test_info_dict_hess(hess_units):
    units, _ = hess_units
    u = units[0]
    info = u.info_dict()
    m = u.mask_safe
    assert info["counts"] == u.src_ins.counts[m].sum()
    assert info["counts_off"] == u.bkg_ins.counts[m].sum()
    alpha = (u._src_eff_ch() / u._bkg_eff_ch())[m]
    assert info["background"] == pytest.approx((alpha * u.bkg_ins.counts[m]).sum())
    assert info["excess"] == pytest.approx(info["counts"] - info["background"])
    assert info["sqrt_ts"] == pytest.approx(
        float(li_ma(info["counts"], info["counts_off"], info["alpha"])), rel=1e-12)
    assert info["n_bins"] == m.sum() == 41
    assert info["exposure"] == u.src_ins.exposure
    assert info["energy_max"] == pytest.approx(1e11)
    assert info["npred"] == pytest.approx(u.npred().sum())
    assert info["stat_sum"] == pytest.approx(u.stat_sum())


def test_info_dict_gaussian_background_and_unbound():
    u = synthetic_unit(seed=1, gaussian_bkg=True)
    info = u.info_dict()
    assert "npred" not in info
    a = u.src_efficiency / u.bkg_efficiency
    sig = np.sqrt(np.sum((a * u.bkg_errors) ** 2))
    assert info["sqrt_ts"] == pytest.approx(
        float(poisson_gaussian(info["counts"], info["background"], sig)), rel=1e-10)
