"""Maximum-likelihood fits with iminuit: MIGRAD, then HESSE, optionally MINOS.

This is the one fitting driver of bayspec: `Infer.fit`, the estimators (flux points with a
norm held at trial values over the groups of one energy bin) and the batch runner (several
starts) all build a `FitProblem` and call `FitProblem.fit` (or `fit_mle`).

The minimiser works in fit coordinates (`bayspec.infer._transform`): log10 for parameters
with `LogUniform`/`LogNormal` priors, the value itself otherwise. Bounds become iminuit
limits in those coordinates when they are finite and of moderate extent; without limits a
step outside the bounds is evaluated at the clipped point plus a steep quadratic penalty,
which leaves the statistic unchanged inside the bounds. The statistics are −2 ln L, so
``errordef = 1`` (a 1σ interval is where the statistic rises by 1).

HESSE estimates the covariance from numerical second derivatives at the minimum; MINOS
follows the profile likelihood to where it rises by ``errordef`` (F. James, *Statistical
Methods in Experimental Physics*, 2nd ed., World Scientific 2006, ch. 9; iminuit
documentation, https://scikit-hep.org/iminuit). Covariances are mapped back to parameter
values with the Jacobian of the fit coordinates; MINOS ends are mapped exactly (the profile
likelihood is invariant under monotonic reparametrisation).

A fit is *valid* when MIGRAD's minimum is valid and no parameter ended on a bound (see
`FitResult`); a parameter on a bound has no symmetric error and the minimum is not a
stationary point, so a result there is reported, flagged, never silently "valid".
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._threads import blas_limited
from ..errors import FitError
from ._transform import Coordinates

__all__ = ["FitProblem", "fit_mle"]

#: Fit-coordinate ranges wider than this are not passed to iminuit as limits.
MAX_LIMIT_RANGE = 1e4
#: iminuit >= 2.26 passes a user Hessian to Minuit2 (seed of MIGRAD and HESSE).
_MINUIT_TAKES_HESSIAN = "hessian" in __import__("inspect").signature(
    __import__("iminuit").Minuit.__init__).parameters
#: Penalty scale for steps outside the bounds when no iminuit limit guards them.
_PENALTY = 1e8
#: Stand-in for an infinite fit-coordinate limit when start points are drawn.
_OPEN_RANGE = 1e3


class FitProblem:
    """A statistic of a `Likelihood` as a function of fit coordinates.

    Parameters
    ----------
    lik : Likelihood
        The kernel; its free parameters (``lik.free_names``) are the fit variables, except
        those in ``fixed``.
    fixed : dict or iterable of str, optional
        Free parameters held at a value during the fit: ``{name: value}`` (external units)
        or names (held at their current values). They keep their column in ``theta`` (the
        statistic sees them) but are not varied; `set_fixed` changes their values.
    stat : callable, optional
        Batched statistic ``f(theta (n, lik.nfree)) -> (n,)`` (−2 ln L) over *all* the
        likelihood's free parameters, e.g. a sum of ``lik.stat_channels(theta)`` over a
        subset of groups. Default ``lik.evaluate`` (the total statistic).

    Attributes
    ----------
    names : list of str
        The varied parameters (columns of the fit coordinates ``y``).
    coords : Coordinates
        Fit-coordinate transforms of the varied parameters.
    """

    def __init__(self, lik, *, fixed=None, stat=None):
        self.lik = lik
        all_names = list(lik.free_names)
        if not all_names:
            raise FitError("nothing to fit: every parameter is frozen or linked")
        if fixed is None:
            fixed = {}
        elif not isinstance(fixed, dict):
            fixed = {n: None for n in fixed}
        unknown = [k for k in fixed if k not in all_names]
        if unknown:
            raise FitError(f"fixed: {', '.join(map(repr, unknown))} not free parameters; "
                           f"free: {', '.join(all_names)}")
        self.all_names = all_names
        self._jvar = np.array([j for j, n in enumerate(all_names) if n not in fixed], dtype=int)
        self._jfix = np.array([all_names.index(k) for k in fixed], dtype=int)
        self.names = [all_names[j] for j in self._jvar]
        if not self.names:
            raise FitError("nothing to fit: every free parameter is held fixed")
        cur = lik.space.current()
        self._xfix = np.array([cur[all_names.index(k)] if v is None else float(v)
                               for k, v in fixed.items()], dtype=float)
        self._stat = lik.evaluate if stat is None else stat
        self.custom_stat = stat is not None
        if stat is None:
            _check_enough_points(int(lik.npoints), self.names)
        free = list(lik.free_params.values())
        self.pars = [free[j] for j in self._jvar]
        self.coords = Coordinates(self.pars)
        self.bounds = self.coords.bounds
        lim = self.coords.limits
        width = lim[:, 1] - lim[:, 0]
        self.use_limits = np.isfinite(width) & (width <= MAX_LIMIT_RANGE)
        self.nfcn = 0
        self._last = None
        self._last_hessian = None

    # ------------------------------------------------------------------ fixed parameters
    @property
    def fixed(self) -> dict:
        """``{name: value}`` of the parameters held fixed."""
        return {self.all_names[j]: float(v) for j, v in zip(self._jfix, self._xfix)}

    def set_fixed(self, values):
        """Change the values of held parameters: ``{name: value}``."""
        names = [self.all_names[j] for j in self._jfix]
        for k, v in dict(values).items():
            if k not in names:
                raise FitError(f"{k!r} is not held fixed in this problem; fixed: {', '.join(names)}")
            self._xfix[names.index(k)] = float(v)
        self._last = self._last_hessian = None

    def full(self, X):
        """Rows ``theta (n, lik.nfree)`` from varied values ``X (n, len(names))``."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if self._jfix.size == 0:
            return X
        th = np.empty((X.shape[0], len(self.all_names)))
        th[:, self._jvar] = X
        th[:, self._jfix] = self._xfix
        return th

    def current(self):
        """Current values of the varied parameters ``(len(names),)``."""
        return self.lik.space.current()[self._jvar]

    def set(self, x):
        """Put varied values ``x`` (and the fixed values) into the parameters."""
        self.lik.space.set(self.full(x)[0])

    # ------------------------------------------------------------------ statistic
    def stat_x(self, X):
        """Statistic for external values ``X (n, p)``, outside-bound rows penalised."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        Xc = np.clip(X, lo, hi)
        out = np.asarray(self._stat(self.full(Xc)), dtype=float)
        if np.any(Xc != X):
            scale = np.where(np.isfinite(hi - lo), hi - lo, 1.0)
            out = out + _PENALTY * np.sum(((X - Xc) / scale) ** 2, axis=1)
        return np.where(np.isfinite(out), out, 1e300)

    def stat_y(self, Y):
        """Statistic for fit coordinates ``Y (n, p)``."""
        self.nfcn += np.atleast_2d(Y).shape[0]
        return self.stat_x(self.coords.backward(np.atleast_2d(Y)))

    def grad(self, y):
        """Central-difference gradient at ``y`` from one batched kernel call (2p rows)."""
        y = np.asarray(y, dtype=float)
        p = y.size
        h = 1e-5 * np.maximum(1.0, np.abs(y))
        Y = np.repeat(y[None, :], 2 * p, axis=0)
        idx = np.arange(p)
        Y[idx, idx] += h
        Y[p + idx, idx] -= h
        f = self.stat_y(Y)
        return (f[:p] - f[p:]) / (2.0 * h)

    @property
    def has_exact_grad(self) -> bool:
        """Whether the statistic is the kernel's total (so `exact_grad` applies)."""
        return not self.custom_stat and hasattr(self.lik, "evaluate_and_grad")

    def rows_value_and_grad(self, Y):
        """Statistic ``(r,)`` and exact gradient ``(r, p)`` in fit coordinates for rows
        ``Y (r, p)``, in one batched kernel call.

        The kernel's gradient (`Likelihood.evaluate_and_grad`) times ``dx/dy`` of the fit
        coordinates (``ln 10 · x`` for log10 coordinates); outside the bounds the value is
        taken at the clipped point plus the quadratic penalty, and so is the gradient.
        """
        Y = np.atleast_2d(np.asarray(Y, dtype=float))
        self.nfcn += Y.shape[0]
        X = self.coords.backward(Y)
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        Xc = np.clip(X, lo, hi)
        f, g = self.lik.evaluate_and_grad(self.full(Xc))
        gx = np.where(Xc == X, g[:, self._jvar], 0.0)
        out = Xc != X
        if np.any(out):
            scale = np.where(np.isfinite(hi - lo), hi - lo, 1.0)
            f = f + _PENALTY * np.sum(((X - Xc) / scale) ** 2, axis=1)
            gx = gx + 2.0 * _PENALTY * (X - Xc) / scale ** 2
        gy = gx * self.coords.jacobian(Y)
        bad = ~np.isfinite(f)
        f = np.where(bad, 1e300, f)
        gy[bad] = 0.0
        return f, gy

    def value_and_grad(self, y):
        """`rows_value_and_grad` of one point ``y (p,)`` (cached for `fcn`)."""
        y = np.asarray(y, dtype=float)
        hit = self._last
        if hit is not None and np.array_equal(hit[0], y):
            return hit[1], hit[2]
        f, g = self.rows_value_and_grad(y[None, :])
        self._last = (y.copy(), float(f[0]), g[0])
        return self._last[1], self._last[2]

    def hessian(self, y, rel_step=1e-6, central=False):
        """Hessian of the statistic in fit coordinates at ``y``: differences of the exact
        gradient, all points in one batched kernel call, symmetrised.

        Forward differences (``p`` rows, the gradient at ``y`` reused when MIGRAD just
        computed it) while minimising; ``central`` (``2p`` rows, error ~h²) for the final
        covariance. Differencing an exact gradient is more accurate than the second
        differences of values HESSE takes, and one batched call replaces HESSE's sequential
        evaluations.
        """
        y = np.asarray(y, dtype=float)
        p = y.size
        h = rel_step * np.maximum(1.0, np.abs(y))
        idx = np.arange(p)
        if central:
            Y = np.repeat(y[None, :], 2 * p, axis=0)
            Y[idx, idx] += h
            Y[p + idx, idx] -= h
            _, G = self.rows_value_and_grad(Y)
            H = (G[:p] - G[p:]) / (2.0 * h[:, None])
        else:
            g0 = self.value_and_grad(y)[1]
            Y = np.repeat(y[None, :], p, axis=0)
            Y[idx, idx] += h
            _, G = self.rows_value_and_grad(Y)
            H = (G - g0[None, :]) / h[:, None]
        return 0.5 * (H + H.T)

    def _hessian_cached(self, y):
        """`hessian` at ``y``, reused when Minuit asks for it and its diagonal at one point."""
        y = np.asarray(y, dtype=float)
        hit = self._last_hessian
        if hit is None or not np.array_equal(hit[0], y):
            hit = self._last_hessian = (y.copy(), self.hessian(y))
        return hit[1]

    def _metric(self, y):
        """The Hessian made positive definite (eigenvalues replaced by their absolute
        values, floored at 1e-8 of the largest): a safe Newton metric for MIGRAD far from
        the minimum, where the true Hessian can be indefinite (Dauphin et al. 2014,
        "saddle-free Newton"). Near a minimum it is the Hessian itself."""
        H = self._hessian_cached(y)
        if _posdef(H):
            return H
        if not np.all(np.isfinite(H)):
            return np.diag(np.where(np.isfinite(np.diag(H)) & (np.diag(H) > 0), np.diag(H), 1.0))
        w, V = np.linalg.eigh(H)
        w = np.maximum(np.abs(w), 1e-8 * max(np.abs(w).max(), 1e-300))
        return (V * w) @ V.T

    def covariance_from_gradient(self, y):
        """``2 H⁻¹`` (the statistic is −2 ln L) in fit coordinates, or None when the Hessian
        is not positive definite (then HESSE is used)."""
        H = self.hessian(y, rel_step=1e-5, central=True)
        try:
            np.linalg.cholesky(H)
        except np.linalg.LinAlgError:
            return None
        return 2.0 * np.linalg.inv(H)

    def exact_grad(self, y):
        """Exact gradient in fit coordinates (see `value_and_grad`)."""
        return self.value_and_grad(y)[1]

    def fcn(self, y):
        """Scalar statistic at fit coordinates ``y (p,)`` (what iminuit minimises)."""
        hit = self._last
        if hit is not None and np.array_equal(hit[0], y):
            return hit[1]
        return float(self.stat_y(np.asarray(y, dtype=float)[None, :])[0])

    # ------------------------------------------------------------------ iminuit
    def minuit(self, y0, strategy=1, tol=1e-3, batched_grad=False, exact_grad=True,
               user_hessian=True):
        """A configured `iminuit.Minuit` starting at fit coordinates ``y0``.

        MIGRAD gets the exact gradient (`exact_grad`) when the statistic is the kernel's
        total and ``exact_grad`` is True; with ``batched_grad`` (or a custom statistic and
        ``batched_grad``) a central-difference gradient from one batched kernel call; else
        Minuit's own numerical derivatives.
        """
        from iminuit import Minuit

        extra = {}
        if exact_grad and self.has_exact_grad and not batched_grad:
            grad = self.exact_grad
            if _MINUIT_TAKES_HESSIAN and user_hessian:
                # the gradient-difference Hessian seeds MIGRAD and serves HESSE
                extra = {"hessian": self._metric,
                         "g2": lambda y: np.diag(self._metric(y))}
        else:
            grad = self.grad if batched_grad else None
        with warnings.catch_warnings():
            # iminuit needs g2 beside a Hessian yet warns that it is unused
            warnings.simplefilter("ignore")
            m = Minuit(self.fcn, np.asarray(y0, dtype=float), name=self.names, grad=grad,
                       **extra)
        self.user_hessian = bool(extra)  # Minuit has __slots__: the flag lives here
        m.errordef = Minuit.LEAST_SQUARES  # statistics are -2 ln L
        m.strategy = strategy
        m.tol = tol
        m.print_level = 0
        lim = self.coords.limits
        for j in range(len(self.names)):
            if self.use_limits[j]:
                m.limits[j] = (float(lim[j, 0]), float(lim[j, 1]))
            m.errors[j] = _initial_step(y0[j], lim[j], self.coords.log[j])
        return m

    # ------------------------------------------------------------------ start points
    def start_values(self, start=None):
        """External start values: ``start`` (dict or array) or the current values, checked."""
        x = self.current()
        if start is not None:
            if isinstance(start, dict):
                for k, v in start.items():
                    if k not in self.names:
                        raise FitError(f"start: {k!r} is not a varied parameter; varied: "
                                       f"{', '.join(self.names)}")
                    x[self.names.index(k)] = float(v)
            else:
                x = np.asarray(start, dtype=float).ravel()
                if x.size != len(self.names):
                    raise FitError(f"start needs {len(self.names)} values ({', '.join(self.names)}), got {x.size}")
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        bad = [f"{n} = {v:g} outside [{a:g}, {b:g}]" for n, v, a, b in zip(self.names, x, lo, hi) if not a <= v <= b]
        if bad:
            raise FitError("start point outside the bounds: " + "; ".join(bad))
        return x

    def start(self, start=None):
        """Fit coordinates of the start point (see `start_values`)."""
        return self.coords.forward(self.start_values(start))

    def screen(self, x0, n_starts, seed=0):
        """The best of ``x0`` and ``n_starts`` random points, scored in one batched call.

        The points are drawn uniformly in fit coordinates within the bounds (log-uniform
        for parameters fitted in log10, i.e. draws from a `Uniform`/`LogUniform` prior over
        the bounds; an open end is replaced by ±1000 in fit coordinates), with a seeded
        generator, so the start does not depend on where the fit runs.

        Returns
        -------
        ndarray (p,)
            External values of the best point, clipped to the bounds.

        Raises
        ------
        FitError
            The statistic is not finite at any point.
        """
        lim = self.coords.limits
        rows = [self.coords.forward(np.asarray(x0, dtype=float))[None, :]]
        if n_starts > 0:
            rng = np.random.default_rng(seed)
            flo = np.where(np.isfinite(lim[:, 0]), lim[:, 0], -_OPEN_RANGE)
            fhi = np.where(np.isfinite(lim[:, 1]), lim[:, 1], _OPEN_RANGE)
            rows.append(rng.uniform(flo, fhi, size=(int(n_starts), len(self.names))))
        X = self.coords.backward(np.vstack(rows))
        with np.errstate(all="ignore"):
            s = np.asarray(self._stat(self.full(X)), dtype=float)
        self.nfcn += X.shape[0]
        s = np.where(np.isfinite(s), s, np.inf)
        if not np.isfinite(s).any():
            raise FitError("the statistic is not finite at any start point")
        return np.clip(X[int(np.argmin(s))], self.bounds[:, 0], self.bounds[:, 1])

    # ------------------------------------------------------------------ bounds
    def at_limit(self, y, err_y):
        """Parameters whose best fit sits on a bound.

        Returns
        -------
        dict
            ``{name: {"side": "lower"|"upper", "bound": value, "message": text}}`` (bound in
            external units), empty when no parameter is on a bound.
        """
        out = {}
        lim = self.coords.limits
        for j, n in enumerate(self.names):
            for side, edge in (("lower", lim[j, 0]), ("upper", lim[j, 1])):
                if not math.isfinite(edge):
                    continue
                tol = max(1e-6 * (1.0 + abs(edge)), 1e-3 * (err_y[j] if np.isfinite(err_y[j]) else 0.0))
                if abs(y[j] - edge) <= tol or (side == "lower" and y[j] < edge) or (side == "upper" and y[j] > edge):
                    b = float(self.bounds[j, 0 if side == "lower" else 1])
                    unit = self.pars[j].unit
                    out[n] = {"side": side, "bound": b,
                              "message": f"{n} hit its {side} bound {b:g}{' ' + unit if unit else ''}"}
        return out

    # ------------------------------------------------------------------ the fit
    @blas_limited
    def fit(self, start=None, *, n_starts=0, seed=0, strategy=1, minos=False, tol=1e-3,
            hesse=True, raise_on_failure=True, batched_grad=False, exact_grad=True):
        """Minimise the statistic; return a `FitResult` and leave the best fit in the Pars.

        Parameters are those of `fit_mle`. Runs with BLAS limited to the user's number of
        threads (`bayspec._threads`: ``BAYSPEC_BLAS_THREADS``, default 1).
        """
        from .result import FitResult

        x0 = self.start_values(start)
        if n_starts:
            x0 = self.screen(x0, n_starts, seed)
        y0 = self.coords.forward(x0)
        m = self.minuit(y0, strategy=strategy, tol=tol, batched_grad=batched_grad,
                        exact_grad=exact_grad)
        cov_y = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if self.user_hessian:
                # Newton-like steps with the user Hessian converge in a few iterations, but
                # Minuit2 stalls with it when a parameter sits on a limit: then redo the
                # minimisation from the start with the gradient alone.
                m.migrad(ncall=25 + 10 * len(y0))
                if not m.fmin.is_valid or not np.isfinite(m.fmin.edm) or m.fmin.edm > m.fmin.edm_goal:
                    m = self.minuit(y0, strategy=strategy, tol=tol, exact_grad=exact_grad,
                                    user_hessian=False)
                    m.migrad()
            else:
                m.migrad()
            if m.fmin.is_valid and hesse:
                if exact_grad and self.has_exact_grad and not batched_grad:
                    cov_y = self.covariance_from_gradient(np.array(m.values, dtype=float))
                if cov_y is None:
                    m.hesse()
        y = np.array(m.values, dtype=float)
        if cov_y is None:
            cov_y = np.array(m.covariance, dtype=float) if m.covariance is not None else \
                np.full((len(y),) * 2, np.nan)
        err_y = np.sqrt(np.clip(np.diag(cov_y), 0, None))
        limits = self.at_limit(y, err_y)
        x = np.clip(self.coords.backward(y), self.bounds[:, 0], self.bounds[:, 1])
        self.set(x)
        fmin = m.fmin
        why = "" if fmin.is_valid else _status(fmin)
        if raise_on_failure and not (fmin.is_valid and not limits):
            reason = ("; ".join(v["message"] for v in limits.values()) if limits
                      else f"MIGRAD failed: {why}")
            raise FitError(reason)
        merr = None
        if minos and fmin.is_valid:
            which = self.names if minos is True else list(minos)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                m.minos(*which)
            merr = {}
            for n in which:
                me = m.merrors[n]
                j = self.names.index(n)
                xl = self.coords.backward(np.where(np.arange(len(y)) == j, y + me.lower, y))[j]
                xh = self.coords.backward(np.where(np.arange(len(y)) == j, y + me.upper, y))[j]
                merr[n] = (float(xl - x[j]), float(xh - x[j]), bool(me.is_valid))
            self.set(x)
        return FitResult.from_fit(self.lik, self, y, cov_y, fmin, limits, merr, minimum_status=why)

    def stat_at(self, x):
        """The statistic at varied values ``x (p,)`` (no penalty: ``x`` inside the bounds)."""
        return float(np.asarray(self._stat(self.full(x)), dtype=float).ravel()[0])


