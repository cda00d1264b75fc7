"""Shared fixtures: where the real data live.

Bundled data (``src/bayspec/_bundled``) are always present. The larger collection in
``../shared/data`` is optional: tests that need it use the ``shared`` fixture and are
skipped cleanly when it is absent (a fresh clone on its own).
"""

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "src" / "bayspec" / "_bundled"


def _shared_root():
    env = os.environ.get("BAYSPEC_SHARED_DATA")
    cands = [Path(env)] if env else []
    cands.append(REPO.parent / "shared" / "data")
    for c in cands:
        if (c / "REFERENCE.md").exists():
            return c
    return None


SHARED = _shared_root()


@pytest.fixture
def bundled():
    return BUNDLED


@pytest.fixture
def shared():
    if SHARED is None:
        pytest.skip("../shared/data is not present")
    return SHARED
