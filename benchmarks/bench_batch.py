"""Many spectra as one problem: all good rows of the GBM 080916C n3 CSPEC series.

Every usable row of the bundled series (background summed from the pre-burst rows
``(-300, -10)`` s, as `SpectrumSeries` does; wstat; 8–900 keV) is fitted with ``pl`` and
``cpl`` by `bayspec.infer.many.fit_many` (one batched problem) and, in the same run, one by
one with `bayspec.infer.mle.fit_mle` (the default single fit, as `fit_time_resolved` runs
it), from the same start. Units are built once and shared; rates count the fits only.

Reported per model: fits/s of both, the load average, the rows valid in each, bound hits
per row, and the agreement of values where the single fit is valid (relative, and in units
of the single fit's error). ``--single N`` fits only every k-th row one by one (about N
rows) to keep the run short; the rate is measured on those.

    python benchmarks/bench_batch.py [--single 300]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np

import bayspec
from bayspec.estimators.series import SpectrumSeries
from bayspec.infer import Likelihood
from bayspec.infer.many import ManySpectra, fit_many
from bayspec.infer.mle import fit_mle
from bayspec.model import parse_model

GBM = Path(bayspec.__file__).parent / "_bundled" / "gbm_bn080916009"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--single", type=int, default=0,
                    help="fit about this many rows one by one (default: all)")
    ap.add_argument("--models", default="pl,cpl")
    a = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    s = SpectrumSeries(GBM / "glg_cspec_n3_bn080916009_v01.pha",
                       GBM / "glg_cspec_n3_bn080916009_v00.rsp2",
                       bkg_interval=(-300, -10), notc=[8, 900])
    idx = s.rows(-np.inf, np.inf, warn=False)
    t0 = time.perf_counter()
    units = [s.unit(s.tstart[i], s.tstop[i]) for i in idx]
    print(f"{len(units)} good rows of {s.nrow}; units built in {time.perf_counter() - t0:.1f} s; "
          f"load average {os.getloadavg()}; {os.cpu_count()} CPUs")
    step = 1 if not a.single else max(1, len(units) // a.single)
    sub = np.arange(0, len(units), step)
    for expr in a.models.split(","):
        t0 = time.perf_counter()
        data = ManySpectra(units, parse_model(expr))
        res = fit_many(units, parse_model(expr), data=data)
        tm = time.perf_counter() - t0
        t0 = time.perf_counter()
        singles = [fit_mle(Likelihood([(units[i], parse_model(expr))]), raise_on_failure=False)
                   for i in sub]
        ts = time.perf_counter() - t0
        sv = np.array([[o.values[n] for n in res.names] for o in singles])
        se = np.array([[o.errors[n] for n in res.names] for o in singles])
        sval = np.array([o.valid for o in singles])
        slim = np.array([[n in o.at_limit for n in res.names] for o in singles])
        mv, ml = res.values[sub], res.at_limit[sub]
        both = sval & res.valid[sub]
        rel = np.max(np.abs(mv - sv) / np.abs(sv), axis=1)
        sig = np.max(np.abs(mv - sv) / se, axis=1)
        print(f"\n{expr}: {len(units)} rows together in {tm:.2f} s = {len(units) / tm:.0f} fits/s "
              f"({data.ngroups} response groups, {res.nfcn / len(units):.0f} evaluations/row); "
              f"one by one {len(sub)} rows in {ts:.1f} s = {len(sub) / ts:.1f} fits/s; "
              f"speed-up {len(units) / tm / (len(sub) / ts):.1f}x; load average {os.getloadavg()}")
        print(f"  joint: valid {res.valid.sum()}, not converged {(~res.converged).sum()}, "
              f"bound hits {res.at_limit.any(axis=1).sum()} rows")
        print(f"  single (compared rows): valid {sval.sum()} of {len(sub)}, bound hits "
              f"{slim.any(axis=1).sum()}; joint valid where single valid: "
              f"{(res.valid[sub] & sval).sum()}; same bound flags {np.all(ml == slim, axis=1).sum()}")
        dstat = res.stat[sub] - np.array([o.stat for o in singles])
        if both.any():
            q = np.percentile(rel[both], [50, 90, 99, 100])
            print(f"  both valid ({both.sum()}): max relative difference per row, percentiles "
                  f"50/90/99/100 = {', '.join(f'{v:.1e}' for v in q)}; within 1e-4: "
                  f"{(rel[both] <= 1e-4).sum()}; within 1e-2 error: {(sig[both] <= 1e-2).sum()}; "
                  f"statistic joint - single: max {np.max(dstat[both]):.1e}")


if __name__ == "__main__":
    main()
