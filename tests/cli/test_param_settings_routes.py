"""One ``params:`` entry means one thing in ``bayspec fit``, ``bayspec batch`` and
``Infer.save``/``Infer.load`` (grammar: `bayspec.parameter.settings`)."""

import pytest
import yaml

from bayspec.batch import Template
from bayspec.cli.build import build
from bayspec.cli.config import parse_config
from bayspec.data import DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.model import parse_model
from bayspec.parameter import LogUniform, Normal, settings_of

MODEL = "cpl + pl"
PARAMS = yaml.safe_load("""
cpl.Ep: {value: 250, bounds: [20, 2000]}
cpl.alpha: {value: -0.9, prior: [normal, -1, 0.5], bounds: [-1.8, 0.5]}
pl.K: frozen
pl.alpha: {link: cpl.alpha}
""")


def _entries(params):
    owner = {id(p): n for n, p in params.items()}
    return {n: settings_of(p, name_of=lambda q: owner[id(q)]) for n, p in params.items()}


def _unit():
    f = grb090217a("n6")
    return DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=[8, 900], stat="pgstat", name="n6")


def _fit_route():
    raw = {"units": {"n6": {**grb090217a("n6"), "notc": [8, 900]}}, "model": MODEL,
           "params": PARAMS}
    _, model = build(parse_config(raw))
    return model.params


def _batch_route():
    return Template(MODEL, params=PARAMS).build_model().params


def _saved_route(tmp_path):
    """An ``analysis.yaml`` whose ``params:`` hold the entries, loaded, saved, loaded."""
    Infer([([_unit()], parse_model(MODEL))]).save(tmp_path / "a")
    index = tmp_path / "a" / "analysis.yaml"
    doc = yaml.safe_load(index.read_text())
    doc["params"] = PARAMS
    index.write_text(yaml.safe_dump(doc))
    Infer.load(tmp_path / "a").save(tmp_path / "b")
    return Infer.load(tmp_path / "b").par


def test_same_entry_same_par_by_every_route(tmp_path):
    fit, batch, saved = _fit_route(), _batch_route(), _saved_route(tmp_path)
    want = _entries(fit)
    assert _entries(batch) == want
    assert {n: e for n, e in _entries(saved).items() if n in want} == want
    for params in (fit, batch, saved):
        ep, alpha, pl_alpha = params["cpl.Ep"], params["cpl.alpha"], params["pl.alpha"]
        assert (ep.value, ep.prior, ep.bounds) == (250.0, LogUniform(1, 1e5), (20.0, 2000.0))
        assert (alpha.value, alpha.prior, alpha.bounds) == (-0.9, Normal(-1, 0.5), (-1.8, 0.5))
        assert params["pl.K"].frozen and not params["pl.K"].free
        assert pl_alpha.linked and pl_alpha.link_pars == (alpha,) and pl_alpha.value == -0.9


def test_bounds_alone_keep_the_prior_in_fit_and_batch():
    """``bounds:`` used to replace the prior in ``bayspec fit`` (LogUniform(20, 2000)) and
    only narrow it in ``bayspec batch``; both now keep the prior, truncated."""
    params = {"cpl.Ep": {"bounds": [20, 2000]}}
    raw = {"units": {"n6": {**grb090217a("n6"), "notc": [8, 900]}}, "model": "cpl",
           "params": params}
    fit = build(parse_config(raw))[1]["cpl.Ep"]
    batch = Template("cpl", params=params).build_model()["cpl.Ep"]
    for p in (fit, batch):
        assert p.prior == LogUniform(1, 1e5) and p.bounds == (20.0, 2000.0)
    assert fit.logprior(100.0) == pytest.approx(batch.logprior(100.0))


def test_template_checks_the_grammar_up_front():
    from bayspec.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        Template("cpl", params={"Ep": {"bounds": [5, 1]}})
    assert err.value.key == "params.Ep.bounds"


def test_yaml_systematics_reach_the_unit(tmp_path):
    """``sys_frac`` and ``bkg_sys`` in a unit's YAML entry are the unit's settings."""
    import yaml

    from bayspec.cli.build import build
    from bayspec.cli.config import load_config
    from bayspec.examples import grb090217a

    f = grb090217a("n6")
    cfg = {"units": {"n6": {"src": str(f["src"]), "bkg": str(f["bkg"]), "rsp": str(f["rsp"]),
                            "notc": [[8, 900]], "stat": "pgstat", "bkg_sys": True}},
           "model": "cpl", "method": "mle"}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    data, _ = build(load_config(path))
    unit = data["n6"]
    assert unit.bkg_sys is True and unit.selection.bkg_sys


def test_yaml_settings_reach_the_model(tmp_path):
    """``settings: {cpl.E0: 50}`` sets the pivot of the fitted model; unknown names are a
    ConfigError naming ``settings``."""
    import yaml

    from bayspec.cli.build import build
    from bayspec.cli.config import load_config
    from bayspec.errors import ConfigError
    from bayspec.examples import grb090217a

    f = grb090217a("n6")
    cfg = {"units": {"n6": {"src": str(f["src"]), "bkg": str(f["bkg"]), "rsp": str(f["rsp"]),
                            "notc": [[8, 900]]}},
           "model": "cpl", "settings": {"cpl.E0": 50}, "method": "mle"}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(cfg))
    _, model = build(load_config(path))
    assert model.all_settings["cpl.E0"] == 50.0
    cfg["settings"] = {"cpl.nonsense": 1}
    path.write_text(yaml.safe_dump(cfg))
    with pytest.raises(ConfigError, match="settings"):
        load_config(path)
