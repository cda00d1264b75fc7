"""Build a `bayspec.data.DataUnit` from one stored spectrum.

`unit_from_store` reads a row with `load_unit_inputs` (io containers) and hands them to
the one PHA-II-row route of the data layer, `bayspec.data.pha2.unit_from_rows`. It lives
in ``store`` because the data layer sits below the store and must not import it.
"""

from __future__ import annotations

from ..errors import StoreError
from .ogip_bridge import UnitInputs, load_unit_inputs, row_key

__all__ = ["unit_from_store", "unit_from_inputs"]


def unit_from_inputs(inputs: UnitInputs, *, stat=None, name=None, **unit_kwargs):
    """A `DataUnit` from `UnitInputs` (see `unit_from_store` for the keywords).

    Built by the one PHA-II route, `bayspec.data.pha2.unit_from_rows`; the response is the
    store's choice for the row (`ResponseStore.response_for`, the rule of
    `bayspec.data.rsp2`).
    """
    from ..data.pha2 import unit_from_rows

    if inputs.rsp is None:
        raise StoreError("series has no linked response", key=inputs.key)
    if stat is None:
        stat = "cstat" if inputs.bkg is None else "pgstat"
    if name is None:
        name = row_key(inputs.key, inputs.row)
    full = bool(getattr(inputs.rsp, "is_full_response", True)) or inputs.arf is None
    rsp = dict(rsp=inputs.rsp) if full else dict(rmf=inputs.rsp, arf=inputs.arf)
    return unit_from_rows(inputs.src, bkg=inputs.bkg, stat=stat, name=name, **rsp,
                          **unit_kwargs)


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
