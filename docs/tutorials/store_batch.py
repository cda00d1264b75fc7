# Many spectra: an HDF5 store and a batch run
# ===========================================
#
# A batch applies one analysis template to many spectra and stores one record per fit. The
# spectra come from an HDF5 store (`bayspec.store`) — series of spectra, their responses
# (stored once, by content hash) and FITS headers — or from a list of OGIP files.
#
# Here we import the bundled GBM CSPEC file of GRB 080916C (1859 spectra of NaI n3) into a
# store and fit every 1-s spectrum of the first 30 s of the burst with a power law, with
# the ``bayspec batch`` command. The store holds no background for these rows, so each fit
# describes source plus background counts with cstat: a quick look at how the counts'
# hardness changes, not a physical spectrum (give ``bkg:`` to `bayspec.store.import_ogip`
# for that).

# %%
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from bayspec.cli.main import main  # main([...]) is the `bayspec ...` command
from bayspec.examples import bundled_path
from bayspec.store import ResultStore, Store, import_ogip

work = Path(tempfile.mkdtemp(prefix="bayspec-batch-"))
d = "gbm_bn080916009"
key = import_ogip(Store(work / "grb.h5"), bundled_path(d, "glg_cspec_n3_bn080916009_v01.pha"),
                  rsp=bundled_path(d, "glg_cspec_n3_bn080916009_v00.rsp2"),
                  source="bn080916009", instrument="gbm", detector="n3")
print(key)

# %%
# The batch configuration (paths relative to it); :doc:`/_generated/reference/cli` lists
# every key. Rows 560-589 are the spectra of the first 30 s
# after the trigger.

# %%
config = f"""\
store: grb.h5
selection:
  keys: [{key}]
  rows: "560:590"
template:
  model: pl
  stat: cstat
  notc: [8, 900]
  fit: {{n_starts: 64, seed: 0}}
results: grb.results.h5
workers: 2
progress: false
"""
(work / "batch.yaml").write_text(config)

status = main(["batch", str(work / "batch.yaml")])
print("exit status", status)

# %%
# Each record has the key of its spectrum (``series#row``), a status (``ok``, ``at_limit``,
# ``failed``), the values, errors and statistic, and the hash of the template. Rerunning the
# same command skips the spectra already done:

# %%
print("rerun: exit status", main(["batch", str(work / "batch.yaml")]))
recs = ResultStore(work / "grb.results.h5", mode="r").records()
print(len(recs), "records; first:", {k: recs[0][k] for k in ("key", "status", "names", "values", "statistic")})

# %%
recs.sort(key=lambda r: int(r["key"].rpartition("#")[2]))
row = np.array([int(r["key"].rpartition("#")[2]) for r in recs])
ok = np.array([r["status"] == "ok" for r in recs])
alpha = np.array([r["values"][r["names"].index("pl.alpha")] for r in recs])
err = np.array([r["errors"][r["names"].index("pl.alpha")] for r in recs])
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.errorbar(row[ok], alpha[ok], err[ok], fmt="o", ms=3)
ax.set_xlabel("CSPEC row")
ax.set_ylabel("power-law index of the counts")
