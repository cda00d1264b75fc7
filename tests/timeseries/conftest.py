"""Fixtures for the time-series tests: the GRB 080916C TTE event lists of NaI n3 and BGO b0.

The event lists are read in place from ``../shared/data/gbm_bn080916009`` (tests skip
cleanly when it is absent); the RSP2 responses are bundled.
"""

import pytest
from tshelpers import OFF, rsp_path, tte_path


@pytest.fixture(scope="module")
def n3():
    from bayspec.data.timeseries import TimeSeries

    return TimeSeries.from_tte(tte_path("n3"), rsp=rsp_path("n3"))


@pytest.fixture(scope="module")
def n3_bkg(n3):
    return n3.fit_background(OFF)
