"""Text and HTML presentation of a `FitResult` (kept apart from the numbers)."""

from __future__ import annotations

import html

__all__ = ["result_text", "result_html"]


def _fmt(v):
    return "nan" if v != v else f"{v:.6g}"


def _rows(res):
    rows = []
    for n in res.names:
        row = [n, _fmt(res.values[n]), _fmt(res.errors[n])]
        if res.errors_lo is not None:
            lo = res.errors_lo.get(n, float("nan"))
            hi = res.errors_hi.get(n, float("nan"))
            row.append(f"{_fmt(lo)} / +{_fmt(hi)}")
        lim = res.at_limit.get(n)
        row.append(f"at {lim['side']} bound" if lim else "")
        rows.append(row)
    return rows


def _header(res):
    head = ["parameter", "value", "error"]
    if res.errors_lo is not None:
        head.append("minos")
    head.append("")
    return head


def _summary(res):
    state = "valid" if res.valid else f"NOT VALID ({res.status})"
    return (f"stat = {res.stat:.6g}, dof = {res.dof} (N = {res.npoints}, k = {res.nfree}), "
            f"AIC = {res.aic:.6g}, BIC = {res.bic:.6g}, EDM = {res.edm:.3g}, {state}")


def result_text(res) -> str:
    """Plain-text table of a fit result."""
    head = _header(res)
    rows = _rows(res)
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    out = ["FitResult: " + _summary(res), line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    for msg in res.limit_messages:
        out.append(f"warning: {msg}")
    if len(res.stat_per_unit) > 1:
        out.append("per unit: " + ", ".join(f"{k} {v:.6g}" for k, v in res.stat_per_unit.items()))
    return "\n".join(out)


def result_html(res) -> str:
    """HTML table of a fit result (for notebooks)."""
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in _header(res))
    body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in _rows(res))
    warn = "".join(f"<p style='color:#b00'>{e(m)}</p>" for m in res.limit_messages)
    return (f"<div><p><b>FitResult</b>: {e(_summary(res))}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{warn}</div>")


# ---------------------------------------------------------------------- goodness / comparison
def goodness_text(g) -> str:
    """One paragraph for a `GoodnessResult`."""
    obs = g.observed
    obs_s = f"{obs:.6g}" if not hasattr(obs, "__len__") else f"median {float(_median(obs)):.6g}"
    lines = [f"Goodness of fit ({g.method}): p = {g.p_value:.4g} ± {g.p_error:.2g} "
             f"({g.nsim} simulations)",
             f"  observed statistic {obs_s}"
             + (f", dof {g.dof}" if g.dof is not None else "")
             + f"; simulated 16/50/84 %: {_pct(g.simulated)}"]
    if g.nfailed:
        lines.append(f"  warning: {g.nfailed} refits did not converge")
    lines.append(f"  {g.elapsed:.1f} s")
    return "\n".join(lines)


def goodness_html(g) -> str:
    e = html.escape
    return "<div><p>" + "<br>".join(e(x) for x in goodness_text(g).splitlines()) + "</p></div>"


def lrt_text(t) -> str:
    """One paragraph for an `LRTResult`."""
    out = [f"Likelihood-ratio test: {t.null}  vs  {t.alt}",
           f"  LRT = {t.observed:.4g}, Δk = {t.dof}, Wilks χ² p = {t.p_wilks:.4g}"]
    if t.p_value is not None:
        out.append(f"  simulated p = {t.p_value:.4g} ± {t.p_error:.2g} ({t.nsim} simulations, "
                   f"{100 * t.fraction_zero:.0f} % at LRT = 0)")
        if t.nfailed:
            out.append(f"  warning: {t.nfailed} simulations had a refit that did not converge")
    return "\n".join(out)


def comparison_text(c) -> str:
    """Plain-text table of a `Comparison`."""
    head = ["", "stat", "k", "AIC", "AICc", "BIC"]
    rows = []
    for name, ic in zip(c.names, c.criteria):
        rows.append([name, _fmt(ic["stat"]), str(ic["k"]), _fmt(ic["aic"]), _fmt(ic["aicc"]),
                     _fmt(ic["bic"])])
    d = c.delta
    rows.append(["Δ (alt − null)", _fmt(d["stat"]), "", _fmt(d["aic"]), _fmt(d["aicc"]), _fmt(d["bic"])])
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    line = lambda r: "  ".join(x.ljust(w) for x, w in zip(r, widths)).rstrip()  # noqa: E731
    out = ["Model comparison (null first)", line(head)] + [line(r) for r in rows]
    if c.lrt is not None:
        out.append(lrt_text(c.lrt))
    if c.logz is not None:
        (z0, e0), (z1, e1) = c.logz
        out.append(f"ln Z: null {z0:.3f} ± {e0 or 0:.3f}, alternative {z1:.3f} ± {e1 or 0:.3f}")
    if c.ln_bayes_factor is not None:
        b, e = c.ln_bayes_factor
        out.append(f"ln B (alt/null) = {b:.3f} ± {e:.3f}: {c.bayes_factor_wording}")
    if c.loo is not None:
        for name, lw in zip(c.names, c.loo):
            out.append(f"{name}: elpd_loo {lw['elpd_loo']:.2f} ± {lw['se_loo']:.2f}, "
                       f"elpd_waic {lw['elpd_waic']:.2f} ± {lw['se_waic']:.2f}, "
                       f"max Pareto k {lw['pareto_k_max']:.2f}")
    if c.note:
        out.append(c.note)
    return "\n".join(out)


def comparison_html(c) -> str:
    e = html.escape
    text = comparison_text(c).splitlines()
    return "<div><pre>" + e("\n".join(text)) + "</pre></div>"


def _median(x):
    import numpy as np

    return np.median(x)


def _pct(x):
    import numpy as np

    if len(x) == 0:
        return "-"
    return " / ".join(f"{v:.5g}" for v in np.percentile(x, [16, 50, 84]))
