"""From photon events to spectra: binning, background fits and interval extraction.

Usage::

    python benchmarks/bench_tte.py

Case: the GRB 080916C NaI n3 TTE event list (451 128 events, -25.9 to +300.7 s), read in
place from ``../shared/data/gbm_bn080916009`` with the bundled RSP2. Times (best of 3):

* reading the TTE file (`TimeSeries.from_tte`, once);
* binning all events into 0.064 s x 128 channels (`TimeSeries.bin`, with live times);
* the per-channel polynomial background fits on the off-source intervals
  (-25, -5) and (150, 300) s, unbinned and binned (1.024 s), orders 0..4 each;
* the extraction of 100 intervals of 0.5 s in 0-50 s: for each, the source spectrum,
  the background counts with errors and the `DataUnit` with its RSP2-weighted response
  (`TimeSeries.units`); goal: under 2 s.

Writes ``benchmarks/results/tte.json`` and prints a table.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from bayspec.data.timeseries import TimeSeries
from bayspec.estimators.intervals import constant_width

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("BAYSPEC_SHARED_DATA", REPO.parent / "shared" / "data"))
TTE = DATA / "gbm_bn080916009" / "glg_tte_n3_bn080916009_v01.fit.gz"
RSP = REPO / "src" / "bayspec" / "_bundled" / "gbm_bn080916009" / "glg_cspec_n3_bn080916009_v00.rsp2"
OFF = [[-25.0, -5.0], [150.0, 300.0]]


def _best(fn, repeat=3):
    out, best = None, np.inf
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main():
    t_read, ts = _best(lambda: TimeSeries.from_tte(TTE, rsp=RSP), repeat=1)
    lo, hi = ts.time_range
    edges = lo + 0.064 * np.arange(int((hi - lo) / 0.064) + 1)
    t_bin, (counts, live) = _best(lambda: ts.bin(edges))
    t_unb, bf = _best(lambda: ts.fit_background(OFF))
    t_bin_fit, bfb = _best(lambda: ts.fit_background(OFF, method="binned"))
    iv = constant_width(0.0, 50.0, 0.5)
    t_ext, units = _best(lambda: ts.units(iv, bf, notc=[8.0, 900.0]))
    orders = np.bincount(bf.orders, minlength=5).tolist()
    out = {"machine": platform.processor() or platform.machine(), "numpy": np.__version__,
           "cpus": os.cpu_count(), "events": int(ts.times.size), "read_s": t_read,
           "bin_0.064s_x_128_s": t_bin, "nbins": int(counts.shape[0]),
           "fit_unbinned_s": t_unb, "fit_binned_s": t_bin_fit,
           "orders_unbinned": orders, "extract_100_intervals_s": t_ext,
           "extract_per_interval_ms": 1e3 * t_ext / len(units)}
    print(f"{'GRB 080916C n3 TTE':<46}{'time':>10}")
    print(f"{'read (' + str(ts.times.size) + ' events)':<46}{t_read:>9.3f}s")
    print(f"{'bin 0.064 s x 128 ch (' + str(counts.shape[0]) + ' bins)':<46}{t_bin:>9.3f}s")
    print(f"{'background fit, unbinned, orders 0..4':<46}{t_unb:>9.3f}s")
    print(f"{'background fit, binned 1.024 s, orders 0..4':<46}{t_bin_fit:>9.3f}s")
    print(f"{'extract 100 intervals (spectra + DataUnit)':<46}{t_ext:>9.3f}s")
    print(f"orders per channel (0..4): {orders}")
    res = Path(__file__).parent / "results"
    res.mkdir(exist_ok=True)
    (res / "tte.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
