"""Fixtures of the dataset-operation tests (helpers in ``dshelpers``)."""

import pytest
from dshelpers import HESS_RUNS, cpl_model, crab_powerlaw, gbm_unit

from bayspec.data.unit import DataUnit


@pytest.fixture
def gbm(bundled):
    u = gbm_unit(bundled)
    u.fit_with = cpl_model()
    return u


@pytest.fixture
def hess_units(shared):
    d = shared / "hess_crab"
    if not (d / "pha_obs23523.fits").exists():
        pytest.skip("H.E.S.S. Crab files are not present")
    pl = crab_powerlaw()
    units = []
    for r in HESS_RUNS:
        u = DataUnit(str(d / f"pha_obs{r}.fits"), stat="wstat", name=f"run{r}")
        u.fit_with = pl
        units.append(u)
    return units, pl
