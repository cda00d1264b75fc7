"""``bayspec models [NAME]`` and the ``settings:`` key of a fit configuration."""

import json

import pytest

from bayspec.cli.config import parse_config
from bayspec.cli.main import main
from bayspec.errors import ConfigError
from bayspec.examples import grb090217a


def test_models_lists_and_describes(capsys):
    assert main(["models"]) == 0
    out = capsys.readouterr().out
    for name in ("cpl", "powerlaw", "cflux", "nthcomp", "tbabs"):
        assert f"\n{name} " in "\n" + out
    assert main(["models", "cutoffpl"]) == 0
    out = capsys.readouterr().out
    assert "HighECut [keV]: default 15" in out and "XSPEC" in out
    assert main(["models", "bbody", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["kind"] == "additive"
    assert main(["models", "nosuch"]) == 2
    assert "unknown component 'nosuch'" in capsys.readouterr().err


def _raw(**kw):
    f = grb090217a("n6")
    raw = {"units": {"n6": {"src": f["src"], "bkg": f["bkg"], "rsp": f["rsp"], "notc": [[8, 900]]}},
           "model": "cpl + band"}
    raw.update(kw)
    return raw


def test_settings_key_is_validated_on_the_model():
    cfg = parse_config(_raw(settings={"cpl.E0": 1, "band.E0": "1e2", "quad_order": 8}))
    assert cfg.settings == {"cpl.E0": 1, "band.E0": "1e2", "quad_order": 8}
    assert parse_config(_raw()).settings == {}
    for bad, match in (({"E0": 1}, "ambiguous"), ({"cpl.Ec": 3}, "no setting"), ({"cpl.E0": "x"}, "number")):
        with pytest.raises(ConfigError, match=match) as info:
            parse_config(_raw(settings=bad))
        assert info.value.key == f"settings.{next(iter(bad))}"
    with pytest.raises(ConfigError, match="mapping"):
        parse_config(_raw(settings=[1, 2]))
