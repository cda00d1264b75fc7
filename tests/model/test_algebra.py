import numpy as np
import pytest

from bayspec.errors import ModelError
from bayspec.model import (
    CompositeModel,
    Model,
    band,
    bb,
    const,
    cpl,
    cutoff,
    library,
    mconst,
    parse_model,
    pl,
    zshift,
)


def test_names_params_and_expr():
    m = band() + bb()
    assert isinstance(m, CompositeModel) and m.expr == "band + bb" and m.kind == "additive"
    assert list(m.params) == ["band.K", "band.alpha", "band.beta", "band.Ep", "bb.K", "bb.kT", "redshift"]
    assert m["band.alpha"] is m.components["band"]["alpha"]
    assert m["kT"] is m["bb.kT"]  # unambiguous short name
    with pytest.raises(ModelError, match="ambiguous"):
        m["K"]
    with pytest.raises(ModelError, match="band.alpha"):  # lists the known names
        m["nope"]
    assert "bb.kT" in m and "nope" not in m


def test_duplicate_components_suffixed():
    a, b = cpl(), cpl()
    m = a + b + cpl()
    assert m.expr == "cpl + cpl_2 + cpl_3"
    assert m["cpl_2.alpha"] is b["alpha"]
    same = a + a
    assert same.expr == "cpl + cpl" and list(same.params) == ["cpl.K", "cpl.alpha", "cpl.Ep", "redshift"]
    named = cpl(name="soft") + cpl(name="hard")
    assert named.expr == "soft + hard"


def test_single_component_lookup():
    c = cpl()
    assert c["alpha"] is c["cpl.alpha"] and c.expr == "cpl"
    with pytest.raises(ModelError):
        cpl(nope=1.0)
    assert cpl(alpha=-0.5)["alpha"].value == -0.5
    assert pl(E0=100.0).settings["E0"] == 100.0


def test_kind_rules():
    assert (cutoff() * pl()).kind == "additive"
    assert (pl() * cutoff()).kind == "additive"
    assert (cutoff() * mconst()).kind == "multiplicative"
    assert (pl() * pl()).kind == "additive"
    assert (pl() / pl()).kind == "multiplicative"
    assert (2 * pl()).kind == "additive" and (2 * pl()).expr == "2 * pl"
    assert (1 - cutoff()).kind == "multiplicative"
    assert (pl() - const()).expr == "pl - const"
    assert (-pl()).expr == "(-1) * pl"
    assert (pl() - (cpl() + bb())).expr == "pl - (cpl + bb)"
    assert ((pl() + cpl()) * cutoff()).expr == "(pl + cpl) * cutoff"
    for bad in (lambda: pl() + cutoff(), lambda: pl() + 1, lambda: cutoff() / pl(), lambda: pl() + zshift(),
                lambda: pl() + "x", lambda: 2 * zshift()):
        with pytest.raises(ModelError):
            bad()


def test_products_evaluate():
    E = np.array([10.0, 100.0])
    np.testing.assert_allclose((2 * cutoff(Ec=100.0) * pl(alpha=-1))(E), 2 * np.exp(-E / 100) / E)
    np.testing.assert_allclose((pl(alpha=-1) / pl(alpha=-2))(E), E)
    np.testing.assert_allclose((1 - cutoff(Ec=100.0))(E), 1 - np.exp(-E / 100))


def test_convolution_by_call():
    inner = cpl()
    a = zshift()(inner)
    b = zshift(cpl())
    assert a.expr == b.expr == "zshift(cpl)" and a.kind == "additive"
    assert "zshift.z" in a.params and a["zshift.z"].frozen
    with pytest.raises(ModelError):
        zshift()(np.ones(3))
    with pytest.raises(ModelError):
        zshift().plan([[1, 2]])


def test_redshift_rules():
    c = cpl()
    assert c.redshift.frozen and c.redshift.value == 0.0 and c.params["redshift"] is c.redshift
    c.redshift.value = 1.0
    with pytest.raises(ModelError, match="redshift"):
        c + bb()


def test_parse_model():
    m = parse_model("band + bb")
    assert m.expr == "band + bb"
    m = parse_model("2 * cutoff * cpl")
    assert m.expr == "2 * cutoff * cpl" and m.kind == "additive"
    m = parse_model("zshift(cpl + bb) - 1.5e-3*const")
    assert m.expr == "zshift(cpl + bb) - 0.0015 * const"
    m = parse_model(" cpl + cpl ")
    assert m.expr == "cpl + cpl_2"
    assert parse_model("-(pl)").expr == "(-1) * pl"
    assert parse_model("(2+2) * pl").expr == "4 * pl"
    E = np.array([5.0, 50.0])
    np.testing.assert_allclose(parse_model("2*pl")(E), 2 * pl()(E))


@pytest.mark.parametrize("text,match", [
    ("band + nope", "known: band"), ("band +", "expected"), ("(band", "expected '\\)'"), ("band)", "operator"),
    ("zshift", "convolution"), ("pl(cpl)", "not a convolution"), ("pl + cutoff", "add"), ("", "empty"),
    ("3", "no model"), ("pl ; bb", "unexpected"), ("__import__('os')", "unexpected"), ("__import__", "unknown"),
    ("pl / 0 * 0", None),
])
def test_parse_errors(text, match):
    if match is None:  # division by a zero number is just a number (inf factor), still a model
        parse_model(text)
        return
    with pytest.raises(ModelError, match=match):
        parse_model(text)


def test_registry():
    assert {"pl", "cpl", "band", "sbpl", "bb", "mbb", "cutoff", "hecut", "const", "mconst", "gauss",
            "zshift"} <= set(library.names())
    assert library.get("band") is band
    with pytest.raises(ModelError, match="known"):
        library.get("xyz")

    class Line(library.Gaussian):
        default_name = "line2"
    library.register(Line)
    try:
        assert parse_model("line2 + pl").expr == "line2 + pl"
        with pytest.raises(ModelError):
            library.register(library.Gaussian, "line2")
    finally:
        library.LIBRARY.pop("line2")
    with pytest.raises(ModelError):
        library.register(int)


def test_repr_and_base():
    assert "band + bb" in repr(band() + bb())
    assert isinstance(pl(), Model)
