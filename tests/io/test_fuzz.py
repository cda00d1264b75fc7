"""Mutated real files: a reader either loads cleanly or raises one of our errors."""

import io

import numpy as np
import pytest
from astropy.io import fits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bayspec import io as bio
from bayspec.errors import BayspecError

BUNDLED_CASES = [
    ("gbm_bn090217206/bn090217206_n6_srcspectra.pha", "pha"),
    ("gbm_bn090217206/bn090217206_n6_bkgspectra.bak", "pha"),
    ("gbm_bn090217206/bn090217206_n6_weightedrsp.rsp", "rmf"),
    ("gbm_bn080916009/glg_cspec_b0_bn080916009_v00.rsp2", "rmf"),
    ("grb110731a_bat_gbm/gbm_bat_joint_BAT.pha", "pha"),
    ("grb110731a_bat_gbm/gbm_bat_joint_BAT.rsp", "rmf"),
]


def _read(kind, data):
    if kind == "pha":
        return bio.read_pha_series(data), bio.read_pha((data, 0))
    return bio.read_rmf((data, 1))


def _accept(kind, data):
    try:
        _read(kind, data)
    except BayspecError:
        pass


def _table_mutation(data, draw):
    """Structural mutation through astropy: drop a column / keyword, write NaN or -1."""
    with fits.open(io.BytesIO(data)) as h:
        tables = [i for i, x in enumerate(h) if isinstance(x, fits.BinTableHDU)]
        i = draw(st.sampled_from(tables))
        hdu = h[i]
        action = draw(st.sampled_from(["drop_col", "drop_key", "nan", "negative", "zero"]))
        if action == "drop_key":
            keys = [k for k in hdu.header if k and not k.startswith(("NAXIS", "TFORM", "TTYPE",
                                                                     "XTENSION", "BITPIX",
                                                                     "PCOUNT", "GCOUNT",
                                                                     "TFIELDS"))]
            if keys:
                del hdu.header[draw(st.sampled_from(keys))]
            new = hdu
        else:
            cols = list(hdu.columns)
            c = draw(st.integers(0, len(cols) - 1))
            if action == "drop_col":
                new = fits.BinTableHDU.from_columns(
                    fits.ColDefs([x for j, x in enumerate(cols) if j != c]), header=hdu.header)
            else:
                new = hdu
                arr = hdu.data.field(c)
                if arr.dtype != object and arr.dtype.kind in "fiu" and arr.size:
                    value = {"nan": np.nan, "negative": -1, "zero": 0}[action]
                    if arr.dtype.kind in "iu" and action == "nan":
                        value = -7
                    flat = arr.reshape(-1)
                    pos = draw(st.integers(0, flat.size - 1))
                    flat[pos] = value
                    if draw(st.booleans()):
                        arr[...] = value
        h[i] = new
        out = io.BytesIO()
        h.writeto(out, output_verify="silentfix+ignore")
    return out.getvalue()


@settings(max_examples=int(__import__("os").environ.get("BAYSPEC_FUZZ", "150")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(st.data())
def test_fuzz_readers(bundled, data):
    name, kind = data.draw(st.sampled_from(BUNDLED_CASES))
    raw = (bundled / name).read_bytes()
    how = data.draw(st.sampled_from(["truncate", "flip", "table"]))
    if how == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw) - 1))]
    elif how == "flip":
        buf = bytearray(raw)
        for _ in range(data.draw(st.integers(1, 8))):
            pos = data.draw(st.integers(0, len(buf) - 1))
            buf[pos] = data.draw(st.integers(0, 255))
        raw = bytes(buf)
    else:
        try:
            raw = _table_mutation(raw, data.draw)
        except BayspecError:
            return
    _accept(kind, raw)


@pytest.mark.parametrize("name, kind", BUNDLED_CASES)
def test_every_prefix_class(bundled, name, kind):
    """Deterministic truncations at header/data block boundaries."""
    raw = (bundled / name).read_bytes()
    for cut in sorted({0, 80, 2880, 2880 * 2, len(raw) - 2880, len(raw) - 1}):
        if 0 <= cut < len(raw):
            _accept(kind, raw[:cut])
