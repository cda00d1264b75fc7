"""Benchmark: the README's Python tour with and without the BLAS thread limit, quiet and loaded.

The tour (the first ``python`` block of README.md: three GBM units, a cutoff power-law fit,
an emcee posterior of 4000 steps, a flux and three plots) runs in a fresh interpreter, in a
temporary folder, with

* ``limit``: bayspec's default — BLAS limited to one thread around every fit and sampling
  (`bayspec._threads`), whatever the BLAS library would use;
* ``no limit``: ``BAYSPEC_BLAS_THREADS=none`` — the BLAS library's own thread count (one
  per core by default),

on a quiet machine and under load (``--busy N`` processes spinning on the CPU, default as
many as cores). The BLAS thread variables (``OPENBLAS_NUM_THREADS`` ...) are removed from
the children's environment so that "no limit" really is the library default. Each case is
run ``--repeat`` times (default 1) and the median wall time is reported.

Run: ``python benchmarks/bench_threads.py [--repeat 3] [--busy 2]``; prints a table and writes
``benchmarks/results/threads.json``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_BLAS_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
              "BAYSPEC_BLAS_THREADS")


def tour_code() -> str:
    """The first ``python`` code block of README.md."""
    text = (ROOT / "README.md").read_text()
    m = re.search(r"```python\n(.*?)```", text, re.S)
    if m is None:
        raise SystemExit("README.md has no python block")
    return "import matplotlib\nmatplotlib.use('Agg')\n" + m.group(1)


def run_tour(limit: bool) -> float:
    """Wall time (s) of the tour in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k not in _BLAS_VARS}
    if not limit:
        env["BAYSPEC_BLAS_THREADS"] = "none"
    code = tour_code()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=tmp, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t0


def start_load(n: int) -> list:
    """``n`` processes spinning on the CPU (the load)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def stop_load(procs) -> None:
    for p in procs:
        p.kill()
    for p in procs:
        p.wait()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--busy", type=int, default=os.cpu_count() or 2,
                    help="busy processes for the loaded runs (default: one per core)")
    args = ap.parse_args(argv)
    rows = []
    for load in (0, args.busy):
        procs = start_load(load)
        try:
            time.sleep(1.0 if load else 0.0)
            for limit in (True, False):
                times = [run_tour(limit) for _ in range(args.repeat)]
                rows.append({"busy_processes": load, "blas_limit": limit,
                             "wall_s": round(statistics.median(times), 2),
                             "runs_s": [round(t, 2) for t in times]})
                print(f"busy={load}  {'limit 1 thread' if limit else 'no limit     '}  "
                      f"wall {rows[-1]['wall_s']:7.2f} s  {rows[-1]['runs_s']}", flush=True)
        finally:
            stop_load(procs)
    info = {"machine": platform.platform(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "rows": rows}
    try:
        import numpy  # noqa: F401 - loads the BLAS library
        from threadpoolctl import threadpool_info

        info["blas"] = [{k: i.get(k) for k in ("internal_api", "version", "num_threads")}
                        for i in threadpool_info() if i.get("user_api") == "blas"]
    except ImportError:
        pass
    out = ROOT / "benchmarks" / "results" / "threads.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(info, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
