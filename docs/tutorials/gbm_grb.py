# Fermi/GBM: a GRB with NaI and BGO
# =================================
#
# GRB 090217A as seen by the Fermi Gamma-ray Burst Monitor: two NaI detectors (n6, n9;
# 8-900 keV) and one BGO detector (b1; 0.25-38 MeV), background spectra and responses
# bundled with bayspec (`bayspec.examples.grb090217a`). We fit a cutoff power law jointly with
# the PG-statistic (Poisson source counts, Gaussian background), sample the posterior with
# emcee, and compute fluxes.

# %%
from bayspec import plot
from bayspec.data import Data, DataUnit
from bayspec.examples import grb090217a
from bayspec.infer import Infer
from bayspec.model import parse_model

units = []
for det, notc in [("n6", [8, 900]), ("n9", [8, 900]), ("b1", [250, 38000])]:
    f = grb090217a(det)  # {"src": ..., "bkg": ..., "rsp": ...}
    units.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=notc, stat="pgstat", name=det))
data = Data(units)
model = parse_model("cpl")
data["b1"].par["sf"].thaw()  # a free effective-area factor of the BGO relative to the NaIs
print(model)

# %%
# Maximum likelihood
# ------------------
#
# `bayspec.infer.Infer.fit` runs iminuit (MIGRAD then HESSE) from the best of many prior
# draws; the table gives the values with their 1-sigma errors, the statistic and the degrees
# of freedom.

# %%
infer = Infer([(data, model)])
res = infer.fit()
print(res.table())

# %%
plot.plot_fit(data)

# %%
# Posterior
# ---------
#
# A short emcee run (the demo runs 4000 steps); the summary gives medians and 68% intervals.

# %%
post = infer.sample("emcee", nsteps=400, burn=150, seed=1)
post.summary().pprint(max_width=200)

# %%
post.corner()

# %%
# Fluxes
# ------
#
# The 10-1000 keV energy flux (erg cm⁻² s⁻¹) with its posterior interval, and the νFν
# spectrum with the posterior band.

# %%
print(infer.flux(10, 1000, kind="energy", posterior=post))

# %%
plot.plot_spectrum(data, sed="nufnu", infer=infer, posterior=post)
