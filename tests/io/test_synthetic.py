"""Format variants built on the fly: N_GRP > 1, N_GRP = 0, TLMIN, logical QUALITY, ..."""

import numpy as np
import pytest
from astropy.io import fits
from iohelpers import make_pha, make_rmf

from bayspec import io as bio
from bayspec.errors import ChannelMismatchError, DataFormatError

ROWS = [
    [(1, [0.5, 0.25]), (5, [0.125])],  # two groups
    [],  # N_GRP = 0
    [(2, [1.0, 2.0, 3.0, 4.0])],
]
DENSE = np.array([[0.5, 0.25, 0, 0, 0.125], [0, 0, 0, 0, 0], [0, 1.0, 2.0, 3.0, 4.0]])


@pytest.mark.parametrize("vla", [True, False])
def test_rmf_groups(tmp_path, vla):
    r = bio.read_rmf(make_rmf(tmp_path / "r.rmf", ROWS, 5, vla=vla))
    assert np.array_equal(r.matrix, DENSE) and r.first_channel == 1
    assert not r.is_full_response


def test_rmf_tlmin0_and_fallbacks(tmp_path):
    rows0 = [[(f - 1, v) for f, v in row] for row in ROWS]
    r = bio.read_rmf(make_rmf(tmp_path / "a.rmf", rows0, 5, tlmin=0))
    assert np.array_equal(r.matrix, DENSE) and r.first_channel == 0
    # no TLMIN: EBOUNDS CHANNEL starts at 1 → 1 (default)
    r = bio.read_rmf(make_rmf(tmp_path / "b.rmf", ROWS, 5, tlmin=None))
    assert r.first_channel == 1 and np.array_equal(r.matrix, DENSE)


def test_rmf_nan_ebounds_rows_kept(tmp_path):
    eb = np.array([[0, 1], [1, 2], [np.nan, np.nan], [3, 4], [4, 5]], float)
    r = bio.read_rmf(make_rmf(tmp_path / "r.rmf", ROWS, 5, ebounds=eb))
    assert np.isnan(r.e_min[2]) and r.e_min[3] == 3


def test_rmf_all_nan_ebounds(tmp_path):
    eb = np.full((5, 2), np.nan)
    with pytest.raises(DataFormatError, match=r"r\.rmf\[EBOUNDS\].*NaN"):
        bio.read_rmf(make_rmf(tmp_path / "r.rmf", ROWS, 5, ebounds=eb))


def test_rmf_ebounds_count_mismatch(tmp_path):
    eb = np.column_stack([np.arange(4.0), np.arange(1.0, 5)])
    with pytest.raises(ChannelMismatchError, match=r"EBOUNDS.*DETCHANS"):
        bio.read_rmf(make_rmf(tmp_path / "r.rmf", ROWS, 5, ebounds=eb))


@pytest.mark.parametrize(
    "lo, hi, what",
    [([1, np.nan, 3], [2, 3, 4], "NaN"), ([-1, 2, 3], [2, 3, 4], "negative"),
     ([1, 3, 2], [2, 4, 3], "decrease"), ([1, 2, 3], [2, 1, 4], "ENERG_HI")],
)
def test_rmf_bad_photon_bins(tmp_path, lo, hi, what):
    with pytest.raises(DataFormatError, match=rf"r\.rmf\[MATRIX\].*{what}"):
        bio.read_rmf(make_rmf(tmp_path / "r.rmf", ROWS, 5, lo=lo, hi=hi))


def test_rmf_zero_first_energy_legal(tmp_path):
    r = bio.read_rmf(make_rmf(tmp_path / "r.rmf", ROWS, 5, lo=[0, 0, 1], hi=[0, 1, 2]))
    assert r.energ_lo[0] == 0


def test_rmf_group_outside_channels(tmp_path):
    rows = [[(4, [1.0, 1.0, 1.0])]]
    with pytest.raises(DataFormatError, match=r"\[MATRIX\] F_CHAN"):
        bio.read_rmf(make_rmf(tmp_path / "r.rmf", rows, 5))


