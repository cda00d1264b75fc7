"""The 3C 273 W-stat references of ../shared/data/REFERENCE.md through the whole pipeline.

Files → `DataUnit` (file GROUPING or none, notice ranges) → `pl` integrated exactly over the
RMF photon bins → RMF × ARF response → `Likelihood` (wstat), compared with sherpa 4.18 to
1e-6 relative (the tolerance REFERENCE.md states).
"""

import pytest

from bayspec.data import DataUnit
from bayspec.infer import Likelihood
from bayspec.model import pl

CASES = [  # grouping, notice, groups, W-stat (sherpa)
    (None, None, 46, 62.12275005769554),
    (None, [[0.5, 3.0], [4.0, 7.0]], 35, 39.84715083397662),
    ("none", None, 1024, 652.9968167212116),
    ("none", [[0.5, 3.0], [4.0, 7.0]], 375, 416.0601496345599),
]


@pytest.mark.parametrize("grpg, notc, ngroups, wstat", CASES)
def test_wstat_matches_sherpa(shared, grpg, notc, ngroups, wstat):
    d = shared / "chandra_3c273"
    unit = DataUnit(src=str(d / "3c273.pi"), bkg=str(d / "3c273_bg.pi"), rmf=str(d / "3c273.rmf"),
                    arf=str(d / "3c273.arf"), stat="wstat", grpg=grpg, notc=notc)
    model = pl()
    model["alpha"].value = -1.782
    model["K"].value = 1.622e-4
    lik = Likelihood([(unit, model)])
    assert lik.npoints == ngroups
    assert lik.stat() == pytest.approx(wstat, rel=1e-6)
