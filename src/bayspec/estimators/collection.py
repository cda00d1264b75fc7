"""`FluxPointsCollection`: flux estimates over energy *and* time in one flat table.

Each row is one (energy bin, time interval) with ``e_min, e_max, e_ref, t_min, t_max`` and
the likelihood-SED columns of `FluxResult`. Selections return `FluxPoints` (an SED at one
time) or a one-energy-bin collection (a light curve). Times are seconds relative to the
meta ``TREF`` (MET s, the trigger). Files hold the GADF light-curve layout (HDU
``FLUXPOINTS``, one row per time bin, ``time_min``/``time_max`` in MJD from the source's
time reference, see `bayspec.estimators._io`); `set_time_reference` takes that reference
from a PHA-II header (TRIGTIME, MJDREFI/MJDREFF, TIMESYS).
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.table import vstack

from . import _plot
from .flux_points import FluxPoints
from .flux_result import FluxResult, energy_quantity

__all__ = ["FluxPointsCollection", "time_reference"]


def time_reference(header, t0=None):
    """Meta keys of a light curve's absolute time reference from a PHA-II ``header``.

    Parameters
    ----------
    header : mapping (astropy Header or dict)
        With MJDREFI/MJDREFF (or MJDREF), TIMESYS, TRIGTIME (MET s) when present.
    t0 : float, optional
        Reference of the relative times (MET s); default TRIGTIME, else 0.

    Returns
    -------
    dict
        ``TREF`` (MET s of relative time 0), ``TRIGTIME``, ``MET_MJDI``/``MET_MJDF`` (MJD
        of MET 0, the mission's MJDREFI/MJDREFF) and ``TIMESYS``.
    """
    get = header.get
    trig = get("TRIGTIME")
    tref = float(t0 if t0 is not None else (trig if trig is not None else 0.0))
    if get("MJDREFI") is not None:
        mi, mf = int(get("MJDREFI")), float(get("MJDREFF", 0.0) or 0.0)
    else:
        mjd = float(get("MJDREF", 0.0) or 0.0)
        mi, mf = int(np.floor(mjd)), mjd - np.floor(mjd)
    out = {"TREF": tref, "MET_MJDI": mi, "MET_MJDF": mf,
           "TIMESYS": str(get("TIMESYS", "TT")).strip() or "TT"}
    if trig is not None:
        out["TRIGTIME"] = float(trig)
    return out


class FluxPointsCollection(FluxResult):
    """Flux estimates over energy and time (see `FluxResult` for the columns)."""


    def __init__(self, table, reference_model=None, ts_threshold_ul=4.0):
        super().__init__(table, reference_model=reference_model, ts_threshold_ul=ts_threshold_ul)
        if not self.has_time:
            raise ValueError("a FluxPointsCollection needs t_min and t_max columns")

    @classmethod
    def from_flux_points(cls, items, meta=None):
        """Stack ``[(t_min, t_max, FluxPoints), ...]`` into one collection."""
        tabs = []
        for t0, t1, fp in items:
            t = fp.table.copy()
            if "t_min" in t.colnames:
                t.remove_columns(["t_min", "t_max"])
            t.add_column(np.full(len(t), float(t0)) * u.s, name="t_min", index=3)
            t.add_column(np.full(len(t), float(t1)) * u.s, name="t_max", index=4)
            tabs.append(t)
        table = vstack(tabs, metadata_conflicts="silent")
        table.meta.update(meta or {})
        ref = items[0][2].reference_model if items else None
        thr = items[0][2].ts_threshold_ul if items else 4.0
        return cls(table, reference_model=ref, ts_threshold_ul=thr)

    def set_time_reference(self, header, t0=None):
        """Attach the absolute time reference of ``header`` (see `time_reference`); the
        relative times stay as they are. Returns ``self``."""
        self.table.meta.update(time_reference(header, t0=t0))
        return self

    # ------------------------------------------------------------------ selections
    @property
    def time_intervals(self):
        """Distinct ``(t_min, t_max)`` rows (s), sorted."""
        t = np.unique(np.column_stack([self.table["t_min"], self.table["t_max"]]), axis=0)
        return t

    @property
    def energy_bins(self):
        """Distinct ``(e_min, e_max)`` rows (table energy unit), sorted."""
        return np.unique(np.column_stack([self.table["e_min"], self.table["e_max"]]), axis=0)

    def flux_points_at_time(self, time):
        """`FluxPoints` of the interval containing ``time`` (s; ``t_min <= t < t_max``)."""
        t = float(u.Quantity(time, u.s).to_value(u.s))
        tmin, tmax = np.asarray(self.table["t_min"]), np.asarray(self.table["t_max"])
        m = (tmin <= t) & (t < tmax)
        if not m.any():
            raise KeyError(f"no time interval contains t = {t:g} s")
        first = np.flatnonzero(m)[0]
        m &= (tmin == tmin[first]) & (tmax == tmax[first])
        return FluxPoints(self.table[m], reference_model=self.reference_model,
                          ts_threshold_ul=self.ts_threshold_ul)

    def lightcurve_at_energy(self, energy):
        """One-energy-bin collection (a light curve) of the bin containing ``energy``."""
        e = energy_quantity(energy).to_value(self.energy_unit, equivalencies=u.spectral())
        emin, emax = np.asarray(self.table["e_min"]), np.asarray(self.table["e_max"])
        m = (emin <= e) & (e < emax)
        if not m.any():
            raise KeyError(f"no energy bin contains {energy}")
        first = np.flatnonzero(m)[0]
        m &= (emin == emin[first]) & (emax == emax[first])
        t = self.table[m]
        t = t[np.argsort(np.asarray(t["t_min"]), kind="stable")]
        return FluxPointsCollection(t, reference_model=self.reference_model,
                                    ts_threshold_ul=self.ts_threshold_ul)

    # ------------------------------------------------------------------ plots
    def plot_lightcurve(self, sed_type="flux", ax=None, energy=None, **kwargs):
        """Flux versus time, one series per energy bin (or the bin containing ``energy``).

        Returns
        -------
        matplotlib Axes (log y, labelled ``Time [s]`` and the flux unit)
        """
        ax = _plot.get_ax(ax)
        bins = self.energy_bins if energy is None else None
        lcs = [self.lightcurve_at_energy(energy)] if energy is not None else \
            [self.lightcurve_at_energy(np.sqrt(a * b) * self.energy_unit) for a, b in bins]
        unit = None
        for lc in lcs:
            y = lc.sed_quantity(sed_type)
            unit = y.unit
            t0, t1 = lc.t_min.to_value("s"), lc.t_max.to_value("s")
            eu = lc.energy_unit
            label = f"{lc.table['e_min'][0]:.3g}–{lc.table['e_max'][0]:.3g} {eu}"
            vals = [lc.sed_quantity(sed_type, s).to_value(unit) for s in ("_errn", "_errp", "_ul")]
            _plot.plot_points(ax, 0.5 * (t0 + t1), t0, t1, y.value, *vals, lc.is_ul,
                              label=label, **kwargs)
        ax.set_yscale("log")
        tref = self.table.meta.get("TREF")
        ax.set_xlabel("Time [s]" if tref is None else f"Time − {tref:.3f} [s]")
        ax.set_ylabel(_plot.sed_label(sed_type, unit))
        ax.legend(fontsize="small")
        return ax

    def plot_sed(self, sed_type="e2dnde", ax=None, time=None, **kwargs):
        """SED of every time interval (or the one containing ``time``) on log-log axes."""
        ax = _plot.get_ax(ax)
        times = [time] if time is not None else [0.5 * (a + b) for a, b in self.time_intervals]
        for t in times:
            fp = self.flux_points_at_time(t)
            label = f"{fp.table['t_min'][0]:.4g}–{fp.table['t_max'][0]:.4g} s"
            fp.plot(sed_type=sed_type, ax=ax, label=label, **kwargs)
        ax.legend(fontsize="small")
        return ax
