"""Luminosity, E_iso and k-correction from a fit of GRB 090217A (bundled GBM n6, n9, b1)
against the same quantities computed here with scipy quad and astropy's Planck18; clumin."""

import numpy as np
import pytest
from astropy.cosmology import FlatLambdaCDM, Planck18
from scipy.integrate import quad

from bayspec.constants import KEV_TO_ERG
from bayspec.data import DataUnit
from bayspec.errors import ModelError
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.infer.energetics import eiso, kcorrection, luminosity, luminosity_distance
from bayspec.model import band, clumin


@pytest.fixture(scope="module")
def fitted():
    units = []
    for det in ("n6", "n9", "b1"):
        f = grb090217a(det)
        notc = [[8.0, 900.0]] if det.startswith("n") else [[250.0, 38000.0]]
        units.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat", notc=notc, name=det))
    model = band()
    infer = Infer([(units, model)])
    infer.fit()
    return infer, model


def _eflux(model, a, b):
    return quad(lambda e: float(model(e)) * e * KEV_TO_ERG, a, b, limit=500, epsrel=1e-10,
                points=[model["Ep"].value])[0]


def test_luminosity_and_eiso_match_independent_computation(fitted):
    infer, model = fitted
    z = 1.0
    dl = Planck18.luminosity_distance(z).to("cm").value
    assert luminosity_distance(z) == pytest.approx(dl, rel=1e-12)
    F = _eflux(model, 1.0 / (1 + z), 1e4 / (1 + z))
    L = luminosity(infer, 1.0, 1e4, z, seed=1)
    assert L.value.to_value("erg/s") == pytest.approx(4 * np.pi * dl**2 * F, rel=1e-5)
    assert L.lo < L.value < L.hi
    E = eiso(infer, z, duration=10.0, seed=1)
    assert E.value.to_value("erg") == pytest.approx(4 * np.pi * dl**2 * F * 10.0 / (1 + z), rel=1e-5)
    # same draws: E_iso = L T / (1 + z) draw by draw
    np.testing.assert_allclose(E.samples.value, L.samples.value * 10.0 / 2.0, rtol=1e-12)
    # any astropy cosmology
    c = FlatLambdaCDM(H0=70, Om0=0.3)
    L70 = luminosity(infer, 1.0, 1e4, z, cosmology=c, seed=1)
    ratio = (c.luminosity_distance(z) / Planck18.luminosity_distance(z)).decompose().value ** 2
    assert L70.value.value == pytest.approx(L.value.value * ratio, rel=1e-10)


def test_kcorrection(fitted):
    infer, model = fitted
    z = 2.0
    k = kcorrection(infer, 1.0, 1e4, z, obs_band=(8.0, 1000.0), seed=3)
    ref = _eflux(model, 1.0 / 3, 1e4 / 3) / _eflux(model, 8.0, 1000.0)
    assert k.value.value == pytest.approx(ref, rel=1e-5)
    assert k.lo.value < k.value.value < k.hi.value


def test_bad_inputs(fitted):
    infer, _ = fitted
    with pytest.raises(ModelError, match="z"):
        luminosity(infer, 1, 1e4, z=0.0)
    with pytest.raises(ModelError, match="cosmology"):
        luminosity(infer, 1, 1e4, z=1.0, cosmology="planck")
    with pytest.raises(ModelError, match="duration"):
        eiso(infer, 1.0, duration=-1)


def test_clumin_sets_the_rest_frame_luminosity():
    m = clumin(Emin=1.0, Emax=1e4, Redshift=1.0)(band())
    assert m["band.K"].frozen
    m["lg10Lum"].value = 52.0
    dl = Planck18.luminosity_distance(1.0).to("cm").value
    m.settings["quad_order"] = 16
    F = quad(lambda e: float(m(e)) * e * KEV_TO_ERG, 0.5, 5e3, limit=500, epsrel=1e-11,
             points=[m["Ep"].value * 0.3 / 1.0])[0]
    assert np.log10(4 * np.pi * dl**2 * F) == pytest.approx(52.0, abs=1e-5)
    v = m.integrate(np.geomspace(8, 1000, 5), {"lg10Lum": [51.0, 52.0]})
    np.testing.assert_allclose(v[1] / v[0], 10.0, rtol=1e-12)
