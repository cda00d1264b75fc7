"""The batch record of one maximum-likelihood fit (private).

The fit is `bayspec.infer.mle.fit_mle` with several starts (the current values and
``n_starts`` seeded draws screened in one batched kernel call, `FitProblem.screen`), so
results do not depend on the backend. This module only turns the `FitResult` into the plain,
picklable dict the workers send back; ``valid`` has `FitResult`'s one meaning (a valid
minimum with no parameter on a bound) and ``at_limit`` names the parameters on a bound.
"""

from __future__ import annotations

__all__ = ["fit_mle", "fit_record"]


def fit_record(res, dof: int, hesse: bool = True) -> dict:
    """A `FitResult` as the batch's plain dict.

    Returns
    -------
    dict
        ``names``, ``values``, ``errors`` (NaN without ``hesse``), ``statistic``, ``dof``,
        ``valid`` (bool, `FitResult.valid`), ``minimum_valid`` (Minuit's flag),
        ``at_limit`` (``{name: "lower"|"upper"}``), ``message`` (why the result is not
        valid: the parameters on a bound and which bound, or the invalid minimum; else ""),
        ``nfev``, ``edm``, ``log10`` (parameters fitted in log10).
    """
    names = list(res.names)
    errs = [float(res.errors[n]) for n in names] if hesse else [float("nan")] * len(names)
    if res.valid:
        msg = ""
    elif res.at_limit:
        msg = "at a bound: " + "; ".join(res.limit_messages)
    else:
        msg = f"MIGRAD minimum not valid: {res.minimum_status}"
    return {"names": names, "values": [float(res.values[n]) for n in names], "errors": errs,
            "statistic": float(res.stat), "dof": int(dof), "valid": bool(res.valid),
            "minimum_valid": bool(res.minimum_valid),
            "at_limit": {n: v["side"] for n, v in res.at_limit.items()},
            "message": msg, "nfev": int(res.nfcn), "edm": float(res.edm),
            "log10": [n for n, t in zip(names, res.transforms) if t == "log10"]}


def fit_mle(like, *, n_starts: int = 256, seed: int = 0, strategy: int = 1, tol: float = 0.1,
            hesse: bool = True) -> dict:
    """Fit a `bayspec.infer.Likelihood` (free parameters left at the best fit); a plain dict.

    Parameters
    ----------
    like : Likelihood
    n_starts, seed : int
        Seeded draws screened for the start (results are reproducible).
    strategy : int
        iminuit strategy.
    tol : float
        iminuit tolerance (EDM goal ``0.002 * tol``).
    hesse : bool
        Report HESSE errors (NaN otherwise).

    Returns
    -------
    dict
        See `fit_record`.
    """
    from ..infer.mle import fit_mle as _fit

    res = _fit(like, n_starts=int(n_starts), seed=int(seed), strategy=int(strategy),
               tol=float(tol), raise_on_failure=False)
    return fit_record(res, like.dof, hesse=hesse)


