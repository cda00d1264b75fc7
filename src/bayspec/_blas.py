"""BLAS thread settings for processes bayspec starts or runs as.

The kernel's matrix products are small and batched; with several BLAS threads per process
they slow down many-fold on a busy or small machine (and several worker processes each
with several threads oversubscribe the cores). A BLAS library reads its thread count from
the environment when it is loaded, so these settings only affect a process that has not
imported numpy yet: the ``bayspec`` command itself, or worker processes being started.
"""

from __future__ import annotations

import contextlib
import os

#: Environment variables that set the BLAS thread count of a freshly started process.
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def default_single_thread() -> None:
    """Set every BLAS thread variable to 1 unless the user set it (for this process)."""
    for var in BLAS_THREAD_VARS:
        os.environ.setdefault(var, "1")


@contextlib.contextmanager
def single_thread_for_children():
    """While active, processes started get single-threaded BLAS (unless the user chose);
    the environment is restored afterwards."""
    unset = [v for v in BLAS_THREAD_VARS if v not in os.environ]
    default_single_thread()
    try:
        yield
    finally:
        for v in unset:
            os.environ.pop(v, None)
