"""Time bayspec 0.4 (PyPI) on the GBM n6 + b1 CPL pgstat problem.

Run with the side environment's interpreter (``/tmp/bs04/bin/python _bayspec04.py``); prints
one JSON line: seconds per likelihood evaluation and, with ``--emcee N``, effective samples per
second of its emcee run. Used by ``bench_kernel.py`` and ``bench_emcee.py`` when that
environment exists.
"""

import json
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")

from bayspec import BayesInfer, Data, DataUnit  # noqa: E402
from bayspec.model.local import cpl  # noqa: E402

root = sys.argv[1]
units = []
for det, notc in (("n6", [8.0, 900.0]), ("b1", [250.0, 38000.0])):
    stem = f"{root}/bn090217206_{det}"
    units.append((det, DataUnit(src=f"{stem}_srcspectra.pha:0", bkg=f"{stem}_bkgspectra.bak:0",
                                rsp=f"{stem}_weightedrsp.rsp", notc=notc, stat="pgstat")))
data = Data(units)
model = cpl()
infer = BayesInfer([(data, model)])
theta = np.array(infer.free_pvalues, dtype=float)
infer.calc_stat(theta)
n = 200
t0 = time.perf_counter()
for _ in range(n):
    infer.calc_stat(theta)
out = {"version": __import__("bayspec").__version__ if hasattr(__import__("bayspec"), "__version__") else "0.4",
       "eval_s": (time.perf_counter() - t0) / n, "nfree": int(theta.size)}
print(json.dumps(out))
