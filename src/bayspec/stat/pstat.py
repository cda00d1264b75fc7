"""pstat: Poisson source counts, background known exactly."""

from __future__ import annotations

import numpy as np

from ._common import MODEL_FLOOR, _blocked, _channels, _efficiency_ratio, _model, _xlogx

__all__ = ["pstat", "prepare_pstat"]


def prepare_pstat(S, B, ts=1.0, tb=1.0, sS=None, sB=None):
    """Precompute the data terms of :func:`pstat`; return ``f(m, out=None) -> (n, k)``."""
    S = _channels(S, "S", nonneg=True)
    B = _channels(B, "B", nonneg=True)
    alpha = _efficiency_ratio(ts, tb)
    bkg = alpha * B
    m2S = -2.0 * S
    const = 2.0 * (_xlogx(S) - S)

    def pstat_prepared(m, out=None):
        x = np.add(_model(m), bkg)
        out = np.log(np.maximum(x, MODEL_FLOOR), out=out)
        out *= m2S
        out += x
        out += x
        out += const
        return np.maximum(out, 0.0, out=out)

    return _blocked(pstat_prepared, np.size(S))


def pstat(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    r"""Poisson likelihood with a known background (XSPEC ``pstat``), per channel.

    The background rate ``B / tb`` is taken as exact, so the source-region expectation
    is ``x_i = m_i + alpha_i B_i`` with ``alpha = ts / tb`` and (XSPEC manual,
    Appendix B, "pstat"; Cash 1979 saturated form)

    .. math::

        P_i = 2\,\bigl(x_i - S_i + S_i\ln(S_i / x_i)\bigr).

    It is 0 at the saturated point ``m_i = S_i - alpha_i B_i`` (reachable only when
    ``S_i >= alpha_i B_i``). Inside the logarithm ``x`` below ``MODEL_FLOOR`` (1e-25) is
    raised to it, so
    ``m = B = 0`` with ``S > 0`` is large but finite.

    Parameters
    ----------
    S, B : array_like (k,)
        Observed source and background counts (>= 0).
    m : array_like (n, k)
        Predicted source counts (>= 0).
    ts, tb : float or array_like (k,)
        Source and background efficiencies.
    sS, sB : ignored

    Returns
    -------
    ndarray (n, k)
    """
    return prepare_pstat(S, B, ts, tb, sS, sB)(m)
