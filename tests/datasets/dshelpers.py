"""Helpers for the dataset-operation tests: the bundled GBM n6 unit with a cutoff power
law, the four H.E.S.S. Crab runs (shared data, skipped when absent) and synthetic units."""

import numpy as np

import bayspec  # noqa: F401  (registers the hooks)
from bayspec.data import Background, Response, Source
from bayspec.data.unit import DataUnit
from bayspec.model.library import CutoffPowerLaw, PowerLaw
from bayspec.parameter import LogUniform

HESS_RUNS = (23523, 23526, 23559, 23592)


def gbm_unit(bundled, stat="pgstat"):
    d = bundled / "gbm_bn090217206"
    return DataUnit(str(d / "bn090217206_n6_srcspectra.pha"),
                    bkg=str(d / "bn090217206_n6_bkgspectra.bak"),
                    rsp=str(d / "bn090217206_n6_weightedrsp.rsp"), stat=stat,
                    notc=[[9.0, 31.0], [38.8, 954.0]], name="n6")


def cpl_model():
    m = CutoffPowerLaw()
    m["K"].value = 0.3 * 100.0**-0.8  # 0.3 at 1 keV, at cpl's 100 keV pivot
    m["alpha"].value = -0.8
    m["Ep"].value = 600.0
    return m


def crab_powerlaw():
    """Power law with E0 = 1 TeV = 1e9 keV, K in photons cm^-2 s^-1 keV^-1."""
    pl = PowerLaw()
    pl.settings["E0"] = 1e9
    pl["K"].prior = LogUniform(1e-30, 1e1)
    pl["K"].value = 5e-11 / 1e9
    pl["alpha"].value = -2.8
    return pl


def synthetic_unit(seed=1, n=32, gaussian_bkg=False, stat=None, exposure=10.0,
                   bkg_exposure=20.0, backscale_b=3.0, quality=None, name="syn"):
    rng = np.random.default_rng(seed)
    edges = np.geomspace(10.0, 1000.0, n + 1)
    chbin = np.c_[edges[:-1], edges[1:]]
    ph = np.geomspace(8.0, 1200.0, 121)
    phbin = np.c_[ph[:-1], ph[1:]]
    E, C = np.sqrt(phbin.prod(1)), np.sqrt(chbin.prod(1))
    drm = np.exp(-0.5 * (np.log(E[:, None] / C[None]) / 0.1) ** 2)
    drm = 50 * drm / drm.sum(1, keepdims=True)
    src = Source(rng.poisson(40, n), None, exposure, quality=quality, name=name)
    if gaussian_bkg:
        b = rng.normal(60, 5, n)
        bkg = Background(b, np.full(n, 5.0), bkg_exposure, backscale=backscale_b,
                         name=f"{name}_b")
        stat = stat or "pgstat"
    else:
        bkg = Background(rng.poisson(60, n), None, bkg_exposure, backscale=backscale_b,
                         name=f"{name}_b")
        stat = stat or "wstat"
    return DataUnit(src, bkg=bkg, rsp=Response(chbin, phbin, drm, name=f"{name}_r"),
                    stat=stat, name=name)


