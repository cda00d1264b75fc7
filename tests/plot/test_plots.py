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


# ------------------------------------------------------------------ what is drawn
def _unrendered(fig):
    """Texts of ``fig`` that would show TeX literally (a backslash, ``^{`` or ``_{``
    outside ``$...$``) after drawing."""
    import re

    fig.canvas.draw()
    bad = []
    for t in fig.findobj(matplotlib.text.Text):
        s = t.get_text()
        if not s or not t.get_visible():
            continue
        outside = re.sub(r"\$[^$]*\$", "", s)
        if "\\" in outside or "^{" in outside or "_{" in outside or "^-" in outside:
            bad.append(s)
    return bad


def _model_steps(ax, unit):
    """y values of the step line drawn over ``unit``'s groups (one value per group)."""
    n = 2 * unit.npoint
    lines = [ln for ln in ax.get_lines() if len(ln.get_ydata()) == n
             and ln.get_xdata()[0] == unit.rsp_chbin[0, 0]]
    assert len(lines) == 1
    return lines[0].get_ydata()[::2]


def test_fit_draws_npred_signal(fitted):
    import numpy as np

    from bayspec.plot._source import units_of

    ax1, ax2 = plot.plot_fit(fitted)
    for _, unit in units_of(fitted):
        y = _model_steps(ax1, unit)
        np.testing.assert_allclose(y * unit.corr_src_efficiency * unit.rsp_chbin_width,
                                   unit.npred_signal().ravel(), rtol=1e-12)
    assert _unrendered(ax1.figure) == []
    plt.close(ax1.figure)


def test_default_residuals_are_the_statistic_deviance(fitted):
    """Unrebinned deviance residuals square-sum to the fit statistic (pgstat here, its
    background profiled), and the axis says which definition it is."""
    import numpy as np

    from bayspec.plot._source import units_of

    ax = plot.plot_residuals(fitted, rebin=False)
    total = 0.0
    for container in ax.containers:
        total += np.sum(np.asarray(container.lines[0].get_ydata()) ** 2)
    np.testing.assert_allclose(total, sum(u.stat_sum() for _, u in units_of(fitted)), rtol=1e-10)
    assert "Deviance residual (pgstat)" == ax.get_ylabel()
    plt.close(ax.figure)


def test_rebinned_points_conserve_counts(fitted):
    """Net counts of the drawn bins (detections and upper-limit bins) sum to the unit's."""
    import numpy as np

    from bayspec.plot import _source as src

    unit = fitted["b1"]
    bins = src.bins_of(unit)
    assert bins.size < unit.npoint and bins.is_ul.any()
    np.testing.assert_allclose(bins.net.sum(), src.excess(unit).sum(), rtol=1e-12)
    ax1, _ = plot.plot_fit(unit)
    den = bins.sum(unit.corr_src_efficiency * unit.rsp_chbin_width)
    pts = ax1.containers[0].lines[0].get_ydata()
    np.testing.assert_allclose(pts, (bins.net / den)[~bins.is_ul], rtol=1e-12)
    plt.close(ax1.figure)


def test_chi2_residuals_are_d_minus_m_over_sigma(fitted):
    import numpy as np

    from bayspec.plot import _source as src

    unit = fitted["n6"]
    old = unit.stat
    unit.stat = "chi2_modelvar"
    try:
        res, err, method = src.binned_residuals(unit, src.bins_of(unit, False))
        m = unit.npred().ravel()
        # chi2 with model variance: sigma^2 = model (signal + alpha B) as the statistic has it
        stat = unit.stat_array().ravel()
        np.testing.assert_allclose(res ** 2, stat, rtol=1e-10)
        np.testing.assert_allclose(np.sign(res), np.sign(unit.src_counts - m))
        assert method == "chi" and "\\sigma" in src.residual_label(unit, "auto")
    finally:
        unit.stat = old


def test_unrebinned_spectrum_is_the_deconvolved_spectrum(fitted):
    import numpy as np

    unit = fitted["n6"]
    ax = plot.plot_spectrum(unit, rebin=False)
    pts = ax.containers[0].lines[0].get_ydata()
    y = unit.deconv_ergspec
    ok = y / unit.deconv_ergspec_error >= 2.0
    np.testing.assert_allclose(pts, y[ok], rtol=1e-10)
    plt.close(ax.figure)


