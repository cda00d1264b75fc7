"""`bayspec.infer.many`: many GBM spectra fitted as one problem agree with single fits."""

import warnings
from pathlib import Path

import numpy as np
import pytest

import bayspec
from bayspec.errors import FitError
from bayspec.estimators.series import SpectrumSeries
from bayspec.infer import Likelihood
from bayspec.infer.many import ManySpectra, can_fit_many, fit_many
from bayspec.infer.mle import fit_mle
from bayspec.model import parse_model

NROW = 50


@pytest.fixture(scope="module")
def series():
    d = Path(bayspec.__file__).parent / "_bundled" / "gbm_bn080916009"
    return SpectrumSeries(d / "glg_cspec_n3_bn080916009_v01.pha",
                          d / "glg_cspec_n3_bn080916009_v00.rsp2",
                          bkg_interval=(-300, -10), notc=[8, 900])


@pytest.fixture(scope="module")
def units(series):
    idx = series.rows(-np.inf, np.inf, warn=False)
    sel = idx[series.tmid[idx] > -20][:NROW]  # pre-burst, burst onset and bright rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [series.unit(series.tstart[i], series.tstop[i]) for i in sel]


@pytest.mark.parametrize("expr", ["pl", "cpl"])
def test_fit_many_agrees_with_single_fits(units, expr):
    res = fit_many(units, parse_model(expr))
    assert res.values.shape == (NROW, len(res.names)) and res.dof > 0
    singles = [fit_mle(Likelihood([(u, parse_model(expr))]), raise_on_failure=False, tol=1e-6)
               for u in units]
    sv = np.array([[o.values[n] for n in res.names] for o in singles])
    se = np.array([[o.errors[n] for n in res.names] for o in singles])
    both = np.array([o.valid for o in singles]) & res.valid
    assert both.sum() >= 0.8 * NROW
    # values: 1e-4 relative (of the value, or of its error for values near zero)
    scale = np.maximum(np.abs(sv), se)
    assert np.all(np.abs(res.values - sv)[both] <= 1e-4 * scale[both])
    np.testing.assert_allclose(res.stat[both], [o.stat for o in np.array(singles)[both]],
                               rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.errors[both], se[both], rtol=0.02)
    # bound flags where both converged and the spectrum constrains the parameters (errors
    # below 100%; in flat, unconstrained rows the minimum wanders and so do the flags)
    lim = np.array([[n in o.at_limit for n in res.names] for o in singles])
    conv = res.converged & np.array([o.minimum_valid for o in singles])
    conv &= np.all(se <= np.abs(sv), axis=1)
    assert conv.sum() >= 0.7 * NROW
    np.testing.assert_array_equal(res.at_limit[conv], lim[conv])
    assert np.all(res.valid == (res.converged & ~res.at_limit.any(axis=1)))


def test_one_matmul_per_response_group(units):
    data = ManySpectra(units, parse_model("pl"))
    assert data.n == NROW and 1 <= data.ngroups < NROW
    lik = Likelihood([(units[7], parse_model("pl"))])
    th = np.tile(lik.space.current(), (NROW, 1))
    np.testing.assert_allclose(data.stat(th)[7], lik.evaluate(th[:1])[0], rtol=1e-12)


def test_refuses_free_scale_factor(units):
    u = units[3]
    u.src_ins.factor.frozen = False
    try:
        with pytest.raises(FitError, match="scale factor.*free"):
            ManySpectra(units[:5], parse_model("pl"))
        ok, why = can_fit_many(units[:5], parse_model("pl"))
        assert not ok and "frozen scale factors" in why
    finally:
        u.src_ins.factor.frozen = True


def test_refuses_other_grouping_or_response(series, units):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        other = series.unit(series.tstart[1500], series.tstop[1500], notc=[20, 500], name="narrow")
    with pytest.raises(FitError, match="cannot be fitted with .* as one problem"):
        ManySpectra(units[:3] + [other], parse_model("pl"))
