"""Plots: data units, fits, unfolded spectra and posteriors (matplotlib).

Modules
-------
_style     colours (one per unit), marker styles, readable log ticks, mathtext labels.
_rebin     display rebinning (XSPEC ``setplot rebin``) and upper limits; pure numpy.
_source    where plots get their numbers (unit properties, the unit's fold and statistic).
dataset    ``plot_counts``, ``plot_excess``, ``plot_fit``, ``plot_residuals``, ``peek``
           (also reached as ``DataUnit.plot_*`` methods).
spectrum   ``plot_spectrum``: unfolded N(E), E·N(E), νFν with the model and its band.
corner     ``corner``: the samplers' corner plot, re-exported.
lightcurve ``plot_lightcurve``: a time series' light curve, background, intervals, blocks.

Spectral plots rebin for display by default (``rebin=True``; ``rebin=False`` or a dict of
``min_sig``, ``max_groups``, ``ul_sigma``), never touching the fit, and draw bins with no
significant signal as upper limits; residuals follow each unit's statistic.

Every function returns the axes (or figure) it drew on and accepts existing axes; save
with ``ax.figure.savefig("name.png")`` or ``.pdf``.
"""

from .corner import corner
from .dataset import peek, plot_counts, plot_excess, plot_fit, plot_residuals
from .lightcurve import plot_lightcurve
from .ppc import plot_ppc
from .spectrum import plot_spectrum

__all__ = ["plot_counts", "plot_excess", "plot_fit", "plot_residuals", "peek", "plot_spectrum",
           "corner", "plot_ppc", "plot_lightcurve"]
