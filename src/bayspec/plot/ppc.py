"""Posterior predictive check plot: replicated counts per group against the observed ones.

For each unit, the observed source-region counts of every noticed group (background
included, as the statistic sees them) are drawn over the central bands of counts
replicated from the posterior (or from the best fit), both as count rates per keV like
`plot_fit`. The lower panel gives each group's predictive tail probability
``P(y_rep ≥ y_obs)`` (mid-p for ties), which should scatter uniformly between 0 and 1 when
the model describes the data (Gelman, Meng & Stern 1996; Gabry et al. 2019, "Visualization
in Bayesian workflow", J. R. Stat. Soc. A 182, 389).

The numbers come from `bayspec.infer.goodness.predictive_counts`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..infer.goodness import predictive_counts
from ._style import color, finish_legend, label_axes, log_axes
from .dataset import _step

__all__ = ["plot_ppc"]


def plot_ppc(infer, posterior=None, nsim=500, cl=(0.68, 0.95), seed=None, ax_spectrum=None,
             ax_tail=None):
    """Predictive bands of the counts of every unit with the observed counts on top.

    Parameters
    ----------
    infer : Infer
        A fitted analysis.
    posterior : Posterior, optional
        Replicate from its draws (posterior predictive); default ``infer.posterior``, and
        the best fit when there is none.
    nsim : int
        Replicated data sets.
    cl : sequence of float
        Central probabilities of the bands drawn (widest lightest).
    seed : int, optional
    ax_spectrum, ax_tail : Axes, optional
        Both or neither; by default a new figure with two stacked panels.

    Returns
    -------
    ax_spectrum, ax_tail : Axes
    """
    post = posterior if posterior is not None else infer.posterior
    rep = predictive_counts(infer, post, nsim, seed=seed)
    if ax_spectrum is None or ax_tail is None:
        fig, (ax_spectrum, ax_tail) = plt.subplots(
            2, 1, sharex=True, figsize=(7.0, 6.0), height_ratios=(3, 1), layout="constrained")
    levels = sorted(float(c) for c in cl)
    for i, (name, r) in enumerate(rep.items()):
        chbin = r["chbin"]
        scale = 1.0 / (np.broadcast_to(r["efficiency"], chbin[:, 0].shape) * (chbin[:, 1] - chbin[:, 0]))
        y = r["replicated"] * scale
        c = color(i)
        for j, lev in enumerate(reversed(levels)):
            lo, hi = np.percentile(y, [50 * (1 - lev), 50 * (1 + lev)], axis=0)
            x = chbin.ravel()
            ax_spectrum.fill_between(x, np.repeat(lo, 2), np.repeat(hi, 2), color=c,
                                     alpha=0.15 + 0.15 * j, lw=0)
        _step(ax_spectrum, chbin, np.median(y, axis=0), color=c, lw=1.0)
        obs = r["observed"] * scale
        ax_spectrum.plot(chbin.mean(axis=1), obs, "o", ms=2.5, color=c, label=name)
        k = r["replicated"]
        tail = np.mean(k > r["observed"], axis=0) + 0.5 * np.mean(k == r["observed"], axis=0)
        ax_tail.plot(chbin.mean(axis=1), tail, "o", ms=2.5, color=c)
    log_axes(ax_spectrum)
    label_axes(ax_spectrum, None, "ctsspec")
    what = "posterior predictive" if post is not None else "best-fit predictive"
    ax_spectrum.plot([], [], color="0.3", lw=1.0,
                     label=f"{what} median, {', '.join(f'{100 * c:.0f}' for c in levels)} %")
    finish_legend(ax_spectrum)
    ax_tail.axhline(0.5, color="0.5", lw=0.8)
    ax_tail.set_ylim(-0.05, 1.05)
    ax_tail.set_ylabel(r"$P(y_{\rm rep} \geq y)$")
    label_axes(ax_tail, "energy", None)
    return ax_spectrum, ax_tail
