"""bayspec: forward-folded spectral fitting of X-ray and gamma-ray data."""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("bayspec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from . import errors  # noqa: F401

__all__ = ["__version__", "errors"]
