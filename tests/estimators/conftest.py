"""Fixtures for the estimator tests: H.E.S.S. Crab (shared, optional) and GBM 080916C."""

import os
from pathlib import Path

import matplotlib
import pytest

from bayspec.parameter import LogUniform

matplotlib.use("Agg")

HESS_RUNS = (23523, 23526, 23559, 23592)
REPO = Path(__file__).resolve().parents[2]
_env = os.environ.get("BAYSPEC_SHARED_DATA")
SHARED = next((c for c in ([Path(_env)] if _env else []) + [REPO.parent / "shared" / "data"]
               if (c / "REFERENCE.md").exists()), None)


@pytest.fixture(scope="module")
def hess_fit(request):
    if SHARED is None or not (SHARED / "hess_crab" / "pha_obs23523.fits").exists():
        pytest.skip("H.E.S.S. Crab data (../shared/data/hess_crab) not present")
    from bayspec.data import Data, DataUnit
    from bayspec.infer import Likelihood, fit_mle
    from bayspec.model import pl

    d = SHARED / "hess_crab"
    data = Data([DataUnit(str(d / f"pha_obs{r}.fits"), stat="wstat", name=f"r{r}") for r in HESS_RUNS])
    m = pl()
    m.settings["E0"] = 1e9  # 1 TeV in keV
    m["K"].prior = LogUniform(1e-25, 1.0)
    m["K"].value = 3e-20
    m["alpha"].value = -2.5
    out = fit_mle(Likelihood([(data, m)]))
    return data, m, out


@pytest.fixture(scope="module")
def gbm_series():
    from bayspec.estimators import SpectrumSeries

    b = REPO / "src" / "bayspec" / "_bundled" / "gbm_bn080916009"
    return SpectrumSeries(str(b / "glg_cspec_n3_bn080916009_v01.pha"),
                          str(b / "glg_cspec_n3_bn080916009_v00.rsp2"),
                          bkg_interval=(-300.0, -10.0), notc=[8.0, 900.0], name="n3")


@pytest.fixture
def check_png(tmp_path):
    """Render the figure of an Axes to PNG; check it is non-empty and labelled."""
    import matplotlib.pyplot as plt

    def check(ax, name="plot.png"):
        path = tmp_path / name
        assert ax.get_xlabel() and ax.get_ylabel()
        ax.figure.savefig(path)
        plt.close(ax.figure)
        assert path.stat().st_size > 1000
        return path

    return check
