"""The `bayspec fit` model checks (bayspec.cli.checks): the goodness: and compare: keys,
running them on the demo's real GBM data, and their JSON / Markdown / plot outputs."""

import json
import types

import pytest
from test_goodness import _units

from bayspec.cli.checks import check_plots, checks_json, checks_markdown, parse_compare, parse_goodness, run_checks
from bayspec.data import Data
from bayspec.errors import ConfigError
from bayspec.infer import Infer
from bayspec.model import parse_model


def test_parse_goodness_forms():
    assert parse_goodness(None) is None and parse_goodness(False) is None
    assert parse_goodness(True) == {"nsim": 1000, "seed": None, "posterior": False}
    assert parse_goodness(300)["nsim"] == 300
    assert parse_goodness({"nsim": 50, "seed": 3}) == {"nsim": 50, "seed": 3, "posterior": False}
    with pytest.raises(ConfigError, match="goodness.nsim"):
        parse_goodness({"nsim": 0})
    with pytest.raises(ConfigError, match="goodness.nsims"):
        parse_goodness({"nsims": 10})
    with pytest.raises(ConfigError, match="goodness"):
        parse_goodness("many")


def test_parse_compare_forms():
    c = parse_compare(["cpl", "cpl + bb"])
    assert c == {"models": ["cpl", "cpl + bb"], "nsim": 200, "seed": None, "starts": []}
    c = parse_compare({"models": ["cpl", "band"], "nsim": 0, "starts": [{"bb.kT": 10}]})
    assert c["nsim"] == 0 and c["starts"] == [{"bb.kT": 10.0}]
    with pytest.raises(ConfigError, match="at least two"):
        parse_compare(["cpl"])
    with pytest.raises(ConfigError, match=r"compare.models\[1\]"):
        parse_compare(["cpl", "cpl + nosuchthing"])
    with pytest.raises(ConfigError, match="compare.model"):
        parse_compare({"model": ["cpl", "bb"]})


def test_run_checks_on_the_demo(tmp_path):
    data = Data(_units())
    data["b1"].par["sf"].thaw()
    model = parse_model("cpl")
    infer = Infer([(data, model)])
    res = infer.fit()
    cfg = types.SimpleNamespace(model="cpl", method="mle", options={}, params={},
                                goodness=parse_goodness({"nsim": 40, "seed": 1}),
                                compare=parse_compare({"models": ["cpl", "cpl + bb"], "nsim": 10,
                                                       "seed": 2}))
    g, comps, notes = run_checks(cfg, data, model, infer, None)
    assert g.nsim == 40 and len(comps) == 1
    c = comps[0]
    assert c.names == ("cpl", "cpl + bb") and c.lrt.nsim == 10
    # the run's model is bound again, at its best fit
    assert data["n6"].fit_with is model
    assert data["b1"].par["sf"].value == pytest.approx(res.values["b1.sf"])
    out = types.SimpleNamespace(goodness=g, comparisons=comps, posterior=None)
    d = checks_json(out)
    json.dumps(d)  # JSON-compatible
    assert d["goodness"]["nsim"] == 40 and d["comparisons"][0]["lrt"]["nsim"] == 10
    md = "\n".join(checks_markdown(out))
    assert "## Goodness of fit" in md and "## Model comparison: `cpl` vs `cpl + bb`" in md
    assert "Wilks χ² p" in md and "simulated p" in md

    def save(fig, path):
        fig.savefig(path)

    files = check_plots(out, tmp_path, save)
    assert files == ["goodness.png", "lrt.png"] and (tmp_path / "lrt.png").exists()


def test_bayspec_fit_with_goodness_and_compare(tmp_path):
    import yaml

    from bayspec.cli.main import main
    from bayspec.examples import grb090217a

    n6 = grb090217a("n6")
    cfg = {"units": {"n6": {"src": n6["src"], "bkg": n6["bkg"], "rsp": n6["rsp"],
                            "notc": [[8, 900]], "stat": "pgstat"}},
           "model": "cpl", "method": "mle", "plots": ["fit"], "fluxes": [[10, 1000]],
           "goodness": {"nsim": 30, "seed": 1},
           "compare": {"models": ["cpl", "cpl + bb"], "nsim": 10, "seed": 2}}
    path = tmp_path / "fit.yaml"
    path.write_text(yaml.safe_dump(cfg))
    out = tmp_path / "out"
    assert main(["fit", str(path), "-o", str(out), "--quiet"]) in (0, 3)
    res = json.loads((out / "result.json").read_text())
    assert res["goodness"]["nsim"] == 30 and 0 <= res["goodness"]["p_value"] <= 1
    comp = res["comparisons"][0]
    assert comp["null"] == "cpl" and comp["alternative"] == "cpl + bb"
    assert comp["lrt"]["dof"] == 2 and comp["lrt"]["nsim"] == 10
    report = (out / "report.md").read_text()
    assert "## Goodness of fit" in report and "Likelihood-ratio test" in report
    assert (out / "goodness.png").exists() and (out / "lrt.png").exists()


def test_bad_check_keys_name_the_key(tmp_path):
    from bayspec.cli.config import parse_config
    from bayspec.examples import grb090217a

    n6 = grb090217a("n6")
    base = {"units": {"n6": {"src": n6["src"], "bkg": n6["bkg"], "rsp": n6["rsp"]}},
            "model": "cpl"}
    with pytest.raises(ConfigError, match="goodness.nsim"):
        parse_config({**base, "goodness": {"nsim": -1}})
    with pytest.raises(ConfigError, match="compare"):
        parse_config({**base, "compare": ["cpl"]})
    cfg = parse_config({**base, "goodness": 100, "compare": ["cpl", "cpl + bb"]})
    assert cfg.goodness["nsim"] == 100 and cfg.compare["models"] == ["cpl", "cpl + bb"]


def test_report_shows_ln_z_of_a_nested_run():
    import numpy as np

    from bayspec.infer import Posterior

    post = Posterior(["a"], np.zeros((3, 1)), logz=-222.438, logz_err=0.393)
    md = "\n".join(checks_markdown(types.SimpleNamespace(posterior=post)))
    assert "ln Z = -222.438 ± 0.393" in md
    assert checks_markdown(types.SimpleNamespace(posterior=Posterior(["a"], np.zeros((3, 1))))) == []
