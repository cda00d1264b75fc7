"""Benchmark: simulated goodness of fit with refits, batched against a loop of single fits.

The demo's analysis (GRB 090217A, GBM NaI n6 + n9 + BGO b1, pgstat, cutoff power law with
the BGO effective-area factor free: 4 free parameters, 359 groups). ``Infer``-level
`bayspec.infer.goodness.goodness` simulates ``NSIM`` data sets from the best fit and
refits them all together (`bayspec.infer._multidata.batch_fit`, one kernel call per
iteration for every simulation still running). In the same run, a loop of single fits:
the same simulated counts swapped into the kernel (`Likelihood.replace_counts`) and fitted
by MIGRAD (`fit_mle`, tol 1e-3 as `Infer.fit`, no HESSE) from the best fit, for
``NLOOP`` simulations; the time per refit of each and the agreement of the minima are
reported.

Run: ``python benchmarks/bench_goodness.py [nsim] [nloop]``; prints a table and writes
``benchmarks/results/goodness.json``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

from bayspec.data import Data, DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer, Likelihood, fit_mle
from bayspec.infer._multidata import batch_fit, simulate
from bayspec.infer.goodness import goodness, refit_settings
from bayspec.infer.mle import FitProblem
from bayspec.model import parse_model

NSIM, NLOOP = 1000, 100


def demo_infer():
    units = []
    for det, notc in [("n6", [8, 900]), ("n9", [8, 900]), ("b1", [250, 38000])]:
        f = grb090217a(det)
        units.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=notc, stat="pgstat", name=det))
    data = Data(units)
    data["b1"].par["sf"].thaw()
    infer = Infer([(data, parse_model("cpl"))])
    infer.fit()
    return infer


def main(nsim=NSIM, nloop=NLOOP):
    infer = demo_infer()
    lik = infer.likelihood
    best = lik.space.current()

    t0 = time.perf_counter()
    g = goodness(infer, nsim, seed=1)
    t_batch = time.perf_counter() - t0

    # the same kind of simulations, refitted one by one with MIGRAD
    rng = np.random.default_rng(2)
    sims = simulate(lik, np.repeat(best[None], nloop, axis=0), rng)
    ref = Likelihood(lik.pairs)
    t0 = time.perf_counter()
    loop_stat = np.empty(nloop)
    for i in range(nloop):
        for name in sims.unit_names:
            ref.replace_counts(name, sims.src(name)[i], sims.bkg(name)[i])
        ref.space.set(best)
        loop_stat[i] = fit_mle(ref, raise_on_failure=False, hesse=False).stat
    t_loop = time.perf_counter() - t0
    step, H = refit_settings(infer.result)
    bf = batch_fit(FitProblem(lik), sims, step=step, hessian=H)
    lik.space.set(best)
    diff = bf.stat - loop_stat

    per_batch = t_batch / nsim
    per_loop = t_loop / nloop
    out = {
        "problem": "GRB 090217A n6+n9+b1, pgstat, cpl + b1.sf (4 free, 359 groups)",
        "nsim": nsim, "p_value": g.p_value, "nfailed": g.nfailed,
        "batched_total_s": t_batch, "batched_per_refit_ms": 1e3 * per_batch,
        "loop_nfits": nloop, "loop_total_s": t_loop, "loop_per_fit_ms": 1e3 * per_loop,
        "speedup": per_loop / per_batch,
        "loop_projected_total_s": per_loop * nsim,
        "minimum_batched_minus_migrad": {"median": float(np.median(diff)),
                                         "max_abs": float(np.max(np.abs(diff)))},
        "cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
        "python": platform.python_version(), "numpy": np.__version__,
    }
    print(f"{'':28s}{'total s':>10s}{'per refit ms':>15s}")
    print(f"{f'batched, {nsim} simulations':28s}{t_batch:>10.2f}{1e3 * per_batch:>15.2f}")
    print(f"{f'MIGRAD loop, {nloop} fits':28s}{t_loop:>10.2f}{1e3 * per_loop:>15.2f}")
    print(f"speed-up {out['speedup']:.1f}x; goodness p = {g.p_value:.3f} ({g.nfailed} not converged); "
          f"batched − MIGRAD minimum: median {np.median(diff):.2e}, max |.| {np.max(np.abs(diff)):.2e}")
    res = Path(__file__).parent / "results"
    res.mkdir(exist_ok=True)
    (res / "goodness.json").write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
