"""cflux / cpflux: the band flux equals 10**lg10Flux, the wrapped norm is frozen, exact and
quadrature plans agree."""

import numpy as np
import pytest
from scipy.integrate import quad

from bayspec.constants import KEV_TO_ERG
from bayspec.errors import ModelError
from bayspec.model import cflux, cpflux, parse_model, powerlaw, tbabs


def _band(model, e1, e2, energy):
    f = quad(lambda e: float(model(e)) * (e * KEV_TO_ERG if energy else 1.0), e1, e2, limit=200,
             epsrel=1e-12)[0]
    return f


@pytest.mark.parametrize("conv, energy", [(cflux, True), (cpflux, False)])
def test_band_flux_equals_parameter(conv, energy):
    inner = powerlaw(PhoIndex=1.7)
    m = conv(Emin=2.0, Emax=10.0)(inner)
    assert inner["norm"].frozen and m.kind == "additive"
    m["lg10Flux"].value = -11.3
    assert _band(m, 2.0, 10.0, energy) == pytest.approx(10 ** -11.3, rel=1e-9)
    # exact plan (integration by parts for cflux) = quadrature plan
    e = np.geomspace(0.3, 30, 40)
    assert m.plan(e).kind == "antiderivative"
    exact = m.integrate(e)
    m.settings["integration"] = "quadrature"
    np.testing.assert_allclose(m.integrate(e), exact, rtol=1e-8)


def test_batched_and_absorbed():
    m = tbabs() * cflux(powerlaw())
    m.components["cflux"].settings.update(Emin=0.5, Emax=7.0)
    lg = np.array([-12.0, -11.0, -10.5])
    v = m.integrate(np.geomspace(0.5, 7, 6), {"lg10Flux": lg, "nH": [0.0, 0.0, 0.0]})
    assert v.shape == (3, 5)
    np.testing.assert_allclose(v[1] / v[0], 10.0, rtol=1e-12)
    # the cflux of an absorbed model is the absorbed flux
    a = cflux(Emin=0.5, Emax=7.0)(tbabs(nH=1.0) * powerlaw())
    a["lg10Flux"].value = -12.0
    assert _band(a, 0.5, 7.0, True) == pytest.approx(1e-12, rel=1e-6)


def test_parse_and_errors():
    m = parse_model("cpflux(powerlaw + bbody)")
    assert m["powerlaw.norm"].frozen and not m["bbody.norm"].frozen
    with pytest.raises(ModelError, match="additive"):
        cflux()(tbabs())
    bad = cflux(Emin=5.0, Emax=1.0)(powerlaw())
    with pytest.raises(ModelError, match="Emin"):
        bad.integrate([1.0, 2.0])
