"""Our flux points and light curves read by gammapy (`FluxPoints.read`): every SED type we
write, FITS and ECSV, and every column compared with ours."""

import warnings

import numpy as np
import pytest
from astropy import units as u
from astropy.io import fits
from gp_fixtures import gammapy, hess_dir  # noqa: F401  (fixtures)

from bayspec.data.unit import DataUnit
from bayspec.estimators import FluxPointsCollection, FluxPointsEstimator
from bayspec.model.library import PowerLaw
from bayspec.parameter import LogUniform

pytestmark = pytest.mark.shared

SED_TYPES = ("likelihood", "dnde", "e2dnde", "flux", "eflux")
GBM_PHA2 = "gbm_bn080916009/glg_cspec_n3_bn080916009_v01.pha"


@pytest.fixture(scope="module")
def fp(gammapy, hess_dir):
    pl = PowerLaw()
    pl.settings["E0"] = 1e9
    pl["K"].prior = LogUniform(1e-30, 1e1)
    pl["K"].value = 3e-20
    pl["alpha"].value = -2.6
    unit = DataUnit(str(hess_dir / "pha_obs23523.fits"), stat="wstat", name="run23523")
    return FluxPointsEstimator(energy_edges=[1, 3, 10, 30] * u.TeV).run([(unit, pl)])


def _same(ours, theirs, name):
    a = ours.quantity if ours.unit is not None else np.asarray(ours)
    b = theirs.quantity if theirs.unit is not None else np.asarray(theirs)
    if isinstance(a, u.Quantity) or isinstance(b, u.Quantity):
        unit = a.unit if isinstance(a, u.Quantity) else b.unit
        a = u.Quantity(a).to_value(unit, equivalencies=u.spectral())
        b = u.Quantity(b).to_value(unit, equivalencies=u.spectral())
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype == bool or b.dtype == bool:
        np.testing.assert_array_equal(a.astype(bool), b.astype(bool).reshape(a.shape), name)
        return
    np.testing.assert_allclose(b.astype(float).reshape(a.shape), a.astype(float), rtol=1e-12,
                               atol=0, equal_nan=True, err_msg=name)


def _ours_gadf(result, sed):
    from bayspec.estimators._io import to_gadf

    return to_gadf(result.to_table(sed))


@pytest.mark.parametrize("ext", ["fits", "ecsv"])
def test_gammapy_reads_every_sed_type(fp, tmp_path, ext):
    from gammapy.estimators import FluxPoints

    for sed in SED_TYPES:
        path = tmp_path / f"fp_{sed}.{ext}"
        fp.write(path, sed_type=sed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = FluxPoints.read(path, sed_type=sed).to_table(sed_type=sed,
                                                                  format="gadf-sed")
        ours = _ours_gadf(fp, sed)
        compared = [c for c in theirs.colnames if c in ours.colnames]
        assert {"e_ref", "e_min", "e_max", "ts", "sqrt_ts", "counts", "npred",
                "npred_excess", "is_ul", "stat", "stat_null"} <= set(compared), sed
        if sed == "likelihood":
            assert {"norm", "norm_err", "norm_errp", "norm_errn", "norm_ul", "stat_scan",
                    "norm_scan", "ref_dnde"} <= set(compared)
        else:
            assert {sed, f"{sed}_err", f"{sed}_errp", f"{sed}_errn", f"{sed}_ul"} <= \
                set(compared), sed
        for c in compared:
            _same(ours[c], theirs[c], f"{sed}.{ext}: {c}")
        assert ours["counts"].shape == (len(fp), 1)


def test_fits_layout_is_gadf(fp, tmp_path):
    fp.write(tmp_path / "fp.fits")
    with fits.open(tmp_path / "fp.fits") as h:
        assert h[1].name == "FLUXPOINTS"
        assert h[1].header["SED_TYPE"] == "likelihood"
        assert h[1].header["UL_CONF"] == pytest.approx(0.9545, abs=1e-4)
        assert h[1].columns["counts"].dim is not None or h[1].data["counts"].ndim == 2


@pytest.fixture(scope="module")
def lightcurve(fp, hess_dir):
    shared = hess_dir.parent
    col = FluxPointsCollection.from_flux_points([(0.0, 5.0, fp), (5.0, 15.0, fp)])
    if (shared / GBM_PHA2).exists():
        col.set_time_reference(fits.getheader(shared / GBM_PHA2, "SPECTRUM"))
    else:
        col.set_time_reference({"TRIGTIME": 243216766.613542, "MJDREFI": 51910,
                                "MJDREFF": 7.428703703703703e-4, "TIMESYS": "TT"})
    return col


@pytest.mark.parametrize("ext", ["fits", "ecsv"])
def test_gammapy_reads_our_light_curves(lightcurve, tmp_path, ext):
    from astropy.time import Time
    from gammapy.estimators import FluxPoints

    for sed in ("likelihood", "flux", "dnde"):
        path = tmp_path / f"lc_{sed}.{ext}"
        lightcurve.write(path, sed_type=sed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g = FluxPoints.read(path, format="lightcurve", sed_type=sed)
            theirs = g.to_table(sed_type=sed, format="lightcurve")
        ours = _ours_gadf(lightcurve, sed)
        assert len(theirs) == 2
        compared = [c for c in theirs.colnames if c in ours.colnames]
        assert {"time_min", "time_max", "e_min", "e_max", "counts", "is_ul"} <= set(compared)
        for c in compared:
            if c in ("time_min", "time_max"):
                np.testing.assert_allclose(np.asarray(theirs[c]), np.asarray(ours[c]),
                                           rtol=0, atol=1e-9)
                continue
            _same(ours[c], theirs[c], f"lc {sed}.{ext}: {c}")
        # absolute times: trigger of GRB 080916C + 0 s, in TT
        trig = Time(51910 + 7.428703703703703e-4, format="mjd", scale="tt") + \
            243216766.613542 * u.s
        t0 = g.geom.axes["time"].time_min[0]
        assert abs((t0.tt - trig.tt).to_value("s")) < 1e-3
        assert np.allclose(np.asarray(ours["t_max"]), [5.0, 15.0])


def test_light_curve_round_trip_through_our_reader(lightcurve, tmp_path):
    for ext in ("fits", "ecsv"):
        path = tmp_path / f"lc.{ext}"
        lightcurve.write(path)
        back = FluxPointsCollection.read(path)
        for c in lightcurve.table.colnames:
            np.testing.assert_array_equal(np.asarray(back.table[c]),
                                          np.asarray(lightcurve.table[c]), err_msg=c)
        assert back.table.meta["TRIGTIME"] == pytest.approx(243216766.613542)
