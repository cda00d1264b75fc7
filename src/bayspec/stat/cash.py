"""Cash statistic with the saturated term (XSPEC ``cstat`` without background)."""

from __future__ import annotations

import numpy as np

from ._common import MODEL_FLOOR, _blocked, _channels, _model, _xlogx

__all__ = ["cstat", "prepare_cstat"]


def prepare_cstat(S, B=None, ts=1.0, tb=1.0, sS=None, sB=None):
    """Precompute the data terms of :func:`cstat`; return ``f(m, out=None) -> (n, k)``.

    With a background (``B`` not None) this is :func:`bayspec.stat.wstat.prepare_wstat`,
    as in XSPEC where ``cstat`` with a background file is the W-statistic.
    """
    if B is not None:
        from .wstat import prepare_wstat

        return prepare_wstat(S, B, ts, tb, sS, sB)
    S = _channels(S, "S", nonneg=True)
    m2S = -2.0 * S
    const = 2.0 * (_xlogx(S) - S)

    def cstat_prepared(m, out=None):
        m = _model(m)
        out = np.log(np.maximum(m, MODEL_FLOOR), out=out)
        out *= m2S
        out += m
        out += m
        out += const
        return np.maximum(out, 0.0, out=out)  # remove rounding below 0 at m == S

    return _blocked(cstat_prepared, np.size(S))


def cstat(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    r"""Cash (1979) statistic with the saturated-model term, per channel.

    .. math::

        C_i = 2\,\bigl(m_i - S_i + S_i \ln(S_i / m_i)\bigr)

    i.e. :math:`-2\ln[P(S_i\mid m_i)/P(S_i\mid S_i)]` for Poisson source counts
    (Cash 1979, ApJ 228, 939; XSPEC manual, Appendix B "Statistics in XSPEC", *cstat*).
    ``S_i ln S_i`` is 0 for ``S_i = 0`` (the channel then contributes ``2 m_i``).

    Parameters
    ----------
    S : array_like (k,)
        Observed source counts (>= 0).
    B : array_like (k,) or None
        Background counts. If not None the statistic is W-stat (:func:`wstat`), as
        XSPEC's ``cstat`` is when a background spectrum is loaded.
    m : array_like (n, k)
        Predicted source counts (>= 0).
    ts, tb : float or array_like (k,)
        Source and background efficiencies (used only with a background).
    sS, sB : ignored

    Returns
    -------
    ndarray (n, k)
        Per-channel statistic, finite and >= 0. Inside the logarithm, model values below
        ``MODEL_FLOOR`` (1e-25 counts) are raised to it, so ``m = 0`` with ``S > 0`` gives
        a large finite value (about ``2 S (ln S + 56.6)``) rather than ``inf``.
    """
    return prepare_cstat(S, B, ts, tb, sS, sB)(m)
