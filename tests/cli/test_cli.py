"""The bayspec command: info, fit from a YAML config, config errors, overwrite, demo."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bayspec.cli.config import parse_config
from bayspec.cli.main import main
from bayspec.errors import ConfigError, OverwriteError
from bayspec.examples import grb090217a

REPO = Path(__file__).resolve().parents[2]


def _config(**over):
    n6, b1 = grb090217a("n6"), grb090217a("b1")
    cfg = {
        "units": {
            "n6": {"src": n6["src"], "bkg": n6["bkg"], "rsp": n6["rsp"], "notc": [[8, 900]],
                   "stat": "pgstat"},
            "b1": {"src": b1["src"], "bkg": b1["bkg"], "rsp": b1["rsp"],
                   "notc": [250, 38000], "stat": "pgstat"},
        },
        "model": "cpl",
        "params": {"cpl.K": 0.0126, "cpl.Ep": {"value": 500, "prior": ["loguniform", 10, 1e4]}},
        "method": "mle",
        "plots": ["fit", "spectrum"],
        "fluxes": [[10, 1000]],
    }
    cfg.update(over)
    return cfg


def _write(tmp_path, cfg, name="fit.yaml"):
    p = tmp_path / name
    p.write_text(yaml.safe_dump(cfg))
    return p


@pytest.mark.parametrize("det", ["n6", "b1"])
def test_info_bundled(det, capsys):
    for f in grb090217a(det).values():
        assert main(["info", f]) == 0
    out = capsys.readouterr().out
    assert "type: PHA II" in out and "type: RSP" in out and "extensions:" in out
    assert "128" in out and "keV" in out


def test_info_rsp2_and_problems(bundled, capsys):
    folder = bundled / "gbm_bn080916009"
    assert main(["info", str(folder / "glg_cspec_b0_bn080916009_v00.rsp2"),
                 str(folder / "glg_cspec_n3_bn080916009_v01.pha")]) == 0
    out = capsys.readouterr().out
    assert "type: RSP2" in out and "matrices:" in out and "3" in out
    assert "zero or negative exposure" in out and "QUALITY" in out


def test_info_every_shared_file(shared, capsys):
    files = [p for p in shared.rglob("*") if p.is_file() and p.suffix not in (".md", ".rst")]
    assert main(["info", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert out.count("  type: ") == len(files)


def test_info_missing_file(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nope.pha")]) == 2
    assert "nope.pha" in capsys.readouterr().err


def test_fit_writes_outputs(tmp_path, capsys):
    cfg = _write(tmp_path, _config())
    out = tmp_path / "out"
    assert main(["fit", str(cfg), "-o", str(out), "--quiet"]) == 0
    for name in ("result.ecsv", "result.json", "fit.png", "spectrum.png", "report.md"):
        assert (out / name).stat().st_size > 0, name
    assert not (out / "posterior.h5").exists()
    res = json.loads((out / "result.json").read_text())
    assert res["dof"] > 0 and res["stat"] > 0 and len(res["fluxes"]) == 2
    report = (out / "report.md").read_text()
    assert "stat/dof" in report and "cpl.Ep" in report and "Fluxes" in report
    from astropy.table import Table

    t = Table.read(out / "result.ecsv")
    assert list(t["name"]) == ["cpl.K", "cpl.alpha", "cpl.Ep"]
    assert 300 < t["value"][2] < 900  # Ep of GRB 090217A (keV)
    assert "results in" in capsys.readouterr().out
    # a second run refuses to overwrite, and --overwrite replaces
    with pytest.raises(OverwriteError):
        from bayspec.cli.main import run_fit
        run_fit(cfg, out, progress=False, echo=lambda *a: None)
    assert main(["fit", str(cfg), "-o", str(out), "--quiet"]) == 2
    assert main(["fit", str(cfg), "-o", str(out), "--quiet", "--overwrite"]) == 0


def test_relative_paths_and_links(tmp_path):
    n6 = grb090217a("n6")
    for v in n6.values():
        (tmp_path / Path(v).name).write_bytes(Path(v).read_bytes())
    raw = {"units": {"n6": {k: Path(v).name for k, v in n6.items()} | {"notc": [8, 900]}},
           "model": "band + bb", "params": {"n6.sf": "free", "bb.kT": {"link": "band.Ep"}}}
    cfg = parse_config(raw, base=tmp_path)
    assert Path(cfg.units[0].src).parent == tmp_path
    from bayspec.cli.build import build

    data, model = build(cfg)
    assert data["n6"].par["sf"].free and model.params["bb.kT"].linked


@pytest.mark.parametrize("change, key, words", [
    ({"units": {}}, "units", "missing"),
    ({"model": "cpl + nosuch"}, "model", "nosuch"),
    ({"model": ""}, "model", "missing"),
    ({"method": "mcmc"}, "method", "unknown method"),
    ({"params": {"cpl.Ec": 3}}, "params.cpl.Ec", "unknown parameter"),
    ({"params": {"cpl.Ep": {"prior": ["gamma", 1, 2]}}}, "params.cpl.Ep.prior", "unknown prior"),
    ({"params": {"cpl.Ep": {"bounds": [5, 1]}}}, "params.cpl.Ep.bounds", "lo < hi"),
    ({"colour": "red"}, "colour", "unknown key"),
])
def test_bad_config_names_key(tmp_path, change, key, words):
    from bayspec.cli.build import build

    with pytest.raises(ConfigError) as err:
        build(parse_config(_config(**change), base=tmp_path))
    assert err.value.key == key
    assert words in str(err.value)


@pytest.mark.parametrize("unit_change, key, words", [
    ({"stat": "cash2"}, "units.n6.stat", "cash2"),
    ({"notc": [900, 8]}, "units.n6.notc", "lo < hi"),
    ({"notc": "soft"}, "units.n6.notc", "notc"),
    ({"notc": [[5000, 6000]]}, "units.n6.notc", "selects no"),
    ({"src": "missing.pha"}, "units.n6.src", "file not found"),
    ({"src": None}, "units.n6.src", "missing"),
    ({"arf": "x.arf"}, "units.n6.arf", "file not found"),
    ({"colour": 1}, "units.n6.colour", "unknown unit setting"),
])
def test_bad_unit_names_key(tmp_path, unit_change, key, words):
    from bayspec.cli.build import build

    cfg = _config()
    cfg["units"]["n6"].update(unit_change)
    with pytest.raises(ConfigError) as err:
        build(parse_config(cfg, base=tmp_path))
    assert err.value.key == key, str(err.value)
    assert words in str(err.value)


def test_bad_config_file_cli_message(tmp_path, capsys):
    cfg = _config()
    del cfg["units"]["b1"]["src"]
    path = _write(tmp_path, cfg)
    assert main(["fit", str(path), "-o", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "ConfigError" in err and "units.b1.src" in err and str(path) in err
    assert main(["fit", str(tmp_path / "absent.yaml")]) == 2


@pytest.mark.slow
def test_demo_end_to_end(tmp_path):
    """The demo (short emcee) in a fresh process: config, tables, posterior, plots."""
    out = tmp_path / "demo"
    fig = tmp_path / "readme.png"
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, "-m", "bayspec.cli.main", "demo", "--quick",
                           "--quiet", "-o", str(out), "--readme-figure", str(fig)],
                          capture_output=True, text=True, env=env, timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for name in ("grb090217a.yaml", "result.ecsv", "result.json", "posterior.h5", "fit.png",
                 "spectrum.png", "corner.png", "report.md"):
        assert (out / name).stat().st_size > 0, name
    assert fig.stat().st_size > 10000
    assert str(out) in proc.stdout
    res = json.loads((out / "result.json").read_text())
    assert 400 < res["values"]["cpl.Ep"] < 800 and res["posterior_summary"]
    # the config it wrote is an ordinary config: bayspec fit runs it
    cfg = yaml.safe_load((out / "grb090217a.yaml").read_text())
    assert cfg["units"]["n6"]["src"].startswith("data/")
    assert main(["fit", str(out / "grb090217a.yaml"), "-o", str(out)]) == 2  # no overwrite


def test_quick_demo_after_full_demo_and_nothing_outside_the_folder(tmp_path, monkeypatch):
    """``bayspec demo --quick`` after ``bayspec demo`` works (its own folder), and run from a
    source tree the demo writes nothing outside its output folder."""
    from bayspec.cli.main import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "architecture.md").write_text("x")
    (tmp_path / "src" / "bayspec").mkdir(parents=True)
    for args in (["demo", "--quick", "--quiet"], ["demo", "--quick", "--quiet", "-o", "bayspec-demo"]):
        assert main(args) in (0, 3)
    assert (tmp_path / "bayspec-demo-quick" / "fit.png").exists()
    assert (tmp_path / "bayspec-demo" / "fit.png").exists()
    assert not (tmp_path / "docs" / "demo_fit.png").exists()
