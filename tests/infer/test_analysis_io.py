"""A fitted analysis saved and reloaded gives the same statistic, values and posterior."""

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.errors import OverwriteError
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.model import cpl, parse_model


def _units():
    out = []
    for det, notc in (("n6", [[8.0, 900.0]]), ("b1", [[250.0, 38000.0]])):
        f = grb090217a(det)
        out.append(DataUnit(src=f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat",
                            notc=notc, name=det))
    return out


def test_fitted_analysis_round_trip(tmp_path):
    infer = Infer([(_units(), cpl())])
    infer.par["b1.sf"].frozen = False
    res = infer.fit()
    with pytest.warns(Warning):  # a deliberately short chain
        post = infer.sample("emcee", nsteps=60, burn=20, seed=3)
    stat = infer.likelihood.stat()
    infer.save(tmp_path / "a")
    with pytest.raises(OverwriteError):
        infer.save(tmp_path / "a")

    back = Infer.load(tmp_path / "a")
    assert back.likelihood.stat() == pytest.approx(stat, rel=1e-12)
    assert back.free_names == infer.free_names
    for name in infer.free_names:
        assert back.par[name].value == pytest.approx(res.values[name], rel=1e-12)
        assert back.result.errors[name] == pytest.approx(res.errors[name], rel=1e-12)
    np.testing.assert_array_equal(back.posterior.samples, post.samples)
    assert back.fit().stat == pytest.approx(res.stat, rel=1e-6)


def test_repeated_components_settings_and_links_survive(tmp_path):
    model = parse_model("cpl + pl")
    model.components["pl"].settings["E0"] = 100.0
    units = _units()[:1]
    infer = Infer([(units, model)])
    infer.par["pl.alpha"].link(infer.par["cpl.alpha"])
    stat = infer.likelihood.stat()
    infer.save(tmp_path / "b")
    back = Infer.load(tmp_path / "b")
    assert back.par["pl.alpha"].linked
    assert back.likelihood.stat() == pytest.approx(stat, rel=1e-12)
