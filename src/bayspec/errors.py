"""The exception family of bayspec.

Every error a user can trigger with bad input is one of these. Each subclasses a builtin
(``ValueError``, ``OSError``, ``AttributeError``, ``RuntimeError``) so generic handlers keep
working, and each message names *where* the problem is (file, HDU, key) and *what* it is.
"""

from __future__ import annotations

__all__ = [
    "BayspecError",
    "DataFormatError",
    "DataFileError",
    "ChannelMismatchError",
    "NoticeError",
    "StatisticError",
    "ModelError",
    "ParameterError",
    "ModelNotBoundError",
    "ConfigError",
    "FitError",
    "StoreError",
    "OverwriteError",
]


def _where(file=None, hdu=None, key=None) -> str:
    parts = []
    if file is not None:
        parts.append(str(file))
    if hdu is not None:
        parts.append(f"[{hdu}]")
    loc = "".join(parts)
    if key is not None:
        loc = f"{loc} {key!s}".strip() if loc else str(key)
    return loc


class BayspecError(Exception):
    """Base class of every bayspec error.

    Parameters
    ----------
    message : str
        What is wrong.
    file, hdu, key : optional
        Where it is wrong: a file name, a FITS HDU (name or index), a column, keyword or
        config key. They are kept as attributes and prefixed to the message.
    """

    def __init__(self, message: str, *, file=None, hdu=None, key=None):
        self.file = None if file is None else str(file)
        self.hdu = hdu
        self.key = key
        self.problem = message
        loc = _where(file, hdu, key)
        super().__init__(f"{loc}: {message}" if loc else message)


class DataFormatError(BayspecError, ValueError):
    """A file or array does not have the content an OGIP product must have."""


class DataFileError(BayspecError, OSError):
    """A file cannot be opened or read at all (missing, unreadable, not FITS)."""


class ChannelMismatchError(DataFormatError):
    """Source, background and response disagree on their channels."""


class NoticeError(DataFormatError):
    """A notice range or a grouping policy selects no usable channel."""


class StatisticError(BayspecError, ValueError):
    """An unknown fit statistic name, or data the statistic cannot use."""


class ModelError(BayspecError, ValueError):
    """A model expression, component or evaluation request is invalid."""


class ParameterError(BayspecError, ValueError):
    """A parameter value, bound, prior or link is invalid."""


class ModelNotBoundError(BayspecError, AttributeError):
    """A quantity needs a model bound to the data (``data.fit_with``) and none is."""


class ConfigError(BayspecError, ValueError):
    """A configuration (YAML or dict) has a missing or invalid key."""


class FitError(BayspecError, RuntimeError):
    """A fit or sampler failed; the message says which parameter and bound are involved."""


class StoreError(BayspecError, OSError):
    """An HDF5 store is missing, corrupt, or lacks the requested entry."""


class OverwriteError(BayspecError, OSError):
    """Writing would replace an existing file and overwrite was not allowed."""
