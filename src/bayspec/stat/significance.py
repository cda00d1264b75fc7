"""Detection significances of on/off counts (vectorised)."""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

__all__ = ["li_ma", "poisson_gaussian"]


def li_ma(n_on, n_off, alpha):
    r"""Li & Ma (1983, ApJ 272, 317) eq. 17 significance, signed.

    .. math::

        S = \sqrt{2}\,\Bigl\{N_{on}\ln\Bigl[\frac{1+\alpha}{\alpha}
            \frac{N_{on}}{N_{on}+N_{off}}\Bigr]
          + N_{off}\ln\Bigl[(1+\alpha)\frac{N_{off}}{N_{on}+N_{off}}\Bigr]\Bigr\}^{1/2}

    with the sign of ``N_on - alpha N_off`` and ``0 ln 0 = 0``. ``alpha`` is the on/off
    exposure ratio (``ts / tb`` of :mod:`bayspec.stat`). ``S**2`` equals
    :func:`bayspec.stat.wstat` at ``m = 0`` whenever ``N_on >= alpha N_off``.

    Parameters
    ----------
    n_on, n_off : array_like
        On and off counts (>= 0).
    alpha : array_like
        Exposure ratio (> 0).

    Returns
    -------
    ndarray
        Broadcast shape of the inputs; 0 where ``n_on = n_off = 0``.
    """
    n_on = np.asarray(n_on, dtype=np.float64)
    n_off = np.asarray(n_off, dtype=np.float64)
    alpha = np.asarray(alpha, dtype=np.float64)
    tot = n_on + n_off
    safe = np.where(tot > 0, tot, 1.0)
    a1 = 1.0 + alpha
    t = xlogy(n_on, a1 / alpha * n_on / safe) + xlogy(n_off, a1 * n_off / safe)
    return np.sign(n_on - alpha * n_off) * np.sqrt(2.0 * np.maximum(t, 0.0))


def poisson_gaussian(n, b, sigma):
    r"""Significance of ``n`` Poisson counts over a Gaussian background ``b +- sigma``.

    Profile-likelihood ratio of Vianello (2018, ApJS 236, 17) for a Poisson observation
    with a background known with a Gaussian uncertainty (his "S_PG"; ``b`` and ``sigma``
    already scaled to the on region):

    .. math::

        S = \sqrt{2}\,\Bigl[n\ln\frac{n}{B_0} + \frac{(b - B_0)^2}{2\sigma^2}
            - n + B_0\Bigr]^{1/2},\qquad
        B_0 = \tfrac12\Bigl(b - \sigma^2 + \sqrt{b^2 - 2b\sigma^2 + 4n\sigma^2
            + \sigma^4}\Bigr),

    where ``B_0`` is the background maximising the likelihood under the null hypothesis
    (no source), signed with ``n - b``. ``S**2`` equals :func:`bayspec.stat.pgstat` at
    ``m = 0`` (``ts = tb``) whenever ``n >= b``. ``sigma = 0`` gives the known-background
    (Poisson) limit ``B_0 = b``.

    Parameters
    ----------
    n : array_like
        Observed counts (>= 0).
    b : array_like
        Expected background counts in the on region.
    sigma : array_like
        1-sigma error of ``b`` (>= 0).

    Returns
    -------
    ndarray
    """
    n = np.asarray(n, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    s2 = np.asarray(sigma, dtype=np.float64) ** 2
    p = s2 - b
    disc = np.sqrt(p * p + 4.0 * n * s2)
    # larger root of B^2 + p B - n s2 = 0, without cancellation
    with np.errstate(divide="ignore", invalid="ignore"):
        b0 = np.where(p <= 0, 0.5 * (disc - p), 2.0 * n * s2 / (disc + p))
    b0 = np.where(s2 > 0, b0, np.maximum(b, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        gauss = np.where(s2 > 0, (b - b0) ** 2 / (2.0 * np.where(s2 > 0, s2, 1.0)), 0.0)
        t = xlogy(n, n / np.where(b0 > 0, b0, 1.0)) - n + b0 + gauss
        t = np.where((b0 <= 0) & (n > 0), np.inf, t)
    return np.sign(n - b) * np.sqrt(2.0 * np.maximum(t, 0.0))
