"""Constants shared by the batch tests (the GBM CSPEC series of GRB 080916C)."""

from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[2] / "src" / "bayspec" / "_bundled"
GBM = BUNDLED / "gbm_bn080916009"
KEY = "bn080916009/gbm/n3/glg_cspec_n3_bn080916009_v01"
NEG_EXPOSURE_ROW = 1145
EMPTY_ROW = 1144  # no good channel


