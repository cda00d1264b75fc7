"""The fit configuration file (YAML): reading and validating it.

A configuration names the data units, the model, parameter settings, the method and what
to write::

    units:                       # one entry per data unit (name: settings)
      n6:
        src: n6.pha              # paths are relative to the config file's folder
        bkg: n6.bak              # optional; "none" for no background
        rsp: n6.rsp              # or rmf: + arf:
        notc: [[8, 900]]         # keV; one [lo, hi] or a list of them
        stat: pgstat             # cstat, wstat, pstat, pgstat, chi2, ...
        grpg: {min_evt: 5}       # optional grouping policy ("none": channel by channel)
        sys_frac: 0.02           # optional systematic fraction of the counts (chi2 only)
        bkg_sys: false           # optional: background SYS_ERR in pgstat's variance
    model: cpl                   # an expression: "band + bb", "cpl * hecut", ...
    settings: {cpl.E0: 100}      # optional model settings by name (Model.set_settings)
    params:                      # optional, by full name (bayspec.parameter.settings)
      cpl.Ep: {value: 300, prior: [loguniform, 10, 10000]}
      cpl.alpha: {value: -1.2, bounds: [-1.5, 0]}   # hard limits; the prior is kept, truncated
      cpl.K: 0.05                # a number sets the value
      b1.sf: free                # free / frozen
      n9.sf: {link: n6.sf}       # share another parameter's value
    method: emcee                # mle, emcee or nested; or a mapping with name: and options
    options: {nsteps: 1000, nwalkers: 32, seed: 42}
    fluxes: [[10, 1000]]         # keV ranges of photon and energy fluxes
    plots: [fit, spectrum, corner]
    goodness: {nsim: 1000}       # simulated goodness of fit (bayspec.cli.checks)
    compare: [cpl, cpl + bb]     # models compared on the same data (bayspec.cli.checks)

Every problem raises `ConfigError` with the key that holds it (``units.n6.notc``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from ..data.notice import normalize_notc
from ..errors import BayspecError, ConfigError
from ..parameter import parse_settings

__all__ = ["FitConfig", "UnitConfig", "load_config", "parse_config", "METHODS",
           "PLOTS"]

METHODS = ("mle", "emcee", "nested")
PLOTS = ("fit", "spectrum", "corner", "counts", "peek")
_TOP_KEYS = {"units", "model", "params", "method", "options", "fluxes", "plots", "name",
             "sed", "settings", "goodness", "compare"}
_UNIT_KEYS = {"src", "bkg", "rsp", "rmf", "arf", "notc", "grpg", "rebn", "stat", "time",
              "weight", "sys_frac", "bkg_sys"}
_FILE_KEYS = ("src", "bkg", "rsp", "rmf", "arf")


@dataclasses.dataclass
class UnitConfig:
    """Settings of one data unit; file entries are resolved, existing paths (or None)."""

    name: str
    src: str
    bkg: object = None
    rsp: str | None = None
    rmf: str | None = None
    arf: str | None = None
    notc: list | None = None
    grpg: object = None
    rebn: object = None
    stat: str = "pgstat"
    time: float | None = None
    weight: float = 1.0
    sys_frac: float = 0.0
    bkg_sys: bool = False


@dataclasses.dataclass
class FitConfig:
    """A validated fit configuration (see the module docstring for the YAML form)."""

    units: list
    model: str
    params: dict = dataclasses.field(default_factory=dict)  # name -> ParSettings
    settings: dict = dataclasses.field(default_factory=dict)  # "cpl.E0" -> value
    method: str = "mle"
    options: dict = dataclasses.field(default_factory=dict)
    fluxes: list = dataclasses.field(default_factory=lambda: [[10.0, 1000.0]])
    plots: list = dataclasses.field(default_factory=lambda: ["fit", "spectrum", "corner"])
    name: str = "fit"
    sed: str = "nufnu"
    source: str | None = None
    raw: dict = dataclasses.field(default_factory=dict)
    goodness: dict | None = None  # bayspec.cli.checks.parse_goodness
    compare: dict | None = None  # bayspec.cli.checks.parse_compare


def load_config(path) -> FitConfig:
    """Read and validate the YAML file ``path``; relative file names are resolved against
    its folder."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("configuration file not found", file=path)
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}", file=path) from None
    cfg = parse_config(raw, base=path.parent, where=str(path))
    cfg.source = str(path)
    return cfg


