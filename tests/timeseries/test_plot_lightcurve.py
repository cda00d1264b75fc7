"""The light-curve plot: data, background model with its band, intervals (Agg backend)."""

import numpy as np

from bayspec.estimators.intervals import constant_width
from bayspec.plot.lightcurve import plot_lightcurve


def test_plot_lightcurve_with_background_and_intervals(n3, n3_bkg, tmp_path):
    iv = constant_width(0.0, 10.0, 2.0)
    ax = plot_lightcurve(n3, background=n3_bkg, dt=1.024, t_range=(-25.0, 300.0),
                         energy_range=(8.0, 900.0), source_intervals=iv)
    labels = ax.get_legend_handles_labels()[1]
    assert "background model" in labels and "background intervals" in labels
    assert any("5 source intervals" in t for t in labels)
    assert "(s)" in ax.get_xlabel() and "counts" in ax.get_ylabel()
    # the drawn background curve is the fitted rate summed over 8-900 keV channels
    line = [ln for ln in ax.get_lines() if ln.get_label() == "background model"][0]
    y = line.get_ydata()
    assert 1000 < np.median(y) < 1200
    p = tmp_path / "lc.png"
    ax.figure.savefig(p)
    assert p.stat().st_size > 10000
    import matplotlib.pyplot as plt
    plt.close(ax.figure)
