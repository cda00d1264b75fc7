"""`Selection`: which channels of a unit enter the fit, and how they are grouped.

A selection is computed from the loaded parts (source, background, response) and the
unit's settings (statistic, ``notc``, ``grpg``, ``rebn``, weight) in one go and never
changed afterwards: a `DataUnit` setter builds a new one and swaps it in only when that
succeeded, so a setter that fails leaves the unit as it was.

Good channels have QUALITY 0 in the source (and background) and finite energy bounds;
noticed channels are the good ones wholly inside a ``notc`` range; groups come from the
file's GROUPING flags, channel by channel (``"none"``) or a grouping policy
(`bayspec.data.grouping`), keeping only groups whose channels are all noticed.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..errors import ChannelMismatchError, ConfigError, NoticeError, StatisticError
from ..stat import check_inputs
from . import grouping as _grp
from .notice import format_notc, normalize_notc, notice_mask

__all__ = ["Selection", "make_selection", "src_efficiency_per_channel",
           "bkg_efficiency_per_channel"]


@dataclass(frozen=True)
class Selection:
    """The derived, immutable selection state of a unit.

    Attributes
    ----------
    notc : ndarray (n, 2)
        Normalized noticed ranges (keV).
    qualifying : ndarray of bool (nchan,)
        Good channels (QUALITY 0, finite bounds).
    noticing : ndarray of bool (nchan,)
        Good channels inside ``notc``.
    grouping, rebining : Grouping
        Groups of the fit views and of the ``_re_`` (plotting) views.
    weight : float
        Multiplier of the unit's statistic.
    sys_frac : float
        User systematic fraction of the source counts (see `bayspec.data._views`).
    bkg_sys : bool
        Whether the background file's SYS_ERR enters a Gaussian background's variance.
    """

    notc: np.ndarray
    qualifying: np.ndarray
    noticing: np.ndarray
    grouping: _grp.Grouping
    rebining: _grp.Grouping
    weight: float
    sys_frac: float = 0.0
    bkg_sys: bool = False


def src_efficiency_per_channel(src):
    """``EXPOSURE × AREASCAL`` per channel (s)."""
    return np.broadcast_to(np.asarray(src.exposure * src.areascal, dtype=np.float64),
                           (src.nchan,))


def bkg_efficiency_per_channel(src, bkg):
    """``EXPOSURE_b × AREASCAL_b × BACKSCAL_b / BACKSCAL_s`` per channel (s)."""
    e = bkg.exposure * np.asarray(bkg.areascal) * np.asarray(bkg.backscale) / \
        np.asarray(src.backscale)
    return np.broadcast_to(np.asarray(e, dtype=np.float64), (src.nchan,))


def _check_channels(parts, name):
    src, bkg, rsp = parts.src, parts.bkg, parts.rsp
    n_s, n_r = src.nchan, rsp.nchan
    n_b = n_s if bkg is None else bkg.nchan
    if not (n_s == n_r == n_b):
        msg = [f"source {src.name}: {n_s}"]
        if bkg is not None:
            msg.append(f"background {bkg.name}: {n_b}")
        msg.append(f"response {rsp.name}: {n_r}")
        raise ChannelMismatchError("channel counts differ (" + ", ".join(msg) + ")",
                                   file=src.file, key=name)


def _weight(value, name):
    try:
        w = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"weight must be a number, got {value!r}", key=f"{name} weight") from None
    if not np.isfinite(w) or w < 0:
        raise ConfigError(f"weight must be finite and >= 0, got {w}", key=f"{name} weight")
    return w


def _sys_frac(value, name):
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"sys_frac must be a number, got {value!r}",
                          key=f"{name} sys_frac") from None
    if not np.isfinite(f) or f < 0:
        raise ConfigError(f"sys_frac must be finite and >= 0, got {f}", key=f"{name} sys_frac")
    return f


#: Statistics whose source variance comes from the data errors, so that systematic
#: errors can enter it (the others model the source counts as Poisson, or use a variance
#: of their own).
GAUSSIAN_SOURCE_STATS = ("chi2",)
#: Statistics with a Gaussian background whose variance is ``bkg_errors**2``.
GAUSSIAN_BACKGROUND_STATS = ("chi2", "pgstat")


def _check_systematics(parts, stat, sys_frac, bkg_sys, noticing, name, warned):
    """Warn once per file when systematic errors cannot enter the chosen statistic."""
    src, bkg = parts.src, parts.bkg
    stat = str(stat).lower()
    sys = src.sys_errors
    if stat not in GAUSSIAN_SOURCE_STATS:
        if sys is not None and np.any(np.asarray(sys)[noticing] > 0):
            tag = ("src_sys", id(src), stat)
            if warned is None or tag not in warned:
                if warned is not None:
                    warned.add(tag)
                warnings.warn(f"{src.file or src.name}: SYS_ERR (up to "
                              f"{np.max(np.asarray(sys)[noticing]):g}) does not enter the "
                              f"{stat} likelihood of unit {name!r} (its source counts are "
                              "not Gaussian with the file errors); use stat='chi2' to "
                              "include it", stacklevel=5)
        if sys_frac > 0:
            raise ConfigError(f"sys_frac={sys_frac:g} needs a statistic with Gaussian source "
                              f"errors (chi2), not {stat}", key=f"{name} sys_frac")
    if bkg_sys and (bkg is None or stat not in GAUSSIAN_BACKGROUND_STATS):
        raise ConfigError("bkg_sys needs a Gaussian background (chi2 or pgstat with a "
                          "background)", key=f"{name} bkg_sys")


def _grouping(parts, mask, notc, policy, key, name):
    src, bkg, rsp = parts.src, parts.bkg, parts.rsp
    if policy is None:
        g = _grp.from_flags(src.grouping, mask)
    elif isinstance(policy, str) and policy.strip().lower() == "none":
        g = _grp.ungrouped(mask)
    elif isinstance(policy, dict):
        alpha = None if bkg is None else \
            src_efficiency_per_channel(src) / bkg_efficiency_per_channel(src, bkg)
        mw = None
        if policy.get("method") == "optimal":
            fw = _grp.response_fwhm(rsp.chbin, rsp.drm)
            mw = _grp.optimal_width(src.counts, rsp.chbin, fw, mask)
        g = _grp.from_policy(policy, mask, src.counts, None if bkg is None else bkg.counts,
                             alpha, mw, key=f"{name} {key}")
    else:
        raise ConfigError(f"{key} must be None, 'none' or a policy dict, got {policy!r}",
                          key=f"{name} {key}")
    if g.ngroup == 0:
        raise NoticeError(f"no complete group inside notc {format_notc(notc)} with "
                          f"{key}={policy!r} (a group is kept only when all its channels "
                          "are noticed)", key=name)
    return g


def make_selection(parts, settings, name, warned=None):
    """Check the parts against the settings and build their `Selection`.

    Parameters
    ----------
    parts : bayspec.data._inputs.Parts
    settings : mapping
        ``stat``, ``notc``, ``grpg``, ``rebn``, ``weight`` and optionally ``sys_frac``,
        ``bkg_sys`` as the user gave them.
    name : str
        The unit's name, for messages.
    warned : set, optional
        What was already warned about (NaN channel bounds, unusable SYS_ERR: once each).

    Raises
    ------
    ChannelMismatchError, StatisticError, ConfigError, NoticeError
    """
    src, bkg, rsp = parts.src, parts.bkg, parts.rsp
    _check_channels(parts, name)
    try:
        check_inputs(settings["stat"], bkg is not None, bkg is not None and not bkg.poisson,
                     not src.poisson)
    except StatisticError as exc:
        raise StatisticError(f"{exc}", key=name) from None
    weight = _weight(settings["weight"], name)
    notc = normalize_notc(settings["notc"], name=name)
    chbin = rsp.chbin
    finite = np.isfinite(chbin).all(axis=1)
    if not finite.all() and warned is not None and id(rsp) not in warned:
        warned.add(id(rsp))
        warnings.warn(f"{rsp.name}: {int((~finite).sum())} channel(s) with NaN energy "
                      "bounds are treated as bad", stacklevel=4)
    good = (src.quality == 0) & finite
    if bkg is not None:
        good &= bkg.quality == 0
    noticing = good & notice_mask(chbin, notc)
    if not noticing.any():
        raise NoticeError(f"notc {format_notc(notc)} selects no good channel "
                          f"(channels span {np.nanmin(chbin):g}-{np.nanmax(chbin):g} keV, "
                          f"{int(good.sum())} good)", key=name)
    grouping = _grouping(parts, noticing, notc, settings["grpg"], "grpg", name)
    rebining = grouping if settings["rebn"] is None else \
        _grouping(parts, noticing, notc, settings["rebn"], "rebn", name)
    sys_frac = _sys_frac(settings.get("sys_frac", 0.0), name)
    bkg_sys = bool(settings.get("bkg_sys", False))
    _check_systematics(parts, settings["stat"], sys_frac, bkg_sys, noticing, name, warned)
    return Selection(notc, good, noticing, grouping, rebining, weight, sys_frac, bkg_sys)
