"""`FluxResult`: flux estimates in the likelihood SED form and their conversions.

An estimator measures, per energy bin (and time interval), a normalisation ``norm`` of a
reference spectral model with errors, an upper limit, TS and counts (the "likelihood" SED
type of the Gamma Astro Data Format flux-points specification, after fermipy). Fluxes of
the other SED types follow from reference fluxes of the model:

* ``dnde   = norm × N_ref(e_ref)``                  [cm⁻² s⁻¹ keV⁻¹]
* ``e2dnde = norm × e_ref² N_ref(e_ref)``           [erg cm⁻² s⁻¹]
* ``flux   = norm × ∫ N_ref dE``  over [e_min, e_max] [cm⁻² s⁻¹]
* ``eflux  = norm × ∫ E N_ref dE`` over [e_min, e_max] [erg cm⁻² s⁻¹]

The reference fluxes are stored as columns ``ref_dnde``, ``ref_flux``, ``ref_eflux``, so a
result read from disk converts without the model.

References
----------
Gamma Astro Data Format, "Flux points" (SED types dnde, e2dnde, flux, eflux, likelihood),
https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/
"""

from __future__ import annotations

import numpy as np
from astropy import units as u
from astropy.table import Table

from ..constants import KEV_TO_ERG
from . import _io

__all__ = ["FluxResult", "reference_fluxes", "SED_TYPES", "energy_quantity"]

SED_TYPES = ("likelihood", "dnde", "e2dnde", "flux", "eflux")
NORM_COLS = ("norm", "norm_err", "norm_errp", "norm_errn", "norm_ul")
REF_COLS = ("ref_dnde", "ref_flux", "ref_eflux")
#: Per-bin statistics (GADF): TS, signed sqrt(TS), the statistic at the best norm and at
#: norm = 0, observed counts, total predicted counts and predicted signal counts.
STAT_COLS = ("ts", "sqrt_ts", "stat", "stat_null", "npred", "npred_excess", "counts")
UNITS = {
    "dnde": u.Unit("cm-2 s-1 keV-1"),
    "e2dnde": u.Unit("erg cm-2 s-1"),
    "flux": u.Unit("cm-2 s-1"),
    "eflux": u.Unit("erg cm-2 s-1"),
    "likelihood": u.dimensionless_unscaled,
}
_SUFFIX = ("", "_err", "_errp", "_errn", "_ul")
_GL_X, _GL_W = np.polynomial.legendre.leggauss(32)


def energy_quantity(x, default_unit="keV"):
    """``x`` as an energy `Quantity` (plain numbers are taken in ``default_unit``)."""
    q = u.Quantity(x, default_unit if not isinstance(x, u.Quantity) else None)
    return q.to(q.unit, equivalencies=u.spectral())


def reference_fluxes(model, e_min, e_max, e_ref):
    """Reference fluxes of ``model`` at its current parameter values.

    Parameters
    ----------
    model : bayspec Model
        Photon spectrum N(E) [cm⁻² s⁻¹ keV⁻¹], E in keV.
    e_min, e_max, e_ref : array (nbin,)
        Energies, keV.

    Returns
    -------
    dict
        ``ref_dnde`` = N(e_ref) [cm⁻² s⁻¹ keV⁻¹], ``ref_flux`` = ∫ N dE [cm⁻² s⁻¹],
        ``ref_eflux`` = ∫ E N dE [erg cm⁻² s⁻¹] (32-point Gauss–Legendre in ln E per bin).
    """
    e_min, e_max, e_ref = (np.asarray(a, dtype=float).ravel() for a in (e_min, e_max, e_ref))
    dnde = np.asarray(model(e_ref), dtype=float).reshape(-1)
    lo, hi = np.log(e_min), np.log(e_max)
    half = 0.5 * (hi - lo)
    lnE = (0.5 * (hi + lo))[:, None] + half[:, None] * _GL_X[None, :]
    E = np.exp(lnE)
    N = np.asarray(model(E.ravel()), dtype=float).reshape(E.shape)
    flux = (N * E * _GL_W).sum(axis=1) * half
    eflux = (N * E * E * _GL_W).sum(axis=1) * half * KEV_TO_ERG
    return {"ref_dnde": dnde, "ref_flux": flux, "ref_eflux": eflux}


