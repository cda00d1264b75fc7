"""A batch fit that ends with a parameter on a bound is not stored as valid, and the record
names the parameter and the bound (it used to be stored ``{"valid": true}``, status ok)."""

from batch_helpers import KEY

from bayspec.batch import Template, run_batch, tasks_from_store
from bayspec.store import ResultStore

# pre-burst rows of the n3 CSPEC series: no curvature, cpl's Ep runs to its upper bound
ROWS = [1196, 1203]


def test_fit_at_bound_is_not_stored_valid(gbm_store, tmp_path):
    tpl = Template("cpl", stat="cstat", notc=[8, 900], fit={"n_starts": 64})
    out = tmp_path / "res.h5"
    report = run_batch(tpl, tasks_from_store(gbm_store, KEY, rows=ROWS), out, workers=1,
                       progress=False)
    recs = ResultStore(out, mode="r").records()
    assert len(recs) == 2 and report.ok == 0
    for r in recs:
        assert not r["extra"]["valid"]
        assert r["status"] != "ok"
        assert "cpl.Ep hit its upper bound" in r["message"]
        # the values are still written
        ep = r["values"][r["names"].index("cpl.Ep")]
        assert abs(ep - 1e5) < 1.0


def test_fit_record_names_the_bound():
    """The worker's record dict itself (batch/_fit → tasks) carries valid and at_limit."""
    from bayspec.batch._fit import fit_mle
    from bayspec.data import DataUnit
    from bayspec.examples import grb090217a
    from bayspec.infer import Likelihood
    from bayspec.model import cpl
    from bayspec.parameter import LogUniform

    f = grb090217a("n6")
    unit = DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[[9.0, 900.0]], name="n6")
    m = cpl()
    m["Ep"].value = 50.0
    m["Ep"].prior = LogUniform(1.0, 100.0)
    rec = fit_mle(Likelihood([(unit, m)]), n_starts=16)
    assert rec["valid"] is False and rec["minimum_valid"] is True
    assert rec["at_limit"] == {"cpl.Ep": "upper"}
    assert rec["message"] == "at a bound: cpl.Ep hit its upper bound 100 keV"
