"""``Par``: one model or instrument parameter with a value, bounds, a prior and links."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..errors import ParameterError
from .improper import Improper
from .prior import Prior
from .uniform import Uniform

__all__ = ["Par"]


def _identity(x):
    return x


class Par:
    """A scalar parameter.

    Parameters
    ----------
    value : float
        Initial value; must lie within ``bounds``.
    prior : Prior, optional
        Prior density. Default: ``Uniform(*bounds)`` when both bounds are finite, else a flat
        improper prior (``logpdf = 0``) on ``bounds``.
    bounds : (float, float), optional
        Closed interval of allowed values. Default: the prior's support, or ``(-inf, inf)``.
        Explicit bounds must lie within the prior's support.
    frozen : bool
        A frozen parameter keeps its value in fits.
    unit : str, optional
        Physical unit (e.g. ``"keV"``), for display.
    label : str, optional
        LaTeX label, for plots only. Parameters are always addressed by ``name``.
    name : str, optional
        Short name (``"alpha"``); a model prefixes its component name (``"cpl.alpha"``).

    Notes
    -----
    ``link(other)`` or ``link(fn, *pars)`` makes the value derived: ``fn(*[p.value for p in
    pars])``. A linked parameter is not free and its value cannot be set; ``unlink()`` keeps
    the last derived value (when it is within bounds) and makes the parameter independent.
    """

    __slots__ = ("_value", "_prior", "_bounds", "frozen", "unit", "label", "name", "_link_fn", "_link_pars")

    def __init__(self, value, prior: Prior | None = None, *, bounds=None, frozen: bool = False,
                 unit: str | None = None, label: str | None = None, name: str | None = None):
        self.name = name
        self.unit = "" if unit is None else str(unit)
        self.label = label
        self.frozen = bool(frozen)
        self._link_fn = None
        self._link_pars = ()
        if prior is not None and not isinstance(prior, Prior):
            raise ParameterError(f"prior must be a Prior, got {type(prior).__name__}", key=name)
        if bounds is not None:
            bounds = self._check_bounds(bounds)
            if prior is None:
                prior = Uniform(*bounds) if all(map(math.isfinite, bounds)) else Improper(*bounds)
            else:
                slo, shi = prior.support
                if bounds[0] < slo or bounds[1] > shi:
                    raise ParameterError(
                        f"bounds {bounds} are outside the support {prior.support} of {prior!r}", key=name)
        else:
            if prior is None:
                prior = Improper()
            bounds = tuple(map(float, prior.support))
        self._prior = prior
        self._bounds = bounds
        self._value = self._check_value(value)

    # -- value and bounds -------------------------------------------------------------------
    def _check_bounds(self, bounds):
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ParameterError(f"bounds must be a pair of numbers, got {bounds!r}", key=self.name) from None
        if math.isnan(lo) or math.isnan(hi) or not lo < hi:
            raise ParameterError(f"bounds must satisfy lo < hi, got ({lo}, {hi})", key=self.name)
        return (lo, hi)

    def _check_value(self, value) -> float:
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ParameterError(f"value must be a number, got {value!r}", key=self.name) from None
        if not math.isfinite(v):
            raise ParameterError(f"value must be finite, got {v}", key=self.name)
        lo, hi = self._bounds
        if not lo <= v <= hi:
            raise ParameterError(f"value {v:g} outside bounds [{lo:g}, {hi:g}]", key=self.name)
        return v

    @property
    def value(self) -> float:
        """Current value (derived from the linked parameters when ``linked``)."""
        if self._link_fn is not None:
            return float(self._link_fn(*[p.value for p in self._link_pars]))
        return self._value

    @value.setter
    def value(self, v) -> None:
        if self._link_fn is not None:
            raise ParameterError("is linked; unlink() it before setting its value", key=self.name)
        self._value = self._check_value(v)

    @property
    def bounds(self) -> tuple[float, float]:
        """Closed interval ``(lo, hi)`` of allowed values."""
        return self._bounds

    @bounds.setter
    def bounds(self, b) -> None:
        b = self._check_bounds(b)
        slo, shi = self._prior.support
        if b[0] < slo or b[1] > shi:
            raise ParameterError(f"bounds {b} are outside the prior support {self._prior.support}", key=self.name)
        if self._link_fn is None and not b[0] <= self._value <= b[1]:
            raise ParameterError(f"current value {self._value:g} outside new bounds {b}", key=self.name)
        self._bounds = b

    @property
    def prior(self) -> Prior:
        """The prior density (a ``Prior``)."""
        return self._prior

    @prior.setter
    def prior(self, p: Prior) -> None:
        """Replace the prior; the bounds become its support (the value must lie inside)."""
        if not isinstance(p, Prior):
            raise ParameterError(f"prior must be a Prior, got {type(p).__name__}", key=self.name)
        lo, hi = map(float, p.support)
        if self._link_fn is None and not lo <= self._value <= hi:
            raise ParameterError(f"current value {self._value:g} outside the support of {p!r}", key=self.name)
        self._prior = p
        self._bounds = (lo, hi)

    def update(self, *, value=None, prior: Prior | None = None, bounds=None) -> Par:
        """Change value, prior and bounds together, checked as a whole.

        Parameters
        ----------
        value : float, optional
            New value (must lie within the new bounds). Default: keep the current one, which
            must then lie within the new bounds. Not allowed on a linked parameter.
        prior : Prior, optional
            New prior. Default: keep the current one.
        bounds : (float, float), optional
            New hard limits, within the (new) prior's support; the prior is kept and is zero
            outside them (see `logprior`). Default: the new prior's support when ``prior`` is
            given, else the current bounds.

        Raises
        ------
        ParameterError
            If the new state is invalid; the parameter is then unchanged.
        """
        if prior is not None and not isinstance(prior, Prior):
            raise ParameterError(f"prior must be a Prior, got {type(prior).__name__}", key=self.name)
        if value is not None and self._link_fn is not None:
            raise ParameterError("is linked; unlink() it before setting its value", key=self.name)
        new_prior = self._prior if prior is None else prior
        if bounds is not None:
            new_bounds = self._check_bounds(bounds)
        else:
            new_bounds = self._bounds if prior is None else tuple(map(float, new_prior.support))
        slo, shi = new_prior.support
        if new_bounds[0] < slo or new_bounds[1] > shi:
            raise ParameterError(f"bounds {new_bounds} are outside the support {new_prior.support} "
                                 f"of {new_prior!r}", key=self.name)
        old = self._prior, self._bounds
        self._prior, self._bounds = new_prior, new_bounds
        try:
            if self._link_fn is None:
                self._value = self._check_value(self._value if value is None else value)
        except ParameterError:
            self._prior, self._bounds = old
            raise
        return self

    def logprior(self, x=None):
        """``prior.logpdf`` at ``x`` (default: the current value), ``-inf`` outside bounds."""
        x = self.value if x is None else x
        lp = self._prior.logpdf(x)
        lo, hi = self._bounds
        x = np.asarray(x, dtype=float)
        return np.where((x >= lo) & (x <= hi), lp, -np.inf)[()]

    def dlogprior(self, x=None):
        """``prior.dlogpdf`` at ``x`` (default: the current value), ``d ln p / dx`` in
        1 / (units of the parameter); ``nan`` outside the bounds (zero prior density)."""
        x = self.value if x is None else x
        d = self._prior.dlogpdf(x)
        lo, hi = self._bounds
        x = np.asarray(x, dtype=float)
        return np.where((x >= lo) & (x <= hi), d, np.nan)[()]

    # -- state flags ------------------------------------------------------------------------
    @property
    def linked(self) -> bool:
        """Whether the value is derived from other parameters."""
        return self._link_fn is not None

    @property
    def free(self) -> bool:
        """``not frozen and not linked``: the parameter is varied in fits."""
        return not self.frozen and self._link_fn is None

    def freeze(self) -> Par:
        self.frozen = True
        return self

    def thaw(self) -> Par:
        self.frozen = False
        return self

    # -- links ------------------------------------------------------------------------------
    @property
    def link_fn(self) -> Callable | None:
        return self._link_fn

    @property
    def link_pars(self) -> tuple[Par, ...]:
        return self._link_pars

    def link(self, fn_or_par, *pars: Par) -> Par:
        """Derive this value from others: ``link(other)`` or ``link(fn, *pars)``.

        Raises
        ------
        ParameterError
            If the arguments are not parameters, ``fn`` is not callable, or the link would be
            circular.
        """
        if isinstance(fn_or_par, Par):
            if pars:
                raise ParameterError("link(other) takes one parameter; use link(fn, *pars)", key=self.name)
            fn, pars = _identity, (fn_or_par,)
        else:
            fn = fn_or_par
            if not callable(fn):
                raise ParameterError(f"link needs a Par or a callable, got {type(fn).__name__}", key=self.name)
            if not pars:
                raise ParameterError("link(fn, *pars) needs at least one parameter", key=self.name)
        for p in pars:
            if not isinstance(p, Par):
                raise ParameterError(f"link arguments must be Par, got {type(p).__name__}", key=self.name)
            if p is self or self in p._dependencies():
                raise ParameterError(f"circular link with {p.name!r}", key=self.name)
        self._link_fn, self._link_pars = fn, tuple(pars)
        return self

    def unlink(self) -> Par:
        """Make the value independent again, keeping the derived value if within bounds."""
        if self._link_fn is not None:
            v = self.value
            self._link_fn, self._link_pars = None, ()
            lo, hi = self._bounds
            if math.isfinite(v) and lo <= v <= hi:
                self._value = v
        return self

    def _dependencies(self) -> set:
        """All parameters this one depends on, transitively (by identity)."""
        seen: dict[int, Par] = {}
        stack = list(self._link_pars)
        while stack:
            p = stack.pop()
            if id(p) not in seen:
                seen[id(p)] = p
                stack.extend(p._link_pars)
        return set(seen.values())

    # -- misc -------------------------------------------------------------------------------
    def copy(self) -> Par:
        """An independent copy (same value, prior, bounds and flags; no link)."""
        return Par(self.value if math.isfinite(self.value) else self._value, self._prior,
                   bounds=self._bounds, frozen=self.frozen, unit=self.unit, label=self.label, name=self.name)

    def __float__(self) -> float:
        return float(self.value)

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other) -> bool:
        return self is other

    def __repr__(self) -> str:
        state = "linked" if self.linked else ("frozen" if self.frozen else "free")
        unit = f", unit={self.unit!r}" if self.unit else ""
        return f"Par(name={self.name!r}, value={self.value:g}, prior={self._prior!r}{unit}, {state})"
