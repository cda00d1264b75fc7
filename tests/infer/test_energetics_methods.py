"""Infer's energetics methods and a Swift/XRT response starting at 0 keV without warnings."""

import warnings

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.infer.energetics import eiso
from bayspec.model import parse_model


def test_infer_eiso_and_luminosity_are_the_energetics_functions():
    f = grb090217a("n6")
    u = DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=[[8, 900]], name="n6")
    infer = Infer([(u, parse_model("cpl"))])
    infer.fit()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the rest-frame band is an extrapolation
        a = infer.eiso(1.0, duration=20.0, seed=3)
        b = eiso(infer, 1.0, duration=20.0, seed=3)
        lum = infer.luminosity(1.0, seed=3)
    va, vb, vl = (float(np.asarray(getattr(x.value, "value", x.value))) for x in (a, b, lum))
    assert va == pytest.approx(vb, rel=1e-12)
    assert va == pytest.approx(20.0 * vl / 2.0, rel=1e-9)  # E = L T / (1 + z)


def test_xrt_response_from_zero_kev_gives_no_runtime_warning(shared):
    d = shared / "swift_xrt"
    unit = DataUnit(str(d / "target_sr.pha"), bkg=False, rmf=str(d / "swxpc0to12s6_20130101v014.rmf.gz"),
                    arf=str(d / "target_sr.arf"), stat="cstat", name="xrt")
    model = parse_model("pl")
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        flux = model.integrate(unit.ebin)
    assert np.all(np.isfinite(flux[:, 1:])) and flux[0, 0] >= 0
