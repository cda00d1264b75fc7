"""Many spectra as one problem: ``N`` different units of one model fitted together.

The rows of a PHA-II series, the time bins of a burst or one detector across a catalogue
are different spectra (their own counts, backgrounds, errors and efficiencies) that share
photon bins, channel grouping and — up to their efficiencies — response. For such units

* `ManySpectra` is a data object with the interface of
  `bayspec.infer._multidata.StackedData` (``n``, ``lik``, ``take(rows)``,
  ``stat(theta (r, N, nfree)) -> (r, N)``), so that `bayspec.infer._multidata.batch_fit`
  (batched BFGS with bounds in fit coordinates) is the one batched minimiser. Parameter row
  ``[j, i]`` is evaluated against spectrum ``i`` with one model evaluation for all rows,
  one matrix product per response group (the efficiency-free matrix ``W R`` shared by the
  units of the group, scaled per spectrum by its efficiency ``t_s``) and one statistic call
  on the flattened ``N·k`` data terms (the statistics are sums over groups, so ``N``
  spectra of ``k`` groups are one spectrum of ``N·k`` groups).
* `fit_many` fits them: `batch_fit` to the minimum, then batched Newton steps with
  central-difference Hessians (steps a small fraction of each row's own conditional
  error) that polish the
  minimum and give the covariance ``2 H⁻¹`` in fit coordinates — the statistics are
  −2 ln L, so a 1σ error is where the statistic rises by 1 (F. James, *Statistical Methods
  in Experimental Physics*, 2nd ed., 2006, ch. 9), as for a single fit
  (`bayspec.infer.mle`). Bounds, the at-bound rule and ``valid`` (a converged minimum with no
  parameter on a bound) are those of `bayspec.infer.mle.FitProblem`.

The parameter space is the model's: the units' source, response and background scale
factors must be frozen (their values are applied); otherwise `ManySpectra` raises
`FitError` and callers fit the units one by one.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ..errors import FitError
from ._multidata import _fd_hessian, as_rows, batch_fit
from .likelihood import Likelihood
from .mle import FitProblem

__all__ = ["ManySpectra", "ManyFit", "fit_many", "can_fit_many"]

#: Parameter rows per statistic call (rows × spectra); larger batches are split.
_CHUNK_ROWS = 8192
#: Newton polishing steps after the quasi-Newton minimisation.
_NEWTON_STEPS = 3
#: Difference steps of the Newton stage: the conditional error over this (small steps keep
#: the truncation error of the central differences far below 1e-4 of an error).
_STEP_FRACTION = 200.0
#: Relative central-difference step of the quasi-Newton stage (fit coordinates).
_BFGS_STEP = 1e-5


def _key_array(a):
    return None if a is None else hashlib.sha1(np.ascontiguousarray(a).tobytes()).hexdigest()


def _free_scale(fold):
    pars = list(fold.scale_pars) + ([] if fold.bkg_par is None else [fold.bkg_par])
    return [p for p in pars if p.free]


class ManySpectra:
    """``N`` spectra of one model with shared photon bins, grouping and response shape.

    Parameters
    ----------
    units : list of DataUnit
        The spectra (at least one). Each unit's fold (`DataUnit.fold`) gives its data
        terms; all must have the same kept photon bins and integration plan, the same
        number of noticed groups, the same statistic and the same kinds of data terms
        (background or not, errors or not), and frozen scale factors.
    model : Model
        Predicts every unit's source spectrum; its free parameters are the fit parameters.

    Attributes
    ----------
    lik : Likelihood
        Of the first unit with ``model``: the parameter space (``theta`` columns) and the
        plan of the model evaluation; `FitProblem` is built on it.
    n : int
        Number of spectra.
    ngroups : int
        Number of distinct responses (one matrix product each per evaluation).

    Raises
    ------
    FitError
        A scale factor is free, or the units do not share photon bins, grouping, statistic
        or kinds of data terms (the message names the first offending unit).
    """

    def __init__(self, units, model):
        units = list(units)
        if not units:
            raise FitError("ManySpectra needs at least one unit")
        folds = [u.fold(model) for u in units]
        f0 = folds[0]
        for u, f in zip(units, folds):
            free = _free_scale(f)
            if free:
                raise FitError(f"unit {u.name!r}: scale factor(s) {', '.join(p.name for p in free)} "
                               "free; fitting many spectra together needs frozen scale factors "
                               "(fit this unit on its own)")
            _check_same(u, f, units[0], f0)
        self.lik = Likelihood([(units[0], model)])
        self.lik.sync()
        self.model = model
        self.names = [u.name for u in units]
        self._template = f0
        N, k = len(units), f0.S.size
        self.k = k
        bc = lambda x: np.broadcast_to(np.asarray(x, dtype=float), (k,))  # noqa: E731
        self.S = np.stack([f.S for f in folds])
        self.B = None if f0.B is None else np.stack([f.B for f in folds])
        self.sS = None if f0.sS is None else np.stack([bc(f.sS) for f in folds])
        self.sB = None if f0.sB is None else np.stack([bc(f.sB) for f in folds])
        self.ts = np.stack([bc(f.ts) for f in folds])
        self.tb = None if f0.B is None else np.stack(
            [bc(f.tb) * float(f.bkg_par.value if f.bkg_par is not None else 1.0) for f in folds])
        self.factor = np.array([np.prod([p.value for p in f.scale_pars]) for f in folds], float)
        self.weight = np.array([float(np.mean(f.weight)) for f in folds], float)
        # response groups: units whose grouped, noticed response (before efficiency) is equal
        keys, mats, gid = {}, [], np.empty(N, dtype=int)
        for i, (u, f) in enumerate(zip(units, folds)):
            key = _key_array(np.asarray(u.rsp_drm, dtype=float)[f.keep])
            j = keys.get(key)
            if j is None:
                j = keys[key] = len(mats)
                with np.errstate(divide="ignore", invalid="ignore"):
                    mats.append(np.ascontiguousarray(
                        np.where(bc(f.ts) > 0, f.matrix / bc(f.ts)[None, :], 0.0)))
            gid[i] = j
        self._mats = mats
        self._gid = gid
        self.n = N
        self._prepared = None

    @property
    def ngroups(self):
        return int(np.unique(self._gid).size)

    # ------------------------------------------------------------------ subsets
    def take(self, rows):
        """The spectra ``rows`` (indices) as a new `ManySpectra` sharing the matrices."""
        rows = np.asarray(rows, dtype=int)
        out = object.__new__(ManySpectra)
        out.lik, out.model, out._template, out.k = self.lik, self.model, self._template, self.k
        out.names = [self.names[i] for i in rows]
        for a in ("S", "B", "sS", "sB", "ts", "tb"):
            v = getattr(self, a)
            setattr(out, a, None if v is None else v[rows])
        out.factor, out.weight, out._gid = self.factor[rows], self.weight[rows], self._gid[rows]
        out._mats = self._mats
        out.n = int(rows.size)
        out._prepared = None
        return out

    # ------------------------------------------------------------------ evaluation
    def counts(self, theta):
        """Predicted source counts ``(r, N, k)`` for parameter rows ``theta (r, N, nfree)``
        (scale factors applied)."""
        th = np.asarray(theta, dtype=float)
        r, N, nf = th.shape
        lik = self.lik
        flat = lik.space.as_theta(th.reshape(r * N, nf))
        vals = lik.space.values(flat)
        g = lik._groups[0]
        t = lik._terms[0]
        v = g.model.node_values(g.plan, g.pvals(vals))[:, t.a:t.b]
        f0 = self._template
        if not f0.folded:
            v = (f0.wt @ v.T).T
        v = v.reshape(r, N, -1)
        out = np.empty((r, N, self.k))
        eff = self.ts * self.factor[:, None]
        for j in np.unique(self._gid):
            sel = np.flatnonzero(self._gid == j)
            if sel.size == N:
                out[:] = (v.reshape(r * N, -1) @ self._mats[j]).reshape(r, N, -1) * eff
            else:
                c = v[:, sel].reshape(r * sel.size, -1) @ self._mats[j]
                out[:, sel] = c.reshape(r, sel.size, -1) * eff[sel]
        return out

    def stat(self, theta):
        """Statistic of parameter rows ``theta (N, nfree)`` or ``(r, N, nfree)``: row
        ``[j, i]`` against spectrum ``i`` → ``(N,)`` or ``(r, N)`` (−2 ln L of each row,
        weighted)."""
        th, single = as_rows(theta, self.n, FitError)
        r = th.shape[0]
        step = max(1, _CHUNK_ROWS // self.n)
        if r > step:
            out = np.concatenate([self.stat(th[i:i + step]) for i in range(0, r, step)])
            return out[0] if single else out
        if self._prepared is None:
            f0 = self._template
            rav = lambda x: None if x is None else x.ravel()  # noqa: E731
            self._prepared = f0.func.prepare(self.S.ravel(), rav(self.B), self.ts.ravel(),
                                             1.0 if self.tb is None else self.tb.ravel(),
                                             rav(self.sS), rav(self.sB))
        with np.errstate(all="ignore"):
            m = self.counts(th)
            s = self._prepared(m.reshape(r, self.n * self.k))
        out = s.reshape(r, self.n, self.k).sum(axis=2) * self.weight
        return out[0] if single else out


def _check_same(u, f, u0, f0):
    """`FitError` unless fold ``f`` of unit ``u`` matches the first unit's in what a shared
    evaluation needs."""
    why = None
    if f.S.size != f0.S.size:
        why = f"{f.S.size} noticed groups, not {f0.S.size}"
    elif f.keep.shape != f0.keep.shape or not np.array_equal(f.keep, f0.keep) \
            or not np.array_equal(f.ebin, f0.ebin):
        why = "other photon bins"
    elif not np.array_equal(f.plan.nodes, f0.plan.nodes) or f.folded != f0.folded \
            or f.matrix.shape != f0.matrix.shape:
        why = "another integration plan"
    elif f.stat_name.lower() != f0.stat_name.lower():
        why = f"statistic {f.stat_name}, not {f0.stat_name}"
    elif (f.B is None) != (f0.B is None) or (f.sS is None) != (f0.sS is None) \
            or (f.sB is None) != (f0.sB is None):
        why = "other kinds of data terms (background or errors present in one, not the other)"
    elif not np.array_equal(np.asarray(u.rsp_chbin), np.asarray(u0.rsp_chbin)):
        why = "other channel groups (energy ranges of the noticed groups)"
    if why is not None:
        raise FitError(f"unit {u.name!r} cannot be fitted with {u0.name!r} as one problem: "
                       f"{why}; units must share photon bins, grouping, noticed channels and "
                       "statistic (fit them one by one)")


def can_fit_many(units, model):
    """``(True, "")`` when `ManySpectra` accepts ``units`` with ``model``, else
    ``(False, reason)`` (the `FitError` message)."""
    try:
        ManySpectra(units, model)
    except FitError as exc:
        return False, str(exc)
    return True, ""


class ManyFit:
    """Outcome of `fit_many`, one row per spectrum.

    Attributes
    ----------
    names : list of str
        The fitted parameters (columns of ``values`` and ``errors``).
    units : list of str
        Unit names (rows).
    values, errors : ndarray (N, p)
        Best fit and 1σ errors (external units; errors from ``2 H⁻¹`` in fit coordinates
        mapped with the Jacobian, NaN where the Hessian is not positive definite).
    stat : ndarray (N,)
        Minimum statistic. ``dof`` : int, noticed groups minus fitted parameters (the same
        for every row).
    converged : ndarray of bool (N,)
        Minimum found (estimated distance to it below tolerance) with a positive-definite
        Hessian: the analogue of `FitResult.minimum_valid`.
    at_limit : ndarray of bool (N, p)
        Parameters on a bound (the rule of `FitProblem.at_limit`).
    at_limit_side : ndarray of str (N, p)
        ``"lower"``, ``"upper"`` or ``""``.
    valid : ndarray of bool (N,)
        ``converged`` and no parameter on a bound (`FitResult.valid`).
    edm : ndarray (N,)
        Estimated distance to the minimum ``g·H⁻¹g / 2`` after polishing.
    nfcn : int
        Statistic evaluations (rows) in all.
    log10 : ndarray of bool (p,)
        Which parameters were fitted in log10 (`bayspec.infer._transform`).
    """

    def __init__(self, **kw):
        self.__dict__.update(kw)

    @property
    def n(self):
        return self.stat.size

    def row(self, i):
        """``{name: value}``, ``{name: error}`` and ``{name: side}`` (bounds hit) of row ``i``."""
        vals = {n: float(v) for n, v in zip(self.names, self.values[i])}
        errs = {n: float(v) for n, v in zip(self.names, self.errors[i])}
        lim = {n: str(s) for n, s, a in zip(self.names, self.at_limit_side[i], self.at_limit[i])
               if a}
        return vals, errs, lim


def _at_limit(problem, Y, err_y):
    """Vectorised `FitProblem.at_limit`: ``(N, p)`` flags and side names."""
    lim = problem.coords.limits
    lo, hi = lim[:, 0], lim[:, 1]
    e = np.where(np.isfinite(err_y), err_y, 0.0)
    tlo = np.maximum(1e-6 * (1.0 + np.abs(np.where(np.isfinite(lo), lo, 0.0))), 1e-3 * e)
    thi = np.maximum(1e-6 * (1.0 + np.abs(np.where(np.isfinite(hi), hi, 0.0))), 1e-3 * e)
    low = np.isfinite(lo) & ((np.abs(Y - lo) <= tlo) | (Y < lo))
    up = np.isfinite(hi) & ((np.abs(Y - hi) <= thi) | (Y > hi))
    side = np.where(low, "lower", np.where(up, "upper", ""))
    return low | up, side


def _steps(H, h0):
    """Difference steps ``(N, p)``: the conditional error ``sqrt(2 / H_jj)`` over `_STEP_FRACTION`
    where that is finite and positive, at most ``h0``, at least ``1e-7 h0``."""
    d = np.diagonal(H, axis1=1, axis2=2)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.sqrt(2.0 / d) / _STEP_FRACTION
    h = np.where(np.isfinite(h) & (h > 0), np.minimum(h, h0), h0)
    return np.maximum(h, 1e-7 * h0)


def _newton(fun, Y, H, h0, lo, hi, steps):
    """Batched projected Newton steps from rows ``Y (N, p)`` with central-difference
    gradients and Hessians (steps from `_steps`, refreshed at every point, starting from
    the curvature ``H``); a step is kept only where it lowers the statistic. Returns
    ``Y, f, g, H`` at the last point (``H`` evaluated there with steps from its own
    curvature)."""
    N, p = Y.shape
    h = _steps(H, h0)
    f, g, H = _fd_hessian(fun, Y, h, lo, hi)
    h = _steps(H, h0)
    f, g, H = _fd_hessian(fun, Y, h, lo, hi)
    eye = np.eye(p)
    for _ in range(steps):
        held = ((Y <= lo + 1e-12) & (g > 0)) | ((Y >= hi - 1e-12) & (g < 0))
        ok = np.all(np.isfinite(H), axis=(1, 2)) & np.all(np.isfinite(g), axis=1)
        Hm = np.where(held[:, :, None] | held[:, None, :], 0.0, np.where(ok[:, None, None], H, 0.0))
        Hm = Hm + (held | ~ok[:, None])[:, :, None] * eye
        gm = np.where(held | ~ok[:, None], 0.0, g)
        try:
            d = -np.linalg.solve(Hm, gm[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:
            break
        pd = np.all(np.linalg.eigvalsh(0.5 * (Hm + np.swapaxes(Hm, 1, 2))) > 0, axis=1)
        d = np.where(pd[:, None] & np.all(np.isfinite(d), axis=1)[:, None], d, 0.0)
        if not np.any(d):
            break
        Yn = np.clip(Y + d, lo, hi)
        h = _steps(H, h0)
        fn, gn, Hn = _fd_hessian(fun, Yn, h, lo, hi)
        better = np.isfinite(fn) & (fn <= f + 1e-9 * np.maximum(1.0, np.abs(f)))
        Y = np.where(better[:, None], Yn, Y)
        f = np.where(better, fn, f)
        g = np.where(better[:, None], gn, g)
        H = np.where(better[:, None, None], Hn, H)
        if not np.any(better):
            break
    return Y, f, g, H


def _screen(problem, fun, x0, n_starts, seed):
    """Per row, the best of ``x0 (N, p)`` and the ``n_starts`` points of
    `FitProblem.screen` (uniform in fit coordinates within the bounds, ±1000 for an open
    end, the same seeded draws), scored in one call; external values ``(N, p)``."""
    from .mle import _OPEN_RANGE

    lim = problem.coords.limits
    rng = np.random.default_rng(seed)
    flo = np.where(np.isfinite(lim[:, 0]), lim[:, 0], -_OPEN_RANGE)
    fhi = np.where(np.isfinite(lim[:, 1]), lim[:, 1], _OPEN_RANGE)
    draws = rng.uniform(flo, fhi, size=(int(n_starts), lim.shape[0]))
    N = x0.shape[0]
    P = np.concatenate([problem.coords.forward(x0)[None],
                        np.repeat(draws[:, None, :], N, axis=1)])
    with np.errstate(all="ignore"):
        F = fun(P)
    best = np.argmin(np.where(np.isfinite(F), F, np.inf), axis=0)
    X = problem.coords.backward(P[best, np.arange(N)])
    return np.clip(X, problem.bounds[:, 0], problem.bounds[:, 1])


def _covariance(H):
    """``2 H⁻¹`` per row (NaN where ``H`` is not finite and positive definite)."""
    N, p, _ = H.shape
    ok = np.all(np.isfinite(H), axis=(1, 2))
    Hs = np.where(ok[:, None, None], 0.5 * (H + np.swapaxes(H, 1, 2)), np.eye(p))
    w = np.linalg.eigvalsh(Hs)
    ok &= np.all(w > 0, axis=1)
    cov = np.full((N, p, p), np.nan)
    if ok.any():
        cov[ok] = 2.0 * np.linalg.inv(Hs[ok])
    return cov, ok


def fit_many(units, model, *, start=None, n_starts=0, seed=0, tol=1e-4, maxiter=60,
             edm_goal=1e-3, data=None):
    """Fit ``model`` to every unit, all together (see the module notes).

    Parameters
    ----------
    units : list of DataUnit
        Spectra accepted by `ManySpectra` (ignored when ``data`` is given).
    model : Model
        Its current parameter values are the start of every fit (unless ``start``); they
        are not changed.
    start : array (p,) or (N, p), optional
        Start values (external units) of the model's free parameters.
    n_starts, seed : int
        Screen the start and ``n_starts`` seeded random points per spectrum, all in one
        statistic call, and start each fit from its best: the points of
        `FitProblem.screen` (the same draws for the same seed), so each row starts where
        its single fit would.
    tol : float
        Convergence of `batch_fit`: estimated distance to the minimum (statistic units).
    maxiter : int
        Iterations at most of `batch_fit` (rows still running are polished by the Newton
        steps and flagged unless they then meet ``edm_goal``).
    edm_goal : float
        A row is ``converged`` when its estimated distance to the minimum after the Newton
        steps is below this (statistic units).
    data : ManySpectra, optional
        Reuse a data object built earlier.

    Returns
    -------
    ManyFit

    Raises
    ------
    FitError
        The units cannot be fitted as one problem (free scale factors, other photon bins,
        grouping or statistic): fit them one by one.
    """
    data = ManySpectra(units, model) if data is None else data
    problem = FitProblem(data.lik)
    N, p = data.n, len(problem.names)
    lim = problem.coords.limits
    lo, hi = lim[:, 0], lim[:, 1]
    nfcn = 0

    def fun(P):
        nonlocal nfcn
        X = problem.coords.backward(P)
        r = X.shape[0]
        th = problem.full(X.reshape(r * N, p)).reshape(r, N, -1)
        nfcn += r * N
        out = data.stat(th)
        return np.where(np.isfinite(out), out, np.inf)

    x0 = problem.current() if start is None else np.asarray(start, dtype=float)
    x0 = np.broadcast_to(x0, (N, p)).astype(float)
    if n_starts:
        x0 = _screen(problem, fun, x0, n_starts, seed)
    y0 = np.clip(problem.coords.forward(x0), lo, hi)
    # small shared steps: bright spectra have conditional errors ~1e-3 in fit coordinates
    step = _BFGS_STEP * np.maximum(1.0, np.abs(y0).max(axis=0))
    bf = batch_fit(problem, data, start=x0, step=step, tol=tol, maxiter=maxiter)
    nfcn += bf.nfcn
    Y = np.clip(problem.coords.forward(bf.x), lo, hi)
    # curvature at the minimum with default steps, then steps of a fraction of each
    # parameter's conditional error sqrt(2 / H_jj) (the marginal error is far too large
    # a step when parameters are correlated)
    h0 = 1e-3 * np.maximum(1.0, np.abs(Y))
    _, _, H = _fd_hessian(fun, Y, h0, lo, hi)
    Y, f, g, H = _newton(fun, Y, H, h0, lo, hi, _NEWTON_STEPS)
    cov, posdef = _covariance(H)
    err_y = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
    X = np.clip(problem.coords.backward(Y), problem.bounds[:, 0], problem.bounds[:, 1])
    J = np.where(problem.coords.log, np.log(10.0) * X, 1.0)
    errors = err_y * np.abs(J)
    at_lim, side = _at_limit(problem, Y, err_y)
    free = ~at_lim
    gm = np.where(free, g, 0.0)
    with np.errstate(invalid="ignore"):
        cf = np.where(free[:, :, None] & free[:, None, :], np.nan_to_num(cov), 0.0)
        edm = 0.25 * np.einsum("ni,nij,nj->n", gm, cf, gm)  # g·H⁻¹g/2 with H⁻¹ = cov/2
    converged = (edm < edm_goal) & np.isfinite(f)
    converged &= posdef | at_lim.any(axis=1)
    valid = converged & ~at_lim.any(axis=1) & posdef
    return ManyFit(names=list(problem.names), units=list(data.names), values=X, errors=errors,
                   stat=f, dof=int(data.lik.npoints) - p, converged=converged, at_limit=at_lim,
                   at_limit_side=side, valid=valid, edm=edm, nfcn=nfcn,
                   log10=np.asarray(problem.coords.log, dtype=bool))