def _check_enough_points(npoints, names):
    """`FitError` when fewer data points (noticed groups) than varied parameters remain.

    With ``N < k`` the statistic has a continuum of exact minima: MIGRAD may still report a
    "valid" minimum (statistic ~ 0, errors meaningless) or wander to a bound, so the fit is
    refused with the counts instead of a misleading result.
    """
    k = len(names)
    if npoints < k:
        raise FitError(f"{npoints} data point{'s' if npoints != 1 else ''}, {k} free "
                       f"parameters ({', '.join(names)}): a fit needs at least as many noticed "
                       "channels (groups) as free parameters; notice a wider energy range, "
                       "group less or freeze parameters")


def _posdef(H):
    """Whether ``H`` is finite and positive definite (Minuit2 stops at once when the
    Hessian it is given at the start is not)."""
    if not np.all(np.isfinite(H)):
        return False
    try:
        np.linalg.cholesky(H)
    except np.linalg.LinAlgError:
        return False
    return True


def _initial_step(y, lim, log):
    if log:
        return 0.1
    step = 0.1 * abs(y) if y != 0 else 0.1
    if np.all(np.isfinite(lim)):
        step = min(step, 0.1 * (lim[1] - lim[0]))
    return max(step, 1e-8)


def _status(fmin):
    flags = []
    if fmin.is_above_max_edm:
        flags.append(f"EDM {fmin.edm:.3g} above goal {fmin.edm_goal:.3g}")
    if fmin.has_reached_call_limit:
        flags.append(f"call limit reached ({fmin.nfcn} calls)")
    if fmin.hesse_failed:
        flags.append("HESSE failed")
    if not fmin.has_posdef_covar:
        flags.append("covariance not positive definite")
    return "; ".join(flags) or "invalid minimum"


