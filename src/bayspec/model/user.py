"""User models: ``@user_component`` turns a plain numpy function into a batched component.

Example (five lines)::

    import numpy as np
    from bayspec.model import user_component, parse_model

    @user_component(units={"kT": "keV"}, bounds={"kT": (0.1, 100.0)})
    def mybb(E, K=1.0, kT=10.0):
        return K * E**2 / np.expm1(E / kT)

    model = parse_model("tbabs * mybb")        # registered under the function's name

The function takes the energies ``E`` (keV) first, then one argument per parameter, each
with its default (initial) value. It must be written with numpy operations only: bayspec
calls it once for a whole batch of parameter vectors, with ``E`` of shape ``(m,)`` (or
``(n, m)``) and every parameter an ``(n, 1)`` column, and expects ``(n, m)`` back (or
anything that broadcasts to it). Integration over the photon bins is handled by the model's
quadrature plan (Gauss–Legendre in ln E per bin, ``settings["quad_order"]`` points). The
function's docstring becomes the component's.
"""

from __future__ import annotations

import inspect
import sys

import numpy as np

from ..errors import ModelError
from ..parameter import LogUniform, Prior, Uniform
from .component import Additive, Multiplicative, ParSpec

__all__ = ["user_component"]


def _prior(name, value, bounds, prior):
    if prior is not None:
        if not isinstance(prior, Prior):
            raise ModelError(f"priors[{name!r}] must be a bayspec Prior, got {prior!r}", key=name)
        return prior
    if bounds is not None:
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ModelError(f"bounds[{name!r}] must be (lo, hi), got {bounds!r}", key=name) from None
        if not lo < hi:
            raise ModelError(f"bounds[{name!r}] need lo < hi, got {bounds!r}", key=name)
        return LogUniform(lo, hi) if lo > 0 and hi / lo >= 100 else Uniform(lo, hi)
    if value > 0:
        return LogUniform(value * 1e-6, value * 1e6)
    return Uniform(value - 10.0, value + 10.0)


def _reduce(self):
    """Pickle by class reference when the module holds the class (the decorator case), else
    by the function and the decorator's arguments."""
    cls = type(self)
    state = {k: v for k, v in self.__dict__.items() if k != "_lncache"}
    state["_table_cache"] = None
    if getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is cls:
        return (_restore, (cls, state))
    return (_rebuild, (cls.function, cls._build_kw, state))


def _restore(cls, state):
    obj = cls.__new__(cls)
    obj.__dict__.update(state)
    return obj


def _rebuild(func, kw, state):
    return _restore(user_component(func, **kw), state)


def user_component(func=None, *, name=None, kind="additive", units=None, bounds=None, priors=None,
                   frozen=(), register=True):
    """Decorator: a numpy function of energy and parameters → a component class.

    Parameters
    ----------
    func : callable
        ``f(E, p1=default1, p2=default2, ...)``, numpy only (see the module docstring).
    name : str, optional
        Component name (default: the function's name).
    kind : {"additive", "multiplicative"}
        Additive: f is N(E) in photons cm⁻² s⁻¹ keV⁻¹; multiplicative: a dimensionless factor.
    units : dict, optional
        Parameter name → unit string.
    bounds : dict, optional
        Parameter name → (lo, hi); the prior is LogUniform when lo > 0 and hi/lo ≥ 100,
        else Uniform.
    priors : dict, optional
        Parameter name → a `bayspec.parameter` prior (overrides ``bounds``).
        Without either, a positive default d gets LogUniform(d 1e-6, d 1e6), others
        Uniform(d − 10, d + 10).
    frozen : iterable of str
        Parameters frozen at their defaults.
    register : bool
        Add the component to the registry, so that model expressions can use it.

    Returns
    -------
    type
        A ``Component`` subclass (call it to get an instance).
    """
    def build(f):
        if not callable(f):
            raise ModelError(f"user_component needs a function, got {f!r}")
        sig = list(inspect.signature(f).parameters.values())
        if not sig:
            raise ModelError(f"{f.__name__} must take the energies E first")
        specs = []
        for p in sig[1:]:
            if p.default is inspect.Parameter.empty:
                raise ModelError(f"{f.__name__}: parameter {p.name!r} needs a default value", key=p.name)
            try:
                v = float(p.default)
            except (TypeError, ValueError):
                raise ModelError(f"{f.__name__}: default of {p.name!r} must be a number", key=p.name) from None
            specs.append(ParSpec(p.name, v, _prior(p.name, v, (bounds or {}).get(p.name), (priors or {}).get(p.name)),
                                 (units or {}).get(p.name, ""), frozen=p.name in set(frozen)))
        for d, what in ((units, "units"), (bounds, "bounds"), (priors, "priors")):
            extra = set(d or {}) - {s.name for s in specs}
            if extra:
                raise ModelError(f"{f.__name__}: {what} for unknown parameters {sorted(extra)}")
        if kind not in ("additive", "multiplicative"):
            raise ModelError(f"kind must be 'additive' or 'multiplicative', got {kind!r}", key="kind")
        base = Additive if kind == "additive" else Multiplicative
        cname = name or f.__name__

        def evaluate(self, E, *pars):
            return np.asarray(f(E, *pars), dtype=float)

        build_kw = {"name": cname, "kind": kind, "units": units, "bounds": bounds, "priors": priors,
                    "frozen": tuple(frozen), "register": False}

        cls = type(cname, (base,), {
            "default_name": cname, "parameters": tuple(specs), "evaluate": evaluate,
            "__doc__": f.__doc__ or f"User component {cname} ({kind}), from {f.__module__}.{f.__qualname__}.",
            "__module__": f.__module__, "function": staticmethod(f), "_build_kw": build_kw,
            "__reduce__": _reduce,
        })
        cls._user = True
        if register:
            from .library import LIBRARY
            from .library import register as _register
            if cname in LIBRARY and not getattr(LIBRARY[cname], "_user", False):
                raise ModelError(f"{cname!r} is a built-in component; choose another name", key=cname)
            _register(cls, cname, overwrite=True)
        return cls

    if func is not None:
        return build(func)
    return build
