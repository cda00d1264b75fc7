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
# Dataset operations that need a model and a statistic (bayspec.datasets, above infer).
for _name in ("npred", "npred_signal", "npred_background", "stat_sum", "stat_array",
              "residuals"):
    _hooks.register(_name, f"bayspec.datasets.predict:{_name}")
_hooks.register("fake", "bayspec.datasets.simulate:fake")
# Plots (bayspec.plot, imported on first use so that matplotlib loads only when plotting).
for _name in ("plot_counts", "plot_excess", "plot_fit", "plot_residuals", "peek"):
    _hooks.register(_name, f"bayspec.plot.dataset:{_name}")
del _name
_hooks.register("unit_from_store", "bayspec.store.unit_bridge:unit_from_store")

__all__ = ["__version__", "errors"]
