"""Many data sets at once: row ``i`` of a parameter batch against data set ``i``.

`bayspec.infer.Likelihood` evaluates ``n`` parameter vectors against *one* set of observed
counts. Simulation studies (goodness of fit, calibrated likelihood-ratio tests, posterior
predictive checks) need the transpose as well: ``n`` simulated data sets, each with its own
parameter vector (or its own small stencil of vectors for derivatives). This module gives

* `StackedData`: ``N`` data sets of the same units (observed source and background counts
  per noticed group, the units' errors and efficiencies kept) and their statistic for
  parameter rows ``theta (r, N, nfree)`` — row ``[j, i]`` against data set ``i``;
* `simulate`: ``N`` data sets drawn from parameter rows ``theta (N, nfree)``, respecting each
  unit's statistic (the rules of `bayspec.data.simulate.fake_counts`);
* `batch_fit`: a batched quasi-Newton minimiser (BFGS with an Armijo backtracking line
  search and bound projection, in the fit coordinates of a `FitProblem`) that refits all
  ``N`` data sets together, every gradient a single kernel call.

How it reuses the kernel: the predicted counts come from `Likelihood.predicted_counts`
(one model evaluation and one matmul per unit for all ``r × N`` rows, scale factors
applied). Every statistic of `bayspec.stat` is elementwise over groups, so ``N`` data sets
are ``N × k`` groups: the observed terms are flattened to ``(N k,)`` and prepared once per
call (``func.prepare``), and the predictions ``(r, N, k)`` are passed as ``(r, N k)``. No
Python loop runs over channels or data sets.

References
----------
Nocedal, J. & Wright, S. J. 2006, Numerical Optimization, 2nd ed., Springer: BFGS update
(eq. 6.19), Armijo condition (eq. 3.4), gradient projection for bounds (sect. 16.7).
"""

from __future__ import annotations

import numpy as np

from ..errors import FitError, ModelError
from ..stat.profile import pgstat_background, wstat_background

__all__ = ["StackedData", "simulate", "batch_fit", "BatchFit"]

#: Armijo sufficient-decrease constant (Nocedal & Wright eq. 3.4).
_ARMIJO = 1e-4
#: Maximum number of step halvings in one line search.
_MAX_HALVINGS = 12
#: Line searches that may fail on one data set before it is declared at its minimum; each
#: failure replaces the quasi-Newton curvature by a finite-difference Hessian at the point.
_MAX_RESETS = 3
#: Parameter rows per kernel call in `StackedData.stat` (larger batches are split: past a
#: few thousand rows the node-value and count arrays leave the cache and cost more per row).
_CHUNK_ROWS = 4096


class _UnitData:
    """One unit's data terms for ``N`` data sets (``S``, ``B`` as ``(N, k)``)."""

    def __init__(self, term_fold, name, S, B):
        f = term_fold
        self.name = name
        self.fold = f
        self.func = f.func
        self.S = S
        self.B = B
        self.k = f.S.size
        self.weight = f.weight
        self.bkg_par = f.bkg_par
        self._prepared = {}

    def take(self, rows):
        return _UnitData(self.fold, self.name, self.S[rows],
                         None if self.B is None else self.B[rows])

    def stat(self, m, n_rows, vals):
        """Per-data-set statistic ``(r, N)`` of predictions ``m (r·N, k)`` (row-major)."""
        f = self.fold
        N = self.S.shape[0]
        r = n_rows // N
        tile = lambda x: None if x is None else np.tile(  # noqa: E731
            np.broadcast_to(np.asarray(x, dtype=float), (self.k,)), N)
        S = self.S.ravel()
        B = None if self.B is None else self.B.ravel()
        bf = f.bkg_factor(vals)
        if np.ndim(bf) == 0:
            g = self._prepared.get(float(bf))
            if g is None:  # data-only terms, once per data sets and background factor
                tb = None if B is None else tile(np.asarray(f.tb, dtype=float) * bf)
                g = self.func.prepare(S, B, tile(f.ts), tb if tb is not None else 1.0,
                                      tile(f.sS), tile(f.sB))
                self._prepared = {float(bf): g}
            s = g(m.reshape(r, N * self.k))
        else:  # a free background factor: the efficiency ratio differs per row
            tb = np.broadcast_to(np.asarray(f.tb, dtype=float), (self.k,))[None, :] * bf  # (rN, k)
            rep = lambda x: None if x is None else np.tile(x, r)  # noqa: E731
            s = self.func(rep(S), rep(B), m.reshape(1, -1), rep(tile(f.ts)), tb.ravel(),
                          rep(tile(f.sS)), rep(tile(f.sB)))
        return s.reshape(r, N, self.k).sum(axis=2) * self.weight


