"""The single place that decides which optional sampling engines are available.

Optional engines are imported lazily, only when a sampler that needs them runs, so that
``import bayspec`` never pays for (or fails on) them. Everything else asks here:

>>> from bayspec.infer.samplers._optional import available, require
>>> available("ultranest")          # doctest: +SKIP
True
>>> un = require("ultranest")       # the module, or MissingDependencyError
"""

from __future__ import annotations

import importlib

from ...errors import BayspecError

__all__ = ["MissingDependencyError", "ENGINES", "available", "require"]

#: engine module -> (what needs it, how to install it)
ENGINES = {
    "ultranest": ("nested sampling", "pip install bayspec[nested]  (or: pip install ultranest)"),
}


class MissingDependencyError(BayspecError, ImportError):
    """An optional engine needed for the requested method is not installed."""


def available(name: str) -> bool:
    """Whether the optional engine ``name`` can be imported."""
    try:
        require(name)
    except MissingDependencyError:
        return False
    return True


def require(name: str):
    """Import and return the optional engine ``name``.

    Raises
    ------
    MissingDependencyError
        When it is not installed (or fails to import); the message says what needs it and
        how to install it.
    """
    if name not in ENGINES:
        raise KeyError(f"{name!r} is not a known optional engine ({', '.join(ENGINES)})")
    what, how = ENGINES[name]
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise MissingDependencyError(f"{what} needs {name}: {how} ({exc})", key=name) from exc
