"""Find the files a PHA names in BACKFILE / RESPFILE / ANCRFILE.

Rules: the keyword's path is tried as written when absolute, else relative to the PHA's
folder; then its base name beside the PHA (keywords often hold absolute paths from the
author's disk). A trailing ``{n}`` follows the OGIP/XSPEC convention: for BACKFILE it is
the 1-based spectrum number in a PHA-II file (we pass row ``n - 1`` to
`bayspec.io.read_pha`, whose rows are 0-based); for RESPFILE/ANCRFILE it is the matrix
EXTVER (1-based, passed unchanged).
"""

from __future__ import annotations

import os

from ..errors import DataFileError

__all__ = ["resolve_keyword"]


def _folder(owner_file):
    if owner_file and not str(owner_file).startswith("<") and os.path.exists(owner_file):
        return os.path.dirname(os.path.abspath(owner_file))
    return os.getcwd()


def resolve_keyword(value, owner_file, key):
    """Return ``(path, index)`` for a BACKFILE/RESPFILE/ANCRFILE value.

    Raises
    ------
    DataFileError
        No candidate exists; the message names the keyword, its value and where we looked.
    """
    from ..io import parse_source

    path, idx, _ = parse_source(str(value).strip())
    base = _folder(owner_file)
    cands = [path] if os.path.isabs(path) else [os.path.join(base, path)]
    cands.append(os.path.join(base, os.path.basename(path)))
    for c in dict.fromkeys(cands):
        if os.path.isfile(c):
            return c, idx
    raise DataFileError(
        f"{key} = {value!r}: file not found (looked for {', '.join(dict.fromkeys(cands))}); "
        f"pass it explicitly (e.g. DataUnit(src, bkg=..., rsp=...)) or False for none",
        file=owner_file, key=key)
