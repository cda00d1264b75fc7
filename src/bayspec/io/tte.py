"""Read time-tagged event lists (Fermi/GBM TTE): EVENTS, GTI, EBOUNDS, TRIGTIME.

A GBM TTE file (FILETYPE ``GBM PHOTON LIST``) holds one row per detected event in the
``EVENTS`` extension: ``TIME`` (s, mission elapsed time; stored relative to the trigger with
``TZERO1 = TRIGTIME``, which astropy applies on reading) and ``PHA`` (the energy channel,
0-127). ``EBOUNDS`` gives the channel energy edges (keV), ``GTI`` the good time intervals
(MET s, same ``TZERO``), and the primary header the trigger time ``TRIGTIME`` (MET s).

Traps of real files, handled here:

* TIME is not always sorted (GBM packets may overlap by a fraction of a second): the events
  are sorted by time with a *stable* sort, so events with equal times keep their order;
* several events can share one time tag (the 2 µs clock): they are real events and are kept;
* the ``TZERO`` offset is applied by astropy, so ``time`` is absolute MET.

Dead time
---------
The GBM electronics are dead for a fixed time after each event: 2.6 µs for an event in
channels 0-126 and about 10 µs for an event in the overflow channel (channel 127), whose
pulse saturates the ADC (Meegan et al. 2009, ApJ 702, 791, §5, "The GBM data products":
fixed dead time 2.6 µs per event, 10 µs for overflow events; the same rule is in the Fermi
GBM Data Tools' TTE exposure and in threeML's ``GBMTTEFile``). The files state the values in
the EVENTS header: ``EVT_DEAD`` = 2.6e-6 s per event and ``EVTDEDHI`` = 1.0417e-5 s per
overflow-channel event; those keywords are used when present, the documented values
otherwise. The live time of any time bin ``[a, b)`` is then

    live = (b - a) - sum over events in [a, b) of dead(event)

(`TteEvents.dead_time`), which is what `bayspec.data.timeseries.TimeSeries` uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from astropy.io import fits

from ..errors import DataFormatError
from ._columns import Table, find_hdus, hdu_label
from ._energy import read_ebounds
from ._source import open_fits, parse_source

__all__ = ["TteEvents", "read_tte", "GBM_DEAD_TIME", "GBM_DEAD_TIME_OVERFLOW"]

#: Dead time per event (s), GBM channels 0-126 (Meegan et al. 2009; keyword EVT_DEAD).
GBM_DEAD_TIME = 2.6e-6
#: Dead time per overflow-channel event (s) (Meegan et al. 2009: 10 µs; keyword EVTDEDHI).
GBM_DEAD_TIME_OVERFLOW = 1.0e-5


def _empty_header():
    return fits.Header()


@dataclass
class TteEvents:
    """An event list: times, channels, energy bounds, good time intervals.

    Attributes
    ----------
    time : ndarray, float64 (nev,)
        Event times, s (MET), sorted (stable: equal times keep the file's order).
    pha : ndarray, int64 (nev,)
        Channel of each event, as numbered in EBOUNDS (GBM: 0-127).
    channel : ndarray, int64 (nchan,)
        Channel numbers of EBOUNDS.
    e_min, e_max : ndarray, float64 (nchan,)
        Channel energy bounds, keV.
    gti : ndarray, float64 (k, 2)
        Good time intervals, s (MET); the file's TSTART/TSTOP when there is no GTI.
    trigtime : float or None
        TRIGTIME, s (MET).
    dead : float
        Dead time per event, s (EVT_DEAD, else `GBM_DEAD_TIME`).
    dead_overflow : float
        Dead time per event in the overflow channel (the last one), s (EVTDEDHI, else
        `GBM_DEAD_TIME_OVERFLOW`).
    n_unsorted : int
        Number of places where the file's TIME stepped back (0 for a sorted file).
    header : astropy.io.fits.Header
        EVENTS header (with the primary header's keywords it lacks).
    filename : str
    detector : str or None
        DETNAM (e.g. ``"NAI_03"``).
    """

    time: np.ndarray
    pha: np.ndarray
    channel: np.ndarray
    e_min: np.ndarray
    e_max: np.ndarray
    gti: np.ndarray
    trigtime: float | None = None
    dead: float = GBM_DEAD_TIME
    dead_overflow: float = GBM_DEAD_TIME_OVERFLOW
    n_unsorted: int = 0
    header: fits.Header = field(default_factory=_empty_header, repr=False)
    filename: str = ""
    detector: str | None = None

    @property
    def nev(self):
        """Number of events."""
        return int(self.time.size)

    @property
    def nchan(self):
        """Number of channels."""
        return int(self.channel.size)

    @property
    def ebounds(self):
        """``(nchan, 2)`` channel energy bounds, keV."""
        return np.column_stack([self.e_min, self.e_max])

    @property
    def channel_index(self):
        """0-based column of each event's channel ``(nev,)`` (``pha - channel[0]``)."""
        return self.pha - int(self.channel[0])

    @property
    def n_duplicates(self):
        """Number of events whose time equals the previous event's time."""
        return int(np.count_nonzero(np.diff(self.time) == 0))

    def dead_time(self):
        """Dead time of each event ``(nev,)``, s: `dead`, or `dead_overflow` in the last
        (overflow) channel (Meegan et al. 2009)."""
        over = self.pha == int(self.channel[-1])
        return np.where(over, self.dead_overflow, self.dead)


def _events_table(hdul, display):
    found = find_hdus(hdul, ("EVENTS",), {"HDUCLAS1": "EVENTS"})
    if not found:
        raise DataFormatError("no EVENTS extension: not an event list", file=display,
                              hdu="EVENTS")
    pos = found[0]
    return Table(hdul[pos], display, hdu_label(hdul[pos], pos))


def _gti(hdul, display, tstart, tstop, time):
    found = find_hdus(hdul, ("GTI", "STDGTI"), {"HDUCLAS1": "GTI"})
    if not found:
        lo = tstart if tstart is not None else (float(time[0]) if time.size else 0.0)
        hi = tstop if tstop is not None else (float(time[-1]) if time.size else 0.0)
        return np.array([[lo, hi]])
    tab = Table(hdul[found[0]], display, hdu_label(hdul[found[0]], found[0]))
    start = tab.numeric("START", required=True).ravel()
    stop = tab.numeric("STOP", required=True).ravel()
    if start.size == 0:
        raise tab.error("no good time interval", key="START")
    if not (np.all(np.isfinite(start)) and np.all(np.isfinite(stop))):
        raise tab.error("non-finite good time interval", key="START/STOP")
    if np.any(stop < start):
        raise tab.error("an interval stops before it starts", key="STOP")
    order = np.argsort(start, kind="stable")
    return np.column_stack([start[order], stop[order]])


def read_tte(spec):
    """Read a time-tagged event list (GBM TTE).

    Parameters
    ----------
    spec : str, Path, bytes-like or file-like
        The file (gzipped or not), see `parse_source`.

    Returns
    -------
    TteEvents
        Events sorted by time (stable sort; duplicated time tags kept), channels, EBOUNDS,
        GTI, TRIGTIME and the dead times per event (s).

    Raises
    ------
    DataFileError
        Missing, unreadable or non-FITS file.
    DataFormatError
        No EVENTS extension, TIME or PHA missing or not finite, a PHA outside the channels
        of EBOUNDS, no EBOUNDS, invalid GTI or dead-time keywords.
    """
    target, _, display = parse_source(spec)
    with open_fits(target, display) as hdul:
        tab = _events_table(hdul, display)
        time = tab.numeric("TIME", required=True).ravel()
        pha_raw = tab.numeric("PHA", required=True).ravel()
        if not np.all(np.isfinite(time)):
            raise tab.error(f"{int(np.count_nonzero(~np.isfinite(time)))} non-finite times",
                            key="TIME")
        if not (np.all(np.isfinite(pha_raw)) and np.all(pha_raw == np.round(pha_raw))):
            raise tab.error("channels are not integers", key="PHA")
        pha = pha_raw.astype(np.int64)
        eb = read_ebounds(hdul, display)
        if eb is None:
            raise DataFormatError("no EBOUNDS extension: channel energies unknown",
                                  file=display, hdu="EBOUNDS")
        channel = eb.channel if eb.channel is not None else np.arange(eb.nchan, dtype=np.int64)
        if channel.size and np.any(np.diff(channel) != 1):
            raise eb.table.error("channel numbers are not consecutive", key="CHANNEL")
        if pha.size and (pha.min() < channel[0] or pha.max() > channel[-1]):
            bad = pha[(pha < channel[0]) | (pha > channel[-1])]
            raise tab.error(f"{bad.size} events in channels outside EBOUNDS "
                            f"{int(channel[0])}..{int(channel[-1])} (e.g. {int(bad[0])})",
                            key="PHA")
        header = tab.header.copy()
        for card in hdul[0].header.cards:
            if card.keyword and card.keyword not in header and card.keyword not in (
                    "SIMPLE", "BITPIX", "NAXIS", "EXTEND", "COMMENT", "HISTORY"):
                header[card.keyword] = card.value
        trig = header.get("TRIGTIME")
        trig = None if trig is None else float(trig)
        dead = tab.kw_float("EVT_DEAD", GBM_DEAD_TIME)
        dead_hi = tab.kw_float("EVTDEDHI", GBM_DEAD_TIME_OVERFLOW)
        for key, v in (("EVT_DEAD", dead), ("EVTDEDHI", dead_hi)):
            if not (np.isfinite(v) and 0.0 <= v < 1e-2):
                raise tab.error(f"dead time {v!r} s is not a plausible per-event value", key=key)
        n_unsorted = int(np.count_nonzero(np.diff(time) < 0))
        if n_unsorted:
            order = np.argsort(time, kind="stable")
            time, pha = time[order], pha[order]
        tstart = header.get("TSTART")
        tstop = header.get("TSTOP")
        gti = _gti(hdul, display, None if tstart is None else float(tstart),
                   None if tstop is None else float(tstop), time)
        det = header.get("DETNAM")
    return TteEvents(time=time, pha=pha, channel=np.asarray(channel, np.int64),
                     e_min=np.asarray(eb.e_min, np.float64), e_max=np.asarray(eb.e_max, np.float64),
                     gti=gti, trigtime=trig, dead=float(dead), dead_overflow=float(dead_hi),
                     n_unsorted=n_unsorted, header=header, filename=display,
                     detector=None if det is None else str(det).strip())
