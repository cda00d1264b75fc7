"""``bayspec info FILE``: a readable summary of an OGIP file, with the problems found.

The file is read with the `bayspec.io` readers (PHA-I/II, RMF, RSP, RSP2, ARF); the list of
extensions comes from the same FITS opener the readers use.
"""

from __future__ import annotations

import numpy as np

from .. import io as bio
from ..errors import BayspecError, DataFileError

__all__ = ["describe", "file_kind"]


def _extensions(path):
    from ..io._source import open_fits, parse_source

    target, _, display = parse_source(path)
    out = []
    with open_fits(target, display) as hdul:
        for i, h in enumerate(hdul):
            hdr = h.header
            name = h.name or ("PRIMARY" if i == 0 else f"HDU{i}")
            rows = hdr.get("NAXIS2") if i else None
            classes = "/".join(str(hdr[k]) for k in ("HDUCLAS1", "HDUCLAS2", "HDUCLAS3")
                               if k in hdr)
            out.append((i, name, hdr.get("EXTVER"), rows, classes))
    return out


def _truncation(path):
    """``(actual, expected)`` bytes when the file is shorter than its FITS headers say
    (a truncated copy or write), else None. Compressed files are not checked."""
    import os

    from ..io._source import open_fits, parse_source

    target, _, display = parse_source(path)
    if not isinstance(target, (str, os.PathLike)) or str(target).endswith((".gz", ".Z")):
        return None
    with open_fits(target, display) as hdul:
        n = len(hdul)
        info = hdul.fileinfo(n - 1) if n else None
    if not info:
        return None
    expected = int(info["datLoc"]) + int(info["datSpan"])
    actual = os.path.getsize(target)
    return (actual, expected) if actual < expected else None


def _unresolved(s):
    """Problems for BACKFILE/RESPFILE/ANCRFILE values that name no existing file (by the
    rules `bayspec.data` follows: `bayspec.data._resolve.resolve_keyword`)."""
    from ..data._resolve import resolve_keyword

    out = []
    for key in ("backfile", "respfile", "ancrfile"):
        v = getattr(s, key, None)
        for val in sorted({str(x) for x in (v if isinstance(v, list) else [v]) if x}):
            try:
                resolve_keyword(val, s.filename, key.upper())
            except BayspecError as exc:
                out.append(f"{key.upper()} = {val!r} does not resolve: "
                           + exc.problem.split(": ", 1)[-1].split("; pass it")[0])
    return out


def file_kind(path):
    """``(kind, container)``: kind is ``"PHA I"``, ``"PHA II"``, ``"RMF"``, ``"RSP"``,
    ``"RSP2"``, ``"ARF"`` or, for a FITS file that is none of them, ``"FITS (not OGIP)"``
    with the readers' messages as the container. `DataFileError` when it is not FITS."""
    _extensions(path)  # raises DataFileError for missing / non-FITS files
    errors = []
    try:
        series = bio.read_pha_series(path)
        if series.counts.shape[0] > 1 or series.header.get("HDUCLAS4", "").upper() == "TYPE:II":
            return "PHA II", series
        return "PHA I", bio.read_pha(path)
    except BayspecError as exc:
        errors.append(str(exc))
    try:
        mats = bio.list_matrices(path)
        rmf = bio.read_rmf(path, int(mats["extver"][0]) if len(mats) > 1 else None)
        if len(mats) > 1:
            return "RSP2", (rmf, mats)
        return ("RSP" if rmf.is_full_response else "RMF"), (rmf, mats)
    except BayspecError as exc:
        errors.append(str(exc))
    try:
        return "ARF", bio.read_arf(path)
    except BayspecError as exc:
        errors.append(str(exc))
    return "FITS (not OGIP)", errors


def _range(lo, hi):
    lo, hi = np.asarray(lo, float), np.asarray(hi, float)
    ok = np.isfinite(lo) & np.isfinite(hi)
    if not ok.any():
        return "no finite energies"
    return f"{lo[ok].min():g} – {hi[ok].max():g} keV"


