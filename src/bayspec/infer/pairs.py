"""The one place that turns what a user passes as "data with a model" into checked pairs.

`Likelihood`, `Infer` and the estimators all accept ``[(data, model), ...]``, a single
``(data, model)`` or an object holding pairs (an `Infer`); they all go through `as_pairs`.
"""

from __future__ import annotations

from ..errors import ModelError

__all__ = ["as_units", "as_pairs"]


def as_units(data):
    """The data units of a `Data`, a `DataUnit` or a (nested) list of them, as a list."""
    inner = getattr(data, "data", None)
    if isinstance(inner, dict):
        return list(inner.values())
    if isinstance(data, (list, tuple)):
        out = []
        for d in data:
            out.extend(as_units(d))
        return out
    if hasattr(data, "rsp_drm"):
        return [data]
    raise ModelError(f"expected a Data, DataUnit or a list of them, got {type(data).__name__}")


def _is_model(m):
    return hasattr(m, "plan") and hasattr(m, "params")


def as_pairs(obj):
    """``[(data, model), ...]`` with each entry checked.

    Parameters
    ----------
    obj : list of (data, model), one (data, model), or an object with ``.pairs``
        ``data`` is a `Data`, a `DataUnit` or a list of units; ``model`` a bayspec model.

    Returns
    -------
    list of (data, Model)
        ``data`` as given (so a `Data` keeps its identity for binding).

    Raises
    ------
    ModelError
        Empty input, an entry that is not a pair, or a model that is not a bayspec model.
    """
    pairs = getattr(obj, "pairs", None)
    if pairs is None:
        pairs = obj
    if isinstance(pairs, tuple) and len(pairs) == 2 and _is_model(pairs[1]):
        pairs = [pairs]
    if not isinstance(pairs, (list, tuple)) or not pairs:
        raise ModelError("expected a non-empty list of (data, model) pairs, got "
                         f"{type(obj).__name__}")
    out = []
    for i, pair in enumerate(pairs):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ModelError(f"pair {i} must be (data, model), got {type(pair).__name__}")
        data, model = pair
        if not _is_model(model):
            raise ModelError(f"pair {i}: {type(model).__name__} is not a bayspec model")
        as_units(data)  # raises for what is not data
        out.append((data, model))
    return out
