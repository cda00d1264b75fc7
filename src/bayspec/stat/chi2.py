r"""Gaussian (chi-square) statistics with the background subtracted.

All four share

.. math::

    \chi^2_i = \frac{(S_i - \alpha_i B_i - m_i)^2}{\sigma_{S,i}^2 + \alpha_i^2\sigma_{B,i}^2},
    \qquad \alpha_i = t_{s,i} / t_{b,i},

(the background counts scaled into the source region and subtracted, their error
propagated) and differ in the variances (without a background the ``B`` terms are 0):

==================  ===========================  ===========================
name                :math:`\sigma_S^2`            :math:`\sigma_B^2`
==================  ===========================  ===========================
``chi2``            ``sS**2`` (file errors)       ``sB**2`` (file errors)
``chi2_datavar``    ``S``                         ``B``
``chi2_modelvar``   ``m`` (the source model)      ``B``
``chi2_gehrels``    ``(1 + sqrt(S + 0.75))**2``   ``(1 + sqrt(B + 0.75))**2``
==================  ===========================  ===========================

``chi2_modelvar`` follows sherpa's ``chi2modvar``: the variance is ``m + alpha**2 B``
(source model counts plus the scaled background's Poisson variance; the background's own
contribution ``alpha B`` to the source-region variance is *not* included). The Gehrels
(1986, ApJ 303, 336, eq. 7) approximation to the 84 % upper Poisson limit is applied to
each spectrum separately, as in XSPEC/sherpa ``chi2gehrels``.

Zero variances: a data-only variance that is exactly 0 (a channel with no counts in
``chi2_datavar``, or zero file errors in ``chi2``) is replaced by 1 count^2 (sherpa's
convention for empty channels), so the channel contributes ``residual**2``. In
``chi2_modelvar`` the variance is floored at ``MODELVAR_FLOOR`` (1e-8 counts^2) so that
``m = 0`` with ``B = 0`` gives ``(S - m)^2 * 1e8`` (0 when ``S = 0``) instead of ``inf``.
"""

from __future__ import annotations

import numpy as np

from ._common import _blocked, _channels, _efficiency_ratio, _model

__all__ = [
    "chi2",
    "chi2_datavar",
    "chi2_modelvar",
    "chi2_gehrels",
    "prepare_chi2",
    "prepare_chi2_datavar",
    "prepare_chi2_modelvar",
    "prepare_chi2_gehrels",
]

#: Floor of the model variance in :func:`chi2_modelvar` (counts^2).
MODELVAR_FLOOR = 1e-8


def _net(S, B, ts, tb):
    """``(S - alpha B, alpha)``; ``alpha`` is None without a background."""
    S = _channels(S, "S")
    if B is None:
        return S, None
    B = _channels(B, "B")
    alpha = _efficiency_ratio(ts, tb)
    return S - alpha * B, alpha


def _weighted(net, var):
    """Closure ``(net - m)^2 / var`` with zero variances replaced by 1."""
    var = np.asarray(var, dtype=np.float64)
    w = 1.0 / np.where(var > 0, var, 1.0)
    net, w = np.broadcast_arrays(net, w)

    def chi2_prepared(m, out=None):
        out = np.subtract(net, _model(m), out=out)
        out *= out
        out *= w
        return out

    return _blocked(chi2_prepared, net.shape[-1] if net.ndim else 1)


def prepare_chi2(S, B=None, ts=1.0, tb=1.0, sS=None, sB=None):
    """Prepared :func:`chi2`; ``sS`` required, ``sB`` required when ``B`` is given."""
    net, alpha = _net(S, B, ts, tb)
    sS = _channels(sS, "sS")
    var = sS**2
    if alpha is not None:
        var = var + (alpha * _channels(sB, "sB")) ** 2
    return _weighted(net, var)


def prepare_chi2_datavar(S, B=None, ts=1.0, tb=1.0, sS=None, sB=None):
    """Prepared :func:`chi2_datavar` (errors ignored)."""
    net, alpha = _net(S, B, ts, tb)
    var = np.abs(_channels(S, "S"))
    if alpha is not None:
        var = var + alpha**2 * np.abs(_channels(B, "B"))
    return _weighted(net, var)


def prepare_chi2_gehrels(S, B=None, ts=1.0, tb=1.0, sS=None, sB=None):
    """Prepared :func:`chi2_gehrels` (errors ignored)."""
    net, alpha = _net(S, B, ts, tb)
    var = (1.0 + np.sqrt(np.abs(_channels(S, "S")) + 0.75)) ** 2
    if alpha is not None:
        var = var + (alpha * (1.0 + np.sqrt(np.abs(_channels(B, "B")) + 0.75))) ** 2
    return _weighted(net, var)


def prepare_chi2_modelvar(S, B=None, ts=1.0, tb=1.0, sS=None, sB=None):
    """Prepared :func:`chi2_modelvar` (errors ignored)."""
    net, alpha = _net(S, B, ts, tb)
    bvar = 0.0 if alpha is None else alpha**2 * np.abs(_channels(B, "B"))
    # floor on m so that m + bvar >= MODELVAR_FLOOR needs one op per call
    mfloor = np.maximum(MODELVAR_FLOOR - bvar, 0.0)
    net, bvar, mfloor = np.broadcast_arrays(net, bvar, mfloor)

    def chi2_modelvar_prepared(m, out=None):
        m = _model(m)
        var = np.maximum(m, mfloor)
        var += bvar
        out = np.subtract(net, m, out=out)
        out *= out
        out /= var
        return out

    return _blocked(chi2_modelvar_prepared, net.shape[-1] if net.ndim else 1)


_DOC = """{title}

    Per channel ``(S - alpha B - m)**2 / ({var})`` with ``alpha = ts / tb``; see the
    module docstring of :mod:`bayspec.stat.chi2` for the variances and the zero-variance
    rule.

    Parameters
    ----------
    S : array_like (k,)
        Observed source counts.
    B : array_like (k,) or None
        Background counts (None: no background subtraction).
    m : array_like (n, k)
        Predicted source counts.
    ts, tb : float or array_like (k,)
        Source and background efficiencies.
    sS, sB : array_like (k,) or None
        1-sigma errors in counts{errs}.

    Returns
    -------
    ndarray (n, k)
    """


def chi2(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    return prepare_chi2(S, B, ts, tb, sS, sB)(m)


def chi2_datavar(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    return prepare_chi2_datavar(S, B, ts, tb, sS, sB)(m)


def chi2_modelvar(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    return prepare_chi2_modelvar(S, B, ts, tb, sS, sB)(m)


def chi2_gehrels(S, B, m, ts=1.0, tb=1.0, sS=None, sB=None):
    return prepare_chi2_gehrels(S, B, ts, tb, sS, sB)(m)


chi2.__doc__ = _DOC.format(
    title="Chi-square with the file errors.",
    var="sS**2 + alpha**2 sB**2",
    errs=" (sS required; sB required with a background)",
)
chi2_datavar.__doc__ = _DOC.format(
    title="Chi-square with data variance (sherpa chi2datavar).",
    var="S + alpha**2 B",
    errs=" (ignored)",
)
chi2_modelvar.__doc__ = _DOC.format(
    title="Chi-square with model variance (sherpa chi2modvar).",
    var="max(m + alpha**2 B, 1e-8)",
    errs=" (ignored)",
)
chi2_gehrels.__doc__ = _DOC.format(
    title="Chi-square with Gehrels (1986) variances.",
    var="(1 + sqrt(S + 0.75))**2 + alpha**2 (1 + sqrt(B + 0.75))**2",
    errs=" (ignored)",
)
