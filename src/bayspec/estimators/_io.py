"""Read and write flux tables in the Gamma Astro Data Format flux-points layout (private).

FITS: one binary-table HDU (``FLUX_POINTS`` or ``LIGHTCURVE``) whose header carries
``SED_TYPE`` (and the other table meta) and whose columns are ``e_ref, e_min, e_max``
[, ``t_min, t_max``], the SED columns (``norm, norm_err, ...`` for the likelihood type) and
optionally ``norm_scan``/``stat_scan`` vector columns; units in TUNITn. ECSV: the same table
with its meta in the YAML header. float64 columns round-trip exactly in both.

Writes go through `bayspec._atomic.atomic_path` (temporary file + rename).

References
----------
Gamma Astro Data Format, "Flux points",
https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/
"""

from __future__ import annotations

from pathlib import Path

from astropy.io import fits
from astropy.table import Table

from .._atomic import atomic_path

__all__ = ["table_format", "write_table", "read_table"]

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


def write_table(table, path, overwrite=False, format=None, extname="FLUX_POINTS"):
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
