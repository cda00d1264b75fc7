"""`Data`: an ordered collection of `DataUnit`\\ s with aggregated views.

Every list-valued property is the per-unit list of the same-named `DataUnit` property
(in insertion order); read the unit property for its formula. Aggregates are computed on
access, so they stay consistent after ``data[key] = unit``. A unit stored under a key is
renamed to that key. ``Data.par`` keys are ``"<unit>.<par>"`` (e.g. ``"n6.sf"``).
"""

from __future__ import annotations

import os
from collections import OrderedDict

import numpy as np

from .._atomic import atomic_path
from .._superdict import SuperDict
from ..errors import ConfigError, ModelNotBoundError
from ._info import Info
from .notice import format_notc
from .unit import DataUnit

__all__ = ["Data"]

_UNIT_PROPS = """
ebin ewidth nbin tarr ngrid egrid tgrid src_efficiency bkg_efficiency alpha
src_counts src_counts_f64 src_re_counts src_errors src_errors_f64 src_re_errors
bkg_counts bkg_counts_f64 bkg_re_counts bkg_errors bkg_errors_f64 bkg_re_errors
rsp_chbin rsp_re_chbin rsp_chbin_mean rsp_re_chbin_mean rsp_chbin_width rsp_re_chbin_width
rsp_chbin_tarr rsp_re_chbin_tarr rsp_drm rsp_re_drm corr_rsp_drm corr_rsp_re_drm
corr_src_efficiency corr_src_efficiency_f64 corr_bkg_efficiency corr_bkg_efficiency_f64
""".split()
for _p in ("src", "bkg", "net"):
    for _re in ("", "_re"):
        for _q in ("ctsrate", "ctsspec"):
            _UNIT_PROPS += [f"{_p}{_re}_{_q}", f"{_p}{_re}_{_q}_error"]
for _k in ("pht", "flx", "erg"):
    for _re in ("", "_re"):
        _UNIT_PROPS += [f"deconv{_re}_{_k}spec", f"deconv{_re}_{_k}spec_error"]


def _aggregate(name):
    def get(self):
        return [getattr(u, name) for u in self._data.values()]

    get.__name__ = name
    get.__doc__ = f"Per-unit list of `DataUnit.{name}`."
    return property(get)


