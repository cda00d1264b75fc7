"""Fixtures of the interop tests (imported by each test module; no conftest.py here, so the
estimator tests' ``from conftest import ...`` keep finding theirs): gammapy from the
`interop` extra, skipped cleanly where it is absent, and the H.E.S.S. files read in place
from ../shared/data (skipped when absent)."""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_env = os.environ.get("BAYSPEC_SHARED_DATA")
SHARED = next((c for c in ([Path(_env)] if _env else []) + [REPO.parent / "shared" / "data"]
               if (c / "REFERENCE.md").exists()), None)


@pytest.fixture(scope="session")
def gammapy():
    return pytest.importorskip("gammapy", minversion="2.1")


@pytest.fixture(scope="session")
def hess_dir():
    d = None if SHARED is None else SHARED / "hess_crab"
    if d is None or not (d / "pha_obs23523.fits").exists():
        pytest.skip("H.E.S.S. Crab data (../shared/data/hess_crab) not present")
    return d
