"""Scale-factor parameters of spectra and responses.

Names (the keys of ``DataUnit.par``):

``sf``  source scale factor (multiplies the source efficiency),
``bf``  background scale factor (multiplies the background efficiency),
``rf``  response scale factor (multiplies the response matrix),
``ra``, ``dec``  sky position of a `BalrogResponse` (deg).

Each defaults to value 1, prior ``Uniform(0.5, 1.5)``, frozen; a fit frees it with
``par.frozen = False``.
"""

from __future__ import annotations

__all__ = ["scale_factor", "as_par"]

FACTOR_LABELS = {"sf": r"f_{\rm src}", "bf": r"f_{\rm bkg}", "rf": r"f_{\rm rsp}"}


def _parameter():
    from .. import parameter  # imported lazily: parameter is a sibling package

    return parameter


def scale_factor(name: str, value=None):
    """A frozen scale-factor `Par` named ``name`` (or ``value`` if it already is a Par).

    Parameters
    ----------
    name : {"sf", "bf", "rf"}
    value : None, float or Par
        None gives 1.0; a float gives a frozen Par at that value.
    """
    p = _parameter()
    if isinstance(value, p.Par):
        return value
    v = 1.0 if value is None else float(value)
    return p.Par(v, p.Uniform(0.5, 1.5), frozen=True, name=name,
                 label=FACTOR_LABELS.get(name, name))


def as_par(value, name, lo, hi, unit=None, frozen=False):
    """``value`` as a `Par` with prior ``Uniform(lo, hi)``; Pars pass through unchanged."""
    p = _parameter()
    if isinstance(value, p.Par):
        return value
    v = 0.5 * (lo + hi) if value is None else float(value)
    return p.Par(v, p.Uniform(lo, hi), frozen=frozen, name=name, unit=unit, label=name)
