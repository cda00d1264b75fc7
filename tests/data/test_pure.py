"""Noticing, grouping policies, upper limit, responses, Balrog: no files needed."""

import numpy as np
import pytest
from scipy import integrate, optimize

from bayspec.data import (
    Auxiliary,
    BalrogResponse,
    Data,
    DataUnit,
    InterpolatedProvider,
    Redistribution,
    Response,
    Source,
    kbn_upper_limit,
)
from bayspec.data import grouping as grp
from bayspec.data.notice import normalize_notc, notice_mask
from bayspec.errors import (
    ChannelMismatchError,
    ConfigError,
    DataFormatError,
    ModelNotBoundError,
    NoticeError,
    StatisticError,
)


# ---------------------------------------------------------------- noticing
def test_notice_whole_channel_inside():
    chbin = np.array([[0.4, 0.6], [0.6, 1.0], [1.0, 2.0], [np.nan, np.nan]])
    m = notice_mask(chbin, normalize_notc([0.5, 2.0]))
    assert m.tolist() == [False, True, True, False]
    for spelling in ([[0.5, 2.0]], ((0.5, 2.0),), np.array([0.5, 2.0])):
        assert (notice_mask(chbin, normalize_notc(spelling)) == m).all()
    assert notice_mask(chbin, None).tolist() == [True, True, True, False]


@pytest.mark.parametrize("bad", [[1.0], [[2.0, 1.0]], "abc", [[1, 2, 3]]])
def test_bad_notc_spelling(bad):
    with pytest.raises(NoticeError, match="notc|lo < hi"):
        normalize_notc(bad, name="u")


def test_notc_selects_nothing(parts):
    s, b, r = parts
    u = DataUnit(s, b, rsp=r, stat="wstat", name="myunit")
    with pytest.raises(NoticeError, match=r"myunit.*\[100, 200\] keV selects no good channel"):
        u.notc = [100, 200]
    assert u.notc is None and u.npoint == 64  # unchanged after the failed assignment


# ---------------------------------------------------------------- grouping
def test_file_flags_group_kept_only_when_complete():
    flags = np.array([1, -1, -1, 1, -1, 0, 1, -1])
    mask = np.array([1, 1, 1, 1, 0, 1, 1, 1], bool)
    g = grp.from_flags(flags, mask)
    assert g.index.tolist() == [0, 1, 2, 5, 6, 7]
    assert g.sizes.tolist() == [3, 1, 2]
    assert g.sum(np.arange(8.0)).tolist() == [3.0, 5.0, 13.0]


@pytest.mark.parametrize("min_evt", [5, 37, 200])
def test_min_evt_guarantee(min_evt):
    rng = np.random.default_rng(3)
    counts = rng.poisson(3.0, 500).astype(float)
    mask = np.ones(500, bool)
    mask[200:210] = False
    g = grp.from_policy({"min_evt": min_evt}, mask, counts)
    sums = g.sum(counts)
    assert (sums >= min_evt).all()
    assert g.index.size == 490  # every noticed channel used
    # groups never bridge the ignored channels
    first, last = g.first_channel, g.last_channel
    assert not np.any((first < 200) & (last >= 210))


def test_max_bin_and_min_sigma():
    rng = np.random.default_rng(4)
    S = rng.poisson(5.0, 300).astype(float)
    B = rng.poisson(4.0, 300).astype(float)
    mask = np.ones(300, bool)
    g = grp.from_policy({"max_bin": 7}, mask, S)
    assert g.sizes.max() <= 7 and g.sizes.sum() == 300
    g = grp.from_policy({"min_sigma": 3.0}, mask, S, B, alpha=0.5)
    s, b = g.sum(S), g.sum(B)
    sig = (s - 0.5 * b) / np.sqrt(s + 0.25 * b)
    assert (sig >= 3.0).all()


def test_bad_policy():
    with pytest.raises(ConfigError, match="unknown grouping policy key"):
        grp.from_policy({"min_counts": 3}, np.ones(4, bool), np.ones(4))
    with pytest.raises(ConfigError, match="unknown grouping method"):
        grp.from_policy({"method": "best"}, np.ones(4, bool), np.ones(4))


