"""bayspec: forward-folded spectral fitting of X-ray and gamma-ray data.

Layers, bottom up: ``io``, ``stat``, ``parameter`` → ``data`` (with ``datasets``) →
``model`` → ``infer`` → ``estimators``, ``plot``, ``store``, ``batch`` → ``cli``. A layer
imports only from layers below it; the one operation a lower layer offers but an upper one
implements, plotting a unit, is bound here through `bayspec._hooks` so that matplotlib
loads only when plotting.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:
    __version__ = _version("bayspec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from . import _hooks, errors  # noqa: E402

# Plots (bayspec.plot, imported on first use so that matplotlib loads only when plotting).
for _name in ("plot_counts", "plot_excess", "plot_fit", "plot_residuals", "peek"):
    _hooks.register(_name, f"bayspec.plot.dataset:{_name}")
del _name

__all__ = ["__version__", "errors"]
