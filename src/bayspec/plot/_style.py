"""Shared look of bayspec plots: one colour per unit, log axes, labels with units.

Nothing here computes a statistic; these are the presentation choices every plot module uses.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

__all__ = ["COLORS", "LABELS", "color", "new_axes", "log_axes", "label_axes", "finish_legend",
           "has_unit"]

#: Colour-blind-safe cycle (Okabe & Ito), one entry per data unit.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
          "#F0E442")

#: Axis labels (with units) by quantity.
LABELS = {
    "energy": "Energy (keV)",
    "counts": "Counts (per group)",
    "excess": "Excess (counts per group)",
    "ctsspec": r"Count rate (counts s$^{-1}$ keV$^{-1}$)",
    "area": r"Effective area (cm$^{2}$)",
    "channel_energy": "Channel energy (keV)",
    "photon_energy": "Photon energy (keV)",
    "NE": r"$N(E)$ (photons cm$^{-2}$ s$^{-1}$ keV$^{-1}$)",
    "ENE": r"$E\,N(E)$ (keV cm$^{-2}$ s$^{-1}$ keV$^{-1}$)",
    "nufnu": r"$\nu F_\nu$ (erg cm$^{-2}$ s$^{-1}$)",
}

_DEFAULT_FIGSIZE = (7.0, 5.0)


def color(i: int) -> str:
    """Colour of the ``i``-th unit (cycles after ``len(COLORS)``)."""
    return COLORS[i % len(COLORS)]


def new_axes(ax=None, figsize=_DEFAULT_FIGSIZE):
    """``ax`` itself, or the axes of a new figure when ``ax`` is None."""
    if ax is not None:
        return ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def log_axes(ax, x=True, y=True):
    """Set log scales on the x and/or y axis and add light grid lines."""
    if x:
        ax.set_xscale("log")
    if y:
        ax.set_yscale("log")
    ax.grid(True, which="major", alpha=0.25, lw=0.6)
    return ax


def label_axes(ax, x="energy", y=None):
    """Label the axes with `LABELS` entries (or literal text when not a key)."""
    if x is not None:
        ax.set_xlabel(LABELS.get(x, x))
    if y is not None:
        ax.set_ylabel(LABELS.get(y, y))
    return ax


def finish_legend(ax, **kwargs):
    """Draw a legend when there is anything labelled."""
    handles, labels = ax.get_legend_handles_labels()
    if labels:
        kw = {"fontsize": "small", "frameon": False}
        kw.update(kwargs)
        ax.legend(**kw)
    return ax


def has_unit(label: str) -> bool:
    """Whether an axis label states a unit (a parenthesised part or a dimensionless ratio)."""
    return "(" in label and ")" in label
