"""Model checks in `bayspec fit`: simulated goodness of fit and model comparison.

Configuration keys (both optional)::

    goodness: {nsim: 1000, seed: 1}     # or: goodness: 1000, or goodness: true
    compare: [cpl, cpl + bb]            # models fitted to the same data and compared
    compare:                            # the long form
      models: [cpl, cpl + bb]
      nsim: 200                         # simulations of the likelihood-ratio test (0: Wilks only)
      seed: 2
      starts: [{bb.kT: 10}, {bb.kT: 300}]   # extra starts of the alternative's refits

Every model after the first of ``compare`` is compared with the first: information
criteria, a likelihood-ratio test when the models are nested by parameter names (simulated
from the null, `bayspec.infer.compare.lrt_test`), and with ``method: nested`` the Bayes
factor from both evidences (each compared model is sampled with the run's method and
options). A model equal to the run's ``model:`` reuses the run's fit. Parameter settings
(``params:``) apply to every model that has the parameter.

The logic is in `bayspec.infer.goodness` and `bayspec.infer.compare`; this module parses
the keys, runs them and renders the results for ``result.json`` and ``report.md``.
"""

from __future__ import annotations

from ..errors import BayspecError, ConfigError

__all__ = ["parse_goodness", "parse_compare", "run_checks", "checks_json", "checks_markdown",
           "CHECK_KEYS", "GOODNESS_PLOT", "COMPARE_PLOT"]

CHECK_KEYS = {"goodness", "compare"}
GOODNESS_PLOT = "goodness.png"
COMPARE_PLOT = "lrt.png"
_GOODNESS_KEYS = {"nsim", "seed", "posterior"}
_COMPARE_KEYS = {"models", "nsim", "seed", "starts"}


def _int(v, key, where, lo=0):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or int(v) != v or v < lo:
        raise ConfigError(f"must be an integer >= {lo}, got {v!r}", file=where, key=key)
    return int(v)


def parse_goodness(value, where=None):
    """``{"nsim", "seed", "posterior"}`` from the ``goodness:`` key (None when absent/false)."""
    if value is None or value is False:
        return None
    if value is True:
        value = {}
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"nsim": value}
    if not isinstance(value, dict):
        raise ConfigError("must be true, a number of simulations or a mapping "
                          "{nsim: 1000, seed: 1}", file=where, key="goodness")
    unknown = set(value) - _GOODNESS_KEYS
    if unknown:
        raise ConfigError(f"unknown setting; allowed: {', '.join(sorted(_GOODNESS_KEYS))}",
                          file=where, key=f"goodness.{sorted(unknown)[0]}")
    out = {"nsim": _int(value.get("nsim", 1000), "goodness.nsim", where, lo=1),
           "seed": value.get("seed"), "posterior": bool(value.get("posterior", False))}
    if out["seed"] is not None:
        out["seed"] = _int(out["seed"], "goodness.seed", where)
    return out


def parse_compare(value, where=None):
    """``{"models", "nsim", "seed", "starts"}`` from the ``compare:`` key (None when absent)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = {"models": list(value)}
    if not isinstance(value, dict):
        raise ConfigError("must be a list of model expressions or a mapping with models:",
                          file=where, key="compare")
    unknown = set(value) - _COMPARE_KEYS
    if unknown:
        raise ConfigError(f"unknown setting; allowed: {', '.join(sorted(_COMPARE_KEYS))}",
                          file=where, key=f"compare.{sorted(unknown)[0]}")
    models = value.get("models")
    if (not isinstance(models, (list, tuple)) or len(models) < 2
            or not all(isinstance(m, str) and m.strip() for m in models)):
        raise ConfigError("needs at least two model expressions, e.g. [cpl, cpl + bb]",
                          file=where, key="compare.models" if "models" in value else "compare")
    from ..model import parse_model

    for i, m in enumerate(models):
        try:
            parse_model(m)
        except BayspecError as exc:
            raise ConfigError(exc.problem, file=where, key=f"compare.models[{i}]") from None
    starts = value.get("starts") or []
    if not isinstance(starts, list) or not all(isinstance(s, dict) for s in starts):
        raise ConfigError("must be a list of {parameter: value} mappings", file=where,
                          key="compare.starts")
    seed = value.get("seed")
    return {"models": [m.strip() for m in models],
            "nsim": _int(value.get("nsim", 200), "compare.nsim", where),
            "seed": None if seed is None else _int(seed, "compare.seed", where),
            "starts": [{str(k): float(v) for k, v in s.items()} for s in starts]}


def _other_infer(cfg, data, expr):
    """A fitted `Infer` of model ``expr`` on the run's data, with the applicable settings."""
    from ..infer import Infer
    from ..model import parse_model
    from ..parameter import apply_settings

    model = parse_model(expr)
    params = dict(model.params)
    params.update({f"{n}.{k}": p for n, u in data.items() for k, p in u.par.items()})
    settings = {k: v for k, v in cfg.params.items() if k in params}
    apply_settings(settings, params, key="params")
    infer = Infer([(data, model)])
    infer.fit(raise_on_failure=False)
    return infer


