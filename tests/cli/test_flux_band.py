"""Flux bands never report a range the data do not cover without saying so (issue 11 item 5):
with no ``fluxes:`` key the band is the noticed energy range of the data (it was 10-1000 keV
for a Chandra 0.5-7 keV fit); a band beyond every unit's response range is flagged as an
extrapolation (warning, ``extrapolated`` in result.json, exit status 3)."""

import json
import warnings

import pytest
import yaml

from bayspec.cli.main import main
from bayspec.data import DataUnit
from bayspec.infer import Infer
from bayspec.infer.flux import ExtrapolationWarning
from bayspec.model import parse_model


def _chandra(shared):
    d = shared / "chandra_3c273"
    return {"src": str(d / "3c273.pi"), "bkg": str(d / "3c273_bg.pi"),
            "rmf": str(d / "3c273.rmf"), "arf": str(d / "3c273.arf")}


def _config(tmp_path, shared, **over):
    cfg = {"units": {"acis": {**_chandra(shared), "notc": [[0.5, 7.0]], "stat": "wstat"}},
           "model": "pl", "method": "mle", "plots": []}
    cfg.update(over)
    p = tmp_path / "fit.yaml"
    p.write_text(yaml.safe_dump(cfg))
    return p


def test_default_band_is_the_noticed_range(shared, tmp_path, capsys):
    assert main(["fit", str(_config(tmp_path, shared)), "--quiet"]) == 0
    res = json.loads((tmp_path / "fit-results" / "result.json").read_text())
    bands = {(f["e1"], f["e2"]) for f in res["fluxes"]}
    assert len(bands) == 1
    (e1, e2), = bands
    assert 0.5 <= e1 < 0.6 and 6.5 < e2 <= 7.0  # the noticed groups' edges (grouped data)
    assert not any(f["extrapolated"] for f in res["fluxes"]) and res["warnings"] == []


def test_band_beyond_every_response_is_an_extrapolation(shared, tmp_path, capsys):
    cfg = _config(tmp_path, shared, fluxes=[[2, 8], [10, 1000]])
    assert main(["fit", str(cfg), "--quiet"]) == 3
    captured = capsys.readouterr()
    assert "flux band 10-1000 keV reaches beyond the response range" in captured.err
    assert "extrapolation" in captured.err and "(extrapolated)" in captured.out
    out = tmp_path / "fit-results"
    res = json.loads((out / "result.json").read_text())
    flags = {(f["e1"], f["e2"]): f["extrapolated"] for f in res["fluxes"]}
    assert flags == {(2.0, 8.0): False, (10.0, 1000.0): True}
    assert "10–1000 (extrapolated)" in (out / "report.md").read_text()


def test_infer_flux_default_band_and_warning(shared):
    c = _chandra(shared)
    unit = DataUnit(c["src"], c["bkg"], rmf=c["rmf"], arf=c["arf"], notc=[0.5, 7.0],
                    stat="wstat", name="acis")
    infer = Infer([(unit, parse_model("pl"))])
    infer.fit()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        f = infer.flux(kind="photon", seed=0)
    assert f.band[0] == pytest.approx(float(unit.rsp_chbin[0, 0]))
    assert f.band[1] == pytest.approx(float(unit.rsp_chbin[-1, 1])) and not f.extrapolated
    with pytest.warns(ExtrapolationWarning, match="10-1000 keV reaches beyond"):
        assert infer.flux(10, 1000, seed=0).extrapolated
