import math

import numpy as np
import pytest
from batch_helpers import EMPTY_ROW, GBM, KEY, NEG_EXPOSURE_ROW

from bayspec._optional import MissingDependencyError, require
from bayspec.batch import Task, Template, run_batch, run_chunk, tasks_from_files, tasks_from_store
from bayspec.errors import ConfigError
from bayspec.store import ResultStore

TEMPLATE = Template("pl", stat="cstat", notc=[8, 900], fit={"n_starts": 64})
ROWS = "1000:1210"  # 210 rows including the empty and the negative-exposure rows


def _by_key(rs):
    recs = rs.records()
    keys = [r["key"] for r in recs]
    assert len(keys) == len(set(keys)), "a key was recorded twice"
    return {r["key"]: r for r in recs}


@pytest.fixture(scope="module")
def local_run(gbm_store, tmp_path_factory):
    tasks = tasks_from_store(gbm_store, KEY, rows=ROWS)
    out = tmp_path_factory.mktemp("local") / "res.h5"
    report = run_batch(TEMPLATE, tasks, out, workers=2, progress=False)
    return tasks, report, ResultStore(out, mode="r")


def test_local_batch_records_every_fit(local_run):
    tasks, report, rs = local_run
    assert len(tasks) == 210 and report.total == 210
    assert report.ok + report.failed == 210 and report.ok >= 200 and not report.lost
    recs = _by_key(rs)
    assert set(recs) == {t.key for t in tasks}
    ok = [r for r in recs.values() if r["status"] == "ok"]
    for r in ok[:20]:
        assert r["names"] == ["pl.K", "pl.alpha"]
        assert all(math.isfinite(v) for v in r["values"] + r["errors"])
        assert r["dof"] > 0 and r["statistic"] > 0
        assert r["extra"]["valid"] and r["extra"]["log10"] == ["pl.K"]


def test_failing_spectra_are_recorded_and_do_not_stop_the_batch(local_run):
    _, report, rs = local_run
    recs = _by_key(rs)
    neg = recs[f"{KEY}#{NEG_EXPOSURE_ROW}"]
    assert neg["status"] == "failed" and "exposure must be positive" in neg["message"]
    empty = recs[f"{KEY}#{EMPTY_ROW}"]
    assert empty["status"] == "failed" and "NoticeError" in empty["message"]
    assert f"{KEY}#{NEG_EXPOSURE_ROW}" in report.failures
    # rows after the failures were fitted
    assert recs[f"{KEY}#1209"]["status"] == "ok"


def test_inline_equals_local_and_rerun_skips_done(local_run, gbm_store, tmp_path):
    tasks, _, rs = local_run
    out = tmp_path / "inline.h5"
    sub = tasks[:12]
    rep = run_batch(TEMPLATE, sub, out, workers=1, progress=False)
    assert rep.backend.startswith("inline") and rep.done == 12
    ref, got = _by_key(rs), _by_key(ResultStore(out))
    for k, r in got.items():
        np.testing.assert_allclose(r["values"], ref[k]["values"], rtol=1e-10, atol=0)
    rep2 = run_batch(TEMPLATE, tasks[:20], out, workers=1, progress=False)
    assert rep2.skipped == 12 and rep2.done == 8
    assert len(_by_key(ResultStore(out))) == 20


def test_retry_failed_refits_only_failed(gbm_store, tmp_path):
    tasks = tasks_from_store(gbm_store, KEY, rows=[1143, NEG_EXPOSURE_ROW])
    out = tmp_path / "r.h5"
    run_batch(TEMPLATE, tasks, out, workers=1, progress=False)
    rep = run_batch(TEMPLATE, tasks, out, workers=1, progress=False, retry_failed=True)
    assert rep.skipped == 1 and rep.failed == 1
    assert len(ResultStore(out).records()) == 3


def test_dask_local_cluster_gives_identical_results(local_run):
    try:
        d = require("distributed")
    except MissingDependencyError:
        pytest.skip("dask.distributed not installed")
    tasks, _, rs = local_run
    import tempfile
    from pathlib import Path

    with d.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                        dashboard_address=None) as cluster, d.Client(cluster) as client, \
            tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dask.h5"
        rep = run_batch(TEMPLATE, tasks, out, scheduler=client, progress=False)
        assert rep.backend.startswith("dask") and rep.nworkers == 2
        assert rep.ok + rep.failed == len(tasks) and not rep.lost
        got = _by_key(ResultStore(out))
    ref = _by_key(rs)
    assert set(got) == set(ref)
    for k, r in ref.items():
        g = got[k]
        assert g["status"] == r["status"] and g["message"] == r["message"]
        if r["status"] == "ok":
            np.testing.assert_allclose(g["values"], r["values"], rtol=1e-10, atol=0)
            np.testing.assert_allclose(g["errors"], r["errors"], rtol=1e-8, atol=0)
            assert g["statistic"] == pytest.approx(r["statistic"], rel=1e-12)


def test_missing_dask_gives_a_clear_error(monkeypatch, gbm_store, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingDependencyError, match=r"bayspec\[dask\]"):
        run_batch(TEMPLATE, tasks_from_store(gbm_store, KEY, rows=[0]), tmp_path / "r.h5",
                  scheduler="tcp://127.0.0.1:1", progress=False)


def test_tasks_selection(gbm_store):
    assert [t.row for t in tasks_from_store(gbm_store, KEY, rows="0:10:5")] == [0, 5]
    t = tasks_from_store(gbm_store, [f"{KEY}#7"])
    assert len(t) == 1 and t[0].key == f"{KEY}#7" and t[0].series == KEY
    assert len(tasks_from_store(gbm_store)) == 1859
    hits = tasks_from_store(gbm_store, query={"detector": "n3", "tmin": 243216766.6,
                                              "tmax": 243216776.6, "contained": True})
    assert 5 <= len(hits) <= 12
    with pytest.raises(ConfigError):
        tasks_from_store(gbm_store, KEY, rows="bad")


def test_ogip_file_tasks_run_in_the_worker(tmp_path):
    pha, rsp = GBM / "glg_cspec_n3_bn080916009_v01.pha", GBM / "glg_cspec_n3_bn080916009_v00.rsp2"
    tasks = tasks_from_files([{"pha": pha, "row": 1130, "rsp": f"{rsp}{{2}}"},
                              {"pha": pha, "row": NEG_EXPOSURE_ROW, "rsp": f"{rsp}{{2}}"}])
    recs = run_chunk(TEMPLATE.to_dict(), tasks)
    assert [r["status"] for r in recs] == ["ok", "failed"]
    assert recs[0]["names"] == ["pl.K", "pl.alpha"]


def test_template_checks():
    with pytest.raises(ConfigError):
        Template.from_dict({"model": "pl", "colour": "red"})
    with pytest.raises(ConfigError):
        Template("pl", method="nested")
    with pytest.raises(ConfigError):
        Template("pl", fit={"bogus": 1})
    m = Template("cpl", params={"Ep": 200, "alpha": {"value": -1.0, "frozen": True}}).build_model()
    assert m["Ep"].value == 200 and not m["alpha"].free
    with pytest.raises(ConfigError, match="no parameter"):
        Template("pl", params={"Ep": 1}).build_model()
    assert Template.from_dict(TEMPLATE.to_dict()) == TEMPLATE
    assert isinstance(Task("k"), Task)