def test_optimal_binning_widens_with_resolution(parts):
    s, b, r = parts
    u = DataUnit(s, b, rsp=r, stat="wstat", grpg={"method": "optimal"})
    # FWHM of the synthetic response is 2.355*2 keV ≈ 4.7 channels: groups of several channels
    assert 2 <= np.median(u.grouping.sizes) <= 5
    fw = grp.response_fwhm(r.chbin, r.drm)
    assert np.allclose(np.median(fw), 5.0, atol=1.0)
    # few counts -> x <= 2.119 -> delta = 1 -> width = FWHM
    w = grp.optimal_width(np.full(64, 0.01), r.chbin, np.full(64, 4.0), np.ones(64, bool))
    assert (w == 4).all()


def test_rebn_changes_only_re_views(parts):
    s, b, r = parts
    u = DataUnit(s, b, rsp=r, stat="wstat")
    drm = u.rsp_drm
    u.rebn = {"min_evt": 100}
    assert u.rsp_drm.shape == drm.shape and u.src_re_counts.size < u.src_counts.size
    assert np.isclose(u.src_re_counts.sum(), u.src_counts.sum())


# ---------------------------------------------------------------- upper limit
@pytest.mark.parametrize("b", [0.0, 1.0, 5.0])
def test_kbn_n0_is_2p30(b):
    # KBN91 table: N = 0 gives S_max = 2.30 at 90 % for every B
    assert kbn_upper_limit(0, b, 0.9) == pytest.approx(2.302585, abs=1e-6)
    assert kbn_upper_limit(0, b, 0.99) == pytest.approx(4.605170, abs=1e-6)


@pytest.mark.parametrize("n,b,cl", [(1, 0, 0.9), (3, 2.5, 0.9), (10, 4.0, 0.99), (7, 12.0, 0.9)])
def test_kbn_against_direct_integration(n, b, cl):
    post = lambda s: (s + b) ** n * np.exp(-(s + b))
    norm = integrate.quad(post, 0, np.inf)[0]
    cdf = lambda x: integrate.quad(post, 0, x)[0] / norm - cl
    expected = optimize.brentq(cdf, 0, 100)
    assert kbn_upper_limit(n, b, cl) == pytest.approx(expected, rel=1e-6)


def test_kbn_bad_cl():
    with pytest.raises(DataFormatError, match="confidence level"):
        kbn_upper_limit(3, 1, 1.5)


def test_unit_upper_limit_uses_alpha(parts):
    s, b, r = parts
    u = DataUnit(s, b, rsp=r, stat="wstat")
    ul = u.net_counts_upperlimit(0.9)
    N, B = u.src_counts.sum(), (u.alpha * u.bkg_counts).sum()
    assert ul == pytest.approx(kbn_upper_limit(N, B, 0.9))


# ---------------------------------------------------------------- responses
def test_rmf_times_arf():
    chbin = np.c_[np.arange(4.0), np.arange(1.0, 5.0)]
    phbin = np.c_[np.arange(6.0) * 0.8, np.arange(1.0, 7.0) * 0.8]
    rmf = Redistribution(chbin, phbin, np.full((6, 4), 0.25))
    arf = Auxiliary(phbin, np.arange(1.0, 7.0))
    rsp = rmf * arf
    assert type(rsp) is Response
    assert np.allclose(rsp.drm, 0.25 * np.arange(1.0, 7.0)[:, None])
    assert np.allclose((arf * rmf).drm, rsp.drm)
    with pytest.raises(DataFormatError, match="photon grids differ"):
        rmf * Auxiliary(phbin[:5], np.ones(5))
    with pytest.raises(DataFormatError, match="photon grids differ from bin 2"):
        shifted = phbin.copy()
        shifted[2:] += 0.1
        rmf * Auxiliary(shifted, np.ones(6))


