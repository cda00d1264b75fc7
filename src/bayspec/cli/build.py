"""Turn a validated `FitConfig` into data units, a model and parameter settings."""

from __future__ import annotations

import math

from ..data import Data, DataUnit
from ..errors import BayspecError, ConfigError
from ..model import parse_model
from ..parameter import Improper, LogUniform, Uniform, prior_from_spec

__all__ = ["build_data", "build_model", "apply_params", "build"]



def build_data(cfg) -> Data:
    """A `Data` with one `DataUnit` per configured unit (in order)."""
    units = []
    for u in cfg.units:
        key = f"units.{u.name}"
        try:
            unit = DataUnit(u.src, bkg=u.bkg, rmf=u.rmf, arf=u.arf, rsp=u.rsp, stat=u.stat,
                            notc=u.notc, grpg=u.grpg, rebn=u.rebn, time=u.time,
                            weight=u.weight, name=u.name)
        except ConfigError:
            raise
        except BayspecError as exc:
            sub = ".notc" if "notc" in exc.problem else (".stat" if "statistic" in
                                                        exc.problem.lower() else "")
            raise ConfigError(f"{exc}", key=key + sub) from None
        units.append(unit)
    return Data(units)


def build_model(cfg):
    """The model of the expression ``cfg.model`` (`ConfigError` on unknown components)."""
    try:
        return parse_model(cfg.model)
    except BayspecError as exc:
        raise ConfigError(exc.problem, key="model") from None


def _prior(kind, args, key):
    try:
        return prior_from_spec([kind, *args])
    except BayspecError as exc:
        raise ConfigError(exc.problem, key=key) from None


def _bounded_like(prior, lo, hi):
    """A prior of the same family as ``prior`` restricted to ``[lo, hi]``."""
    if isinstance(prior, LogUniform) and lo > 0:
        return LogUniform(lo, hi)
    if all(map(math.isfinite, (lo, hi))):
        return Uniform(lo, hi)
    return Improper(lo, hi)


def apply_params(params, settings):
    """Apply `ParSetting` s to the ``{name: Par}`` mapping ``params``; `ConfigError` naming
    ``params.<name>`` on unknown names or invalid settings."""
    for s in settings:
        key = f"params.{s.name}"
        par = params.get(s.name) if hasattr(params, "get") else None
        if par is None:
            raise ConfigError(f"unknown parameter; known: {', '.join(params)}", key=key)
        try:
            new_prior = None
            if s.prior is not None:
                new_prior = _prior(*s.prior, key=f"{key}.prior")
            elif s.bounds is not None:
                new_prior = _bounded_like(par.prior, *s.bounds)
            if new_prior is None:
                if s.value is not None:
                    par.value = s.value
            else:
                _reprior(par, new_prior, s.value)
                if s.bounds is not None and s.prior is not None:
                    par.bounds = s.bounds
            if s.frozen is not None:
                par.frozen = s.frozen
            if s.link is not None:
                other = params.get(s.link)
                if other is None:
                    raise ConfigError(f"link target {s.link!r} is not a parameter; known: "
                                      f"{', '.join(params)}", key=f"{key}.link")
                par.link(other)
        except ConfigError:
            raise
        except BayspecError as exc:
            raise ConfigError(exc.problem, key=key) from None


def _reprior(par, prior, value):
    """Give ``par`` the prior ``prior`` and (optionally) the value ``value``, in whichever
    order keeps every intermediate state valid."""
    lo, hi = par.bounds
    slo, shi = map(float, prior.support)
    par.prior = Improper(min(lo, slo), max(hi, shi))  # wide enough for old and new values
    if value is not None:
        par.value = value
    elif not slo <= par.value <= shi:  # keep the start inside the new support
        par.value = min(max(par.value, slo), shi)
    par.prior = prior


def build(cfg):
    """``(data, model)`` with the configured parameter settings applied."""
    data = build_data(cfg)
    model = build_model(cfg)
    params = dict(model.params)
    params.update({f"{n}.{k}": p for n, u in data.items() for k, p in u.par.items()})
    apply_params(params, cfg.params)
    return data, model
