"""A small corner plot of weighted samples (no dependency on the ``corner`` package).

The diagonal shows each parameter's 1-D weighted histogram with its median and 16/84 %
quantiles; below it, every pair's 2-D weighted histogram (grey scale) with contours holding
39.3 % and 86.5 % of the probability, the 1σ and 2σ levels of a 2-D Gaussian. The layout
follows the usual "triangle" plot (e.g. Foreman-Mackey 2016, JOSS 1, 24); the code is ours.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["corner_plot", "axis_label", "mathtext_label", "mathtext_unit", "UNIT_PARAMETERS"]

#: 2-D probability mass inside 1σ and 2σ of a bivariate Gaussian: 1 − exp(−k²/2)
LEVELS_2D = (1 - np.exp(-0.5), 1 - np.exp(-2.0))

#: Per-unit parameters (``<unit>.sf`` ...): shown by their full name, e.g. ``b1.sf``, since
#: their label (``f_src``) does not say which unit they belong to.
UNIT_PARAMETERS = ("sf", "bf", "rf", "ra", "dec")

_TEX = re.compile(r"[\\^_{}]")
_POWER = re.compile(r"([A-Za-z]+)\s*(?:\^|\*\*)\s*\(?([-+]?\d+(?:\.\d+)?)\)?")


def mathtext_label(label):
    """A label that matplotlib renders: TeX outside ``$...$`` (``f_{\\rm src}``) is put
    in math mode (``$f_{\\rm src}$``); text already in math mode or plain is kept."""
    label = str(label)
    if "$" in label or not _TEX.search(label):
        return label
    return f"${label}$"


def mathtext_unit(unit):
    """A unit string with its powers as mathtext superscripts: ``"ph cm^-2 s^-1"`` →
    ``"ph cm$^{-2}$ s$^{-1}$"``; units already in math mode are kept."""
    unit = str(unit)
    if "$" in unit:
        return unit
    return _POWER.sub(lambda m: f"{m.group(1)}$^{{{m.group(2)}}}$", unit)


def axis_label(name, unit="", label=""):
    """Axis text of a parameter in mathtext: ``label`` or ``name`` (the full name for
    per-unit parameters such as ``b1.sf``), with ``[unit]`` when there is one."""
    short = str(name).rsplit(".", 1)[-1]
    if "." in str(name) and short in UNIT_PARAMETERS:
        text = str(name)
    else:
        text = mathtext_label(label) if label else str(name)
    return f"{text} [{mathtext_unit(unit)}]" if unit else text


def _wq(x, q, w):
    order = np.argsort(x)
    xs, ws = x[order], w[order]
    c = np.cumsum(ws) - 0.5 * ws
    return np.interp(q, c / ws.sum(), xs)


def _range(x, w):
    lo, hi = _wq(x, [0.002, 0.998], w)
    if not hi > lo:
        lo, hi = x.min(), x.max()
    if not hi > lo:
        d = abs(lo) * 1e-3 or 1e-3
        lo, hi = lo - d, hi + d
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def _mass_thresholds(h, levels):
    """Histogram heights whose super-level sets hold the fractions ``levels`` of the mass."""
    flat = np.sort(h.ravel())[::-1]
    cum = np.cumsum(flat)
    if cum[-1] <= 0:
        return None
    cum /= cum[-1]
    out = []
    for lev in sorted(levels, reverse=True):
        i = min(np.searchsorted(cum, lev), flat.size - 1)
        out.append(flat[i])
    out = np.array(out)
    # contour levels must be increasing and distinct
    for k in range(1, out.size):
        if out[k] <= out[k - 1]:
            out[k] = out[k - 1] * (1 + 1e-9) + 1e-300
    return out


def corner_plot(samples, weights=None, names=None, *, units=None, labels=None, truths=None, fig=None,
                bins=30, color="C0", truth_color="C3", levels=LEVELS_2D, quantiles=(0.16, 0.5, 0.84),
                size=None):
    """Draw a corner plot and return the matplotlib ``Figure``.

    Parameters
    ----------
    samples : array (N, p)
    weights : array (N,), optional
    names : list of str, optional
        Parameter names (default ``x0, x1, ...``).
    units, labels : list of str, optional
        Units (appended as ``[unit]``) and LaTeX labels (used instead of the names).
    truths : sequence of float or None, optional
        Reference values drawn as lines (None entries are skipped).
    fig : matplotlib Figure, optional
        Drawn into (cleared first); default: a new figure of ``size`` inches
        (default ``max(4, 2.2 p)`` square).
    bins : int
    color, truth_color : matplotlib colours
    levels : sequence of float
        Probability mass inside the 2-D contours.
    quantiles : sequence of float
        Weighted quantiles marked on the 1-D histograms.

    Returns
    -------
    matplotlib.figure.Figure
        ``p (p + 1) / 2`` axes: the lower triangle and the diagonal.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    x = np.asarray(samples, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    n, p = x.shape
    w = np.full(n, 1.0 / n) if weights is None else np.asarray(weights, dtype=float)
    names = list(names) if names is not None else [f"x{j}" for j in range(p)]
    units = list(units) if units is not None else [""] * p
    labels = list(labels) if labels is not None else [""] * p
    text = [axis_label(nm, u, lb) for nm, u, lb in zip(names, units, labels)]
    truths = [None] * p if truths is None else list(truths)
    ranges = [_range(x[:, j], w) for j in range(p)]

    if fig is None:
        s = size or max(4.0, 2.2 * p)
        fig = plt.figure(figsize=(s, s))
    else:
        fig.clear()
    axes = fig.subplots(p, p, squeeze=False)
    fig.subplots_adjust(left=0.14 if p > 1 else 0.18, bottom=0.14 if p > 1 else 0.18, right=0.97,
                        top=0.95, wspace=0.06, hspace=0.06)
    fontsize = 10 if p <= 4 else 8

    for i in range(p):
        for j in range(p):
            ax = axes[i, j]
            if j > i:
                fig.delaxes(ax)
                continue
            if i == j:
                h, edges = np.histogram(x[:, j], bins=bins, range=ranges[j], weights=w)
                ax.stairs(h, edges, color=color, lw=1.2)
                for qv in _wq(x[:, j], list(quantiles), w):
                    ax.axvline(qv, color=color, ls="--", lw=0.8)
                ax.set_yticks([])
                ax.set_ylim(0, 1.1 * h.max() if h.max() > 0 else 1)
                if truths[j] is not None:
                    ax.axvline(truths[j], color=truth_color, lw=1)
                med = _wq(x[:, j], [0.16, 0.5, 0.84], w)
                head = axis_label(names[j], "", labels[j])
                tail = f" {mathtext_unit(units[j])}" if units[j] else ""
                ax.set_title(f"{head} = {med[1]:.3g}"
                             f"$_{{-{med[1] - med[0]:.2g}}}^{{+{med[2] - med[1]:.2g}}}$" + tail,
                             fontsize=fontsize - 1)
            else:
                h, xe, ye = np.histogram2d(x[:, j], x[:, i], bins=bins, range=[ranges[j], ranges[i]],
                                           weights=w)
                ax.pcolormesh(xe, ye, h.T, cmap="Greys", shading="flat", rasterized=True)
                thr = _mass_thresholds(h, levels)
                if thr is not None:
                    xc, yc = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])
                    ax.contour(xc, yc, h.T, levels=thr, colors=color, linewidths=1.0)
                if truths[j] is not None:
                    ax.axvline(truths[j], color=truth_color, lw=1)
                if truths[i] is not None:
                    ax.axhline(truths[i], color=truth_color, lw=1)
                ax.set_ylim(ranges[i])
            ax.set_xlim(ranges[j])
            ax.xaxis.set_major_locator(MaxNLocator(4, prune="both"))
            if i != j:
                ax.yaxis.set_major_locator(MaxNLocator(4, prune="both"))
            ax.tick_params(labelsize=fontsize - 2)
            if i == p - 1:
                ax.set_xlabel(text[j], fontsize=fontsize)
                ax.tick_params(axis="x", labelrotation=45)
            else:
                ax.set_xticklabels([])
            if j == 0 and i > 0:
                ax.set_ylabel(text[i], fontsize=fontsize)
                ax.tick_params(axis="y", labelrotation=45)
            elif i != j:
                ax.set_yticklabels([])
    _fit_margins(fig)
    return fig


def _fit_margins(fig, pad=0.06):
    """Shrink the figure margins to what the tick labels, axis labels and titles need
    (``pad`` inches around them): no wide empty border."""
    fig.canvas.draw()
    bb = fig.get_tightbbox(fig.canvas.get_renderer())
    w, h = fig.get_size_inches()
    sp = fig.subplotpars
    left = (sp.left * w - bb.x0 + pad) / w
    right = 1.0 - (bb.x1 - sp.right * w + pad) / w
    bottom = (sp.bottom * h - bb.y0 + pad) / h
    top = 1.0 - (bb.y1 - sp.top * h + pad) / h
    if 0.0 < left < right < 1.0 and 0.0 < bottom < top < 1.0:
        fig.subplots_adjust(left=left, right=right, bottom=bottom, top=top)
