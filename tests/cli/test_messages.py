"""Messages that name what is wrong (issue 11 item 13): `bayspec info` calls a truncated file
damaged and exits non-zero, names the channels of negative counts and the BACKFILE/RESPFILE
values that do not resolve; a failed fit says "fit failed:" once; fitting the Swift/XRT
spectrum (a photon bin starting at 0 keV) raises no numpy RuntimeWarning."""

import warnings

import yaml
from astropy.io import fits

from bayspec.cli.main import main


def test_info_truncated_file_is_damaged_and_exits_2(shared, tmp_path, capsys):
    for name in ("3c273.pi", "3c273.rmf"):
        data = (shared / "chandra_3c273" / name).read_bytes()
        cut = tmp_path / name
        cut.write_bytes(data[: len(data) * 2 // 3])
        assert main(["info", str(cut)]) == 2
        err = capsys.readouterr().err
        assert "truncated or damaged FITS file" in err and str(cut) in err
        assert "not OGIP" not in err


def test_info_names_negative_channels_and_unresolved_keywords(shared, tmp_path, capsys):
    with fits.open(shared / "chandra_3c273" / "3c273.pi") as h:
        h[1].data["COUNTS"][[10, 11, 40]] = -3
        h[1].header["BACKFILE"] = "nowhere_bg.pi"
        h.writeto(tmp_path / "neg.pi")
    assert main(["info", str(tmp_path / "neg.pi")]) == 0
    out = capsys.readouterr().out
    assert "3 negative count value(s) in channel(s) 11, 12, 41" in out
    assert "BACKFILE = 'nowhere_bg.pi' does not resolve" in out
    assert "RESPFILE = '3c273.rmf' does not resolve" in out  # not copied beside it
    assert main(["info", str(shared / "chandra_3c273" / "3c273.pi")]) == 0
    assert "does not resolve" not in capsys.readouterr().out


def test_fit_failed_is_said_once(bundled, tmp_path, capsys):
    from bayspec.examples import grb090217a

    n6 = grb090217a("n6")
    cfg = {"units": {"n6": {"src": n6["src"], "bkg": n6["bkg"], "rsp": n6["rsp"],
                            "notc": [[100.0, 104.0]], "stat": "pgstat"}},
           "model": "pl", "method": "mle", "plots": []}
    p = tmp_path / "one.yaml"
    p.write_text(yaml.safe_dump(cfg))
    assert main(["fit", str(p), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("fit failed") == 1 and "1 data point, 2 free parameters" in err
    assert not (tmp_path / "one-results").exists()


def test_swift_xrt_fit_raises_no_runtime_warning(shared):
    from bayspec.data import DataUnit
    from bayspec.infer import Infer
    from bayspec.model import parse_model

    d = shared / "swift_xrt"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        unit = DataUnit(str(d / "target_sr.pha"), False,
                        rmf=str(d / "swxpc0to12s6_20130101v014.rmf.gz"),
                        arf=str(d / "target_sr.arf"), stat="cstat", name="xrt")
        assert unit.ebin[0, 0] == 0.0
        for expr in ("pl", "tbabs*pl", "cpl"):
            infer = Infer([(unit, parse_model(expr))])
            infer.fit(raise_on_failure=False)
            infer.flux(0.5, 10, seed=0)
