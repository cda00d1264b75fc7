"""Run the analysis a `FitConfig` describes: MLE, optional posterior sampling, fluxes.

The work is done by `bayspec.infer.Infer` (``fit``, ``sample``, ``flux``); this module only
sequences the steps, shows progress and collects what they return.

A fit whose minimum is invalid stops the run (`FitError`). A valid minimum with parameters on
a bound (`FitResult.valid` false, ``at_limit`` set) does not: the run goes on, every output
flags those parameters and `Outcome.warnings` lists them (the command then exits with
`bayspec.cli.main.EXIT_WARNINGS`).
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


def make_infer(data, model):
    """``Infer([(data, model)])``: binds the model to the units."""
    from ..infer import Infer

    return Infer([(data, model)])


def _flux_row(infer, e1, e2, kind, posterior):
    """Flux over ``[e1, e2]`` keV as a plain dict (value and, with a posterior, interval)."""
    out = infer.flux(e1, e2, kind=kind, posterior=posterior, seed=0)
    unit = getattr(getattr(out, "value", None), "unit", None)
    row = {"e1": e1, "e2": e2, "kind": kind,
           "unit": "" if unit is None else unit.to_string(),
           "cl": float(getattr(out, "cl", float("nan")))}
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
    fluxes = [_flux_row(infer, e1, e2, kind, posterior)
              for e1, e2 in cfg.fluxes for kind in FLUX_KINDS]
    bar.update()
    bar.close()
    timings["total"] = time.perf_counter() - t0
    return Outcome(cfg, data, model, infer, result, posterior, fluxes, timings, notes)