def as_rows(theta, n, error=ModelError):
    """``(theta (r, N, nfree), single)`` from parameter rows ``(N, nfree)`` or
    ``(r, N, nfree)`` for ``N = n`` data sets; ``error`` (a `BayspecError` class) otherwise."""
    th = np.asarray(theta, dtype=float)
    single = th.ndim == 2
    if single:
        th = th[None]
    if th.ndim != 3 or th.shape[1] != n:
        raise error(f"theta needs shape (N, nfree) or (r, N, nfree) with N = {n}, "
                    f"got {np.shape(theta)}")
    return th, single


class StackedData:
    """``N`` data sets of the units of a `Likelihood` (same groups, efficiencies, errors).

    Parameters
    ----------
    lik : Likelihood
        Gives the units, their folds (responses, statistics, data terms) and the
        parameter space.
    src : dict
        ``{unit name: source counts (N, k)}`` per noticed group (counts).
    bkg : dict, optional
        ``{unit name: background-spectrum counts (N, k)}`` for units with a background;
        default the observed background repeated.

    Notes
    -----
    The 1σ errors (``STAT_ERR`` of source or background) of the units are kept for every
    data set, as `bayspec.data.simulate.fake` keeps the STAT_ERR column.
    """

    def __init__(self, lik, src, bkg=None):
        lik.sync()
        self.lik = lik
        bkg = dict(bkg or {})
        units = []
        N = None
        for t in lik._terms:
            if t.name not in src:
                raise ModelError(f"no simulated counts for unit {t.name!r}; units: "
                                 f"{', '.join(lik.unit_names)}")
            S = np.asarray(src[t.name], dtype=float)
            if S.ndim == 1:
                S = S[None, :]
            if S.ndim != 2 or S.shape[1] != t.fold.S.size:
                raise ModelError(f"{t.name}: source counts need shape (N, {t.fold.S.size}), "
                                 f"got {S.shape}")
            N = S.shape[0] if N is None else N
            if S.shape[0] != N:
                raise ModelError(f"{t.name}: {S.shape[0]} data sets, other units have {N}")
            B = None
            if t.fold.B is not None:
                B = bkg.get(t.name)
                B = np.broadcast_to(t.fold.B, S.shape) if B is None else np.asarray(B, dtype=float)
                if B.shape != S.shape:
                    raise ModelError(f"{t.name}: background counts need shape {S.shape}, got {B.shape}")
            units.append(_UnitData(t.fold, t.name, S, B))
        self._units = units
        self.n = int(N)

    @classmethod
    def observed(cls, lik, n=1):
        """The observed data of ``lik`` repeated ``n`` times."""
        lik.sync()
        src = {t.name: np.repeat(t.S[None, :], n, axis=0) for t in lik._terms}
        return cls(lik, src)

    @property
    def unit_names(self):
        return [u.name for u in self._units]

    def src(self, name):
        """Source counts ``(N, k)`` of unit ``name``."""
        return self._unit(name).S

    def bkg(self, name):
        """Background-spectrum counts ``(N, k)`` of unit ``name`` (None without background)."""
        return self._unit(name).B

    def _unit(self, name):
        for u in self._units:
            if u.name == name:
                return u
        raise ModelError(f"no unit {name!r}; units: {', '.join(self.unit_names)}")

    def take(self, rows) -> StackedData:
        """The data sets ``rows`` (an index array or boolean mask) as a new `StackedData`."""
        new = object.__new__(StackedData)
        new.lik = self.lik
        new._units = [u.take(rows) for u in self._units]
        new.n = new._units[0].S.shape[0]
        return new

    def for_likelihood(self, lik) -> StackedData:
        """The same data sets for another `Likelihood` over the same units (e.g. the
        alternative model of a likelihood-ratio test)."""
        if sorted(lik.unit_names) != sorted(self.unit_names):
            raise ModelError(f"the likelihoods have different units: {self.unit_names} vs "
                             f"{lik.unit_names}")
        return StackedData(lik, {u.name: u.S for u in self._units},
                           {u.name: u.B for u in self._units if u.B is not None})

    def stat(self, theta, per_unit=False):
        """Statistic of parameter rows against the data sets.

        Parameters
        ----------
        theta : array (N, nfree) or (r, N, nfree)
            Free-parameter vectors; ``theta[..., i, :]`` is evaluated against data set ``i``.
        per_unit : bool
            Return ``{unit name: (r, N)}`` instead of the total.

        Returns
        -------
        ndarray (N,) or (r, N)
            −2 ln(L / L_saturated) of each row (the unit statistics, weighted, summed).
        """
        th, single = as_rows(theta, self.n, ModelError)
        r = th.shape[0]
        step = max(1, _CHUNK_ROWS // self.n)
        if r > step:  # keep each kernel call's arrays cache-sized
            parts = [self.stat(th[i:i + step], per_unit) for i in range(0, r, step)]
            if per_unit:
                out = {k: np.concatenate([q[k] for q in parts]) for k in parts[0]}
                return {k: v[0] for k, v in out.items()} if single else out
            out = np.concatenate(parts)
            return out[0] if single else out
        flat = th.reshape(r * self.n, th.shape[2])
        lik = self.lik
        counts = lik.predicted_counts(flat)
        vals = lik.space.values(lik.space.as_theta(flat))
        out = {} if per_unit else np.zeros((r, self.n))
        with np.errstate(all="ignore"):
            for u in self._units:
                s = u.stat(counts[u.name], r * self.n, vals)
                if per_unit:
                    out[u.name] = s[0] if single else s
                else:
                    out += s
        if per_unit:
            return out
        return out[0] if single else out


# ---------------------------------------------------------------------- simulation
def _background(fold, S, B, signal):
    """Background counts expected in the source region for ``signal (N, k)`` given the
    data sets' ``S``, ``B`` (the rule of `UnitFold.background`, with data of each set)."""
    if fold.B is None:
        return np.zeros_like(signal)
    alpha = fold.alpha()
    name = fold.stat_name.lower()
    if name in ("wstat", "cstat"):
        return wstat_background(S, B, signal, alpha)
    if name == "pgstat":
        return pgstat_background(S, B, fold.sB, signal, alpha)
    return np.broadcast_to(alpha * B, signal.shape)


def simulate(lik, theta, random_state=None, data=None) -> StackedData:
    """Draw one data set per parameter row, respecting each unit's statistic.

    Parameters
    ----------
    lik : Likelihood
    theta : array (N, nfree)
        Free-parameter values of each simulated data set.
    random_state : None, int or numpy Generator
    data : StackedData, optional
        Data sets (``N`` of them, or one) at which profiled backgrounds are evaluated; default
        the observed data of ``lik``.

    Returns
    -------
    StackedData

    Notes
    -----
    As `bayspec.data.simulate.fake_counts`: source counts ``~ Poisson(m + g)`` with ``m``
    the predicted signal and ``g`` the background expected in the source region (profiled
    at the data for wstat/cstat/pgstat, ``alpha B`` for pstat and the chi2 family);
    background-spectrum counts ``~ Poisson(g / alpha)`` for a Poisson background and
    ``~ Normal(g / alpha, sigma_B)`` clipped at 0 for a Gaussian one (``sigma_B`` the
    background's STAT_ERR). With a single row, the draws equal `fake_counts` for the same
    generator state.
    """
    rng = random_state if isinstance(random_state, np.random.Generator) else \
        np.random.default_rng(random_state)
    th = lik.space.as_theta(theta)
    N = th.shape[0]
    counts = lik.predicted_counts(th)
    src, bkg = {}, {}
    for t in lik._terms:
        f = t.fold
        s = counts[t.name]
        if data is None:
            S, B = f.S, f.B
        else:
            S, B = data.src(t.name), data.bkg(t.name)
        g = _background(f, S, B, s)
        src[t.name] = rng.poisson(s + g).astype(np.float64)
        if f.B is not None:
            mean = g / f.alpha()
            if t.unit.bkg_ins.poisson:
                bkg[t.name] = rng.poisson(mean).astype(np.float64)
            else:
                sig = np.asarray(t.unit.bkg_errors, dtype=float)
                bkg[t.name] = np.maximum(rng.normal(mean, np.broadcast_to(sig, mean.shape)), 0.0)
        if src[t.name].shape[0] != N:
            src[t.name] = np.broadcast_to(src[t.name], (N, s.shape[1])).copy()
    return StackedData(lik, src, bkg)


# ---------------------------------------------------------------------- batched fit
class BatchFit:
    """Outcome of `batch_fit`.

    Attributes
    ----------
    x : ndarray (N, p)
        Best-fit values (external units) of the varied parameters, per data set.
    theta : ndarray (N, nfree)
        The full free-parameter rows (fixed parameters included).
    stat : ndarray (N,)
        Minimum statistic per data set.
    converged : ndarray of bool (N,)
        The estimated distance to the minimum fell below the tolerance.
    at_limit : ndarray of bool (N, p)
        Which parameters ended on a bound.
    edm : ndarray (N,)
        Estimated distance to minimum ``g·B⁻¹g / 2`` (statistic units).
    niter : int
        Iterations of the slowest data set. ``nfcn``: statistic evaluations (rows).
    """

    def __init__(self, x, theta, stat, converged, at_limit, edm, niter, nfcn, names):
        self.x, self.theta, self.stat = x, theta, stat
        self.converged, self.at_limit, self.edm = converged, at_limit, edm
        self.niter, self.nfcn, self.names = niter, nfcn, names

    @property
    def n(self):
        return self.stat.size


def _stencil(Y, h, lo, hi):
    """Central-difference points around rows ``Y (N, p)``: ``(2p + 1, N, p)`` (centre
    first), clipped to ``[lo, hi]``, and the denominators ``(p, N)``."""
    N, p = Y.shape
    pts = np.repeat(Y[None], 2 * p + 1, axis=0)
    idx = np.arange(p)
    hv = h[:, None] if h.ndim == 1 else h.T  # (p, N): pts[1 + idx, :, idx] is (p, N)
    pts[1 + idx, :, idx] += hv
    pts[1 + p + idx, :, idx] -= hv
    pts = np.clip(pts, lo, hi)
    den = pts[1 + idx, :, idx] - pts[1 + p + idx, :, idx]
    return pts, den


def _fd_hessian(fun, Y, h, lo, hi):
    """Central-difference Hessian ``(N, p, p)`` and gradient of ``fun`` at rows ``Y``.

    One call with ``1 + 2p + 2p(p−1)`` rows per data set (Nocedal & Wright eq. 8.9).
    """
    N, p = Y.shape
    hh = np.broadcast_to(h, (N, p))
    pairs = [(a, b) for a in range(p) for b in range(a + 1, p)]
    rows = [Y]
    for j in range(p):
        for sgn in (1.0, -1.0):
            Z = Y.copy()
            Z[:, j] += sgn * hh[:, j]
            rows.append(Z)
    for a, b in pairs:
        for sa, sb in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
            Z = Y.copy()
            Z[:, a] += sa * hh[:, a]
            Z[:, b] += sb * hh[:, b]
            rows.append(Z)
    P = np.clip(np.stack(rows), lo, hi)
    F = fun(P)
    f0 = F[0]
    H = np.empty((N, p, p))
    g = np.empty((N, p))
    for j in range(p):
        fp, fm = F[1 + 2 * j], F[2 + 2 * j]
        dp = P[1 + 2 * j, :, j] - Y[:, j]
        dm = Y[:, j] - P[2 + 2 * j, :, j]
        g[:, j] = (fp - fm) / np.where(dp + dm > 0, dp + dm, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            H[:, j, j] = 2.0 * ((fp - f0) / dp + (fm - f0) / dm) / (dp + dm)
    base = 1 + 2 * p
    for q, (a, b) in enumerate(pairs):
        fpp, fpm, fmp, fmm = F[base + 4 * q:base + 4 * q + 4]
        da = P[base + 4 * q, :, a] - P[base + 4 * q + 2, :, a]
        db = P[base + 4 * q, :, b] - P[base + 4 * q + 1, :, b]
        with np.errstate(divide="ignore", invalid="ignore"):
            H[:, a, b] = H[:, b, a] = (fpp - fpm - fmp + fmm) / (da * db)
    return f0, g, H


def _positive(H):
    """``H`` made positive definite (batched): eigenvalues replaced by their absolute values
    (the saddle-free Newton choice), floored at ``1e-6`` of the largest; rows with NaNs
    become the identity."""
    bad = ~np.all(np.isfinite(H), axis=(1, 2))
    H = np.where(bad[:, None, None], np.eye(H.shape[1]), H)
    w, V = np.linalg.eigh(0.5 * (H + np.swapaxes(H, 1, 2)))
    w = np.abs(w)
    w = np.maximum(w, np.maximum(1e-6 * w.max(axis=1, keepdims=True), 1e-300))
    return np.einsum("nij,nj,nkj->nik", V, w, V)


def batch_fit(problem, data, start=None, *, step=None, tol=1e-4, maxiter=200, hessian=None):
    """Minimise the statistic of every data set of ``data`` over the varied parameters.

    Parameters
    ----------
    problem : FitProblem
        Which parameters vary (the others held at their values), their bounds and fit
        coordinates (log10 for scale parameters, `bayspec.infer._transform`).
    data : StackedData
        ``N`` data sets of ``problem.lik``'s units.
    start : array (p,) or (N, p), optional
        Start values (external units); default the parameters' current values (the best
        fit of the observed data, after a fit).
    step : array (p,), optional
        Finite-difference steps in fit coordinates, used where smaller than the default
        ``1e-3 max(1, |y|)`` (a twentieth of each parameter's error is a good choice).
    tol : float
        Convergence when the estimated distance to the minimum ``g·B⁻¹g / 2`` is below
        ``tol`` (statistic units).
    maxiter : int
        Iterations at most.
    hessian : array (p, p), optional
        Initial curvature in fit coordinates (shared by all data sets); default a
        central-difference Hessian at each start (one batched call).

    Returns
    -------
    BatchFit

    Notes
    -----
    BFGS on the curvature ``B`` (not its inverse), so that parameters on a bound can be
    removed from the step by solving the reduced system (gradient projection: a parameter
    on its lower bound with a positive gradient, or its upper bound with a negative one, is
    held). Each iteration evaluates the trial point and its ``2p`` central-difference
    neighbours in one kernel call for all data sets still running; a trial that fails the
    Armijo condition is halved, and a search that fails altogether restarts from a
    finite-difference Hessian at the point (multimodal or flat likelihoods, e.g. a
    component's temperature when its normalisation is near 0, mislead BFGS there).
    """
    lik = problem.lik
    if lik is not data.lik:
        raise FitError("the stacked data belong to another likelihood")
    N, p = data.n, len(problem.names)
    lim = problem.coords.limits
    lo, hi = lim[:, 0], lim[:, 1]
    x0 = problem.current() if start is None else np.asarray(start, dtype=float)
    x0 = np.broadcast_to(x0, (N, p)).astype(float)
    Y = np.clip(problem.coords.forward(x0), lo, hi)
    # central differences: a step beyond ~1e-3 of the coordinate meets the third derivative
    # of a poorly constrained parameter (a weak component's log10 normalisation, where the
    # statistic is far from quadratic over its error), a step much smaller meets rounding
    h = 1e-3 * np.maximum(1.0, np.abs(Y[0]))
    if step is not None:
        h = np.minimum(h, np.asarray(step, dtype=float))
    nfcn = 0

    subsets = {}

    def fun(P, rows):
        """Statistic of fit-coordinate rows ``P (r, n, p)`` against data sets ``rows``."""
        nonlocal nfcn
        X = problem.coords.backward(P)
        r, n, _ = X.shape
        th = problem.full(X.reshape(r * n, p)).reshape(r, n, -1)
        if rows is None or rows.size == N:
            d = data
        else:  # the same active rows recur between convergences: keep their prepared terms
            key = rows.tobytes()
            d = subsets.get(key)
            if d is None:
                if len(subsets) > 3:
                    subsets.clear()
                d = subsets[key] = data.take(rows)
        nfcn += r * n
        out = d.stat(th)
        return np.where(np.isfinite(out), out, np.inf)

    all_rows = np.arange(N)
    if hessian is None:  # curvature a little inside the bounds, so the stencil is whole
        Yc = np.clip(Y, lo + 2.0 * h, hi - 2.0 * h)
        B = _fd_hessian(lambda P: fun(P, None), Yc, h, lo, hi)[2]
    else:
        B = np.repeat(np.asarray(hessian, dtype=float)[None], N, axis=0)
    pts, den = _stencil(Y, h, lo, hi)
    F = fun(pts, None)
    f = F[0]
    g = ((F[1:p + 1] - F[p + 1:]) / np.where(den > 0, den, 1.0)).T
    B = _positive(B)
    resets = np.zeros(N, dtype=int)
    edm = np.full(N, np.inf)
    done = np.zeros(N, dtype=bool)
    converged = np.zeros(N, dtype=bool)
    held = np.zeros((N, p), dtype=bool)
    eye = np.eye(p)
    it = 0
    for it in range(1, maxiter + 1):  # noqa: B007 (the count is returned)
        act = all_rows[~done]
        if act.size == 0:
            break
        ya, ga, Ba = Y[act], g[act], B[act]
        held_a = ((ya <= lo + 1e-12) & (ga > 0)) | ((ya >= hi - 1e-12) & (ga < 0))
        gm = np.where(held_a, 0.0, ga)
        Bm = np.where(held_a[:, :, None] | held_a[:, None, :], 0.0, Ba) + held_a[:, :, None] * eye
        d = -np.linalg.solve(Bm, gm[:, :, None])[:, :, 0]
        e = -0.5 * np.einsum("ij,ij->i", gm, d)
        edm[act] = e
        held[act] = held_a
        conv = e < tol
        converged[act[conv]] = True
        done[act[conv]] = True
        act, ya, ga, d, fa = act[~conv], ya[~conv], ga[~conv], d[~conv], f[act[~conv]]
        if act.size == 0:
            break
        slope = np.einsum("ij,ij->i", ga, d)
        t = np.ones(act.size)
        todo = np.arange(act.size)
        for _ in range(_MAX_HALVINGS):
            yt = np.clip(ya[todo] + t[todo, None] * d[todo], lo, hi)
            pts, den = _stencil(yt, h, lo, hi)
            F = fun(pts, act[todo])
            ok = F[0] <= fa[todo] + _ARMIJO * t[todo] * np.minimum(slope[todo], 0.0)
            ok &= np.isfinite(F[0])
            acc = todo[ok]
            if acc.size:
                rows = act[acc]
                gn = ((F[1:p + 1, ok] - F[p + 1:, ok]) / np.where(den[:, ok] > 0, den[:, ok], 1.0)).T
                s = yt[ok] - Y[rows]
                yv = gn - g[rows]
                sy = np.einsum("ij,ij->i", s, yv)
                Bs = np.einsum("nij,nj->ni", B[rows], s)
                sBs = np.einsum("ij,ij->i", s, Bs)
                upd = (sy > 1e-12 * np.maximum(sBs, 1e-300)) & (sBs > 0)
                Bn = B[rows] + np.where(
                    upd[:, None, None],
                    yv[:, :, None] * yv[:, None, :] / np.where(upd, sy, 1.0)[:, None, None]
                    - Bs[:, :, None] * Bs[:, None, :] / np.where(upd, sBs, 1.0)[:, None, None],
                    0.0)
                B[rows] = Bn
                stalled = np.abs(fa[acc] - F[0, ok]) < 1e-10 * np.maximum(1.0, np.abs(F[0, ok]))
                Y[rows], f[rows], g[rows] = yt[ok], F[0, ok], gn
                small = stalled & np.all(np.abs(s) < 1e-9 * np.maximum(1.0, np.abs(yt[ok])), axis=1)
                done[rows[small]] = True
            todo = todo[~ok]
            if todo.size == 0:
                break
            t[todo] *= 0.5
        if todo.size:  # no decrease along the step: restart from the local curvature
            rows = act[todo]
            again = rows[resets[rows] < _MAX_RESETS]
            if again.size:
                Yc = np.clip(Y[again], lo + 2.0 * h, hi - 2.0 * h)
                B[again] = _positive(_fd_hessian(lambda P, rows_=again: fun(P, rows_), Yc, h, lo, hi)[2])
                resets[again] += 1
            done[rows[resets[rows] >= _MAX_RESETS]] = True  # at its (numerical) minimum
    X = np.clip(problem.coords.backward(Y), problem.bounds[:, 0], problem.bounds[:, 1])
    at_lim = (Y <= lo + 1e-9 * np.maximum(1.0, np.abs(lo))) | (Y >= hi - 1e-9 * np.maximum(1.0, np.abs(hi)))
    return BatchFit(X, problem.full(X), f.copy(), converged, at_lim, edm, it, nfcn,
                    list(problem.names))
