"""Every plot renders to a non-empty PNG with unit-bearing axis labels."""

import warnings

import matplotlib
import matplotlib.pyplot as plt
import pytest

matplotlib.use("Agg")

from bayspec import plot  # noqa: E402
from bayspec.data import Data, DataUnit  # noqa: E402
from bayspec.examples import grb090217a  # noqa: E402
from bayspec.model import parse_model  # noqa: E402


@pytest.fixture(scope="module")
def fitted():
    units = []
    for det, notc in (("n6", [[8, 900]]), ("b1", [[250, 38000]])):
        f = grb090217a(det)
        units.append(DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=notc, stat="pgstat",
                              name=det))
    data = Data(units)
    model = parse_model("cpl")
    model["cpl.K"].value, model["cpl.alpha"].value, model["cpl.Ep"].value = 0.8 * 100.0**-0.8, -0.8, 570.0
    data.fit_with = model
    return data


def _saved(fig, tmp_path, name):
    path = tmp_path / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig.savefig(path)
    plt.close(fig)
    assert path.stat().st_size > 5000
    return path


def _has_units(ax):
    for label in (ax.get_xlabel(), ax.get_ylabel()):
        assert "(" in label and ")" in label, label


def test_plot_counts(fitted, tmp_path):
    ax = plot.plot_counts(fitted)
    _has_units(ax)
    assert "keV" in ax.get_xlabel() and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(ax.get_legend().get_texts()) == 4  # counts + background per unit
    _saved(ax.figure, tmp_path, "counts.png")


def test_plot_excess(fitted, tmp_path):
    ax = plot.plot_excess(fitted["n6"])
    _has_units(ax)
    _saved(ax.figure, tmp_path, "excess.pdf")


@pytest.mark.parametrize("method", ["diff", "diff/model", "diff/sqrt(model)"])
def test_plot_residuals(fitted, tmp_path, method):
    ax = plot.plot_residuals(fitted, method=method)
    _has_units(ax)
    _saved(ax.figure, tmp_path, "res.png")


def test_plot_fit_one_colour_per_unit(fitted, tmp_path):
    ax1, ax2 = plot.plot_fit(fitted)
    assert "counts s$^{-1}$ keV$^{-1}$" in ax1.get_ylabel()
    _has_units(ax2)
    assert "keV" in ax2.get_xlabel()
    colours = {tuple(c.get_children()[0].get_color()) if hasattr(c, "get_children") else None
               for c in ax1.containers}
    assert len(colours) == 2
    _saved(ax1.figure, tmp_path, "fit.png")


def test_plot_fit_into_given_axes(fitted):
    fig, (a, b) = plt.subplots(2, 1)
    out = plot.plot_fit(fitted["b1"], ax_spectrum=a, ax_residuals=b)
    assert out == (a, b)
    plt.close(fig)


def test_peek(fitted, tmp_path):
    axes = plot.peek(fitted["n6"])
    assert len(axes) == 3
    for ax in axes:
        _has_units(ax)
    assert "cm$^{2}$" in axes[1].get_ylabel()
    _saved(axes[0].figure, tmp_path, "peek.png")


@pytest.mark.parametrize("sed, unit", [("NE", "keV$^{-1}$"), ("ENE", "keV cm"),
                                       ("nufnu", "erg cm")])
def test_plot_spectrum(fitted, tmp_path, sed, unit):
    ax = plot.plot_spectrum(fitted, sed=sed)
    _has_units(ax)
    assert unit in ax.get_ylabel()
    _saved(ax.figure, tmp_path, f"spec_{sed}.png")


def test_plot_spectrum_bad_sed(fitted):
    with pytest.raises(ValueError, match="unknown sed"):
        plot.plot_spectrum(fitted, sed="flux")


def test_unit_methods_reach_plots(fitted):
    unit = fitted["n6"]
    if not hasattr(unit, "plot_counts"):
        pytest.skip("DataUnit.plot_* methods not in this tree yet")
    ax = unit.plot_counts()
    _has_units(ax)
    plt.close(ax.figure)