class Data:
    """Ordered collection of `DataUnit` objects.

    Parameters
    ----------
    data : None, dict {name: DataUnit}, or list of DataUnit / (name, DataUnit)
    """

    def __init__(self, data=None):
        self._data = OrderedDict()
        self._fit_with = None
        if data is None:
            return
        items = data.items() if isinstance(data, dict) else data
        for item in items:
            if isinstance(item, DataUnit):
                self[item.name] = item
            else:
                try:
                    key, unit = item
                except (TypeError, ValueError):
                    raise ConfigError(f"Data items must be DataUnit or (name, DataUnit), "
                                      f"got {item!r}") from None
                self[key] = unit

    # mapping --------------------------------------------------------------------------
    def __setitem__(self, key, unit):
        if not isinstance(unit, DataUnit):
            raise ConfigError(f"Data values must be DataUnit, got {type(unit).__name__}",
                              key=key)
        unit.name = str(key)
        self._data[str(key)] = unit
        if self._fit_with is not None:
            unit.fit_with = self._fit_with

    def __getitem__(self, key):
        if isinstance(key, int) and not isinstance(key, bool):
            return SuperDict(self._data)[key]
        try:
            return self._data[key]
        except KeyError:
            raise KeyError(f"{key!r} not found; units: {', '.join(self._data)}") from None

    def __delitem__(self, key):
        del self._data[key]

    def __contains__(self, key):
        return key in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def keys(self):
        return self._data.keys()

    def values(self):
        return self._data.values()

    def items(self):
        return self._data.items()

    @property
    def data(self):
        return self._data

    @property
    def names(self):
        return list(self._data)

    @property
    def units(self):
        return list(self._data.values())

    # per-unit metadata ----------------------------------------------------------------
    srcs = property(lambda self: [u.src_ins for u in self.units])
    bkgs = property(lambda self: [u.bkg_ins for u in self.units])
    rsps = property(lambda self: [u.rsp_ins for u in self.units])
    stats = property(lambda self: [u.stat for u in self.units])
    notcs = property(lambda self: [u.notc for u in self.units])
    grpgs = property(lambda self: [u.grpg for u in self.units])
    rebns = property(lambda self: [u.rebn for u in self.units])
    times = property(lambda self: [u.time for u in self.units])
    weights = property(lambda self: [u.weight for u in self.units])
    cdicts = property(lambda self: [u.cfg for u in self.units])
    pdicts = property(lambda self: [u.par for u in self.units])

    @property
    def cfg(self):
        """Flat `SuperDict` ``"<unit>.<setting>" -> value``."""
        return SuperDict((f"{n}.{k}", v) for n, u in self.items() for k, v in u.cfg.items())

    @property
    def par(self):
        """Flat `SuperDict` ``"<unit>.<par>" -> Par``."""
        return SuperDict((f"{n}.{k}", p) for n, u in self.items() for k, p in u.par.items())

    @property
    def pvalues(self):
        return tuple(p.value for p in self.par.values())

    @property
    def all_config(self):
        return [{"component": n, "label": k, "value": v}
                for n, u in self.items() for k, v in u.cfg.items()]

    @property
    def all_params(self):
        return [{"component": n, "name": k, "label": getattr(p, "label", k), "value": p.value,
                 "prior": repr(p.prior), "posterior": None, "frozen": p.frozen}
                for n, u in self.items() for k, p in u.par.items()]

    @property
    def cfg_info(self):
        return Info(self.all_config, ["component", "label", "value"])

    @property
    def par_info(self):
        rows = [{k: v for k, v in r.items() if k != "posterior"} for r in self.all_params]
        return Info(rows, ["component", "name", "value", "prior", "frozen"])

    @property
    def info(self):
        """One row per unit: files, noticing, statistic, grouping, time, weight, npoint."""
        rows = [{"name": n, "src": u.src_ins.name,
                 "bkg": None if u.bkg_ins is None else u.bkg_ins.name,
                 "rsp": u.rsp_ins.name, "notc": format_notc(u.noticed_ranges),
                 "stat": u.stat, "grpg": repr(u.grpg), "time": u.time, "weight": u.weight,
                 "npoint": u.npoint} for n, u in self.items()]
        return Info(rows, ["name", "src", "bkg", "rsp", "notc", "stat", "grpg", "time",
                           "weight", "npoint"])

    def save(self, savepath):
        """Write the per-unit info table to ``<savepath>/data.json`` (atomically)."""
        os.makedirs(savepath, exist_ok=True)
        with atomic_path(os.path.join(savepath, "data.json"), overwrite=True) as tmp:
            with open(tmp, "w") as f:
                f.write(self.info.to_json(indent=1, default=str))

    # model ----------------------------------------------------------------------------
    @property
    def fit_with(self):
        if self._fit_with is None:
            raise ModelNotBoundError("no model is bound to this data; bind one with "
                                     "data.fit_with = model (Infer does it)")
        return self._fit_with

    @fit_with.setter
    def fit_with(self, model):
        self._fit_with = model
        for u in self.units:
            u.fit_with = model

    # grids ----------------------------------------------------------------------------
    @property
    def bin_start(self):
        """Start of each unit's photon bins in the concatenation of all units."""
        n = np.array([u.nbin for u in self.units], dtype=np.intp)
        return list(np.r_[0, np.cumsum(n)[:-1]]) if n.size else []

    @property
    def bin_stop(self):
        n = np.array([u.nbin for u in self.units], dtype=np.intp)
        return list(np.cumsum(n)) if n.size else []

    @property
    def npoints(self):
        return [u.npoint for u in self.units]

    def net_counts_upperlimit(self, cl=0.9):
        """Per-unit KBN upper limits on the net counts."""
        return [u.net_counts_upperlimit(cl) for u in self.units]

    # dataset operations ------------------------------------------------------------------
    # Per-unit results are ``{unit name: array}`` dicts (each unit's noticed groups); see
    # the same-named `DataUnit` methods.
    def npred(self):
        """``{name: npred}`` (source + background predicted counts per noticed group)."""
        return {n: u.npred() for n, u in self.items()}

    def npred_signal(self):
        """``{name: npred_signal}``."""
        return {n: u.npred_signal() for n, u in self.items()}

    def npred_background(self):
        """``{name: npred_background}``."""
        return {n: u.npred_background() for n, u in self.items()}

    def stat_array(self):
        """``{name: per-group statistic}``."""
        return {n: u.stat_array() for n, u in self.items()}

    def stat_sum(self):
        """Joint statistic: the sum of the units' (weighted) statistics."""
        return float(sum(u.stat_sum() for u in self.units))

    def residuals(self, method="diff"):
        """``{name: residuals}`` (see `DataUnit.residuals`)."""
        return {n: u.residuals(method) for n, u in self.items()}

    def fake(self, random_state=None):
        """Replace every unit's counts by a simulation, in place (one random generator
        drawn through in order); see `DataUnit.fake`. `faked_copy` returns new units."""
        rng = _generator(random_state)
        for u in self.units:
            u.fake(rng)

    def faked_copy(self, random_state=None):
        """New `Data` of faked copies (one random generator drawn through in order); the
        units of this one are not modified (`bayspec.data.simulate.faked_copy`)."""
        from .simulate import faked_copy

        rng = _generator(random_state)
        out = Data([(n, faked_copy(u, rng)) for n, u in self.items()])
        out._fit_with = self._fit_with
        return out

    def copy(self):
        """Deep copy of every unit (bound model shared)."""
        out = Data([(n, u.copy()) for n, u in self.items()])
        out._fit_with = self._fit_with
        return out

    def stack_reduce(self, name="stacked"):
        """One **new** `DataUnit` stacking every unit (gammapy's ``Datasets.stack_reduce``);
        the units are left as they are (`DataUnit.stack` stacks in place)."""
        from ._reshape import stack_units

        return stack_units(self.units, name=name)

    # energy and time selections ------------------------------------------------------------
    def slice_by_energy(self, energy_min, energy_max):
        """New `Data` of every unit sliced to the channels inside ``[energy_min,
        energy_max]`` keV (`DataUnit.slice_by_energy`; names kept)."""
        return self._each(lambda n, u: u.slice_by_energy(energy_min, energy_max, name=n))

    def resample_energy_axis(self, edges):
        """New `Data` of every unit resampled onto ``edges`` keV
        (`DataUnit.resample_energy_axis`; names kept)."""
        return self._each(lambda n, u: u.resample_energy_axis(edges, name=n))

    def _each(self, fn):
        out = Data([(n, fn(n, u)) for n, u in self.items()])
        if self._fit_with is not None:
            out.fit_with = self._fit_with
        return out

    @property
    def mask_safe(self):
        """``{name: DataUnit.mask_safe}`` (per channel)."""
        return {n: u.mask_safe for n, u in self.items()}

    @property
    def mask_fit(self):
        """``{name: DataUnit.mask_fit}`` (per channel)."""
        return {n: u.mask_fit for n, u in self.items()}

    @property
    def mask(self):
        """``{name: mask_safe & mask_fit}`` (per channel)."""
        return {n: u.mask for n, u in self.items()}

    @property
    def gti(self):
        """Good time intervals, one row per unit: ``name``, ``START``, ``STOP`` (s, the
        source spectrum's TSTART/TSTOP; NaN when unknown), as an astropy Table."""
        from astropy.table import Table

        start = [_time(u.src_ins.tstart) for u in self.units]
        stop = [_time(u.src_ins.tstop) for u in self.units]
        t = Table({"name": self.names, "START": np.array(start, dtype=float),
                   "STOP": np.array(stop, dtype=float)})
        t["START"].unit = t["STOP"].unit = "s"
        return t

    @property
    def meta_table(self):
        """One row per unit (the spec's ``meta_table``): ``NAME``, ``TELESCOP``,
        ``INSTRUME``, ``OBS_ID``, ``OBJECT`` (from the source header, "" when absent),
        ``EXPOSURE`` (s), ``TSTART``, ``TSTOP`` (s) and ``TIME`` (the unit's time tag)."""
        from astropy.table import Table

        def key(u, k):
            h = u.src_ins.header
            v = None if h is None else h.get(k)
            return "" if v is None else str(v)

        t = Table({"NAME": self.names,
                   **{k: [key(u, k) for u in self.units]
                      for k in ("TELESCOP", "INSTRUME", "OBS_ID", "OBJECT")},
                   "EXPOSURE": np.array([u.src_ins.exposure for u in self.units], float),
                   "TSTART": self.gti["START"].data, "TSTOP": self.gti["STOP"].data,
                   "TIME": np.array([np.nan if u.time is None else
                                     float(np.nanmean(np.atleast_1d(u.time)))
                                     for u in self.units], float)})
        for c in ("EXPOSURE", "TSTART", "TSTOP", "TIME"):
            t[c].unit = "s"
        return t

    def select_time(self, time_min, time_max, atol=1e-6):
        """New `Data` of the units observed inside ``[time_min, time_max]`` (s).

        A unit is kept when its TSTART..TSTOP lies inside the interval (tolerance ``atol``
        s); a unit without TSTART/TSTOP is judged by its time tag ``time``. The units are
        shared, not copied (gammapy's ``Datasets.select_time``).
        """
        t0, t1 = float(time_min) - atol, float(time_max) + atol
        keep = []
        for n, u in self.items():
            a, b = _time(u.src_ins.tstart), _time(u.src_ins.tstop)
            if not (np.isfinite(a) and np.isfinite(b)):
                a = b = np.nan if u.time is None else float(np.nanmean(np.atleast_1d(u.time)))
            if np.isfinite(a) and t0 <= a and b <= t1:
                keep.append((n, u))
        out = Data(keep)
        out._fit_with = self._fit_with
        return out

    def info_dict(self, in_safe_data_range=True):
        """``{name: DataUnit.info_dict()}``."""
        return {n: u.info_dict(in_safe_data_range) for n, u in self.items()}

    def to_dict(self):
        """``{"units": [DataUnit.to_dict(), ...]}``."""
        return {"units": [u.to_dict() for u in self.units]}

    @classmethod
    def from_dict(cls, d, base=None):
        """`Data` from `to_dict` output or a YAML index (``units`` list or a single unit)."""
        entries = d["units"] if "units" in d else [d]
        return cls([DataUnit.from_dict(e, base) for e in entries])

    def write(self, folder, overwrite=False):
        """Write every unit's OGIP files and one ``data.yaml`` index into ``folder``;
        returns the index path. `OverwriteError` before writing anything if a file exists
        and ``overwrite`` is False."""
        from ._serialize import write_data

        return write_data(self.units, folder, overwrite)

    @classmethod
    def read(cls, path):
        """`Data` from a folder (its ``data.yaml`` or only ``*.yaml``) or an index file."""
        from ._serialize import read_index

        entries, base = read_index(path)
        return cls([DataUnit.from_dict(e, base) for e in entries])

    @property
    def expr(self):
        """Identifier of this collection: the unit names joined by ``+``."""
        return "+".join(self.names)

    def __repr__(self):
        return f"Data({', '.join(self.names)})"


def _generator(random_state):
    return random_state if isinstance(random_state, np.random.Generator) else \
        np.random.default_rng(random_state)


def _time(value):
    """A TSTART/TSTOP as a float (NaN when absent)."""
    if value is None:
        return np.nan
    v = np.asarray(value, dtype=float).ravel()
    return float(v[0]) if v.size else np.nan


for _name in _UNIT_PROPS:
    setattr(Data, _name, _aggregate(_name))
del _name
