# An X-ray spectrum: 3C 273 with Chandra
# ======================================
#
# The quasar 3C 273 observed with Chandra ACIS: a source spectrum, a background spectrum
# from a larger region (``BACKSCAL`` gives the area ratio), a redistribution matrix and an
# ancillary response. We fit an absorbed power law, ``tbabs * pl`` (Tübingen-Boulder ISM
# absorption, Wilms, Allen & McCray 2000), with W-stat: Poisson source and background counts,
# the background of each channel profiled out (Wachter, Leach & Kellogg 1979; XSPEC manual,
# Appendix B).
#
# The files come from the sherpa test data and live in ``../shared/data/chandra_3c273``
# next to the repository; they are not bundled with bayspec.
#
# needs: ../shared/data/chandra_3c273

# %%
from pathlib import Path

from bayspec import plot
from bayspec.data import DataUnit
from bayspec.infer import Infer
from bayspec.model import parse_model

d = Path("../shared/data/chandra_3c273")
unit = DataUnit(src=str(d / "3c273.pi"), bkg=str(d / "3c273_bg.pi"), rmf=str(d / "3c273.rmf"),
                arf=str(d / "3c273.arf"), notc=[0.5, 7.0], stat="wstat", name="acis")
model = parse_model("tbabs * pl")
model["pl.K"].value = 1e-4  # photons cm⁻² s⁻¹ keV⁻¹ at the pivot
model["pl.alpha"].value = -1.8
model["tbabs.nH"].value = 0.05  # 10²² cm⁻²
infer = Infer([(unit, model)])
res = infer.fit()
print(res.table())
print(f"W-stat = {res.stat:.1f} for {res.dof} degrees of freedom")

# %%
# 3C 273 lies behind a small Galactic column (about 0.02 × 10²² cm⁻²), so the fitted
# ``tbabs.nH`` is small and its error large; the photon index, about 2, is that of the quasar's X-ray continuum.
# The folded model on the counts, and the residuals:

# %%
plot.plot_fit(unit)

# %%
# Fluxes with errors from the covariance (drawn from the Gaussian approximation), 0.5-7 keV,
# absorbed:

# %%
print(infer.flux(0.5, 7.0, kind="energy"))
print(infer.flux(0.5, 7.0, kind="photon"))
