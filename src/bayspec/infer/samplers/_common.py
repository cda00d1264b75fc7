"""Helpers shared by the samplers: parameter metadata, seeds, keyword checks, call counting."""

from __future__ import annotations

import numbers
import time

import numpy as np

from ...errors import ConfigError

__all__ = ["SamplerWarning", "free_meta", "as_generator", "seed_info", "check_kwargs",
           "CountingFunction", "Timer"]


class SamplerWarning(RuntimeWarning):
    """A sampler ran but its output may not be trustworthy (e.g. a chain shorter than 50 τ)."""


def free_meta(lik):
    """``(names, units, labels, pars)`` of the likelihood's free parameters, in column order."""
    free = lik.space.free
    names = list(lik.space.free_names)
    pars = [free[n] for n in names]
    units = [str(getattr(p, "unit", "") or "") for p in pars]
    labels = [str(getattr(p, "label", "") or "") for p in pars]
    return names, units, labels, pars


def as_generator(seed) -> np.random.Generator:
    """``None``, an integer or a ``numpy.random.Generator`` as a ``Generator``."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, numbers.Integral):
        return np.random.default_rng(seed)
    raise ConfigError(f"seed must be None, an integer or a numpy Generator, got {type(seed).__name__}",
                      key="seed")


def seed_info(seed):
    """What ``info['seed']`` records: the integer seed, else None."""
    return int(seed) if isinstance(seed, numbers.Integral) else None


def check_kwargs(method: str, kw: dict, allowed) -> None:
    """Raise `ConfigError` for keywords a sampler does not understand."""
    bad = sorted(set(kw) - set(allowed))
    if bad:
        raise ConfigError(f"unknown option(s) {', '.join(bad)} for method {method!r}; "
                          f"valid: {', '.join(sorted(allowed))}", key=bad[0])


class CountingFunction:
    """Wrap a batched function ``f(theta (n, d)) -> (n,)`` and count calls and rows."""

    def __init__(self, fn):
        self.fn = fn
        self.ncalls = 0
        self.nevals = 0
        self.max_batch = 0

    def __call__(self, theta):
        theta = np.asarray(theta, dtype=float)
        n = theta.shape[0] if theta.ndim == 2 else 1
        self.ncalls += 1
        self.nevals += n
        self.max_batch = max(self.max_batch, n)
        return self.fn(theta)


class Timer:
    """Context manager measuring wall-clock seconds in ``.elapsed``."""

    def __enter__(self):
        self._t0 = time.perf_counter()
        self.elapsed = 0.0
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self._t0
        return False
