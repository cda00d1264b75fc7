"""XSPEC-form continua against their formulas written out here independently (XSPEC manual)
and integrated with scipy quad; names, parameter names and kinds as XSPEC's."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import k0

from bayspec.model import library, parse_model

EDGES = np.array([0.3, 0.7, 1.0, 2.5, 4.9, 5.1, 6.4, 6.6, 12.0, 40.0, 150.0, 600.0])


def _pl(E, g, K):
    return K * E ** (-g)


def _planck(E, kT):
    return E**2 / np.expm1(E / kT)


FORMULAS = {
    "powerlaw": ({"PhoIndex": 1.7, "norm": 0.02}, lambda E, p: _pl(E, p["PhoIndex"], p["norm"])),
    "bknpower": ({"PhoIndx1": 1.2, "BreakE": 5.0, "PhoIndx2": 2.4, "norm": 0.03},
                 lambda E, p: p["norm"] * (E ** -p["PhoIndx1"] if E <= p["BreakE"]
                                           else p["BreakE"] ** (p["PhoIndx2"] - p["PhoIndx1"]) * E ** -p["PhoIndx2"])),
    "cutoffpl": ({"PhoIndex": 1.1, "HighECut": 30.0, "norm": 0.05},
                 lambda E, p: p["norm"] * E ** -p["PhoIndex"] * np.exp(-E / p["HighECut"])),
    "bbody": ({"kT": 2.0, "norm": 3.0}, lambda E, p: p["norm"] * 8.0525 * _planck(E, p["kT"]) / p["kT"] ** 4),
    "bbodyrad": ({"kT": 1.5, "norm": 50.0}, lambda E, p: p["norm"] * 1.0344e-3 * _planck(E, p["kT"])),
    "bremss": ({"kT": 5.0, "norm": 1.0},
               lambda E, p: p["norm"] * np.sqrt(3) / np.pi * np.exp(E / (2 * p["kT"])) * k0(E / (2 * p["kT"]))
               * np.exp(-E / p["kT"]) / (np.sqrt(p["kT"]) * E)),
    "zpowerlw": ({"PhoIndex": 2.1, "Redshift": 0.8, "norm": 0.1},
                 lambda E, p: p["norm"] * (E * (1 + p["Redshift"])) ** -p["PhoIndex"]),
    "zbbody": ({"kT": 3.0, "Redshift": 1.5, "norm": 2.0},
               lambda E, p: p["norm"] * 8.0525 * _planck(E * (1 + p["Redshift"]), p["kT"])
               / ((1 + p["Redshift"]) * p["kT"] ** 4)),
    "grbm": ({"alpha": -0.8, "beta": -2.3, "tem": 100.0, "norm": 0.01},  # break at the 150 keV edge
             lambda E, p: p["norm"] * ((E / 100) ** p["alpha"] * np.exp(-E / p["tem"])
                                       if E < (p["alpha"] - p["beta"]) * p["tem"]
                                       else ((p["alpha"] - p["beta"]) * p["tem"] / 100) ** (p["alpha"] - p["beta"])
                                       * np.exp(p["beta"] - p["alpha"]) * (E / 100) ** p["beta"])),
    "lorentz": ({"LineE": 6.5, "Width": 0.3, "norm": 1e-3},
                lambda E, p: p["norm"] * p["Width"] / (2 * np.pi) / ((E - p["LineE"]) ** 2 + p["Width"] ** 2 / 4)),
    "gaussian": ({"LineE": 6.4, "Sigma": 0.2, "norm": 2e-3},
                 lambda E, p: p["norm"] / (p["Sigma"] * np.sqrt(2 * np.pi))
                 * np.exp(-((E - p["LineE"]) ** 2) / (2 * p["Sigma"] ** 2))),
}


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_additive_against_formula(name):
    pars, f = FORMULAS[name]
    m = parse_model(name)
    assert m.kind == "additive" and set(pars) == set(m.components[name]._pars)
    for k, v in pars.items():
        m[k].value = v
    ebin = np.column_stack([EDGES[:-1], EDGES[1:]])
    # force fine quadrature where the component has no antiderivative
    m.settings["quad_order"] = 24
    got = m.integrate(ebin)[0]
    ref = np.array([quad(lambda E: f(E, pars), a, b, epsrel=1e-12, epsabs=0, limit=400,
                         points=[pars.get("BreakE", a), pars.get("LineE", a)]
                         if a < pars.get("BreakE", pars.get("LineE", -1)) < b else None)[0]
                    for a, b in ebin])
    np.testing.assert_allclose(got, ref, rtol=2e-6, atol=1e-14 * ref.max())
    # density
    E = np.array([0.5, 3.0, 6.45, 80.0])
    np.testing.assert_allclose(m(E), [f(e, pars) for e in E], rtol=1e-10, atol=1e-300)
    # batched
    v = m.integrate(ebin, {k: [v, v] for k, v in pars.items()})
    np.testing.assert_allclose(v, np.vstack([got, got]), rtol=1e-12)


def test_multiplicative_forms():
    m = parse_model("expabs * highecut")
    m["LowECut"].value, m["cutoffE"].value, m["foldE"].value = 1.5, 10.0, 20.0
    E = np.array([0.5, 5.0, 10.0, 30.0])
    np.testing.assert_allclose(m(E), np.exp(-1.5 / E) * np.where(E <= 10, 1.0, np.exp((10 - E) / 20)), rtol=1e-13)


def test_xspec_names_do_not_replace_ours():
    for old in ("pl", "cpl", "band", "bb", "gauss", "hecut"):
        assert library.get(old).default_name == old
    # the same spectra in both forms
    a = parse_model("powerlaw")
    b = parse_model("pl")
    a["PhoIndex"].value, a["norm"].value = 1.6, 0.3
    b["alpha"].value, b["K"].value = -1.6, 0.3
    np.testing.assert_allclose(a.integrate(EDGES), b.integrate(EDGES), rtol=1e-12)
    g = parse_model("grbm")
    band = parse_model("band")
    g["alpha"].value, g["beta"].value, g["tem"].value, g["norm"].value = -0.7, -2.4, 200.0, 0.02
    band["alpha"].value, band["beta"].value, band["Ep"].value, band["K"].value = -0.7, -2.4, 1.3 * 200.0, 0.02
    np.testing.assert_allclose(g(EDGES), band(EDGES), rtol=1e-10)