def test_disabled_methods():
    assert not hasattr(Auxiliary, "from_rsp")
    with pytest.raises(AttributeError, match="Auxiliary.from_rsp is not available"):
        Auxiliary.from_rsp("x.rsp")
    with pytest.raises(AttributeError, match="BalrogResponse.from_plain.*provider"):
        BalrogResponse.from_plain("x.rsp")
    assert hasattr(Response, "from_rsp") and hasattr(Redistribution, "from_rmf")


def _provider():
    eb = np.linspace(10, 1000, 9)
    mc = np.linspace(5, 2000, 13)
    rng = np.random.default_rng(0)
    mats = rng.uniform(0, 10, (3, 12, 8))
    return InterpolatedProvider(eb, mc, [[0, 0], [90, 0], [0, 60]], mats)


def test_balrog_ra_dec_change_matrix():
    prov = _provider()
    rsp = BalrogResponse(prov, ra=0.0, dec=0.0)
    assert np.allclose(rsp.drm, prov.matrices[0])
    m0 = rsp.drm.copy()
    rsp.ra.value = 45.0
    assert not np.allclose(rsp.drm, m0)
    rsp.ra.value, rsp.dec.value = 90.0, 0.0
    assert np.allclose(rsp.drm, prov.matrices[1])
    assert rsp.chbin.shape == (8, 2) and rsp.phbin.shape == (12, 2)


def test_balrog_in_unit_follows_position():
    prov = _provider()
    rsp = BalrogResponse(prov, ra=0.0, dec=0.0)
    rng = np.random.default_rng(2)
    u = DataUnit(Source(rng.poisson(50, 8), None, 5.0), False, rsp=rsp, stat="cstat")
    assert set(u.par) == {"sf", "rf", "ra", "dec"} and u.rsp_dynamic
    d0 = u.rsp_drm.copy()
    u.par["dec"].value = 60.0
    assert np.allclose(u.rsp_drm, prov.matrices[2]) and not np.allclose(u.rsp_drm, d0)


def test_balrog_bad_provider():
    with pytest.raises(DataFormatError, match="provider must have ebounds"):
        BalrogResponse(object())


# ---------------------------------------------------------------- unit / data behaviour
def test_channel_mismatch_names_parts(make_parts):
    s, b, r = make_parts()
    s2, _, _ = make_parts(n=32)
    with pytest.raises(ChannelMismatchError, match="source s: 32.*background b: 64.*response r: 64"):
        DataUnit(s2, b, rsp=r, stat="wstat")


def test_unknown_stat_and_pgstat_without_bkg_errors(parts):
    s, b, r = parts
    with pytest.raises(StatisticError, match="nostat"):
        DataUnit(s, b, rsp=r, stat="nostat")
    with pytest.raises(StatisticError):
        DataUnit(s, b, rsp=r, stat="pgstat")  # Poisson background: no errors to profile
    u = DataUnit(s, b, rsp=r, stat="wstat")
    with pytest.raises(StatisticError):
        u.stat = "nostat"
    assert u.stat == "wstat"


def test_zero_exposure():
    with pytest.raises(DataFormatError, match="EXPOSURE: exposure must be positive"):
        Source(np.ones(4), None, 0.0, file="x.pha", hdu="SPECTRUM")


def test_nan_energies_are_bad_and_warn_once(make_parts):
    s, b, r = make_parts(nan_rows=(0, 1))
    with pytest.warns(UserWarning, match="2 channel\\(s\\) with NaN energy bounds"):
        u = DataUnit(s, b, rsp=r, stat="wstat")
    assert u.npoint == 62
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        u.grpg = "none"


def test_per_channel_backscal_efficiency(make_parts):
    s, b, r = make_parts()
    bs = np.linspace(1, 2, 64)
    s2 = Source(s.counts, None, 10.0, backscale=bs, areascal=np.full(64, 0.5), grouping=
                np.tile([1, -1], 32))
    u = DataUnit(s2, b, rsp=r, stat="wstat")
    assert u.npoint == 32
    assert np.allclose(u.src_efficiency, 5.0)
    expected = (20.0 / bs).reshape(32, 2).mean(1)
    assert np.allclose(u.bkg_efficiency, expected)
    assert np.allclose(u.alpha, 5.0 / expected)


