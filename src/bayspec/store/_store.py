"""`Store`: one HDF5 file holding spectra, responses and metadata, plus a result file."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..errors import StoreError
from ._hdf5 import open_h5
from .meta_store import MetaStore
from .response_store import ResponseStore
from .result_store import ResultStore
from .spectrum_store import SpectrumStore

__all__ = ["Store", "as_store"]


class Store:
    """Facade over the stores of one data file.

    Parameters
    ----------
    path : str or Path
        The data file (spectra, responses, metadata), e.g. ``"grb.h5"``.
    mode : {"a", "r"}
        Read/write (created on first write) or read-only.
    results : str or Path, optional
        The result file; default ``<path stem>.results.h5`` beside ``path`` (kept apart so
        that the frequent result appends never touch the data file).

    Attributes
    ----------
    spectra : SpectrumStore
    responses : ResponseStore
    meta : MetaStore
    results : ResultStore

    Notes
    -----
    ``with store:`` opens the data file once for a block of operations (faster for many
    small reads); otherwise each call opens and closes it. One writer at a time; readers
    use ``mode="r"``.
    """

    def __init__(self, path, mode: str = "a", results=None):
        self.path = Path(path)
        self.mode = mode
        self.spectra = SpectrumStore(self.path, mode)
        self.responses = ResponseStore(self.path, mode)
        self.meta = MetaStore(self.path, mode)
        rpath = Path(results) if results is not None else self.path.with_name(
            self.path.stem + ".results.h5")
        self.results = ResultStore(rpath, mode=mode)
        self._stack = None
        self._depth = 0

    def __repr__(self):
        return f"Store({str(self.path)!r}, mode={self.mode!r})"

    def __enter__(self):
        if self._depth == 0:
            stack = contextlib.ExitStack()
            try:
                f = stack.enter_context(open_h5(self.path, self.mode))
            except BaseException:
                stack.close()
                raise
            self._stack = stack
            for s in (self.spectra, self.responses, self.meta):
                s._f = f
        self._depth += 1
        return self

    def __exit__(self, *exc):
        self._depth -= 1
        if self._depth == 0:
            for s in (self.spectra, self.responses, self.meta):
                s._f = None
            stack, self._stack = self._stack, None
            stack.close()
        return False

    def keys(self, **parts) -> list[str]:
        """Series keys (see `SpectrumStore.keys`)."""
        return self.spectra.keys(**parts)

    def __iter__(self):
        return iter(self.keys())

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return key in self.spectra


def as_store(store) -> Store:
    """A `Store` from a `Store`, a path, or raise `StoreError`."""
    if isinstance(store, Store):
        return store
    if isinstance(store, (str, Path)):
        return Store(store)
    raise StoreError(f"expected a Store or a file path, got {type(store).__name__}")
