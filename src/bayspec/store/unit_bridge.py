"""Build a `bayspec.data.DataUnit` from one stored spectrum.

`unit_from_store` reads a row with `load_unit_inputs` (io containers) and wraps the
containers with the public constructors of the data layer. It lives in ``store`` because
the data layer sits below the store and must not import it; `DataUnit.from_store` is
attached to this function through `bayspec._hooks`.
"""

from __future__ import annotations

import numpy as np

from ..errors import StoreError
from .ogip_bridge import UnitInputs, load_unit_inputs, row_key

__all__ = ["unit_from_store", "unit_from_inputs"]


def _response(m, full: bool):
    from ..data.response import Redistribution, Response

    cls = Response if full else Redistribution
    obj = cls(np.column_stack([m.e_min, m.e_max]), np.column_stack([m.energ_lo, m.energ_hi]),
              m.matrix, file=getattr(m, "filename", None), hdu=getattr(m, "hdu", None))
    obj.extver = getattr(m, "extver", None)
    return obj


def _auxiliary(a):
    from ..data.response import Auxiliary

    return Auxiliary(np.column_stack([a.energ_lo, a.energ_hi]), a.specresp,
                     file=getattr(a, "filename", None), hdu=getattr(a, "hdu", None))


def unit_from_inputs(inputs: UnitInputs, *, stat=None, name=None, **unit_kwargs):
    """A `DataUnit` from `UnitInputs` (see `unit_from_store` for the keywords)."""
    from ..data.spectrum import Background, Source
    from ..data.unit import DataUnit

    if inputs.rsp is None:
        raise StoreError("series has no linked response", key=inputs.key)
    src = Source.from_pha(inputs.src)
    bkg = False if inputs.bkg is None else Background.from_pha(inputs.bkg)
    if stat is None:
        stat = "cstat" if inputs.bkg is None else "pgstat"
    if name is None:
        name = row_key(inputs.key, inputs.row)
    full = bool(getattr(inputs.rsp, "is_full_response", True)) or inputs.arf is None
    if full and inputs.arf is None:
        rsp = dict(rsp=_response(inputs.rsp, True))
    else:
        rsp = dict(rmf=_response(inputs.rsp, False),
                   arf=None if inputs.arf is None else _auxiliary(inputs.arf))
    return DataUnit(src, bkg=bkg, stat=stat, name=name, **rsp, **unit_kwargs)


def unit_from_store(store, key, row: int | None = None, t=None, *, strict_time: bool = False,
                    stat: str | None = None, name: str | None = None, **unit_kwargs):
    """One stored spectrum as a `bayspec.data.DataUnit`.

    Parameters
    ----------
    store : Store or str or Path
        The store (or its data file).
    key : str
        Series key, optionally with ``"#row"``.
    row : int, optional
        Row of the series (0-based; required for a multi-row series unless in the key).
    t : float or (float, float), optional
        Time or interval for the choice of the response matrix; default the row's
        ``(tstart, tstop)`` (see `ResponseStore.response_for`).
    strict_time : bool
        Raise if no stored matrix covers the time instead of taking the nearest.
    stat : str, optional
        Fit statistic; default ``"pgstat"`` with a stored background, ``"cstat"`` without.
    name : str, optional
        Unit name; default the row key ``"source/instrument/detector/series#row"``.
    **unit_kwargs
        Passed to `DataUnit` (``notc``, ``grpg``, ``rebn``, ``time``, ``weight``).

    Returns
    -------
    DataUnit

    Raises
    ------
    StoreError
        Unknown key or row, no response.
    bayspec.errors.DataFormatError
        Invalid spectrum (e.g. a non-positive exposure), raised by the data layer.
    """
    inputs = load_unit_inputs(store, key, row, t=t, strict_time=strict_time)
    return unit_from_inputs(inputs, stat=stat, name=name, **unit_kwargs)
