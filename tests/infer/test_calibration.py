"""Coverage of HESSE 1σ intervals on simulated GBM spectra.

300 Poisson realisations of a cutoff power law folded through the bundled GRB 090217A n6
response (source counts only, C-stat), each fitted by MIGRAD + HESSE from the truth. For
every free parameter the interval ``value ± error`` must contain the truth in 0.68 ± 0.06 of
the simulations (binomial σ for 300 trials is 0.027, so this is a ~2σ band).
"""

import time

import numpy as np
import pytest

from bayspec.data import DataUnit, Response, Source
from bayspec.examples import grb090217a
from bayspec.infer import Likelihood, fit_mle
from bayspec.model import cpl

TRUTH = {"cpl.K": 0.8 * 100.0**-0.8, "cpl.alpha": -0.8, "cpl.Ep": 250.0}  # K at the 100 keV pivot
NSIM = 300


@pytest.fixture(scope="module")
def sim_setup():
    rsp = Response.from_plain(grb090217a("n6")["rsp"])
    nchan = rsp.chbin.shape[0]
    src = Source(np.ones(nchan), None, 10.0)
    unit = DataUnit(src, False, rsp=rsp, stat="cstat", notc=[[8.0, 900.0]], name="sim")
    model = cpl()
    for k, v in TRUTH.items():
        model[k].value = v
    lik = Likelihood([(unit, model)])
    truth = np.array([TRUTH[n] for n in lik.free_names])
    mu = lik.predicted_counts(truth[None, :])["sim"][0]
    return lik, truth, mu


def test_hesse_coverage(sim_setup):
    lik, truth, mu = sim_setup
    assert mu.sum() > 2000  # a well-measured spectrum: asymptotics should hold
    rng = np.random.default_rng(20240217)
    t0 = time.perf_counter()
    inside = np.zeros((NSIM, truth.size), dtype=bool)
    for i in range(NSIM):
        lik.replace_counts("sim", rng.poisson(mu).astype(float))
        res = fit_mle(lik, start=truth)
        est = np.array([res.values[n] for n in lik.free_names])
        err = np.array([res.errors[n] for n in lik.free_names])
        inside[i] = np.abs(est - truth) <= err
    elapsed = time.perf_counter() - t0
    cover = inside.mean(axis=0)
    print(dict(zip(lik.free_names, cover.round(3))), f"{elapsed:.1f} s")
    assert elapsed < 60
    assert np.all(np.abs(cover - 0.68) <= 0.06), dict(zip(lik.free_names, cover))
