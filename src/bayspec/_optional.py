"""The one place that decides which optional engines bayspec can use.

Heavy engines (nested sampling, NUTS, distributed computing) are optional extras. They are
imported lazily, only when a feature that needs them runs, so ``import bayspec`` never pays
for them or fails on them; every caller asks here and gets either the module or a
`MissingDependencyError` that says what needs it and how to install it.

Without the extra, `require` raises `MissingDependencyError` (so the examples are not run):

>>> from bayspec._optional import available, require
>>> available("ultranest")          # doctest: +SKIP
True
>>> un = require("ultranest")       # doctest: +SKIP
"""

from __future__ import annotations

import importlib

from .errors import BayspecError

__all__ = ["MissingDependencyError", "ENGINES", "available", "require"]

#: engine module -> (what needs it, how to install it)
ENGINES = {
    "ultranest": ("nested sampling", "pip install 'bayspec[nested]'  (or: pip install ultranest)"),
    "distributed": ("the dask batch backend",
                    "pip install 'bayspec[dask]'  (or: pip install 'dask[distributed]')"),
    "arviz": ("PSIS-LOO, WAIC and Posterior.to_arviz",
              "pip install 'bayspec[arviz]'  (or: pip install 'arviz<1')"),
    "nutpie": ("NUTS sampling (infer.sample('nuts'))",
               "pip install 'bayspec[nuts]'  (or: pip install nutpie; needs Python >= 3.11)"),
}


class MissingDependencyError(BayspecError, ImportError):
    """An optional engine needed for the requested feature is not installed."""


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