class FluxResult:
    """Flux estimates in the likelihood SED form over energy (and time) bins.

    Parameters
    ----------
    table : astropy.table.Table
        Columns ``e_min, e_max, e_ref`` (energy units), optionally ``t_min, t_max`` (s),
        ``norm, norm_err, norm_errp, norm_errn, norm_ul`` (``norm_err`` from the curvature
        of the profile, ``norm_errp``/``norm_errn`` from Δstat = n_sigma²), ``ts``,
        ``sqrt_ts`` (signed), ``stat``, ``stat_null``, ``counts``, ``npred`` (total
        predicted counts: signal + background), ``npred_excess`` (predicted signal),
        ``ref_dnde, ref_flux, ref_eflux`` and optionally ``norm_scan, stat_scan``
        (``(nrow, nscan)``). Meta ``SED_TYPE = "likelihood"``.
    reference_model : bayspec Model, optional
        The model the norms refer to (kept for information; conversions use ``ref_*``).
    ts_threshold_ul : float
        Rows with ``ts`` below this are upper limits (default 4, i.e. 2σ).

    Notes
    -----
    Energies are kept in the unit of the table columns (keV or TeV); flux units are
    cm⁻² s⁻¹ keV⁻¹ (dnde), erg cm⁻² s⁻¹ (e2dnde, eflux), cm⁻² s⁻¹ (flux).
    """

    #: EXTNAME of the table HDU when written to FITS (subclasses name their layout).
    _extname = _io.EXTNAME

    def __init__(self, table, reference_model=None, ts_threshold_ul=4.0):
        missing = [c for c in ("e_min", "e_max", "e_ref", "norm") + REF_COLS if c not in table.colnames]
        if missing:
            raise ValueError(f"flux table lacks columns {missing}")
        self.table = table
        self.table.meta["SED_TYPE"] = "likelihood"
        self.reference_model = reference_model
        self.ts_threshold_ul = float(ts_threshold_ul)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_estimates(cls, rows, e_min, e_max, reference_model, e_ref=None, t_min=None,
                       t_max=None, meta=None, **kw):
        """Build from per-bin estimates.

        Parameters
        ----------
        rows : list of dict
            Per bin: ``norm, norm_err, norm_errp, norm_errn, norm_ul, ts, sqrt_ts, npred,
            counts`` (missing → NaN), optionally ``norm_scan, stat_scan``.
        e_min, e_max : Quantity or array (keV)
        reference_model : bayspec Model at its reference values.
        e_ref : optional; default the geometric mean ``sqrt(e_min e_max)``.
        t_min, t_max : array (s), optional
        """
        e_min, e_max = energy_quantity(e_min), energy_quantity(e_max)
        e_max = e_max.to(e_min.unit)
        e_ref = np.sqrt(e_min * e_max) if e_ref is None else energy_quantity(e_ref).to(e_min.unit)
        t = Table()
        t["e_ref"], t["e_min"], t["e_max"] = e_ref, e_min, e_max
        if t_min is not None:
            t["t_min"] = u.Quantity(t_min, "s")
            t["t_max"] = u.Quantity(t_max, "s")
        for c in NORM_COLS + STAT_COLS:
            t[c] = np.array([float(r.get(c, np.nan)) for r in rows], dtype=float)
        ref = reference_fluxes(reference_model, e_min.to_value("keV"), e_max.to_value("keV"),
                               e_ref.to_value("keV"))
        for c in REF_COLS:
            t[c] = u.Quantity(ref[c], UNITS[c[4:]])
        if rows and all("stat_scan" in r for r in rows):
            t["norm_scan"] = np.array([r["norm_scan"] for r in rows], dtype=float)
            t["stat_scan"] = np.array([r["stat_scan"] for r in rows], dtype=float)
        t.meta.update(meta or {})
        return cls(t, reference_model=reference_model, **kw)

    @classmethod
    def from_table(cls, table, reference_model=None, **kw):
        """From a table of any GADF SED type.

        A ``likelihood`` table is used as it is. For ``dnde``/``e2dnde``/``flux``/``eflux``
        the measured values become reference fluxes with ``norm = 1`` (errors relative to the
        value); with ``reference_model`` the model supplies the references instead. Without
        a model, fluxes of the other types are NaN except dnde ↔ e2dnde (exact at e_ref).
        """
        sed = str(table.meta.get("SED_TYPE", "likelihood")).lower()
        if sed == "likelihood":
            if "is_ul" in table.colnames:
                table.remove_column("is_ul")
            return cls(table, reference_model=reference_model, **kw)
        if sed not in SED_TYPES:
            raise ValueError(f"unknown SED_TYPE {sed!r}; known: {SED_TYPES}")
        t = Table(meta=dict(table.meta))
        for c in ("e_ref", "e_min", "e_max", "t_min", "t_max"):
            if c in table.colnames:
                t[c] = table[c]
        if "e_ref" not in t.colnames:
            t["e_ref"] = np.sqrt(u.Quantity(t["e_min"]) * u.Quantity(t["e_max"]))
        ekev = u.Quantity(t["e_ref"]).to_value("keV")
        val = u.Quantity(table[sed]).to(UNITS[sed]) if table[sed].unit else table[sed] * UNITS[sed]
        if reference_model is not None:
            ref = reference_fluxes(reference_model, u.Quantity(t["e_min"]).to_value("keV"),
                                   u.Quantity(t["e_max"]).to_value("keV"), ekev)
        else:
            ref = {c: np.full(len(t), np.nan) for c in REF_COLS}
            v = val.value
            if sed in ("dnde", "e2dnde"):
                d = v if sed == "dnde" else v / (ekev ** 2 * KEV_TO_ERG)
                ref["ref_dnde"] = d
            else:
                ref[f"ref_{sed}"] = v
        refv = _ref_value(sed, ref, ekev)
        for s, c in zip(_SUFFIX, NORM_COLS):
            col = sed + s
            if col in table.colnames:
                q = u.Quantity(table[col]).to(UNITS[sed]) if table[col].unit else table[col] * UNITS[sed]
                t[c] = q.value / refv
            else:
                t[c] = np.full(len(t), np.nan)
        for c in STAT_COLS + ("norm_scan", "stat_scan"):
            if c in table.colnames:
                t[c] = table[c]
        for c in REF_COLS:
            t[c] = u.Quantity(ref[c], UNITS[c[4:]])
        return cls(t, reference_model=reference_model, **kw)

    # ------------------------------------------------------------------ access
    def __len__(self):
        return len(self.table)

    def _q(self, name, unit=None):
        col = self.table[name]
        q = u.Quantity(col.data, col.unit or unit or u.dimensionless_unscaled)
        return q

    @property
    def energy_unit(self):
        return self.table["e_ref"].unit or u.keV

    @property
    def e_min(self):
        return self._q("e_min", u.keV)

    @property
    def e_max(self):
        return self._q("e_max", u.keV)

    @property
    def e_ref(self):
        return self._q("e_ref", u.keV)

    @property
    def has_time(self):
        return "t_min" in self.table.colnames

    @property
    def t_min(self):
        return self._q("t_min", u.s)

    @property
    def t_max(self):
        return self._q("t_max", u.s)

    def __getattr__(self, name):
        # norm, norm_err, ..., ts, sqrt_ts, npred, counts, dnde, dnde_err, flux_ul, ...
        if name.startswith("_") or name == "table":
            raise AttributeError(name)
        table = self.__dict__.get("table")
        if table is not None and name in table.colnames:
            return np.asarray(table[name])
        for sed in ("dnde", "e2dnde", "eflux", "flux"):
            if name == sed or (name.startswith(sed + "_") and name[len(sed):] in _SUFFIX):
                return self.sed_quantity(sed, name[len(sed):])
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    @property
    def is_ul(self):
        """True where ``ts < ts_threshold_ul`` (or TS is NaN with a finite upper limit)."""
        ts = np.asarray(self.table["ts"], dtype=float)
        ul = np.asarray(self.table["norm_ul"], dtype=float)
        return (ts < self.ts_threshold_ul) | (~np.isfinite(ts) & np.isfinite(ul))

    def ref(self, sed_type):
        """Reference flux of ``sed_type`` per row (Quantity)."""
        ek = self.e_ref.to_value("keV")
        ref = {c: self._q(c).to_value(UNITS[c[4:]]) for c in REF_COLS}
        return _ref_value(sed_type, ref, ek) * UNITS[sed_type]

    def sed_quantity(self, sed_type, suffix=""):
        """``norm{suffix} × ref_{sed_type}`` as a Quantity (suffix "", _err, _errp, _errn, _ul)."""
        if sed_type == "likelihood":
            return self._q("norm" + suffix)
        return np.asarray(self.table["norm" + suffix], dtype=float) * self.ref(sed_type)

    # ------------------------------------------------------------------ tables
    def to_table(self, sed_type="likelihood", energy_unit=None):
        """The flux table in one GADF SED type.

        Parameters
        ----------
        sed_type : {"likelihood", "dnde", "e2dnde", "flux", "eflux"}
        energy_unit : str or Unit, optional
            Unit of the energy columns (default: as stored).

        Returns
        -------
        astropy.table.Table
            ``e_ref, e_min, e_max`` [, ``t_min, t_max``], the SED columns
            (``<type>, <type>_err, <type>_errp, <type>_errn, <type>_ul``), ``ts, sqrt_ts,
            stat, stat_null, counts, npred, npred_excess, is_ul``; ``likelihood`` adds
            ``ref_*`` and the scans. Meta ``SED_TYPE``. The flat layout (1-D counts); the
            files hold the GADF layout (`bayspec.estimators._io.to_gadf`).
        """
        if sed_type not in SED_TYPES:
            raise ValueError(f"sed_type must be one of {SED_TYPES}, got {sed_type!r}")
        src = self.table
        if sed_type == "likelihood" and energy_unit is None:
            out = src.copy()
            out["is_ul"] = self.is_ul
            out.meta["SED_TYPE"] = "likelihood"
            return out
        out = Table(meta=dict(src.meta))
        eu = u.Unit(energy_unit) if energy_unit is not None else self.energy_unit
        for c in ("e_ref", "e_min", "e_max"):
            out[c] = self._q(c, u.keV).to(eu, equivalencies=u.spectral())
        for c in ("t_min", "t_max"):
            if c in src.colnames:
                out[c] = src[c]
        if sed_type == "likelihood":
            for c in src.colnames:
                if c not in out.colnames:
                    out[c] = src[c]
        else:
            for s in _SUFFIX:
                out[sed_type + s] = self.sed_quantity(sed_type, s)
            for c in STAT_COLS:
                if c in src.colnames:
                    out[c] = src[c]
        out["is_ul"] = self.is_ul
        out.meta["SED_TYPE"] = sed_type
        return out

    def __repr__(self):
        return f"{type(self).__name__}({len(self)} rows, columns {self.table.colnames})"

    # ------------------------------------------------------------------ IO
    def write(self, path, sed_type="likelihood", overwrite=False, format=None):
        """Write in the GADF flux-points layout (FITS or ECSV by suffix), atomically.

        FITS HDU ``FLUXPOINTS``; header ``SED_TYPE``, ``UL_CONF``; ``counts``, ``npred``,
        ``npred_excess`` shaped ``(n_energy, n_dataset)``. A result with times is written
        as a GADF light curve (one row per time bin, see `bayspec.estimators._io`).
        gammapy reads both with ``FluxPoints.read(path, sed_type=...)``.

        ``sed_type="likelihood"`` (default) keeps everything (norms, references, scans) and
        round-trips exactly through :meth:`read`.
        """
        table = self.to_table(sed_type)
        table.meta["TS_UL"] = self.ts_threshold_ul
        _io.write_table(_io.to_gadf(table), path, overwrite=overwrite, format=format,
                        extname=self._extname)

    @classmethod
    def read(cls, path, reference_model=None, format=None):
        """Read a flux-points file (any GADF SED type, SED or light-curve layout; see
        `FluxResult.from_table`)."""
        table = _io.from_gadf(_io.read_table(path, format=format))
        ts_ul = float(table.meta.pop("TS_UL", 4.0))
        return cls.from_table(table, reference_model=reference_model, ts_threshold_ul=ts_ul)


def _ref_value(sed_type, ref, e_ref_kev):
    if sed_type == "likelihood":
        return np.ones_like(e_ref_kev)
    if sed_type == "e2dnde":
        return np.asarray(ref["ref_dnde"]) * e_ref_kev ** 2 * KEV_TO_ERG
    return np.asarray(ref[f"ref_{sed_type}"])
