"""Background in time: a polynomial rate per channel fitted by Poisson likelihood.

Model
-----
In channel ``c`` the background rate (counts/s, dead time removed) is a polynomial in the
scaled time ``x = (t - center) / scale``,

    r_c(t) = sum_{k=0}^{K_c} a_{ck} x^k ,

with ``center``/``scale`` the middle and half-length of the span of the off-source
intervals (so ``x`` is in [-1, 1] there and the normal equations stay well conditioned).
The expected counts in a bin ``[a, b)`` with live time ``L`` are linear in the
coefficients, ``mu = (L / (b - a)) sum_k a_k int_a^b x^k dt``.

Likelihoods (Poisson, identity link)
------------------------------------
* binned: ``ln L_c = sum_i n_ic ln mu_ic - mu_ic`` over the off-source bins (Cash 1979);
* unbinned (events): ``ln L_c = sum_{j in c} ln r_c(t_j) - int r_c(t) l(t) dt`` over the
  off-source intervals, ``l(t)`` the live fraction (the inhomogeneous Poisson-process
  likelihood, e.g. Cox & Lewis 1966; the dead-time factor at the events is a constant).

Both are maximised by Newton iterations with step halving, batched over all channels at
once (a ``(C, K, K)`` stack of Hessians solved together; no loop over channels). The
covariance of the coefficients is the inverse of the observed information at the maximum.

Order rule
----------
Each channel is fitted at every order 0..``max_order`` (default 4). The chosen order is the
smallest ``k`` that no higher order ``j`` improves significantly: for every ``j > k``,
``2 (ln L_j - ln L_k) < chi2.isf(p_value, j - k)`` (nested likelihood-ratio tests, Wilks
1938; ``p_value`` default 0.01). A channel with no off-source count gets a zero rate with a
one-count error (coefficient variance ``1 / E_0^2``).

Background of a source interval
-------------------------------
For ``[t1, t2)`` with live time ``L`` the background counts are ``B_c = v . a_c`` with
``v_k = (L / (t2 - t1)) int_{t1}^{t2} x^k dt``, and their 1σ error
``sigma_c = sqrt(v^T Cov_c v)`` (linear error propagation of the fit covariance). ``B`` with
``sigma`` is a Gaussian background measurement: PG-stat applies (Vianello 2018, ApJS 236, 17).
"""

from __future__ import annotations

import json

import numpy as np
from scipy.special import xlogy
from scipy.stats import chi2

from .._atomic import atomic_path
from ..errors import DataFileError, DataFormatError

__all__ = ["BackgroundFit", "fit_binned", "fit_unbinned", "time_integrals", "choose_orders"]

_VERSION = 1


def time_integrals(t1, t2, center, scale, nterm):
    """``int_{t1}^{t2} x^k dt`` for ``k < nterm``, ``x = (t - center) / scale``.

    Parameters
    ----------
    t1, t2 : array_like (m,)
        Bin edges, s.
    center, scale : float
        Scaling of time, s.
    nterm : int

    Returns
    -------
    ndarray (m, nterm), s
    """
    xa = (np.asarray(t1, np.float64) - center) / scale
    xb = (np.asarray(t2, np.float64) - center) / scale
    k = np.arange(1, nterm + 1)
    return scale * (xb[:, None] ** k - xa[:, None] ** k) / k


