"""Acceptance: W-stat of Chandra 3C 273 against sherpa (REFERENCE.md), files read directly."""

import numpy as np
import pytest

from bayspec.stat import get_statistic

fits = pytest.importorskip("astropy.io.fits")

REF = {
    ("file", "all"): (46, 62.12275005769554),
    ("file", "notice"): (35, 39.84715083397662),
    ("none", "all"): (1024, 652.9968167212116),
    ("none", "notice"): (375, 416.0601496345599),
}


def _load(root):
    d = root / "chandra_3c273"
    src = fits.getdata(d / "3c273.pi", "SPECTRUM", header=True)
    bkg = fits.getdata(d / "3c273_bg.pi", "SPECTRUM", header=True)
    arf = fits.getdata(d / "3c273.arf", "SPECRESP")["SPECRESP"].astype(float)
    with fits.open(d / "3c273.rmf") as h:
        mat, eb = h["MATRIX"], h["EBOUNDS"].data
        nchan, first = mat.header["DETCHANS"], mat.header.get("TLMIN4", 1)
        lo, hi = mat.data["ENERG_LO"].astype(float), mat.data["ENERG_HI"].astype(float)
        rmf = np.zeros((lo.size, nchan))
        for i, row in enumerate(mat.data):
            vals, j = np.asarray(row["MATRIX"], float), 0
            for f, n in zip(np.atleast_1d(row["F_CHAN"]), np.atleast_1d(row["N_CHAN"])):
                rmf[i, f - first:f - first + n] = vals[j:j + n]
                j += n
        emin, emax = eb["E_MIN"].astype(float), eb["E_MAX"].astype(float)

    def eff(hdr):
        return hdr["EXPOSURE"] * hdr.get("BACKSCAL", 1.0) * hdr.get("AREASCAL", 1.0)

    gam, K = 1.782, 1.622e-4
    flux = K / (1 - gam) * (hi ** (1 - gam) - lo ** (1 - gam))
    m = (flux * arf) @ rmf * src[1]["EXPOSURE"]
    return (src[0]["COUNTS"].astype(float), bkg[0]["COUNTS"].astype(float), m,
            eff(src[1]), eff(bkg[1]), src[0]["GROUPING"], emin, emax)


@pytest.mark.shared
def test_wstat_3c273_matches_sherpa(shared):
    S, B, m, ts, tb, grouping, emin, emax = _load(shared)
    notice = np.zeros(S.size, bool)
    for lo, hi in [(0.5, 3.0), (4.0, 7.0)]:
        notice |= (emin >= lo) & (emax <= hi)
    gid = np.cumsum(grouping == 1) - 1
    ng = gid[-1] + 1

    def grp(x):
        return np.bincount(gid, weights=x, minlength=ng)

    keep = np.bincount(gid, weights=~notice, minlength=ng) == 0
    for name in ("wstat", "cstat"):
        f = get_statistic(name)
        w = f(S, B, m[None], ts, tb)[0]
        wg = f.prepare(grp(S), grp(B), ts, tb)(grp(m)[None])[0]
        got = {
            ("none", "all"): (S.size, w.sum()),
            ("none", "notice"): (notice.sum(), w[notice].sum()),
            ("file", "all"): (ng, wg.sum()),
            ("file", "notice"): (keep.sum(), wg[keep].sum()),
        }
        for key, (nbins, value) in REF.items():
            assert got[key][0] == nbins, key
            assert got[key][1] == pytest.approx(value, rel=1e-10), key
