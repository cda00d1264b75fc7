"""Independent -2 ln(likelihood ratio) values from scipy.stats (slow, per channel)."""

import numpy as np
from scipy import optimize, stats


def _fin(x):
    return x if np.isfinite(x) else 1e300


def profile_min(nll, upper):
    """Minimise a convex nll(g) over g in [0, upper] (Brent, bounded)."""
    r = optimize.minimize_scalar(
        lambda g: _fin(nll(g)), bounds=(0.0, upper), method="bounded",
        options={"xatol": 1e-12 * max(upper, 1.0), "maxiter": 2000},
    )
    return min(r.fun, _fin(nll(0.0)))


def ref_cash(S, m):
    return -2 * (stats.poisson.logpmf(S, m) - stats.poisson.logpmf(S, S))


def ref_pstat(S, B, m, alpha):
    return ref_cash(S, m + alpha * B)


def ref_wstat(S, B, m, alpha):
    sat = stats.poisson.logpmf(S, S) + stats.poisson.logpmf(B, B)

    def nll(g):
        return -(stats.poisson.logpmf(S, m + g) + stats.poisson.logpmf(B, g / alpha))

    upper = 4 * (S + alpha * B) + 10
    return 2 * (profile_min(nll, upper) + sat)


def ref_pgstat(S, B, sB, m, alpha):
    sat = stats.poisson.logpmf(S, S) + stats.norm.logpdf(B, B, sB)

    def nll(g):
        return -(stats.poisson.logpmf(S, m + g) + stats.norm.logpdf(B, g / alpha, sB))

    upper = 4 * (S + alpha * abs(B) + (alpha * sB) ** 2) + 10
    return 2 * (profile_min(nll, upper) + sat)
