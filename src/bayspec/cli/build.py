"""Turn a validated `FitConfig` into data units, a model and parameter settings."""

from __future__ import annotations

from ..data import Data, DataUnit
from ..errors import BayspecError, ConfigError
from ..model import parse_model
from ..parameter import apply_settings

__all__ = ["build_data", "build_model", "build"]


def build_data(cfg) -> Data:
    """A `Data` with one `DataUnit` per configured unit (in order)."""
    units = []
    for u in cfg.units:
        key = f"units.{u.name}"
        try:
            unit = DataUnit(u.src, bkg=u.bkg, rmf=u.rmf, arf=u.arf, rsp=u.rsp, stat=u.stat,
                            notc=u.notc, grpg=u.grpg, rebn=u.rebn, time=u.time,
                            weight=u.weight, name=u.name, sys_frac=u.sys_frac,
                            bkg_sys=u.bkg_sys)
        except ConfigError:
            raise
        except BayspecError as exc:
            sub = ".notc" if "notc" in exc.problem else (".stat" if "statistic" in
                                                        exc.problem.lower() else "")
            raise ConfigError(f"{exc}", key=key + sub) from None
        units.append(unit)
    return Data(units)


def build_model(cfg):
    """The model of the expression ``cfg.model`` with the ``settings:`` of the configuration
    applied (`ConfigError` on unknown components or settings)."""
    try:
        model = parse_model(cfg.model)
    except BayspecError as exc:
        raise ConfigError(exc.problem, key="model") from None
    try:
        return model.set_settings(cfg.settings) if cfg.settings else model
    except BayspecError as exc:
        raise ConfigError(exc.problem, key="settings") from None


def build(cfg):
    """``(data, model)`` with the configured parameter settings applied.

    Parameters are addressed by full name: the model's (``cpl.Ep``) and the units' scale
    factors (``n6.sf``); the settings grammar is `bayspec.parameter.settings`.
    """
    data = build_data(cfg)
    model = build_model(cfg)
    params = dict(model.params)
    params.update({f"{n}.{k}": p for n, u in data.items() for k, p in u.par.items()})
    try:
        apply_settings(cfg.params, params, key="params")
    except ConfigError as exc:
        raise ConfigError(exc.problem, file=cfg.source, key=exc.key) from None
    return data, model
