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
