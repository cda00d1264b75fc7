"""W-statistic: Poisson source and Poisson background, background profiled."""

from __future__ import annotations

import numpy as np

from ._common import LOG_FLOOR, _blocked, _channels, _efficiency_ratio, _model, _xlogx

__all__ = ["wstat", "prepare_wstat"]


def prepare_wstat(S, B, ts=1.0, tb=1.0, sS=None, sB=None):
    """Precompute the data terms of :func:`wstat`; return ``f(m, out=None) -> (n, k)``."""
    S = _channels(S, "S", nonneg=True)
    B = _channels(B, "B", nonneg=True)
    alpha = _efficiency_ratio(ts, tb)
    S, B, alpha = np.broadcast_arrays(S, B, alpha)
    a1 = 1.0 + alpha
    a_sb = alpha * (S + B)
    q = 4.0 * alpha * a1 * B
    h = 2.0 * alpha * B
    inv2a1 = 0.5 / a1
    kg = 2.0 * (1.0 + 1.0 / alpha)
    m2S = -2.0 * S
    m2B = -2.0 * B
    # 2 * (B ln(alpha) + S ln S - S + B ln B - B), with 0 ln 0 = 0
    const = 2.0 * (B * np.log(alpha) + _xlogx(S) - S + _xlogx(B) - B)

    def wstat_prepared(m, out=None):
        m = _model(m)
        # quadratic for the profiled background g (counts in the source region):
        # (1+a) g^2 + C g - a B m = 0,  C = (1+a) m - a (S+B)
        c = a1 * m
        c -= a_sb
        d = c * c
        tmp = q * m
        d += tmp
        np.sqrt(d, out=d)
        pos = c > 0
        np.abs(c, out=c)
        d += c  # t = sqrt(D) + |C|
        # C <= 0: g = (sqrt(D) - C) / (2(1+a)) = t / (2(1+a))
        # C > 0:  g = 2 a B m / (sqrt(D) + C)  (same root, no cancellation)
        g = np.multiply(d, inv2a1, out=c)
        np.multiply(m, h, out=tmp)
        np.divide(tmp, d, out=g, where=pos)
        # -2 S ln(m + g)
        np.add(m, g, out=d)
        np.maximum(d, LOG_FLOOR, out=d)
        np.log(d, out=d)
        d *= m2S
        # -2 B ln(g)
        np.maximum(g, LOG_FLOOR, out=tmp)
        np.log(tmp, out=tmp)
        tmp *= m2B
        out = np.multiply(g, kg, out=out)
        out += d
        out += tmp
        out += m
        out += m
        out += const
        return np.maximum(out, 0.0, out=out)

    return _blocked(wstat_prepared, np.size(S))


def wstat(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    r"""W-statistic (Poisson source, Poisson background profiled), per channel.

    The source spectrum has ``S ~ Poisson(m + g)`` and the background spectrum
    ``B ~ Poisson(g / alpha)`` with ``alpha = ts / tb`` (per channel, so the BACKSCAL,
    AREASCAL and EXPOSURE ratio of each channel is honoured) and ``g`` the background
    counts expected in the source region, a nuisance parameter per channel. Profiling
    ``g`` (Wachter, Leach & Kellogg 1979, ApJ 230, 274; XSPEC manual Appendix B,
    "W statistic") gives

    .. math::

        W_i = 2\Bigl[m_i + (1 + 1/\alpha_i)\,g_i - S_i\ln(m_i + g_i) - B_i\ln(g_i/\alpha_i)
              - S_i(1 - \ln S_i) - B_i(1 - \ln B_i)\Bigr],

        g_i = \frac{-C_i + \sqrt{C_i^2 + 4\alpha_i(1+\alpha_i)B_i m_i}}{2(1+\alpha_i)},
        \quad C_i = (1+\alpha_i)\,m_i - \alpha_i(S_i + B_i).

    This is the manual's formula with ``t_s m_i -> m`` and ``t_s f_i -> g``. The special
    cases of the manual are limits of the same expression, and are what this code
    returns (with ``0 ln 0 = 0``):

    * ``S_i = 0``: ``g = alpha B / (1+alpha)``, ``W_i = 2 [m + B ln(1 + alpha)]``
      (manual: ``t_s m_i - B_i ln(t_b / (t_s + t_b))``);
    * ``B_i = 0``: ``g = max(alpha S/(1+alpha) - m, 0)``; if ``m < alpha S/(1+alpha)``,
      ``W_i = 2 [-m/alpha - S ln(alpha/(1+alpha))]``, else ``2 [m - S + S ln(S/m)]``.

    The root is evaluated as ``2 alpha B m / (C + sqrt(D))`` when ``C > 0`` (the two forms
    are algebraically equal), so it never comes out negative or zero by cancellation
    (the "negative root" that a naive ``-C + sqrt(D)`` can produce when the model is much
    larger than the data). The result is finite for any ``S, B >= 0`` and ``m >= 0``
    (including ``m = 0``) and clipped at 0 against rounding.

    Parameters
    ----------
    S, B : array_like (k,)
        Observed source and background counts (>= 0).
    m : array_like (n, k)
        Predicted source counts in the source spectrum (>= 0).
    ts, tb : float or array_like (k,)
        Source and background efficiencies (exposure x areascal x backscal).
    sS, sB : ignored

    Returns
    -------
    ndarray (n, k)
    """
    return prepare_wstat(S, B, ts, tb, sS, sB)(m)
