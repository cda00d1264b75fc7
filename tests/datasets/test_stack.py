"""Stacking: npred conservation, alpha*B conservation, stacked vs joint fit, errors."""

import numpy as np
import pytest
from dshelpers import cpl_model, synthetic_unit

from bayspec.data import Data
from bayspec.data.unit import DataUnit
from bayspec.errors import ChannelMismatchError, DataFormatError
from bayspec.infer.likelihood import Likelihood


def _per_channel(unit, values):
    out = np.zeros(unit.src_ins.nchan)
    out[unit.grouping.index] = values
    return out


def test_hess_stack_conserves_npred_signal(hess_units):
    units, pl = hess_units
    st = units[0].copy()
    st.stack(units[1:], name="stacked")
    st.fit_with = pl
    # stacked safe mask is the union of the runs' safe masks
    np.testing.assert_array_equal(st.mask_safe, np.any([u.mask_safe for u in units], axis=0))
    runs = sum(_per_channel(u, u.npred_signal()) for u in units)
    stacked = _per_channel(st, st.npred_signal())
    assert stacked.sum() == pytest.approx(runs.sum(), rel=1e-10)
    np.testing.assert_allclose(stacked, runs, rtol=1e-10, atol=0)
    # ... for any model parameters, not just the current ones
    pl["alpha"].value = -2.2
    runs = sum(_per_channel(u, u.npred_signal()) for u in units)
    np.testing.assert_allclose(_per_channel(st, st.npred_signal()), runs, rtol=1e-10)


def test_hess_stack_counts_exposure_background(hess_units):
    units, _ = hess_units
    st = Data(units).stack_reduce()
    assert st.src_ins.exposure == pytest.approx(sum(u.src_ins.exposure for u in units))
    on = sum(np.where(u.mask_safe, u.src_ins.counts, 0) for u in units)
    off = sum(np.where(u.mask_safe, u.bkg_ins.counts, 0) for u in units)
    aB = sum(np.where(u.mask_safe, u.bkg_ins.counts * u._src_eff_ch() / u._bkg_eff_ch(), 0)
             for u in units)
    np.testing.assert_array_equal(st.src_ins.counts, on)
    np.testing.assert_array_equal(st.bkg_ins.counts, off)
    alpha_st = st._src_eff_ch() / st._bkg_eff_ch()
    np.testing.assert_allclose(alpha_st * st.bkg_ins.counts, aB, rtol=1e-12)
    assert st.notc is None and st.stat == "wstat"
    # inputs untouched
    assert units[0].src_ins.exposure < st.src_ins.exposure


def _fit(L):
    from iminuit import Minuit

    def f(lgK, a):
        return float(L.evaluate(np.array([[10.0 ** lgK, a]]))[0])

    assert L.free_names[0].endswith("K") and L.free_names[1].endswith("alpha")
    m = Minuit(f, lgK=np.log10(5e-20), a=-2.8)
    m.errordef = 1.0
    m.migrad()
    m.hesse()
    assert m.valid
    return np.array(m.values), np.array(m.errors), m.fval


def test_hess_stacked_fit_agrees_with_joint_fit(hess_units):
    pytest.importorskip("iminuit")
    units, pl = hess_units
    st = units[0].copy()
    st.stack(units[1:], name="stacked")
    joint, ejoint, _ = _fit(Likelihood([(units, pl)]))
    stacked, estack, _ = _fit(Likelihood([(st, pl)]))
    assert np.all(np.abs(stacked - joint) < ejoint), (joint, stacked, ejoint)
    np.testing.assert_allclose(estack, ejoint, rtol=0.3)
    # the single-run fit reproduces the reference numbers (REFERENCE.md, run 23523)
    one, eone, fval = _fit(Likelihood([(units[0], pl)]))
    assert fval == pytest.approx(38.343, rel=1e-3)
    assert -one[1] == pytest.approx(2.817, rel=1e-3)
    assert 10 ** one[0] * 1e9 == pytest.approx(5.142e-11, rel=1e-3)


def test_stack_gaussian_background_conserves_alpha_b_and_variance():
    a = synthetic_unit(seed=1, gaussian_bkg=True, name="a")
    b = synthetic_unit(seed=2, gaussian_bkg=True, exposure=15.0, bkg_exposure=40.0,
                       backscale_b=5.0, name="b")
    st = a.copy()
    st.stack(b, name="ab")
    assert st.stat == "pgstat" and not st.bkg_ins.poisson

    def ab(u):
        alpha = u._src_eff_ch() / u._bkg_eff_ch()
        return alpha * u.bkg_ins.counts, (alpha * u.bkg_ins.errors) ** 2

    (x1, v1), (x2, v2), (xs, vs) = ab(a), ab(b), ab(st)
    np.testing.assert_allclose(xs, x1 + x2, rtol=1e-12)
    np.testing.assert_allclose(vs, v1 + v2, rtol=1e-12)
    m = cpl_model()
    for u in (a, b, st):
        u.fit_with = m
    np.testing.assert_allclose(st.npred_signal(), a.npred_signal() + b.npred_signal(),
                               rtol=1e-10)


def test_stack_respects_safe_masks():
    q = np.zeros(32, dtype=int)
    q[:5] = 1
    a = synthetic_unit(seed=1, quality=q, name="a")
    b = synthetic_unit(seed=2, name="b")
    st = a.copy()
    st.stack(b)
    np.testing.assert_array_equal(st.src_ins.counts[:5], b.src_ins.counts[:5])
    np.testing.assert_array_equal(st.src_ins.counts[5:],
                                  a.src_ins.counts[5:] + b.src_ins.counts[5:])
    m = cpl_model()
    for u in (a, b, st):
        u.fit_with = m
    np.testing.assert_allclose(st.npred_signal(),
                               _per_channel(a, a.npred_signal()) + b.npred_signal(),
                               rtol=1e-10)


def test_stack_incompatible_units():
    a = synthetic_unit(seed=1, name="a")
    other = synthetic_unit(seed=2, n=16, name="b")
    with pytest.raises(ChannelMismatchError):
        a.stack(other)
    nob = DataUnit(a.src_ins, bkg=False, rsp=a.rsp_ins, stat="cstat", name="nob")
    with pytest.raises(DataFormatError):
        a.stack(nob)
    gauss = synthetic_unit(seed=3, gaussian_bkg=True, name="g")
    with pytest.raises(DataFormatError):
        a.stack(gauss)
    # different photon grids, same channels
    from bayspec.data import Response

    r = a.rsp_ins
    moved = Response(r.chbin, r.phbin * 1.01, r.drm)
    c = DataUnit(a.src_ins, bkg=a.bkg_ins, rsp=moved, stat="wstat", name="c")
    with pytest.raises(DataFormatError):
        a.stack(c)
