"""`SpectrumSeries`: a PHA-II time series with its RSP2, cut into interval spectra.

The rows whose mid-time lies in an interval ``[t_min, t_max)`` (s relative to ``t0``, by
default TRIGTIME) are summed: counts add, exposures add. Rows with non-positive exposure
are skipped with a warning, as are rows whose QUALITY flags every channel bad. The unit is
built by the one PHA-II route, `bayspec.data.pha2.unit_from_rows`; its response is the RSP2
weighted over the summed rows by the one rule of `bayspec.data.rsp2` (matrix ``i`` valid
from its TSTART to the next TSTART; each row's exposure shared among the matrices in
proportion to the part of the row each covers), the same as the store and the batch give.

Background: the series has no background file, so an optional ``bkg_interval`` (e.g.
pre-burst rows, ``(-300, -10)`` s) is summed into a Poisson background spectrum with its
summed exposure; with ``stat="wstat"`` the background efficiency is this exposure, so the
statistic profiles a constant background rate over the off rows (Cash 1979; Wachter et
al. 1979). Without ``bkg_interval`` the unit has no background (use ``cstat`` and a
background model). For a background that varies in time, `timeseries` gives the same rows
as a `bayspec.data.timeseries.TimeSeries`, whose ``fit_background`` fits a polynomial per
channel (errors from the fit covariance, ``pgstat``).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..data import Background
from ..data.pha2 import sum_rows, unit_from_rows
from ..data.rsp2 import combine_matrices, matrix_weights, read_matrices
from ..io import read_pha_series

__all__ = ["SpectrumSeries"]


class SpectrumSeries:
    """Summed spectra of a PHA-II series over time intervals.

    Parameters
    ----------
    pha : str, Path or PhaSeries
        PHA-II file (e.g. a GBM CSPEC file) or its container.
    rsp : str or Path
        RSP/RSP2 file; matrices are addressed by EXTVER with TSTART/TSTOP.
    t0 : float, optional
        Reference time (MET s); default the header's TRIGTIME, else 0.
    bkg_interval : (float, float) or list of them, optional
        Background time range(s), s relative to ``t0``.
    stat : str
        Fit statistic of the units (default ``"wstat"`` with a background, else ``"cstat"``).
    notc : list, optional
        Noticed energy range(s), keV (e.g. ``[8, 900]`` for a GBM NaI).
    name : str
        Prefix of unit names.
    """

    def __init__(self, pha, rsp, t0=None, bkg_interval=None, stat=None, notc=None, name="series"):
        self.pha = read_pha_series(pha) if not hasattr(pha, "counts") else pha
        s = self.pha
        self.t0 = float(s.header.get("TRIGTIME", 0.0) if t0 is None else t0)
        self.tstart = np.asarray(s.tstart, float) - self.t0
        self.tstop = np.asarray(s.tstop, float) - self.t0
        self.tmid = 0.5 * (self.tstart + self.tstop)
        self.exposure = np.asarray(s.exposure, float)
        self.matrices = read_matrices(rsp)
        m = self.matrices[0]
        self.chbin = np.column_stack([m.e_min, m.e_max])
        self.phbin = np.column_stack([m.energ_lo, m.energ_hi])
        self.bkg_interval = bkg_interval
        if bkg_interval is None and stat is None:
            warnings.warn(f"{name}: no bkg_interval given, so spectra are fitted without a "
                          "background (cstat on total counts); for detectors with a large "
                          "background (Fermi/GBM) give bkg_interval=(t1, t2), e.g. pre-burst "
                          "rows", UserWarning, stacklevel=2)
        self.stat = stat or ("wstat" if bkg_interval is not None else "cstat")
        self.notc = notc
        self.name = name
        self._bkg = None

    def timeseries(self):
        """The same rows and matrices as a `bayspec.data.timeseries.TimeSeries` (same
        ``t0``), for polynomial backgrounds fitted in time."""
        from ..data.timeseries import TimeSeries

        return TimeSeries.from_pha2(self.pha, rsp=self.matrices, t0=self.t0, name=self.name)

    # ------------------------------------------------------------------ rows
    @property
    def nrow(self):
        return self.exposure.size

    def rows(self, t_min, t_max, warn=True):
        """Indices of usable rows with mid-time in ``[t_min, t_max)``; rows with
        non-positive exposure are dropped with a `UserWarning`."""
        m = (self.tmid >= t_min) & (self.tmid < t_max)
        bad = m & ~(self.exposure > 0)
        if bad.any() and warn:
            warnings.warn(f"{self.name}: skipping {int(bad.sum())} row(s) with non-positive "
                          f"exposure in [{t_min:g}, {t_max:g}) s (rows {np.flatnonzero(bad).tolist()})",
                          UserWarning, stacklevel=2)
        q = self.pha.quality
        allbad = m & (self.exposure > 0) & (np.all(q != 0, axis=1) if q is not None else False)
        if np.any(allbad) and warn:
            warnings.warn(f"{self.name}: skipping {int(allbad.sum())} row(s) flagged bad in every "
                          f"channel in [{t_min:g}, {t_max:g}) s", UserWarning, stacklevel=2)
        return np.flatnonzero(m & (self.exposure > 0) & ~allbad)

    def _intervals(self, interval):
        iv = np.atleast_2d(np.asarray(interval, dtype=float))
        return iv

    # ------------------------------------------------------------------ pieces
    def weights(self, idx):
        """Weights ``(nmat,)`` of the RSP2 matrices for rows ``idx`` (`bayspec.data.rsp2`)."""
        s = self.pha
        return matrix_weights([m.tstart for m in self.matrices],
                              np.column_stack([s.tstart[idx], s.tstop[idx]]),
                              self.exposure[idx], file=self.matrices[0].filename)

    def response(self, idx):
        """Weighted matrix ``(nphot, nchan)`` of rows ``idx`` (see `weights`)."""
        return combine_matrices(self.matrices, self.weights(idx))

    def background(self):
        """The `Background` summed over ``bkg_interval`` (None without one)."""
        if self.bkg_interval is None:
            return None
        if self._bkg is None:
            idx = np.concatenate([self.rows(a, b) for a, b in self._intervals(self.bkg_interval)])
            if idx.size == 0:
                raise ValueError(f"bkg_interval {self.bkg_interval} contains no usable row")
            self._bkg = sum_rows(self.pha, idx)
        return Background.from_pha(self._bkg, name=f"{self.name}_bkg")

    def unit(self, t_min, t_max, name=None, stat=None, notc=None):
        """`DataUnit` of the rows in ``[t_min, t_max)`` (s relative to ``t0``)."""
        idx = self.rows(t_min, t_max)
        if idx.size == 0:
            raise ValueError(f"no usable row in [{t_min:g}, {t_max:g}) s")
        nm = name or f"{self.name}_{t_min:g}_{t_max:g}"
        return unit_from_rows(self.pha, idx, bkg=self.background(), rsp=self.matrices,
                              stat=stat or self.stat, name=nm,
                              time_range=(t_min + self.t0, t_max + self.t0),
                              notc=self.notc if notc is None else notc,
                              time=0.5 * (t_min + t_max))

    def binned_counts(self, t_min=-np.inf, t_max=np.inf, energy_range=None):
        """Per-row counts summed over channels inside ``energy_range`` (keV).

        Returns
        -------
        tstart, tstop, counts, exposure : arrays over the usable rows in ``[t_min, t_max)``
        """
        idx = self.rows(t_min, t_max)
        ch = np.ones(self.chbin.shape[0], bool)
        if energy_range is not None:
            lo, hi = energy_range
            ch = (self.chbin[:, 0] >= lo) & (self.chbin[:, 1] <= hi)
        return (self.tstart[idx], self.tstop[idx], self.pha.counts[idx][:, ch].sum(axis=1),
                self.exposure[idx])
