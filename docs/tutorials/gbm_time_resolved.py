# Time-resolved spectroscopy and light curves: GRB 080916C
# ========================================================
#
# GBM CSPEC data are spectra in 128 channels every 1.024 s (finer during the burst): a
# PHA-II file with one row per time bin, and an RSP2 file with a response matrix every few
# tens of seconds as the spacecraft slews. bayspec reads them as a
# `bayspec.estimators.SpectrumSeries` (bundled: NaI n3 of GRB 080916C). The background of any
# interval is taken from the pre-burst rows (-300 to -10 s); the response of an interval is
# the exposure-weighted mean of the matrices it overlaps.

# %%
from bayspec.estimators import LightCurveEstimator, SpectrumSeries, fit_time_resolved
from bayspec.examples import bundled_path
from bayspec.infer import Likelihood, fit_mle
from bayspec.model import cpl

d = "gbm_bn080916009"
series = SpectrumSeries(str(bundled_path(d, "glg_cspec_n3_bn080916009_v01.pha")),
                        rsp=str(bundled_path(d, "glg_cspec_n3_bn080916009_v00.rsp2")),
                        bkg_interval=(-300, -10), notc=[8, 900], name="n3")
print(f"{series.nrow} spectra, {len(series.matrices)} response matrices")

# %%
# Time-resolved fits
# ------------------
#
# A cutoff power law in each interval (s since the trigger); each row of the table has the
# interval, the fitted values with errors and the statistic. The peak energy ``Ep`` and the
# low-energy index ``alpha`` evolve through the burst (Abdo et al. 2009, Science 323, 1688).

# %%
tr = fit_time_resolved(series, [0, 5, 10, 20, 40, 60], model="cpl")
cols = [c for c in tr.table.colnames if c in ("t_min", "t_max", "cpl.Ep", "cpl.Ep_err",
                                                "cpl.alpha", "cpl.alpha_err", "stat", "dof")]
for c in cols:
    tr.table[c].info.format = ".4g"
tr.table[cols].pprint(max_width=200)

# %%
tr.plot(param="cpl.Ep")

# %%
# Light curves
# ------------
#
# A light curve is a set of flux points in time: a reference model (here the CPL fitted over
# 0-60 s) is refitted in normalisation in each time interval and energy band. With
# ``time_intervals="blocks"`` the intervals are Bayesian blocks of the counts (Scargle et al.
# 2013, ApJ 764, 167).

# %%
ref = cpl()
fit_mle(Likelihood([(series.unit(0.0, 60.0), ref)]))
lce = LightCurveEstimator([8.0, 900.0], time_intervals="blocks", blocks_range=(-10.0, 100.0))
lc = lce.run(series, ref)
print(f"{len(lc)} Bayesian blocks between -10 and 100 s")
lc.plot_lightcurve(sed_type="flux")
