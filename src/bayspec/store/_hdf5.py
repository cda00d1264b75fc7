"""Low-level HDF5 helpers shared by the stores: opening, keys, chunked arrays, errors.

Every store opens its file only for the duration of one operation (or of a ``with``
block), so a crash between operations never leaves an open HDF5 handle behind. All h5py
failures are turned into `bayspec.errors.StoreError` naming the file, the group or key and
the problem.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import time
from pathlib import Path

import h5py
import numpy as np

from ..errors import StoreError

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "open_h5",
    "split_key",
    "join_key",
    "check_name",
    "require_group",
    "write_array",
    "read_attrs",
    "write_attrs",
    "nearby",
    "missing",
    "keyed_errors",
    "damaged_message",
]

FORMAT_NAME = "bayspec-store"
FORMAT_VERSION = 1

#: Target size of one compressed chunk before compression, in bytes.
CHUNK_BYTES = 16 * 1024
#: Compression used for every array (lossless; gzip is readable by every HDF5 build).
COMPRESSION = dict(compression="gzip", compression_opts=4, shuffle=True)

_LOCK_RETRIES = 50
_LOCK_WAIT = 0.02  # s


@contextlib.contextmanager
def open_h5(path, mode: str = "r", *, create_ok: bool = True):
    """Open an HDF5 store file and always close it.

    Parameters
    ----------
    path : str or Path
        The store file.
    mode : {"r", "a"}
        ``"r"`` read-only (the file must exist); ``"a"`` read/write, created if absent
        (when ``create_ok``).
    create_ok : bool
        With ``mode="a"``, whether a missing file may be created.

    Yields
    ------
    h5py.File
        The open file; on exit it is flushed (write mode) and closed.

    Raises
    ------
    StoreError
        Missing file, not an HDF5 file or corrupt, foreign HDF5 file, or still locked by a
        writer after about one second of retries.
    """
    path = Path(path)
    if mode not in ("r", "a"):
        raise StoreError(f"unknown open mode {mode!r} (use 'r' or 'a')", file=path)
    if mode == "r" and not path.exists():
        raise StoreError("no such store file", file=path)
    if mode == "a" and not path.exists() and not create_ok:
        raise StoreError("no such store file", file=path)
    if mode == "a":
        path.parent.mkdir(parents=True, exist_ok=True)
    f = None
    last = None
    for _ in range(_LOCK_RETRIES):
        try:
            f = h5py.File(path, mode)
            break
        except BlockingIOError as exc:  # another process holds the lock
            last = exc
            time.sleep(_LOCK_WAIT)
        except OSError as exc:
            if _is_lock_error(str(exc)):
                last = exc
                time.sleep(_LOCK_WAIT)
                continue
            raise StoreError(_open_problem(str(exc)), file=path) from exc
    if f is None:
        raise StoreError(f"file is locked by another writer: {last}", file=path)
    try:
        if mode == "a" and "format" not in f.attrs:
            f.attrs["format"] = FORMAT_NAME
            f.attrs["format_version"] = FORMAT_VERSION
        elif "format" in f.attrs and _text(f.attrs["format"]) != FORMAT_NAME:
            raise StoreError(f"HDF5 file is not a bayspec store (format="
                             f"{_text(f.attrs['format'])!r})", file=path)
        try:
            yield f
        except StoreError:
            raise
        except OSError as exc:  # h5py read/write failure inside the file
            raise StoreError(damaged_message(exc), file=path) from exc
        if mode == "a":
            f.flush()
    finally:
        f.close()


def _is_lock_error(msg: str) -> bool:
    """Whether an h5py open error is HDF5's file lock held by another process (not, e.g.,
    a truncated file, whose message mentions ``sblock``)."""
    m = msg.lower()
    return "unable to lock file" in m or ("lock" in m and "errno = 11" in m) or \
        "resource temporarily unavailable" in m


def _open_problem(msg: str) -> str:
    """Our message for an HDF5 file that cannot be opened (not locked)."""
    m = msg.lower()
    if "truncated file" in m:
        return ("truncated or damaged HDF5 file (shorter than its header says: cut short by "
                f"a killed write, a full disk or an incomplete copy): {msg}")
    if "file signature not found" in m or "not an hdf5 file" in m:
        return f"not an HDF5 file, or its header is corrupt: {msg}"
    return f"truncated or damaged HDF5 file, or not a store: {msg}"


def damaged_message(exc) -> str:
    """Our message for an h5py failure while reading or writing inside an open file."""
    return f"damaged HDF5 data (the file is corrupt where this entry is stored): {exc}"


def keyed_errors(method):
    """Decorator for store methods ``(self, key, ...)``: an h5py ``OSError`` (corrupt
    chunks, a broken B-tree) becomes a `StoreError` naming the file and the key."""
    import functools

    @functools.wraps(method)
    def wrapper(self, key, *args, **kwargs):
        try:
            return method(self, key, *args, **kwargs)
        except StoreError as exc:
            if exc.key is None:  # e.g. damage found by open_h5: add the key
                raise StoreError(exc.problem, file=exc.file or self.path, key=key) from exc
            raise
        except OSError as exc:
            raise StoreError(damaged_message(exc), file=self.path, key=key) from exc
    return wrapper


def _text(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def check_name(name, what: str = "name") -> str:
    """Validate one key component (a group name): non-empty, no ``/``, not hidden.

    Raises
    ------
    StoreError
        If the name cannot be used as an HDF5 group name.
    """
    s = str(name)
    if not s or "/" in s or s.startswith(".") or s in ("background", "response"):
        raise StoreError(f"invalid {what} {s!r}: must be non-empty, without '/', not "
                         "starting with '.', not a reserved name", key=s)
    return s


def split_key(key) -> tuple[str, str, str, str]:
    """Split ``"source/instrument/detector/series"`` into its four parts.

    Raises
    ------
    StoreError
        If the key does not have exactly four non-empty parts.
    """
    if isinstance(key, (tuple, list)):
        parts = [str(p) for p in key]
    else:
        parts = str(key).strip("/").split("/")
    if len(parts) != 4 or not all(parts):
        raise StoreError("a spectrum key is 'source/instrument/detector/series'", key=key)
    return tuple(parts)  # type: ignore[return-value]


def join_key(source, instrument, detector, series) -> str:
    """Build the key ``"source/instrument/detector/series"`` from its validated parts."""
    return "/".join(check_name(p, w) for p, w in zip(
        (source, instrument, detector, series),
        ("source", "instrument", "detector", "series")))


def nearby(candidates, wanted: str, n: int = 5) -> list[str]:
    """Up to ``n`` candidates closest to ``wanted`` (difflib), else the first ``n``."""
    candidates = list(candidates)
    close = difflib.get_close_matches(str(wanted), candidates, n=n, cutoff=0.3)
    return close or candidates[:n]


def missing(file, key, what: str, candidates) -> StoreError:
    """A `StoreError` for a missing entry that lists nearby existing keys."""
    near = nearby(candidates, key)
    hint = f"; nearby: {', '.join(near)}" if near else "; the store holds none"
    return StoreError(f"no such {what}{hint}", file=file, key=key)


def require_group(f: h5py.File, path: str) -> h5py.Group:
    """Return group ``path`` in ``f``, creating intermediate groups."""
    return f.require_group(path)


def chunk_rows(nchan: int, itemsize: int = 8) -> int:
    """Rows per chunk so that a chunk holds about `CHUNK_BYTES` before compression."""
    return max(1, CHUNK_BYTES // max(1, nchan * itemsize))


def write_array(group: h5py.Group, name: str, data, *, rowwise: bool = True) -> h5py.Dataset:
    """Write ``data`` as a chunked, gzip-compressed dataset (replacing any old one).

    Parameters
    ----------
    group : h5py.Group
        Destination group.
    name : str
        Dataset name.
    data : array_like
        Values; 0-d arrays are stored uncompressed.
    rowwise : bool
        Chunk along the leading axis only (one chunk = a block of whole rows), so that one
        row or a slice of rows is read by decompressing only the chunks that hold it.
    """
    data = np.asarray(data)
    if name in group:
        del group[name]
    if data.ndim == 0 or data.size == 0:
        return group.create_dataset(name, data=data)
    inner = int(np.prod(data.shape[1:])) if data.ndim > 1 else 1
    rows = min(data.shape[0], chunk_rows(inner, data.dtype.itemsize)) if rowwise else None
    chunks = (rows,) + data.shape[1:] if rowwise else True
    return group.create_dataset(name, data=data, chunks=chunks, **COMPRESSION)


def write_attrs(obj, attrs: dict) -> None:
    """Store a dict as HDF5 attributes; ``None`` values are stored as absent.

    Lists and dicts are stored as JSON text under the same name with a ``json:`` prefix.
    """
    for k, v in attrs.items():
        if v is None:
            if k in obj.attrs:
                del obj.attrs[k]
            continue
        if isinstance(v, (dict, list, tuple)):
            obj.attrs[k] = "json:" + json.dumps(v)
        elif isinstance(v, (bool, np.bool_)):
            obj.attrs[k] = np.bool_(v)
        else:
            obj.attrs[k] = v


def read_attrs(obj) -> dict:
    """Read HDF5 attributes as plain Python values (inverse of `write_attrs`)."""
    out = {}
    for k, v in obj.attrs.items():
        if isinstance(v, bytes):
            v = v.decode()
        if isinstance(v, str) and v.startswith("json:"):
            v = json.loads(v[5:])
        elif isinstance(v, np.bool_):
            v = bool(v)
        elif isinstance(v, np.generic):
            v = v.item()
        out[k] = v
    return out


def fsync_dir(path) -> None:
    """fsync a directory so that a rename or a new file in it is durable (POSIX)."""
    try:
        fd = os.open(str(path), os.O_RDONLY)
    except OSError:  # pragma: no cover - not supported (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


class StoreFile:
    """Base of the stores: a path, a mode, and a file opened per operation.

    Outside a ``with`` block every method opens the file, does its work and closes it
    (writes are flushed before the close). Inside ``with store:`` the file stays open for
    the whole block, which is faster for many small reads.

    Parameters
    ----------
    path : str or Path
        The HDF5 file.
    mode : {"r", "a"}
        ``"r"``: read-only (writes raise `StoreError`); ``"a"``: read and write, the file
        is created on the first write.
    """

    def __init__(self, path, mode: str = "a", *, must_exist: bool = True):
        if mode not in ("r", "a"):
            raise StoreError(f"unknown mode {mode!r} (use 'r' or 'a')", file=path)
        if mode == "r" and must_exist and not Path(path).exists():
            raise StoreError("no such store file (mode='r' opens an existing store; use "
                             "mode='a' to create one)", file=path)
        self.path = Path(path)
        self.mode = mode
        self._stack = None
        self._f = None

    def __repr__(self):
        return f"{type(self).__name__}({str(self.path)!r}, mode={self.mode!r})"

    def __enter__(self):
        if self._f is None:
            stack = contextlib.ExitStack()
            try:
                self._f = stack.enter_context(open_h5(self.path, self.mode))
            except BaseException:
                stack.close()
                raise
            self._stack = stack
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        """Close a file held open by ``with`` (no-op otherwise)."""
        if self._stack is not None:
            stack, self._stack, self._f = self._stack, None, None
            stack.close()

    @contextlib.contextmanager
    def _open(self, write: bool = False):
        if write and self.mode != "a":
            raise StoreError("store opened read-only (mode='r')", file=self.path)
        if self._f is not None:
            yield self._f
            if write:
                self._f.flush()
            return
        if not write and not self.path.exists():
            raise StoreError("no such store file", file=self.path)
        with open_h5(self.path, "a" if write else "r") as f:
            yield f