def test_rmf_write_groups_roundtrip(tmp_path):
    r = bio.read_rmf(make_rmf(tmp_path / "r.rmf", ROWS, 5))
    for compact in (True, False):
        bio.write_rmf(tmp_path / "w.rmf", r, overwrite=True, compact=compact)
        back = bio.read_rmf(tmp_path / "w.rmf")
        assert np.array_equal(back.matrix, DENSE)
        with fits.open(tmp_path / "w.rmf") as h:
            assert list(h["MATRIX"].data["N_GRP"]) == [2, 0, 1]


def test_pha_logical_quality_and_grouping_columns(tmp_path):
    q = fits.Column("QUALITY", "L", array=np.array([False, True, False, False]))
    g = fits.Column("GROUPING", "L", array=np.array([True, False, True, True]))
    p = bio.read_pha(make_pha(tmp_path / "p.pha", extra_cols=(q, g)))
    assert list(p.quality) == [0, 1, 0, 0] and list(p.grouping) == [1, -1, 1, 1]


def test_pha_keyword_defaults(tmp_path):
    p = bio.read_pha(make_pha(tmp_path / "p.pha", QUALITY=0, GROUPING=0, SYS_ERR=0.05,
                              BACKSCAL=0.5, POISSERR=True, BACKFILE="NONE", RESPFILE="r.rsp"))
    assert list(p.grouping) == [1] * 4 and list(p.quality) == [0] * 4
    assert np.allclose(p.sys_err, 0.05) and p.backscal == 0.5 and p.areascal == 1.0
    assert p.backfile is None and p.respfile == "r.rsp" and p.stat_err is None
    assert p.channel[0] == 1 and p.hduclas2 == "TOTAL" and not p.is_rate


def test_pha_rate_with_stat_err(tmp_path):
    cols = [fits.Column("CHANNEL", "J", array=[0, 1]), fits.Column("RATE", "E", array=[1.5, 2.5]),
            fits.Column("STAT_ERR", "E", array=[0.5, 0.25])]
    hdu = fits.BinTableHDU.from_columns(cols)
    hdu.header.update(EXTNAME="SPECTRUM", EXPOSURE=4.0, TLMIN1=0)
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "r.pha")
    p = bio.read_pha(tmp_path / "r.pha")
    assert p.is_rate and list(p.counts) == [6.0, 10.0] and list(p.stat_err) == [2.0, 1.0]
    assert p.first_channel == 0 and not p.poisserr


def test_series_row_scalar_backscal_and_times(tmp_path):
    n, nrow = 3, 2
    cols = [
        fits.Column("COUNTS", f"{n}J", array=np.ones((nrow, n))),
        fits.Column("EXPOSURE", "D", array=[1.0, 0.0]),
        fits.Column("BACKSCAL", "D", array=[1.0, 2.0]),
        fits.Column("TSTART", "D", array=[10.0, 20.0]),
        fits.Column("TELAPSE", "D", array=[5.0, 5.0]),
        fits.Column("RESPFILE", "8A", array=["a.rsp", "none"]),
    ]
    hdu = fits.BinTableHDU.from_columns(cols)
    hdu.header.update(EXTNAME="SPECTRUM", HDUCLAS4="TYPE:II")
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "s.pha")
    s = bio.read_pha_series(tmp_path / "s.pha")
    assert list(s.backscal) == [1.0, 2.0] and list(s.tstop) == [15.0, 25.0]
    assert s.respfile == ["a.rsp", None] and list(s.exposure) == [1.0, 0.0]
    p = bio.read_pha(tmp_path / "s.pha", 0)
    assert p.backscal == 1.0 and p.tstart == 10.0 and p.row == 0
    with pytest.raises(DataFormatError, match=r"s\.pha\[SPECTRUM\] EXPOSURE.*row 1"):
        bio.read_pha(tmp_path / "s.pha", 1)
    with pytest.raises(DataFormatError, match=r"\[SPECTRUM\].*2 rows"):
        bio.read_pha(tmp_path / "s.pha")
    with pytest.raises(DataFormatError, match=r"\[SPECTRUM\].*row 7 out of range.*2 rows"):
        bio.read_pha(f"{tmp_path / 's.pha'}{{7}}")
