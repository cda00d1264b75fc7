"""Flux as a fit parameter on the Chandra 3C 273 spectrum (W-stat, 0.5-7 keV):
``tbabs * cflux(powerlaw)`` gives the unabsorbed 0.5-7 keV flux and its error equal, to the
fit's precision, to the flux computed afterwards from the ``tbabs * powerlaw`` fit."""

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.infer import Infer
from bayspec.infer.flux import _fluxes, _model_pvals, parameter_draws
from bayspec.model import parse_model


def _unit(shared):
    d = shared / "chandra_3c273"
    return DataUnit(src=str(d / "3c273.pi"), bkg=str(d / "3c273_bg.pi"), rmf=str(d / "3c273.rmf"),
                    arf=str(d / "3c273.arf"), stat="wstat", notc=[[0.5, 7.0]])


def _fits(shared, nh_frozen):
    m1 = parse_model("tbabs * powerlaw")
    m2 = parse_model("tbabs * cflux(powerlaw)")
    m2.components["cflux"].settings.update(Emin=0.5, Emax=7.0)
    for m in (m1, m2):
        m["nH"].value, m["PhoIndex"].value = 0.0179 if nh_frozen else 0.05, 1.8
        m["nH"].frozen = nh_frozen
    m1["norm"].value, m2["lg10Flux"].value = 2e-4, -11.5
    i1, i2 = Infer([(_unit(shared), m1)]), Infer([(_unit(shared), m2)])
    return m1, i1, i1.fit(), i2.fit()


def _log_flux(infer, m1, theta):
    pl = m1.components["powerlaw"]
    return np.log10(_fluxes(pl, _model_pvals(infer.likelihood, pl, theta), 0.5, 7.0, "energy"))


def test_cflux_value_and_hesse_error_equal_propagated_flux(shared):
    m1, i1, r1, r2 = _fits(shared, nh_frozen=False)
    x0 = np.array([r1.values[n] for n in r1.names])
    lf0 = _log_flux(i1, m1, x0[None, :])[0]
    assert r2.values["cflux.lg10Flux"] == pytest.approx(lf0, abs=2e-4)
    assert r2.stat == pytest.approx(r1.stat, abs=1e-3)
    # delta method on the tbabs * powerlaw covariance
    h = 1e-6 * np.maximum(np.abs(x0), 1e-3)
    J = np.array([(_log_flux(i1, m1, (x0 + np.eye(3)[i] * h[i])[None, :])[0]
                   - _log_flux(i1, m1, (x0 - np.eye(3)[i] * h[i])[None, :])[0]) / (2 * h[i]) for i in range(3)])
    sigma = np.sqrt(J @ np.asarray(r1.covariance) @ J)
    assert r2.errors["cflux.lg10Flux"] == pytest.approx(sigma, rel=0.01)


def test_cflux_error_equals_sampled_flux_interval(shared):
    # nH fixed at the Galactic column: no bound truncates the covariance draws
    m1, i1, r1, r2 = _fits(shared, nh_frozen=True)
    lf = _log_flux(i1, m1, parameter_draws(i1, 40000, seed=2))
    lo, med, hi = np.quantile(lf, [0.5 - 0.3413447, 0.5, 0.5 + 0.3413447])
    x0 = np.array([[r1.values[n] for n in r1.names]])
    assert r2.values["cflux.lg10Flux"] == pytest.approx(_log_flux(i1, m1, x0)[0], abs=2e-4)
    assert r2.values["cflux.lg10Flux"] == pytest.approx(med, abs=1e-3)  # median of draws: not the best fit
    assert r2.errors["cflux.lg10Flux"] == pytest.approx(0.5 * (hi - lo), rel=0.03)
