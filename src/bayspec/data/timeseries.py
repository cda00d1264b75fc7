"""`TimeSeries`: counts in time and channel, from events (TTE) or binned histories (PHA-II).

One object for both kinds of data:

* **events** (`from_tte`, `from_events`): event times (s from ``t0``), 0-based channel
  indices, the dead time of each event (GBM: `bayspec.io.tte`) and the good time
  intervals. Any binning is possible; the live time of a bin ``[a, b)`` is its overlap with
  the GTIs minus the dead time of the events in it.
* **binned** (`from_pha2`): the rows of a PHA-II series (GBM CSPEC/CTIME): row edges, counts
  ``(nrow, nchan)`` and exposures (live times). A bin or interval takes the rows whose
  mid-time lies in it (as `bayspec.estimators.SpectrumSeries`); rows with non-positive
  exposure are skipped.

From a series: light curves (`light_curve`), the background fitted in time
(`fit_background`, `bayspec.data.background_fit`), and for any source interval a
`DataUnit` (`unit`: source counts, the background counts with their errors as a Gaussian
background for PG-stat, and the response weighted over the interval by the one RSP2 rule
of `bayspec.data.rsp2`, built by the one route `bayspec.data.pha2.unit_from_rows`) or the
same as OGIP PHA/BAK/RSP files (`write_ogip`).

Times are in s relative to ``t0`` (TRIGTIME for GBM files) everywhere; spectra record
TSTART/TSTOP in absolute time (MET s), on the clock of the RSP2 matrices.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from astropy.io import fits

from ..errors import DataFormatError
from .background_fit import fit_binned, fit_unbinned

__all__ = ["TimeSeries", "LightCurve"]


class LightCurve:
    """Binned counts of a channel selection.

    Attributes
    ----------
    tstart, tstop : ndarray (n,)
        Bin edges, s from ``t0``.
    counts : ndarray (n,)
    exposure : ndarray (n,)
        Live time, s.
    background, background_err : ndarray (n,) or None
        Fitted background counts and 1σ errors in each bin (with a background fit).
    t0 : float
    energy_range : (float, float) or None, keV
    """

    def __init__(self, tstart, tstop, counts, exposure, t0=0.0, background=None,
                 background_err=None, energy_range=None, label=None):
        self.tstart, self.tstop = np.asarray(tstart, float), np.asarray(tstop, float)
        self.counts, self.exposure = np.asarray(counts, float), np.asarray(exposure, float)
        self.t0 = float(t0)
        self.background = background
        self.background_err = background_err
        self.energy_range = energy_range
        self.label = label

    @property
    def rate(self):
        """Counts per live second (0 where the exposure is 0)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.exposure > 0, self.counts / self.exposure, 0.0)

    @property
    def rate_err(self):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.exposure > 0, np.sqrt(self.counts) / self.exposure, 0.0)


def _as_intervals(iv, what="intervals"):
    a = np.asarray(iv, dtype=np.float64)
    if a.ndim == 1 and a.size == 2:
        a = a[None, :]
    if a.ndim != 2 or a.shape[1] != 2 or a.shape[0] == 0 or np.any(a[:, 1] <= a[:, 0]):
        raise DataFormatError(f"{what} must be (n, 2) rows with t1 < t2, got "
                              f"{np.asarray(iv).tolist()}", key=what)
    return a


def _gti_overlap(a, b, gti):
    """``(m,)`` length of ``[a, b) ∩ GTI`` (GTIs as ``(k, 2)``)."""
    lo = np.maximum(a[:, None], gti[None, :, 0])
    hi = np.minimum(b[:, None], gti[None, :, 1])
    return np.clip(hi - lo, 0.0, None).sum(axis=1)