def test_scale_factors_are_pars(parts):
    s, b, r = parts
    u = DataUnit(s, b, rsp=r, stat="wstat")
    assert list(u.par) == ["sf", "bf", "rf"] and all(p.frozen for p in u.par.values())
    eff = u.corr_src_efficiency.copy()
    u.par["sf"].value = 1.2
    assert np.allclose(u.corr_src_efficiency, 1.2 * eff)
    u.par["rf"].value = 0.8
    assert np.allclose(u.corr_rsp_drm, 0.8 * u.rsp_drm)


def test_properties_consistent(parts):
    s, b, r = parts
    u = DataUnit(s, b, rsp=r, stat="wstat", notc=[[5, 20], [30, 40]], time=3.0)
    assert np.allclose(u.src_ctsrate, u.src_counts / u.src_efficiency)
    assert np.allclose(u.net_ctsspec, (u.src_ctsrate - u.bkg_ctsrate) / u.rsp_chbin_width)
    assert np.allclose(u.net_ctsrate_error, np.hypot(u.src_ctsrate_error, u.bkg_ctsrate_error))
    assert u.rsp_drm.dtype == np.float64 and u.rsp_drm.shape == (100, u.npoint)
    assert np.allclose(u.rsp_drm.sum(1), r.drm[:, u.grouping.index].sum(1))
    assert (u.rsp_chbin[:, 0] >= 5).all() and u.rsp_chbin_tarr[0] == 3.0
    assert u.egrid.size == u.nbin * u.ngrid and (u.tgrid == 3.0).all()


def test_deconv_needs_model_then_works(parts):
    s, b, r = parts
    u = DataUnit(s, b, rsp=r, stat="wstat")
    with pytest.raises(ModelNotBoundError, match="no model is bound"):
        u.deconv_phtspec

    from bayspec.model import parse_model

    u.fit_with = parse_model("const")  # N(E) = 1 photon cm^-2 s^-1 keV^-1
    ratio = r.chbin[:, 1] - r.chbin[:, 0]
    ratio = ratio / (np.diff(r.phbin, axis=1)[:, 0] @ r.drm)
    assert np.allclose(u.deconv_phtspec, u.net_ctsspec * ratio)
    assert np.allclose(u.deconv_flxspec, u.deconv_phtspec * u.rsp_chbin_mean)


def test_data_aggregates_follow_reassignment(parts):
    s, b, r = parts
    u1 = DataUnit(s, b, rsp=r, stat="wstat")
    u2 = DataUnit(s, b, rsp=r, stat="wstat", notc=[5, 20])
    d = Data([("a", u1), ("b", u2)])
    assert d.names == ["a", "b"] and d.npoints == [64, u2.npoint]
    assert d.bin_start == [0, 100] and d.bin_stop == [100, 200]
    u3 = DataUnit(s, b, rsp=r, stat="cstat", grpg={"min_evt": 200})
    d["b"] = u3
    assert u3.name == "b" and d.npoints == [64, u3.npoint] and d.stats == ["wstat", "cstat"]
    u3.notc = [10, 30]
    assert d.npoints[1] == u3.npoint and d.src_counts[1].sum() == u3.src_counts.sum()
    assert list(d.par) == ["a.sf", "a.bf", "a.rf", "b.sf", "b.bf", "b.rf"]
    assert d[2] is u3


def test_save_json(tmp_path, parts):
    import json
    s, b, r = parts
    d = Data([("a", DataUnit(s, b, rsp=r, stat="wstat"))])
    d.save(tmp_path / "out")
    js = json.loads((tmp_path / "out" / "data.json").read_text())
    assert js["rows"][0][0] == "a"
    d["a"].save(tmp_path / "out")
    assert (tmp_path / "out" / "dataunit.json").exists()
