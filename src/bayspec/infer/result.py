"""`FitResult`: what a maximum-likelihood fit found, and the profile intervals around it.

Statistics are −2 ln(L / L_saturated) (XSPEC convention), so ``stat`` is a goodness-of-fit
statistic relative to the saturated model and information criteria read

* ``aic = stat + 2 k`` (Akaike 1974),
* ``bic = stat + k ln N`` (Schwarz 1978),

with ``k`` free parameters and ``N`` noticed groups. Both differ from the textbook
``−2 ln L + ...`` by a data-only constant, so only differences between models fitted to the
same data are meaningful.
"""

from __future__ import annotations

import json
import math

import numpy as np

from ..constants import ONE_SIGMA
from ..errors import FitError

__all__ = ["FitResult", "ParDict"]


class ParDict(dict):
    """A dict keyed by full parameter names that also accepts an unambiguous short name.

    ``d["cpl.alpha"]`` always works; ``d["alpha"]`` works when exactly one key ends in
    ``.alpha``. Iteration, ``len`` and ``keys()`` see the full names only.
    """

    def _full(self, key):
        if dict.__contains__(self, key):
            return key
        if isinstance(key, str):
            hits = [k for k in dict.keys(self) if k.rsplit(".", 1)[-1] == key]
            if len(hits) == 1:
                return hits[0]
            if len(hits) > 1:
                raise KeyError(f"{key!r} is ambiguous; use one of {', '.join(hits)}")
        raise KeyError(f"{key!r} not found; known: {', '.join(map(str, dict.keys(self)))}")

    def __getitem__(self, key):
        return dict.__getitem__(self, self._full(key))

    def __contains__(self, key):
        try:
            self._full(key)
        except KeyError:
            return False
        return True

    def get(self, key, default=None):
        return self[key] if key in self else default


def _finite_or_none(v):
    v = float(v)
    return v if math.isfinite(v) else None


def _limits(at_limit) -> dict:
    """``at_limit`` in its one form, ``{name: {"side", "bound", "message"}}``.

    A plain message (the form of results saved by older versions) is kept as the message,
    with the side read from it and an unknown bound.
    """
    out = {}
    for name, v in dict(at_limit or {}).items():
        if isinstance(v, dict):
            b = v.get("bound")
            out[name] = {"side": str(v.get("side", "")),
                         "bound": float("nan") if b is None else float(b),
                         "message": str(v.get("message") or f"{name} hit its {v.get('side')} bound {b}")}
        else:
            msg = str(v)
            side = "lower" if "lower" in msg else ("upper" if "upper" in msg else "")
            out[name] = {"side": side, "bound": float("nan"), "message": msg}
    return out


