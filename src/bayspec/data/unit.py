"""`DataUnit`: one source spectrum with its background, response, selection and statistic.

How the fit kernel reads a unit (all over the **noticed groups**, float64):

* ``ebin`` ``(nphot, 2)`` keV photon bins; ``rsp_drm`` ``(nphot, ngroup)`` (cm², channels
  summed per group); the prediction is ``(integrated photon flux @ rsp_drm) * rf``;
* ``src_counts``, ``src_errors``, ``bkg_counts``, ``bkg_errors`` ``(ngroup,)`` (``bkg_*``
  are None without background); ``src_efficiency``, ``bkg_efficiency`` ``(ngroup,)`` s
  (always arrays; per-channel BACKSCAL/AREASCAL are averaged over each group's channels —
  the mean of ``EXPOSURE × AREASCAL_i`` (× ``BACKSCAL_b,i / BACKSCAL_s,i``), i.e. an
  exposure-weighted scale);
* scale factors in ``unit.par``: ``"sf"`` (source efficiency), ``"bf"`` (background
  efficiency, only with a background), ``"rf"`` (response), plus ``"ra"``/``"dec"`` for a
  `BalrogResponse` (then ``rsp_drm`` depends on them: check ``unit.rsp_dynamic``);
* ``stat``, ``weight``, ``time``, ``name``; ``fit_with`` once a model is bound.

Changing any public attribute (``src``, ``bkg``, ``rsp``, ``rmf``, ``arf``, ``notc``,
``grpg``, ``rebn``, ``stat``, ``time``, ``weight``) re-runs the update and drops cached views.
"""

from __future__ import annotations

import os
import warnings
import weakref

import numpy as np

from ..constants import KEV_TO_ERG

from .._atomic import atomic_path
from .._superdict import SuperDict
from .. import _hooks
from ..stat import check_inputs
from ..errors import (ChannelMismatchError, ConfigError, DataFormatError, ModelNotBoundError,
                      NoticeError, StatisticError)
from . import grouping as _grp
from ._info import Info
from ._resolve import resolve_keyword
from . import predict as _predict
from . import simulate as _simulate
from .fold import UnitFold, plan_key
from .notice import format_notc, normalize_notc, notice_mask
from .response import Auxiliary, Redistribution, Response, compose
from .spectrum import Background, Source, Spectrum
from .upperlimit import kbn_upper_limit

__all__ = ["DataUnit"]

DEFAULT_NGRID = 5


def _is_none(x):
    return x is False or (isinstance(x, str) and x.strip().lower() in ("none", ""))


def _display(spec):
    if spec is None:
        return None
    if isinstance(spec, (Spectrum, Response)):
        return spec.name
    if isinstance(spec, tuple):
        return f"{spec[0]}{{{spec[1]}}}"
    return str(getattr(spec, "name", None) or spec) if not isinstance(spec, str) else spec


def _check_stat(stat, has_bkg, has_bkg_err, has_src_err, where):
    """Check the statistic name against the unit's parts (`bayspec.stat.check_inputs`)."""
    try:
        check_inputs(stat, has_bkg, has_bkg_err, has_src_err)
    except StatisticError as exc:
        raise StatisticError(f"{exc}", key=where) from None


def _cached(fn):
    name = fn.__name__

    def wrapper(self):
        c = self._cache
        if name not in c:
            c[name] = fn(self)
        return c[name]

    wrapper.__name__ = name
    wrapper.__doc__ = fn.__doc__
    return property(wrapper)


