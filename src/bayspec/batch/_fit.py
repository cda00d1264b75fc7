"""Maximum-likelihood fit of one spectrum for the batch runner (private).

The start is the best of the current values and ``n_starts`` prior draws (log-uniform for
parameters that `bayspec.infer` fits in log10), all scored in one batched kernel call, so results do not depend
on the backend. The fit is `bayspec.infer.mle.fit_mle`; the result is returned as a plain,
picklable dict for the result store.
"""

from __future__ import annotations

import numpy as np

from ..errors import FitError

__all__ = ["fit_mle"]


def _is_log(par) -> bool:
    """Whether ``par`` is fitted (and its starts drawn) in log10: `infer`'s rule."""
    from ..infer._transform import LOG10, transform_for

    return transform_for(par) is LOG10


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
    from ..infer.mle import fit_mle as _infer_fit

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
    # screen the current values and n_starts prior draws in one batched kernel call
    starts = [x_cur]
    if n_starts > 0:
        rng = np.random.default_rng(seed)
        flo = np.where(np.isfinite(lo), lo, -1e3)
        fhi = np.where(np.isfinite(hi), hi, 1e3)
        starts.append(rng.uniform(flo, fhi, size=(int(n_starts), len(pars))))
    X = np.vstack(starts)
    X = np.where(islog, 10.0 ** np.where(islog, X, 0.0), X)
    with np.errstate(all="ignore"):
        s = like.evaluate(X)
    s = np.where(np.isfinite(s), s, np.inf)
    if not np.isfinite(s).any():
        raise FitError("the statistic is not finite at any start point")
    x0 = np.clip(X[int(np.argmin(s))], b[:, 0], b[:, 1])
    # the fit itself is bayspec.infer's (fit coordinates, Hesse, Jacobian back-transform)
    res = _infer_fit(like, start=x0, strategy=int(strategy), tol=float(tol),
                     raise_on_failure=False)
    vals = np.array([res.values[n] for n in names], dtype=float)
    errs = np.array([res.errors[n] for n in names], dtype=float)
    if not hesse:
        errs = np.full_like(errs, np.nan)
    msg = "" if res.valid else (
        "; ".join(res.at_limit.values()) if res.at_limit
        else f"MIGRAD minimum not valid (edm={res.edm:.3g})")
    return {"names": names, "values": vals.tolist(), "errors": errs.tolist(),
            "statistic": float(res.stat), "dof": int(like.dof), "valid": bool(res.valid),
            "message": msg, "nfev": int(res.nfcn), "edm": float(res.edm),
            "log10": [n for n, lg in zip(names, islog) if lg]}
