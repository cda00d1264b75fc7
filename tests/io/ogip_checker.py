"""A checker of the OGIP files we write: the mandatory keywords and columns of OGIP/92-007
(PHA) and CAL/GEN/92-002 (RMF, RSP, ARF, EBOUNDS), FITS-standard units, integer COUNTS,
and a consistent CHANTYPE across a PHA with its background and responses.

Used by every writer test: ``check_file(path)`` checks each extension it knows;
``check_set(pha_path)`` follows BACKFILE/RESPFILE/ANCRFILE beside the PHA and checks the
whole set. Both raise ``AssertionError`` naming ``file[HDU] key``.

References: OGIP/92-007 (Arnaud, George & Tennant, "The OGIP spectral file format", §3.1),
CAL/GEN/92-002 (George et al., "The calibration requirements for spectral analysis",
§3.1 RMF, §3.2 EBOUNDS, §4 ARF).
"""

from pathlib import Path

import numpy as np
from astropy import units as u
from astropy.io import fits

DESCRIPTIVE = ("TELESCOP", "INSTRUME", "FILTER")
PHA_KEYS = DESCRIPTIVE + ("EXPOSURE", "CORRSCAL", "BACKFILE", "CORRFILE", "RESPFILE",
                          "ANCRFILE", "HDUCLASS", "HDUCLAS1", "HDUVERS", "POISSERR",
                          "CHANTYPE", "DETCHANS")
PHA_KW_OR_COL = ("AREASCAL", "BACKSCAL", "QUALITY", "GROUPING", "SYS_ERR")
MATRIX_KEYS = DESCRIPTIVE + ("CHANTYPE", "DETCHANS", "LO_THRES", "HDUCLASS", "HDUCLAS1",
                             "HDUCLAS2", "HDUVERS")
EBOUNDS_KEYS = DESCRIPTIVE + ("CHANTYPE", "DETCHANS", "HDUCLASS", "HDUCLAS1", "HDUCLAS2",
                              "HDUVERS")
ARF_KEYS = DESCRIPTIVE + ("HDUCLASS", "HDUCLAS1", "HDUCLAS2", "HDUVERS")
NONE = ("", "NONE")


def _where(path, hdu, key=""):
    return f"{Path(path).name}[{hdu.name}] {key}".strip()


def _need_keys(path, hdu, keys):
    for k in keys:
        v = hdu.header.get(k)
        assert v is not None and not (isinstance(v, str) and not v.strip()), \
            f"{_where(path, hdu, k)}: mandatory keyword missing"


def _need_cols(path, hdu, cols):
    names = [c.upper() for c in hdu.columns.names]
    for c in cols:
        assert c in names, f"{_where(path, hdu, c)}: mandatory column missing"


def _units(path, hdu):
    for c in hdu.columns:
        if c.unit:
            try:
                u.Unit(c.unit, format="fits")
            except ValueError as exc:
                raise AssertionError(f"{_where(path, hdu, c.name)}: TUNIT {c.unit!r} is not "
                                     f"a FITS unit ({exc})") from None


def _float_doubles(path, hdu, names):
    """Float columns we write are float64 (no narrowing of BACKSCAL and the like)."""
    for c in hdu.columns:
        if c.name.upper() in names and c.format[-1] == "E":
            raise AssertionError(f"{_where(path, hdu, c.name)}: float32 column {c.format}")


def check_pha(path, hdu):
    """OGIP/92-007 mandatory keywords and columns of one SPECTRUM extension."""
    h = hdu.header
    assert h.get("EXTNAME") == "SPECTRUM", f"{_where(path, hdu)}: EXTNAME"
    # a type II file may hold EXPOSURE and the file pointers as columns (OGIP/92-007 §3.3)
    keys = [k for k in PHA_KEYS if k not in hdu.columns.names]
    _need_keys(path, hdu, keys)
    assert h["HDUCLASS"] == "OGIP" and h["HDUCLAS1"] == "SPECTRUM", _where(path, hdu, "HDUCLAS1")
    assert h["CHANTYPE"] in ("PHA", "PI"), _where(path, hdu, "CHANTYPE")
    names = [c.upper() for c in hdu.columns.names]
    for k in PHA_KW_OR_COL:
        assert k in names or k in h, f"{_where(path, hdu, k)}: neither keyword nor column"
    _need_cols(path, hdu, ["CHANNEL"])
    assert ("COUNTS" in names) != ("RATE" in names), f"{_where(path, hdu)}: COUNTS xor RATE"
    if "COUNTS" in names:
        col = hdu.columns["COUNTS"]
        assert col.format[-1] in "IJK", \
            f"{_where(path, hdu, 'COUNTS')}: non-integer COUNTS column ({col.format})"
        assert h.get("HDUCLAS3", "COUNT") == "COUNT", _where(path, hdu, "HDUCLAS3")
    else:
        assert h.get("HDUCLAS3") == "RATE", _where(path, hdu, "HDUCLAS3")
    if not h["POISSERR"]:
        _need_cols(path, hdu, ["STAT_ERR"])
    chan = hdu.columns.names.index("CHANNEL") + 1
    assert f"TLMIN{chan}" in h and f"TLMAX{chan}" in h, _where(path, hdu, f"TLMIN{chan}")
    _units(path, hdu)
    _float_doubles(path, hdu, ("BACKSCAL", "AREASCAL", "STAT_ERR", "SYS_ERR", "RATE"))


