import numpy as np
import pytest

from bayspec.stat import pgstat, wstat
from bayspec.stat.significance import li_ma, poisson_gaussian


def test_li_ma_known_value_and_sign():
    # eq. 17 evaluated by hand for N_on=130, N_off=500, alpha=0.2
    n_on, n_off, a = 130.0, 500.0, 0.2
    t = n_on * np.log((1 + a) / a * n_on / (n_on + n_off)) + n_off * np.log(
        (1 + a) * n_off / (n_on + n_off))
    assert li_ma(n_on, n_off, a) == pytest.approx(np.sqrt(2 * t), rel=1e-14)
    assert li_ma(80.0, 500.0, 0.2) < 0
    assert li_ma(0.0, 0.0, 1.0) == 0.0
    assert np.isfinite(li_ma([0.0, 5.0], [5.0, 0.0], 0.3)).all()


def test_li_ma_squared_is_wstat_at_zero_model():
    rng = np.random.default_rng(3)
    n_off = rng.poisson(20, 200).astype(float)
    a = rng.uniform(0.05, 2.0, 200)
    n_on = np.ceil(a * n_off) + rng.poisson(5, 200)
    w0 = wstat(n_on, n_off, np.zeros((1, 200)), a, 1.0)[0]
    np.testing.assert_allclose(li_ma(n_on, n_off, a) ** 2, w0, rtol=1e-10, atol=1e-10)


def test_poisson_gaussian_is_pgstat_at_zero_model_and_limits():
    rng = np.random.default_rng(4)
    b = rng.uniform(0, 50, 200)
    sig = rng.uniform(0.1, 10, 200)
    n = np.ceil(b) + rng.poisson(6, 200)
    pg0 = pgstat(n, b, np.zeros((1, 200)), 1.0, 1.0, sB=sig)[0]
    np.testing.assert_allclose(poisson_gaussian(n, b, sig) ** 2, pg0, rtol=1e-10, atol=1e-10)
    # sigma -> 0: known background, sqrt(2 (n ln(n/b) - n + b))
    z = poisson_gaussian(30.0, 20.0, 0.0)
    assert z == pytest.approx(np.sqrt(2 * (30 * np.log(1.5) - 10)), rel=1e-14)
    assert poisson_gaussian(30.0, 20.0, 1e-6) == pytest.approx(z, rel=1e-8)
    assert poisson_gaussian(10.0, 20.0, 3.0) < 0
    assert np.isfinite(poisson_gaussian([0.0, 3.0], [0.0, 0.0], [1.0, 1.0])).all()
