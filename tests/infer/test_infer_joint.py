"""Joint NaI + BGO fits of GRB 090217A (bundled n6, n9, b1) by MLE and by emcee."""

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.model import band, cpl


def _unit(det):
    f = grb090217a(det)
    notc = [[8.0, 900.0]] if det.startswith("n") else [[250.0, 38000.0]]
    return DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat", notc=notc, name=det)


@pytest.fixture(scope="module")
def units():
    return [_unit(d) for d in ("n6", "n9", "b1")]


@pytest.mark.parametrize("Model", [cpl, band])
def test_joint_mle(units, Model):
    model = Model()
    infer = Infer([(units, model)])
    infer.par["b1.sf"].frozen = False
    res = infer.fit()
    assert res.converged
    assert res.npoints == sum(u.npoint for u in units)
    assert res.dof == res.npoints - res.nfree
    assert set(res.stat_per_unit) == {"n6", "n9", "b1"}
    assert np.isclose(sum(res.stat_per_unit.values()), res.stat)
    assert -1.0 < res.values["alpha"] < -0.6
    assert 450 < res.values["Ep"] < 700
    assert 0.9 < res.values["b1.sf"] < 1.3
    # the Pars hold the best fit
    assert model["Ep"].value == res.values["Ep"]


def _have_sampler():
    try:
        from bayspec.infer.samplers import run_sampler  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _have_sampler(), reason="bayspec.infer.samplers.run_sampler not available yet")
def test_joint_emcee_agrees_with_mle(units):
    model = cpl()
    infer = Infer([(units, model)])
    infer.par["b1.sf"].frozen = False
    res = infer.fit()
    post = infer.sample("emcee", seed=3, nsteps=800)
    med = post.median
    for k, n in enumerate(post.names):
        m = med[n] if isinstance(med, dict) else np.asarray(med)[k]
        assert abs(m - res.values[n]) < res.errors[n], n
