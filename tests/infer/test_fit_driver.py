"""The one fitting driver (`infer.mle`): held parameters, a statistic over a subset of
groups, several starts; and the one meaning of ``valid`` in every output of a result."""

import json

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.errors import FitError
from bayspec.examples import grb090217a
from bayspec.infer import FitResult, Likelihood
from bayspec.infer.mle import FitProblem, fit_mle
from bayspec.model import cpl
from bayspec.parameter import LogUniform


def _n6(notc=((9.0, 31.0), (38.8, 954.0)), name="n6"):
    f = grb090217a("n6")
    return DataUnit(f["src"], f["bkg"], rsp=f["rsp"], stat="pgstat", notc=[list(r) for r in notc],
                    name=name)


@pytest.fixture(scope="module")
def at_bound():
    """cpl with Ep capped at 100 keV (the data want ~ 200 keV): Ep ends on its upper bound."""
    model = cpl()
    model["Ep"].value = 50.0
    model["Ep"].prior = LogUniform(1.0, 100.0)
    return fit_mle(Likelihood([(_n6(), model)]), raise_on_failure=False)


def test_valid_means_valid_minimum_and_no_bound(at_bound):
    res = at_bound
    assert res.minimum_valid  # MIGRAD is happy ...
    assert not res.valid and not res.converged  # ... but a parameter is on a bound
    assert res.at_limit["cpl.Ep"]["side"] == "upper" and res.at_limit["cpl.Ep"]["bound"] == 100.0
    assert res.limit_messages == ["cpl.Ep hit its upper bound 100 keV"]
    assert res.status == "at bound: cpl.Ep (upper)"


def test_every_output_of_a_result_at_a_bound_says_so(at_bound):
    res = at_bound
    d = json.loads(res.to_json())
    assert d["valid"] is False and d["minimum_valid"] is True
    assert d["at_limit"] == {"cpl.Ep": {"side": "upper", "bound": 100.0,
                                        "message": "cpl.Ep hit its upper bound 100 keV"}}
    back = FitResult.from_dict(d)
    assert not back.valid and back.minimum_valid and back.at_limit == res.at_limit
    t = res.table()
    assert list(t["at_limit"]) == ["", "", "upper"]
    assert t.meta["valid"] is False and t.meta["at_limit"] == res.limit_messages
    text = repr(res)
    assert "NOT VALID (at bound: cpl.Ep (upper))" in text and "at upper bound" in text
    assert "cpl.Ep hit its upper bound 100 keV" in res._repr_html_()


def test_old_result_dicts_keep_their_meaning(at_bound):
    d = at_bound.to_dict()
    # the form written before: "valid" was Minuit's flag, at_limit held messages
    d.pop("minimum_valid")
    d["valid"], d["converged"] = True, False
    d["at_limit"] = {"cpl.Ep": "cpl.Ep hit its upper bound 100 keV"}
    back = FitResult.from_dict(d)
    assert back.minimum_valid and not back.valid and back.at_limit["cpl.Ep"]["side"] == "upper"


def test_fixed_parameters_are_held():
    model = cpl()
    lik = Likelihood([(_n6(), model)])
    res = fit_mle(lik, fixed={"cpl.alpha": -1.0})
    assert set(res.names) == {"cpl.Ep", "cpl.K"}
    assert model["alpha"].value == -1.0 and res.dof == lik.npoints - 2
    # the same as freezing alpha at -1
    model2 = cpl()
    model2["alpha"].value = -1.0
    model2["alpha"].frozen = True
    ref = fit_mle(Likelihood([(_n6(), model2)]))
    for n in res.names:
        np.testing.assert_allclose(res.values[n], ref.values[n], rtol=1e-4)
    np.testing.assert_allclose(res.stat, ref.stat, rtol=1e-7)
    with pytest.raises(FitError, match="'cpl.beta' not free"):
        FitProblem(lik, fixed={"cpl.beta": 1.0})
    with pytest.raises(FitError, match="every free parameter is held fixed"):
        FitProblem(lik, fixed=lik.free_names)


def test_statistic_over_a_subset_of_groups_equals_noticing_them():
    """Minimising the summed per-group statistic of the 9-31 keV groups = fitting a unit
    noticed at 9-31 keV only."""
    full = _n6()
    lik = Likelihood([(full, cpl())])
    e = np.asarray(full.rsp_chbin, dtype=float)
    mask = (e[:, 0] >= 9.0) & (e[:, 1] <= 31.0 + 1e-9)

    def sub(theta):
        return lik.stat_channels(theta)["n6"][:, mask].sum(axis=1)

    res = fit_mle(lik, stat=sub, fixed={"cpl.Ep": 200.0}, raise_on_failure=False)
    m2 = cpl()
    m2["Ep"].value, m2["Ep"].frozen = 200.0, True
    ref = fit_mle(Likelihood([(_n6(notc=((9.0, 31.0),), name="lo"), m2)]), raise_on_failure=False)
    assert mask.sum() == ref.npoints
    np.testing.assert_allclose(res.stat, ref.stat, rtol=1e-6)
    # K and alpha are nearly degenerate over 9-31 keV: equal statistics (1e-6) leave them
    # equal only to the minimisers' tolerance along that valley
    for n in ("cpl.alpha", "cpl.K"):
        np.testing.assert_allclose(res.values[n], ref.values[n], rtol=5e-3)
    assert res.stat_per_unit == {}


def test_several_starts_screen_in_one_call():
    model = cpl()
    lik = Likelihood([(_n6(), model)])
    problem = FitProblem(lik)
    x0 = problem.current()
    best = problem.screen(x0, 64, seed=3)
    assert np.array_equal(best, problem.screen(x0, 64, seed=3))  # seeded
    assert problem.stat_at(best) <= problem.stat_at(x0)
    # a bad start (far from the data) still reaches the minimum with several starts
    model["Ep"].value, model["K"].value = 5e4, 1e-8
    res = fit_mle(lik, n_starts=64, seed=0)
    ref = fit_mle(Likelihood([(_n6(), cpl())]))
    np.testing.assert_allclose(res.stat, ref.stat, rtol=1e-6)


def test_fewer_points_than_free_parameters_is_refused_with_the_counts():
    """One noticed channel, two free parameters: MIGRAD called this a 'valid' fit with
    statistic ~ 1e-10; it is refused, saying '1 data point, 2 free parameters'."""
    from bayspec.model import pl

    unit = _n6(notc=((9.0, 900.0),))
    lo, hi = unit.rsp_chbin[40]
    unit.notc = [[float(lo), float(hi)]]
    assert unit.npoint == 1
    with pytest.raises(FitError, match=r"^1 data point, 2 free parameters \(pl.K, pl.alpha\)"):
        fit_mle(Likelihood([(unit, pl())]), raise_on_failure=False)
    # holding one parameter leaves one varied parameter for one point: allowed
    res = fit_mle(Likelihood([(unit, pl())]), fixed=["pl.alpha"], raise_on_failure=False)
    assert res.names == ["pl.K"]
