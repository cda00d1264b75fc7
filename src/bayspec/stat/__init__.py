"""Fit statistics, per channel and batched over parameter vectors.

Each statistic is ``f(S, B, m, ts, tb, sS=None, sB=None) -> ndarray (n, k)``: ``S``, ``B``
observed source and background counts ``(k,)``, ``m`` predicted source counts in the source
spectrum ``(n, k)``, ``ts``, ``tb`` efficiencies (scalars or ``(k,)``), ``sS``, ``sB``
1-sigma errors in counts. Values are -2 ln(likelihood ratio to the saturated model), as
in the XSPEC manual, Appendix B. ``f.prepare(S, B=None, ts=1.0, tb=1.0, sS=None,
sB=None)`` returns a fast callable ``g(m, out=None)`` with the data-only terms
precomputed (what the likelihood kernel uses).

Modules: ``cash`` (cstat), ``wstat``, ``pstat``, ``pgstat``, ``chi2`` (chi2 family),
``registry`` (names, ``get_statistic``, ``check_inputs``), ``significance`` (Li & Ma,
Poisson-Gaussian), ``profile`` (the profiled backgrounds of wstat and pgstat), ``_common``
(input checks, floors).
"""

from . import significance
from .cash import cstat
from .chi2 import chi2, chi2_datavar, chi2_gehrels, chi2_modelvar
from .pgstat import pgstat
from .profile import pgstat_background, wstat_background
from .pstat import pstat
from .registry import STATISTICS, StatInfo, check_inputs, get_statistic
from .wstat import wstat

__all__ = [
    "cstat",
    "wstat",
    "pstat",
    "pgstat",
    "chi2",
    "chi2_datavar",
    "chi2_modelvar",
    "chi2_gehrels",
    "STATISTICS",
    "StatInfo",
    "get_statistic",
    "check_inputs",
    "significance",
    "wstat_background",
    "pgstat_background",
]
