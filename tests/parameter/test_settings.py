"""The parameter-settings grammar: parse, apply to a `Par`, write back, and the errors."""

import numpy as np
import pytest
import yaml

from bayspec.errors import ConfigError
from bayspec.parameter import (
    Improper,
    LogUniform,
    Normal,
    Par,
    ParSettings,
    TruncatedNormal,
    Uniform,
    apply_settings,
    parse_settings,
    settings_of,
)


def _state(p):
    return (p.value, p.prior, p.bounds, p.frozen, p.linked,
            tuple(q.name for q in p.link_pars))


def _pars():
    return {"ep": Par(300.0, LogUniform(1, 1e5), name="ep"),
            "a": Par(-1.0, Uniform(-2, 2), name="a"),
            "b": Par(-1.5, Uniform(-6, 4), name="b")}


def test_shorthands_and_forms():
    assert parse_settings(3) == ParSettings(value=3.0)
    assert parse_settings("free") == ParSettings(frozen=False)
    assert parse_settings("Frozen") == ParSettings(frozen=True)
    s = parse_settings({"value": 2, "prior": ["loguniform", 1, 10], "bounds": [2, 5],
                        "frozen": True})
    assert s == ParSettings(2.0, LogUniform(1, 10), (2.0, 5.0), True)
    assert parse_settings({"prior": {"normal": [0, 1]}}).prior == Normal(0, 1)
    assert parse_settings({"prior": "log_uniform(1, 10)"}).prior == LogUniform(1, 10)
    assert parse_settings({"free": True}).frozen is False
    assert parse_settings(s.to_dict()) == s
    # YAML 1.1 (PyYAML) reads 1e-3 as a string: it is still a number here
    assert parse_settings(yaml.safe_load("{value: 1e-3, bounds: [1e-5, 1e2]}")) == \
        ParSettings(value=1e-3, bounds=(1e-5, 100.0))


def test_bounds_keep_the_prior_truncated():
    """``bounds`` are hard limits: the prior's family and parameters stay (truncated)."""
    p = Par(300.0, LogUniform(1, 1e5), name="ep")
    apply_settings({"ep": {"bounds": [10, 1000]}}, {"ep": p})
    assert p.prior == LogUniform(1, 1e5) and p.bounds == (10.0, 1000.0)
    assert p.logprior(5.0) == -np.inf and p.logprior(50.0) == LogUniform(1, 1e5).logpdf(50.0)
    q = Par(0.0, Normal(0, 1), name="q")
    apply_settings({"q": {"bounds": [-1, 2]}}, {"q": q})
    assert q.prior == Normal(0, 1) and q.bounds == (-1.0, 2.0)
    # with a prior in the same entry: that prior, truncated to the bounds
    apply_settings({"q": {"prior": ["normal", 1, 2], "bounds": [-1, 3]}}, {"q": q})
    assert q.prior == Normal(1, 2) and q.bounds == (-1.0, 3.0)
    # a prior alone: the bounds become its support
    apply_settings({"q": {"prior": ["uniform", -5, 5]}}, {"q": q})
    assert q.bounds == (-5.0, 5.0)


def test_value_moves_inside_new_bounds():
    p = Par(300.0, LogUniform(1, 1e5), name="ep")
    apply_settings({"ep": {"bounds": [10, 100]}}, {"ep": p})
    assert p.value == 100.0


@pytest.mark.parametrize("entry, key, words", [
    ({"bounds": [5, 1]}, "params.ep.bounds", "lo < hi"),
    ({"bounds": [0.1, 10]}, "params.ep.bounds", "support"),
    ({"bounds": [10, 100], "value": 500}, "params.ep.value", "outside the bounds"),
    ({"prior": ["gamma", 1, 2]}, "params.ep.prior", "unknown prior"),
    ({"prior": ["uniform", 1, "x"]}, "params.ep.prior", "numbers"),
    ({"colour": 1}, "params.ep.colour", "unknown parameter setting"),
    ({"frozen": "yes"}, "params.ep.frozen", "true or false"),
    ({"frozen": True, "free": True}, "params.ep.free", "contradicts"),
    ({"value": "x"}, "params.ep.value", "number"),
    ({"link": "a", "value": 3}, "params.ep.value", "not both"),
    ({"link": "nosuch"}, "params.ep.link", "unknown parameter"),
    ({"link": "ep"}, "params.ep.link", "circular"),
    ("thawish", "params.ep", "'free', 'frozen'"),
])
def test_errors_name_the_key_and_change_nothing(entry, key, words):
    pars = _pars()
    before = _state(pars["ep"])
    with pytest.raises(ConfigError) as err:
        apply_settings({"ep": entry}, pars, key="params")
    assert err.value.key == key and words in str(err.value)
    assert _state(pars["ep"]) == before


def test_unknown_parameter_and_callback_lookup():
    pars = _pars()
    with pytest.raises(ConfigError, match="unknown parameter 'zz'; known: ep, a, b") as err:
        apply_settings({"zz": 1}, pars)
    assert err.value.key == "params.zz"

    def lookup(name):
        return pars[name.split(".")[-1]]
    apply_settings({"x.b": {"link": "x.a"}, "x.a": {"value": -0.5}}, lookup)
    assert pars["b"].linked and pars["b"].value == -0.5
    with pytest.raises(ConfigError, match="unknown parameter") as err:
        apply_settings({"zz": 1}, lookup)
    assert err.value.key == "params.zz"


def test_linked_value_and_circular_chain():
    pars = _pars()
    apply_settings({"b": {"link": "a"}}, pars)
    with pytest.raises(ConfigError) as err:
        apply_settings({"b": {"value": 0.5}}, pars)
    assert err.value.key == "params.b.value"
    with pytest.raises(ConfigError) as err:
        apply_settings({"a": {"link": "b"}}, pars)
    assert err.value.key == "params.a.link" and not pars["a"].linked
    apply_settings({"b": {"link": "ep", "bounds": [-6, 4]}}, pars)  # relink, in one go
    assert pars["b"].link_pars == (pars["ep"],)


@pytest.mark.parametrize("par", [
    Par(300.0, LogUniform(1, 1e5), bounds=(10, 1000), name="ep"),
    Par(-1.0, Normal(-1, 0.5), bounds=(-1.8, 0.5), frozen=True, name="a"),
    Par(2.0, Improper(0, np.inf), name="kt"),
    Par(1.0, name="x"),
    Par(0.3, TruncatedNormal(0.2, 1.0, 0.0, 1.0), bounds=(0.1, 0.9), name="t"),
], ids=lambda p: p.name)
def test_round_trip_par_settings_par(par):
    """Par -> settings -> Par gives the same value, prior, bounds and frozen flag."""
    entry = settings_of(par)
    fresh = Par(0.0, name=par.name)
    apply_settings({par.name: entry}, {par.name: fresh})
    assert _state(fresh) == _state(par)
    assert settings_of(fresh) == entry


def test_round_trip_of_a_link():
    pars = _pars()
    pars["b"].link(pars["a"])
    pars["b"].freeze()
    entry = settings_of(pars["b"])
    assert "value" not in entry and entry["link"] == "a"
    fresh = _pars()
    apply_settings({"b": entry}, fresh)
    assert fresh["b"].link_pars == (fresh["a"],) and fresh["b"].frozen
    assert _state(fresh["b"]) == _state(pars["b"])
    pars["ep"].link(lambda v: 2 * v, pars["a"])
    with pytest.raises(Exception, match="through a function"):
        settings_of(pars["ep"])
