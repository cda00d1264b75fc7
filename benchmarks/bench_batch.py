"""Scaling benchmark of `bayspec.batch` (not part of the tests).

Fits N time slices of GRB 080916C (Fermi/GBM NaI n3 CSPEC, bundled) by maximum likelihood
for N = 100, 400, 1600 with 1 local worker (inline), 2 local worker processes and a Dask
LocalCluster of 2 single-threaded worker processes, and reports fits per second.

Choices
-------
* Data: rows of the PHA-II series with positive exposure, all channels of good quality and
  non-zero counts (1854 of 1859 rows); rows are re-used cyclically when N exceeds what is
  selected, each re-use with its own task key (``…#row@i``).
* Analysis: power law (``pl``) with ``cstat`` on the total counts, 8-900 keV, no background
  (the series has none; most rows are background dominated, so the fit describes the
  total spectrum — the cost per fit, which is what is measured, is representative).
* Also measured: the per-task scheduler overhead (round trip of an empty task, local
  process pool and Dask), the store's size, and the read time per spectrum
  (`load_unit_inputs`, and `unit_from_store` which also builds the `DataUnit`), and the
  result append time (parent process, journaled).

Writes ``benchmarks/results/batch.json`` (after every configuration, so a partial run
leaves partial results) and prints a table. ``--sizes`` and ``--configs`` trim the run.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from bayspec.batch import Task, Template, has_distributed, run_batch
from bayspec.store import Store, import_ogip, load_unit_inputs, row_key, unit_from_store

HERE = Path(__file__).resolve().parent
GBM = HERE.parent / "src" / "bayspec" / "_bundled" / "gbm_bn080916009"
TEMPLATE = Template("pl", stat="cstat", notc=[8, 900], fit={"n_starts": 64})


def _noop(x=None):
    return x


def build_store(folder: Path):
    path = folder / "grb080916c.h5"
    t0 = time.perf_counter()
    key = import_ogip(Store(path), GBM / "glg_cspec_n3_bn080916009_v01.pha",
                      rsp=GBM / "glg_cspec_n3_bn080916009_v00.rsp2", source="bn080916009",
                      instrument="gbm", detector="n3")
    t_import = time.perf_counter() - t0
    st = Store(path, mode="r")
    rows = st.spectra.read(key)
    good = (rows.exposure > 0) & (rows.counts.sum(axis=1) > 0) & \
        np.all(np.asarray(rows.quality) == 0, axis=1)
    return path, key, np.nonzero(good)[0], t_import


def make_tasks(path, key, rows, n):
    out = []
    for i in range(n):
        r = int(rows[i % rows.size])
        out.append(Task(f"{row_key(key, r)}@{i}", store=str(path), series=key, row=r))
    return out


def read_times(path, key, rows, n=100):
    st = Store(path, mode="r")
    pick = rows[np.linspace(0, rows.size - 1, n).astype(int)]
    unit_from_store(st, key, int(pick[0]))  # warm up imports
    t0 = time.perf_counter()
    with st:
        for r in pick:
            load_unit_inputs(st, key, int(r))
    t1 = time.perf_counter()
    with st:
        for r in pick:
            unit_from_store(st, key, int(r), notc=[8, 900])
    t2 = time.perf_counter()
    return {"load_unit_inputs_ms": 1e3 * (t1 - t0) / n,
            "unit_from_store_ms": 1e3 * (t2 - t1) / n, "n": n}


def append_time(folder, n=100):
    from bayspec.store import ResultStore

    rs = ResultStore(folder / "append.h5")
    t0 = time.perf_counter()
    for i in range(n):
        rs.append(f"k{i}", ["pl.K", "pl.alpha"], [1.0, -1.5], [0.1, 0.01], statistic=100.0,
                  dof=117, extra={"valid": True, "nfev": 60})
    return 1e3 * (time.perf_counter() - t0) / n


def overhead_local(n=200):
    with ProcessPoolExecutor(2) as pool:
        pool.submit(_noop).result()
        t0 = time.perf_counter()
        for _ in range(n):
            pool.submit(_noop).result()
        rt = (time.perf_counter() - t0) / n
        t0 = time.perf_counter()
        list(pool.map(_noop, range(n)))
        bulk = (time.perf_counter() - t0) / n
    return {"round_trip_ms": 1e3 * rt, "throughput_ms_per_task": 1e3 * bulk}


def overhead_dask(client, n=200):
    from distributed import wait

    client.submit(_noop, -1, pure=False).result()
    t0 = time.perf_counter()
    for i in range(n):
        client.submit(_noop, i, pure=False).result()
    rt = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    futs = [client.submit(_noop, i, pure=False) for i in range(n)]
    wait(futs)
    bulk = (time.perf_counter() - t0) / n
    del futs
    return {"round_trip_ms": 1e3 * rt, "throughput_ms_per_task": 1e3 * bulk}


def run_config(name, tasks, folder, client=None):
    out = folder / f"res_{name}_{len(tasks)}.h5"
    kw = {"workers": 1} if name == "local-1" else {"workers": 2} if name == "local-2" \
        else {"scheduler": client}
    t0 = time.perf_counter()
    rep = run_batch(TEMPLATE, tasks, out, progress=False, **kw)
    wall = time.perf_counter() - t0
    return {"config": name, "n": len(tasks), "ok": rep.ok, "failed": rep.failed,
            "lost": len(rep.lost), "wall_s": wall, "fits_per_s": len(tasks) / wall,
            "chunk_size": rep.chunk_size, "nchunks": rep.nchunks, "backend": rep.backend}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 400, 1600])
    ap.add_argument("--configs", nargs="+", default=["local-1", "local-2", "dask-2"])
    ap.add_argument("--out", default=str(HERE / "results" / "batch.json"))
    args = ap.parse_args(argv)
    result = {"machine": {"python": platform.python_version(), "cpus": _cpus(),
                          "platform": platform.platform()},
              "template": TEMPLATE.to_dict(), "runs": []}

    def save():
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(result, indent=2))

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path, key, rows, t_import = build_store(folder)
        result["store"] = {"size_bytes": path.stat().st_size, "rows": 1859,
                           "rows_used": int(rows.size), "import_s": t_import,
                           **read_times(path, key, rows)}
        result["append_ms"] = append_time(folder)
        result["overhead"] = {"local_pool": overhead_local()}
        client = cluster = None
        if "dask-2" in args.configs and has_distributed():
            from distributed import Client, LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
            result["overhead"]["dask"] = overhead_dask(client)
        save()
        try:
            for n in args.sizes:
                tasks = make_tasks(path, key, rows, n)
                for cfg in args.configs:
                    if cfg == "dask-2" and client is None:
                        continue
                    r = run_config(cfg, tasks, folder, client)
                    result["runs"].append(r)
                    print(f"{cfg:8s} N={n:5d}  {r['wall_s']:7.1f} s  "
                          f"{r['fits_per_s']:6.1f} fits/s  ok={r['ok']} failed={r['failed']}",
                          flush=True)
                    save()
        finally:
            if client is not None:
                client.close()
                cluster.close()
    _table(result)
    return result


def _cpus():
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count()


def _table(res):
    s = res["store"]
    print(f"\nstore: {s['size_bytes'] / 1e6:.2f} MB for {s['rows']} spectra + 3 matrices; "
          f"read {s['load_unit_inputs_ms']:.1f} ms/spectrum (load_unit_inputs), "
          f"{s['unit_from_store_ms']:.1f} ms (unit_from_store); "
          f"result append {res['append_ms']:.1f} ms")
    for name, o in res["overhead"].items():
        print(f"empty task ({name}): round trip {o['round_trip_ms']:.2f} ms, "
              f"bulk {o['throughput_ms_per_task']:.2f} ms/task")
    configs = sorted({r["config"] for r in res["runs"]})
    sizes = sorted({r["n"] for r in res["runs"]})
    print("\nfits/s   " + "".join(f"{c:>10s}" for c in configs))
    for n in sizes:
        row = {r["config"]: r["fits_per_s"] for r in res["runs"] if r["n"] == n}
        print(f"N={n:<6d} " + "".join(f"{row.get(c, float('nan')):10.1f}" for c in configs))


if __name__ == "__main__":
    main()