def fit_mle(lik, *, start=None, fixed=None, stat=None, n_starts=0, seed=0, strategy=1,
            minos=False, tol=1e-3, hesse=True, raise_on_failure=True, batched_grad=False,
            exact_grad=True):
    """Fit ``lik`` by maximum likelihood; return a `FitResult` and leave the best fit in the Pars.

    Parameters
    ----------
    lik : Likelihood
    start : dict or array, optional
        Start values (external units) of the varied parameters; default their current values.
    fixed : dict or iterable of str, optional
        Free parameters held at a value (``{name: value}``) or at their current values
        (names); see `FitProblem`.
    stat : callable, optional
        Batched statistic ``f(theta (n, lik.nfree)) -> (n,)`` to minimise instead of the
        total (e.g. the groups of one energy bin); see `FitProblem`.
    n_starts, seed : int
        Screen the start and ``n_starts`` seeded random points (`FitProblem.screen`, one
        batched call) and fit from the best (default 0: fit from the start).
    strategy : {0, 1, 2}
        Minuit strategy (more derivative evaluations for higher values).
    minos : bool or list of str
        Run MINOS for all (True) or the named varied parameters.
    tol : float
        MIGRAD tolerance; the EDM goal is ``0.002 * tol`` (statistic units).
    hesse : bool
        Run HESSE after a valid MIGRAD (default); without it the covariance is MIGRAD's.
    raise_on_failure : bool
        Raise `FitError` for an invalid minimum or a parameter at a bound (default); with
        False the `FitResult` is returned with ``valid``, ``minimum_valid`` and ``at_limit``
        telling what happened.
    batched_grad : bool
        Give MIGRAD a central-difference gradient computed in one batched kernel call
        (fewer sequential evaluations on large problems; HESSE is unchanged).
    exact_grad : bool
        Give MIGRAD the kernel's exact gradient (`Likelihood.evaluate_and_grad`) when the
        statistic is the kernel's total (default); False for Minuit's numerical derivatives.

    Raises
    ------
    FitError
        The minimum is invalid or a parameter ended on a bound; the message names them.
    """
    problem = FitProblem(lik, fixed=fixed, stat=stat)
    return problem.fit(start, n_starts=n_starts, seed=seed, strategy=strategy, minos=minos,
                       tol=tol, hesse=hesse, raise_on_failure=raise_on_failure,
                       batched_grad=batched_grad, exact_grad=exact_grad)
