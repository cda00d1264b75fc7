"""Where a FITS product comes from: path, ``"file{3}"``, ``"file:3"``, ``(file, 3)``, bytes.

`parse_source` normalises every accepted spelling to ``(target, index, display_name)``;
`open_fits` opens the target with astropy and turns every astropy/OS failure into a
`bayspec.errors` exception naming the file.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import warnings
import zlib
from pathlib import Path

import numpy as np
from astropy.io import fits
from astropy.io.fits.verify import VerifyError
from astropy.utils.exceptions import AstropyWarning

from ..errors import BayspecError, DataFileError, DataFormatError

__all__ = ["parse_source", "open_fits", "FOREIGN_ERRORS"]

# Exceptions astropy / numpy / the OS may raise on a damaged file. They are converted to
# our own errors at the boundary (`open_fits`); anything else is a bug and propagates.
FOREIGN_ERRORS = (
    OSError,
    EOFError,
    TypeError,
    ValueError,
    KeyError,
    IndexError,
    AttributeError,
    OverflowError,
    MemoryError,
    VerifyError,
    zlib.error,
)

_BRACE = re.compile(r"^(?P<file>.+?)\{\s*(?P<idx>[+-]?\d+)\s*\}$")
_COLON = re.compile(r"^(?P<file>.+?):(?P<idx>\d+)$")


def _as_index(value, display):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise DataFormatError(
            f"index must be an integer, got {value!r} ({type(value).__name__})", file=display
        )
    return int(value)


def _merge(embedded, explicit, display):
    if explicit is None:
        return embedded
    if embedded is not None and embedded != explicit:
        raise DataFormatError(
            f"conflicting indices: {embedded} in the name and index={explicit}", file=display
        )
    return explicit


def parse_source(spec, index=None):
    """Normalise a FITS source specification.

    Parameters
    ----------
    spec : str, pathlib.Path, tuple, bytes-like or file-like
        ``"f.pha"``, ``"f.pha{3}"`` or ``"f.pha:3"`` (only a *trailing* ``{<int>}`` or
        ``:<int>`` is an index, and only when the whole string is not itself an existing
        file), ``(file, 3)``, `io.BytesIO`, ``bytes``/``bytearray``/``memoryview`` or any
        object with ``read()``. Gzipped content is accepted (astropy decompresses it).
    index : int, optional
        Explicit index (a PHA-II row, 0-based; an RMF/ARF EXTVER, 1-based). It must agree
        with an index embedded in ``spec``.

    Returns
    -------
    target : str or io.BytesIO
        What to hand to `astropy.io.fits.open`.
    index : int or None
    display_name : str
        The name used in messages.

    Raises
    ------
    DataFormatError
        Unsupported object type, non-integer or conflicting index.
    """
    if isinstance(spec, tuple):
        if len(spec) != 2:
            raise DataFormatError(f"a source tuple must be (file, index), got {len(spec)} items")
        target, inner, display = parse_source(spec[0])
        tidx = _as_index(spec[1], display)
        if inner is not None and tidx is not None and inner != tidx:
            raise DataFormatError(
                f"conflicting indices: {inner} in the name and {tidx} in the tuple", file=display
            )
        embedded = tidx if tidx is not None else inner
        return target, _merge(embedded, _as_index(index, display), display), display

    if isinstance(spec, (bytes, bytearray, memoryview)):
        display = "<bytes>"
        return io.BytesIO(bytes(spec)), _as_index(index, display), display

    if isinstance(spec, io.BytesIO):
        display = getattr(spec, "name", None) or "<BytesIO>"
        return io.BytesIO(spec.getvalue()), _as_index(index, display), str(display)

    if isinstance(spec, (str, os.PathLike)):
        text = os.fspath(spec)
        if isinstance(text, bytes):
            text = os.fsdecode(text)
        embedded = None
        if not os.path.exists(text):
            for pattern in (_BRACE, _COLON):
                m = pattern.match(text)
                if m and m.group("file"):
                    text, embedded = m.group("file"), int(m.group("idx"))
                    break
        return text, _merge(embedded, _as_index(index, text), text), text

    if hasattr(spec, "read"):
        display = str(getattr(spec, "name", None) or f"<{type(spec).__name__}>")
        try:
            data = spec.read()
        except FOREIGN_ERRORS as exc:
            raise DataFileError(f"cannot read the stream: {exc}", file=display) from exc
        if isinstance(data, str):
            raise DataFileError("stream is opened in text mode; FITS needs bytes", file=display)
        return io.BytesIO(bytes(data)), _as_index(index, display), display

    raise DataFormatError(
        f"cannot read a FITS source from an object of type {type(spec).__name__}"
    )


@contextlib.contextmanager
def open_fits(target, display):
    """Open a FITS target and convert every foreign failure to a bayspec error.

    Parameters
    ----------
    target : str or file-like
        As returned by `parse_source`.
    display : str
        File name used in messages.

    Yields
    ------
    astropy.io.fits.HDUList
        All HDUs read (``memmap=False``), astropy warnings silenced.

    Raises
    ------
    DataFileError
        Missing or unreadable file, not FITS, truncated.
    DataFormatError
        Any astropy/numpy failure while the block reads the content (wrapped, with the
        file name); our own errors pass through untouched.
    """
    if isinstance(target, (str, Path)):
        p = Path(target)
        if not p.exists():
            raise DataFileError("no such file", file=display)
        if p.is_dir():
            raise DataFileError("is a directory, not a FITS file", file=display)
    if isinstance(target, io.BytesIO) and target.getbuffer()[:2].tobytes() == b"\x1f\x8b":
        try:
            target = io.BytesIO(gzip.decompress(target.getvalue()))
        except (OSError, EOFError, zlib.error) as exc:
            raise DataFileError(f"damaged gzip stream ({exc})", file=display) from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AstropyWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            hdul = fits.open(target, memmap=False, lazy_load_hdus=False)
        except BayspecError:
            raise
        except FOREIGN_ERRORS as exc:
            raise DataFileError(f"not a readable FITS file ({exc})", file=display) from exc
        try:
            if len(hdul) == 0:
                raise DataFileError("empty FITS file", file=display)
            with np.errstate(all="ignore"):
                yield hdul
        except BayspecError:
            raise
        except FOREIGN_ERRORS as exc:
            raise DataFormatError(
                f"damaged or invalid content ({type(exc).__name__}: {exc})", file=display
            ) from exc
        finally:
            with contextlib.suppress(Exception):
                hdul.close()
