"""BLAS threads are limited around every fit and sampling (issue 11 item 14): Infer.fit,
Infer.sample, the fitting driver used by the estimators, and the batch worker see one BLAS
thread (BAYSPEC_BLAS_THREADS, default 1) whatever the process had, and the user's choice
(the variable, or an enclosing ``limit_blas_threads``) wins. No timing here: the thread
count is read inside the likelihood's evaluation."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from bayspec._threads import ENV_VAR, blas_threads, limit_blas_threads
from bayspec.data import DataUnit
from bayspec.errors import ConfigError
from bayspec.examples import grb090217a
from bayspec.infer import Infer, Likelihood
from bayspec.infer.mle import fit_mle
from bayspec.model import cpl


def _blas():
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


@pytest.fixture
def seen(monkeypatch):
    """Thread counts seen inside Likelihood.evaluate."""
    if not _blas():
        pytest.skip("no BLAS library visible to threadpoolctl")
    got = []
    orig = Likelihood.evaluate

    def spy(self, *a, **k):
        got.append(_blas())
        return orig(self, *a, **k)

    monkeypatch.setattr(Likelihood, "evaluate", spy)
    monkeypatch.delenv(ENV_VAR, raising=False)
    return got


def _infer():
    f = grb090217a("n6")
    unit = DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=[8, 900], stat="pgstat", name="n6")
    return Infer([(unit, cpl())])


def test_fit_and_sample_run_with_one_blas_thread(seen):
    infer = _infer()
    with threadpool_limits(limits=2, user_api="blas"):  # the process has 2 threads ...
        infer.fit()
        infer.sample("emcee", nwalkers=8, nsteps=20, burn=5, seed=1)
        fit_mle(infer.likelihood, n_starts=4)  # the driver the estimators and batch use
        assert _blas() == {2}  # ... and gets them back afterwards
    assert seen and all(s == {1} for s in seen)


def test_batch_worker_runs_with_one_blas_thread(seen, bundled):
    from bayspec.batch import Template, run_chunk, tasks_from_files

    d = bundled / "gbm_bn080916009"
    tasks = tasks_from_files([{"pha": str(d / "glg_cspec_n3_bn080916009_v01.pha"), "row": 1000,
                               "rsp": str(d / "glg_cspec_n3_bn080916009_v00.rsp2")}])
    with threadpool_limits(limits=2, user_api="blas"):
        recs = run_chunk(Template("pl", notc=[8, 900], fit={"n_starts": 4}).to_dict(), tasks)
    assert recs[0]["status"] != "failed", recs[0]["message"]
    assert seen and all(s == {1} for s in seen)


def test_the_user_chooses(seen, monkeypatch):
    infer = _infer()
    with threadpool_limits(limits=2, user_api="blas"):
        monkeypatch.setenv(ENV_VAR, "none")  # no limit: the library's own setting
        infer.fit()
        assert all(s == {2} for s in seen)
        seen.clear()
        monkeypatch.setenv(ENV_VAR, "2")
        with threadpool_limits(limits=1, user_api="blas"):
            infer.fit()
        assert all(s == {2} for s in seen)
        seen.clear()
        monkeypatch.delenv(ENV_VAR)
        with limit_blas_threads(2):  # an enclosing limit wins over the default
            infer.fit()
        assert all(s == {2} for s in seen)
    monkeypatch.setenv(ENV_VAR, "lots")
    with pytest.raises(ConfigError, match=ENV_VAR):
        blas_threads()
    assert np.isfinite(infer.result.stat)