class TimeSeries:
    """Counts in time and channel with live times, from events or PHA-II rows.

    Use the constructors `from_tte`, `from_events` and `from_pha2`.

    Attributes
    ----------
    kind : ``"events"`` or ``"binned"``
    t0 : float
        Reference time, MET s (TRIGTIME).
    ebounds : ndarray (nchan, 2)
        Channel energy bounds, keV.
    channel : ndarray (nchan,)
        Channel numbers.
    matrices : list of `bayspec.io.RmfMatrix` or None
        RSP/RSP2 matrices (TSTART in MET s).
    name : str
    """

    def __init__(self, kind, t0, ebounds, channel, *, times=None, chan=None, dead=None,
                 gti=None, rows=None, matrices=None, name="series", header=None):
        self.kind = kind
        self.t0 = float(t0)
        self.ebounds = np.asarray(ebounds, np.float64)
        self.channel = np.asarray(channel, np.int64)
        self.matrices = matrices
        self.name = name
        self.header = fits.Header() if header is None else header
        if kind == "events":
            self.times = np.asarray(times, np.float64)
            self.chan = np.asarray(chan, np.int64)
            d = np.broadcast_to(np.asarray(0.0 if dead is None else dead, np.float64),
                                self.times.shape)
            self._cumdead = np.concatenate([[0.0], np.cumsum(d)])
            self.gti = (np.array([[self.times[0], self.times[-1]]]) if gti is None
                        else _as_intervals(gti, "gti"))
            if np.any(np.diff(self.times) < 0):
                raise DataFormatError("event times must be sorted", file=name, key="TIME")
            if self.chan.size and (self.chan.min() < 0 or self.chan.max() >= self.nchan):
                raise DataFormatError(f"channel index outside 0..{self.nchan - 1}", file=name,
                                      key="PHA")
        else:
            self.pha = rows
            self.tstart = np.asarray(rows.tstart, np.float64) - self.t0
            self.tstop = np.asarray(rows.tstop, np.float64) - self.t0
            self.tmid = 0.5 * (self.tstart + self.tstop)
            self.exposure = np.asarray(rows.exposure, np.float64)
            self.usable = self.exposure > 0
            self.gti = np.array([[np.nanmin(self.tstart), np.nanmax(self.tstop)]])

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_tte(cls, tte, rsp=None, t0=None, name=None):
        """A series of events from a TTE file (`bayspec.io.tte.read_tte`) or its container.

        Parameters
        ----------
        tte : str, Path or TteEvents
        rsp : RSP/RSP2 file spec or list of RmfMatrix, optional
        t0 : float, optional
            Reference time (MET s); default TRIGTIME, else the first GTI start.
        name : str, optional
            Default the detector name (``"NAI_03"`` → ``"n3"``) or the file name.
        """
        from ..io.tte import read_tte

        ev = tte if hasattr(tte, "pha") and hasattr(tte, "dead_time") else read_tte(tte)
        ref = ev.trigtime if t0 is None else t0
        ref = float(ev.gti[0, 0] if ref is None else ref)
        return cls("events", ref, ev.ebounds, ev.channel, times=ev.time - ref,
                   chan=ev.channel_index, dead=ev.dead_time(), gti=ev.gti - ref,
                   matrices=_matrices(rsp), name=name or _short(ev.detector, ev.filename),
                   header=ev.header)

    @classmethod
    def from_events(cls, times, chan, ebounds, *, t0=0.0, gti=None, dead=0.0, channel=None,
                    rsp=None, name="events"):
        """A series of events from arrays (simulations, other instruments).

        Parameters
        ----------
        times : array (nev,)
            s from ``t0`` (sorted here, stably).
        chan : array (nev,) int
            0-based channel index.
        ebounds : array (nchan, 2), keV
        gti : array (k, 2), optional
            s from ``t0``; default the span of the events.
        dead : float or array (nev,)
            Dead time per event, s.
        """
        t = np.asarray(times, np.float64)
        order = np.argsort(t, kind="stable")
        d = np.asarray(dead, np.float64)
        eb = np.asarray(ebounds, np.float64)
        ch = np.arange(eb.shape[0]) if channel is None else channel
        return cls("events", t0, eb, ch, times=t[order], chan=np.asarray(chan)[order],
                   dead=d[order] if d.ndim else d, gti=gti, matrices=_matrices(rsp), name=name)

    @classmethod
    def from_pha2(cls, pha, rsp=None, t0=None, name=None):
        """A binned series from a PHA-II file (GBM CSPEC/CTIME) or `bayspec.io.PhaSeries`.

        Parameters
        ----------
        pha : str, Path or PhaSeries
        rsp : RSP/RSP2 file spec or list of RmfMatrix, optional
        t0 : float, optional
            Reference time (MET s); default TRIGTIME, else 0.
        """
        from ..io import read_pha_series

        s = pha if hasattr(pha, "counts") and hasattr(pha, "nrow") else read_pha_series(pha)
        ref = float(s.header.get("TRIGTIME", 0.0) if t0 is None else t0)
        mats = _matrices(rsp)
        eb = s.ebounds
        if eb is None and mats:
            eb = np.column_stack([mats[0].e_min, mats[0].e_max])
        if eb is None:
            raise DataFormatError("no channel energies (EBOUNDS) in the series nor a response",
                                  file=s.filename, hdu="EBOUNDS")
        return cls("binned", ref, eb, s.channel, rows=s, matrices=mats,
                   name=name or _short(s.header.get("DETNAM"), s.filename), header=s.header)

    def __repr__(self):
        lo, hi = self.time_range
        what = (f"{self.times.size} events" if self.is_events
                else f"{self.exposure.size} rows")
        return (f"TimeSeries({self.name!r}, {what}, {self.nchan} channels, {lo:.3f} to "
                f"{hi:.3f} s from t0={self.t0:.6f})")

    # ------------------------------------------------------------------ basics
    @property
    def is_events(self):
        return self.kind == "events"

    @property
    def nchan(self):
        return int(self.ebounds.shape[0])

    @property
    def time_range(self):
        """``(t_first, t_last)`` covered, s from ``t0``."""
        return float(self.gti[:, 0].min()), float(self.gti[:, 1].max())

    def channel_mask(self, channels=None, energy_range=None):
        """Boolean ``(nchan,)``: channels (indices or a mask) and/or channels lying inside
        ``energy_range`` (keV, both edges inside)."""
        m = np.ones(self.nchan, bool)
        if channels is not None:
            c = np.asarray(channels)
            sel = np.zeros(self.nchan, bool)
            if c.dtype == bool:
                sel[:] = c
            else:
                sel[c] = True
            m &= sel
        if energy_range is not None:
            lo, hi = sorted(float(x) for x in energy_range)
            m &= (self.ebounds[:, 0] >= lo) & (self.ebounds[:, 1] <= hi)
        if not m.any():
            raise DataFormatError(f"no channel selected (channels={channels}, energy_range="
                                  f"{energy_range})", file=self.name, key="channels")
        return m

    # ------------------------------------------------------------------ binning
    def live_time(self, t1, t2):
        """Live time (s) of intervals ``[t1, t2)`` (arrays allowed)."""
        a = np.atleast_1d(np.asarray(t1, np.float64))
        b = np.atleast_1d(np.asarray(t2, np.float64))
        if self.is_events:
            i = np.searchsorted(self.times, a, "left")
            j = np.searchsorted(self.times, b, "left")
            out = _gti_overlap(a, b, self.gti) - (self._cumdead[j] - self._cumdead[i])
        else:
            out = np.array([self.exposure[self._rows(x, y)].sum() for x, y in zip(a, b)])
        return out if np.ndim(t1) else float(out[0])

    def bin(self, edges):
        """Counts ``(nbin, nchan)`` and live times ``(nbin,)`` in contiguous bins.

        Parameters
        ----------
        edges : array (nbin + 1,)
            Increasing bin edges, s from ``t0``. For binned series a row belongs to the bin
            holding its mid-time.

        Returns
        -------
        counts : ndarray (nbin, nchan)
        livetime : ndarray (nbin,), s
        """
        e = np.asarray(edges, np.float64)
        if e.ndim != 1 or e.size < 2 or np.any(np.diff(e) <= 0):
            raise DataFormatError("bin edges must increase", file=self.name, key="edges")
        nb, C = e.size - 1, self.nchan
        if self.is_events:
            lo, hi = np.searchsorted(self.times, e[[0, -1]], "left")
            t, ch = self.times[lo:hi], self.chan[lo:hi]
            idx = np.searchsorted(e, t, "right") - 1
            counts = np.bincount(idx * C + ch, minlength=nb * C).reshape(nb, C).astype(float)
            k = np.searchsorted(self.times, e, "left")
            dead = np.diff(self._cumdead[k])
            live = _gti_overlap(e[:-1], e[1:], self.gti) - dead
            return counts, live
        use = self.usable & (self.tmid >= e[0]) & (self.tmid < e[-1])
        idx = np.searchsorted(e, self.tmid[use], "right") - 1
        counts = np.zeros((nb, C))
        np.add.at(counts, idx, self.pha.counts[use])
        live = np.bincount(idx, self.exposure[use], minlength=nb)
        return counts, live

    def _rows(self, t1, t2):
        """Usable rows of a binned series with mid-time in ``[t1, t2)``."""
        return np.flatnonzero(self.usable & (self.tmid >= t1) & (self.tmid < t2))

    def counts_in(self, intervals):
        """Counts ``(m, nchan)`` and live times ``(m,)`` of intervals ``(m, 2)``."""
        iv = _as_intervals(intervals)
        if self.is_events:
            i = np.searchsorted(self.times, iv[:, 0], "left")
            j = np.searchsorted(self.times, iv[:, 1], "left")
            C = self.nchan
            counts = np.stack([np.bincount(self.chan[a:b], minlength=C)
                               for a, b in zip(i, j)]).astype(float)
            return counts, self.live_time(iv[:, 0], iv[:, 1])
        rows = [self._rows(a, b) for a, b in iv]
        return (np.stack([self.pha.counts[r].sum(axis=0) for r in rows]),
                np.array([self.exposure[r].sum() for r in rows]))

    def light_curve(self, dt=None, edges=None, t_range=None, channels=None, energy_range=None,
                    background=None):
        """Light curve of a channel selection.

        Parameters
        ----------
        dt : float, optional
            Bin width, s (events; for binned series the rows are grouped by mid-time).
        edges : array (n + 1,), optional
            Explicit bin edges, s from ``t0`` (instead of ``dt``).
        t_range : (float, float), optional
            Time range, s (default the whole series).
        channels, energy_range
            Channel selection (`channel_mask`).
        background : BackgroundFit, optional
            Adds the fitted background counts and errors of each bin.

        Returns
        -------
        LightCurve
        """
        if edges is None:
            t1, t2 = self.time_range if t_range is None else t_range
            if dt is None:
                if self.is_events:
                    dt = 1.024
                else:
                    r = np.flatnonzero(self.usable & (self.tmid >= t1) & (self.tmid < t2))
                    edges = np.append(self.tstart[r], self.tstop[r[-1]]) if r.size else None
            if edges is None:
                n = max(int(np.ceil((t2 - t1) / dt - 1e-9)), 1)
                edges = t1 + dt * np.arange(n + 1)
        edges = np.asarray(edges, np.float64)
        m = self.channel_mask(channels, energy_range)
        counts, live = self.bin(edges)
        lc = LightCurve(edges[:-1], edges[1:], counts[:, m].sum(axis=1), live, t0=self.t0,
                        energy_range=energy_range, label=self.name)
        if background is not None:
            lc.background, lc.background_err = background.counts(
                edges[:-1], edges[1:], live, channels=m, summed=True)
        return lc

    # ------------------------------------------------------------------ background
    def fit_background(self, intervals, *, max_order=4, p_value=0.01, method=None, dt=1.024):
        """Fit a polynomial background in time per channel (`bayspec.data.background_fit`).

        Parameters
        ----------
        intervals : array (k, 2)
            Off-source intervals, s from ``t0``.
        max_order : int
            Highest order tried (the order of each channel is chosen by the nested
            likelihood-ratio rule at size ``p_value``).
        method : ``"unbinned"`` or ``"binned"``, optional
            Default unbinned for events, binned for histories (which can only be binned).
        dt : float
            Bin width (s) for a binned fit of events and the piece length of the
            exposure integral of an unbinned fit.

        Returns
        -------
        BackgroundFit
        """
        iv = _as_intervals(intervals, "background intervals")
        method = method or ("unbinned" if self.is_events else "binned")
        kw = dict(max_order=max_order, p_value=p_value, t0=self.t0, channel=self.channel)
        if not self.is_events:
            if method != "binned":
                raise DataFormatError("a binned series can only be fitted binned",
                                      file=self.name, key="method")
            rows = np.unique(np.concatenate([self._rows(a, b) for a, b in iv]))
            if rows.size == 0:
                raise DataFormatError(f"no usable row in the background intervals "
                                      f"{iv.tolist()}", file=self.name, key="intervals")
            return fit_binned(self.tstart[rows], self.tstop[rows], self.pha.counts[rows],
                              self.exposure[rows], iv, **kw)
        pieces = self._pieces(iv, dt)
        counts, live = self.counts_in(pieces)
        ok = live > 0
        if method == "binned":
            return fit_binned(pieces[ok, 0], pieces[ok, 1], counts[ok], live[ok], iv, **kw)
        if method != "unbinned":
            raise DataFormatError(f"unknown method {method!r} (binned or unbinned)",
                                  file=self.name, key="method")
        sel = np.zeros(self.times.size, bool)
        for a, b in iv:  # a few intervals
            i, j = np.searchsorted(self.times, [a, b], "left")
            sel[i:j] = True
        return fit_unbinned(self.times[sel], self.chan[sel], self.nchan, iv, pieces[:, 0],
                            pieces[:, 1], live, **kw)

    def _pieces(self, iv, dt):
        """Intervals cut at the GTIs and into pieces of about ``dt`` s, ``(p, 2)``."""
        out = []
        for a, b in iv:  # a few intervals
            for g0, g1 in self.gti:
                lo, hi = max(a, g0), min(b, g1)
                if hi > lo:
                    n = max(int(np.ceil((hi - lo) / dt)), 1)
                    e = np.linspace(lo, hi, n + 1)
                    out.append(np.column_stack([e[:-1], e[1:]]))
        if not out:
            raise DataFormatError(f"background intervals {iv.tolist()} lie outside the good "
                                  "time intervals", file=self.name, key="intervals")
        return np.concatenate(out)

    # ------------------------------------------------------------------ spectra
    def spectrum(self, t1, t2):
        """Source spectrum of ``[t1, t2)`` as a `bayspec.io.PhaSpectrum` (counts, live time)."""
        from ..io import PhaSpectrum
        from .pha2 import sum_rows

        if not self.is_events:
            rows = self._rows(t1, t2)
            if rows.size == 0:
                raise DataFormatError(f"no usable row in [{t1:g}, {t2:g}) s", file=self.name)
            return sum_rows(self.pha, rows)
        counts, live = self.counts_in([[t1, t2]])
        return PhaSpectrum(counts=counts[0], exposure=float(live[0]), channel=self.channel,
                           tstart=t1 + self.t0, tstop=t2 + self.t0, header=self._header(),
                           filename=self.name, ebounds=self.ebounds.copy())

    def background_spectrum(self, background, t1, t2, livetime=None):
        """The fitted background of ``[t1, t2)`` as a RATE spectrum with STAT_ERR.

        Counts below zero (a polynomial dipping under zero) are set to zero, keeping their
        error. POISSERR is false: the background is Gaussian (PG-stat).
        """
        from ..io import PhaSpectrum

        L = self.live_time(t1, t2) if livetime is None else float(livetime)
        B, s = background.counts(t1, t2, L)
        B = np.maximum(B, 0.0)
        rate, err = B / L, s / L
        h = self._header()
        h["BKGMETH"] = (f"poly-{background.method}", "polynomial background fit in time")
        return PhaSpectrum(counts=rate * L, stat_err=err * L, exposure=L, poisserr=False,
                           is_rate=True, hduclas2="BKG", channel=self.channel,
                           tstart=t1 + self.t0, tstop=t2 + self.t0, header=h,
                           filename=f"{self.name}_bkg", ebounds=self.ebounds.copy())

    def _header(self):
        h = fits.Header()
        for k in ("TELESCOP", "INSTRUME", "DETNAM", "OBJECT", "TRIGTIME", "FILTER"):
            if k in self.header:
                h[k] = self.header[k]
        h["CHANTYPE"] = "PHA"
        return h

    def unit(self, t1, t2, background=None, *, name=None, stat=None, notc=None, **kwargs):
        """The `DataUnit` of ``[t1, t2)`` (s from ``t0``).

        Parameters
        ----------
        t1, t2 : float
        background : BackgroundFit, optional
            Its counts and errors in the interval are the unit's Gaussian background
            (default statistic ``pgstat``); without one, ``cstat`` on the total counts.
        name, stat, notc, **kwargs
            As in `bayspec.data.pha2.unit_from_rows` / `DataUnit`.

        Returns
        -------
        DataUnit
            Its response is the RSP2 weighted over the interval (`bayspec.data.rsp2`).
        """
        from .pha2 import unit_from_rows

        if self.matrices is None:
            raise DataFormatError("no response: build the series with rsp=", file=self.name,
                                  key="rsp")
        nm = name or f"{self.name}_{t1:g}_{t2:g}"
        if self.is_events:
            src, rows = self.spectrum(t1, t2), None
            live = src.exposure
        else:
            rows = self._rows(t1, t2)
            if rows.size == 0:
                raise DataFormatError(f"no usable row in [{t1:g}, {t2:g}) s", file=self.name)
            src, live = self.pha, float(self.exposure[rows].sum())
        bkg = None if background is None else self.background_spectrum(background, t1, t2, live)
        return unit_from_rows(src, rows, bkg=bkg, rsp=self.matrices, stat=stat, name=nm,
                              time_range=(t1 + self.t0, t2 + self.t0), notc=notc,
                              time=0.5 * (t1 + t2), **kwargs)

    def units(self, intervals, background=None, **kwargs):
        """`unit` for each row of ``intervals`` ``(n, 2)``; a list of `DataUnit`."""
        return [self.unit(float(a), float(b), background, **kwargs)
                for a, b in _as_intervals(intervals)]

    def write_ogip(self, folder, t1, t2, background=None, *, stem=None, overwrite=False):
        """Write the interval's source PHA, background BAK and response RSP (OGIP).

        The source is PHA-I COUNTS with POISSERR; the background PHA-I RATE with STAT_ERR
        (non-integer counts; POISSERR false); the response the weighted matrix
        (`bayspec.data.rsp2`) as a full RSP. BACKFILE/RESPFILE name the neighbours, so
        XSPEC, threeML's ``OGIPLike`` and ``DataUnit("x.pha")`` find them.

        Returns
        -------
        dict
            ``{"pha": Path, "bak": Path or None, "rsp": Path}``.
        """
        from dataclasses import replace

        from ..io import write_pha, write_rmf

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = stem or f"{self.name}_{t1:.3f}_{t2:.3f}".replace("-", "m")
        paths = {"pha": folder / f"{stem}.pha", "rsp": folder / f"{stem}.rsp",
                 "bak": None if background is None else folder / f"{stem}.bak"}
        src = self.spectrum(t1, t2)
        rsp = self.interval_matrix(t1, t2, exposure=src.exposure)
        rsp.filename = str(paths["rsp"])
        src = replace(src, tstart=t1 + self.t0, tstop=t2 + self.t0,
                      respfile=paths["rsp"].name,
                      backfile=None if background is None else paths["bak"].name)
        write_pha(paths["pha"], src, overwrite=overwrite)
        if background is not None:
            bak = self.background_spectrum(background, t1, t2, src.exposure)
            write_pha(paths["bak"], bak, overwrite=overwrite)
        write_rmf(paths["rsp"], rsp, overwrite=overwrite)
        return paths

    def interval_matrix(self, t1, t2, exposure=None, extver=1):
        """The response of ``[t1, t2)`` as a full-response `bayspec.io.RmfMatrix`.

        The RSP2 matrices weighted by the one rule of `bayspec.data.rsp2` (over the rows of
        a binned series, over the interval for events), with TSTART/TSTOP the interval (MET).
        """
        from ..io import RmfMatrix
        from .rsp2 import combine_matrices, matrix_weights

        if self.matrices is None:
            raise DataFormatError("no response: build the series with rsp=", file=self.name,
                                  key="rsp")
        if self.is_events:
            pieces = np.array([[t1 + self.t0, t2 + self.t0]])
            expo = np.array([self.live_time(t1, t2) if exposure is None else exposure])
        else:
            rows = self._rows(t1, t2)
            pieces = np.column_stack([self.pha.tstart[rows], self.pha.tstop[rows]])
            expo = self.exposure[rows]
        m0 = self.matrices[0]
        w = matrix_weights([np.nan if m.tstart is None else m.tstart for m in self.matrices],
                           pieces, expo, file=m0.filename)
        drm = combine_matrices(self.matrices, w, file=m0.filename)
        return RmfMatrix(energ_lo=m0.energ_lo, energ_hi=m0.energ_hi, matrix=drm,
                         e_min=m0.e_min, e_max=m0.e_max, first_channel=m0.first_channel,
                         is_full_response=True, extver=extver, tstart=t1 + self.t0,
                         tstop=t2 + self.t0, header=m0.header,
                         ebounds_header=m0.ebounds_header, filename=m0.filename,
                         hdu="SPECRESP MATRIX", ebounds_channel=m0.ebounds_channel)

    def write_ogip_series(self, folder, intervals, background=None, *, stem=None,
                          overwrite=False):
        """All intervals in one PHA-II source file, one PHA-II RATE background and one RSP2.

        Row ``i`` of each PHA-II file is interval ``i`` (TSTART/TSTOP in MET); matrix ``i``
        of the RSP2 (EXTVER ``i + 1``) is its weighted response with TSTART the interval
        start, so the RSP2 rule gives each row its own matrix for non-overlapping intervals.
        This is the form `bayspec.store.import_ogip` and threeML's PHA-II readers take.

        Returns
        -------
        dict
            ``{"pha": Path, "bak": Path or None, "rsp": Path}``.
        """
        from ..io import PhaSeries, write_pha, write_rmf

        iv = _as_intervals(intervals)
        if np.any(iv[1:, 0] < iv[:-1, 1]):
            raise DataFormatError("series intervals must be sorted and not overlap",
                                  file=self.name, key="intervals")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = stem or f"{self.name}_intervals"
        paths = {"pha": folder / f"{stem}.pha", "rsp": folder / f"{stem}.rsp2",
                 "bak": None if background is None else folder / f"{stem}.bak"}
        counts, live = self.counts_in(iv)
        if np.any(live <= 0):
            raise DataFormatError(f"intervals without live time: "
                                  f"{iv[live <= 0].tolist()}", file=self.name, key="intervals")
        t_abs = iv + self.t0
        common = dict(channel=self.channel, tstart=t_abs[:, 0], tstop=t_abs[:, 1],
                      ebounds=self.ebounds.copy())
        src = PhaSeries(counts=counts, exposure=live, header=self._header(),
                        filename=str(paths["pha"]), respfile=[paths["rsp"].name] * len(iv),
                        backfile=[None if background is None else paths["bak"].name] * len(iv),
                        **common)
        write_pha(paths["pha"], src, overwrite=overwrite)
        if background is not None:
            B, sig = background.counts(iv[:, 0], iv[:, 1], live)
            rate, err = np.maximum(B, 0.0) / live[:, None], sig / live[:, None]
            h = self._header()
            h["BKGMETH"] = (f"poly-{background.method}", "polynomial background fit in time")
            bak = PhaSeries(counts=rate * live[:, None], stat_err=err * live[:, None],
                            exposure=live, poisserr=False, is_rate=True, hduclas2="BKG",
                            header=h, filename=str(paths["bak"]), **common)
            write_pha(paths["bak"], bak, overwrite=overwrite)
        mats = [self.interval_matrix(a, b, exposure=x, extver=i + 1)
                for i, ((a, b), x) in enumerate(zip(iv, live))]
        write_rmf(paths["rsp"], mats, overwrite=overwrite)
        return paths


def _matrices(rsp):
    if rsp is None:
        return None
    from ..io import RmfMatrix
    from .rsp2 import read_matrices

    if isinstance(rsp, RmfMatrix):
        return [rsp]
    if isinstance(rsp, (list, tuple)) and rsp and all(isinstance(m, RmfMatrix) for m in rsp):
        return list(rsp)
    return read_matrices(rsp)


def _short(detnam, filename):
    """``"NAI_03"`` → ``"n3"``, ``"BGO_00"`` → ``"b0"``; else the file's base name."""
    if detnam:
        d = str(detnam).strip().upper()
        for pre, short in (("NAI_", "n"), ("BGO_", "b")):
            if d.startswith(pre) and d[len(pre):].isdigit():
                return f"{short}{int(d[len(pre):]):x}"
        return d.lower()
    return Path(str(filename)).name.split(".")[0] if filename else "series"
