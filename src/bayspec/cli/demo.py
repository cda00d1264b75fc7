"""``bayspec demo``: the bundled GRB 090217A analysis (Fermi/GBM NaI n6, n9 + BGO b1).

The demo copies the bundled files into ``<outdir>/data/``, writes ``<outdir>/grb090217a.yaml``
— an ordinary fit configuration an astronomer can copy and edit — and runs it through the
same code path as ``bayspec fit``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ..examples import grb090217a
from .report import write_text

__all__ = ["DEMO_CONFIG_NAME", "demo_config", "write_demo_inputs", "demo_inputs"]

DEMO_CONFIG_NAME = "grb090217a.yaml"
_DETECTORS = (("n6", [[8, 900]]), ("n9", [[8, 900]]), ("b1", [[250, 38000]]))


def demo_config(quick=False) -> dict:
    """The demo's configuration mapping (files relative to the config, in ``data/``)."""
    units = {}
    for det, notc in _DETECTORS:
        files = grb090217a(det)
        units[det] = {k: f"data/{Path(files[k]).name}" for k in ("src", "bkg", "rsp")}
        units[det].update({"notc": notc, "stat": "pgstat"})
    return {
        "name": "GRB 090217A, Fermi/GBM NaI n6 + n9 and BGO b1",
        "units": units,
        "model": "cpl",
        "params": {
            "cpl.K": {"value": 0.05, "prior": ["loguniform", 1e-4, 10]},
            "cpl.alpha": {"value": -0.8, "prior": ["uniform", -2, 1]},
            "cpl.Ep": {"value": 500, "prior": ["loguniform", 10, 10000]},
            "b1.sf": "free",
        },
        "method": "emcee",
        # 4000 steps, 1000 burned: the kept chain is > 50 autocorrelation times (tau ~ 55)
        "options": {"nwalkers": 32, "nsteps": 400 if quick else 4000,
                    "burn": 100 if quick else 1000, "seed": 20090217},
        "fluxes": [[10, 1000]],
        "sed": "nufnu",
        "plots": ["fit", "spectrum", "corner", "peek"],
    }


def demo_inputs(quick=False) -> list:
    """Names (relative to the output folder) of the files `write_demo_inputs` writes."""
    names = [DEMO_CONFIG_NAME]
    for det, _ in _DETECTORS:
        names += [f"data/{Path(p).name}" for p in grb090217a(det).values()]
    return names


def write_demo_inputs(outdir, quick=False, overwrite=False) -> Path:
    """Copy the bundled files to ``<outdir>/data`` and write the YAML; return its path."""
    outdir = Path(outdir)
    (outdir / "data").mkdir(parents=True, exist_ok=True)
    for det, _ in _DETECTORS:
        for p in grb090217a(det).values():
            dest = outdir / "data" / Path(p).name
            if dest.exists() and not overwrite:
                continue  # identical bundled copies are kept (check_outputs guards the rest)
            shutil.copyfile(p, dest)
    header = ("# bayspec fit configuration written by `bayspec demo`.\n"
              "# Run it again with: bayspec fit grb090217a.yaml -o results\n"
              "# File names are relative to this file's folder.\n")
    text = header + yaml.safe_dump(demo_config(quick), sort_keys=False,
                                   default_flow_style=None)
    return write_text(outdir / DEMO_CONFIG_NAME, text, overwrite=overwrite)
