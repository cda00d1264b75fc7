"""Maximum-likelihood fits with iminuit: MIGRAD, then HESSE, optionally MINOS.

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
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..errors import FitError
from ._transform import Coordinates

__all__ = ["FitProblem", "fit_mle"]

#: Fit-coordinate ranges wider than this are not passed to iminuit as limits.
MAX_LIMIT_RANGE = 1e4
#: Penalty scale for steps outside the bounds when no iminuit limit guards them.
_PENALTY = 1e8


class FitProblem:
    """The statistic of a `Likelihood` as a function of fit coordinates.

    Parameters
    ----------
    lik : Likelihood
        The kernel; its free parameters (``lik.free_names``) are the fit variables.

    Attributes
    ----------
    names : list of str
        Free-parameter names (columns of ``theta``).
    coords : Coordinates
        Fit-coordinate transforms of the free parameters.
    """

    def __init__(self, lik):
        self.lik = lik
        self.names = list(lik.free_names)
        if not self.names:
            raise FitError("nothing to fit: every parameter is frozen or linked")
        self.pars = list(lik.free_params.values())
        self.coords = Coordinates(self.pars)
        self.bounds = self.coords.bounds
        lim = self.coords.limits
        width = lim[:, 1] - lim[:, 0]
        self.use_limits = np.isfinite(width) & (width <= MAX_LIMIT_RANGE)
        self.nfcn = 0

    # ------------------------------------------------------------------ statistic
    def stat_x(self, X):
        """Statistic for external values ``X (n, p)``, outside-bound rows penalised."""
        X = np.atleast_2d(np.asarray(X, dtype=float))
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        Xc = np.clip(X, lo, hi)
        out = self.lik.evaluate(Xc)
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

    def fcn(self, y):
        """Scalar statistic at fit coordinates ``y (p,)`` (what iminuit minimises)."""
        return float(self.stat_y(np.asarray(y, dtype=float)[None, :])[0])

    # ------------------------------------------------------------------ iminuit
    def minuit(self, y0, strategy=1, tol=1e-3, batched_grad=False):
        """A configured `iminuit.Minuit` starting at fit coordinates ``y0``.

        With ``batched_grad`` MIGRAD gets the gradient from `grad` (one batched kernel call
        per gradient instead of Minuit's sequential numerical derivatives).
        """
        from iminuit import Minuit

        m = Minuit(self.fcn, np.asarray(y0, dtype=float), name=self.names,
                   grad=self.grad if batched_grad else None)
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

    def start(self, start=None):
        """Fit coordinates of the start point: ``start`` (dict or array) or current values."""
        x = self.lik.space.current()
        if start is not None:
            if isinstance(start, dict):
                for k, v in start.items():
                    if k not in self.names:
                        raise FitError(f"start: {k!r} is not a free parameter; free: {', '.join(self.names)}")
                    x[self.names.index(k)] = float(v)
            else:
                x = np.asarray(start, dtype=float).ravel()
                if x.size != len(self.names):
                    raise FitError(f"start needs {len(self.names)} values ({', '.join(self.names)}), got {x.size}")
        lo, hi = self.bounds[:, 0], self.bounds[:, 1]
        bad = [f"{n} = {v:g} outside [{a:g}, {b:g}]" for n, v, a, b in zip(self.names, x, lo, hi) if not a <= v <= b]
        if bad:
            raise FitError("start point outside the bounds: " + "; ".join(bad))
        return self.coords.forward(x)

    def at_limit(self, y, err_y):
        """Names of parameters whose best fit sits on a bound, with a message each."""
        out = {}
        lim = self.coords.limits
        for j, n in enumerate(self.names):
            for side, edge in (("lower", lim[j, 0]), ("upper", lim[j, 1])):
                if not math.isfinite(edge):
                    continue
                tol = max(1e-6 * (1.0 + abs(edge)), 1e-3 * (err_y[j] if np.isfinite(err_y[j]) else 0.0))
                if abs(y[j] - edge) <= tol or (side == "lower" and y[j] < edge) or (side == "upper" and y[j] > edge):
                    b = self.bounds[j, 0 if side == "lower" else 1]
                    unit = self.pars[j].unit
                    out[n] = f"{n} hit its {side} bound {b:g}{' ' + unit if unit else ''}"
        return out


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


def fit_mle(lik, *, start=None, strategy=1, minos=False, tol=1e-3, raise_on_failure=True,
            batched_grad=False):
    """Fit ``lik`` by maximum likelihood; return a `FitResult` and leave the best fit in the Pars.

    Parameters
    ----------
    lik : Likelihood
    start : dict or array, optional
        Start values (external units) of the free parameters; default their current values.
    strategy : {0, 1, 2}
        Minuit strategy (more derivative evaluations for higher values).
    minos : bool or list of str
        Run MINOS for all (True) or the named free parameters.
    tol : float
        MIGRAD tolerance; the EDM goal is ``0.002 * tol`` (statistic units).
    raise_on_failure : bool
        Raise `FitError` for an invalid minimum or a parameter at a bound (default); with
        False the `FitResult` is returned with ``valid``/``at_limit`` telling what happened.
    batched_grad : bool
        Give MIGRAD a central-difference gradient computed in one batched kernel call
        (fewer sequential evaluations on large problems; HESSE is unchanged).

    Raises
    ------
    FitError
        The minimum is invalid or a parameter ended on a bound; the message names them.
    """
    from .result import FitResult

    problem = FitProblem(lik)
    y0 = problem.start(start)
    m = problem.minuit(y0, strategy=strategy, tol=tol, batched_grad=batched_grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m.migrad()
        if m.fmin.is_valid:
            m.hesse()
    y = np.array(m.values, dtype=float)
    cov_y = np.array(m.covariance, dtype=float) if m.covariance is not None else np.full((len(y),) * 2, np.nan)
    err_y = np.sqrt(np.clip(np.diag(cov_y), 0, None))
    limits = problem.at_limit(y, err_y)
    lo, hi = problem.bounds[:, 0], problem.bounds[:, 1]
    x = np.clip(problem.coords.backward(y), lo, hi)
    lik.space.set(x)
    fmin = m.fmin
    valid = bool(fmin.is_valid) and not limits
    if raise_on_failure and not valid:
        reason = "; ".join(limits.values()) if limits else f"MIGRAD failed: {_status(fmin)}"
        raise FitError(f"fit failed: {reason}")
    merr = None
    if minos and fmin.is_valid:
        which = problem.names if minos is True else list(minos)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.minos(*which)
        merr = {}
        for n in which:
            me = m.merrors[n]
            j = problem.names.index(n)
            xl = problem.coords.backward(np.where(np.arange(len(y)) == j, y + me.lower, y))[j]
            xh = problem.coords.backward(np.where(np.arange(len(y)) == j, y + me.upper, y))[j]
            merr[n] = (float(xl - x[j]), float(xh - x[j]), bool(me.is_valid))
        lik.space.set(x)
    return FitResult.from_fit(lik, problem, y, cov_y, fmin, limits, merr, valid=valid)
