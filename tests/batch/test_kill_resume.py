"""SIGKILL a running batch, resume it, and check every fit is recorded exactly once."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import h5py
import pytest
from batch_helpers import KEY

from bayspec.batch import Template, run_batch, tasks_from_store
from bayspec.store import ResultStore

TEMPLATE = Template("pl", stat="cstat", notc=[8, 900], fit={"n_starts": 64})
ROWS = "1300:1500"


def _script(store, out):
    return textwrap.dedent(f"""
        from bayspec.batch import Template, run_batch, tasks_from_store
        t = Template.from_dict({TEMPLATE.to_dict()!r})
        tasks = tasks_from_store({str(store)!r}, {KEY!r}, rows={ROWS!r})
        run_batch(t, tasks, {str(out)!r}, workers=2, chunk_size=2, progress=False)
    """)


@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs POSIX process groups")
def test_sigkill_midway_then_resume(gbm_store, tmp_path):
    out = tmp_path / "res.h5"
    rs = ResultStore(out, mode="r")
    proc = subprocess.Popen([sys.executable, "-c", _script(gbm_store, out)],
                            start_new_session=True, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"batch ended before the kill: {proc.stderr.read().decode()}")
            if rs.journal.exists() and len(rs.records()) >= 30:
                break
            time.sleep(0.05)
        else:
            pytest.fail("batch made no progress")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the batch process and its workers
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    n_before = len(rs.records())
    assert 30 <= n_before < 200

    tasks = tasks_from_store(gbm_store, KEY, rows=ROWS)
    report = run_batch(TEMPLATE, tasks, out, workers=2, progress=False)
    assert report.skipped == n_before and report.done == 200 - n_before
    recs = ResultStore(out, mode="r").records()
    keys = [r["key"] for r in recs]
    assert sorted(keys) == sorted(t.key for t in tasks)  # each exactly once
    assert all(r["status"] == "ok" for r in recs)
    with h5py.File(out, "r") as f:  # the HDF5 file itself is readable and complete
        assert int(f["results"].attrs["nrec"]) == 200
