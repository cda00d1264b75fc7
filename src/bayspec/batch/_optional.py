"""The one place where the optional ``dask.distributed`` dependency is imported."""

from __future__ import annotations

from ..errors import BayspecError

__all__ = ["MissingDependencyError", "distributed", "has_distributed"]


class MissingDependencyError(BayspecError, ImportError):
    """An optional dependency needed for the requested feature is not installed."""


def distributed():
    """The ``distributed`` module, or `MissingDependencyError` with the install hint."""
    try:
        import distributed as _d
    except ImportError as exc:
        raise MissingDependencyError(
            f"the dask backend needs dask.distributed ({exc}); install it with "
            "pip install 'bayspec[dask]' (or pip install 'dask[distributed]')") from None
    return _d


def has_distributed() -> bool:
    """Whether ``dask.distributed`` can be imported."""
    try:
        distributed()
    except MissingDependencyError:
        return False
    return True
