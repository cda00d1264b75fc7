"""Component base classes: ``Additive``, ``Multiplicative`` and ``Convolution``.

A component subclass declares

``default_name``
    Its registry name (``"cpl"``), used as the component name in expressions.
``parameters``
    A tuple of ``ParSpec``: name, initial value, prior, unit, LaTeX label (and optionally
    ``frozen`` / ``bounds``). Each instance gets fresh ``Par`` objects.
``default_settings``
    Fixed, non-fitted constants (e.g. the pivot energy ``E0``).
``evaluate(self, E, *pars)``
    The photon density N(E) (additive, photons cm⁻² s⁻¹ keV⁻¹) or factor (multiplicative),
    with arguments in the order of ``parameters``. ``E`` is keV of shape ``(m,)`` or
    ``(n, m)``; each parameter a float or an ``(n, 1)`` array. If ``evaluate`` also takes a
    keyword ``t``, it receives node times ``(m,)`` (or None).
``antiderivative(self, E, *pars)`` (optional, additive)
    An exact antiderivative of ``evaluate`` in E; enables exact bin integrals.
``evaluate_grad(self, E, *pars)`` / ``antiderivative_grad(self, E, *pars)`` (optional)
    ``(value, partials)``: the value of ``evaluate`` (``antiderivative``) and a tuple with
    its derivative with respect to each parameter, in the order of ``parameters`` (None
    where the value does not depend on it). Fits and samplers use them for exact
    gradients; a component without them (a user model, say) is differentiated by central
    differences of its node values instead (`bayspec.infer._gradient`), which is exact to
    ~1e-10 relative for smooth models but costs two extra evaluations per parameter.

Construction: ``cpl()``, ``cpl(name="soft")``, ``cpl(alpha=-0.5, Ep=200)`` (initial values),
``pl(E0=100)`` (settings).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from .._superdict import SuperDict
from ..errors import ModelError
from ..parameter import Par, Prior
from . import _derivs
from .base import Model

__all__ = ["ParSpec", "Component", "Additive", "Multiplicative", "Convolution"]


@dataclass(frozen=True)
class ParSpec:
    """Declaration of a component parameter (see module docstring)."""

    name: str
    value: float
    prior: Prior
    unit: str = ""
    label: str | None = None
    frozen: bool = False
    bounds: tuple | None = None

    def make(self) -> Par:
        return Par(self.value, self.prior, bounds=self.bounds, frozen=self.frozen,
                   unit=self.unit, label=self.label, name=self.name)


class Component(Model):
    """A single named component with its own parameters (base of the three kinds)."""

    default_name = "component"
    parameters: tuple = ()
    default_settings: dict = {}
    _wants_t = False

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        ev = cls.__dict__.get("evaluate")
        if ev is not None:
            cls._wants_t = "t" in inspect.signature(ev).parameters

    def __init__(self, name: str | None = None, **values):
        super().__init__()
        name = self.default_name if name is None else name
        if not isinstance(name, str) or not name.isidentifier():
            raise ModelError(f"component name must be an identifier, got {name!r}")
        self._name = name
        self._pars = SuperDict((s.name, s.make()) for s in self.parameters)
        self.settings.update(self.default_settings)
        for k, v in values.items():
            if k in self._pars:
                self._pars[k].value = v
            elif k in self.default_settings:
                self.settings[k] = float(v)
            else:
                known = list(self._pars) + list(self.default_settings)
                raise ModelError(f"{type(self).__name__} has no parameter or setting {k!r}; known: {', '.join(known)}",
                                 key=k)

    @property
    def name(self) -> str:
        """The component's own name (a composite may suffix it: ``pl_2``)."""
        return self._name

    def _leaves(self):
        return [self]

    def _component_names(self):
        return {id(self): self._name}

    def _expr(self, names):
        return names[id(self)]

    def _call_evaluate(self, E, args, t):
        if self._wants_t:
            return self.evaluate(E, *args[id(self)], t=t)
        return self.evaluate(E, *args[id(self)])

    def _density(self, E, args, t):
        return self._call_evaluate(E, args, t)

    evaluate_grad = None  # optional: see the module docstring

    def _density_grad(self, E, args, t):
        if self.evaluate_grad is None:
            return _derivs.opaque([self], self._density(E, args, t))
        a = args[id(self)]
        v, parts = self.evaluate_grad(E, *a, t=t) if self._wants_t else self.evaluate_grad(E, *a)
        return _derivs.leaf(self, v, parts)

    def evaluate(self, E, *pars):  # pragma: no cover - abstract
        raise NotImplementedError


class Additive(Component):
    """Additive component: a photon spectrum N(E), photons cm⁻² s⁻¹ keV⁻¹."""

    kind = "additive"
    antiderivative = None  # subclasses with exact integrals define a method

    def _exact(self):
        return self.antiderivative is not None

    def _antideriv(self, E, args, t):
        return self.antiderivative(E, *args[id(self)])

    antiderivative_grad = None  # optional: see the module docstring

    def _antideriv_grad(self, E, args, t):
        if self.antiderivative_grad is None:
            return _derivs.opaque([self], self._antideriv(E, args, t))
        return _derivs.leaf(self, *self.antiderivative_grad(E, *args[id(self)]))


class Multiplicative(Component):
    """Multiplicative component: a dimensionless factor M(E) applied to a spectrum.

    ``energy_independent = True`` marks factors that do not depend on E (they keep exact
    antiderivative plans exact).
    """

    kind = "multiplicative"
    energy_independent = False

    def _exact(self):
        return self.energy_independent


class Convolution(Component):
    """Convolution component: an operator on a model, applied by calling it.

    ``zshift()(cpl())`` or, equivalently, ``zshift(cpl())`` return a ``CompositeModel``.
    Subclasses implement ``convolve(self, inner, E, *pars)`` where ``inner(E2)`` evaluates
    the inner model's density at any energies; and, to keep exact plans exact, optionally
    ``convolve_antiderivative(self, inner_F, E, *pars)`` with ``inner_F`` an antiderivative.
    """

    kind = "convolution"
    convolve_antiderivative = None
    #: Optional ``convolve_grad(self, inner, E, *pars)`` and
    #: ``convolve_antiderivative_grad(self, inner_F, E, *pars)``: as ``convolve`` but
    #: ``inner`` returns, and the method returns, a derivative triple
    #: (`bayspec.model._derivs`). Without them the whole convolved subtree is
    #: differentiated numerically.
    convolve_grad = None
    convolve_antiderivative_grad = None

    def __new__(cls, *args, **kw):
        if args and isinstance(args[0], Model):
            if len(args) > 1:
                raise ModelError(f"{cls.default_name}(model) takes one model")
            conv = super().__new__(cls)
            conv.__init__(**kw)
            return conv(args[0])
        return super().__new__(cls)

    def __call__(self, model, *a, **kw):
        if not isinstance(model, Model):
            raise ModelError(f"{self.name} is a convolution: call it on a model, e.g. {self.name}(cpl())")
        from .composite import convolve
        return convolve(self, model)

    def evaluate(self, E, *pars):
        raise ModelError(f"{self.name} is a convolution and has no spectrum of its own")

    def convolve(self, inner, E, *pars):  # pragma: no cover - abstract
        raise NotImplementedError