def _safe_ratio(n, mu, power=1):
    """``n / mu**power`` with 0 where ``n == 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, n / np.where(n > 0, mu, 1.0) ** power, 0.0)


class _Dense:
    """Binned terms: design ``D (m, K)``, counts ``n (m, C)``; the first ``A.shape[0]``
    polynomial terms are used."""

    def __init__(self, D, n):
        self.D, self.n = D, n
        self.E = D.sum(axis=0)

    def loglike(self, A):
        mu = self.D[:, : A.shape[0]] @ A
        with np.errstate(divide="ignore", invalid="ignore"):
            ll = xlogy(self.n, mu).sum(axis=0) - mu.sum(axis=0)
        bad = np.any((mu <= 0) & (self.n > 0), axis=0) | np.any(mu < 0, axis=0)
        return np.where(bad, -np.inf, ll)

    def grad_info(self, A):
        K = A.shape[0]
        D = self.D[:, :K]
        mu = D @ A
        g = D.T @ _safe_ratio(self.n, mu) - self.E[:K, None]
        w = _safe_ratio(self.n, mu, 2)
        H = np.einsum("mk,mc,ml->ckl", D, w, D, optimize=True)
        return g, H

    def totals(self):
        return self.n.sum(axis=0)


class _Sparse:
    """Unbinned terms: per-event design ``D (nev, K)``, channel ``ch (nev,)``, exposure
    integrals ``E (K,)``; the first ``A.shape[0]`` polynomial terms are used.

    Events are sorted by channel once and the design kept as ``(K, nev)`` rows, so every
    per-channel sum is one `np.add.reduceat` over all channels at once.
    """

    def __init__(self, D, ch, nchan, E):
        order = np.argsort(ch, kind="stable")
        self.DT = np.ascontiguousarray(D[order].T)
        self.C, self.E = nchan, E
        self.present, self.starts, self.n = np.unique(ch[order], return_index=True,
                                                      return_counts=True)
        self.nev = ch.size

    def _per_channel(self, x):
        """Sums of the rows of ``x`` (m, nev) per channel → (m, C) (0 for absent channels)."""
        out = np.zeros((x.shape[0], self.C))
        if self.nev:
            out[:, self.present] = np.add.reduceat(x, self.starts, axis=1)
        return out

    def _mu(self, A):
        K = A.shape[0]
        rep = np.repeat(A[:, self.present], self.n, axis=1)
        return np.einsum("kj,kj->j", self.DT[:K], rep)

    def loglike(self, A):
        mu = self._mu(A)
        pos = mu > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            lm = np.log(np.where(pos, mu, 1.0))
        s = self._per_channel(np.vstack([lm, ~pos]))
        return np.where(s[1] > 0, -np.inf, s[0] - self.E[: A.shape[0]] @ A)

    def grad_info(self, A):
        K = A.shape[0]
        iu, ju = np.triu_indices(K)
        P = np.empty((K + iu.size, self.nev))
        np.divide(self.DT[:K], self._mu(A), out=P[:K])
        np.multiply(P[iu], P[ju], out=P[K:])
        s = self._per_channel(P)
        H = np.empty((self.C, K, K))
        H[:, iu, ju] = s[K:].T
        H[:, ju, iu] = s[K:].T
        return s[:K] - self.E[:K, None], H

    def totals(self):
        out = np.zeros(self.C)
        out[self.present] = self.n
        return out


def _newton(terms, A, active, maxiter=100, tol=1e-7):
    """Maximise ``terms.loglike`` over ``A (K, C)`` for the ``active`` channels.

    Stops when no channel gains more than ``tol`` in log-likelihood; the information
    returned is that of the last Newton step (its change over the final tiny step is
    negligible for the covariance).
    """
    ll = terms.loglike(A)
    K = A.shape[0]
    ridge = 1e-12 * np.eye(K)
    H = None
    for _ in range(maxiter):
        g, H = terms.grad_info(A)
        scale = np.maximum(np.abs(np.diagonal(H, axis1=1, axis2=2)).max(axis=1), 1e-300)
        step = np.linalg.solve(H + ridge * scale[:, None, None], g.T[:, :, None])[:, :, 0].T
        step[:, ~active] = 0.0
        t = np.ones(A.shape[1])
        new_ll, new_A = ll.copy(), A.copy()
        todo = active.copy()
        for _ in range(40):
            cand = A + t * step
            cl = terms.loglike(cand)
            ok = todo & np.isfinite(cl) & (cl >= ll - 1e-12 * np.abs(ll))
            new_A[:, ok] = cand[:, ok]
            new_ll[ok] = cl[ok]
            todo &= ~ok
            if not todo.any():
                break
            t = np.where(todo, 0.5 * t, t)
        gain = np.max(np.where(active, new_ll - ll, 0.0), initial=0.0)
        A, ll = new_A, new_ll
        if gain < tol:
            break
    return A, ll, H


def _fit_orders(terms, nchan, E0, max_order):
    """Fits at every order 0..max_order: coefficients, log-likelihoods, information."""
    N = terms.totals()
    active = N > 0
    coefs, lls, infos = [], [], []
    A = np.zeros((1, nchan))
    A[0] = np.where(active, N / E0, 0.0)
    for k in range(max_order + 1):
        if k:
            A = np.vstack([A, np.zeros((1, nchan))])
        A, ll, H = _newton(terms, A, active)
        coefs.append(A.copy())
        lls.append(np.where(active, ll, 0.0))
        infos.append(H)
    return coefs, np.array(lls), infos, active


def choose_orders(loglikes, p_value=0.01):
    """Order per channel by nested likelihood-ratio tests (module rule).

    Parameters
    ----------
    loglikes : ndarray (max_order + 1, C)
        Maximum log-likelihood at each order.
    p_value : float
        Test size of each comparison.

    Returns
    -------
    ndarray (C,) int
        The smallest order ``k`` with ``2 (lnL_j - lnL_k) < chi2.isf(p, j - k)`` for all
        ``j > k``.
    """
    ll = np.asarray(loglikes, np.float64)
    n = ll.shape[0]
    out = np.full(ll.shape[1], n - 1)
    done = np.zeros(ll.shape[1], bool)
    for k in range(n):  # orders (<= 5), not channels
        ok = np.ones(ll.shape[1], bool)
        for j in range(k + 1, n):
            ok &= 2.0 * (ll[j] - ll[k]) < chi2.isf(p_value, j - k)
        pick = ok & ~done
        out[pick] = k
        done |= pick
    return out


def _covariances(infos, orders, active, E0):
    """Padded covariance ``(C, K, K)`` of each channel at its order."""
    kmax = len(infos)
    C = orders.size
    cov = np.zeros((C, kmax, kmax))
    for k in range(kmax):  # orders, not channels
        sel = (orders == k) & active
        if sel.any():
            H = infos[k][sel]
            cov[np.ix_(sel, np.arange(k + 1), np.arange(k + 1))] = np.linalg.pinv(H)
    cov[~active, 0, 0] = 1.0 / E0 ** 2
    return cov


def _build(terms, nchan, E0, max_order, p_value, **meta):
    coefs, lls, infos, active = _fit_orders(terms, nchan, E0, max_order)
    orders = choose_orders(lls, p_value)
    orders[~active] = 0
    kmax = max_order + 1
    A = np.zeros((nchan, kmax))
    for k in range(kmax):  # orders, not channels
        sel = orders == k
        A[sel, : k + 1] = coefs[k][:, sel].T
    cov = _covariances(infos, orders, active, E0)
    return BackgroundFit(coefficients=A, covariance=cov, orders=orders, loglikes=lls.T,
                         max_order=max_order, p_value=p_value, **meta)


def _span(intervals):
    iv = np.atleast_2d(np.asarray(intervals, np.float64))
    if iv.ndim != 2 or iv.shape[1] != 2 or iv.size == 0 or np.any(iv[:, 1] <= iv[:, 0]):
        raise DataFormatError(f"background intervals must be (k, 2) with t1 < t2, got "
                              f"{np.asarray(intervals).tolist()}", key="intervals")
    lo, hi = float(iv.min()), float(iv.max())
    return iv, 0.5 * (lo + hi), 0.5 * (hi - lo)


def fit_binned(tstart, tstop, counts, exposure, intervals, *, max_order=4, p_value=0.01,
               t0=0.0, channel=None):
    """Fit the background polynomials to binned counts by Poisson likelihood.

    Parameters
    ----------
    tstart, tstop : array (m,)
        Bin edges, s (relative to ``t0``); only the bins given are used (pass the
        off-source bins).
    counts : array (m, C)
        Counts per bin and channel.
    exposure : array (m,)
        Live time of each bin, s (> 0).
    intervals : array (k, 2)
        The off-source intervals (s) the bins come from (recorded; set the time scaling).
    max_order : int
        Highest polynomial order tried (0..4 recommended).
    p_value : float
        Size of the likelihood-ratio tests of the order rule.
    t0 : float
        Reference time (MET s), recorded.
    channel : array (C,), optional
        Channel numbers, recorded.

    Returns
    -------
    BackgroundFit
    """
    iv, center, scale = _span(intervals)
    a = np.asarray(tstart, np.float64)
    b = np.asarray(tstop, np.float64)
    n = np.asarray(counts, np.float64)
    e = np.asarray(exposure, np.float64)
    if n.ndim != 2 or n.shape[0] != a.size or a.size == 0:
        raise DataFormatError(f"counts must be (nbin, nchan) for {a.size} bins, got "
                              f"{n.shape}", key="counts")
    if np.any(b <= a) or np.any(e <= 0):
        raise DataFormatError("background bins need t1 < t2 and positive live time",
                              key="exposure")
    D = time_integrals(a, b, center, scale, max_order + 1) * (e / (b - a))[:, None]
    terms = _Dense(D, n)
    return _build(terms, n.shape[1], float(D[:, 0].sum()), max_order, p_value,
                  center=center, scale=scale, intervals=iv, t0=t0, method="binned",
                  channel=channel)


def fit_unbinned(times, chan, nchan, intervals, grid_start, grid_stop, grid_live, *,
                 max_order=4, p_value=0.01, t0=0.0, channel=None):
    """Fit the background polynomials to events by the unbinned Poisson likelihood.

    Parameters
    ----------
    times : array (nev,)
        Times of the off-source events, s (relative to ``t0``).
    chan : array (nev,) int
        0-based channel index of each event.
    nchan : int
    intervals : array (k, 2)
        Off-source intervals, s.
    grid_start, grid_stop, grid_live : array (g,)
        A partition of the off-source intervals into pieces with their live times (s),
        giving the exposure integrals ``int x^k l(t) dt`` (live fraction constant in a piece).
    max_order, p_value, t0, channel
        As in `fit_binned`.

    Returns
    -------
    BackgroundFit
    """
    iv, center, scale = _span(intervals)
    t = np.asarray(times, np.float64)
    ch = np.asarray(chan, np.int64)
    ga, gb = np.asarray(grid_start, np.float64), np.asarray(grid_stop, np.float64)
    gl = np.asarray(grid_live, np.float64)
    if np.any(gb <= ga) or np.any(gl < 0):
        raise DataFormatError("exposure pieces need t1 < t2 and live time >= 0",
                              key="exposure")
    K = max_order + 1
    E = (time_integrals(ga, gb, center, scale, K) * (gl / (gb - ga))[:, None]).sum(axis=0)
    D = ((t - center) / scale)[:, None] ** np.arange(K)
    terms = _Sparse(D, ch, int(nchan), E)
    return _build(terms, int(nchan), float(E[0]), max_order, p_value, center=center,
                  scale=scale, intervals=iv, t0=t0, method="unbinned", channel=channel)


class BackgroundFit:
    """Fitted background polynomials of all channels (see the module notes).

    Attributes
    ----------
    coefficients : ndarray (C, max_order + 1)
        ``a_ck`` in counts/s (zero above each channel's order).
    covariance : ndarray (C, max_order + 1, max_order + 1)
        Covariance of the coefficients, (counts/s)^2.
    orders : ndarray (C,) int
        Chosen order per channel.
    loglikes : ndarray (C, max_order + 1)
        Maximum log-likelihood at every order.
    center, scale : float
        Time scaling, s (relative to ``t0``).
    intervals : ndarray (k, 2)
        Off-source intervals, s.
    t0 : float
        Reference time, MET s.
    method : str
        ``"binned"`` or ``"unbinned"``.
    max_order : int
    p_value : float
    channel : ndarray (C,) or None
    """

    def __init__(self, coefficients, covariance, orders, loglikes, center, scale, intervals,
                 t0=0.0, method="binned", max_order=4, p_value=0.01, channel=None):
        self.coefficients = np.asarray(coefficients, np.float64)
        self.covariance = np.asarray(covariance, np.float64)
        self.orders = np.asarray(orders, np.int64)
        self.loglikes = np.asarray(loglikes, np.float64)
        self.center, self.scale = float(center), float(scale)
        self.intervals = np.atleast_2d(np.asarray(intervals, np.float64))
        self.t0 = float(t0)
        self.method = str(method)
        self.max_order = int(max_order)
        self.p_value = float(p_value)
        self.channel = None if channel is None else np.asarray(channel, np.int64)

    @property
    def nchan(self):
        return int(self.orders.size)

    def __repr__(self):
        counts = np.bincount(self.orders, minlength=self.max_order + 1)
        return (f"BackgroundFit({self.nchan} channels, {self.method}, orders "
                + ", ".join(f"{k}: {c}" for k, c in enumerate(counts)) + ")")

    def rate(self, t, channels=None):
        """Background rate ``(nt, C)`` (counts/s) at times ``t`` (s from ``t0``)."""
        x = (np.atleast_1d(np.asarray(t, np.float64)) - self.center) / self.scale
        P = x[:, None] ** np.arange(self.max_order + 1)
        out = P @ self.coefficients.T
        return out if channels is None else out[:, channels]

    def counts(self, t1, t2, livetime=None, channels=None, summed=False):
        """Background counts and 1σ errors in intervals.

        Parameters
        ----------
        t1, t2 : float or array (m,)
            Interval edges, s from ``t0``.
        livetime : float or array (m,), optional
            Live time of each interval, s (default the length: no dead time).
        channels : array of bool or int, optional
            Channels to keep.
        summed : bool
            Sum over the kept channels (errors in quadrature: the channels' fits are
            independent).

        Returns
        -------
        counts, sigma : ndarray (m, C) (``(m,)`` when summed; a scalar ``t1`` drops ``m``)
        """
        scalar = np.ndim(t1) == 0
        a = np.atleast_1d(np.asarray(t1, np.float64))
        b = np.atleast_1d(np.asarray(t2, np.float64))
        L = (b - a) if livetime is None else np.broadcast_to(
            np.asarray(livetime, np.float64), a.shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(b > a, L / np.where(b > a, b - a, 1.0), 0.0)
        v = time_integrals(a, b, self.center, self.scale, self.max_order + 1) * frac[:, None]
        A, cov = self.coefficients, self.covariance
        if channels is not None:
            A, cov = A[channels], cov[channels]
        B = v @ A.T
        var = np.einsum("mk,ckl,ml->mc", v, cov, v, optimize=True)
        if summed:
            B, var = B.sum(axis=1), var.sum(axis=1)
        sig = np.sqrt(np.maximum(var, 0.0))
        return (B[0], sig[0]) if scalar else (B, sig)

    # ------------------------------------------------------------------ save / restore
    def to_dict(self):
        """A JSON-ready dict (plain lists and numbers)."""
        return {"format": "bayspec.BackgroundFit", "version": _VERSION,
                "method": self.method, "t0": self.t0, "center": self.center,
                "scale": self.scale, "max_order": self.max_order, "p_value": self.p_value,
                "intervals": self.intervals.tolist(), "orders": self.orders.tolist(),
                "coefficients": self.coefficients.tolist(),
                "covariance": self.covariance.tolist(), "loglikes": self.loglikes.tolist(),
                "channel": None if self.channel is None else self.channel.tolist()}

    @classmethod
    def from_dict(cls, d, file=None):
        if not isinstance(d, dict) or d.get("format") != "bayspec.BackgroundFit":
            raise DataFormatError("not a bayspec background fit", file=file, key="format")
        try:
            return cls(**{k: d[k] for k in ("coefficients", "covariance", "orders", "loglikes",
                                             "center", "scale", "intervals", "t0", "method",
                                             "max_order", "p_value", "channel")})
        except KeyError as exc:
            raise DataFormatError("entry missing", file=file, key=str(exc.args[0])) from exc

    def write(self, path, overwrite=False):
        """Save as JSON (atomically); floats are written exactly (repr round trip)."""
        with atomic_path(path, overwrite=overwrite) as tmp:
            with open(tmp, "w") as f:
                json.dump(self.to_dict(), f)
        return path

    @classmethod
    def read(cls, path):
        """Restore a fit written by `write`."""
        try:
            with open(path) as f:
                d = json.load(f)
        except OSError as exc:
            raise DataFileError(f"cannot read ({exc})", file=path) from exc
        except ValueError as exc:
            raise DataFormatError(f"not JSON ({exc})", file=path) from exc
        return cls.from_dict(d, file=path)
