"""Shared look of bayspec plots: one colour per unit, log axes, labels with units.

Nothing here computes a statistic; these are the presentation choices every plot module uses:
the colours, the data/model/upper-limit marker styles, readable log ticks (plain numbers
between 10⁻³ and 10⁴, so a narrow axis reads ``0.6`` rather than ``6×10⁻¹``) and labels
in mathtext (`mathtext_label`, `mathtext_unit`: no raw TeX printed literally).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import LogFormatterSciNotation

from ..infer._corner import mathtext_label, mathtext_unit

__all__ = ["COLORS", "LABELS", "DATA_STYLE", "MODEL_STYLE", "color", "new_axes", "log_axes",
           "label_axes", "finish_legend", "has_unit", "errorbar", "upper_limits",
           "ReadableLogFormatter", "mathtext_label", "mathtext_unit", "log_ylim"]

#: Data points: small markers, thin error bars, no caps.
DATA_STYLE = {"fmt": "o", "ms": 2.5, "elinewidth": 0.8, "capsize": 0}
#: Model curves and steps.
MODEL_STYLE = {"lw": 1.3}

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


class ReadableLogFormatter(LogFormatterSciNotation):
    """Log-axis tick labels as plain numbers (``0.6``, ``20``, ``300``) between 10⁻³ and 10⁴
    and as ``10ⁿ``/``a×10ⁿ`` outside; matplotlib chooses which (minor) ticks get labels."""

    def __call__(self, x, pos=None):
        text = super().__call__(x, pos)
        if not text or not 1e-3 <= abs(x) < 1e4:
            return text
        return f"{x:.4g}"


def log_axes(ax, x=True, y=True):
    """Set log scales on the x and/or y axis with `ReadableLogFormatter` ticks and add light
    grid lines."""
    for on, axis, setter in ((x, ax.xaxis, ax.set_xscale), (y, ax.yaxis, ax.set_yscale)):
        if on:
            setter("log")
            axis.set_major_formatter(ReadableLogFormatter())
            axis.set_minor_formatter(ReadableLogFormatter(labelOnlyBase=False))
    ax.grid(True, which="major", alpha=0.25, lw=0.6)
    return ax


def log_ylim(ax, lows, highs, pad=2.0):
    """Fit a log y axis to the drawn values: from the smallest positive of ``lows`` to the
    largest of ``highs``, widened by the factor ``pad`` each way."""
    lo = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in lows] or [[]])
    hi = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in highs] or [[]])
    lo, hi = lo[np.isfinite(lo) & (lo > 0)], hi[np.isfinite(hi) & (hi > 0)]
    if lo.size and hi.size and hi.max() > 0:
        ax.set_ylim(min(lo.min(), hi.max()) / pad, hi.max() * pad)
    return ax


def errorbar(ax, x, xlo, xhi, y, yerr, **kw):
    """Data points at ``x`` spanning ``[xlo, xhi]`` with symmetric errors ``yerr``."""
    x = np.asarray(x, dtype=float)
    xerr = np.vstack([x - np.asarray(xlo, float), np.asarray(xhi, float) - x])
    return ax.errorbar(x, y, xerr=xerr, yerr=yerr, **{**DATA_STYLE, **kw})


def upper_limits(ax, x, xlo, xhi, ul, **kw):
    """Upper limits at ``ul``: a horizontal bar over ``[xlo, xhi]`` and a downward arrow
    (a factor 2 long on a log axis, 10 % of the axis height otherwise)."""
    x, ul = np.asarray(x, dtype=float), np.asarray(ul, dtype=float)
    if not x.size:
        return None
    xerr = np.vstack([x - np.asarray(xlo, float), np.asarray(xhi, float) - x])
    log = ax.get_yscale() == "log"
    length = 0.5 * ul if log else 0.1 * np.nanmax(np.abs(ul))
    style = {"fmt": "none", "elinewidth": 0.8, "capsize": 2, "uplims": True}
    style.update({k: v for k, v in kw.items() if k not in ("fmt", "ms")})
    return ax.errorbar(x, ul, xerr=xerr, yerr=length, **style)


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
