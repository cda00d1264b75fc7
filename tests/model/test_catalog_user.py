"""The model catalogue, ``bayspec models`` text and ``@user_component``."""

import json
import pickle

import numpy as np
import pytest
from scipy.integrate import quad

from bayspec.cli.models import models_text
from bayspec.errors import ModelError
from bayspec.model import catalog, describe, library, parse_model, user_component
from bayspec.parameter import LogUniform


def test_catalog_lists_every_component_with_units_defaults_and_formula():
    cat = catalog()
    assert [d["name"] for d in cat] == library.names()
    for d in cat:
        assert d["doc"], d["name"]  # every component states its formula
        for p in d["parameters"]:
            assert {"name", "unit", "default", "prior", "frozen"} <= set(p)
    cpl = describe("cpl")
    assert cpl["settings"] == {"E0": 100.0} and [p["name"] for p in cpl["parameters"]] == ["K", "alpha", "Ep"]
    text = models_text()
    assert "powerlaw" in text and "PhoIndex=1" in text and "cflux" in text
    one = models_text("grbm")
    assert "tem [keV]" in one and "100 keV" in one
    assert json.loads(models_text("bbody", as_json=True))["parameters"][1]["name"] == "norm"
    with pytest.raises(ModelError, match="unknown component"):
        models_text("nosuch")


def test_user_component_is_batched_integrated_and_registered():
    @user_component(units={"kT": "keV"}, bounds={"kT": (0.1, 100.0)})
    def ubb(E, K=1.0, kT=10.0):
        """Planck photon shape K E^2 / (exp(E/kT) - 1)."""
        return K * E**2 / np.expm1(E / kT)

    m = parse_model("ubb")
    m.settings["quad_order"] = 8  # 10-30 keV is a wide bin for this curved shape
    assert isinstance(m["kT"].prior, LogUniform) and m["kT"].unit == "keV"
    ebin = np.array([[1.0, 2.0], [10.0, 30.0]])
    ref = [quad(lambda e: e**2 / np.expm1(e / 5.0), a, b)[0] for a, b in ebin]
    got = m.integrate(ebin, {"kT": [5.0, 5.0], "K": [1.0, 2.0]})
    np.testing.assert_allclose(got, [ref, 2 * np.array(ref)], rtol=1e-6)
    assert "Planck" in describe("ubb")["doc"]
    with pytest.raises(ModelError, match="built-in"):
        user_component(lambda E, K=1.0: K * E, name="pl")
    with pytest.raises(ModelError, match="default"):
        user_component(lambda E, K: K * E, name="nodefault")
    library.LIBRARY.pop("ubb")


def absorber(E, tau=1.0):
    return np.exp(-tau / E)


ABS = user_component(absorber, name="absorber", kind="multiplicative", register=False)


def test_multiplicative_user_component_pickles():
    m = ABS() * parse_model("powerlaw")
    assert m.kind == "additive" and "absorber" not in library.LIBRARY
    m2 = pickle.loads(pickle.dumps(m))
    E = np.geomspace(0.5, 10, 5)
    np.testing.assert_allclose(m2.integrate(E), m.integrate(E))


def test_composite_models_pickle_with_names_and_links():
    m = parse_model("tbabs * pl + pl")
    m["pl_2.alpha"].link(m["pl.alpha"])
    m.params  # fills the name cache before pickling
    m2 = pickle.loads(pickle.dumps(m))
    assert list(m2.params) == list(m.params) and m2["pl_2.alpha"].linked
    E = np.geomspace(1, 10, 4)
    np.testing.assert_array_equal(m2.integrate(E), m.integrate(E))
