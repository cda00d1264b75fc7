"""A store holding the GRB 080916C NaI n3 CSPEC series (1859 rows, 3 RSP2 matrices)."""

import pytest
from batch_helpers import GBM, KEY


@pytest.fixture(scope="session")
def gbm_store(tmp_path_factory):
    from bayspec.store import Store, import_ogip

    path = tmp_path_factory.mktemp("batch") / "grb.h5"
    key = import_ogip(Store(path), GBM / "glg_cspec_n3_bn080916009_v01.pha",
                      rsp=GBM / "glg_cspec_n3_bn080916009_v00.rsp2", source="bn080916009",
                      instrument="gbm", detector="n3")
    assert key == KEY
    return path
