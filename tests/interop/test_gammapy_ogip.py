"""OGIP files between bayspec and gammapy: H.E.S.S. run 23523 written with
`DataUnit.write` and read with gammapy's `SpectrumDatasetOnOff.read` (counts, acceptance,
exposure, energy axes, W-stat of one power law), and gammapy-written OGIP read back."""

import numpy as np
import pytest
from gp_fixtures import gammapy, hess_dir  # noqa: F401  (fixtures)

from bayspec.data import Response
from bayspec.data.unit import DataUnit
from bayspec.model.library import PowerLaw
from bayspec.parameter import LogUniform

pytestmark = pytest.mark.shared

RUN = 23523
INDEX = 2.6
AMPLITUDE_TEV = 3e-11  # cm-2 s-1 TeV-1 at 1 TeV


def _bayspec_pl():
    pl = PowerLaw()
    pl.settings["E0"] = 1e9  # 1 TeV in keV
    pl["K"].prior = LogUniform(1e-30, 1e1)
    pl["K"].value = AMPLITUDE_TEV / 1e9  # per keV
    pl["alpha"].value = -INDEX
    return pl


def _gammapy_pl():
    from gammapy.modeling.models import PowerLawSpectralModel, SkyModel

    return SkyModel(spectral_model=PowerLawSpectralModel(
        index=INDEX, amplitude=f"{AMPLITUDE_TEV} cm-2 s-1 TeV-1", reference="1 TeV"))


@pytest.fixture(scope="module")
def written(gammapy, hess_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("hess")
    unit = DataUnit(str(hess_dir / f"pha_obs{RUN}.fits"), stat="wstat", name=f"run{RUN}")
    unit.write(out)
    return unit, out / f"run{RUN}.pha"


def test_gammapy_reads_our_ogip_files(written, hess_dir):
    from gammapy.datasets import SpectrumDatasetOnOff

    unit, pha = written
    ours = SpectrumDatasetOnOff.read(pha)
    ref = SpectrumDatasetOnOff.read(hess_dir / f"pha_obs{RUN}.fits")
    assert ours.name == str(RUN)
    for attr in ("counts", "counts_off", "acceptance", "acceptance_off", "mask_safe"):
        np.testing.assert_array_equal(getattr(ours, attr).data, getattr(ref, attr).data,
                                      err_msg=attr)
    np.testing.assert_allclose(ours.exposure.quantity.to_value("m2 s"),
                               ref.exposure.quantity.to_value("m2 s"), rtol=1e-12)
    for name in ("energy", "energy_true"):
        a = ours.counts.geom.axes["energy"] if name == "energy" else \
            ours.exposure.geom.axes["energy_true"]
        b = ref.counts.geom.axes["energy"] if name == "energy" else \
            ref.exposure.geom.axes["energy_true"]
        np.testing.assert_allclose(a.edges.to_value("keV"), b.edges.to_value("keV"), rtol=1e-12)
    np.testing.assert_allclose(ours.edisp.edisp_map.data, ref.edisp.edisp_map.data,
                               rtol=1e-12, atol=0)
    # the same numbers as ours
    np.testing.assert_array_equal(ours.counts.data.ravel(), unit.src_ins.counts)
    np.testing.assert_array_equal(ours.counts_off.data.ravel(), unit.bkg_ins.counts)


def test_wstat_of_one_power_law_agrees(written):
    from gammapy.datasets import SpectrumDatasetOnOff

    unit, pha = written
    ds = SpectrumDatasetOnOff.read(pha)
    ds.models = [_gammapy_pl()]
    # the same channels on both sides: gammapy's safe mask, every channel one group; and
    # the same true-energy grid: gammapy integrates over the ARF's ENERG_LO/HI, we over the
    # RMF's, and in these files they differ by up to 5e-8 (float32 rounding), which alone
    # moves the W-stat by 4e-8
    first = DataUnit(str(pha), stat="wstat")
    rsp = Response(first.rsp_ins.chbin, first.arf_ins.phbin, first.rsp_ins.drm)
    back = DataUnit(str(pha), rsp=rsp, stat="wstat", grpg="none")
    safe = np.asarray(ds.mask_safe.data, dtype=bool).ravel()
    lo, hi = back.rsp_ins.chbin[safe][[0, -1], [0, 1]]
    back.notc = [[lo, hi]]
    assert back.npoint == safe.sum()
    back.fit_with = _bayspec_pl()
    ours = back.stat_sum()
    theirs = float(ds.stat_sum())
    assert ours == pytest.approx(theirs, rel=1e-8)


def test_we_read_gammapy_written_ogip(gammapy, hess_dir, tmp_path):
    from gammapy.datasets import SpectrumDatasetOnOff

    ds = SpectrumDatasetOnOff.read(hess_dir / f"pha_obs{RUN}.fits")
    ds.write(tmp_path / f"pha_obs{RUN}.fits", format="ogip")
    unit = DataUnit(str(tmp_path / f"pha_obs{RUN}.fits"), stat="wstat")
    ref = DataUnit(str(hess_dir / f"pha_obs{RUN}.fits"), stat="wstat")
    np.testing.assert_array_equal(unit.src_ins.counts, ref.src_ins.counts)
    np.testing.assert_array_equal(unit.bkg_ins.counts, ref.bkg_ins.counts)
    np.testing.assert_array_equal(unit.qualifying, ref.qualifying)
    np.testing.assert_allclose(unit.rsp_ins.drm, ref.rsp_ins.drm, rtol=1e-6, atol=0)
    pl = _bayspec_pl()
    unit.fit_with = ref.fit_with = pl
    assert unit.stat_sum() == pytest.approx(ref.stat_sum(), rel=1e-6)
