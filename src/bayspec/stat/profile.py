r"""Profiled background estimates at a given source model (XSPEC manual, Appendix B).

These are the background values at which `wstat` and `pgstat` are evaluated; those
statistics compute the same roots inline, in place, on their hot path. This module gives
them to callers that need the background itself (predicted background counts, fake
spectra, plots).

Both return ``g``, the background counts expected in the *source* region that maximise the
likelihood for predicted source counts ``m`` (counts in the source spectrum), per channel.
``alpha = t_s / t_b`` scales background-spectrum counts into the source region.

W-statistic (Poisson source, Poisson background; Wachter, Leach & Kellogg 1979; XSPEC
"W statistic" with ``t_s f_i -> g``):

.. math::

    g = \frac{-C + \sqrt{C^2 + 4\alpha(1+\alpha) B m}}{2(1+\alpha)},\qquad
    C = (1+\alpha) m - \alpha (S + B),

evaluated as ``2 alpha B m / (C + sqrt(D))`` when ``C > 0`` (no cancellation); ``m = 0``
gives ``g = alpha (S + B) / (1 + alpha)`` (the maximum-likelihood background of the pooled
counts).

PG-statistic (Poisson source, Gaussian background with error ``sigma_B``; XSPEC
"Poisson data with Gaussian background"): with ``v = (alpha sigma_B)^2`` and
``p = v - alpha B``,

.. math::

    g = \max\Bigl(0,\ \tfrac12\bigl[-(m + p) + \sqrt{(m - p)^2 + 4 v S}\bigr]\Bigr),

and ``g = alpha B`` where ``sigma_B = 0`` (known background).
"""

from __future__ import annotations

import numpy as np

__all__ = ["wstat_background", "pgstat_background"]


def wstat_background(S, B, m, alpha):
    """Profiled background counts in the source region for the W-statistic.

    Parameters
    ----------
    S, B : array_like (k,)
        Observed source and background counts.
    m : array_like (..., k)
        Predicted source counts.
    alpha : float or array_like (k,)
        ``t_s / t_b``.

    Returns
    -------
    ndarray, shape of ``m`` broadcast with the inputs (counts, >= 0).
    """
    S, B, m, a = (np.asarray(x, dtype=np.float64) for x in (S, B, m, alpha))
    a1 = 1.0 + a
    C = a1 * m - a * (S + B)
    sq = np.sqrt(C * C + 4.0 * a * a1 * B * m)
    with np.errstate(divide="ignore", invalid="ignore"):
        big = 2.0 * a * B * m / (C + sq)
    g = np.where(C > 0, big, (sq - C) / (2.0 * a1))
    return np.maximum(np.nan_to_num(g, nan=0.0), 0.0)


def pgstat_background(S, B, sB, m, alpha):
    """Profiled background counts in the source region for the PG-statistic.

    Parameters
    ----------
    S : array_like (k,)
        Observed source counts.
    B, sB : array_like (k,)
        Background counts and their 1-sigma errors (background-spectrum counts).
    m : array_like (..., k)
        Predicted source counts.
    alpha : float or array_like (k,)

    Returns
    -------
    ndarray (counts, >= 0).
    """
    S, B, sB, m, a = (np.asarray(x, dtype=np.float64) for x in (S, B, sB, m, alpha))
    v = (a * sB) ** 2
    p = v - a * B
    b = m + p
    sq = np.sqrt((m - p) ** 2 + 4.0 * v * S)
    with np.errstate(divide="ignore", invalid="ignore"):
        stable = 2.0 * (v * S - m * p) / (b + sq)
    g = np.where(b > 0, stable, 0.5 * (sq - b))
    g = np.where(v > 0, g, a * B)
    return np.maximum(np.nan_to_num(g, nan=0.0), 0.0)
