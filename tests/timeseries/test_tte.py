"""GBM TTE reader: real event lists (sorting, duplicates, TZERO, dead time) and bad input."""

import io

import numpy as np
import pytest
from astropy.io import fits
from tshelpers import tte_path

from bayspec.errors import DataFileError, DataFormatError
from bayspec.io.tte import GBM_DEAD_TIME, read_tte

TRIG = 243216766.613542


@pytest.fixture(scope="module")
def ev():
    return read_tte(tte_path("n3"))


def test_n3_event_list(ev):
    assert ev.nev == 451128 and ev.nchan == 128
    assert ev.trigtime == TRIG and ev.detector == "NAI_03"
    # TZERO = TRIGTIME applied: absolute MET, from -25.94 to +300.66 s after the trigger
    assert ev.time[0] - TRIG == pytest.approx(-25.943, abs=1e-3)
    assert ev.time[-1] - TRIG == pytest.approx(300.659, abs=1e-3)
    # the file steps back once near +250 s: sorted here, duplicates kept
    assert ev.n_unsorted == 1
    assert np.all(np.diff(ev.time) >= 0)
    assert ev.n_duplicates == 2
    assert ev.gti.shape == (1, 2) and ev.gti[0, 0] - TRIG == pytest.approx(-25.943, abs=1e-3)
    assert ev.channel[0] == 0 and ev.channel[-1] == 127
    assert ev.pha.min() >= 0 and ev.pha.max() == 127
    assert np.all(ev.e_max > ev.e_min)


def test_dead_time_per_event(ev):
    # keywords EVT_DEAD / EVTDEDHI of the file (GBM documentation: 2.6 us, ~10 us overflow)
    assert ev.dead == pytest.approx(2.6e-6) and ev.dead_overflow == pytest.approx(1.0417e-5)
    d = ev.dead_time()
    over = ev.pha == 127
    assert np.all(d[over] == ev.dead_overflow) and np.all(d[~over] == ev.dead)
    assert over.sum() > 0


def test_sort_is_stable_and_keeps_duplicates():
    t = np.array([3.0, 1.0, 2.0, 2.0, 0.5])
    pha = np.array([1, 2, 3, 4, 5])
    ev = read_tte(_tte_bytes(t, pha))
    np.testing.assert_array_equal(ev.time, [0.5, 1.0, 2.0, 2.0, 3.0])
    np.testing.assert_array_equal(ev.pha, [5, 2, 3, 4, 1])  # equal times keep file order
    assert ev.n_unsorted == 2 and ev.n_duplicates == 1
    # no EVT_DEAD keyword: the documented GBM value
    assert ev.dead == GBM_DEAD_TIME


def _tte_bytes(time, pha, *, events=True, ebounds=True, nchan=8, extra=None, tzero=100.0):
    hdus = [fits.PrimaryHDU()]
    hdus[0].header["TRIGTIME"] = tzero
    if ebounds:
        e = np.linspace(10, 100, nchan + 1)
        hdus.append(fits.BinTableHDU.from_columns(
            [fits.Column("CHANNEL", "I", array=np.arange(nchan)),
             fits.Column("E_MIN", "E", array=e[:-1]), fits.Column("E_MAX", "E", array=e[1:])],
            name="EBOUNDS"))
    if events:
        cols = [fits.Column("TIME", "D", array=np.asarray(time, float) - tzero),
                fits.Column("PHA", "I", array=np.asarray(pha))]
        if extra == "no_pha":
            cols = cols[:1]
        h = fits.BinTableHDU.from_columns(cols, name="EVENTS")
        h.header["TZERO1"] = tzero
        hdus.append(h)
    buf = io.BytesIO()
    fits.HDUList(hdus).writeto(buf)
    return buf.getvalue()


def test_bad_input_names_file_and_hdu(tmp_path):
    with pytest.raises(DataFormatError, match=r"EVENTS.*no EVENTS extension"):
        read_tte(_tte_bytes([1.0], [1], events=False))
    with pytest.raises(DataFormatError, match=r"\[EVENTS\] PHA: column missing"):
        read_tte(_tte_bytes([1.0], [1], extra="no_pha"))
    with pytest.raises(DataFormatError, match=r"\[EVENTS\] PHA: 1 events in channels outside"):
        read_tte(_tte_bytes([1.0, 2.0], [1, 9]))
    with pytest.raises(DataFormatError, match="no EBOUNDS"):
        read_tte(_tte_bytes([1.0], [1], ebounds=False))
    p = tmp_path / "x.fit"
    p.write_bytes(_tte_bytes([1.0], [1], events=False))
    with pytest.raises(DataFormatError, match=str(p)):
        read_tte(p)
    with pytest.raises(DataFileError, match="no such file"):
        read_tte(tmp_path / "missing.fit")