class DataUnit:
    """One source/background/response triplet with noticing, grouping and statistic.

    Parameters
    ----------
    src : Source, path, ``"file{i}"``, ``"file:i"``, ``(file, i)`` or BytesIO
        Source spectrum (PHA-II rows 0-based).
    bkg : Background, file spec, None or False
        None: use the source's BACKFILE (resolved beside the PHA), none if it has none;
        False or ``"none"``: no background.
    rmf, arf : Redistribution / Auxiliary or file specs, optional
        Combined into the response (``rmf * arf``).
    rsp : Response or file spec, optional
        Full response. With ``rsp``, ``rmf`` and ``arf`` all None, RESPFILE (+ ANCRFILE)
        of the source are used.
    stat : str
        Fit statistic, checked with `bayspec.stat.check_inputs` (default ``"pgstat"``).
    notc : None, [lo, hi] or list of [lo, hi] (keV)
        Kept energy ranges (whole channel inside).
    grpg : None, "none" or policy dict
        None: the file's GROUPING; "none": channel by channel; dict: see
        `bayspec.data.grouping`.
    rebn : None, "none" or policy dict
        Grouping of the ``_re_`` (plotting) views; None = same as ``grpg``.
    time : float, optional
        Time tag (s) for time-dependent models; None gives NaN time arrays.
    weight : float
        Multiplies this unit's statistic.
    name : str, optional
        Default: the source file's base name (or the key in `Data`).
    """

    def __init__(self, src, bkg=None, rmf=None, arf=None, rsp=None, stat="pgstat", notc=None,
                 grpg=None, rebn=None, time=None, weight=1, *, name=None):
        self._ready = False
        self._cache = {}
        self._version = 0
        self._folds = {}
        self._name = name
        self._fit_with = None
        self._warned = set()
        self._src_in, self._bkg_in = src, bkg
        self._rmf_in, self._arf_in, self._rsp_in = rmf, arf, rsp
        self._stat = stat
        self._notc_in = notc
        self._grpg = grpg
        self._rebn = rebn
        self._time = time
        self._weight = weight
        self._load_src()
        self._load_bkg()
        self._load_rsp()
        self._ready = True
        self._update()

    # ------------------------------------------------------------------ loading
    def _load_src(self):
        s = self._src_in
        if isinstance(s, Spectrum):
            self.src_ins = s
        elif s is None:
            raise DataFormatError("a DataUnit needs a source spectrum (src)", key="src")
        else:
            self.src_ins = Source.from_plain(s)

    def _load_bkg(self):
        b = self._bkg_in
        src = self.src_ins
        if isinstance(b, Spectrum):
            self.bkg_ins = b
        elif _is_none(b):
            self.bkg_ins = None
        elif b is None:
            kw = src.backfile
            if kw is None or _is_none(kw):
                self.bkg_ins = None
            else:
                path, idx = resolve_keyword(kw, src.file, "BACKFILE")
                row = None if idx is None else max(idx - 1, 0)  # OGIP {n} is 1-based
                self.bkg_ins = Background.from_plain(path, row)
        else:
            self.bkg_ins = Background.from_plain(b)

    @staticmethod
    def _as_rmf(x, idx=None):
        if isinstance(x, Response):
            return x
        return Redistribution.from_plain(x, idx)

    @staticmethod
    def _as_arf(x, idx=None):
        if isinstance(x, Auxiliary):
            return x
        return Auxiliary.from_plain(x, idx)

    def _load_rsp(self):
        rsp, rmf, arf = self._rsp_in, self._rmf_in, self._arf_in
        src = self.src_ins
        self.rmf_ins = self.arf_ins = None
        if rsp is not None and (rmf is not None or arf is not None):
            raise ConfigError("give either rsp or rmf (+ arf), not both", key="rsp")
        if rsp is not None:
            self.rsp_ins = rsp if isinstance(rsp, Response) else Response.from_plain(rsp)
            if isinstance(self.rsp_ins, Auxiliary):
                raise ConfigError("rsp is an ARF; pass it as arf= with an rmf=", key="rsp")
            return
        if rmf is None and arf is None:
            kw = src.respfile
            if kw is None or _is_none(kw):
                raise DataFormatError("no response: RESPFILE is none; pass rsp= or rmf= (+ arf=)",
                                      file=src.file, hdu=src.hdu, key="RESPFILE")
            path, idx = resolve_keyword(kw, src.file, "RESPFILE")
            rmf = self._as_rmf(path, idx)
            akw = src.ancrfile
            if akw is not None and not _is_none(akw):
                apath, aidx = resolve_keyword(akw, src.file, "ANCRFILE")
                arf = self._as_arf(apath, aidx)
        elif rmf is None:
            raise ConfigError("arf given without rmf; pass rmf= too (or a full rsp=)", key="arf")
        else:
            rmf = self._as_rmf(rmf)
            arf = None if arf is None else self._as_arf(arf)
        self.rmf_ins, self.arf_ins = rmf, arf
        if arf is None:
            self.rsp_ins = rmf
        else:
            self.rsp_ins = compose(rmf, arf)

    # ------------------------------------------------------------------ update
    def _update(self):
        if not self._ready:
            return
        self._cache = {}
        self._version += 1
        self._folds = {}
        src, bkg, rsp = self.src_ins, self.bkg_ins, self.rsp_ins
        n_s, n_r = src.nchan, rsp.nchan
        n_b = n_s if bkg is None else bkg.nchan
        if not (n_s == n_r == n_b):
            parts = [f"source {src.name}: {n_s}"]
            if bkg is not None:
                parts.append(f"background {bkg.name}: {n_b}")
            parts.append(f"response {rsp.name}: {n_r}")
            raise ChannelMismatchError("channel counts differ (" + ", ".join(parts) + ")",
                                       file=src.file, key=self.name)
        _check_stat(self._stat, bkg is not None, bkg is not None and not bkg.poisson,
                    not src.poisson, self.name)
        try:
            w = float(self._weight)
        except (TypeError, ValueError):
            raise ConfigError(f"weight must be a number, got {self._weight!r}",
                              key=f"{self.name} weight") from None
        if not np.isfinite(w) or w < 0:
            raise ConfigError(f"weight must be finite and >= 0, got {w}", key=f"{self.name} weight")
        self._notc = normalize_notc(self._notc_in, name=self.name)
        chbin = rsp.chbin
        finite = np.isfinite(chbin).all(axis=1)
        if not finite.all() and id(rsp) not in self._warned:
            self._warned.add(id(rsp))
            warnings.warn(f"{rsp.name}: {int((~finite).sum())} channel(s) with NaN energy "
                          "bounds are treated as bad", stacklevel=3)
        good = (src.quality == 0) & finite
        if bkg is not None:
            good &= bkg.quality == 0
        self.qualifying = good
        self.noticing = good & notice_mask(chbin, self._notc)
        if not self.noticing.any():
            raise NoticeError(f"notc {format_notc(self._notc)} selects no good channel "
                              f"(channels span {np.nanmin(chbin):g}-{np.nanmax(chbin):g} keV, "
                              f"{int(good.sum())} good)", key=self.name)
        self._grouping = self._make_grouping(self._grpg, "grpg")
        self._rebining = self._grouping if self._rebn is None else \
            self._make_grouping(self._rebn, "rebn")

    # per-channel efficiencies -----------------------------------------------------------
    def _src_eff_ch(self):
        s = self.src_ins
        return np.broadcast_to(np.asarray(s.exposure * s.areascal, dtype=np.float64),
                               (s.nchan,))

    def _bkg_eff_ch(self):
        s, b = self.src_ins, self.bkg_ins
        e = b.exposure * np.asarray(b.areascal) * np.asarray(b.backscale) / np.asarray(s.backscale)
        return np.broadcast_to(np.asarray(e, dtype=np.float64), (s.nchan,))

    def _make_grouping(self, policy, key):
        mask = self.noticing
        src = self.src_ins
        if policy is None:
            g = _grp.from_flags(src.grouping, mask)
        elif isinstance(policy, str) and policy.strip().lower() == "none":
            g = _grp.ungrouped(mask)
        elif isinstance(policy, dict):
            bkg = self.bkg_ins
            alpha = None if bkg is None else self._src_eff_ch() / self._bkg_eff_ch()
            mw = None
            if policy.get("method") == "optimal":
                fw = _grp.response_fwhm(self.rsp_ins.chbin, self.rsp_ins.drm)
                mw = _grp.optimal_width(src.counts, self.rsp_ins.chbin, fw, mask)
            g = _grp.from_policy(policy, mask, src.counts,
                                 None if bkg is None else bkg.counts, alpha, mw,
                                 key=f"{self.name} {key}")
        else:
            raise ConfigError(f"{key} must be None, 'none' or a policy dict, got {policy!r}",
                              key=f"{self.name} {key}")
        if g.ngroup == 0:
            raise NoticeError(f"no complete group inside notc {format_notc(self._notc)} with "
                              f"{key}={policy!r} (a group is kept only when all its channels "
                              "are noticed)", key=self.name)
        return g

    # ------------------------------------------------------------------ public attributes
    def _set(self, attr, value, loader=()):
        setattr(self, attr, value)
        for ld in loader:
            ld()
        self._update()

    @property
    def src(self):
        return self._src_in

    @src.setter
    def src(self, v):
        loaders = [self._load_src]
        if self._bkg_in is None:
            loaders.append(self._load_bkg)
        if self._rsp_in is None and self._rmf_in is None and self._arf_in is None:
            loaders.append(self._load_rsp)
        self._set("_src_in", v, loaders)

    @property
    def bkg(self):
        return self._bkg_in

    @bkg.setter
    def bkg(self, v):
        self._set("_bkg_in", v, [self._load_bkg])

    @property
    def rmf(self):
        return self._rmf_in

    @rmf.setter
    def rmf(self, v):
        self._set("_rmf_in", v, [self._load_rsp])

    @property
    def arf(self):
        return self._arf_in

    @arf.setter
    def arf(self, v):
        self._set("_arf_in", v, [self._load_rsp])

    @property
    def rsp(self):
        return self._rsp_in

    @rsp.setter
    def rsp(self, v):
        self._set("_rsp_in", v, [self._load_rsp])

    @property
    def completeness(self):
        """True when both source and response are loaded."""
        return self.src_ins is not None and self.rsp_ins is not None

    @property
    def stat(self):
        return self._stat

    @stat.setter
    def stat(self, v):
        old = self._stat
        self._stat = v
        try:
            self._update()
        except StatisticError:
            self._stat = old
            self._update()
            raise

    @property
    def notc(self):
        """Noticed ranges as given (see ``noticed_ranges`` for the normalized array)."""
        return self._notc_in

    @notc.setter
    def notc(self, v):
        old = self._notc_in
        self._notc_in = v
        try:
            self._update()
        except DataFormatError:
            self._notc_in = old
            self._update()
            raise

    @property
    def noticed_ranges(self):
        return self._notc

    @property
    def grpg(self):
        return self._grpg

    @grpg.setter
    def grpg(self, v):
        self._set("_grpg", v)

    @property
    def rebn(self):
        return self._rebn

    @rebn.setter
    def rebn(self, v):
        self._set("_rebn", v)

    @property
    def time(self):
        return self._time

    @time.setter
    def time(self, v):
        self._set("_time", v)

    @property
    def weight(self):
        return self._weight

    @weight.setter
    def weight(self, v):
        self._set("_weight", v)

    @property
    def name(self):
        """Given name (or the key in `Data`), else the source's name."""
        return self._name or self.src_ins.name

    @name.setter
    def name(self, v):
        self._name = v

    @property
    def grouping(self):
        """`Grouping` of the fit views."""
        return self._grouping

    @property
    def rebining(self):
        """`Grouping` of the ``_re_`` views."""
        return self._rebining

    @property
    def rsp_dynamic(self):
        """True when the response matrix depends on parameters (e.g. `BalrogResponse`)."""
        return self.rsp_ins.state is not None

    # ------------------------------------------------------------------ parameters / config
    @property
    def par(self):
        """`SuperDict` of this unit's parameters: ``sf``, ``bf`` (with bkg), ``rf``, ``ra``, ``dec``."""
        d = SuperDict()
        d["sf"] = self.src_ins.factor
        if self.bkg_ins is not None:
            d["bf"] = self.bkg_ins.factor
        d["rf"] = self.rsp_ins.factor
        if self.rsp_ins.ra is not None:
            d["ra"] = self.rsp_ins.ra
            d["dec"] = self.rsp_ins.dec
        return d

    @property
    def params(self):
        return self.par

    @property
    def pvalues(self):
        return tuple(p.value for p in self.par.values())

    @property
    def cfg(self):
        """`SuperDict` of the unit's settings (stat, notc, grpg, rebn, time, weight)."""
        return SuperDict([("stat", self.stat), ("notc", self.notc), ("grpg", self.grpg),
                          ("rebn", self.rebn), ("time", self.time), ("weight", self.weight)])

    @property
    def config(self):
        return self.cfg

    # ------------------------------------------------------------------ info / save
    @property
    def info(self):
        """Two-column `Info` table describing the unit."""
        rows = [("name", self.name), ("src", self.src_ins.name),
                ("bkg", None if self.bkg_ins is None else self.bkg_ins.name),
                ("rsp", self.rsp_ins.name), ("stat", self.stat),
                ("notc", format_notc(self._notc)), ("grpg", repr(self.grpg)),
                ("rebn", repr(self.rebn)), ("time", self.time), ("weight", self.weight),
                ("nchan", self.src_ins.nchan), ("npoint", self.npoint),
                ("exposure", self.src_ins.exposure)]
        return Info([{"property": k, "value": v} for k, v in rows], ["property", "value"])

    def save(self, savepath):
        """Write the info table to ``<savepath>/dataunit.json`` (atomically)."""
        os.makedirs(savepath, exist_ok=True)
        with atomic_path(os.path.join(savepath, "dataunit.json"), overwrite=True) as tmp:
            with open(tmp, "w") as f:
                f.write(self.info.to_json(indent=1, default=str))

    def __repr__(self):
        return (f"DataUnit({self.name!r}, stat={self.stat!r}, npoint={self.npoint}, "
                f"notc={format_notc(self._notc)})")

    # ------------------------------------------------------------------ model binding
    @property
    def fit_with(self):
        """The bound model; `ModelNotBoundError` until one is bound."""
        if self._fit_with is None:
            raise ModelNotBoundError("no model is bound to this data unit; bind one with "
                                     "unit.fit_with = model (Infer does it)", key=self.name)
        return self._fit_with

    @fit_with.setter
    def fit_with(self, model):
        self._fit_with = model

    @property
    def selection_version(self):
        """Counter bumped by every change of the unit's inputs or selection (notice,
        grouping, quality, rebinning, statistic, counts, weight, time): a fold or kernel
        built at an older version is stale."""
        return self._version

    def fold(self, model=None):
        """The unit's `UnitFold` for ``model`` (default: the bound model).

        Built on first use and cached, keyed by the selection version, the model object
        and its integration settings (and, for a `BalrogResponse`, the response state); a
        change to any of them builds a new one.
        """
        model = self.fit_with if model is None else model
        key = (id(model), plan_key(model), self.rsp_ins.state)
        hit = self._folds.get(key)
        if hit is not None and hit[0]() is model:
            return hit[1]
        if len(self._folds) >= 8:
            self._folds.clear()
        fold = UnitFold(self, model)
        self._folds[key] = (weakref.ref(model), fold)
        return fold

    # ------------------------------------------------------------------ energy grids
    @property
    def ebin(self):
        """Photon energy bins ``(nphot, 2)`` keV (response's ENERG_LO/HI)."""
        return self.rsp_ins.phbin

    @property
    def ewidth(self):
        return self.ebin[:, 1] - self.ebin[:, 0]

    @property
    def nbin(self):
        return self.ebin.shape[0]

    def _tfill(self, n):
        return np.full(n, np.nan if self._time is None else float(self._time))

    @property
    def tarr(self):
        """The unit's time repeated per photon bin (NaN when ``time`` is None)."""
        return self._tfill(self.nbin)

    @property
    def ngrid(self):
        """Integration points per photon bin (default rule: ``DEFAULT_NGRID`` evenly spaced
        points including both edges, used until a model with ``plan`` is bound)."""
        return DEFAULT_NGRID

    @_cached
    def egrid(self):
        """All integration points, flattened ``(nbin * ngrid,)`` keV."""
        t = np.linspace(0.0, 1.0, self.ngrid)
        lo, hi = self.ebin[:, :1], self.ebin[:, 1:]
        return (lo + (hi - lo) * t).ravel()

    @property
    def tgrid(self):
        return self._tfill(self.egrid.size)

    # ------------------------------------------------------------------ efficiencies
    @_cached
    def src_efficiency(self):
        """EXPOSURE × AREASCAL per group (s)."""
        return self._grouping.mean(self._src_eff_ch())

    @_cached
    def bkg_efficiency(self):
        """EXPOSURE_b × AREASCAL_b × BACKSCAL_b / BACKSCAL_s per group (s); None without bkg."""
        return None if self.bkg_ins is None else self._grouping.mean(self._bkg_eff_ch())

    @property
    def alpha(self):
        """``src_efficiency / bkg_efficiency`` per group; None without background."""
        b = self.bkg_efficiency
        return None if b is None else self.src_efficiency / b

    @property
    def corr_src_efficiency(self):
        return self.src_efficiency * self.src_ins.factor.value

    corr_src_efficiency_f64 = corr_src_efficiency

    @property
    def corr_bkg_efficiency(self):
        b = self.bkg_efficiency
        return None if b is None else b * self.bkg_ins.factor.value

    corr_bkg_efficiency_f64 = corr_bkg_efficiency

    def _re_src_eff(self):
        return self._rebining.mean(self._src_eff_ch()) * self.src_ins.factor.value

    def _re_bkg_eff(self):
        return self._rebining.mean(self._bkg_eff_ch()) * self.bkg_ins.factor.value

    # ------------------------------------------------------------------ counts
    def _gsum(self, g, x):
        return g.sum(x)

    def _gerr(self, g, e):
        return np.sqrt(g.sum(e * e))

    @_cached
    def src_counts(self):
        """Source counts per group."""
        return self._grouping.sum(self.src_ins.counts)

    @_cached
    def src_errors(self):
        """sqrt of the summed squared per-channel errors (STAT_ERR or Poisson)."""
        return self._gerr(self._grouping, self.src_ins.errors)

    @_cached
    def src_re_counts(self):
        return self._rebining.sum(self.src_ins.counts)

    @_cached
    def src_re_errors(self):
        return self._gerr(self._rebining, self.src_ins.errors)

    @_cached
    def bkg_counts(self):
        return None if self.bkg_ins is None else self._grouping.sum(self.bkg_ins.counts)

    @_cached
    def bkg_errors(self):
        return None if self.bkg_ins is None else self._gerr(self._grouping, self.bkg_ins.errors)

    @_cached
    def bkg_re_counts(self):
        return None if self.bkg_ins is None else self._rebining.sum(self.bkg_ins.counts)

    @_cached
    def bkg_re_errors(self):
        return None if self.bkg_ins is None else self._gerr(self._rebining, self.bkg_ins.errors)

    src_counts_f64 = src_counts
    src_errors_f64 = src_errors
    bkg_counts_f64 = bkg_counts
    bkg_errors_f64 = bkg_errors

    # ------------------------------------------------------------------ response views
    @_cached
    def rsp_chbin(self):
        """Group energy bounds ``(ngroup, 2)`` keV."""
        return self._grouping.bounds(self.rsp_ins.chbin)

    @_cached
    def rsp_re_chbin(self):
        return self._rebining.bounds(self.rsp_ins.chbin)

    @property
    def rsp_chbin_mean(self):
        return self.rsp_chbin.mean(axis=1)

    @property
    def rsp_re_chbin_mean(self):
        return self.rsp_re_chbin.mean(axis=1)

    @property
    def rsp_chbin_width(self):
        return self.rsp_chbin[:, 1] - self.rsp_chbin[:, 0]

    @property
    def rsp_re_chbin_width(self):
        return self.rsp_re_chbin[:, 1] - self.rsp_re_chbin[:, 0]

    @property
    def rsp_chbin_tarr(self):
        return self._tfill(self.npoint)

    @property
    def rsp_re_chbin_tarr(self):
        return self._tfill(self._rebining.ngroup)

    def _grouped_drm(self, g, key):
        state = self.rsp_ins.state
        hit = self._cache.get(key)
        if hit is not None and hit[0] == state:
            return hit[1]
        m = g.sum(self.rsp_ins.drm, axis=1)
        self._cache[key] = (state, m)
        return m

    @property
    def rsp_drm(self):
        """Response with channels summed per group, ``(nphot, ngroup)``."""
        return self._grouped_drm(self._grouping, "_drm")

    @property
    def rsp_re_drm(self):
        return self._grouped_drm(self._rebining, "_re_drm")

    @property
    def corr_rsp_drm(self):
        return self.rsp_drm * self.rsp_ins.factor.value

    @property
    def corr_rsp_re_drm(self):
        return self.rsp_re_drm * self.rsp_ins.factor.value

    # ------------------------------------------------------------------ rates and spectra
    @property
    def npoint(self):
        """Number of noticed groups."""
        return self._grouping.ngroup

    npoints = npoint

    @property
    def src_ctsrate(self):
        return self.src_counts / self.corr_src_efficiency

    @property
    def src_ctsrate_error(self):
        return self.src_errors / self.corr_src_efficiency

    @property
    def src_re_ctsrate(self):
        return self.src_re_counts / self._re_src_eff()

    @property
    def src_re_ctsrate_error(self):
        return self.src_re_errors / self._re_src_eff()

    @property
    def bkg_ctsrate(self):
        return None if self.bkg_ins is None else self.bkg_counts / self.corr_bkg_efficiency

    @property
    def bkg_ctsrate_error(self):
        return None if self.bkg_ins is None else self.bkg_errors / self.corr_bkg_efficiency

    @property
    def bkg_re_ctsrate(self):
        return None if self.bkg_ins is None else self.bkg_re_counts / self._re_bkg_eff()

    @property
    def bkg_re_ctsrate_error(self):
        return None if self.bkg_ins is None else self.bkg_re_errors / self._re_bkg_eff()

    def _spec(self, rate, width):
        return None if rate is None else rate / width

    @property
    def src_ctsspec(self):
        return self._spec(self.src_ctsrate, self.rsp_chbin_width)

    @property
    def src_ctsspec_error(self):
        return self._spec(self.src_ctsrate_error, self.rsp_chbin_width)

    @property
    def src_re_ctsspec(self):
        return self._spec(self.src_re_ctsrate, self.rsp_re_chbin_width)

    @property
    def src_re_ctsspec_error(self):
        return self._spec(self.src_re_ctsrate_error, self.rsp_re_chbin_width)

    @property
    def bkg_ctsspec(self):
        return self._spec(self.bkg_ctsrate, self.rsp_chbin_width)

    @property
    def bkg_ctsspec_error(self):
        return self._spec(self.bkg_ctsrate_error, self.rsp_chbin_width)

    @property
    def bkg_re_ctsspec(self):
        return self._spec(self.bkg_re_ctsrate, self.rsp_re_chbin_width)

    @property
    def bkg_re_ctsspec_error(self):
        return self._spec(self.bkg_re_ctsrate_error, self.rsp_re_chbin_width)

    @staticmethod
    def _minus(a, b):
        return a if b is None else a - b

    @staticmethod
    def _quad(a, b):
        return a if b is None else np.sqrt(a * a + b * b)

    @property
    def net_ctsrate(self):
        return self._minus(self.src_ctsrate, self.bkg_ctsrate)

    @property
    def net_ctsrate_error(self):
        return self._quad(self.src_ctsrate_error, self.bkg_ctsrate_error)

    @property
    def net_re_ctsrate(self):
        return self._minus(self.src_re_ctsrate, self.bkg_re_ctsrate)

    @property
    def net_re_ctsrate_error(self):
        return self._quad(self.src_re_ctsrate_error, self.bkg_re_ctsrate_error)

    @property
    def net_ctsspec(self):
        return self._minus(self.src_ctsspec, self.bkg_ctsspec)

    @property
    def net_ctsspec_error(self):
        return self._quad(self.src_ctsspec_error, self.bkg_ctsspec_error)

    @property
    def net_re_ctsspec(self):
        return self._minus(self.src_re_ctsspec, self.bkg_re_ctsspec)

    @property
    def net_re_ctsspec_error(self):
        return self._quad(self.src_re_ctsspec_error, self.bkg_re_ctsspec_error)

    # ------------------------------------------------------------------ upper limit
    def net_counts_upperlimit(self, cl=0.9):
        """Bayesian upper limit on the net source counts (Kraft, Burrows & Nousek 1991).

        ``N = sum(src_counts)`` over noticed groups and the expected background
        ``B = sum(alpha * bkg_counts)`` (0 without background); see
        `bayspec.data.upperlimit.kbn_upper_limit`.
        """
        n = float(self.src_counts.sum())
        b = 0.0 if self.bkg_ins is None else float(np.sum(self.alpha * self.bkg_counts))
        return kbn_upper_limit(max(n, 0.0), max(b, 0.0), cl)

    # ------------------------------------------------------------------ deconvolved spectra
    def _cts_to_pht(self, re=False):
        """Per group: model photon flux integrated over the group's energy range divided by
        the model's folded count rate in the group (the unit's fold, with ``rf``); the group
        widths cancel, so this is N(E)/C(E) of formulas.md."""
        model = self.fit_with
        fold = self.fold(model)
        chbin = self.rsp_re_chbin if re else self.rsp_chbin
        drm = (self.rsp_re_drm if re else self.rsp_drm)[fold.keep] * self.rsp_ins.factor.value
        pht = np.asarray(model.integrate(chbin), dtype=np.float64).reshape(-1, chbin.shape[0])[0]
        v = model.node_values(fold.plan, model.resolve())
        rate = fold.photon_flux(v)[0] @ drm
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(rate != 0, pht / rate, np.nan)

    def _deconv(self, kind, re, err):
        ratio = self._cts_to_pht(re)
        name = f"net{'_re' if re else ''}_ctsspec{'_error' if err else ''}"
        y = getattr(self, name) * ratio
        e = self.rsp_re_chbin_mean if re else self.rsp_chbin_mean
        if kind == "flx":
            y = y * e
        elif kind == "erg":
            y = y * e * e * KEV_TO_ERG
        return y

    deconv_phtspec = property(lambda self: self._deconv("pht", False, False),
                              doc="net_ctsspec × cts_to_pht (photons cm⁻² s⁻¹ keV⁻¹).")
    deconv_re_phtspec = property(lambda self: self._deconv("pht", True, False))
    deconv_phtspec_error = property(lambda self: self._deconv("pht", False, True))
    deconv_re_phtspec_error = property(lambda self: self._deconv("pht", True, True))
    deconv_flxspec = property(lambda self: self._deconv("flx", False, False),
                              doc="deconv_phtspec × E (keV cm⁻² s⁻¹ keV⁻¹).")
    deconv_re_flxspec = property(lambda self: self._deconv("flx", True, False))
    deconv_flxspec_error = property(lambda self: self._deconv("flx", False, True))
    deconv_re_flxspec_error = property(lambda self: self._deconv("flx", True, True))
    deconv_ergspec = property(lambda self: self._deconv("erg", False, False),
                              doc="deconv_phtspec × E² in erg cm⁻² s⁻¹ (νFν).")
    deconv_re_ergspec = property(lambda self: self._deconv("erg", True, False))
    deconv_ergspec_error = property(lambda self: self._deconv("erg", False, True))
    deconv_re_ergspec_error = property(lambda self: self._deconv("erg", True, True))

    # ------------------------------------------------------------------ dataset operations
    # Model-dependent operations use the unit's fold (bayspec.data.predict/simulate);
    # pure-data ones live in bayspec.data._masks/_reshape/_summary/_serialize; plots are
    # reached through bayspec._hooks (matplotlib loads only when plotting).
    def npred(self):
        """Predicted source + background counts per noticed group (needs a bound model);
        see `bayspec.data.predict.npred`."""
        return _predict.npred(self)

    def npred_signal(self):
        """Predicted source counts per noticed group (model folded through the response)."""
        return _predict.npred_signal(self)

    def npred_background(self):
        """Predicted background counts in the source region per noticed group (profiled for
        wstat/cstat/pgstat, ``alpha B`` for pstat/chi2, zeros without background)."""
        return _predict.npred_background(self)

    def stat_sum(self):
        """Total fit statistic at the bound model's current parameters."""
        return _predict.stat_sum(self)

    def stat_array(self):
        """Per-group fit statistic at the current parameters (× weight)."""
        return _predict.stat_array(self)

    def residuals(self, method="diff"):
        """``src_counts - npred`` per group; ``method`` in ``"diff"``, ``"diff/model"``,
        ``"diff/sqrt(model)"``."""
        return _predict.residuals(self, method)

    def fake(self, random_state=None):
        """A new unit with counts drawn from ``npred`` (this one is left untouched); see
        `bayspec.data.simulate`."""
        return _simulate.fake(self, random_state)

    def plot_counts(self, *args, **kwargs):
        return _hooks.call("plot_counts", self, *args, **kwargs)

    def plot_excess(self, *args, **kwargs):
        return _hooks.call("plot_excess", self, *args, **kwargs)

    def plot_fit(self, *args, **kwargs):
        return _hooks.call("plot_fit", self, *args, **kwargs)

    def plot_residuals(self, *args, **kwargs):
        return _hooks.call("plot_residuals", self, *args, **kwargs)

    def peek(self, *args, **kwargs):
        return _hooks.call("peek", self, *args, **kwargs)

    def copy(self, name=None):
        """Deep copy (arrays, spectra, response and scale-factor ``Par`` objects); the bound
        model is shared, not copied. ``name`` renames the copy."""
        import copy as _copy

        memo = {} if self._fit_with is None else {id(self._fit_with): self._fit_with}
        out = _copy.deepcopy(self, memo)
        if name is not None:
            out.name = name
        return out

    def stack(self, other, name=None):
        """New unit stacking ``self`` and ``other`` (a unit or a list of units).

        Counts and backgrounds summed inside each unit's safe mask, exposures summed,
        responses exposure-weighted; ``alpha B`` conserved (formulas in
        `bayspec.data._combine`). Raises `ChannelMismatchError` / `DataFormatError` for
        incompatible units.
        """
        from ._reshape import stack_units

        others = list(other) if isinstance(other, (list, tuple)) else [other]
        return stack_units([self] + others, name=name or self.name)

    def slice_by_energy(self, e_min, e_max, name=None):
        """New unit with the channels lying entirely inside ``[e_min, e_max]`` keV."""
        from ._reshape import slice_by_energy

        return slice_by_energy(self, e_min, e_max, name)

    def resample_energy_axis(self, edges, name=None):
        """New unit with channels merged onto ``edges`` (keV, channel boundaries), summed
        inside the safe mask."""
        from ._reshape import resample_energy_axis

        return resample_energy_axis(self, edges, name)

    @property
    def mask_safe(self):
        """Safe channels ``(nchan,)``: QUALITY 0, finite bounds, inside the response range."""
        from ._masks import mask_safe

        return mask_safe(self)

    @property
    def mask_fit(self):
        """Channels inside ``notc`` ``(nchan,)``."""
        from ._masks import mask_fit

        return mask_fit(self)

    @property
    def mask(self):
        """``mask_safe & mask_fit`` ``(nchan,)``."""
        return self.mask_safe & self.mask_fit

    def info_dict(self, in_safe_data_range=True):
        """Counts, background, excess, significance, exposure, ... summed over energy; see
        `bayspec.data._summary.info_dict`."""
        from ._summary import info_dict

        return info_dict(self, in_safe_data_range)

    def to_dict(self):
        """Self-contained plain dict (see `bayspec.data._serialize`)."""
        from ._serialize import to_dict

        return to_dict(self)

    @classmethod
    def from_dict(cls, d, base=None):
        """Unit from `to_dict` output or a YAML index entry (files relative to ``base``)."""
        from ._serialize import from_dict

        return from_dict(d, base, unit_cls=cls)

    def write(self, folder, overwrite=False):
        """Write OGIP files (PHA, BKG, RSP) and ``<name>.yaml`` into ``folder``; returns the
        index path. `OverwriteError` if a file exists and ``overwrite`` is False."""
        from ._serialize import write_unit

        return write_unit(self, folder, overwrite)

    @classmethod
    def read(cls, path):
        """Unit from a YAML index written by `write` (or a folder holding one)."""
        from ._serialize import from_dict, read_index

        entries, base = read_index(path)
        if len(entries) != 1:
            raise DataFormatError(f"the index describes {len(entries)} units; use Data.read",
                                  file=path)
        return from_dict(entries[0], base, unit_cls=cls)

    @classmethod
    def from_pha(cls, path, **kw):
        """Unit from a PHA file alone: background and response from its keywords."""
        return cls(path, **kw)
