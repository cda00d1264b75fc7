# An IACT on/off analysis: the Crab Nebula with H.E.S.S.
# ======================================================
#
# Four H.E.S.S. observations of the Crab Nebula from the H.E.S.S. first public test data
# release, reduced by gammapy to OGIP "on/off" spectra: counts in the on region, counts in
# the off regions (the background spectrum, with the on/off exposure ratio in ``BACKSCAL``),
# and the energy dispersion and effective area of each run. Energies are in keV throughout
# bayspec: 1 TeV = 10⁹ keV.
#
# We fit a power law to the four runs jointly with W-stat (the Poisson on/off likelihood with
# the background profiled; Cash 1979, Wachter et al. 1979), then compute flux points: in each
# energy bin the model's normalisation is refitted with its shape frozen (as gammapy's
# ``FluxPointsEstimator`` does), giving a flux with errors, or an upper limit when the bin
# has no significant signal.
#
# The files live in ``../shared/data/hess_crab`` next to the repository (not bundled).
#
# needs: ../shared/data/hess_crab

# %%
from pathlib import Path

import numpy as np

from bayspec.data import Data, DataUnit
from bayspec.estimators import FluxPointsEstimator
from bayspec.infer import Infer
from bayspec.model import pl
from bayspec.parameter import LogUniform

TEV = 1e9  # keV
d = Path("../shared/data/hess_crab")
runs = [23523, 23526, 23559, 23592]
# BACKFILE, RESPFILE and ANCRFILE in the headers name the off counts, RMF and ARF
data = Data([DataUnit(str(d / f"pha_obs{r}.fits"), stat="wstat", name=f"run{r}") for r in runs])
model = pl()
model.settings["E0"] = 1 * TEV  # pivot energy: K is dN/dE at 1 TeV
model["K"].prior = LogUniform(1e-30, 1e10)
model["K"].value = 5e-20  # photons cm⁻² s⁻¹ keV⁻¹
model["alpha"].value = -2.5
infer = Infer([(data, model)])
res = infer.fit()
print(res.table())
print(f"K at 1 TeV = {res.values['K'] * TEV:.3e} ± {res.errors['K'] * TEV:.1e} cm⁻² s⁻¹ TeV⁻¹")

# %%
# Flux points in six logarithmic bins from 0.7 to 30 TeV:

# %%
edges = np.geomspace(0.7, 30, 7) * TEV
fp = FluxPointsEstimator(energy_edges=edges).run([(data, model)])
t = fp.to_table("e2dnde", energy_unit="TeV")
cols = [c for c in ("e_ref", "e2dnde", "e2dnde_err", "e2dnde_ul", "sqrt_ts", "is_ul") if c in t.colnames]
for c in cols[:-1]:
    t[c].info.format = ".3g"
t[cols].pprint(max_width=200)

# %%
ax = fp.plot(sed_type="e2dnde", energy_unit="TeV")