def _fail(key, problem, where=None):
    raise ConfigError(problem, file=where, key=key)


def _number(x, key, where):
    if isinstance(x, bool):
        _fail(key, f"must be a number, got {x!r}", where)
    try:
        return float(x)
    except (TypeError, ValueError):
        _fail(key, f"must be a number, got {x!r}", where)


def _file(value, key, base, where):
    if not isinstance(value, (str, Path)):
        _fail(key, f"must be a file name, got {value!r}", where)
    text = str(value)
    stem, index = text, ""
    for sep in ("{", ":"):  # "file{3}" / "file:3" select a PHA-II row or RSP2 matrix
        head, s, tail = text.rpartition(sep)
        if s and head and tail.rstrip("}").isdigit():
            stem, index = head, text[len(head):]
            break
    p = Path(stem).expanduser()
    if not p.is_absolute():
        p = Path(base) / p
    if not p.exists():
        _fail(key, f"file not found: {p}", where)
    return str(p) + index


def _unit(name, spec, base, where):
    key = f"units.{name}"
    if not isinstance(spec, dict):
        _fail(key, "must be a mapping with at least src: (and rsp: or rmf:)", where)
    unknown = set(spec) - _UNIT_KEYS
    if unknown:
        _fail(f"{key}.{sorted(unknown)[0]}",
              f"unknown unit setting; allowed: {', '.join(sorted(_UNIT_KEYS))}", where)
    if "src" not in spec or spec["src"] in (None, ""):
        _fail(f"{key}.src", "missing: every unit needs a source spectrum file", where)
    u = UnitConfig(name=str(name), src=_file(spec["src"], f"{key}.src", base, where))
    for k in ("bkg", "rsp", "rmf", "arf"):
        v = spec.get(k)
        if v is None:
            continue
        if k == "bkg" and (v is False or str(v).strip().lower() == "none"):
            u.bkg = False
            continue
        setattr(u, k, _file(v, f"{key}.{k}", base, where))
    if u.rsp is not None and (u.rmf is not None or u.arf is not None):
        _fail(f"{key}.rsp", "give either rsp or rmf (+ arf), not both", where)
    if u.arf is not None and u.rmf is None:
        _fail(f"{key}.arf", "an arf needs an rmf: too (or give a full rsp:)", where)
    if "notc" in spec and spec["notc"] is not None:
        try:
            u.notc = normalize_notc(spec["notc"]).tolist()
        except BayspecError as exc:
            _fail(f"{key}.notc", exc.problem, where)
    stat = spec.get("stat", "pgstat")
    from ..stat import get_statistic  # the statistic registry names the known ones

    try:
        get_statistic(stat)
    except BayspecError as exc:
        _fail(f"{key}.stat", exc.problem, where)
    u.stat = str(stat)
    for k in ("grpg", "rebn"):
        v = spec.get(k)
        if v is not None and not isinstance(v, dict) and str(v).strip().lower() != "none":
            _fail(f"{key}.{k}", f"must be 'none' or a grouping policy mapping, got {v!r}", where)
        setattr(u, k, v)
    if spec.get("time") is not None:
        u.time = _number(spec["time"], f"{key}.time", where)
    if spec.get("weight") is not None:
        u.weight = _number(spec["weight"], f"{key}.weight", where)
    if spec.get("sys_frac") is not None:
        u.sys_frac = _number(spec["sys_frac"], f"{key}.sys_frac", where)
    if spec.get("bkg_sys") is not None:
        if not isinstance(spec["bkg_sys"], bool):
            _fail(f"{key}.bkg_sys", f"must be true or false, got {spec['bkg_sys']!r}", where)
        u.bkg_sys = spec["bkg_sys"]
    return u


def _params(raw, where):
    """``{name: ParSettings}`` of the ``params:`` mapping (grammar: `bayspec.parameter.settings`)."""
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        _fail("params", "must be a mapping of parameter name to setting", where)
    try:
        return {str(k): parse_settings(v, key=f"params.{k}") for k, v in params.items()}
    except ConfigError as exc:
        _fail(exc.key, exc.problem, where)


