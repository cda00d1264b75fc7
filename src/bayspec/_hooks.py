"""Late binding between layers.

A lower layer sometimes offers an operation that an upper layer implements: a `DataUnit`
validates its statistic name (``stat``), predicts counts from its bound model (``datasets``)
and plots itself (``plot``). The lower layer calls ``call("name", ...)``; the upper layer's
implementation is registered here — by ``bayspec/__init__.py``, which knows every layer — as a
callable or as a ``"module:attribute"`` string imported on first use. So no module imports a
layer above its own.
"""

from __future__ import annotations

import importlib

from .errors import BayspecError

_REGISTRY: dict = {}


def register(name: str, target) -> None:
    """Register ``target`` (a callable or ``"package.module:attr"``) under ``name``."""
    _REGISTRY[name] = target


def registered(name: str) -> bool:
    """Whether an implementation of ``name`` is registered."""
    return name in _REGISTRY


def resolve(name: str):
    """The callable registered under ``name``; BayspecError when there is none."""
    target = _REGISTRY.get(name)
    if target is None:
        raise BayspecError(f"operation {name!r} is not available: the package that implements "
                           "it was not imported (import bayspec first)")
    if isinstance(target, str):
        mod, _, attr = target.partition(":")
        target = getattr(importlib.import_module(mod), attr)
        _REGISTRY[name] = target
    return target


def call(name: str, *args, **kwargs):
    """Call the implementation registered under ``name``."""
    return resolve(name)(*args, **kwargs)
