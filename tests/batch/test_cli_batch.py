"""``bayspec batch CONFIG.yaml`` end to end: fit rows of a store, then resume (nothing to do)."""

from bayspec.cli.main import main
from bayspec.examples import bundled_path
from bayspec.store import ResultStore, Store, import_ogip


def test_batch_command_fits_and_resumes(tmp_path, capsys):
    d = bundled_path("gbm_bn080916009")
    with Store(tmp_path / "grb.h5") as st:
        import_ogip(st, pha=str(d / "glg_cspec_n3_bn080916009_v01.pha"),
                    rsp=str(d / "glg_cspec_n3_bn080916009_v00.rsp2"),
                    source="bn080916009", instrument="gbm", detector="n3")
    cfg = tmp_path / "batch.yaml"
    cfg.write_text("store: grb.h5\nselection: {rows: '100:112'}\n"
                   "template: {model: pl, stat: cstat, notc: [8, 900], method: mle}\n")
    assert main(["batch", str(cfg), "--workers", "1", "--no-progress"]) == 0
    assert "12 ok, 0 failed" in capsys.readouterr().out
    assert len(ResultStore(tmp_path / "grb.results.h5").done_keys()) == 12
    assert main(["batch", str(cfg), "--workers", "1", "--no-progress"]) == 0
    assert "12 already done, 0 ok" in capsys.readouterr().out


def test_batch_command_bad_config_names_the_key(tmp_path, capsys):
    cfg = tmp_path / "batch.yaml"
    cfg.write_text("store: missing.h5\ntemplate: {model: cpl}\n")
    assert main(["batch", str(cfg), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "store" in err and "missing.h5" in err


def test_batch_command_unknown_model_is_a_config_error(tmp_path, capsys):
    (tmp_path / "grb.h5").write_bytes(b"")
    cfg = tmp_path / "batch.yaml"
    cfg.write_text("store: grb.h5\ntemplate: {model: nosuchmodel}\n")
    assert main(["batch", str(cfg), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "template" in err and "nosuchmodel" in err
