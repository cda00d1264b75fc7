"""Matplotlib drawing of flux results (private): SEDs, light curves, parameter evolution.

Measured points get asymmetric error bars; rows flagged as upper limits are drawn at the
upper limit with a downward arrow. Axes are logarithmic where the quantity is a flux and
are labelled with the quantity and its unit.
"""

from __future__ import annotations

import numpy as np
from astropy import units as u

__all__ = ["sed_label", "plot_points", "get_ax"]

_NAMES = {"dnde": "dN/dE", "e2dnde": r"$E^2\,$dN/dE", "flux": "Flux", "eflux": "Energy flux",
          "likelihood": "norm"}


def get_ax(ax=None):
    """``ax`` or the axes of a new figure with constrained layout (so that the axis labels
    are kept inside the figure when it is saved)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(layout="constrained")
    return ax


def sed_label(sed_type, unit):
    """Axis label ``"<quantity> [<unit>]"``."""
    name = _NAMES.get(sed_type, sed_type)
    us = u.Unit(unit).to_string("latex_inline") if unit != u.dimensionless_unscaled else ""
    return f"{name} [{us}]" if us else name


def plot_points(ax, x, xlo, xhi, y, yerrn, yerrp, yul, is_ul, label=None, **kw):
    """Points with error bars and upper-limit arrows on ``ax``.

    Parameters
    ----------
    x, xlo, xhi : array
        Centre and bin edges on the x axis.
    y, yerrn, yerrp, yul : array
        Value, errors and upper limit.
    is_ul : bool array
        Rows drawn as upper limits.
    """
    x, xlo, xhi, y, yerrn, yerrp, yul = (np.asarray(a, dtype=float) for a in
                                         (x, xlo, xhi, y, yerrn, yerrp, yul))
    is_ul = np.asarray(is_ul, bool)
    xerr = np.vstack([x - xlo, xhi - x])
    kw.setdefault("fmt", "o")
    kw.setdefault("ms", 4)
    m = ~is_ul & np.isfinite(y) & (y > 0)
    line = None
    if m.any():
        line = ax.errorbar(x[m], y[m], xerr=xerr[:, m],
                           yerr=np.vstack([np.minimum(yerrn[m], y[m] * (1 - 1e-9)), yerrp[m]]),
                           label=label, **kw)
    ulm = is_ul & np.isfinite(yul) & (yul > 0)
    if ulm.any():
        color = line[0].get_color() if line is not None else kw.get("color")
        kw2 = {k: v for k, v in kw.items() if k not in ("fmt", "color")}
        ax.errorbar(x[ulm], yul[ulm], xerr=xerr[:, ulm], yerr=0.4 * yul[ulm], uplims=True,
                    fmt="none", color=color, label=None if line is not None else label, **kw2)
    return ax
