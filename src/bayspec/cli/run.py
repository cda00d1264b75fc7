"""Run the analysis a `FitConfig` describes: MLE, optional posterior sampling, fluxes.

The work is done by `bayspec.infer.Infer` (``fit``, ``sample``, ``flux``); this module only
sequences the steps, shows progress and collects what they return.

A fit whose minimum is invalid stops the run (`FitError`). A valid minimum with parameters on
a bound (`FitResult.valid` false, ``at_limit`` set) does not: the run goes on, every output
flags those parameters and `Outcome.warnings` lists them (the command then exits with
`bayspec.cli.main.EXIT_WARNINGS`). Fluxes are computed over the configuration's ``fluxes:``
bands, by default over the noticed energy range of the data; a band beyond every unit's
response range is flagged ``extrapolated`` and warned about the same way.
"""

from __future__ import annotations

import dataclasses
import time

from ..errors import FitError

__all__ = ["Outcome", "run_analysis", "make_infer"]

FLUX_KINDS = ("photon", "energy")


@dataclasses.dataclass
class Outcome:
    """Everything a run produced, for `bayspec.cli.report`."""

    config: object
    data: object
    model: object
    infer: object
    result: object
    posterior: object = None
    fluxes: list = dataclasses.field(default_factory=list)
    timings: dict = dataclasses.field(default_factory=dict)
    #: Things the user must know about the results (e.g. parameters on a bound).
    warnings: list = dataclasses.field(default_factory=list)
    #: `GoodnessResult` and `Comparison`s of the goodness: and compare: keys (`cli.checks`).
    goodness: object = None
    comparisons: list = dataclasses.field(default_factory=list)


def make_infer(data, model):
    """``Infer([(data, model)])``: binds the model to the units."""
    from ..infer import Infer

    return Infer([(data, model)])


def flux_bands(cfg, data):
    """The flux bands of a run: the configuration's ``fluxes:``, or else the noticed energy
    range of the data (`bayspec.infer.flux.noticed_range`) — never a band the data do not
    cover by default."""
    if "fluxes" in (getattr(cfg, "raw", None) or {}):
        return [tuple(map(float, b)) for b in cfg.fluxes]
    from ..infer.flux import noticed_range

    lo, hi = noticed_range([data[n] for n in data.names])
    return [(float(f"{lo:.4g}"), float(f"{hi:.4g}"))]


def _flux_row(infer, e1, e2, kind, posterior, notes=None):
    """Flux over ``[e1, e2]`` keV as a plain dict (value and, with a posterior, interval).

    A band beyond every unit's response range is flagged (``extrapolated``) and its warning
    appended to ``notes``."""
    import warnings

    from ..infer.flux import ExtrapolationWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ExtrapolationWarning)
        out = infer.flux(e1, e2, kind=kind, posterior=posterior, seed=0)
    for w in caught:
        if issubclass(w.category, ExtrapolationWarning):
            if notes is not None and str(w.message) not in notes:
                notes.append(str(w.message))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    unit = getattr(getattr(out, "value", None), "unit", None)
    row = {"e1": e1, "e2": e2, "kind": kind,
           "unit": "" if unit is None else unit.to_string(),
           "cl": float(getattr(out, "cl", float("nan"))),
           "extrapolated": bool(getattr(out, "extrapolated", False))}
    for k in ("value", "median", "lo", "hi"):
        v = getattr(out, k, None)
        if v is not None:
            row[k] = _plain(v)
    return row


def _plain(v):
    v = getattr(v, "value", v)  # astropy Quantity -> number
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def run_analysis(cfg, data, model, progress=True):
    """Fit, sample (when the method asks for it) and compute the fluxes.

    Returns
    -------
    Outcome
    """
    from tqdm.auto import tqdm

    timings = {}
    t0 = time.perf_counter()
    infer = make_infer(data, model)
    steps = ["fit"] + ([cfg.method] if cfg.method != "mle" else []) + ["fluxes"]
    bar = tqdm(total=len(steps), desc="bayspec", unit="step", disable=not progress,
               leave=False)
    bar.set_postfix_str("maximum likelihood")
    result = infer.fit(raise_on_failure=False)
    if not result.minimum_valid:
        bar.close()
        raise FitError(f"MIGRAD failed: {result.minimum_status}")
    notes = [f"{m} (its error is not meaningful)" for m in result.limit_messages]
    timings["fit"] = time.perf_counter() - t0
    bar.update()
    posterior = None
    if cfg.method != "mle":
        bar.set_postfix_str(f"sampling ({cfg.method})")
        t1 = time.perf_counter()
        opts = dict(cfg.options)
        posterior = infer.sample(cfg.method, progress=progress, **opts)
        timings["sample"] = time.perf_counter() - t1
        bar.update()
    bar.set_postfix_str("fluxes")
    fluxes = [_flux_row(infer, e1, e2, kind, posterior, notes)
              for e1, e2 in flux_bands(cfg, data) for kind in FLUX_KINDS]
    bar.update()
    bar.close()
    goodness, comparisons = None, []
    if getattr(cfg, "goodness", None) or getattr(cfg, "compare", None):
        from .checks import run_checks

        t1 = time.perf_counter()
        goodness, comparisons, more = run_checks(cfg, data, model, infer, posterior, progress)
        notes += more
        timings["checks"] = time.perf_counter() - t1
    timings["total"] = time.perf_counter() - t0
    return Outcome(cfg, data, model, infer, result, posterior, fluxes, timings, notes,
                   goodness=goodness, comparisons=comparisons)
