"""Effective samples per second of emcee on GBM GRB 090217A n6 + b1, CPL, pgstat.

Runs the current bayspec (``run_sampler("emcee", ...)``: one batched kernel call per
half-ensemble) and, when a bayspec 0.4 environment exists (``BAYSPEC04_PYTHON``, default
``/tmp/bs04/bin/python``), bayspec 0.4's ``BayesInfer.emcee`` (one Python call per walker),
with the same walkers, steps and burn-in. ESS = (nsteps − burn) · nwalkers / max τ.

Usage: ``python benchmarks/bench_emcee.py [--nsteps 3000] [--out benchmarks/results/emcee.json]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

NOTC = {"n6": [[8, 900]], "b1": [[250, 38000]]}

_BS04 = r'''
import json, sys, time, tempfile, warnings, numpy as np
warnings.simplefilter("ignore")
from bayspec import DataUnit, Data, BayesInfer
from bayspec.model.local import cpl
import emcee
files, notc, nsteps, burn, seed = json.loads(sys.argv[1])
units = []
for det, f in files.items():
    units.append((det, DataUnit(src=f["src"] + ":0", bkg=f["bkg"] + ":0", rsp=f["rsp"], notc=notc[det][0],
                                  stat="pgstat")))  # 0.4 needs the PHA-II row
data = Data(units)
infer = BayesInfer([(data, cpl())])
d = tempfile.mkdtemp()
t = time.perf_counter()
post = infer.emcee(nstep=nsteps, discard=burn, resume=False, savepath=d, random_seed=seed)
el = time.perf_counter() - t
chain = infer.mcmc_chain
tau = emcee.autocorr.integrated_time(chain[burn:], quiet=True, tol=0)
nw = chain.shape[1]
ess = (nsteps - burn) * nw / np.max(tau)
print(json.dumps({"elapsed": el, "tau": list(map(float, tau)), "nwalkers": nw, "ess": float(ess),
                  "ess_per_second": float(ess / el), "evals_per_second": nsteps * nw / el,
                  "median": list(map(float, np.median(chain[burn:].reshape(-1, chain.shape[2]), axis=0)))}))
'''


def files():
    from bayspec.examples import grb090217a

    return {det: grb090217a(det) for det in NOTC}


def run_current(nsteps, burn, seed, moves, nwalkers):
    import iminuit

    from bayspec.data import DataUnit
    from bayspec.infer import Likelihood
    from bayspec.infer.samplers import SamplerWarning, run_sampler
    from bayspec.model.library import CutoffPowerLaw

    units = [DataUnit(src=f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat", notc=NOTC[d])
             for d, f in files().items()]
    lik = Likelihood([(units, CutoffPowerLaw())])
    fcn = lambda x: float(lik.evaluate(np.asarray(x)[None])[0])  # noqa: E731
    m = iminuit.Minuit(fcn, [0.7, -0.8, 600.0])
    m.errordef = 2.0  # stat = −2 ln L
    m.limits = [(1e-6, 1e3), (-2, 2), (10, 1e4)]
    m.migrad()
    m.hesse()
    lik.logposterior(np.array(m.values)[None])  # warm-up
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SamplerWarning)
        post = run_sampler("emcee", lik, np.array(m.values), np.array(m.errors), seed=seed,
                           nsteps=nsteps, burn=burn, moves=moves, nwalkers=nwalkers)
    i = post.info
    return {"elapsed": i["elapsed"], "tau": i["autocorr"], "nwalkers": i["nwalkers"], "ess": i["ess"],
            "ess_per_second": i["ess_per_second"], "evals_per_second": i["evals_per_second"],
            "acceptance": i["acceptance"], "median": [post.median[n] for n in post.names]}


def run_04(python, nsteps, burn, seed):
    if not Path(python).exists():
        return {"skipped": f"{python} not found"}
    from bayspec.io import read_rmf, write_rmf

    with tempfile.TemporaryDirectory() as tmp:
        fs = {}
        for det, f in files().items():
            # 0.4 cannot read the bundled variable-length matrices: rewrite them with our writer
            rsp = Path(tmp) / Path(f["rsp"]).name
            write_rmf(rsp, read_rmf(f["rsp"]))
            fs[det] = {"src": f["src"], "bkg": f["bkg"], "rsp": str(rsp)}
        arg = json.dumps([fs, NOTC, nsteps, burn, seed])
        r = subprocess.run([python, "-c", _BS04, arg], capture_output=True, text=True, timeout=1800,
                           cwd=tmp)
    if r.returncode:
        return {"failed": r.stderr[-2000:]}
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--nsteps", type=int, default=3000)
    ap.add_argument("--burn", type=int, default=750)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "emcee.json"))
    ap.add_argument("--bs04", default=os.environ.get("BAYSPEC04_PYTHON", "/tmp/bs04/bin/python"))
    a = ap.parse_args(argv)
    res = {"problem": "GRB 090217A n6 (8-900 keV) + b1 (250-38000 keV), cpl, pgstat",
           "nsteps": a.nsteps, "burn": a.burn, "seed": a.seed,
           "env": {"python": platform.python_version(), "machine": platform.machine(),
                   "cpus": os.cpu_count(), "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
                   "load_average": os.getloadavg()},
           "runs": {}}
    for label, moves, nw in [("current stretch 32 walkers", "stretch", 32),
                             ("current de 32 walkers", "de", 32),
                             ("current stretch 64 walkers", "stretch", 64)]:
        res["runs"][label] = run_current(a.nsteps, a.burn, a.seed, moves, nw)
        print(label, json.dumps(res["runs"][label]), flush=True)
    res["runs"]["bayspec 0.4 stretch 32 walkers"] = run_04(a.bs04, a.nsteps, a.burn, a.seed)
    print("bayspec 0.4", json.dumps(res["runs"]["bayspec 0.4 stretch 32 walkers"]), flush=True)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(res, indent=2))


if __name__ == "__main__":
    sys.exit(main())
