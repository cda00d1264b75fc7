"""Text and HTML presentation of a `Posterior` (kept apart from the numbers)."""

from __future__ import annotations

import html

import numpy as np

__all__ = ["posterior_text", "posterior_html"]


def _rows(post):
    t = post.summary()
    for r in t:
        med = r["median"]
        yield (r["name"], r["unit"], med, med - r["lo68"], r["hi68"] - med, r["lo90"], r["hi90"])


def _header(post):
    info = post.info
    method = info.get("method") or "?"
    parts = [f"Posterior ({method}): {len(post)} samples of {len(post.names)} parameters"]
    details = []
    if "ess" in info and info["ess"] is not None and np.isfinite(info["ess"]):
        details.append(f"ESS {info['ess']:.0f}")
    if method == "emcee":
        if "acceptance" in info:
            details.append(f"acceptance {info['acceptance']:.2f}")
        tau = info.get("autocorr")
        if tau:
            details.append(f"τ max {np.nanmax(np.asarray(tau, dtype=float)):.1f}")
        if "nwalkers" in info:
            details.append(f"{info['nwalkers']} walkers × {info.get('nsteps')} steps "
                           f"(burn {info.get('burn')})")
    if post.logz is not None:
        err = "" if post.logz_err is None else f" ± {post.logz_err:.3f}"
        details.append(f"ln Z = {post.logz:.3f}{err}")
    if info.get("elapsed") is not None:
        details.append(f"{info['elapsed']:.1f} s")
    if details:
        parts.append("  " + ", ".join(details))
    return parts


def posterior_text(post) -> str:
    """A plain-text summary: header, then median and 68 % / 90 % intervals per parameter."""
    lines = _header(post)
    w = max(len("name"), *(len(n) for n in post.names))
    lines.append(f"  {'name':<{w}}  {'median':>12}  {'-1σ':>10}  {'+1σ':>10}  "
                 f"{'90% interval':>25}  unit")
    for name, unit, med, lo, hi, l90, h90 in _rows(post):
        lines.append(f"  {name:<{w}}  {med:>12.5g}  {lo:>10.3g}  {hi:>10.3g}  "
                     f"[{l90:>10.5g}, {h90:>10.5g}]  {unit}".rstrip())
    return "\n".join(lines)


def posterior_html(post) -> str:
    """An HTML table of the same content, for notebooks."""
    head = _header(post)
    out = [f"<div><p><b>{html.escape(head[0])}</b>"]
    if len(head) > 1:
        out.append(f"<br>{html.escape(head[1].strip())}")
    out.append("</p><table><thead><tr><th>name</th><th>median</th><th>−1σ</th><th>+1σ</th>"
               "<th>90% interval</th><th>unit</th></tr></thead><tbody>")
    for name, unit, med, lo, hi, l90, h90 in _rows(post):
        out.append(f"<tr><td>{html.escape(name)}</td><td>{med:.5g}</td><td>{lo:.3g}</td>"
                   f"<td>{hi:.3g}</td><td>[{l90:.5g}, {h90:.5g}]</td><td>{html.escape(unit)}</td></tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