def _settings(raw, model, where):
    """``{name: value}`` of the ``settings:`` mapping, checked on the model it applies to
    (names and values as `bayspec.model.Model.set_settings` takes them)."""
    settings = raw.get("settings") or {}
    if not isinstance(settings, dict):
        _fail("settings", "must be a mapping of setting name to value, e.g. {cpl.E0: 100}", where)
    settings = {str(k): v for k, v in settings.items()}
    from ..model import parse_model

    try:
        probe = parse_model(model)
    except BayspecError:
        return settings  # the model: key reports its own problem
    for k, v in settings.items():
        try:
            probe.set_settings({k: v})
        except BayspecError as exc:
            _fail(f"settings.{k}", exc.problem, where)
    return settings


def _method(raw, where):
    m = raw.get("method", "mle")
    options = dict(raw.get("options") or {})
    if not isinstance(raw.get("options") or {}, dict):
        _fail("options", "must be a mapping of method options", where)
    if isinstance(m, dict):
        m = dict(m)
        name = m.pop("name", None)
        if name is None:
            _fail("method.name", "missing: say which method (mle, emcee or nested)", where)
        options = {**m, **options}
        m = name
    m = str(m).strip().lower()
    if m not in METHODS:
        _fail("method", f"unknown method {m!r}; use one of {', '.join(METHODS)}", where)
    return m, options


def _fluxes(value, where):
    if value is None:
        return []
    if not isinstance(value, (list, tuple)):
        _fail("fluxes", "must be a list of [e1, e2] energy ranges (keV)", where)
    if len(value) == 2 and all(isinstance(v, (int, float)) for v in value):
        value = [value]
    out = []
    for i, r in enumerate(value):
        if not isinstance(r, (list, tuple)) or len(r) != 2:
            _fail(f"fluxes[{i}]", f"must be [e1, e2] in keV, got {r!r}", where)
        e1, e2 = (_number(x, f"fluxes[{i}]", where) for x in r)
        if not 0 < e1 < e2:
            _fail(f"fluxes[{i}]", f"needs 0 < e1 < e2 (keV), got [{e1:g}, {e2:g}]", where)
        out.append([e1, e2])
    return out


def parse_config(raw, base=".", where=None) -> FitConfig:
    """Validate a configuration mapping (as read from YAML) into a `FitConfig`.

    Parameters
    ----------
    raw : dict
    base : path
        Folder that relative file names are resolved against.
    where : str, optional
        Name of the configuration (a file name) for messages.
    """
    if not isinstance(raw, dict):
        _fail(None, "the configuration must be a mapping with units: and model:", where)
    unknown = set(raw) - _TOP_KEYS
    if unknown:
        _fail(sorted(unknown)[0], f"unknown key; allowed: {', '.join(sorted(_TOP_KEYS))}",
              where)
    units = raw.get("units")
    if not units:
        _fail("units", "missing: name at least one data unit (units: {n6: {src: ..., "
              "rsp: ...}})", where)
    if isinstance(units, list):  # a list of mappings with name:
        pairs = []
        for i, u in enumerate(units):
            if not isinstance(u, dict) or "name" not in u:
                _fail(f"units[{i}]", "list entries need a name: (or write units as a mapping)",
                      where)
            u = dict(u)
            pairs.append((u.pop("name"), u))
    elif isinstance(units, dict):
        pairs = list(units.items())
    else:
        _fail("units", "must be a mapping of unit name to settings", where)
    unit_cfgs = [_unit(n, s, base, where) for n, s in pairs]
    model = raw.get("model")
    if not isinstance(model, str) or not model.strip():
        _fail("model", "missing: give a model expression such as 'cpl' or 'band + bb'", where)
    params = _params(raw, where)
    settings = _settings(raw, model.strip(), where)
    method, options = _method(raw, where)
    plots = raw.get("plots", ["fit", "spectrum", "corner"])
    if isinstance(plots, str):
        plots = [plots]
    for p in plots or []:
        if p not in PLOTS:
            _fail("plots", f"unknown plot {p!r}; known: {', '.join(PLOTS)}", where)
    fluxes = _fluxes(raw.get("fluxes", [[10.0, 1000.0]]), where)
    sed = str(raw.get("sed", "nufnu"))
    from .checks import parse_compare, parse_goodness

    goodness = parse_goodness(raw.get("goodness"), where)
    compare = parse_compare(raw.get("compare"), where)
    return FitConfig(units=unit_cfgs, model=model.strip(),
                     params=params, settings=settings, method=method,
                     options=options, fluxes=fluxes, plots=list(plots or []),
                     name=str(raw.get("name", "fit")), sed=sed, raw=raw,
                     goodness=goodness, compare=compare)
