"""One test per bad input: our exception type, and a message naming file and HDU."""

import numpy as np
import pytest
from astropy.io import fits
from iohelpers import make_pha

from bayspec import io as bio
from bayspec.errors import BayspecError, ChannelMismatchError, DataFileError, DataFormatError

GBM = "gbm_bn090217206"


def test_missing_file(tmp_path):
    with pytest.raises(DataFileError, match=r"nope\.pha.*no such file"):
        bio.read_pha(tmp_path / "nope.pha")


def test_not_fits(tmp_path):
    p = tmp_path / "text.pha"
    p.write_text("hello, this is not FITS\n" * 10)
    for reader in (bio.read_pha, bio.read_rmf, bio.read_arf):
        with pytest.raises(DataFileError, match=r"text\.pha"):
            reader(p)


def test_directory(tmp_path):
    with pytest.raises(DataFileError, match="directory"):
        bio.read_rmf(tmp_path)


def test_truncated(bundled, tmp_path):
    data = (bundled / GBM / "bn090217206_n6_weightedrsp.rsp").read_bytes()
    p = tmp_path / "cut.rsp"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(BayspecError, match=r"cut\.rsp"):
        bio.read_rmf(p)


def test_missing_extensions(bundled):
    with pytest.raises(DataFormatError, match=r"weightedrsp\.rsp\[SPECTRUM\]"):
        bio.read_pha(bundled / GBM / "bn090217206_n6_weightedrsp.rsp")
    with pytest.raises(DataFormatError, match=r"srcspectra\.pha\[MATRIX\]"):
        bio.read_rmf(bundled / GBM / "bn090217206_n6_srcspectra.pha")
    with pytest.raises(DataFormatError, match=r"srcspectra\.pha\[SPECRESP\]"):
        bio.read_arf(bundled / GBM / "bn090217206_n6_srcspectra.pha")


def test_no_counts_nor_rate(tmp_path):
    hdu = fits.BinTableHDU.from_columns([fits.Column("CHANNEL", "J", array=[1, 2])])
    hdu.header["EXTNAME"] = "SPECTRUM"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "x.pha")
    with pytest.raises(DataFormatError, match=r"x\.pha\[SPECTRUM\] COUNTS.*neither"):
        bio.read_pha(tmp_path / "x.pha")


@pytest.mark.parametrize("exposure", [0.0, -3.0])
def test_non_positive_exposure_type1(tmp_path, exposure):
    p = make_pha(tmp_path / "e.pha", exposure=exposure)
    with pytest.raises(DataFormatError, match=r"e\.pha\[SPECTRUM\] EXPOSURE.*not positive"):
        bio.read_pha(p)
    assert bio.read_pha_series(p).exposure[0] == exposure  # the series keeps it


def test_missing_exposure(tmp_path):
    with pytest.raises(DataFormatError, match=r"\[SPECTRUM\] EXPOSURE: keyword missing"):
        bio.read_pha(make_pha(tmp_path / "e.pha", EXPOSURE=None))


def test_non_numeric_keyword(tmp_path):
    with pytest.raises(DataFormatError, match=r"\[SPECTRUM\] BACKSCAL.*not a number"):
        bio.read_pha(make_pha(tmp_path / "e.pha", BACKSCAL="big"))


def test_column_length_mismatch(tmp_path):
    cols = [fits.Column("COUNTS", "4J", array=np.ones((2, 4))),
            fits.Column("QUALITY", "3I", array=np.zeros((2, 3))),
            fits.Column("EXPOSURE", "D", array=[1.0, 1.0])]
    hdu = fits.BinTableHDU.from_columns(cols)
    hdu.header["EXTNAME"] = "SPECTRUM"
    fits.HDUList([fits.PrimaryHDU(), hdu]).writeto(tmp_path / "m.pha")
    with pytest.raises(ChannelMismatchError, match=r"m\.pha\[SPECTRUM\] QUALITY"):
        bio.read_pha((tmp_path / "m.pha", 0))


def test_pha_ebounds_mismatch(tmp_path):
    p = make_pha(tmp_path / "p.pha")
    eb = fits.BinTableHDU.from_columns([fits.Column("E_MIN", "D", array=[1.0, 2.0]),
                                        fits.Column("E_MAX", "D", array=[2.0, 3.0])])
    eb.header["EXTNAME"] = "EBOUNDS"
    fits.append(p, eb.data, eb.header)
    with pytest.raises(ChannelMismatchError, match=r"p\.pha\[EBOUNDS\]"):
        bio.read_pha(p)


def test_row_out_of_range(bundled):
    f = bundled / "gbm_bn080916009" / "glg_cspec_n3_bn080916009_v01.pha"
    with pytest.raises(DataFormatError, match=r"v01\.pha\[SPECTRUM\].*1859 rows"):
        bio.read_pha(f, 5000)
    with pytest.raises(DataFormatError, match=r"\[SPECTRUM\].*1859 rows.*row index"):
        bio.read_pha(f)


def test_type1_with_row(bundled):
    with pytest.raises(DataFormatError, match=r"BAT\.pha\[SPECTRUM\].*1 row"):
        bio.read_pha(bundled / "grb110731a_bat_gbm" / "gbm_bat_joint_BAT.pha", 2)


def test_unknown_extver(bundled):
    with pytest.raises(DataFormatError, match=r"rsp2\[MATRIX\].*EXTVER 9"):
        bio.read_rmf(bundled / "gbm_bn080916009" / "glg_cspec_n3_bn080916009_v00.rsp2", 9)


def test_rmf_missing_column(bundled, tmp_path):
    with fits.open(bundled / GBM / "bn090217206_n6_weightedrsp.rsp") as h:
        m = h["SPECRESP MATRIX"]
        cols = fits.ColDefs([c for c in m.columns if c.name != "N_CHAN"])
        new = fits.BinTableHDU.from_columns(cols, header=m.header)
        fits.HDUList([h[0], h[1], new]).writeto(tmp_path / "r.rsp")
    with pytest.raises(DataFormatError, match=r"r\.rsp\[SPECRESP MATRIX\] N_CHAN.*missing"):
        bio.read_rmf(tmp_path / "r.rsp")


def test_arf_nan_energy(tmp_path):
    a = bio.ArfCurve(np.array([1.0, np.nan]), np.array([2.0, 3.0]), np.array([1.0, 1.0]))
    bio.write_arf(tmp_path / "a.arf", a)
    with pytest.raises(DataFormatError, match=r"a\.arf\[SPECRESP\].*NaN"):
        bio.read_arf(tmp_path / "a.arf")


def test_bad_container_write(tmp_path):
    with pytest.raises(DataFormatError, match="PhaSpectrum"):
        bio.write_pha(tmp_path / "x.pha", object())
    s = bio.PhaSpectrum(counts=[1.0, 2.0], exposure=1.0, quality=np.zeros(3))
    with pytest.raises(DataFormatError, match="QUALITY"):
        bio.write_pha(tmp_path / "x.pha", s)
    assert not (tmp_path / "x.pha").exists()
