"""Output folders hold one run and say whether it completed (issue 11, items 6-8): files of an
earlier run never stay beside new ones with --overwrite, a second concurrent run into the
same folder stops with a clear message, and a run killed in its write phase is reported as
incomplete by ``bayspec info FOLDER`` (manifest.json, written last, is the marker)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

from bayspec.cli.main import main
from bayspec.cli.report import LOCK, MANIFEST, PAUSE_ENV, output_lock
from bayspec.errors import OverwriteError
from bayspec.examples import grb090217a


def _config(tmp_path, name="fit.yaml", **over):
    n6 = grb090217a("n6")
    cfg = {"units": {"n6": {"src": n6["src"], "bkg": n6["bkg"], "rsp": n6["rsp"],
                            "notc": [[8, 900]], "stat": "pgstat"}},
           "model": "cpl", "method": "mle", "plots": [], "fluxes": [[10, 1000]],
           "params": {"cpl.Ep": {"value": 300, "prior": ["loguniform", 10, 1e4]},
                      "cpl.alpha": {"value": -0.8, "prior": ["uniform", -2, 1]},
                      "cpl.K": {"value": 0.05, "prior": ["loguniform", 1e-4, 10]}}}
    cfg.update(over)
    p = tmp_path / name
    p.write_text(yaml.safe_dump(cfg))
    return p


def test_overwrite_removes_the_earlier_runs_files(tmp_path, capsys):
    out = tmp_path / "out"
    emcee = _config(tmp_path, "emcee.yaml", method="emcee", plots=["corner"],
                    options={"nwalkers": 8, "nsteps": 60, "burn": 20, "seed": 1})
    assert main(["fit", str(emcee), "-o", str(out), "--quiet"]) == 0
    assert (out / "posterior.h5").exists() and (out / "corner.png").exists()
    (out / "notes.txt").write_text("mine")  # not a run file: kept
    mle = _config(tmp_path, "mle.yaml")
    with pytest.raises(OverwriteError, match="an earlier run"):
        from bayspec.cli.main import run_fit
        run_fit(mle, out, progress=False, echo=lambda *a: None)
    assert main(["fit", str(mle), "-o", str(out), "--quiet", "--overwrite"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([LOCK, MANIFEST, "notes.txt", "report.md", "result.ecsv",
                            "result.json"])
    man = json.loads((out / MANIFEST).read_text())
    assert [f["name"] for f in man["files"]] == ["result.ecsv", "result.json", "report.md"]
    assert man["configuration"]["content"]["method"] == "mle" and man["bayspec_version"]
    capsys.readouterr()
    assert main(["info", str(out)]) == 0
    assert "run: complete (3 files verified" in capsys.readouterr().out


def test_second_concurrent_run_stops_with_a_clear_message(tmp_path, capsys):
    out = tmp_path / "out"
    cfg = _config(tmp_path)
    with output_lock(out):  # a run in another process holds the folder ...
        code = subprocess.run([sys.executable, "-m", "bayspec.cli.main", "fit", str(cfg),
                               "-o", str(out), "--quiet", "--overwrite"],
                              capture_output=True, text=True)
    assert code.returncode == 2
    assert "in use by another bayspec run (pid" in code.stderr and str(out) in code.stderr
    assert not (out / "result.json").exists()
    assert main(["fit", str(cfg), "-o", str(out), "--quiet"]) == 0  # released afterwards


def test_killed_run_is_reported_incomplete(tmp_path, capsys):
    out = tmp_path / "out"
    cfg = _config(tmp_path)
    flag = tmp_path / "paused"
    env = dict(os.environ, **{PAUSE_ENV: str(flag)})
    proc = subprocess.Popen([sys.executable, "-m", "bayspec.cli.main", "fit", str(cfg), "-o",
                             str(out), "--quiet"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(1200):  # wait for the write phase (files in place, no manifest yet)
            if flag.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert flag.exists(), "the run never reached its write phase"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert (out / "result.json").exists() and (out / "report.md").exists()
    assert not (out / MANIFEST).exists()
    capsys.readouterr()
    assert main(["info", str(out)]) == 1
    text = capsys.readouterr().out
    assert "run: INCOMPLETE" in text and "result.json" in text
    # the lock died with the process: a rerun replaces the incomplete run
    assert main(["fit", str(cfg), "-o", str(out), "--quiet", "--overwrite"]) == 0
    assert main(["info", str(out)]) == 0
    # a file changed after the run completed is reported
    with open(out / "result.json", "a") as fh:
        fh.write(" ")
    capsys.readouterr()
    assert main(["info", str(out)]) == 1
    assert "result.json: size" in capsys.readouterr().out
