"""Read and write flux tables in the Gamma Astro Data Format flux-points layout (private).

FITS: one binary-table HDU named ``FLUXPOINTS`` (the name gammapy and the GADF examples
use) whose header carries ``SED_TYPE``, ``UL_CONF`` (and the other table meta). ECSV: the
same table with its meta in the YAML header. float64 columns round-trip exactly in both.

Two layouts (`to_gadf`, `from_gadf`):

* **SED** (``gadf-sed``): one row per energy bin, columns ``e_ref, e_min, e_max``, the SED
  columns, ``ts, sqrt_ts, is_ul``; ``counts``, ``npred``, ``npred_excess`` with one column
  per dataset, shape ``(n_energy, n_dataset)``; likelihood tables add ``stat``,
  ``stat_null``, ``norm_scan``, ``stat_scan`` ``(n_energy, n_scan)``.
* **light curve** (``lightcurve``): one row per time bin, ``time_min, time_max`` in MJD
  (header ``MJDREFI = MJDREFF = 0``, ``TIMEUNIT = 'd'``, ``TIMESYS`` of the source, so the
  values are absolute MJDs), energies and every quantity as vectors per row
  (``(n_time, n_energy)``; counts ``(n_time, n_energy, n_dataset)``, scans
  ``(n_time, n_energy, n_scan)``); the trigger-relative seconds are kept as ``t_min,
  t_max`` and the source's time reference as ``TRIGTIME`` (MET s), ``MET_MJDI``,
  ``MET_MJDF`` (the mission's MJDREFI/MJDREFF).

Internally a result is the flat table of `FluxResult` (one row per energy bin, or per
(energy, time) pair, 1-D counts summed over datasets).

Writes go through `bayspec._atomic.atomic_path` (temporary file + rename).

References
----------
Gamma Astro Data Format, "Flux points",
https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.io import fits
from astropy.table import Table
from scipy.special import erf

from .._atomic import atomic_path

__all__ = ["table_format", "write_table", "read_table", "to_gadf", "from_gadf", "ul_conf",
           "PER_DATASET", "EXTNAME"]

#: EXTNAME of the table HDU (GADF / gammapy).
EXTNAME = "FLUXPOINTS"
#: Columns with one value per dataset (GADF: shape ``(n_energy, n_dataset)``).
PER_DATASET = ("counts", "npred", "npred_excess")
_SECONDS_PER_DAY = 86400.0
_TIME_KEYS = ("TREF", "TRIGTIME", "MET_MJDI", "MET_MJDF", "TIMESYS")


def ul_conf(n_sigma_ul):
    """Confidence level of a two-sided ``n_sigma_ul`` Gaussian interval, ``erf(n/√2)``
    (GADF ``UL_CONF``; 2σ → 0.9545)."""
    return float(erf(float(n_sigma_ul) / np.sqrt(2.0)))


def _per_dataset(table):
    for c in PER_DATASET:
        if c in table.colnames and table[c].ndim == 1:
            col = table[c]
            table.replace_column(c, np.asarray(col, dtype=float)[:, None])
    return table


def _mjd(meta, t_rel):
    """Absolute MJD of trigger-relative seconds, from the meta's time reference."""
    tref = float(meta.get("TREF", meta.get("TRIGTIME", 0.0)) or 0.0)
    mjdref = float(meta.get("MET_MJDI", 0.0)) + float(meta.get("MET_MJDF", 0.0))
    return mjdref + (tref + np.asarray(t_rel, dtype=float)) / _SECONDS_PER_DAY


def to_gadf(table, n_sigma_ul=2.0):
    """The flat result ``table`` in its GADF layout (SED, or light curve with times)."""
    meta = dict(table.meta)
    meta.setdefault("UL_CONF", ul_conf(meta.get("N_SIG_UL", n_sigma_ul)))
    if "t_min" not in table.colnames:
        out = _per_dataset(table.copy())
        out.meta.clear()
        out.meta.update(meta)
        return out
    return _lightcurve(table, meta)


