"""`bayspec fit` with a parameter that ends on a bound: the results are written, every output
flags the parameter and its bound, a warning is printed and the exit status is 3
("finished with warnings"). It used to refuse to write anything (exit 1)."""

import json

import pytest
import yaml
from astropy.table import Table

from bayspec.cli.main import EXIT_WARNINGS, build_parser, main
from bayspec.examples import grb090217a


def _config(tmp_path, ep_prior):
    n6 = grb090217a("n6")
    cfg = {"units": {"n6": {"src": n6["src"], "bkg": n6["bkg"], "rsp": n6["rsp"],
                            "notc": [[8, 900]], "stat": "pgstat"}},
           "model": "cpl",
           "params": {"cpl.K": 0.0126, "cpl.Ep": {"value": 50, "prior": ep_prior}},
           "method": "mle", "plots": ["fit"], "fluxes": [[10, 1000]]}
    p = tmp_path / "fit.yaml"
    p.write_text(yaml.safe_dump(cfg))
    return p


def test_fit_at_bound_writes_flags_and_warns(tmp_path, capsys):
    cfg = _config(tmp_path, ["loguniform", 1, 100])  # GRB 090217A wants Ep ~ 600 keV
    out = tmp_path / "out"
    assert main(["fit", str(cfg), "-o", str(out), "--quiet"]) == EXIT_WARNINGS == 3
    err = capsys.readouterr().err
    assert "warning: cpl.Ep hit its upper bound 100 keV" in err and "exit status 3" in err
    # every output is there and says which parameter sits on which bound
    res = json.loads((out / "result.json").read_text())
    assert res["valid"] is False and res["minimum_valid"] is True
    assert res["at_limit"]["cpl.Ep"]["side"] == "upper" and res["at_limit"]["cpl.Ep"]["bound"] == 100
    assert any("cpl.Ep hit its upper bound 100 keV" in w for w in res["warnings"])
    t = Table.read(out / "result.ecsv")
    assert dict(zip(t["name"], t["at_limit"]))["cpl.Ep"] == "upper"
    assert t.meta["valid"] is False and t.meta["warnings"]
    report = (out / "report.md").read_text()
    assert "Finished with warnings" in report and "cpl.Ep hit its upper bound 100 keV" in report
    assert "| cpl.Ep |" in report and "upper (100)" in report
    assert "not valid: at bound: cpl.Ep (upper)" in report


def test_valid_fit_reports_valid(tmp_path, capsys):
    cfg = _config(tmp_path, ["loguniform", 10, 1e4])
    out = tmp_path / "out"
    assert main(["fit", str(cfg), "-o", str(out), "--quiet"]) == 0
    res = json.loads((out / "result.json").read_text())
    assert res["valid"] is True and res["at_limit"] == {} and res["warnings"] == []
    assert "Fit status: **valid**" in (out / "report.md").read_text()
    assert "warning" not in capsys.readouterr().err


def test_exit_status_is_documented(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["fit", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "exit status" in text and "3 finished with warnings" in text
    assert "1 fit failed" in text and "2 bad configuration" in text
