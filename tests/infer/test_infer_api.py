"""Infer / FitResult API: parameters, links, failures, serialisation, profile intervals."""

import json

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.errors import FitError, ParameterError
from bayspec.examples import grb090217a
from bayspec.infer import FitResult, Infer
from bayspec.infer._transform import IDENTITY, LOG10, Coordinates, transform_for
from bayspec.model import cpl, pl
from bayspec.parameter import LogUniform, Par, Uniform


@pytest.fixture(scope="module")
def n6():
    f = grb090217a("n6")
    return DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat",
                    notc=[[9.0, 31.0], [38.8, 954.0]], name="n6")


@pytest.fixture(scope="module")
def b1():
    f = grb090217a("b1")
    return DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[[250.0, 38000.0]], name="b1")


def test_transform_choice_and_jacobian():
    assert transform_for(Par(1.0, LogUniform(1e-10, 1e10))) is LOG10
    assert transform_for(Par(0.0, Uniform(-2, 2))) is IDENTITY
    c = Coordinates([Par(2.0, LogUniform(1e-3, 1e3)), Par(0.5, Uniform(0, 1))])
    y = c.forward(np.array([2.0, 0.5]))
    assert np.allclose(c.backward(y), [2.0, 0.5])
    h = 1e-6
    num = (c.backward(y + h) - c.backward(y - h)) / (2 * h)
    assert np.allclose(c.jacobian(y), num, rtol=1e-6)
    assert np.allclose(c.limits, [[-3, 3], [0, 1]])


def test_binding_par_freeze_thaw(n6):
    model = pl()
    infer = Infer([(n6, model)])
    assert n6.fit_with is model
    assert list(infer.free_par) == ["pl.K", "pl.alpha"]
    infer.thaw("n6.sf")
    assert "n6.sf" in infer.free_par
    infer.freeze("n6.sf")
    assert "n6.sf" not in infer.free_par
    tab = infer.par_info
    assert list(tab["name"][:2]) == ["pl.K", "pl.alpha"]
    with pytest.raises(ParameterError):
        infer.freeze("nope")


def test_fit_result_contents(n6):
    infer = Infer([(n6, pl())])
    res = infer.fit(minos=True)
    assert res.converged and res.valid and not res.at_limit
    assert res.values["K"] == res.values["pl.K"]
    assert res.covariance.shape == (2, 2)
    assert np.allclose(np.diag(res.correlation), 1)
    assert np.isclose(res.errors["alpha"], np.sqrt(res.covariance[1, 1]))
    assert res.aic == pytest.approx(res.stat + 4)
    assert res.bic == pytest.approx(res.stat + 2 * np.log(117))
    assert res.errors_lo["alpha"] < 0 < res.errors_hi["alpha"]
    # MINOS and the brentq profile interval agree
    lo, hi = res.interval("alpha", cl=0.6826894921370859)
    assert lo - res.values["alpha"] == pytest.approx(res.errors_lo["alpha"], rel=2e-2)
    assert hi - res.values["alpha"] == pytest.approx(res.errors_hi["alpha"], rel=2e-2)
    lo90, hi90 = res.interval("pl.K", 0.9)
    assert lo90 < res.values["K"] < hi90
    ul = res.upper_limit("K", 0.95)
    assert hi90 == pytest.approx(ul, rel=1e-3)  # both at delta = 2.706
    assert "pl.alpha" in repr(res) and "<table>" in res._repr_html_()
    assert len(res.table()) == 2


def test_to_dict_roundtrip(n6):
    res = Infer([(n6, pl())]).fit()
    d = json.loads(json.dumps(res.to_dict()))
    back = FitResult.from_dict(d)
    assert back.values == res.values and back.stat == res.stat
    assert np.allclose(back.covariance, res.covariance)
    with pytest.raises(FitError):
        back.interval("alpha")


def test_fit_error_names_bound(n6):
    model = cpl()
    model["Ep"].value = 50.0
    model["Ep"].prior = LogUniform(1.0, 100.0)
    with pytest.raises(FitError, match=r"cpl\.Ep hit its upper bound 100 keV"):
        Infer([(n6, model)]).fit()
    res = Infer([(n6, model)]).fit(raise_on_failure=False)
    assert not res.converged and "cpl.Ep" in res.at_limit


def test_link_and_free_scale_factor(n6, b1):
    m1, m2 = cpl(), cpl()
    infer = Infer([(n6, m1), (b1, m2)])
    names = list(infer.par)
    assert "cpl.alpha" in names and "cpl.alpha@2" in names
    infer.link("cpl.alpha@2", "cpl.alpha")
    infer.link("cpl.Ep@2", "cpl.Ep")
    infer.link("cpl.K@2", "cpl.K")
    infer.par["b1.sf"].frozen = False
    res = infer.fit()
    assert res.names == ["cpl.K", "cpl.alpha", "cpl.Ep", "b1.sf"]
    assert m2["alpha"].value == m1["alpha"].value
    for name in res.names:
        assert name in res.values


def test_refit_after_notice_change(n6):
    f = grb090217a("n6")
    u = DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[[9.0, 954.0]], name="n6b")
    infer = Infer([(u, pl())])
    r1 = infer.fit()
    u.notc = [[9.0, 31.0], [38.8, 954.0]]
    r2 = infer.fit()
    assert r2.npoints == 117 and r1.npoints > r2.npoints


def test_sample_uses_mle(n6):
    pytest.importorskip("bayspec.infer.samplers")
    infer = Infer([(n6, pl())])
    res = infer.fit()
    post = infer.sample("emcee", seed=1, nsteps=300, nwalkers=16)
    assert list(post.names) == res.names
    assert np.allclose(np.median(post.samples, axis=0), [res.values[n] for n in res.names],
                       atol=0, rtol=0.05)
