"""Honest batch runs (issue 11, items 4 and 9-11): fits at a bound are kept and flagged
(status ``at_limit``, not retried), a changed template refuses to resume into results of the
old one, the exit status says whether every task has a valid fit, the batch.yaml keys are
documented, and ``row:`` of a files entry applies to a PHA-II background too."""

import pytest
from batch_helpers import EMPTY_ROW, GBM, KEY, NEG_EXPOSURE_ROW

from bayspec.batch import Template, run_batch, tasks_from_files, tasks_from_store
from bayspec.cli.batch import build_parser
from bayspec.cli.main import main
from bayspec.errors import ConfigError
from bayspec.store import ResultStore

AT_BOUND_ROWS = [1196, 1203]  # pre-burst rows: cpl's Ep runs to its upper bound
TPL = Template("cpl", stat="cstat", notc=[8, 900], fit={"n_starts": 64})


def _yaml(tmp_path, store, rows, model="cpl", name="batch.yaml"):
    cfg = tmp_path / name
    cfg.write_text(f"store: {store}\nresults: {tmp_path / 'res.h5'}\n"
                   f"selection: {{keys: [{KEY}], rows: {list(rows)}}}\n"
                   f"template: {{model: {model}, stat: cstat, notc: [8, 900], "
                   "fit: {n_starts: 64}}\n")
    return cfg


def test_fit_at_bound_is_kept_with_a_warning_status_and_not_retried(gbm_store, tmp_path):
    out = tmp_path / "res.h5"
    tasks = tasks_from_store(gbm_store, KEY, rows=AT_BOUND_ROWS)
    report = run_batch(TPL, tasks, out, workers=1, progress=False)
    assert (report.ok, report.at_limit, report.failed) == (0, 2, 0)
    assert set(report.warnings) == {t.key for t in tasks} and report.complete
    assert "finished with warnings: 2 fit(s) with parameters on a bound" in report.summary()
    for r in ResultStore(out, mode="r").records():
        assert r["status"] == "at_limit"
        assert r["extra"]["at_limit"] == {"cpl.Ep": "upper"}
        assert r["extra"]["minimum_valid"] is True and r["extra"]["valid"] is False
        assert r["extra"]["template_hash"] == TPL.hash()
    again = run_batch(TPL, tasks, out, workers=1, progress=False, retry_failed=True)
    assert again.skipped == 2 and again.done == 0  # results, not failures: not refitted


def test_cli_exit_status_3_for_fits_at_a_bound(gbm_store, tmp_path, capsys):
    cfg = _yaml(tmp_path, gbm_store, AT_BOUND_ROWS)
    assert main(["batch", str(cfg), "--workers", "1", "--no-progress"]) == 3
    out = capsys.readouterr()
    assert "2 at a bound (results kept, flagged)" in out.out
    assert "at a bound " + f"{KEY}#1196: at a bound: cpl.Ep hit its upper bound" in out.out
    assert "finished with warnings" in out.err and "exit status 3" in out.err


def test_every_fit_failed_exits_non_zero_with_a_summary(gbm_store, tmp_path, capsys):
    cfg = _yaml(tmp_path, gbm_store, [EMPTY_ROW, NEG_EXPOSURE_ROW])
    assert main(["batch", str(cfg), "--workers", "1", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "NOT COMPLETE: 2 failed of 2 tasks" in err and "exit status 1" in err
    # a rerun skips them but the results are still incomplete: still non-zero
    assert main(["batch", str(cfg), "--workers", "1", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "2 failed earlier (set retry_failed to refit)" in err


def test_changed_template_refuses_to_resume_unless_forced(gbm_store, tmp_path, capsys):
    rows = [300, 301, 302]
    cfg = _yaml(tmp_path, gbm_store, rows, model="pl")
    assert main(["batch", str(cfg), "--workers", "1", "--no-progress"]) == 0
    capsys.readouterr()
    cfg2 = _yaml(tmp_path, gbm_store, rows, model="cpl", name="batch2.yaml")
    assert main(["batch", str(cfg2), "--workers", "1", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "3 of the requested tasks already have records" in err
    assert "model 'pl'; now 'cpl'" in err and "--force" in err and "new 'results' file" in err
    tasks = tasks_from_store(gbm_store, KEY, rows=rows)
    with pytest.raises(ConfigError, match="different template"):
        run_batch(Template("cpl", stat="cstat", notc=[8, 900], fit={"n_starts": 64}), tasks,
                  tmp_path / "res.h5", workers=1, progress=False)
    assert main(["batch", str(cfg2), "--workers", "1", "--no-progress", "--force"]) in (0, 3)
    assert "3 refitted (template changed, --force)" in capsys.readouterr().out
    rs = ResultStore(tmp_path / "res.h5", mode="r")
    assert all("cpl.Ep" in rs.latest(t.key)["names"] for t in tasks)
    # now the store holds cpl fits: resuming with the cpl template is fine, nothing to do
    assert main(["batch", str(cfg2), "--workers", "1", "--no-progress"]) in (0, 3)
    assert "3 already done, 0 ok" in capsys.readouterr().out


def test_batch_help_documents_the_yaml_keys():
    text = build_parser().format_help()
    for key in ("store:", "selection:", "files:", "template:", "results:", "backend:",
                "workers:", "chunk_size:", "retry_failed:", "bkg_row", "n_starts", "--force",
                "exit status"):
        assert key in text, key
    readme = (GBM.parents[3] / "README.md").read_text()
    for key in ("retry_failed", "bkg_row", "chunk_size", "--force", "at_limit"):
        assert key in readme, key


def test_row_of_a_files_entry_applies_to_a_pha2_background(tmp_path):
    pha = str(GBM / "glg_cspec_n3_bn080916009_v01.pha")
    rsp = str(GBM / "glg_cspec_n3_bn080916009_v00.rsp2")
    entries = [{"pha": pha, "row": 1000, "bkg": pha, "rsp": rsp},
               {"pha": pha, "row": 1000, "bkg": pha, "bkg_row": 100, "rsp": rsp, "key": "b"},
               {"pha": pha, "row": 1000, "bkg": pha + "{100}", "rsp": rsp, "key": "c"}]
    out = tmp_path / "files.h5"
    report = run_batch(Template("pl", stat="wstat", notc=[8, 900], fit={"n_starts": 16}),
                       tasks_from_files(entries), out, workers=1, progress=False)
    assert report.failed == 0, report.failures
    recs = {r["key"]: r for r in ResultStore(out, mode="r").records()}
    same = recs[f"{pha}{{1000}}"]
    # background = the source row itself: no net counts, the norm runs to its lower end
    assert same["values"][same["names"].index("pl.K")] < 1e-3
    assert recs["b"]["statistic"] == pytest.approx(recs["c"]["statistic"], rel=1e-9)
    with pytest.raises(ConfigError, match="bkg_row given without bkg"):
        tasks_from_files([{"pha": pha, "row": 3, "bkg_row": 2}])
