"""`FluxPoints`: flux estimates over energy bins (an SED), with plots and GADF IO.

References
----------
Gamma Astro Data Format, "Flux points",
https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/
"""

from __future__ import annotations

from astropy import units as u

from . import _plot
from .flux_result import FluxResult

__all__ = ["FluxPoints"]


class FluxPoints(FluxResult):
    """Flux points over energy in the likelihood SED form (see `FluxResult`).

    Examples
    --------
    >>> fp = FluxPointsEstimator(energy_edges=[1, 3, 10, 30] * u.TeV).run(pairs)  # doctest: +SKIP
    >>> fp.to_table("e2dnde")                                                      # doctest: +SKIP
    >>> fp.plot(sed_type="e2dnde"); fp.write("sed.fits")                            # doctest: +SKIP
    """


    def plot(self, sed_type="e2dnde", ax=None, energy_unit=None, **kwargs):
        """Draw the points: error bars, upper limits (``ts < ts_threshold_ul``) as arrows.

        Parameters
        ----------
        sed_type : {"dnde", "e2dnde", "flux", "eflux", "likelihood"}
        ax : matplotlib Axes, optional
        energy_unit : str or Unit, optional
            x-axis unit (default: the table's).
        **kwargs
            Passed to ``Axes.errorbar``.

        Returns
        -------
        matplotlib Axes (log-log, labelled)
        """
        ax = _plot.get_ax(ax)
        eu = u.Unit(energy_unit) if energy_unit is not None else self.energy_unit
        conv = dict(equivalencies=u.spectral())
        y = self.sed_quantity(sed_type)
        unit = y.unit
        vals = [self.sed_quantity(sed_type, s).to_value(unit) for s in ("_errn", "_errp", "_ul")]
        _plot.plot_points(ax, self.e_ref.to_value(eu, **conv), self.e_min.to_value(eu, **conv),
                          self.e_max.to_value(eu, **conv), y.value, *vals, self.is_ul, **kwargs)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(f"Energy [{eu.to_string()}]")
        ax.set_ylabel(_plot.sed_label(sed_type, unit))
        return ax
