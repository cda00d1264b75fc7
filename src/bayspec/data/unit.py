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
import weakref

from .. import _hooks
from .._atomic import atomic_path
from .._superdict import SuperDict
from ..errors import DataFormatError, ModelNotBoundError
from . import predict as _predict
from . import simulate as _simulate
from ._aliases import add_aliases
from ._info import Info
from ._inputs import load_parts
from ._spectra import SpectrumViews
from ._views import CountViews
from .fold import UnitFold, plan_key
from .notice import format_notc
from .selection import make_selection

__all__ = ["DataUnit"]


@add_aliases
class DataUnit(CountViews, SpectrumViews):
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
    sys_frac : float
        User systematic fraction (XSPEC ``systematic``-like, but of the observed counts):
        adds ``(sys_frac × S_g)²`` to each group's variance under ``chi2`` (default 0).
    bkg_sys : bool
        Add the background file's SYS_ERR to a Gaussian background's variance (``pgstat``,
        ``chi2``); default False, as threeML (bayspec 0.4.5 added it).

    Notes
    -----
    Systematic errors (``src_sys_errors``, ``bkg_sys_errors`` in `bayspec.data._views`)
    enter only statistics that use Gaussian data errors. With a Poisson source statistic
    (``cstat``, ``wstat``, ``pstat``, ``pgstat``, ``chi2_*``) the source file's SYS_ERR
    cannot enter the likelihood, and a warning naming the file says so once.
    """

    def __init__(self, src, bkg=None, rmf=None, arf=None, rsp=None, stat="pgstat", notc=None,
                 grpg=None, rebn=None, time=None, weight=1, *, name=None, sys_frac=0.0,
                 bkg_sys=False):
        self._name = name
        self._fit_with = None
        self._warned = set()
        self._version = 0
        self._cache = {}
        self._folds = {}
        self._parts = None
        self._inputs = {}
        self._apply(dict(src=src, bkg=bkg, rmf=rmf, arf=arf, rsp=rsp, stat=stat, notc=notc,
                         grpg=grpg, rebn=rebn, time=time, weight=weight, sys_frac=sys_frac,
                         bkg_sys=bkg_sys),
                    ("src", "bkg", "rsp"))

    # ------------------------------------------------------------------ state changes
    def _apply(self, inputs, reload=()):
        """Load what ``reload`` names, build the new selection, then swap both in.

        Nothing is assigned before everything succeeded: a failing change leaves the unit,
        its cached views and its folds as they were.
        """
        parts = load_parts(inputs, self._parts, reload)
        name = self._name or parts.src.name
        sel = make_selection(parts, inputs, name, self._warned)
        self._parts, self._inputs, self._sel = parts, inputs, sel
        self._cache = {}
        self._folds = {}
        self._version += 1

    def _change(self, key, value):
        """Set one input (``src``, ``bkg``, ``rmf``, ``arf``, ``rsp``) or setting."""
        inputs = dict(self._inputs, **{key: value})
        if key == "src":
            reload = ["src"]
            if inputs["bkg"] is None:
                reload.append("bkg")  # BACKFILE of the new source
            if inputs["rsp"] is None and inputs["rmf"] is None and inputs["arf"] is None:
                reload.append("rsp")  # RESPFILE of the new source
        elif key == "bkg":
            reload = ["bkg"]
        elif key in ("rmf", "arf", "rsp"):
            reload = ["rsp"]
        else:
            reload = []
        self._apply(inputs, reload)

    def refresh(self):
        """Re-read the loaded spectra and response after changing them in place (e.g.
        ``unit.src_ins.counts[...] = ...``): rebuilds the selection and drops cached views
        and folds."""
        self._apply(dict(self._inputs), ())

    # ------------------------------------------------------------------ loaded parts
    src_ins = property(lambda self: self._parts.src, doc="The loaded source `Spectrum`.")
    bkg_ins = property(lambda self: self._parts.bkg,
                       doc="The loaded background `Spectrum` (None without one).")
    rsp_ins = property(lambda self: self._parts.rsp, doc="The (composed) `Response`.")
    rmf_ins = property(lambda self: self._parts.rmf,
                       doc="The RMF the response was composed from (None for a full RSP).")
    arf_ins = property(lambda self: self._parts.arf, doc="The ARF (None without one).")

    @property
    def completeness(self):
        """True when both source and response are loaded."""
        return self.src_ins is not None and self.rsp_ins is not None

    # ------------------------------------------------------------------ selection
    @property
    def selection(self):
        """The current immutable `Selection` (noticed channels, groups, weight)."""
        return self._sel

    qualifying = property(lambda self: self._sel.qualifying,
                          doc="Good channels ``(nchan,)``: QUALITY 0 and finite bounds.")
    noticing = property(lambda self: self._sel.noticing,
                        doc="Good channels inside ``notc`` ``(nchan,)``.")
    noticed_ranges = property(lambda self: self._sel.notc,
                              doc="Normalized noticed ranges ``(n, 2)`` keV.")
    grouping = property(lambda self: self._sel.grouping, doc="`Grouping` of the fit views.")
    rebining = property(lambda self: self._sel.rebining,
                        doc="`Grouping` of the ``_re_`` views.")
    _grouping = grouping
    _rebining = rebining

    @property
    def selection_version(self):
        """Counter bumped by every change of the unit's inputs or selection (files, notice,
        grouping, quality, rebinning, statistic, weight, time, or `refresh`): a fold or
        kernel built at an older version is stale."""
        return self._version

    @property
    def rsp_dynamic(self):
        """True when the response matrix depends on parameters (e.g. `BalrogResponse`)."""
        return self.rsp_ins.state is not None

    @property
    def name(self):
        """Given name (or the key in `Data`), else the source's name."""
        return self._name or self.src_ins.name

    @name.setter
    def name(self, v):
        self._name = v

    # ------------------------------------------------------------------ inputs and settings
    # Reading gives what was passed; setting one re-runs `_apply` (all or nothing).
    src = property(lambda self: self._inputs["src"],
                   lambda self, v: self._change("src", v),
                   doc="The source as given (see the class docstring).")
    bkg = property(lambda self: self._inputs["bkg"],
                   lambda self, v: self._change("bkg", v),
                   doc="The background as given.")
    rmf = property(lambda self: self._inputs["rmf"],
                   lambda self, v: self._change("rmf", v),
                   doc="The RMF as given.")
    arf = property(lambda self: self._inputs["arf"],
                   lambda self, v: self._change("arf", v),
                   doc="The ARF as given.")
    rsp = property(lambda self: self._inputs["rsp"],
                   lambda self, v: self._change("rsp", v),
                   doc="The full response as given.")
    stat = property(lambda self: self._inputs["stat"],
                   lambda self, v: self._change("stat", v),
                   doc="Fit statistic name.")
    notc = property(lambda self: self._inputs["notc"],
                   lambda self, v: self._change("notc", v),
                   doc="Noticed ranges as given (noticed_ranges holds the normalized array).")
    grpg = property(lambda self: self._inputs["grpg"],
                   lambda self, v: self._change("grpg", v),
                   doc="Grouping of the fit views: None (file), 'none' or a policy dict.")
    rebn = property(lambda self: self._inputs["rebn"],
                   lambda self, v: self._change("rebn", v),
                   doc="Grouping of the _re_ views (None: as grpg).")
    time = property(lambda self: self._inputs["time"],
                   lambda self, v: self._change("time", v),
                   doc="Time tag (s) for time-dependent models, or None.")
    weight = property(lambda self: self._inputs["weight"],
                   lambda self, v: self._change("weight", v),
                   doc="Multiplier of the unit's statistic.")
    sys_frac = property(lambda self: self._inputs["sys_frac"],
                        lambda self, v: self._change("sys_frac", v),
                        doc="User systematic fraction of the source counts (chi2 only).")
    bkg_sys = property(lambda self: self._inputs["bkg_sys"],
                       lambda self, v: self._change("bkg_sys", v),
                       doc="Whether the background's SYS_ERR enters its Gaussian variance.")

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
    def pvalues(self):
        return tuple(p.value for p in self.par.values())

    @property
    def cfg(self):
        """`SuperDict` of the unit's settings (stat, notc, grpg, rebn, time, weight)."""
        return SuperDict([("stat", self.stat), ("notc", self.notc), ("grpg", self.grpg),
                          ("rebn", self.rebn), ("time", self.time), ("weight", self.weight),
                          ("sys_frac", self.sys_frac), ("bkg_sys", self.bkg_sys)])

    # ------------------------------------------------------------------ info / save
    @property
    def info(self):
        """Two-column `Info` table describing the unit."""
        rows = [("name", self.name), ("src", self.src_ins.name),
                ("bkg", None if self.bkg_ins is None else self.bkg_ins.name),
                ("rsp", self.rsp_ins.name), ("stat", self.stat),
                ("notc", format_notc(self.noticed_ranges)), ("grpg", repr(self.grpg)),
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
                f"notc={format_notc(self.noticed_ranges)})")

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
        """Replace the counts by a simulation from ``npred``, in place (the spectrum-dataset
        spec's ``fake``; files are not touched); `bayspec.data.simulate.faked_copy` returns
        a faked copy instead. See `bayspec.data.simulate`."""
        _simulate.fake(self, random_state)

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
        """Stack ``other`` (a unit or a list of units) into this unit, **in place** (the
        spectrum-dataset spec's ``stack``; `Data.stack_reduce` returns a new unit).

        Counts and backgrounds summed inside each unit's safe mask, exposures summed,
        responses exposure-weighted; ``alpha B`` conserved (formulas in
        `bayspec.data._combine`); notice ranges dropped, scale factors fresh. ``name``
        renames the unit. Raises `ChannelMismatchError` / `DataFormatError` for
        incompatible units, leaving this one as it was.
        """
        from ._reshape import stack_units

        others = list(other) if isinstance(other, (list, tuple)) else [other]
        stacked = stack_units([self] + others, name=name or self.name)
        self._apply(dict(stacked._inputs), ("src", "bkg", "rsp"))
        if name is not None:
            self.name = name

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