def _pha_lines(kind, s):
    lines, problems = [], []
    counts = np.atleast_2d(s.counts)
    nrow, nchan = counts.shape
    exp = np.atleast_1d(np.asarray(s.exposure, dtype=float))
    lines.append(("rows (spectra)", nrow))
    lines.append(("channels", f"{nchan} (first {s.first_channel})"))
    lines.append(("spectrum type", f"{s.hduclas2 or '?'}; {'RATE' if s.is_rate else 'COUNTS'}"
                  f"; errors: {'Poisson' if s.poisserr else 'STAT_ERR'}"))
    if nrow == 1:
        lines.append(("exposure", f"{exp[0]:g} s"))
    else:
        lines.append(("exposure", f"{exp.min():g} – {exp.max():g} s (total {exp.sum():g} s)"))
    lines.append(("total counts", f"{counts.sum():.6g}"))
    tstart = np.atleast_1d(np.asarray(s.tstart if s.tstart is not None else np.nan, float))
    tstop = np.atleast_1d(np.asarray(s.tstop if s.tstop is not None else np.nan, float))
    if np.isfinite(tstart).any():
        lines.append(("time", f"{np.nanmin(tstart):.6g} – {np.nanmax(tstop):.6g} s"))
    if getattr(s, "ebounds", None) is not None:
        lines.append(("channel energies", _range(s.ebounds[:, 0], s.ebounds[:, 1])))
        if not np.isfinite(s.ebounds).all():
            problems.append(f"{int((~np.isfinite(s.ebounds).all(axis=1)).sum())} channel(s) "
                            "with NaN energy bounds")
    for key in ("backfile", "respfile", "ancrfile"):
        v = getattr(s, key)
        vals = sorted({str(x) for x in (v if isinstance(v, list) else [v]) if x})
        if vals:
            lines.append((key.upper(), ", ".join(vals[:3]) + (" ..." if len(vals) > 3 else "")))
    problems += _unresolved(s)
    bad_exp = int(np.sum(exp <= 0))
    if bad_exp:
        problems.append(f"{bad_exp} row(s) with zero or negative exposure")
    q = np.atleast_2d(s.quality)
    nbad = int(np.sum(q != 0))
    if nbad:
        problems.append(f"{nbad} channel(s) flagged bad by QUALITY"
                        + (" (over all rows)" if nrow > 1 else ""))
    grouping = np.atleast_2d(s.grouping)
    if np.any(grouping != 1):
        lines.append(("grouping", f"{int(np.sum(grouping[0] == 1))} groups (row 0)"))
    if np.any(counts < 0):
        rows, cols = np.nonzero(counts < 0)
        chans = np.unique(np.asarray(s.channel).reshape(-1)[cols] if np.size(s.channel)
                          == nchan else cols + s.first_channel)
        shown = ", ".join(str(int(c)) for c in chans[:10]) + (" ..." if chans.size > 10 else "")
        problems.append(f"{rows.size} negative count value(s) in channel(s) {shown}"
                        + (f" of {np.unique(rows).size} row(s)" if nrow > 1 else "")
                        + " (Poisson statistics cannot use them)")
    if not np.isfinite(counts).all():
        problems.append("non-finite counts")
    return lines, problems


def _rsp_lines(kind, pair):
    rmf, mats = pair
    lines, problems = [], []
    lines.append(("matrices", len(mats)))
    lines.append(("photon bins × channels", f"{rmf.matrix.shape[0]} × {rmf.matrix.shape[1]}"))
    lines.append(("photon energies", _range(rmf.energ_lo, rmf.energ_hi)))
    lines.append(("channel energies", _range(rmf.e_min, rmf.e_max)))
    area = rmf.matrix.sum(axis=1)
    unit = "cm²" if rmf.is_full_response else "(probability)"
    lines.append(("max summed response", f"{area.max():.4g} {unit}"))
    if len(mats) > 1 and np.isfinite(np.asarray(mats["tstart"], float)).any():
        lines.append(("matrix times", f"{np.nanmin(mats['tstart']):.6g} – "
                      f"{np.nanmax(mats['tstop']):.6g} s"))
    nan_ch = int((~(np.isfinite(rmf.e_min) & np.isfinite(rmf.e_max))).sum())
    if nan_ch:
        problems.append(f"{nan_ch} channel(s) with NaN energy bounds")
    if not np.isfinite(rmf.matrix).all():
        problems.append("non-finite matrix elements")
    if np.any(rmf.energ_lo <= 0):
        problems.append("photon bin(s) starting at 0 keV")
    if not rmf.is_full_response and np.any(area > 1.0 + 1e-3):
        problems.append(f"RMF rows sum above 1 (max {area.max():.4g})")
    return lines, problems


def _arf_lines(kind, a):
    lines = [("photon bins", a.specresp.size), ("energies", _range(a.energ_lo, a.energ_hi)),
             ("effective area", f"{np.nanmin(a.specresp):.4g} – {np.nanmax(a.specresp):.4g} cm²")]
    problems = []
    if not np.isfinite(a.specresp).all():
        problems.append("non-finite SPECRESP values")
    if np.any(a.specresp < 0):
        problems.append("negative effective area")
    return lines, problems


def describe(path) -> str:
    """Multi-line text describing the OGIP file ``path`` (type, sizes, ranges, problems).

    Raises
    ------
    DataFileError
        The file is missing, not FITS, shorter than its headers say (truncated), or a
        FITS file whose tables cannot be read (damaged).
    """
    cut = _truncation(path)
    if cut is not None:
        raise DataFileError(f"truncated or damaged FITS file: {cut[0]} bytes, its headers "
                            f"need {cut[1]} (an incomplete copy or write)", file=path)
    kind, obj = file_kind(path)
    damaged = [e for e in obj if "damaged" in e] if kind.startswith("FITS") else []
    if damaged:
        raise DataFileError("damaged FITS file: " + "; ".join(
            e.split(": ", 1)[-1] for e in damaged), file=path)
    if kind.startswith("PHA"):
        lines, problems = _pha_lines(kind, obj)
    elif kind == "ARF":
        lines, problems = _arf_lines(kind, obj)
    elif kind.startswith("FITS"):
        lines = [("note", "no OGIP spectrum, response or ARF extension")]
        problems = [e.split(": ", 1)[-1] for e in obj]
    else:
        lines, problems = _rsp_lines(kind, obj)
    out = [f"{path}", f"  type: {kind}"]
    width = max(len(k) for k, _ in lines)
    out += [f"  {k + ':':<{width + 1}} {v}" for k, v in lines]
    out.append("  extensions:")
    for i, name, ver, rows, classes in _extensions(path):
        extra = "" if rows is None else f", {rows} rows"
        ver = "" if ver is None else f" (EXTVER {ver})"
        out.append(f"    [{i}] {name}{ver}{extra}" + (f"  {classes}" if classes else ""))
    out.append("  problems: " + ("none found" if not problems else ""))
    out += [f"    - {p}" for p in problems]
    return "\n".join(out)
