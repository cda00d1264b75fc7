"""The component library and its registry (name → class).

Modules: ``powerlaw`` (pl), ``cpl``, ``band``, ``sbpl``, ``blackbody`` (bb), ``diskbb``
(mbb), ``cutoff`` (cutoff, hecut), ``constant`` (const, mconst), ``gauss``, ``zshift``,
``absorption`` (tbabs, phabs, wabs), ``xspec_continua`` (XSPEC's own names and
normalisations: powerlaw, bknpower, cutoffpl, bbody, bbodyrad, bremss, zpowerlw, zbbody,
grbm, lorentz, gaussian, expabs, highecut), ``fluxconv`` (cflux, cpflux, clumin), ``nthcomp`` (thermal Comptonisation).
"""

from __future__ import annotations

from ...errors import ModelError
from ..component import Component
from .absorption import PhAbs, TBabs, WAbs
from .band import Band
from .blackbody import Blackbody
from .constant import Constant, MultConstant
from .cpl import CutoffPowerLaw
from .cutoff import Cutoff, HighECut
from .diskbb import DiskBlackbody
from .fluxconv import CFlux, CLumin, CPFlux
from .gauss import Gaussian
from .nthcomp import NthComp
from .powerlaw import PowerLaw
from .sbpl import SmoothlyBrokenPowerLaw
from .xspec_continua import (
    BBody,
    BBodyRad,
    BknPower,
    Bremss,
    CutoffPL,
    ExpAbs,
    GrbM,
    Lorentz,
    XGaussian,
    XHighECut,
    XPowerLaw,
    ZBBody,
    ZPowerLw,
)
from .zshift import ZShift

__all__ = ["LIBRARY", "get", "names", "register"] + [
    "PowerLaw", "CutoffPowerLaw", "Band", "SmoothlyBrokenPowerLaw", "Blackbody", "DiskBlackbody",
    "Cutoff", "HighECut", "Constant", "MultConstant", "Gaussian", "ZShift", "TBabs", "PhAbs", "WAbs",
    "CFlux", "CPFlux", "CLumin", "XPowerLaw", "BknPower", "CutoffPL", "BBody", "BBodyRad", "Bremss",
    "ZPowerLw", "ZBBody",
    "GrbM", "Lorentz", "XGaussian", "ExpAbs", "XHighECut", "NthComp",
]

#: Registry: component name → class.
LIBRARY: dict[str, type] = {
    cls.default_name: cls
    for cls in (PowerLaw, CutoffPowerLaw, Band, SmoothlyBrokenPowerLaw, Blackbody, DiskBlackbody,
                Cutoff, HighECut, Constant, MultConstant, Gaussian, ZShift, TBabs, PhAbs, WAbs,
                CFlux, CPFlux, CLumin, XPowerLaw, BknPower, CutoffPL, BBody, BBodyRad, Bremss, ZPowerLw, ZBBody,
                GrbM, Lorentz, XGaussian, ExpAbs, XHighECut, NthComp)
}


def names() -> list:
    """Registered component names, sorted."""
    return sorted(LIBRARY)


def get(name: str) -> type:
    """The component class registered as ``name``; ``ModelError`` listing known names."""
    try:
        return LIBRARY[name]
    except (KeyError, TypeError):
        raise ModelError(f"unknown component {name!r}; known: {', '.join(names())}") from None


def register(cls: type, name: str | None = None, *, overwrite: bool = False) -> type:
    """Add a ``Component`` subclass to the registry (usable as a decorator)."""
    if not (isinstance(cls, type) and issubclass(cls, Component)):
        raise ModelError(f"only Component subclasses can be registered, got {cls!r}")
    name = cls.default_name if name is None else name
    if not name.isidentifier():
        raise ModelError(f"component names must be identifiers, got {name!r}")
    if name in LIBRARY and LIBRARY[name] is not cls and not overwrite:
        raise ModelError(f"component {name!r} is already registered")
    LIBRARY[name] = cls
    return cls