def test_nufnu_range_fits_the_data_and_no_bgo_point_without_signal(fitted):
    """No drawn BGO point lies where its bin has no significant signal (those are upper
    limits); the y axis spans the data, not four decades below the peak."""
    import numpy as np

    from bayspec.plot import _source as src

    ax = plot.plot_spectrum(fitted, sed="nufnu")
    lo, hi = ax.get_ylim()
    ys = np.concatenate([c.lines[0].get_ydata() for c in ax.containers if c.lines[0]])
    assert ys.min() / 5 <= lo and hi <= ys.max() * 5, (lo, hi, ys.min(), ys.max())
    unit = fitted["b1"]
    bins = src.bins_of(unit)
    edges = bins.edges(unit.rsp_chbin)
    (b1,) = [c for c in ax.containers if c.get_label() == "b1"]
    b1_points = b1.lines[0].get_xdata()
    np.testing.assert_allclose(b1_points, edges.mean(axis=1)[~bins.is_ul])
    assert np.all(bins.significance[np.isin(edges.mean(axis=1), b1_points)] >= 2.0)
    assert _unrendered(ax.figure) == []
    plt.close(ax.figure)


def test_narrow_log_axis_has_plain_ticks():
    fig, ax = plt.subplots()
    ax.plot([0.3, 0.9], [0.3, 0.9])
    from bayspec.plot._style import log_axes

    log_axes(ax)
    fig.canvas.draw()
    texts = [t.get_text() for t in ax.get_xticklabels(minor=True) + ax.get_xticklabels()
             if t.get_text()]
    assert texts and not any("times" in t or "\\" in t for t in texts), texts
    plt.close(fig)


def test_corner_labels_render_and_name_unit_parameters():
    import numpy as np

    from bayspec.infer.posterior import Posterior

    rng = np.random.default_rng(0)
    post = Posterior(["cpl.K", "cpl.alpha", "b1.sf"], rng.normal(1.0, 0.1, (500, 3)),
                     units=["ph cm^-2 s^-1 keV^-1", "", ""],
                     labels=["$K$", r"$\alpha$", r"f_{\rm src}"])
    fig = plot.corner(post)
    assert _unrendered(fig) == []
    xl = [ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()]
    assert "b1.sf" in xl and "$K$ [ph cm$^{-2}$ s$^{-1}$ keV$^{-1}$]" in xl
    # margins fitted to the labels: the drawn content reaches close to the figure edges
    bb = fig.get_tightbbox(fig.canvas.get_renderer())
    w, h = fig.get_size_inches()
    assert bb.x0 < 0.15 and bb.y0 < 0.15 and bb.x1 > w - 0.15 and bb.y1 > h - 0.15
    plt.close(fig)


def test_flux_points_axes_keep_their_labels():
    from bayspec.estimators._plot import get_ax, sed_label

    ax = get_ax()
    ax.set_ylabel(sed_label("e2dnde", "erg cm-2 s-1"))
    ax.set_yscale("log")
    ax.set_ylim(1e-12, 1e-10)
    fig = ax.figure
    fig.canvas.draw()
    assert fig.get_layout_engine() is not None
    assert ax.yaxis.label.get_window_extent().x0 >= 0
    assert _unrendered(fig) == []
    plt.close(fig)


def test_lightcurve_blocks_drawn_at_their_mean_rate():
    import numpy as np

    from bayspec.data.timeseries import LightCurve
    from bayspec.plot.lightcurve import block_rates, plot_lightcurve

    t = np.arange(0.0, 10.0, 1.0)
    counts = np.array([1, 1, 1, 9, 11, 10, 1, 1, 1, 1], float)
    lc = LightCurve(t, t + 1.0, counts, np.full(10, 0.5))
    edges = [0.0, 3.0, 6.0, 10.0]
    np.testing.assert_allclose(block_rates(lc, edges), [2.0, 20.0, 2.0])
    ax = plot_lightcurve(lc, blocks=edges)
    (steps,) = [p for p in ax.patches if "Bayesian blocks" in str(p.get_label())]
    np.testing.assert_allclose(steps.get_data().values, [2.0, 20.0, 2.0])
    assert _unrendered(ax.figure) == []
    plt.close(ax.figure)
