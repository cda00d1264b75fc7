"""`FluxPointsDataset`: chi2 with asymmetric errors and the likelihood-profile statistic."""

import numpy as np
import pytest
from astropy import units as u

from bayspec.errors import ConfigError, DataFormatError
from bayspec.estimators import FluxPoints
from bayspec.estimators.flux_points_dataset import FluxPointsDataset
from bayspec.model import pl


def _points(scan=False):
    m = pl()
    m["alpha"].value = -2.0
    e = np.array([10.0, 20.0, 40.0, 80.0])
    grid = np.linspace(0.0, 3.0, 31)
    rows = []
    for norm, ts in zip((1.0, 1.3, 0.7), (100.0, 9.0, 1.0)):
        r = dict(norm=norm, norm_err=0.1, norm_errp=0.12, norm_errn=0.09, norm_ul=1.5,
                 ts=ts, sqrt_ts=np.sqrt(ts))
        if scan:
            r.update(norm_scan=grid, stat_scan=((grid - norm) / 0.1) ** 2 + 5.0)
        rows.append(r)
    return FluxPoints.from_estimates(rows, e[:-1] * u.keV, e[1:] * u.keV, m), m


def test_chi2_uses_the_error_on_the_model_side_and_skips_upper_limits():
    fp, m = _points()
    ds = FluxPointsDataset(m, fp)
    # point 0 on the model; point 1 above it (model below: the lower error 0.09); point 2
    # is an upper limit (ts = 1 < 4) and is left out
    np.testing.assert_allclose(ds.stat_array(), [0.0, (0.3 / 0.09) ** 2, 0.0], rtol=1e-12)
    m["K"].value = 2.0  # model above every point: the upper errors 0.12
    np.testing.assert_allclose(ds.stat_array()[:2], [(1.0 / 0.12) ** 2, (0.7 / 0.12) ** 2],
                               rtol=1e-12)
    assert ds.stat_sum() == pytest.approx(ds.stat_array().sum())


def test_profile_statistic_interpolates_stat_scan():
    fp, m = _points(scan=True)
    ds = FluxPointsDataset(m, fp, stat_type="profile")
    # model norm 1 in every bin: ((1 - norm) / 0.1)^2 on a grid holding 1.0 exactly
    np.testing.assert_allclose(ds.stat_array(), [0.0, 9.0, 9.0], rtol=1e-9, atol=1e-12)
    m["K"].value = 1.05  # between grid nodes: linear interpolation of the parabola
    expected = []
    for norm in (1.0, 1.3, 0.7):
        lo, hi = 1.0, 1.1
        f = ((np.array([lo, hi]) - norm) / 0.1) ** 2
        expected.append(0.5 * (f[0] + f[1]))
    np.testing.assert_allclose(ds.stat_array(), expected, rtol=1e-9)


def test_bad_settings():
    fp, m = _points()
    with pytest.raises(ConfigError):
        FluxPointsDataset(m, fp, stat_type="cash")
    with pytest.raises(DataFormatError):
        FluxPointsDataset(m, fp, stat_type="profile")