class FitResult:
    """Outcome of `bayspec.infer.mle.fit_mle` (normally via ``Infer.fit``).

    Attributes
    ----------
    names : list of str
        Free parameters, in covariance order.
    values, errors : ParDict
        Best-fit values and 1σ HESSE errors (external units), by full name (short names
        accepted when unambiguous).
    covariance, correlation : ndarray (k, k)
        HESSE covariance (external units) and correlation matrix, in ``names`` order.
    errors_lo, errors_hi : ParDict or None
        MINOS errors (``errors_lo`` negative), when requested.
    params : dict
        Values of every parameter (free, frozen, linked) at the best fit.
    stat : float
        Best-fit statistic (−2 ln L ratio to the saturated model).
    stat_per_unit : dict
        Statistic of each data unit.
    dof, npoints, nfree : int
    aic, bic : float
        ``stat + 2k`` and ``stat + k ln N`` (relative to the saturated model).
    valid : bool
        The one meaning of "valid" everywhere in bayspec: MIGRAD's minimum is valid
        (``minimum_valid``) **and** no parameter ended on a bound (``at_limit`` empty). A
        parameter on a bound has no symmetric error and the statistic is not stationary
        there, so such a result is reported (values, statistic) but flagged, not valid.
    minimum_valid : bool
        Minuit's valid-minimum flag alone (EDM below goal, covariance positive definite,
        no call limit reached).
    minimum_status : str
        Why the minimum is not valid (e.g. ``"EDM 0.3 above goal 0.0002"``); ``""`` if it is.
    at_limit : dict
        ``{name: {"side": "lower"|"upper", "bound": value, "message": text}}`` for
        parameters that ended on a bound (``bound`` in parameter units); empty otherwise.
    converged : bool
        The same as ``valid`` (an older name, kept for existing code).
    edm : float
        Estimated distance to minimum. ``nfcn``: number of statistic evaluations.
    """

    def __init__(self, *, names, values, errors, covariance, stat, stat_per_unit, dof, npoints,
                 minimum_valid, at_limit=None, minimum_status="", edm=float("nan"), nfcn=0,
                 errors_lo=None, errors_hi=None, minos_valid=None, params=None, fit_coords=None, transforms=None,
                 fit_covariance=None, problem=None):
        self.names = list(names)
        self.values = ParDict(values)
        self.errors = ParDict(errors)
        self.covariance = np.asarray(covariance, dtype=float)
        self.stat = float(stat)
        self.stat_per_unit = dict(stat_per_unit)
        self.dof = int(dof)
        self.npoints = int(npoints)
        self.nfree = len(self.names)
        self.minimum_valid = bool(minimum_valid)
        self.minimum_status = "" if self.minimum_valid else str(minimum_status or "invalid minimum")
        self.at_limit = _limits(at_limit)
        self.valid = self.minimum_valid and not self.at_limit
        self.edm = float(edm)
        self.nfcn = int(nfcn)
        self.errors_lo = None if errors_lo is None else ParDict(errors_lo)
        self.errors_hi = None if errors_hi is None else ParDict(errors_hi)
        self.minos_valid = None if minos_valid is None else dict(minos_valid)
        self.params = dict(params or {})
        self.fit_coords = None if fit_coords is None else np.asarray(fit_coords, dtype=float)
        self.transforms = list(transforms or [])
        self.fit_covariance = None if fit_covariance is None else np.asarray(fit_covariance, dtype=float)
        self._problem = problem
        self._intervals = {}

    @property
    def converged(self) -> bool:
        """The same as ``valid`` (kept for code written against the older name)."""
        return self.valid

    @property
    def limit_messages(self) -> list:
        """One line per parameter on a bound, e.g. ``"cpl.Ep hit its upper bound 1e+04 keV"``."""
        return [v["message"] for v in self.at_limit.values()]

    @property
    def status(self) -> str:
        """``"valid"``, ``"invalid minimum: <why>"`` or ``"at bound: <name> (<side>), ..."``."""
        if not self.minimum_valid:
            return f"invalid minimum: {self.minimum_status}"
        if self.at_limit:
            return "at bound: " + ", ".join(f"{n} ({v['side']})" for n, v in self.at_limit.items())
        return "valid"

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_fit(cls, lik, problem, y, cov_y, fmin, limits, merr, minimum_status=""):
        """The result of `FitProblem.fit` (parameters already at the best fit)."""
        names = problem.names
        x = np.array([p.value for p in problem.pars])
        cov = problem.coords.covariance_to_external(y, cov_y)
        err = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        kw = {}
        if merr:
            kw["errors_lo"] = {n: v[0] for n, v in merr.items()}
            kw["errors_hi"] = {n: v[1] for n, v in merr.items()}
            kw["minos_valid"] = {n: v[2] for n, v in merr.items()}
        if problem.custom_stat:  # a partial statistic: no per-unit split
            stat, per_unit = problem.stat_at(x), {}
        else:
            stat, per_unit = lik.stat(), lik.stat_per_unit()
        return cls(names=names, values=dict(zip(names, map(float, x))),
                   errors=dict(zip(names, map(float, err))), covariance=cov, stat=stat,
                   stat_per_unit=per_unit, dof=lik.npoints - len(names), npoints=lik.npoints,
                   minimum_valid=bool(fmin.is_valid), at_limit=limits,
                   minimum_status=minimum_status, edm=fmin.edm,
                   nfcn=problem.nfcn, params={k: float(p.value) for k, p in lik.params.items()},
                   fit_coords=y, transforms=[t.name for t in problem.coords.transforms],
                   fit_covariance=cov_y, problem=problem, **kw)

    # ------------------------------------------------------------------ derived numbers
    @property
    def correlation(self) -> np.ndarray:
        """Correlation matrix ``C_ij / sqrt(C_ii C_jj)``."""
        d = np.sqrt(np.diag(self.covariance))
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.covariance / np.outer(d, d)

    @property
    def aic(self) -> float:
        """Akaike information criterion ``stat + 2k`` (relative to the saturated model)."""
        return self.stat + 2.0 * self.nfree

    @property
    def bic(self) -> float:
        """Bayesian information criterion ``stat + k ln N`` (relative to the saturated model)."""
        return self.stat + self.nfree * math.log(max(self.npoints, 1))

    def covariance_table(self):
        """The covariance as an astropy Table with a ``name`` column."""
        from astropy.table import Table

        t = Table({"name": self.names})
        for j, n in enumerate(self.names):
            t[n] = self.covariance[:, j]
        return t

    def table(self):
        """Parameters as an astropy Table: name, value, error (MINOS errors), ``at_limit``.

        ``at_limit`` is ``"lower"``/``"upper"`` for a parameter on that bound, else ``""``;
        the table's meta holds ``valid``, ``minimum_valid`` and the bound messages.
        """
        from astropy.table import Table

        t = Table()
        t["name"] = self.names
        t["value"] = [self.values[n] for n in self.names]
        t["error"] = [self.errors[n] for n in self.names]
        if self.errors_lo is not None:
            t["minos_lo"] = [self.errors_lo.get(n, np.nan) for n in self.names]
            t["minos_hi"] = [self.errors_hi.get(n, np.nan) for n in self.names]
        t["at_limit"] = [self.at_limit[n]["side"] if n in self.at_limit else "" for n in self.names]
        t.meta["valid"] = self.valid
        t.meta["minimum_valid"] = self.minimum_valid
        if self.at_limit:
            t.meta["at_limit"] = self.limit_messages
        return t

    # ------------------------------------------------------------------ profile intervals
    def _need_problem(self):
        if self._problem is None:
            raise FitError("profile intervals need the likelihood; this result was loaded from a "
                           "dict — refit with Infer.fit()")
        return self._problem

    def _key(self, name):
        return self.values._full(name)

    def interval(self, name, cl=ONE_SIGMA):
        """Profile-likelihood interval ``(lo, hi)`` of ``name`` at confidence ``cl``.

        The other free parameters are re-minimised at each trial value; the ends are where
        the statistic rises by ``chi2.ppf(cl, 1)`` above the minimum (Wilks 1938). An end
        that reaches a bound is the bound.
        """
        from .intervals import profile_interval

        key = self._key(name)
        return profile_interval(self._need_problem(), self, key, cl)

    def upper_limit(self, name, cl=0.95):
        """One-sided profile-likelihood upper limit of ``name`` at confidence ``cl``.

        The statistic rises by ``chi2.ppf(2 cl - 1, 1)`` (2.706 for 95 %) above the minimum.
        """
        from .intervals import profile_upper_limit

        key = self._key(name)
        return profile_upper_limit(self._need_problem(), self, key, cl)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict:
        """A JSON-safe dict (NaN and inf become None)."""

        def mat(a):
            return None if a is None else [[_finite_or_none(v) for v in row] for row in np.asarray(a)]

        d = {
            "names": self.names,
            "values": {k: _finite_or_none(v) for k, v in self.values.items()},
            "errors": {k: _finite_or_none(v) for k, v in self.errors.items()},
            "covariance": mat(self.covariance),
            "stat": self.stat, "stat_per_unit": self.stat_per_unit,
            "dof": self.dof, "npoints": self.npoints,
            "valid": self.valid, "minimum_valid": self.minimum_valid,
            "minimum_status": self.minimum_status, "status": self.status,
            "at_limit": {k: {"side": v["side"], "bound": _finite_or_none(v["bound"]),
                             "message": v["message"]} for k, v in self.at_limit.items()},
            "edm": _finite_or_none(self.edm), "nfcn": self.nfcn,
            "params": {k: _finite_or_none(v) for k, v in self.params.items()},
            "transforms": self.transforms,
            "fit_coords": None if self.fit_coords is None else [_finite_or_none(v) for v in self.fit_coords],
            "fit_covariance": mat(self.fit_covariance),
            "aic": self.aic, "bic": self.bic,
        }
        if self.errors_lo is not None:
            d["errors_lo"] = dict(self.errors_lo)
            d["errors_hi"] = dict(self.errors_hi)
            d["minos_valid"] = self.minos_valid
        return d

    @classmethod
    def from_dict(cls, d: dict) -> FitResult:
        """Rebuild from `to_dict` output (profile intervals then need a refit).

        Dicts written before ``minimum_valid`` existed (where ``valid`` was Minuit's flag and
        ``at_limit`` held messages) are read with their meaning kept.
        """

        def num(v):
            return float("nan") if v is None else float(v)

        def mat(a):
            return None if a is None else np.array([[num(v) for v in row] for row in a], dtype=float)

        return cls(names=d["names"], values={k: num(v) for k, v in d["values"].items()},
                   errors={k: num(v) for k, v in d["errors"].items()}, covariance=mat(d["covariance"]),
                   stat=d["stat"], stat_per_unit=d["stat_per_unit"], dof=d["dof"], npoints=d["npoints"],
                   minimum_valid=d.get("minimum_valid", d["valid"]), at_limit=d.get("at_limit"),
                   minimum_status=d.get("minimum_status", ""),
                   edm=num(d.get("edm")), nfcn=d.get("nfcn", 0), errors_lo=d.get("errors_lo"),
                   errors_hi=d.get("errors_hi"), minos_valid=d.get("minos_valid"),
                   params={k: num(v) for k, v in d.get("params", {}).items()},
                   fit_coords=None if d.get("fit_coords") is None else [num(v) for v in d["fit_coords"]],
                   transforms=d.get("transforms"), fit_covariance=mat(d.get("fit_covariance")))

    def to_json(self, **kw) -> str:
        return json.dumps(self.to_dict(), **kw)

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        from ._repr import result_text

        return result_text(self)

    def _repr_html_(self) -> str:
        from ._repr import result_html

        return result_html(self)
