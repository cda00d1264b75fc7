"""Bayesian upper limit on source counts (Kraft, Burrows & Nousek 1991, ApJ 374, 344).

With ``N`` observed counts and a known expected background ``B``, the posterior of the
source intensity ``s >= 0`` under a flat prior is (KBN91, eq. 8)

    f(s | N, B) = C (s + B)^N exp(-(s + B)) / N!,   1/C = Q(N + 1, B),

where ``P`` and ``Q = 1 - P`` are the regularised lower and upper incomplete gamma
functions. Integrating from 0 to ``s_u``,

    ∫_0^{s_u} f ds = [P(N + 1, s_u + B) - P(N + 1, B)] / Q(N + 1, B) = cl,

so ``s_u = P^{-1}(N + 1, P(N + 1, B) + cl * Q(N + 1, B)) - B``, evaluated with
``scipy.special.gammaincinv``. This is the one-sided limit (``S_min = 0``); it equals the
upper end of KBN's tabulated interval whenever their lower end is 0 (e.g. ``N = 0``:
2.30 at 90 %, for any ``B``). Non-integer ``N`` (e.g. summed rates) is allowed.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammainc, gammaincc, gammaincinv

from ..errors import DataFormatError

__all__ = ["kbn_upper_limit"]


def kbn_upper_limit(n, b, cl=0.9):
    """Upper limit on the source counts at confidence ``cl`` (KBN 1991).

    Parameters
    ----------
    n : float or array
        Observed total counts in the source region (>= 0).
    b : float or array
        Expected background counts in the source region (>= 0).
    cl : float
        Confidence level in (0, 1).

    Returns
    -------
    float or ndarray
        Upper limit on the source counts (counts).
    """
    if not 0.0 < float(cl) < 1.0:
        raise DataFormatError(f"confidence level must be in (0, 1), got {cl!r}", key="cl")
    n = np.asarray(n, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if np.any(n < 0) or np.any(b < 0) or np.any(~np.isfinite(n)) or np.any(~np.isfinite(b)):
        raise DataFormatError("counts and background must be finite and >= 0", key="cl")
    a = n + 1.0
    p_b = gammainc(a, b)
    target = p_b + cl * gammaincc(a, b)
    # guard against the target rounding to 1 for very large backgrounds
    target = np.minimum(target, np.nextafter(1.0, 0.0))
    su = gammaincinv(a, target) - b
    su = np.maximum(su, 0.0)
    return float(su) if su.ndim == 0 else su
