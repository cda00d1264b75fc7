r"""Derivatives of the statistics with respect to the predicted source counts.

For a prepared statistic ``f(m) -> (n, k)`` this gives ``∂f/∂m`` per channel, ``(n, k)``,
with the same data terms; the likelihood kernel chains it with the (linear) fold and the
model's node-value derivatives.

Profiled backgrounds (W-stat, PG-stat) are handled by the envelope theorem: the statistic
is ``min_g L(m, g)``, so its total derivative is the partial ``∂L/∂m`` at the profiled
``ĝ(m)`` (for PG-stat also at the constraint ``ĝ = 0``, which does not depend on ``m``).
Every Poisson-source statistic then has the same form

.. math::

    \frac{\partial f_i}{\partial m_i} = 2\Bigl(1 - \frac{S_i}{m_i + \hat g_i}\Bigr),

with ``ĝ = 0`` for ``cstat`` without background and ``ĝ = αB`` for ``pstat``; inside the
logarithm the expectation is floored exactly as the statistic floors it, so a floored
channel has the derivative 2. The chi-square family:

.. math::

    \frac{\partial \chi^2_i}{\partial m_i} = -\frac{2 (d_i - m_i)}{\sigma_i^2}
    \quad\text{and, for the model variance } \sigma_i^2 = m_i + \alpha_i^2 B_i,\quad
    -\frac{2 (d_i - m_i)}{\sigma_i^2} - \frac{(d_i - m_i)^2}{\sigma_i^4},

with ``d = S − αB`` (XSPEC manual, Appendix B; Cash 1979; Wachter, Leach & Kellogg 1979).
"""

from __future__ import annotations

import numpy as np

from ._common import LOG_FLOOR, MODEL_FLOOR, _channels, _efficiency_ratio, _model
from .chi2 import MODELVAR_FLOOR
from .profile import pgstat_background, wstat_background

__all__ = ["prepare_grad"]


def _poisson(S, floor, background=None):
    """``g(m) = 2 (1 - S / max(m + ĝ(m), floor))``; zero-count channels give 2."""
    m2S = 2.0 * S

    def grad(m):
        m = _model(m)
        x = m if background is None else m + background(m)
        x = np.maximum(x, floor)
        return 2.0 - m2S / x

    return grad


def _cstat(S, B, ts, tb, sS, sB):
    if B is not None:
        return _wstat(S, B, ts, tb, sS, sB)
    S = _channels(S, "S", nonneg=True)
    return _poisson(S, MODEL_FLOOR)


def _wstat(S, B, ts, tb, sS, sB):
    S = _channels(S, "S", nonneg=True)
    B = _channels(B, "B", nonneg=True)
    alpha = _efficiency_ratio(ts, tb)
    return _poisson(S, LOG_FLOOR, lambda m: wstat_background(S, B, m, alpha))


def _pstat(S, B, ts, tb, sS, sB):
    S = _channels(S, "S", nonneg=True)
    bkg = _efficiency_ratio(ts, tb) * _channels(B, "B", nonneg=True)
    return _poisson(S, MODEL_FLOOR, lambda m: bkg)


def _pgstat(S, B, ts, tb, sS, sB):
    S = _channels(S, "S", nonneg=True)
    B = _channels(B, "B")
    sB = _channels(sB, "sB")
    alpha = _efficiency_ratio(ts, tb)
    return _poisson(S, LOG_FLOOR, lambda m: pgstat_background(S, B, sB, m, alpha))


def _net_weight(S, B, ts, tb, var_of):
    S = _channels(S, "S")
    if B is None:
        net, alpha = S, None
    else:
        B = _channels(B, "B")
        alpha = _efficiency_ratio(ts, tb)
        net = S - alpha * B
    var = np.asarray(var_of(S, B, alpha), dtype=np.float64)
    return net, 1.0 / np.where(var > 0, var, 1.0)


def _gaussian(net, w):
    def grad(m):
        return -2.0 * (net - _model(m)) * w

    return grad


def _chi2(S, B, ts, tb, sS, sB):
    def var(S, B, alpha):
        v = _channels(sS, "sS") ** 2
        return v if alpha is None else v + (alpha * _channels(sB, "sB")) ** 2

    return _gaussian(*_net_weight(S, B, ts, tb, var))


def _chi2_datavar(S, B, ts, tb, sS, sB):
    def var(S, B, alpha):
        return np.abs(S) if alpha is None else np.abs(S) + alpha ** 2 * np.abs(B)

    return _gaussian(*_net_weight(S, B, ts, tb, var))


def _chi2_gehrels(S, B, ts, tb, sS, sB):
    def var(S, B, alpha):
        v = (1.0 + np.sqrt(np.abs(S) + 0.75)) ** 2
        if alpha is None:
            return v
        return v + (alpha * (1.0 + np.sqrt(np.abs(B) + 0.75))) ** 2

    return _gaussian(*_net_weight(S, B, ts, tb, var))


def _chi2_modelvar(S, B, ts, tb, sS, sB):
    S = _channels(S, "S")
    if B is None:
        net, bvar = S, 0.0
    else:
        B = _channels(B, "B")
        alpha = _efficiency_ratio(ts, tb)
        net, bvar = S - alpha * B, alpha ** 2 * np.abs(B)
    mfloor = np.maximum(MODELVAR_FLOOR - bvar, 0.0)

    def grad(m):
        m = _model(m)
        free = m > mfloor  # where the variance follows the model
        var = np.maximum(m, mfloor) + bvar
        r = net - m
        return -2.0 * r / var - np.where(free, r * r / (var * var), 0.0)

    return grad


_GRADIENTS = {"cstat": _cstat, "wstat": _wstat, "pstat": _pstat, "pgstat": _pgstat,
              "chi2": _chi2, "chi2_datavar": _chi2_datavar, "chi2_modelvar": _chi2_modelvar,
              "chi2_gehrels": _chi2_gehrels}


def prepare_grad(name, S, B=None, ts=1.0, tb=1.0, sS=None, sB=None):
    """``g(m (n, k)) -> ∂stat/∂m (n, k)`` for statistic ``name`` with these data terms.

    Parameters are those of the statistic's ``prepare`` (see `bayspec.stat`).
    """
    return _GRADIENTS[name](S, B, ts, tb, sS, sB)
