"""Settings by dotted name from Python (the same grammar as the YAML ``settings:`` key)."""

import numpy as np
import pytest

from bayspec.errors import ModelError
from bayspec.model import cpl, parse_model


def test_set_settings_by_component_and_unique_name():
    m = parse_model("tbabs * cflux(cpl) + band")
    assert m.all_settings["cpl.E0"] == 100.0 and m.all_settings["quad_order"] == 4
    E = np.geomspace(10, 1000, 7)
    before = m.components["cpl"](E)
    m.set_settings({"cpl.E0": "1e0", "Emin": 0.3, "quad_order": 8.0, "tbabs.abund": "wilm"})
    s = m.all_settings
    assert s["cpl.E0"] == 1.0 and s["cflux.Emin"] == 0.3 and s["quad_order"] == 8 and s["tbabs.abund"] == "wilm"
    assert m.components["tbabs"].settings["abund"] == "wilm"
    # the pivot changes the spectrum by (E0'/E0)^alpha for the same K
    alpha = m["cpl.alpha"].value
    np.testing.assert_allclose(m.components["cpl"](E), before * 100.0 ** alpha, rtol=1e-12)


@pytest.mark.parametrize("bad, match", [({"E0": 1}, "ambiguous"), ({"x.E0": 1}, "no setting"),
                                        ({"cpl.E0": "abc"}, "number"), ({"nope": 2}, "unknown"),
                                        ({"quad_order": "many"}, "integer")])
def test_bad_settings(bad, match):
    m = parse_model("cpl + band")
    with pytest.raises(ModelError, match=match):
        m.set_settings(bad)


def test_single_component():
    c = cpl().set_settings(E0=50)
    assert c.settings["E0"] == 50.0
