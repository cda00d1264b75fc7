"""One path from model to counts: the unit owns its fold, the kernel stacks the folds and
sees every change of a unit's selection."""

import numpy as np
import pytest

from bayspec.data import Data, DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer, Likelihood
from bayspec.model import parse_model


def _n6(notc=(8.0, 900.0)):
    f = grb090217a("n6")
    return DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=[list(notc)], stat="pgstat",
                    name="n6")


def test_sample_sees_a_notice_change_after_the_fit():
    u, model = _n6(), parse_model("cpl")
    infer = Infer([(u, model)])
    res = infer.fit()
    assert res.npoints == 121
    u.notc = [[50, 300]]
    post = infer.sample("emcee", nsteps=60, burn=20, nwalkers=8, seed=2)
    lik = infer.likelihood
    assert lik.npoints == 53 and infer.result.npoints == 53
    fresh = Likelihood([(u, model)])
    th = post.samples[:5]
    assert np.allclose(lik.evaluate(th), fresh.evaluate(th), rtol=1e-12)
    assert np.allclose(post.loglike[:5], -0.5 * fresh.evaluate(th), rtol=1e-10)


def test_kernel_rebuilds_when_a_unit_changes():
    u, model = _n6(), parse_model("cpl")
    lik = Likelihood([(u, model)])
    th = lik.space.current()[None, :]
    s121 = lik.evaluate(th)[0]
    u.notc = [[50, 300]]
    s53 = lik.evaluate(th)[0]
    assert lik.rebuilds == 1 and lik.npoints == 53 and s53 < s121
    assert s53 == pytest.approx(Likelihood([(u, model)]).evaluate(th)[0], rel=1e-12)
    model.settings["integration"] = "quadrature"
    lik.evaluate(th)
    assert lik.rebuilds == 2


def test_unit_prediction_uses_its_cached_fold():
    u, model = _n6(), parse_model("cpl")
    u.fit_with = model
    f1 = u.fold()
    assert u.fold() is f1 and u.fold(model) is f1
    lik = Likelihood([(u, model)])
    assert lik._terms[0].fold is f1
    pc = lik.predicted_counts()["n6"][0]
    assert np.array_equal(u.npred_signal(), pc)
    assert u.stat_sum() == pytest.approx(lik.stat(), rel=1e-13)
    u.grpg = {"min_evt": 20}
    assert u.fold() is not f1 and u.npred_signal().size == u.npoint


def test_data_is_bound_after_infer():
    d = Data([("n6", _n6())])
    model = parse_model("cpl")
    Infer([(d, model)])
    assert d.fit_with is model and d["n6"].fit_with is model
