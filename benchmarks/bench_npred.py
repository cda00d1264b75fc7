"""Cost of a unit's own prediction (``unit.npred_signal()``, ``unit.stat_sum()``) against
one likelihood evaluation.

Usage::

    python benchmarks/bench_npred.py

Case: the real Fermi/GBM GRB 090217A NaI n6 unit (pgstat, 8-900 keV) with a CPL bound.
Times (best of 7 repeats): one ``Likelihood.evaluate`` of one parameter vector, one
``unit.npred_signal()`` and one ``unit.stat_sum()`` after a first call (so a fold cached on
the unit is reused), and their ratio to the evaluation. Writes
``benchmarks/results/npred.json`` and prints a table.
"""

from __future__ import annotations

import json
import platform
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from _problems import gbm_pair  # noqa: E402

from bayspec.infer import Likelihood  # noqa: E402
from bayspec.model import cpl  # noqa: E402


def _best(fn, number=200, repeat=7):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def main():
    n6 = gbm_pair()[0]
    model = cpl()
    lik = Likelihood([(n6, model)])
    n6.fit_with = model
    th = lik.space.current()[None, :]
    n6.npred_signal()
    n6.stat_sum()
    t_eval = _best(lambda: lik.evaluate(th))
    t_npred = _best(n6.npred_signal)
    t_stat = _best(n6.stat_sum)
    out = {"machine": platform.processor() or platform.machine(), "numpy": np.__version__,
           "evaluate_s": t_eval, "npred_signal_s": t_npred, "stat_sum_s": t_stat,
           "npred_signal_over_evaluate": t_npred / t_eval,
           "stat_sum_over_evaluate": t_stat / t_eval}
    print(f"{'GBM n6, cpl, pgstat':<28}{'time':>12}{'/ evaluate':>12}")
    print(f"{'Likelihood.evaluate':<28}{t_eval * 1e6:>10.1f}us{1.0:>12.2f}")
    print(f"{'unit.npred_signal()':<28}{t_npred * 1e6:>10.1f}us{t_npred / t_eval:>12.2f}")
    print(f"{'unit.stat_sum()':<28}{t_stat * 1e6:>10.1f}us{t_stat / t_eval:>12.2f}")
    res = Path(__file__).parent / "results"
    res.mkdir(exist_ok=True)
    (res / "npred.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