def run_checks(cfg, data, model, infer, posterior, progress=False):
    """Run the configured checks; return ``(goodness or None, [Comparison, ...], notes)``.

    The run's model stays bound to the units with its best-fit values afterwards.
    """
    from ..infer.compare import compare
    from ..infer.goodness import goodness

    notes = []
    g = None
    gcfg = getattr(cfg, "goodness", None)
    if gcfg:
        g = goodness(infer, gcfg["nsim"], seed=gcfg["seed"],
                     posterior=posterior if gcfg["posterior"] else None)
        if g.nfailed:
            notes.append(f"goodness of fit: {g.nfailed} of {g.nsim} refits did not converge")
    comps = []
    ccfg = getattr(cfg, "compare", None)
    if ccfg:
        infers = {}
        for expr in ccfg["models"]:
            if expr.replace(" ", "") == cfg.model.replace(" ", ""):
                infers[expr] = infer
                continue
            other = _other_infer(cfg, data, expr)
            if cfg.method != "mle":
                other.sample(cfg.method, progress=progress, **dict(cfg.options))
            infers[expr] = other
        first = infers[ccfg["models"][0]]
        for expr in ccfg["models"][1:]:
            c = compare(first, infers[expr], nsim=ccfg["nsim"], seed=ccfg["seed"],
                        starts=ccfg["starts"])
            comps.append(c)
            if c.lrt is not None and c.lrt.nfailed:
                notes.append(f"comparison {c.names[0]} vs {c.names[1]}: {c.lrt.nfailed} "
                             "simulations had a refit that did not converge")
        # the run's model bound again, at its best fit (the compared ones share the units)
        for _, u in data.items():
            u.fit_with = model
        data.fit_with = model
        res = infer.result
        infer.likelihood.space.set([res.values[n] for n in infer.likelihood.free_names])
    return g, comps, notes


def checks_json(out) -> dict:
    """``{"goodness": ..., "comparisons": [...]}`` for ``result.json`` (empty when none)."""
    d = {}
    g = getattr(out, "goodness", None)
    if g is not None:
        d["goodness"] = g.to_dict()
    comps = getattr(out, "comparisons", None) or []
    if comps:
        d["comparisons"] = [c.to_dict() for c in comps]
    return d


def _f(v, nd=4):
    return "–" if v is None or v != v else f"{v:.{nd}g}"


def checks_markdown(out) -> list:
    """Lines of the ``report.md`` sections on goodness of fit and model comparison."""
    lines = []
    post = getattr(out, "posterior", None)
    if post is not None and getattr(post, "logz", None) is not None:
        lines += ["", f"Evidence: ln Z = {post.logz:.3f} ± {post.logz_err or 0:.3f}"]
    g = getattr(out, "goodness", None)
    if g is not None:
        lines += ["", "## Goodness of fit", "",
                  f"{g.nsim} data sets simulated from the "
                  + ("posterior" if g.method.startswith("posterior") else "best fit")
                  + f" and refitted: **p = {g.p_value:.3g} ± {g.p_error:.2g}** (fraction with a "
                  f"best-fit statistic ≥ the observed {_f(g.observed, 6)}; simulated median "
                  f"{_f(float(sorted(g.simulated)[g.nsim // 2]), 6)})."
                  + (f" {g.nfailed} refits did not converge." if g.nfailed else "")]
    for c in getattr(out, "comparisons", None) or []:
        lines += ["", f"## Model comparison: `{c.names[0]}` vs `{c.names[1]}`", "",
                  "| model | stat | k | AIC | AICc | BIC |", "|---|---|---|---|---|---|"]
        for name, ic in zip(c.names, c.criteria):
            lines.append(f"| {name} | {_f(ic['stat'], 6)} | {ic['k']} | {_f(ic['aic'], 6)} | "
                         f"{_f(ic['aicc'], 6)} | {_f(ic['bic'], 6)} |")
        d = c.delta
        lines.append(f"| Δ (2nd − 1st) | {_f(d['stat'])} | | {_f(d['aic'])} | {_f(d['aicc'])} | "
                     f"{_f(d['bic'])} |")
        t = c.lrt
        if t is not None:
            lines += ["", f"Likelihood-ratio test: LRT = {_f(t.observed)}, Δk = {t.dof}; "
                      f"Wilks χ² p = {_f(t.p_wilks)}"
                      + (f"; simulated p = {_f(t.p_value)} ± {_f(t.p_error, 2)} ({t.nsim} "
                         f"simulations from the null, {100 * t.fraction_zero:.0f} % at LRT = 0)"
                         if t.p_value is not None else "") + "."]
        if c.logz is not None:
            (z0, e0), (z1, e1) = c.logz
            b, e = c.ln_bayes_factor
            lines += ["", f"ln Z: {_f(z0, 6)} ± {_f(e0, 2)} ({c.names[0]}), {_f(z1, 6)} ± "
                      f"{_f(e1, 2)} ({c.names[1]}); ln B = {b:.3f} ± {e:.3f} "
                      f"({c.bayes_factor_wording})."]
        if c.note:
            lines += ["", c.note + "."]
    return lines


def check_plots(out, outdir, save):
    """Write the goodness histogram and the LRT survival plots; return the file names.

    ``save(fig, path)`` writes a figure (the report's atomic writer).
    """
    from pathlib import Path

    import matplotlib.pyplot as plt

    written = []
    g = getattr(out, "goodness", None)
    if g is not None:
        ax = g.plot()
        save(ax.figure, Path(outdir) / GOODNESS_PLOT)
        written.append(GOODNESS_PLOT)
    comps = [c for c in getattr(out, "comparisons", None) or []
             if c.lrt is not None and c.lrt.nsim]
    if comps:
        fig, axes = plt.subplots(1, len(comps), figsize=(6 * len(comps), 4), layout="constrained",
                                 squeeze=False)
        for ax, c in zip(axes[0], comps):
            c.lrt.plot(ax=ax)
            ax.set_title(f"{c.names[0]} vs {c.names[1]}")
        save(fig, Path(outdir) / COMPARE_PLOT)
        written.append(COMPARE_PLOT)
    return written
