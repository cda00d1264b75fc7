"""Spectral models: components, their algebra and integration plans.

Modules
-------
base        ``Model``: parameters, names, plan / node_values / integrate / __call__.
component   ``Additive``, ``Multiplicative``, ``Convolution`` bases and ``ParSpec``.
composite   ``CompositeModel``: ``+ - * /``, numbers, ``conv(model)``; kind rules.
plan        ``IntegrationPlan``; exact (antiderivative) and quadrature plans.
parse       ``parse_model("band + bb")``, ``atable{file}``/``mtable{file}``/``etable{file}``.
table       ``table_model(path)``: OGIP table models (XSPEC atable/mtable/etable).
user        ``@user_component``: a numpy function of E and parameters → a batched component.
catalog     ``catalog()``, ``describe(name)``: every component, its parameters and formula.
library     the components and the registry (``library.LIBRARY``, ``library.get``).

Components: ``pl``, ``cpl``, ``band``, ``sbpl``, ``bb``, ``mbb``, ``cutoff``, ``hecut``,
``const``, ``mconst``, ``gauss``, ``zshift``, ``tbabs``, ``phabs``, ``wabs``; XSPEC-form
``powerlaw``, ``bknpower``, ``cutoffpl``, ``bbody``, ``bbodyrad``, ``bremss``, ``zpowerlw``,
``zbbody``, ``grbm``, ``lorentz``, ``gaussian``, ``expabs``, ``highecut``, ``nthcomp``;
convolutions ``cflux``, ``cpflux``, ``clumin``; OGIP tables through ``table_model``.
"""

from . import library
from .base import DEFAULT_SETTINGS, Model
from .catalog import catalog, describe
from .component import Additive, Component, Convolution, Multiplicative, ParSpec
from .composite import CompositeModel
from .library import (
                      Band,
                      BBody,
                      BBodyRad,
                      BknPower,
                      Blackbody,
                      Bremss,
                      CFlux,
                      CLumin,
                      Constant,
                      CPFlux,
                      Cutoff,
                      CutoffPL,
                      CutoffPowerLaw,
                      DiskBlackbody,
                      ExpAbs,
                      Gaussian,
                      GrbM,
                      HighECut,
                      Lorentz,
                      MultConstant,
                      NthComp,
                      PhAbs,
                      PowerLaw,
                      SmoothlyBrokenPowerLaw,
                      TBabs,
                      WAbs,
                      XGaussian,
                      XHighECut,
                      XPowerLaw,
                      ZBBody,
                      ZPowerLw,
                      ZShift,
)
from .parse import parse_model
from .plan import IntegrationPlan
from .table import table_model
from .user import user_component

pl = PowerLaw
cpl = CutoffPowerLaw
band = Band
sbpl = SmoothlyBrokenPowerLaw
bb = Blackbody
mbb = DiskBlackbody
cutoff = Cutoff
hecut = HighECut
const = Constant
mconst = MultConstant
gauss = Gaussian
zshift = ZShift
tbabs = TBabs
phabs = PhAbs
wabs = WAbs
cflux = CFlux
cpflux = CPFlux
clumin = CLumin
powerlaw = XPowerLaw
bknpower = BknPower
cutoffpl = CutoffPL
bbody = BBody
bbodyrad = BBodyRad
bremss = Bremss
zpowerlw = ZPowerLw
zbbody = ZBBody
grbm = GrbM
lorentz = Lorentz
gaussian = XGaussian
expabs = ExpAbs
highecut = XHighECut
nthcomp = NthComp

__all__ = [
    "Model", "Component", "Additive", "Multiplicative", "Convolution", "CompositeModel", "ParSpec",
    "IntegrationPlan", "DEFAULT_SETTINGS", "parse_model", "library", "table_model", "user_component",
    "catalog", "describe",
    "PowerLaw", "CutoffPowerLaw", "Band", "SmoothlyBrokenPowerLaw", "Blackbody", "DiskBlackbody",
    "Cutoff", "HighECut", "Constant", "MultConstant", "Gaussian", "ZShift", "TBabs", "PhAbs", "WAbs",
    "pl", "cpl", "band", "sbpl", "bb", "mbb", "cutoff", "hecut", "const", "mconst", "gauss", "zshift",
    "tbabs", "phabs", "wabs",
    "CFlux", "CPFlux", "CLumin", "XPowerLaw", "BknPower", "CutoffPL", "BBody", "BBodyRad", "Bremss",
    "ZPowerLw", "ZBBody",
    "GrbM", "Lorentz", "XGaussian", "ExpAbs", "XHighECut", "NthComp",
    "cflux", "cpflux", "clumin", "powerlaw", "bknpower", "cutoffpl", "bbody", "bbodyrad", "bremss",
    "zpowerlw", "zbbody",
    "grbm", "lorentz", "gaussian", "expabs", "highecut", "nthcomp",
]
