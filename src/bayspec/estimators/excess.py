"""`ExcessEstimator`: backward-folded excess counts, significance and flux per energy bin.

Per energy bin the noticed groups of every unit whose centre lies in the bin are summed:
``n_on`` source-region counts, background ``b = Σ α_i n_off,i`` (``α = t_s / t_b`` of each
group), ``excess = n_on − b``. The significance is Li & Ma (1983, ApJ 272, 317) eq. 17 for
Poisson (on/off) backgrounds and the Poisson–Gaussian profile likelihood (Vianello 2018,
ApJS 236, 17) for Gaussian backgrounds (``pgstat`` units), both from
`bayspec.stat.significance`. The flux follows from the ratio of the excess to the counts
``npred_ref`` the reference model predicts in the same groups: ``norm = excess /
npred_ref``; norm errors and the upper limit come from the profile of the summed on/off
statistic (``wstat`` or ``pgstat`` on the aggregated counts, Δstat = n_sigma², n_sigma_ul²).

References
----------
Li, T.-P. & Ma, Y.-Q. 1983, ApJ 272, 317. Gamma Astro Data Format, "Flux points".
"""

from __future__ import annotations

import numpy as np

from ..infer import Likelihood
from ..stat import get_statistic
from ..stat.significance import li_ma, poisson_gaussian
from ._profile import profile_norm
from .base import Estimator
from .flux_points import FluxPoints

__all__ = ["ExcessEstimator"]


class ExcessEstimator(Estimator):
    """Excess counts, significance and flux by backward folding.

    Parameters
    ----------
    energy_edges, n_sigma, n_sigma_ul, ts_threshold_ul
        See `Estimator`.
    selection_optional : tuple of str
        ``"ul"`` for upper limits (default); ``"scan"`` adds the statistic scan over
        ``norm_scan``.
    norm_scan : array, optional
        Norm values of the scan (default ``geomspace(0.2, 5, 21)``).
    """

    tag = "ExcessEstimator"
    default_selection = ("ul",)

    def __init__(self, energy_edges, n_sigma=1.0, n_sigma_ul=2.0, ts_threshold_ul=4.0,
                 selection_optional=("ul",), norm_scan=None):
        super().__init__(energy_edges, n_sigma=n_sigma, n_sigma_ul=n_sigma_ul,
                         selection_optional=selection_optional, ts_threshold_ul=ts_threshold_ul)
        self.norm_scan = np.geomspace(0.2, 5.0, 21) if norm_scan is None else np.asarray(norm_scan, float)

    def run(self, datasets):
        """Estimate per energy bin.

        Parameters
        ----------
        datasets : list of (Data or DataUnit, Model), one pair, or Infer-like; models at
            their reference values.

        Returns
        -------
        FluxPoints
            Likelihood SED plus ``excess, excess_err, background, n_off, alpha,
            npred_ref`` columns; ``sqrt_ts`` is the signed significance.
        """
        return super().run(datasets)

    def _run(self, pairs):
        lik = Likelihood(pairs)
        pred = lik.predicted_counts()
        nb = self.edges_kev.size - 1
        masks = self.bin_masks(lik.units)
        agg = {k: np.zeros(nb) for k in ("on", "b", "off", "var_b", "npred")}
        gauss = np.zeros(nb, bool)
        has_bkg = np.zeros(nb, bool)
        for unit in lik.units:
            S = np.asarray(unit.src_counts, float)
            p = np.asarray(pred[unit.name][0], float)
            B = unit.bkg_counts
            alpha = np.asarray(unit.alpha, float) * np.ones_like(S) if B is not None else None
            for b in range(nb):
                m = masks[b].get(unit.name)
                if m is None:
                    continue
                agg["on"][b] += S[m].sum()
                agg["npred"][b] += p[m].sum()
                if B is not None:
                    has_bkg[b] = True
                    Bm = np.asarray(B, float)[m]
                    agg["b"][b] += (alpha[m] * Bm).sum()
                    agg["off"][b] += Bm.sum()
                    eb = unit.bkg_errors
                    eb = np.sqrt(Bm) if eb is None else np.asarray(eb, float)[m]
                    agg["var_b"][b] += (alpha[m] ** 2 * eb ** 2).sum()
                    if unit.stat in ("pgstat", "chi2", "chi2_datavar", "chi2_modelvar", "chi2_gehrels"):
                        gauss[b] = True
        rows, extra = [], []
        for b in range(nb):
            n_on, bk, n_off, npr = agg["on"][b], agg["b"][b], agg["off"][b], agg["npred"][b]
            if npr <= 0:
                rows.append({"counts": n_on, "norm_scan": self.norm_scan,
                             "stat_scan": np.full(self.norm_scan.size, np.nan)})
                extra.append((np.nan, np.nan, bk, n_off, np.nan, npr))
                continue
            a_eff = bk / n_off if n_off > 0 else np.nan
            if not has_bkg[b]:
                stat, S, B = get_statistic("cstat"), np.array([n_on]), None
                args = (1.0, 1.0, None, None)
                signif = np.nan
            elif gauss[b]:
                stat, S, B = get_statistic("pgstat"), np.array([n_on]), np.array([bk])
                args = (1.0, 1.0, None, np.array([np.sqrt(agg["var_b"][b])]))
                signif = float(poisson_gaussian(n_on, bk, np.sqrt(agg["var_b"][b])))
            else:
                stat, S, B = get_statistic("wstat"), np.array([n_on]), np.array([n_off])
                args = (1.0, 1.0 / a_eff, None, None)
                signif = float(li_ma(n_on, n_off, a_eff))

            def fun(norms, stat=stat, S=S, B=B, args=args, npr=npr):
                m = np.asarray(norms, float).reshape(-1, 1) * npr
                return stat(S, B, m, *args).sum(axis=1)

            scan = self.norm_scan if "scan" in self.selection_optional else None
            r = profile_norm(fun, self.n_sigma, self.n_sigma_ul, scan=scan,
                             ul="ul" in self.selection_optional)
            r["sqrt_ts"] = signif if np.isfinite(signif) else r["sqrt_ts"]
            r["npred"] = r["norm"] * npr
            r["counts"] = n_on
            rows.append(r)
            exc = n_on - bk
            err = np.sqrt(n_on + agg["var_b"][b]) if has_bkg[b] else np.sqrt(n_on)
            extra.append((exc, err, bk, n_off, a_eff, npr))
        e = self.energy_edges
        fp = FluxPoints.from_estimates(rows, e[:-1], e[1:], pairs[0][1],
                                       ts_threshold_ul=self.ts_threshold_ul, meta=self.meta())
        ex = np.array(extra, dtype=float).reshape(-1, 6)
        for j, c in enumerate(("excess", "excess_err", "background", "n_off", "alpha", "npred_ref")):
            fp.table[c] = ex[:, j]
        return fp
