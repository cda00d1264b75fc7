"""Likelihood-kernel benchmark (issue: spectral models, statistics and the kernel).

Usage::

    python benchmarks/bench_kernel.py [--bayspec04 /path/to/venv/bin/python]

Cases
-----
(a) synthetic: 2000 photon bins × 1024 channels, dense response, CPL + background, wstat.
(b) real: Fermi/GBM GRB 090217A NaI n6 + BGO b1, CPL, pgstat.

For each: one evaluation, a batch of 128 parameter vectors (time per vector), and the time
of a bare dense ``vector @ matrix`` of the response's size in the same run (the floor). When
a bayspec 0.4 interpreter is given (or found at /tmp/bs04/bin/python), its likelihood is
timed on case (b) too, on response files rewritten by ``bayspec.io`` (bayspec 0.4 cannot read
the fixed-length weighted RSP as shipped). Writes ``benchmarks/results/kernel.json`` and
prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _problems import gbm_pair, synthetic_unit  # noqa: E402

from bayspec.infer import Likelihood  # noqa: E402
from bayspec.model import cpl  # noqa: E402


def _best(fn, number, repeat=7):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def _case(lik, matrices, number1, numberb, seed=0):
    th = lik.space.current()[None, :]
    rng = np.random.default_rng(seed)
    thb = th * rng.uniform(0.97, 1.03, (128, th.shape[1]))
    one = _best(lambda: lik.evaluate(th), number1)
    batch = _best(lambda: lik.evaluate(thb), numberb) / 128
    floor = 0.0
    for R in matrices:
        v = np.ones(R.shape[0])
        floor += _best(lambda: v @ R, number1)
    return {"one_s": one, "batch128_per_vector_s": batch, "floor_matvec_s": floor,
            "one_over_floor": one / floor}


def _bayspec04(python):
    """Time bayspec 0.4 on case (b) in its own interpreter; None when unavailable."""
    if not python or not Path(python).exists():
        return None
    from bayspec.examples import bundled_path
    from bayspec.io import read_rmf, write_rmf
    src = bundled_path("gbm_bn090217206")
    with tempfile.TemporaryDirectory() as tmp:
        for det in ("n6", "b1"):
            for suf in ("srcspectra.pha", "bkgspectra.bak"):
                os.symlink(src / f"bn090217206_{det}_{suf}", Path(tmp) / f"bn090217206_{det}_{suf}")
            write_rmf(Path(tmp) / f"bn090217206_{det}_weightedrsp.rsp",
                      read_rmf(src / f"bn090217206_{det}_weightedrsp.rsp"))
        r = subprocess.run([python, str(Path(__file__).parent / "_bayspec04.py"), tmp],
                           capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        print("bayspec 0.4 failed:", r.stderr[-500:], file=sys.stderr)
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bayspec04", default="/tmp/bs04/bin/python",
                    help="python of an environment with bayspec 0.4 installed")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "kernel.json"))
    args = ap.parse_args(argv)

    unit, model = synthetic_unit()
    lik_a = Likelihood([(unit, model)])
    res_a = _case(lik_a, [np.ascontiguousarray(unit.rsp_drm)], 20, 3)

    units = gbm_pair()
    lik_b = Likelihood([(units, cpl())])
    res_b = _case(lik_b, [np.ascontiguousarray(u.rsp_drm) for u in units], 2000, 100)
    old = _bayspec04(args.bayspec04)
    if old:
        res_b["bayspec04_one_s"] = old["eval_s"]
        res_b["speedup_vs_bayspec04"] = old["eval_s"] / res_b["one_s"]

    out = {"machine": {"platform": platform.platform(), "processor": platform.processor(),
                       "cpus": os.cpu_count(), "python": platform.python_version(),
                       "numpy": np.__version__,
                       "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE")},
           "a_synthetic_2000x1024_wstat": res_a, "b_gbm_n6_b1_pgstat": res_b}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(out, indent=2))

    print(f"{'case':<32}{'one (µs)':>12}{'batch/vec (µs)':>16}{'floor (µs)':>12}{'one/floor':>11}")
    for name, r in (("(a) synthetic 2000x1024 wstat", res_a), ("(b) GBM n6+b1 pgstat", res_b)):
        print(f"{name:<32}{r['one_s'] * 1e6:>12.1f}{r['batch128_per_vector_s'] * 1e6:>16.1f}"
              f"{r['floor_matvec_s'] * 1e6:>12.1f}{r['one_over_floor']:>11.2f}")
    if old:
        print(f"bayspec 0.4 on (b): one evaluation {old['eval_s'] * 1e6:.1f} µs "
              f"({res_b['speedup_vs_bayspec04']:.1f}x slower than this kernel)")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
