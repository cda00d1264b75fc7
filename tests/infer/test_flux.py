"""Band fluxes and model bands."""

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.model import pl


@pytest.fixture(scope="module")
def fitted():
    f = grb090217a("n6")
    u = DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat",
                 notc=[[9.0, 31.0], [38.8, 954.0]], name="n6")
    infer = Infer([(u, pl())])
    infer.fit()
    return infer


def _pl_flux(K, a, e1, e2, p):
    s = a + 1 + p
    return K * (e2**s - e1**s) / s


def test_flux_values_match_analytic(fitted):
    r = fitted.result
    K, a = r.values["K"], r.values["alpha"]
    ph = fitted.flux(10, 1000, kind="photon", seed=1)
    en = fitted.flux(10, 1000, kind="energy", seed=1)
    assert ph.value.unit.to_string() in ("1 / (cm2 s)", "1 / (s cm2)")
    assert ph.value.value == pytest.approx(_pl_flux(K, a, 10, 1000, 0), rel=1e-8)
    assert en.value.to_value("erg cm-2 s-1") == pytest.approx(_pl_flux(K, a, 10, 1000, 1) * 1.602176634e-9, rel=1e-8)
    assert ph.lo < ph.value < ph.hi
    assert en.samples.shape == (1000,)


def test_flux_errors_match_linear_propagation(fitted):
    r = fitted.result
    K, a = r.values["K"], r.values["alpha"]
    h = 1e-6
    g = np.array([
        (_pl_flux(K * (1 + h), a, 10, 1000, 0) - _pl_flux(K * (1 - h), a, 10, 1000, 0)) / (2 * h * K),
        (_pl_flux(K, a + h, 10, 1000, 0) - _pl_flux(K, a - h, 10, 1000, 0)) / (2 * h),
    ])
    sig = np.sqrt(g @ r.covariance @ g)
    ph = fitted.flux(10, 1000, kind="photon", nsamples=4000, seed=2)
    half = 0.5 * (ph.hi - ph.lo).value
    assert half == pytest.approx(sig, rel=0.1)
    assert np.std(ph.samples.value) == pytest.approx(sig, rel=0.1)


def test_flux_seed_reproducible(fitted):
    a = fitted.flux(20, 200, kind="energy", seed=5)
    b = fitted.flux(20, 200, kind="energy", seed=5)
    assert np.array_equal(a.samples, b.samples)


def test_model_band(fitted):
    E = np.geomspace(10, 1000, 7)
    band = fitted.model_band(E, sed="nufnu", seed=3)
    r = fitted.result
    best = r.values["K"] * E ** (r.values["alpha"] + 2)
    assert np.allclose(band.best.value, best, rtol=1e-10)
    assert np.all(band.lo < band.median) and np.all(band.median < band.hi)
    assert str(band.median.unit) in ("keV / (cm2 s)", "keV / (s cm2)")
    n = fitted.model_band(E, sed="n", seed=3)
    assert np.allclose(n.best.value * E**2, band.best.value)
