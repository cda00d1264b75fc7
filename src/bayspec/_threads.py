"""BLAS thread limits for fits and samplings, and thread settings for new processes.

The kernel's matrix products are small and batched (``(n, nnodes) @ (nnodes, ngroups)``
with a few hundred rows). A multi-threaded BLAS gains nothing on them and, when the cores
are busy (other processes, batch workers, a laptop under load), its threads spin and wait
for each other: measured on a loaded 2-core machine the README's Python tour took 54 s with
the default threads against 17 s with one (issue 11). So every entry point that evaluates
the likelihood many times — `FitProblem.fit` (hence `Infer.fit`, the estimators and the
batch workers), `Infer.sample` — runs under `limit_blas_threads`, which uses
``threadpoolctl`` (the BLAS library's own API, effective after numpy is loaded) once around
the whole fit or sampling, never per evaluation (a limit costs about a millisecond).

The user decides:

* ``BAYSPEC_BLAS_THREADS`` — a positive number of threads, or ``none`` (also ``0``,
  ``default``) to leave the BLAS library as it is; unset means 1;
* ``with limit_blas_threads(n):`` around one's own code (``n=None``: no limit) — the
  outermost limit wins, the entry points inside it do not change it.

For processes not yet started (the ``bayspec`` command before it imports numpy, batch
worker processes), the environment variables the BLAS libraries read at load time are set
instead (`default_single_thread`, `single_thread_for_children`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading

__all__ = ["ENV_VAR", "BLAS_THREAD_VARS", "blas_threads", "limit_blas_threads",
           "blas_limited", "default_single_thread", "single_thread_for_children"]

#: Environment variable with the user's choice of BLAS threads inside fits and samplings.
ENV_VAR = "BAYSPEC_BLAS_THREADS"
#: Threads used when `ENV_VAR` is unset.
DEFAULT_THREADS = 1
#: Environment variables that set the BLAS thread count of a freshly started process.
BLAS_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

_NO_LIMIT = ("none", "0", "default", "")
_state = threading.local()


def blas_threads():
    """The BLAS thread limit asked for by `ENV_VAR`: an int, or None for no limit.

    Raises
    ------
    ConfigError
        The variable holds something else than a positive integer or ``none``.
    """
    raw = os.environ.get(ENV_VAR)
    if raw is None:
        return DEFAULT_THREADS
    text = raw.strip().lower()
    if text in _NO_LIMIT:
        return None
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 1:
        from .errors import ConfigError

        raise ConfigError(f"must be a positive number of threads or 'none', got {raw!r}",
                          key=ENV_VAR)
    return n


@contextlib.contextmanager
def limit_blas_threads(n="env"):
    """Limit the BLAS threads of this process while the block runs.

    Parameters
    ----------
    n : int, None or "env"
        Threads (``None``: no limit; ``"env"``: `blas_threads`, i.e. `ENV_VAR` or 1).

    Nested blocks (in the same thread) keep the outermost setting, so a user's
    ``with limit_blas_threads(4):`` holds for the fits inside it and a fit inside a
    batch chunk does not pay for a second limit.
    """
    depth = getattr(_state, "depth", 0)
    if depth:
        _state.depth = depth + 1
        try:
            yield
        finally:
            _state.depth -= 1
        return
    limit = blas_threads() if n == "env" else n
    _state.depth = 1
    try:
        if limit is None:
            yield
        else:
            from threadpoolctl import threadpool_limits

            with threadpool_limits(limits=int(limit), user_api="blas"):
                yield
    finally:
        _state.depth = 0


def blas_limited(fn):
    """Decorator: run ``fn`` under `limit_blas_threads` (the user's or the default limit)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with limit_blas_threads():
            return fn(*args, **kwargs)

    return wrapper


def default_single_thread() -> None:
    """Set every BLAS thread variable of this process's environment to 1 unless the user
    set it (effective only before numpy is imported: the ``bayspec`` command). Honours
    `ENV_VAR` when it asks for a number or for no limit."""
    limit = os.environ.get(ENV_VAR)
    if limit is not None and limit.strip().lower() in _NO_LIMIT:
        return
    value = limit.strip() if limit is not None and limit.strip().isdigit() else "1"
    for var in BLAS_THREAD_VARS:
        os.environ.setdefault(var, value)


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
