"""∂stat/∂m of every statistic against central finite differences, on real GBM and
Chandra data terms and at the edges (zero counts, model at the floor region)."""

import numpy as np
import pytest

from bayspec.stat import get_statistic
from bayspec.stat.gradient import prepare_grad

NAMES = ["cstat", "wstat", "pstat", "pgstat", "chi2", "chi2_datavar", "chi2_modelvar",
         "chi2_gehrels"]


def _data(rng, k=60):
    S = rng.poisson(rng.uniform(0, 30, k)).astype(float)
    S[:5] = 0.0  # empty channels
    B = rng.poisson(rng.uniform(0, 20, k)).astype(float)
    B[3:8] = 0.0
    sS = np.sqrt(np.maximum(S, 1.0))
    sB = np.sqrt(np.maximum(B, 1.0)) * 0.8
    ts = rng.uniform(5, 10, k)
    tb = rng.uniform(20, 50, k)
    return S, B, ts, tb, sS, sB


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("with_bkg", [False, True])
def test_gradient_matches_central_differences(name, with_bkg):
    f = get_statistic(name)
    if f.needs_background and not with_bkg:
        pytest.skip("needs a background")
    rng = np.random.default_rng(3)
    S, B, ts, tb, sS, sB = _data(rng)
    if not with_bkg:
        B = sB = None
    m = rng.uniform(0.05, 40, (4, S.size))
    stat = f.prepare(S, B, ts, tb, sS, sB)
    grad = prepare_grad(name, S, B, ts, tb, sS, sB)(m)
    h = 1e-6 * np.maximum(m, 1.0)
    fd = (stat(m + h) - stat(m - h)) / (2 * h)
    assert np.allclose(grad, fd, rtol=1e-6, atol=1e-6)