def check_matrix(path, hdu):
    """CAL/GEN/92-002 §3.1 keywords and columns of a MATRIX / SPECRESP MATRIX extension."""
    _need_keys(path, hdu, MATRIX_KEYS)
    h = hdu.header
    assert h["HDUCLAS1"] == "RESPONSE" and h["HDUCLAS2"] == "RSP_MATRIX", \
        _where(path, hdu, "HDUCLAS2")
    _need_cols(path, hdu, ["ENERG_LO", "ENERG_HI", "N_GRP", "F_CHAN", "N_CHAN", "MATRIX"])
    fch = hdu.columns.names.index("F_CHAN") + 1
    assert f"TLMIN{fch}" in h, f"{_where(path, hdu, f'TLMIN{fch}')}: first channel missing"
    _units(path, hdu)
    _float_doubles(path, hdu, ("ENERG_LO", "ENERG_HI"))


def check_ebounds(path, hdu):
    """CAL/GEN/92-002 §3.2 keywords and columns of EBOUNDS."""
    _need_keys(path, hdu, EBOUNDS_KEYS)
    assert hdu.header["HDUCLAS2"] == "EBOUNDS", _where(path, hdu, "HDUCLAS2")
    _need_cols(path, hdu, ["CHANNEL", "E_MIN", "E_MAX"])
    _units(path, hdu)
    _float_doubles(path, hdu, ("E_MIN", "E_MAX"))


def check_arf(path, hdu):
    """CAL/GEN/92-002 §4 keywords and columns of SPECRESP."""
    _need_keys(path, hdu, ARF_KEYS)
    assert hdu.header["HDUCLAS2"] == "SPECRESP", _where(path, hdu, "HDUCLAS2")
    _need_cols(path, hdu, ["ENERG_LO", "ENERG_HI", "SPECRESP"])
    _units(path, hdu)
    _float_doubles(path, hdu, ("ENERG_LO", "ENERG_HI", "SPECRESP"))


def check_file(path):
    """Check every OGIP extension of ``path``; returns ``{extname: count}``.

    A response file (a matrix) must carry EBOUNDS; ``astropy`` verification must pass.
    """
    seen = {}
    with fits.open(path) as hdul:
        hdul.verify("exception")
        for hdu in hdul[1:]:
            name = hdu.name
            if name == "SPECTRUM":
                check_pha(path, hdu)
            elif name in ("MATRIX", "SPECRESP MATRIX"):
                check_matrix(path, hdu)
            elif name == "EBOUNDS":
                check_ebounds(path, hdu)
            elif name == "SPECRESP":
                check_arf(path, hdu)
            seen[name] = seen.get(name, 0) + 1
        if seen.get("MATRIX") or seen.get("SPECRESP MATRIX"):
            assert "EBOUNDS" in seen, f"{Path(path).name}: response without EBOUNDS"
    assert seen, f"{Path(path).name}: no OGIP extension"
    return seen


def _pointer(h, key, folder):
    v = str(h.get(key, "none")).strip()
    if v.upper() in NONE:
        return None
    p = Path(folder) / v
    assert p.exists(), f"{key} = {v!r} points to no file beside the PHA"
    return p


def check_set(pha_path):
    """Check a PHA and every file it points to; CHANTYPE must agree across the set.

    Returns ``{"pha", "bkg", "rmf", "arf"}`` paths (None when absent).
    """
    pha_path = Path(pha_path)
    check_file(pha_path)
    with fits.open(pha_path) as hdul:
        h = hdul["SPECTRUM"].header
        chantype = h["CHANTYPE"]
        out = {"pha": pha_path, **{k.lower()[:3]: _pointer(h, k, pha_path.parent)
                                   for k in ("BACKFILE", "RESPFILE", "ANCRFILE")}}
        if "EBOUNDS" in hdul:
            assert hdul["EBOUNDS"].header["CHANTYPE"] == chantype, "EBOUNDS CHANTYPE"
    files = {"bkg": out.pop("bac"), "rmf": out.pop("res"), "arf": out.pop("anc")}
    out.update(files)
    for kind, p in files.items():
        if p is None:
            continue
        check_file(p)
        if kind == "arf":
            continue
        with fits.open(p) as hdul:
            for hdu in hdul[1:]:
                if "CHANTYPE" in hdu.header:
                    assert hdu.header["CHANTYPE"] == chantype, \
                        f"{_where(p, hdu, 'CHANTYPE')}: {hdu.header['CHANTYPE']} vs the PHA's " \
                        f"{chantype}"
    return out


def no_float_counts(path):
    """True when no SPECTRUM extension of ``path`` has a non-integer COUNTS column."""
    with fits.open(path) as hdul:
        for hdu in hdul[1:]:
            if hdu.name == "SPECTRUM" and "COUNTS" in hdu.columns.names:
                if hdu.columns["COUNTS"].format[-1] not in "IJK":
                    return False
                data = np.asarray(hdu.data["COUNTS"], dtype=float)
                if np.any(data != np.round(data)):
                    return False
    return True
