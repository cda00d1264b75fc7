"""One grammar for a parameter's settings: parse, validate, apply to a `Par`, write back.

The fit configuration (``params:`` of ``bayspec fit``), the batch templates and saved
analyses (``analysis.yaml``) all describe parameters with this one grammar. An entry is

- a number: the value (``cpl.alpha: -1.2``);
- ``"free"`` or ``"frozen"`` (also ``thaw``/``thawed`` and ``freeze``/``fixed``/``fix``);
- a mapping with any of these keys:

  ``value``
      The value (the start of a fit). It must lie within the bounds.
  ``prior``
      ``[kind, *args]`` (see `bayspec.parameter.spec`; ``{kind: [args]}`` and
      ``"kind(args)"`` work too). It *replaces* the prior, and the bounds become its support
      unless ``bounds`` is given as well.
  ``bounds``
      ``[lo, hi]``: hard limits, as in XSPEC and sherpa. They narrow the allowed range and
      **keep the prior** (the one given in the same entry, else the current one), truncated
      to ``[lo, hi]``: the prior density is unchanged inside and zero outside (`Par.logprior`),
      the fit stays inside, and the nested samplers draw from the normalised truncated prior.
      ``bounds`` never changes the prior's family or parameters, so ``{bounds: [10, 1000]}``
      on a ``Normal`` prior is a truncated normal, not a uniform. The bounds must lie within
      the prior's support: to widen the range, give a ``prior`` that covers it.
      When no ``value`` is given and the current value falls outside the new bounds, the value
      moves to the nearest bound.
  ``frozen``
      true or false (``free`` is accepted as its opposite).
  ``link``
      Another parameter's name: this parameter takes that one's value (it is no longer free).
      The name is resolved by the caller (full names such as ``"band.Ep"`` in a fit
      configuration). A linked parameter takes no ``value``.

Keys left out leave that part of the parameter as it is. Settings are applied all at once:
when one is invalid, the parameter is left unchanged and a `ConfigError` names the key
(``params.cpl.Ep.bounds: ...``). `settings_of` writes a parameter back to the mapping form,
which `apply_settings` reads to the same value, prior, bounds, frozen flag and link.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping

from ..errors import BayspecError, ConfigError, ParameterError
from .par import Par, _identity
from .prior import Prior
from .spec import prior_from_spec, prior_to_spec

__all__ = ["SETTING_KEYS", "ParSettings", "parse_settings", "apply_settings", "settings_of"]

#: the keys of the mapping form (``free`` is accepted as the opposite of ``frozen``).
SETTING_KEYS = ("value", "prior", "bounds", "frozen", "link")
_ALLOWED = set(SETTING_KEYS) | {"free"}
_FREE_WORDS = ("free", "thaw", "thawed")
_FROZEN_WORDS = ("frozen", "freeze", "fixed", "fix")
_FORMS = "a number, 'free', 'frozen' or a mapping of " + ", ".join(SETTING_KEYS)


def _fail(key, problem):
    raise ConfigError(problem, key=key)


def _sub(key, name):
    return name if key is None else f"{key}.{name}"


def _number(x, key) -> float:
    """``float(x)``; numeric strings pass, since YAML 1.1 reads ``1e5`` as a string."""
    if isinstance(x, bool):
        _fail(key, f"must be a number, got {x!r}")
    try:
        v = float(x)
    except (TypeError, ValueError):
        _fail(key, f"must be a number, got {x!r}")
    if math.isnan(v):
        _fail(key, "must be a number, got nan")
    return v


@dataclasses.dataclass(frozen=True)
class ParSettings:
    """Validated settings of one parameter (None: leave that part as it is).

    Attributes
    ----------
    value : float or None
    prior : Prior or None
    bounds : (float, float) or None
        Hard limits; the prior is kept, truncated to them (module docstring).
    frozen : bool or None
    link : str or None
        Name of the parameter to take the value from, resolved when applied.
    """

    value: float | None = None
    prior: Prior | None = None
    bounds: tuple | None = None
    frozen: bool | None = None
    link: str | None = None

    def to_dict(self) -> dict:
        """The mapping form (only the keys that are set; the prior as ``[kind, *args]``)."""
        out = {}
        if self.value is not None:
            out["value"] = self.value
        if self.prior is not None:
            out["prior"] = prior_to_spec(self.prior)
        if self.bounds is not None:
            out["bounds"] = list(self.bounds)
        if self.frozen is not None:
            out["frozen"] = self.frozen
        if self.link is not None:
            out["link"] = self.link
        return out


def parse_settings(entry, key: str | None = None) -> ParSettings:
    """Validate one settings entry (any form of the module docstring).

    Parameters
    ----------
    entry : float, str, dict or ParSettings
    key : str, optional
        Where the entry sits (``"params.cpl.Ep"``), for messages.

    Raises
    ------
    ConfigError
        Naming ``key`` and the offending setting (``params.cpl.Ep.bounds``).
    """
    if isinstance(entry, ParSettings):
        return entry
    if isinstance(entry, str):
        word = entry.strip().lower()
        if word in _FREE_WORDS:
            return ParSettings(frozen=False)
        if word in _FROZEN_WORDS:
            return ParSettings(frozen=True)
        _fail(key, f"must be {_FORMS}; got {entry!r}")
    if isinstance(entry, (int, float)) and not isinstance(entry, bool):
        return ParSettings(value=_number(entry, key))
    if not isinstance(entry, Mapping):
        _fail(key, f"must be {_FORMS}; got {entry!r}")
    unknown = sorted(set(map(str, entry)) - _ALLOWED)
    if unknown:
        _fail(_sub(key, unknown[0]), f"unknown parameter setting; allowed: {', '.join(SETTING_KEYS)}")
    got = {k: v for k, v in entry.items() if v is not None}
    out = {}
    if "value" in got:
        out["value"] = _number(got["value"], _sub(key, "value"))
    if "prior" in got:
        try:
            out["prior"] = prior_from_spec(got["prior"])
        except BayspecError as exc:
            _fail(_sub(key, "prior"), exc.problem)
    if "bounds" in got:
        out["bounds"] = _bounds(got["bounds"], _sub(key, "bounds"))
    out["frozen"] = _frozen(got, key)
    if "link" in got:
        if not isinstance(got["link"], str) or not got["link"].strip():
            _fail(_sub(key, "link"), f"must be another parameter's name, got {got['link']!r}")
        if "value" in got:
            _fail(_sub(key, "value"), "a linked parameter takes its value from the link; "
                  "give value or link, not both")
        out["link"] = got["link"].strip()
    return ParSettings(**out)


def _bounds(b, key) -> tuple:
    if isinstance(b, (str, bytes)) or not hasattr(b, "__len__") or len(b) != 2:
        _fail(key, f"must be [lo, hi], got {b!r}")
    lo, hi = (_number(x, key) for x in b)
    if not lo < hi:
        _fail(key, f"needs lo < hi, got [{lo:g}, {hi:g}]")
    return (lo, hi)


def _frozen(got, key):
    flags = []
    for k in ("frozen", "free"):
        if k in got:
            if not isinstance(got[k], bool):
                _fail(_sub(key, k), f"must be true or false, got {got[k]!r}")
            flags.append(got[k] if k == "frozen" else not got[k])
    if len(set(flags)) > 1:
        _fail(_sub(key, "free"), "contradicts frozen")
    return flags[0] if flags else None


def _resolver(lookup) -> Callable[[str], Par]:
    """``name -> Par`` from a mapping or a callable; `ConfigError` for unknown names."""
    if isinstance(lookup, Mapping):
        known = ", ".join(map(str, lookup))

        def find(name, key):
            par = lookup.get(name)
            if not isinstance(par, Par):
                _fail(key, f"unknown parameter {name!r}; known: {known}")
            return par
    else:
        def find(name, key):
            try:
                par = lookup(name)
            except (KeyError, AttributeError, BayspecError) as exc:
                why = exc.problem if isinstance(exc, BayspecError) else (exc.args[0] if exc.args else exc)
                _fail(key, f"unknown parameter {name!r} ({why})")
            if not isinstance(par, Par):
                _fail(key, f"unknown parameter {name!r}")
            return par
    return find


def _apply_one(par: Par, s: ParSettings, find, key) -> None:
    target = find(s.link, _sub(key, "link")) if s.link is not None else None
    if target is not None and (target is par or par in target._dependencies()):
        _fail(_sub(key, "link"), f"circular link with {s.link!r}")
    if s.value is not None and par.linked and s.link is None:
        _fail(_sub(key, "value"), "the parameter is linked; its value comes from the link")
    prior = s.prior if s.prior is not None else par.prior
    if s.bounds is not None:
        lo, hi = s.bounds
        slo, shi = prior.support
        if lo < slo or hi > shi:
            hint = "" if s.prior is not None else " (bounds keep the prior and only narrow it)"
            _fail(_sub(key, "bounds"), f"[{lo:g}, {hi:g}] reach outside the support "
                  f"[{slo:g}, {shi:g}] of the prior {prior!r}{hint}; give a prior that "
                  "covers them")
    else:
        lo, hi = prior.support if s.prior is not None else par.bounds
    if s.value is not None and not lo <= s.value <= hi:
        _fail(_sub(key, "value"), f"{s.value:g} is outside the bounds [{lo:g}, {hi:g}]")
    if target is not None:
        par.unlink()
    value = None
    if not par.linked:  # a linked value comes from the link; else keep the start in range
        value = s.value if s.value is not None else min(max(par.value, lo), hi)
    try:
        par.update(value=value, prior=s.prior, bounds=s.bounds)
        if s.frozen is not None:
            par.frozen = s.frozen
        if target is not None:
            par.link(target)
    except ParameterError as exc:  # a case the checks above do not foresee
        _fail(key, exc.problem)


def apply_settings(entries: Mapping, lookup, *, key: str | None = "params") -> None:
    """Apply settings entries to parameters, each one atomically.

    Parameters
    ----------
    entries : mapping
        Parameter name -> entry (any form of the module docstring, or `ParSettings`).
    lookup : mapping or callable
        Finds a parameter by name: a ``{name: Par}`` mapping, or ``lookup(name) -> Par``
        (raising ``KeyError`` or a `BayspecError` for unknown names). Used for the entries'
        names and for their ``link`` targets.
    key : str, optional
        Prefix of the keys named in messages (``"params"`` gives ``params.cpl.Ep.bounds``).

    Raises
    ------
    ConfigError
        Naming the entry and the setting: unknown parameter, invalid entry, bounds outside
        the prior's support, value outside the bounds, unknown or circular link.
    """
    if not isinstance(entries, Mapping):
        _fail(key, "must be a mapping of parameter name to setting")
    find = _resolver(lookup)
    for name, entry in entries.items():
        k = _sub(key, name)
        s = parse_settings(entry, k)
        _apply_one(find(name, k), s, find, k)


def settings_of(par: Par, name_of: Callable[[Par], str | None] | None = None) -> dict:
    """The settings entry (mapping form) that gives back ``par``'s state.

    Parameters
    ----------
    par : Par
    name_of : callable, optional
        ``Par -> name`` for the link target; default: the target's ``name``.

    Returns
    -------
    dict
        ``value`` (left out when linked), ``prior`` (``[kind, *args]``), ``bounds``,
        ``frozen`` and, when linked, ``link``: plain floats, bools and strings.

    Raises
    ------
    ParameterError
        When ``par`` is linked through a function (only ``par.link(other)`` can be written)
        or the link target has no name.
    """
    out = {}
    if not par.linked:
        out["value"] = float(par.value)
    out["prior"] = prior_to_spec(par.prior)
    out["bounds"] = [float(b) for b in par.bounds]
    out["frozen"] = bool(par.frozen)
    if par.linked:
        if par.link_fn is not _identity or len(par.link_pars) != 1:
            raise ParameterError("is linked through a function, which cannot be written; "
                                 "unlink it first", key=par.name)
        other = par.link_pars[0]
        name = name_of(other) if name_of is not None else other.name
        if not name:
            raise ParameterError("is linked to a parameter that has no name here", key=par.name)
        out["link"] = str(name)
    return out
