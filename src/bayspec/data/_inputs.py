"""Input resolution of a `DataUnit`: what the user passed (objects, paths, ``"file{3}"``,
``(file, row)``, BytesIO, None for "from the PHA keywords", False/"none" for "nothing")
turned into `Source`, `Background` and `Response` objects.

BACKFILE, RESPFILE and ANCRFILE are resolved beside the source file
(`bayspec.data._resolve`); OGIP ``{n}`` row numbers in BACKFILE are 1-based, PHA-II rows
everywhere else 0-based.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError, DataFormatError
from ._resolve import resolve_keyword
from .response import Auxiliary, Redistribution, Response, compose
from .spectrum import Background, Source, Spectrum

__all__ = ["Parts", "is_none", "load_source", "load_background", "load_response", "load_parts"]


@dataclass(frozen=True)
class Parts:
    """The loaded pieces of a unit: source, background (or None), response and, when the
    response was composed, the RMF and ARF it came from (else None)."""

    src: Spectrum
    bkg: Spectrum | None
    rsp: Response
    rmf: Response | None = None
    arf: Response | None = None


def is_none(x):
    """Whether ``x`` asks for "nothing" (False, ``"none"`` or an empty string)."""
    return x is False or (isinstance(x, str) and x.strip().lower() in ("none", ""))


def load_source(spec):
    """The `Source` of ``spec`` (an existing `Spectrum` is used as it is)."""
    if isinstance(spec, Spectrum):
        return spec
    if spec is None:
        raise DataFormatError("a DataUnit needs a source spectrum (src)", key="src")
    return Source.from_plain(spec)


def load_background(spec, src):
    """The background of ``spec``: None → the source's BACKFILE (none if it has none);
    False/``"none"`` → None."""
    if isinstance(spec, Spectrum):
        return spec
    if is_none(spec):
        return None
    if spec is None:
        kw = src.backfile
        if kw is None or is_none(kw):
            return None
        path, idx = resolve_keyword(kw, src.file, "BACKFILE")
        row = None if idx is None else max(idx - 1, 0)  # OGIP {n} is 1-based
        return Background.from_plain(path, row)
    return Background.from_plain(spec)


def _as_rmf(x, idx=None):
    return x if isinstance(x, Response) else Redistribution.from_plain(x, idx)


def _as_arf(x, idx=None):
    return x if isinstance(x, Auxiliary) else Auxiliary.from_plain(x, idx)


def load_response(rsp, rmf, arf, src):
    """``(response, rmf, arf)``: a full ``rsp``, or ``rmf`` (× ``arf``), or the source's
    RESPFILE (× ANCRFILE) when all three are None. ``rmf``/``arf`` are None for a full
    response."""
    if rsp is not None and (rmf is not None or arf is not None):
        raise ConfigError("give either rsp or rmf (+ arf), not both", key="rsp")
    if rsp is not None:
        full = rsp if isinstance(rsp, Response) else Response.from_plain(rsp)
        if isinstance(full, Auxiliary):
            raise ConfigError("rsp is an ARF; pass it as arf= with an rmf=", key="rsp")
        return full, None, None
    if rmf is None and arf is None:
        kw = src.respfile
        if kw is None or is_none(kw):
            raise DataFormatError("no response: RESPFILE is none; pass rsp= or rmf= (+ arf=)",
                                  file=src.file, hdu=src.hdu, key="RESPFILE")
        path, idx = resolve_keyword(kw, src.file, "RESPFILE")
        rmf = _as_rmf(path, idx)
        akw = src.ancrfile
        if akw is not None and not is_none(akw):
            apath, aidx = resolve_keyword(akw, src.file, "ANCRFILE")
            arf = _as_arf(apath, aidx)
    elif rmf is None:
        raise ConfigError("arf given without rmf; pass rmf= too (or a full rsp=)", key="arf")
    else:
        rmf = _as_rmf(rmf)
        arf = None if arf is None else _as_arf(arf)
    if arf is None:
        return rmf, rmf, None
    return compose(rmf, arf), rmf, arf


def load_parts(inputs, old=None, reload=("src", "bkg", "rsp")):
    """`Parts` from the unit's ``inputs`` dict, reloading only the pieces in ``reload``
    (the others are taken from ``old``)."""
    src = load_source(inputs["src"]) if "src" in reload else old.src
    bkg = load_background(inputs["bkg"], src) if "bkg" in reload else old.bkg
    if "rsp" in reload:
        rsp, rmf, arf = load_response(inputs["rsp"], inputs["rmf"], inputs["arf"], src)
    else:
        rsp, rmf, arf = old.rsp, old.rmf, old.arf
    return Parts(src, bkg, rsp, rmf, arf)
