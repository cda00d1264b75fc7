"""The posterior predictive check plot (bayspec.plot.ppc) on the demo's real GBM data."""

import numpy as np
from test_goodness import demo_infer

from bayspec.infer import Posterior
from bayspec.plot.ppc import plot_ppc


def test_plot_ppc_draws_bands_points_and_tails(tmp_path):
    infer = demo_infer()
    lik, res = infer.likelihood, infer.result
    names = lik.free_names
    draws = np.random.default_rng(1).multivariate_normal(
        [res.values[n] for n in names], res.covariance, size=200)
    post = Posterior(names, draws)
    ax, ax_tail = plot_ppc(infer, post, nsim=100, seed=3)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:3] == ["n6", "n9", "b1"] and "posterior predictive" in labels[-1]
    assert len(ax.collections) == 3 * 2  # two bands per unit
    tails = np.concatenate([ln.get_ydata() for ln in ax_tail.lines if len(ln.get_ydata()) > 2])
    assert tails.size == lik.npoints and np.all((tails >= 0) & (tails <= 1))
    ax.figure.savefig(tmp_path / "ppc.png")
    # without a posterior: the sampling distribution at the best fit
    ax2, _ = plot_ppc(infer, nsim=50, seed=1)
    assert "best-fit predictive" in ax2.get_legend().get_texts()[-1].get_text()
