"""write/read (OGIP + YAML index), to_dict/from_dict, overwrite protection."""

import json

import numpy as np
import pytest
import yaml
from dshelpers import cpl_model, gbm_unit, synthetic_unit

from bayspec.data import Data
from bayspec.data.unit import DataUnit
from bayspec.errors import OverwriteError


def test_unit_write_read_same_statistic(gbm, tmp_path):
    gbm.par["bf"].value = 1.1
    index = gbm.write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["n6.pha", "n6.rsp", "n6.yaml",
                                                           "n6_bkg.pha"]
    entry = yaml.safe_load(index.read_text())
    assert entry["src"] == "n6.pha" and entry["stat"] == "pgstat"
    assert entry["factors"]["bf"]["value"] == 1.1
    for target in (tmp_path, index):
        back = DataUnit.read(target)
        back.fit_with = gbm.fit_with
        assert back.name == "n6" and back.npoint == gbm.npoint
        assert back.par["bf"].value == 1.1
        assert back.stat_sum() == pytest.approx(gbm.stat_sum(), rel=1e-12)
        np.testing.assert_array_equal(back.src_counts, gbm.src_counts)


def test_overwrite(gbm, tmp_path):
    gbm.write(tmp_path)
    before = (tmp_path / "n6.pha").read_bytes()
    with pytest.raises(OverwriteError):
        gbm.write(tmp_path)
    assert (tmp_path / "n6.pha").read_bytes() == before
    gbm.write(tmp_path, overwrite=True)


def test_overwrite_checked_before_writing(bundled, tmp_path):
    d = Data([("a", gbm_unit(bundled)), ("b", gbm_unit(bundled))])
    (tmp_path / "b.rsp").write_text("occupied")
    with pytest.raises(OverwriteError):
        d.write(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.rsp"]


def test_data_write_read(bundled, tmp_path):
    d = Data([("a", gbm_unit(bundled)), ("w", synthetic_unit(seed=2))])
    d["w"].notc = [20.0, 800.0]
    index = d.write(tmp_path / "out")
    assert index.name == "data.yaml"
    back = Data.read(tmp_path / "out")
    assert back.names == ["a", "w"]
    m = cpl_model()
    d.fit_with = m
    back.fit_with = m
    assert back.stat_sum() == pytest.approx(d.stat_sum(), rel=1e-12)
    assert back["w"].npoint == d["w"].npoint


def test_to_dict_from_dict(gbm):
    dct = gbm.to_dict()
    text = yaml.safe_dump(dct)
    json.dumps(dct)  # plain values only
    back = DataUnit.from_dict(yaml.safe_load(text))
    back.fit_with = gbm.fit_with
    assert back.stat_sum() == pytest.approx(gbm.stat_sum(), rel=1e-12)
    d = Data([gbm, synthetic_unit(seed=1)])
    again = Data.from_dict(d.to_dict())
    assert again.names == d.names


def test_scale_factor_settings_round_trip(gbm, tmp_path):
    """Scale factors are written in the parameter-settings grammar: prior, bounds and the
    frozen flag come back, not only the value."""
    from bayspec.parameter import Normal

    sf = gbm.par["sf"]
    sf.update(value=1.1, prior=Normal(1.0, 0.1), bounds=(0.8, 1.3))
    sf.frozen = False
    back = DataUnit.read(gbm.write(tmp_path / "u"))
    got = back.par["sf"]
    assert got.value == pytest.approx(1.1) and not got.frozen
    assert isinstance(got.prior, Normal) and tuple(got.bounds) == (0.8, 1.3)
