"""Plots: data units, fits, unfolded spectra and posteriors (matplotlib).

Modules
-------
_style     colours (one per unit), log axes, axis labels with units, legends.
_source    where plots get their numbers (unit properties, dataset operations).
dataset    ``plot_counts``, ``plot_excess``, ``plot_fit``, ``plot_residuals``, ``peek``
           (also reached as ``DataUnit.plot_*`` methods).
spectrum   ``plot_spectrum``: unfolded N(E), E·N(E), νFν with the model and its band.
corner     ``corner``: the samplers' corner plot, re-exported.

Every function returns the axes (or figure) it drew on and accepts existing axes; save
with ``ax.figure.savefig("name.png")`` or ``.pdf``.
"""

from .corner import corner
from .dataset import peek, plot_counts, plot_excess, plot_fit, plot_residuals
from .spectrum import plot_spectrum

__all__ = ["plot_counts", "plot_excess", "plot_fit", "plot_residuals", "peek", "plot_spectrum",
           "corner"]
