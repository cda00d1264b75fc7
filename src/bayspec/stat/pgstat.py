"""PG-stat: Poisson source counts, Gaussian background profiled."""

from __future__ import annotations

import numpy as np

from ._common import LOG_FLOOR, _blocked, _channels, _efficiency_ratio, _model, _xlogx

__all__ = ["pgstat", "prepare_pgstat"]


def prepare_pgstat(S, B, ts=1.0, tb=1.0, sS=None, sB=None):
    """Precompute the data terms of :func:`pgstat`; return ``f(m, out=None) -> (n, k)``.

    Raises
    ------
    StatisticError
        If ``B`` or ``sB`` is missing, or ``sB < 0``.
    """
    from ..errors import StatisticError

    S = _channels(S, "S", nonneg=True)
    B = _channels(B, "B")
    sB = _channels(sB, "sB")
    if np.any(sB < 0):
        raise StatisticError("background errors must be >= 0", key="sB")
    alpha = _efficiency_ratio(ts, tb)
    S, B, sB, alpha = np.broadcast_arrays(S, B, sB, alpha)
    v = (alpha * sB) ** 2  # variance of the background scaled to the source region
    ab = alpha * B  # measured background scaled to the source region
    p = v - ab
    p2 = 2.0 * p
    vs2 = 2.0 * v * S
    vs4 = 2.0 * vs2
    with np.errstate(divide="ignore"):
        w = np.where(v > 0, 1.0 / np.where(v > 0, v, 1.0), 0.0)
    m2S = -2.0 * S
    const = 2.0 * (_xlogx(S) - S)

    def pgstat_prepared(m, out=None):
        m = _model(m)
        # g^2 + (m + p) g + (m p - v S) = 0, discriminant (m - p)^2 + 4 v S
        b = np.add(m, p)
        d = np.subtract(m, p)
        d *= d
        d += vs4
        np.sqrt(d, out=d)
        pos = b > 0
        np.abs(b, out=b)
        b += d  # t = sqrt(disc) + |b|
        g = np.multiply(b, 0.5, out=d)  # b <= 0: larger root = t / 2
        tmp = np.multiply(m, p2)
        np.subtract(vs2, tmp, out=tmp)
        np.divide(tmp, b, out=g, where=pos)  # b > 0: 2 (v S - m p) / t
        np.maximum(g, 0.0, out=g)  # background constrained to >= 0
        # -2 S ln(m + g)
        np.add(m, g, out=b)
        np.maximum(b, LOG_FLOOR, out=b)
        np.log(b, out=b)
        b *= m2S
        # (alpha B - g)^2 / v
        np.subtract(ab, g, out=tmp)
        tmp *= tmp
        tmp *= w
        out = np.add(g, g, out=out)
        out += b
        out += tmp
        out += m
        out += m
        out += const
        return np.maximum(out, 0.0, out=out)

    return _blocked(pgstat_prepared, np.size(S))


def pgstat(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    r"""Poisson source, Gaussian background profiled (XSPEC ``pgstat``), per channel.

    ``S ~ Poisson(m + g)`` and the measured background ``B ~ Normal(g / alpha, sB)``
    with ``alpha = ts / tb`` and ``g`` the background counts expected in the source
    region. With ``v = (alpha sB)^2`` and ``p = v - alpha B`` the likelihood is maximised
    over ``g >= 0`` (XSPEC manual, Appendix B, "Poisson data with Gaussian background";
    in its notation ``g = t_s f_i``, ``m = t_s m_i``):

    .. math::

        PG_i = 2\Bigl[m_i + g_i - S_i\ln(m_i + g_i) + \frac{(\alpha_i B_i - g_i)^2}{2 v_i}
               - S_i(1 - \ln S_i)\Bigr],

        g_i = \max\Bigl(0,\ \tfrac12\bigl[-(m_i + p_i)
              + \sqrt{(m_i - p_i)^2 + 4 v_i S_i}\bigr]\Bigr)

    (the factor ``1 / (2 v)`` times 2 gives the ``/ v`` in the code). Special cases, as in
    the manual:

    * ``S_i = 0``: the root is ``g = alpha B - v`` (manual: ``f_i = b_i/t_b -
      sigma_i^2 t_s/t_b^2``), giving ``PG_i = 2[m + alpha B - v/2]`` when it is >= 0;
    * the profiled background negative (weak source bins, including ``S = 0`` with
      ``alpha B < v``): ``g = 0`` and ``PG_i = 2[m - S + S ln(S/m) + (alpha B)^2 / (2v)]``.

    The objective is convex in ``g``, so the clipped root is the constrained maximum
    likelihood. The root is computed without cancellation (``2(vS - m p)/(m + p +
    sqrt(...))`` when ``m + p > 0``). A channel with ``sB = 0`` has a known background:
    ``g = alpha B`` and the Gaussian term is 0 (it reduces to :func:`pstat`).

    Parameters
    ----------
    S : array_like (k,)
        Observed source counts (>= 0).
    B : array_like (k,)
        Background counts (any real; Gaussian).
    m : array_like (n, k)
        Predicted source counts (>= 0).
    ts, tb : float or array_like (k,)
        Source and background efficiencies.
    sS : ignored
    sB : array_like (k,)
        1-sigma background errors in counts (required).

    Returns
    -------
    ndarray (n, k)
        Finite, >= 0 for ``S >= 0``, ``m >= 0``.
    """
    return prepare_pgstat(S, B, ts, tb, sS, sB)(m)
