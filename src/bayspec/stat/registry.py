"""Statistic names, their requirements, lookup and input checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from ..errors import StatisticError
from .cash import cstat, prepare_cstat
from .chi2 import (
    chi2,
    chi2_datavar,
    chi2_gehrels,
    chi2_modelvar,
    prepare_chi2,
    prepare_chi2_datavar,
    prepare_chi2_gehrels,
    prepare_chi2_modelvar,
)
from .gradient import prepare_grad
from .pgstat import pgstat, prepare_pgstat
from .pstat import prepare_pstat, pstat
from .wstat import prepare_wstat, wstat

__all__ = ["StatInfo", "STATISTICS", "get_statistic", "check_inputs"]


@dataclass(frozen=True)
class StatInfo:
    """What a statistic needs from a data unit.

    Attributes
    ----------
    name : str
    background : str
        ``"required"`` or ``"optional"``.
    background_errors : str
        ``"required"``, ``"with background"`` (required when a background is used) or
        ``"unused"``.
    source_errors : bool
        Whether source errors are required.
    summary : str
    """

    name: str
    background: str
    background_errors: str
    source_errors: bool
    summary: str

    def check(self, has_bkg: bool, has_bkg_err: bool, has_src_err: bool) -> None:
        """Raise :class:`StatisticError` when the data cannot feed this statistic."""
        if self.background == "required" and not has_bkg:
            raise StatisticError(
                f"statistic {self.name!r} ({self.summary}) needs a background spectrum",
                key="stat",
            )
        need_be = self.background_errors == "required" or (
            self.background_errors == "with background" and has_bkg
        )
        if need_be and not has_bkg_err:
            raise StatisticError(
                f"statistic {self.name!r} ({self.summary}) needs background errors "
                "(STAT_ERR of the background spectrum)",
                key="stat",
            )
        if self.source_errors and not has_src_err:
            raise StatisticError(
                f"statistic {self.name!r} ({self.summary}) needs source errors "
                "(STAT_ERR or POISSERR of the source spectrum)",
                key="stat",
            )


def _register(func: Callable, prepare: Callable, info: StatInfo) -> Callable:
    func.prepare = prepare
    func.prepare_grad = partial(prepare_grad, info.name)
    func.info = info
    func.stat_name = info.name
    func.needs_background = info.background == "required"
    func.needs_background_errors = info.background_errors == "required"
    func.needs_source_errors = info.source_errors
    return func


STATISTICS: dict[str, Callable] = {
    f.stat_name: f
    for f in (
        _register(cstat, prepare_cstat, StatInfo(
            "cstat", "optional", "unused", False,
            "Cash; W-stat when a background is given")),
        _register(wstat, prepare_wstat, StatInfo(
            "wstat", "required", "unused", False,
            "Poisson source, Poisson background profiled")),
        _register(pstat, prepare_pstat, StatInfo(
            "pstat", "required", "unused", False,
            "Poisson source, background known")),
        _register(pgstat, prepare_pgstat, StatInfo(
            "pgstat", "required", "required", False,
            "Poisson source, Gaussian background profiled")),
        _register(chi2, prepare_chi2, StatInfo(
            "chi2", "optional", "with background", True,
            "Gaussian, errors from the files")),
        _register(chi2_datavar, prepare_chi2_datavar, StatInfo(
            "chi2_datavar", "optional", "unused", False,
            "Gaussian, data variance")),
        _register(chi2_modelvar, prepare_chi2_modelvar, StatInfo(
            "chi2_modelvar", "optional", "unused", False,
            "Gaussian, model variance")),
        _register(chi2_gehrels, prepare_chi2_gehrels, StatInfo(
            "chi2_gehrels", "optional", "unused", False,
            "Gaussian, Gehrels variance")),
    )
}
"""Name -> statistic function (each has ``.prepare`` and ``.info``)."""


def get_statistic(name) -> Callable:
    """Return the statistic function called ``name`` (case-insensitive).

    The function has the signature ``f(S, B, m, ts, tb, sS=None, sB=None) -> (n, k)``
    and the attributes ``prepare(S, B=None, ts=1.0, tb=1.0, sS=None, sB=None)``
    (returning a fast ``g(m, out=None) -> (n, k)``), ``info`` (:class:`StatInfo`),
    ``needs_background``, ``needs_background_errors``, ``needs_source_errors``.

    Raises
    ------
    StatisticError
        For an unknown name; the message lists the valid names.
    """
    key = str(name).strip().lower() if isinstance(name, str) else name
    try:
        return STATISTICS[key]
    except (KeyError, TypeError):
        raise StatisticError(
            f"unknown statistic {name!r}; valid names: {', '.join(STATISTICS)}", key="stat"
        ) from None


def check_inputs(name, has_bkg: bool, has_bkg_err: bool, has_src_err: bool) -> Callable:
    """Check that data with the given parts can use statistic ``name``.

    Returns the statistic function; raises :class:`StatisticError` with the reason
    (unknown name, missing background, background errors or source errors).
    """
    func = get_statistic(name)
    func.info.check(bool(has_bkg), bool(has_bkg_err), bool(has_src_err))
    return func
