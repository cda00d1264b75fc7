"""Atomic file writes: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .errors import OverwriteError


@contextlib.contextmanager
def atomic_path(path, overwrite: bool = False):
    """Yield a temporary path; on success rename it onto ``path``.

    Parameters
    ----------
    path : str or Path
        Final destination.
    overwrite : bool
        If False and ``path`` exists, raise `OverwriteError` before anything is written.

    The temporary file lives in the destination folder so the final ``os.replace`` is an
    atomic rename on POSIX; on any exception it is removed and the target is untouched.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OverwriteError("file exists; pass overwrite=True to replace it", file=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
