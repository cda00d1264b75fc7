"""Paths to the real instrument files bundled with bayspec (see ``_bundled/README.md``)."""

from __future__ import annotations

from pathlib import Path

from .errors import DataFileError

_ROOT = Path(__file__).parent / "_bundled"


def bundled_path(*parts: str) -> Path:
    """Return the path of a bundled file, e.g. ``bundled_path("gbm_bn090217206", "...pha")``.

    Raises
    ------
    DataFileError
        If no such bundled file exists.
    """
    p = _ROOT.joinpath(*parts)
    if not p.exists():
        raise DataFileError("no such bundled file", file=p)
    return p


def grb090217a(det: str) -> dict:
    """File names of the GRB 090217A unit for detector ``det`` ("n6", "n9" or "b1").

    Returns a dict with keys ``src``, ``bkg``, ``rsp``.
    """
    d = "gbm_bn090217206"
    stem = f"bn090217206_{det}"
    return {
        "src": str(bundled_path(d, f"{stem}_srcspectra.pha")),
        "bkg": str(bundled_path(d, f"{stem}_bkgspectra.bak")),
        "rsp": str(bundled_path(d, f"{stem}_weightedrsp.rsp")),
    }
