"""Maximum-likelihood fit of one kernel with iminuit (private to the batch package).

Parameters whose prior is `LogUniform` are fitted in log10 (their ranges span many decades;
huge linear limits break iminuit's Hesse); the others in their own units within their
bounds. The start is the best of the current values and ``n_starts`` prior draws, all
evaluated in one batched kernel call. Errors are Hesse errors mapped back to linear units
with the delta method (``σ = ln 10 · x · σ_log10``).
"""

from __future__ import annotations

import numpy as np

from ..errors import FitError

__all__ = ["fit_mle"]


def _is_log(par) -> bool:
    from ..parameter import LogUniform

    lo, hi = par.bounds
    return isinstance(par.prior, LogUniform) and lo > 0 and hi > 0


def fit_mle(like, *, n_starts: int = 256, seed: int = 0, strategy: int = 1, tol: float = 0.1,
            hesse: bool = True) -> dict:
    """Fit a `bayspec.infer.Likelihood`; return the result as a plain dict.

    Parameters
    ----------
    like : Likelihood
        The kernel (its free parameters are left at the best fit).
    n_starts, seed : int
        Number of prior draws screened for the start (seeded: results are reproducible).
    strategy : int
        iminuit strategy.
    tol : float
        iminuit tolerance (EDM goal ``0.002 * tol``).
    hesse : bool
        Run HESSE for the errors.

    Returns
    -------
    dict
        ``names``, ``values``, ``errors``, ``statistic``, ``dof``, ``valid`` (bool),
        ``message`` (why a minimum is invalid, else ""), ``nfev``, ``edm``.
    """
    from iminuit import Minuit

    pars = list(like.free_params.values())
    names = list(like.free_names)
    if not pars:
        raise FitError("no free parameter to fit")
    islog = np.array([_is_log(p) for p in pars])
    b = like.space.bounds()
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(islog, np.log10(np.where(islog, b[:, 0], 1.0)), b[:, 0])
        hi = np.where(islog, np.log10(np.where(islog, b[:, 1], 1.0)), b[:, 1])
        x_cur = np.where(islog, np.log10(np.where(islog, like.space.current(), 1.0)),
                         like.space.current())

    def to_lin(x):
        return np.where(islog, 10.0 ** x, x)

    starts = [x_cur]
    if n_starts > 0:
        rng = np.random.default_rng(seed)
        flo = np.where(np.isfinite(lo), lo, -1e3)
        fhi = np.where(np.isfinite(hi), hi, 1e3)
        starts.append(rng.uniform(flo, fhi, size=(int(n_starts), len(pars))))
    X = np.vstack(starts)
    with np.errstate(all="ignore"):
        s = like.evaluate(to_lin(X))
    s = np.where(np.isfinite(s), s, np.inf)
    if not np.isfinite(s).any():
        raise FitError("the statistic is not finite at any start point")
    x0 = X[int(np.argmin(s))]

    def cost(x):
        with np.errstate(all="ignore"):
            v = float(like.evaluate(to_lin(np.asarray(x))[None, :])[0])
        return v if np.isfinite(v) else 1e300

    m = Minuit(cost, x0, name=[f"x{j}" for j in range(len(pars))])
    m.errordef = Minuit.LEAST_SQUARES  # the statistic is -2 ln L: delta = 1 for 1 sigma
    m.strategy = int(strategy)
    m.tol = float(tol)
    m.limits = [(float(a) if np.isfinite(a) else None, float(c) if np.isfinite(c) else None)
                for a, c in zip(lo, hi)]
    m.migrad()
    if hesse and m.valid:
        m.hesse()
    x = np.array(m.values, dtype=float)
    ex = np.array(m.errors, dtype=float)
    vals = to_lin(x)
    errs = np.where(islog, np.log(10.0) * vals * ex, ex)
    if not (hesse and m.accurate):
        errs = np.where(m.valid, errs, np.nan)
    like.space.set(vals)
    msg = ""
    if not m.valid:
        fm = m.fmin
        why = [k for k in ("has_reached_call_limit", "is_above_max_edm")
               if getattr(fm, k, False)]
        msg = f"MIGRAD minimum not valid ({', '.join(why) or 'see edm'}; edm={fm.edm:.3g})"
    return {"names": names, "values": vals.tolist(), "errors": errs.tolist(),
            "statistic": float(m.fval), "dof": int(like.dof), "valid": bool(m.valid),
            "message": msg, "nfev": int(m.nfcn), "edm": float(m.fmin.edm),
            "log10": [n for n, lg in zip(names, islog) if lg]}
