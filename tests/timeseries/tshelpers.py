"""Helpers of the time-series tests: where the GRB 080916C TTE event lists and RSP2 live."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "src" / "bayspec" / "_bundled" / "gbm_bn080916009"
_env = os.environ.get("BAYSPEC_SHARED_DATA")
SHARED = next((c for c in ([Path(_env)] if _env else []) + [REPO.parent / "shared" / "data"]
               if (c / "REFERENCE.md").exists()), None)

#: Off-source intervals of GRB 080916C (s from TRIGTIME): before the trigger and after
#: the GBM emission has faded.
OFF = [[-25.0, -5.0], [150.0, 300.0]]


def tte_path(det):
    if SHARED is None:
        pytest.skip("../shared/data is not present")
    p = SHARED / "gbm_bn080916009" / f"glg_tte_{det}_bn080916009_v01.fit.gz"
    if not p.exists():
        pytest.skip(f"{p.name} is not present")
    return p


def rsp_path(det):
    return BUNDLED / f"glg_cspec_{det}_bn080916009_v00.rsp2"
