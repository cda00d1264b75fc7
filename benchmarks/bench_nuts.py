"""Minimum ESS per second of NUTS (nutpie) beside emcee, same problem, same run.

Problem: the README demo's units (GRB 090217A n6 and n9 8–900 keV, b1 250–38000 keV,
pgstat) with ``band`` and every scale factor free but n6's (6 parameters). Both samplers
start from the same fit (`Infer.sample`). ESS is reported two ways: each sampler's own
(emcee: kept steps × walkers / τ, Sokal's windowed τ as emcee computes it; NUTS: ArviZ bulk
ESS over the chains) and ArviZ's rank-normalised bulk ESS for both (emcee walkers taken as
chains; Vehtari et al. 2021), which is the like-for-like number. Wall time includes warm-up
/ burn-in. The medians and 68 % intervals of every parameter are printed side by side.

Usage: ``python benchmarks/bench_nuts.py [--out benchmarks/results/nuts.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

UNITS = [("n6", [8, 900]), ("n9", [8, 900]), ("b1", [250, 38000])]


def build():
    from bayspec.data import Data, DataUnit
    from bayspec.examples import grb090217a
    from bayspec.infer import Infer
    from bayspec.model import parse_model

    units = []
    for det, notc in UNITS:
        f = grb090217a(det)
        units.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=notc, stat="pgstat", name=det))
    data = Data(units)
    data["n9"].par["sf"].thaw()
    data["b1"].par["sf"].thaw()
    infer = Infer([(data, parse_model("band"))])
    infer.fit()
    return infer


def arviz_bulk_ess(samples, nchains, chain_major):
    """Bulk ESS per parameter of flat ``samples`` holding ``nchains`` chains."""
    import arviz

    n, d = samples.shape
    if chain_major:  # NUTS: chain by chain
        arr = samples.reshape(nchains, n // nchains, d)
    else:  # emcee: step by step, walkers inside
        arr = samples.reshape(n // nchains, nchains, d).transpose(1, 0, 2)
    ds = arviz.convert_to_dataset({"theta": arr})
    return np.asarray(arviz.ess(ds, method="bulk")["theta"].values, dtype=float)


def run(infer, method, **kw):
    from bayspec.infer.samplers import SamplerWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        t = time.perf_counter()
        post = infer.sample(method, **kw)
        wall = time.perf_counter() - t
    i = post.info
    if method == "nuts":
        ess_az = arviz_bulk_ess(post.samples, i["chains"], True)
    else:
        ess_az = arviz_bulk_ess(post.samples, i["nwalkers"], False)
    q = np.quantile(post.samples, [0.16, 0.5, 0.84], axis=0)
    out = {"options": kw, "elapsed": i["elapsed"], "wall": wall,
           "ess_own_min": i["ess"], "ess_own_per_second": i["ess"] / i["elapsed"],
           "ess_arviz_bulk": ess_az.tolist(), "ess_arviz_bulk_min": float(ess_az.min()),
           "ess_arviz_per_second": float(ess_az.min() / i["elapsed"]),
           "nevals": i["nevals"],
           "quantiles_16_50_84": {n: q[:, j].tolist() for j, n in enumerate(post.names)}}
    if method == "nuts":
        out.update({k: i[k] for k in ("divergences", "step_size", "mean_leapfrog_steps", "rhat", "metric")})
    else:
        out.update({k: i[k] for k in ("acceptance", "autocorr")})
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "nuts.json"))
    a = ap.parse_args(argv)
    infer = build()
    res = {"problem": "GRB 090217A n6, n9 (8-900 keV) + b1 (250-38000 keV), band, n9.sf and b1.sf free, "
                      "pgstat",
           "free": infer.free_names, "seed": a.seed,
           "env": {"python": platform.python_version(), "machine": platform.machine(),
                   "cpus": os.cpu_count(), "load_average_start": os.getloadavg()},
           "runs": {}}
    plans = [("emcee stretch 32 walkers 3000 steps (750 burn)", "emcee",
              {"nsteps": 3000, "burn": 750, "nwalkers": 32}),
             ("emcee de 32 walkers 3000 steps (750 burn)", "emcee",
              {"nsteps": 3000, "burn": 750, "nwalkers": 32, "moves": "de"}),
             ("nuts 2 chains x 1000 draws (500 tune), 2 cores", "nuts",
              {"chains": 2, "draws": 1000, "tune": 500, "cores": 2}),
             ("nuts 4 chains x 1000 draws (500 tune), 2 cores", "nuts",
              {"chains": 4, "draws": 1000, "tune": 500, "cores": 2})]
    for label, method, kw in plans:
        r = run(infer, method, seed=a.seed, **kw)
        res["runs"][label] = r
        print(f"{label}: {r['elapsed']:.1f} s, min ESS own {r['ess_own_min']:.0f} "
              f"({r['ess_own_per_second']:.1f}/s), arviz bulk {r['ess_arviz_bulk_min']:.0f} "
              f"({r['ess_arviz_per_second']:.1f}/s)", flush=True)
    res["env"]["load_average_end"] = os.getloadavg()
    labels = list(res["runs"])
    print("\nmedian [16%, 84%]")
    for name in infer.free_names:
        cells = []
        for lab in labels:
            lo, med, hi = res["runs"][lab]["quantiles_16_50_84"][name]
            cells.append(f"{med:.5g} [{lo:.5g}, {hi:.5g}]")
        print(f"{name:11s} " + " | ".join(cells))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    sys.exit(main())
