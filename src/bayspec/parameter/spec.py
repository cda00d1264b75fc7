"""Priors as plain lists, for configuration files: ``["loguniform", 1e-4, 10]``.

Written forms accepted by `prior_from_spec` (``kind`` is case-insensitive; ``_`` and ``-``
are ignored, so ``log_uniform`` is ``loguniform``):

- ``[kind, *args]`` — the canonical form, what `prior_to_spec` writes;
- ``{kind: [args]}`` (or ``{kind: arg}``);
- ``"kind(a, b)"`` (or a bare ``"kind"`` for a prior without arguments).

The arguments are those of the prior's constructor, e.g. ``["normal", mu, sigma]``.
"""

from __future__ import annotations

from ..errors import ParameterError
from .improper import Improper
from .lognormal import LogNormal
from .loguniform import LogUniform
from .normal import Normal
from .truncnormal import TruncatedNormal
from .uniform import Uniform

__all__ = ["PRIOR_KINDS", "prior_to_spec", "prior_from_spec"]

#: kind name -> class; the list form is ``[kind, *constructor arguments]``.
PRIOR_KINDS = {"uniform": Uniform, "loguniform": LogUniform, "normal": Normal,
               "truncnormal": TruncatedNormal, "lognormal": LogNormal, "improper": Improper}

_FORMS = "[kind, arg, ...], {kind: [args]} or 'kind(args)'"


def prior_to_spec(prior) -> list:
    """``[kind, *args]`` of ``prior`` (JSON/YAML-safe floats)."""
    for kind, cls in PRIOR_KINDS.items():
        if type(prior) is cls:
            return [kind, *(float(v) for v in prior._fields().values())]
    raise ParameterError(f"cannot write a prior of type {type(prior).__name__}")


def _as_list(spec) -> list:
    """The ``[kind, *args]`` list of any accepted written form (kind not yet checked)."""
    if isinstance(spec, str):
        text = spec.strip()
        if "(" in text and text.endswith(")"):
            kind, _, args = text[:-1].partition("(")
            return [kind] + [a.strip() for a in args.split(",") if a.strip()]
        return [text]
    if isinstance(spec, dict) and len(spec) == 1:
        (kind, args), = spec.items()
        return [kind] + list(args if isinstance(args, (list, tuple)) else [args])
    if isinstance(spec, (list, tuple)):
        return list(spec)
    raise ParameterError(f"a prior is {_FORMS}; got {spec!r}")


def prior_from_spec(spec):
    """The prior described by ``spec`` (see the module docstring for the accepted forms).

    Raises
    ------
    ParameterError
        Naming the problem: unknown kind, non-numeric or invalid arguments.
    """
    items = _as_list(spec)
    if not items or not isinstance(items[0], str):
        raise ParameterError(f"a prior is {_FORMS}; got {spec!r}")
    kind = items[0].strip().lower().replace("_", "").replace("-", "")
    if kind not in PRIOR_KINDS:
        raise ParameterError(f"unknown prior {items[0]!r}; known: {', '.join(PRIOR_KINDS)}")
    args = []
    for a in items[1:]:
        if isinstance(a, bool):
            raise ParameterError(f"prior arguments must be numbers, got {a!r} in {spec!r}")
        try:
            args.append(float(a))
        except (TypeError, ValueError):
            raise ParameterError(f"prior arguments must be numbers, got {a!r} in {spec!r}") from None
    try:
        return PRIOR_KINDS[kind](*args)
    except (TypeError, ValueError) as exc:  # wrong count, lo >= hi, sigma <= 0, ...
        raise ParameterError(f"invalid prior {spec!r}: {exc}") from None
