"""Priors as plain lists, for configuration files: ``["loguniform", 1e-4, 10]``."""

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


def prior_to_spec(prior) -> list:
    """``[kind, *args]`` of ``prior`` (JSON/YAML-safe floats)."""
    for kind, cls in PRIOR_KINDS.items():
        if type(prior) is cls:
            return [kind, *(float(v) for v in prior._fields().values())]
    raise ParameterError(f"cannot write a prior of type {type(prior).__name__}")


def prior_from_spec(spec):
    """The prior described by ``[kind, *args]``; `ParameterError` naming the problem."""
    if not isinstance(spec, (list, tuple)) or not spec or spec[0] not in PRIOR_KINDS:
        raise ParameterError(f"a prior is [kind, *numbers] with kind one of "
                             f"{', '.join(PRIOR_KINDS)}; got {spec!r}")
    try:
        return PRIOR_KINDS[spec[0]](*(float(a) for a in spec[1:]))
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"invalid prior {spec!r}: {exc}") from None
