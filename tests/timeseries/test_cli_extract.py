"""``bayspec extract``: spectra of intervals from the n3 TTE file, light curve, store."""

import json

import numpy as np
import pytest
from astropy.table import Table
from tshelpers import rsp_path, tte_path

from bayspec.cli.main import main
from bayspec.data import DataUnit


def test_extract_list_of_intervals(tmp_path, capsys):
    out = tmp_path / "ex"
    args = [str(tte_path("n3")), "--rsp", str(rsp_path("n3")), "--bkg=-25:-5,150:300",
            "--intervals", "0:5,5:10", "--energy", "8:900", "-o", str(out),
            "--store", str(tmp_path / "grb.h5")]
    assert main(["extract", *args]) == 0
    text = capsys.readouterr().out
    assert "2 interval(s)" in text and "n3: background orders" in text
    t = Table.read(out / "intervals.ecsv")
    np.testing.assert_array_equal(t["t_min"], [0, 5])
    assert np.all(t["n3_counts"] > t["n3_bkg_counts"])
    for i in range(2):
        for ext in ("pha", "bak", "rsp"):
            assert (out / f"n3_{i:03d}.{ext}").exists()
    assert (out / "n3_lightcurve.png").stat().st_size > 10000
    bk = json.loads((out / "n3_background.json").read_text())
    assert bk["format"] == "bayspec.BackgroundFit" and len(bk["orders"]) == 128
    u = DataUnit(str(out / "n3_000.pha"), notc=[8, 900])  # BACKFILE/RESPFILE followed
    assert u.bkg_ins is not None and 4.9 < u.src_ins.exposure < 5.0
    # the store holds both intervals as one series with their background
    from bayspec.store import Store, unit_from_store
    st = Store(tmp_path / "grb.h5")
    key = [k for k in st.spectra.keys()][0]
    assert key.endswith("/n3/intervals") and st.spectra.nrow(key) == 2
    su = unit_from_store(st, key, row=1, notc=[8, 900])
    np.testing.assert_array_equal(su.src_counts, DataUnit(str(out / "n3_001.pha"),
                                                          notc=[8, 900]).src_counts)
    # existing outputs are kept unless --overwrite
    assert main(["extract", *args[:-2]]) == 2
    assert "exists" in capsys.readouterr().err


def test_extract_bad_arguments(tmp_path, capsys):
    rc = main(["extract", str(tte_path("n3")), "--rsp", str(rsp_path("n3")),
               "--bkg=-25:-5", "--constant", "1.0", "-o", str(tmp_path)])
    assert rc == 2 and "--range" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["extract", str(tte_path("n3")), "--rsp", str(rsp_path("n3")), "--bkg=-25:-5"])


@pytest.mark.slow
def test_extract_two_detectors_with_their_energy_ranges(tmp_path):
    out = tmp_path / "ex2"
    rc = main(["extract", str(tte_path("n3")), str(tte_path("b0")), "--rsp",
               str(rsp_path("n3")), str(rsp_path("b0")), "--bkg=-25:-5,150:300",
               "--intervals", "0:10", "--energy", "8:900,250:30000", "-o", str(out)])
    assert rc == 0
    t = Table.read(out / "intervals.ecsv")
    assert {"n3_counts", "b0_counts", "b0_bkg_counts"} <= set(t.colnames)
    for det in ("n3", "b0"):
        assert (out / f"{det}_lightcurve.png").exists()
        assert (out / f"{det}_000.pha").exists()
    rc = main(["extract", str(tte_path("n3")), "--rsp", str(rsp_path("n3")),
               "--bkg=-25:-5,150:300", "--intervals", "0:10", "--energy", "8:900,250:3000",
               "-o", str(tmp_path / "ex3")])
    assert rc == 2
