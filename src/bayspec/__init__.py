"""bayspec: forward-folded spectral fitting of X-ray and gamma-ray data.

Layers, bottom up: ``io`` → ``data`` → ``parameter``/``model`` → ``stat`` → ``infer`` →
``estimators``, ``plot``, ``store``, ``batch`` → ``cli``. A layer imports only from layers
below it; operations that a lower layer offers but an upper one implements are bound here
through `bayspec._hooks`.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("bayspec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from . import _hooks, errors  # noqa: E402

_hooks.register("stat_check", "bayspec.stat.registry:check_inputs")

__all__ = ["__version__", "errors"]