def _lightcurve(table, meta):
    tmin, tmax = np.asarray(table["t_min"], float), np.asarray(table["t_max"], float)
    emin, emax = np.asarray(table["e_min"], float), np.asarray(table["e_max"], float)
    times, it = np.unique(np.column_stack([tmin, tmax]), axis=0, return_inverse=True)
    ebins, ie = np.unique(np.column_stack([emin, emax]), axis=0, return_inverse=True)
    it, ie = it.ravel(), ie.ravel()
    nt, ne = len(times), len(ebins)
    out = Table()
    out["time_min"] = _mjd(meta, times[:, 0]) * u.d
    out["time_max"] = _mjd(meta, times[:, 1]) * u.d
    out["t_min"] = times[:, 0] * u.s
    out["t_max"] = times[:, 1] * u.s
    for c in table.colnames:
        if c in ("t_min", "t_max"):
            continue
        col = table[c]
        data = np.asarray(col)
        fill = False if data.dtype == bool else np.nan
        arr = np.full((nt, ne) + data.shape[1:], fill, dtype=data.dtype if data.dtype == bool
                      else float)
        arr[it, ie] = data
        if c in PER_DATASET:
            arr = arr[..., None]
        out[c] = u.Quantity(arr, col.unit) if col.unit is not None else arr
    meta.update(MJDREFI=0, MJDREFF=0.0, TIMEUNIT="d",
                TIMESYS=str(meta.get("TIMESYS", "tt")).lower())
    out.meta.update(meta)
    return out


def from_gadf(table):
    """The flat result table of a GADF table (either layout; counts summed over datasets)."""
    if "time_min" in table.colnames:
        table = _flatten_lightcurve(table)
    for c in PER_DATASET:
        if c in table.colnames and table[c].ndim == 2:
            table.replace_column(c, np.asarray(table[c], dtype=float).sum(axis=1))
    return table


def _flatten_lightcurve(table):
    nt = len(table)
    ne = np.asarray(table["e_min"]).reshape(nt, -1).shape[1]
    out = Table(meta=dict(table.meta))
    if "t_min" in table.colnames:
        t0, t1 = np.asarray(table["t_min"], float), np.asarray(table["t_max"], float)
    else:  # a light curve we did not write: seconds from its first bin
        d0 = np.asarray(table["time_min"], float)
        t0 = (d0 - d0[0]) * _SECONDS_PER_DAY
        t1 = (np.asarray(table["time_max"], float) - d0[0]) * _SECONDS_PER_DAY
    order = {}
    for c in table.colnames:
        if c in ("time_min", "time_max", "t_min", "t_max"):
            continue
        col = table[c]
        data = np.asarray(col)
        if data.ndim == 1:
            data = np.repeat(data[:, None], ne, axis=1)
        flat = data.reshape((nt * ne,) + data.shape[2:])
        order[c] = u.Quantity(flat, col.unit) if col.unit is not None else flat
    for c in ("e_ref", "e_min", "e_max"):
        if c in order:
            out[c] = order.pop(c)
    out["t_min"] = np.repeat(t0, ne) * u.s
    out["t_max"] = np.repeat(t1, ne) * u.s
    for c, v in order.items():
        out[c] = v
    for k in ("MJDREFI", "MJDREFF", "TIMEUNIT"):
        out.meta.pop(k, None)
    return out

_META_SKIP = {"EXTNAME", "XTENSION", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "PCOUNT",
              "GCOUNT", "TFIELDS"}


def table_format(path, format=None):
    """``"fits"`` or ``"ecsv"`` from ``format`` or the file suffix."""
    if format is not None:
        f = str(format).lower()
        f = {"ascii.ecsv": "ecsv", "fits.gz": "fits"}.get(f, f)
        if f not in ("fits", "ecsv"):
            raise ValueError(f"format must be 'fits' or 'ecsv', got {format!r}")
        return f
    name = Path(path).name.lower()
    if name.endswith((".fits", ".fits.gz", ".fit", ".fts")):
        return "fits"
    if name.endswith(".ecsv"):
        return "ecsv"
    raise ValueError(f"cannot tell the format of {path!s}; use a .fits or .ecsv name or format=")


def write_table(table, path, overwrite=False, format=None, extname=EXTNAME):
    """Write ``table`` atomically as FITS (one BinTable HDU named ``extname``) or ECSV."""
    fmt = table_format(path, format)
    with atomic_path(path, overwrite=overwrite) as tmp:
        if fmt == "ecsv":
            table.write(tmp, format="ascii.ecsv")
        else:
            hdu = fits.table_to_hdu(table)
            hdu.name = extname
            fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp)


def read_table(path, format=None):
    """Read a table written by :func:`write_table` (first table HDU for FITS)."""
    fmt = table_format(path, format)
    if fmt == "ecsv":
        return Table.read(path, format="ascii.ecsv")
    with fits.open(path) as hdul:
        hdu = next(h for h in hdul[1:] if isinstance(h, fits.BinTableHDU))
        t = Table.read(hdu)
    meta = {k: v for k, v in t.meta.items() if k.upper() not in _META_SKIP}
    t.meta.clear()
    t.meta.update(meta)
    return t
