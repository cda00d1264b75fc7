"""ResultStore: append, resume, and survival of a process killed with SIGKILL."""

import os
import signal
import subprocess
import sys
import textwrap

import h5py
import numpy as np
import pytest

from bayspec.errors import StoreError
from bayspec.store import ResultStore


def test_append_and_resume(tmp_path):
    rs = ResultStore(tmp_path / "res.h5")
    rec = rs.append("grb/gbm/n3/s#0", ["cpl.alpha", "cpl.epeak"], [-1.0, 300.0],
                    [0.1, 20.0], statistic=123.4, dof=100, extra={"flux": 1e-6})
    rs.append("grb/gbm/n3/s#1", ["cpl.alpha"], [np.nan], status="failed",
              message="FitError: epeak at bound")
    assert rec["id"] and rs.iso(rec).endswith("+00:00")
    again = ResultStore(tmp_path / "res.h5", mode="r")     # a new process resuming
    assert again.done_keys() == {"grb/gbm/n3/s#0", "grb/gbm/n3/s#1"}
    assert again.done_keys(status="ok") == {"grb/gbm/n3/s#0"}
    r0 = again.latest("grb/gbm/n3/s#0")
    assert r0["names"] == ["cpl.alpha", "cpl.epeak"] and r0["values"] == [-1.0, 300.0]
    assert r0["errors"] == [0.1, 20.0] and r0["dof"] == 100 and r0["extra"]["flux"] == 1e-6
    r1 = again.latest("grb/gbm/n3/s#1")
    assert r1["status"] == "failed" and "epeak" in r1["message"]
    assert np.isnan(r1["values"][0]) and np.isnan(r1["errors"][0])
    assert len(again) == 2
    with h5py.File(tmp_path / "res.h5", "r") as f:       # committed to HDF5, not only journal
        assert f["results"].attrs["nrec"] == 2
    with pytest.raises(StoreError, match="read-only"):
        again.append("x", [], [])
    with pytest.raises(StoreError, match="no such result") as e:
        again.latest("grb/gbm/n3/s#2")
    assert "grb/gbm/n3/s#1" in str(e.value)
    with pytest.raises(StoreError, match="differ in length"):
        rs.append("x", ["a", "b"], [1.0])
    with pytest.raises(StoreError, match="JSON"):
        rs.append("x", [], [], extra={"a": object()})


def test_torn_journal_line_is_ignored(tmp_path):
    rs = ResultStore(tmp_path / "res.h5")
    rs.append("a", ["p"], [1.0])
    with open(rs.journal, "ab") as fh:
        fh.write(b'{"id": "deadbeef", "key": "half')        # killed mid-line
    assert ResultStore(tmp_path / "res.h5").done_keys() == {"a"}
    rs2 = ResultStore(tmp_path / "res.h5")
    rs2.append("b", ["p"], [2.0])
    assert ResultStore(tmp_path / "res.h5").done_keys() == {"a", "b"}


def test_pending_journal_records_are_read_and_replayed(tmp_path):
    rs = ResultStore(tmp_path / "res.h5")
    rs.append("a", ["p"], [1.0])
    # simulate a kill after the journal write but before the HDF5 commit
    rs._journal_append({"id": "x1", "key": "b", "names": ["p"], "values": [2.0],
                        "errors": [0.0], "statistic": 1.0, "dof": 1, "status": "ok",
                        "message": "", "timestamp": 0.0, "extra": {}})
    assert ResultStore(tmp_path / "res.h5").done_keys() == {"a", "b"}
    rs3 = ResultStore(tmp_path / "res.h5")
    rs3.append("c", ["p"], [3.0])
    with h5py.File(tmp_path / "res.h5", "r") as f:
        assert f["results"].attrs["nrec"] == 3
    assert [r["key"] for r in rs3.records()] == ["a", "b", "c"]


def test_corrupt_file_rebuilt_from_journal(tmp_path):
    path = tmp_path / "res.h5"
    rs = ResultStore(path)
    for i in range(3):
        rs.append(f"k{i}", ["p"], [float(i)])
    path.write_bytes(b"\0garbage" * 64)                  # the HDF5 file is destroyed
    with pytest.warns(RuntimeWarning, match="unreadable"):
        assert ResultStore(path).done_keys() == {"k0", "k1", "k2"}
    ResultStore(path).append("k3", ["p"], [3.0])         # rebuilds, moves the wreck aside
    assert ResultStore(path).done_keys() == {"k0", "k1", "k2", "k3"}
    assert any(p.name.startswith("res.h5.corrupt-") for p in tmp_path.iterdir())


_WRITER = textwrap.dedent("""
    import sys, time
    from bayspec.store import ResultStore
    rs = ResultStore(sys.argv[1])
    done = rs.done_keys()
    for i in range(100000):
        key = f"grb/gbm/n3/s#{i}"
        if key in done:
            continue
        rs.append(key, ["a", "b", "c"], [i, 2.0 * i, 3.0], [0.1, 0.2, 0.3],
                  statistic=float(i), dof=i)
        print(key, flush=True)
""")


@pytest.mark.parametrize("n_before_kill", [5, 40])
def test_sigkill_mid_loop_keeps_completed_results(tmp_path, n_before_kill):
    path = tmp_path / "res.h5"
    script = tmp_path / "writer.py"
    script.write_text(_WRITER)
    completed = []
    for rnd in range(2):        # kill, then resume and kill again
        proc = subprocess.Popen([sys.executable, str(script), str(path)],
                                stdout=subprocess.PIPE, text=True)
        try:
            for line in proc.stdout:
                completed.append(line.strip())
                if len(completed) >= n_before_kill * (rnd + 1):
                    break
            os.kill(proc.pid, signal.SIGKILL)   # most likely in the middle of an append
        finally:
            proc.wait(timeout=30)
            proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        with h5py.File(path, "r") as f:         # the HDF5 file itself is readable
            assert f["results"].attrs["nrec"] >= 1
        rs = ResultStore(path, mode="r")
        done = rs.done_keys()
        assert set(completed) <= done           # every completed append survived
        for key in completed:
            r = rs.latest(key)
            i = int(key.split("#")[1])
            assert r["values"] == [i, 2.0 * i, 3.0] and r["dof"] == i
        keys = [r["key"] for r in rs.records()]
        assert len(keys) == len(set(keys))      # resume never duplicated a result
    # a final clean resume appends after everything
    ResultStore(path).append("final", [], [])
    assert "final" in ResultStore(path).done_keys()
