"""The ``bayspec`` command: ``fit CONFIG.yaml``, ``demo``, ``info FILE``, ``models [NAME]``.

Exit status of ``fit`` and ``demo``: 0 on success; 3 (`EXIT_WARNINGS`) when the run finished
and wrote every output but with warnings (parameters on a bound, flagged in every output);
1 for a failed fit (invalid minimum, nothing written); 2 for a bad configuration, an
existing output or a data problem (the message names the key or file).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .. import __version__
from .._threads import default_single_thread
from ..errors import BayspecError, FitError

__all__ = ["main", "build_parser", "run_fit", "run_demo", "EXIT_OK", "EXIT_FIT_FAILED",
           "EXIT_INPUT", "EXIT_WARNINGS"]

EXIT_OK = 0
#: The fit failed (invalid minimum); nothing was written.
EXIT_FIT_FAILED = 1
#: A bad configuration, an existing output or a data problem.
EXIT_INPUT = 2
#: Finished and wrote every output, with warnings (e.g. parameters on a bound).
EXIT_WARNINGS = 3

_EXIT_HELP = (f"exit status: {EXIT_OK} success; {EXIT_WARNINGS} finished with warnings (all "
              "outputs written; e.g. parameters that ended on a bound, flagged in the table, "
              f"result.json and report.md); {EXIT_FIT_FAILED} fit failed (invalid minimum, "
              f"nothing written); {EXIT_INPUT} bad configuration, existing output or data "
              "problem.")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``bayspec`` command."""
    p = argparse.ArgumentParser(
        prog="bayspec",
        description="Forward-folded X-ray / gamma-ray spectral fitting.")
    p.add_argument("--version", action="version", version=f"bayspec {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    f = sub.add_parser("fit", help="fit the data and model described by a YAML config",
                       description="Fit the units and model of CONFIG.yaml; write tables, "
                       "posterior, plots and report.md to the output folder.",
                       epilog=_EXIT_HELP)
    f.add_argument("config", metavar="CONFIG.yaml")
    f.add_argument("-o", "--outdir", default=None,
                   help="output folder (default: <config folder>/<config name>-results)")
    f.add_argument("--overwrite", action="store_true", help="replace existing output files")
    f.add_argument("--quiet", action="store_true", help="no progress bars")

    d = sub.add_parser("demo", help="run the bundled GRB 090217A analysis end to end",
                       description="Fit Fermi/GBM NaI n6, n9 and BGO b1 spectra of GRB 090217A "
                       "with a cutoff power law (MLE + emcee), compute fluxes and plots.",
                       epilog=_EXIT_HELP)
    d.add_argument("-o", "--outdir", default=None, help="output folder "
                   "(default: ./bayspec-demo, or ./bayspec-demo-quick with --quick)")
    d.add_argument("--quick", action="store_true", help="short emcee run (for tests)")
    d.add_argument("--readme-figure", metavar="PATH", default=None,
                   help="also save the fit plot to PATH (e.g. docs/demo_fit.png, the README "
                   "figure); nothing is written outside the output folder otherwise")
    d.add_argument("--overwrite", action="store_true", help="replace existing output files")
    d.add_argument("--quiet", action="store_true", help="no progress bars")

    i = sub.add_parser("info", help="summarise OGIP files (PHA, RMF, RSP, RSP2, ARF) or "
                       "say whether the run in an output folder completed",
                       epilog="exit status: 0 all well; 1 an output folder whose run did not "
                       "complete (no manifest.json, or files changed since); 2 a file that "
                       "cannot be read or is damaged.")
    i.add_argument("files", nargs="+", metavar="FILE_OR_FOLDER")

    from .batch import build_parser as _batch_parser
    from .batch import run_batch_args
    b = sub.add_parser("batch", help="fit many spectra (a store or files) with one template",
                       description="Apply one analysis template to many spectra, on local "
                       "processes or a Dask cluster; results go to a resumable result store.")
    _batch_parser(b)
    b.set_defaults(func=run_batch_args)
    from .extract import register as _register_extract
    _register_extract(sub)
    from .models import register as _register_models
    _register_models(sub)
    return p


def _default_outdir(config):
    c = Path(config)
    return c.parent / f"{c.stem}-results"


def run_fit(config, outdir=None, overwrite=False, progress=True, echo=print):
    """Run ``bayspec fit``: validate, check outputs, fit, write. Returns the written paths.

    Warnings (parameters on a bound) are printed to stderr; `fit_command` also returns them.
    """
    return fit_command(config, outdir, overwrite, progress, echo)[0]


def fit_command(config, outdir=None, overwrite=False, progress=True, echo=print):
    """`run_fit`, returning ``(written paths, warnings)``."""
    import matplotlib

    matplotlib.use("Agg")
    from .config import load_config
    from .report import output_lock

    cfg = load_config(config)
    outdir = Path(outdir) if outdir is not None else _default_outdir(config)
    with output_lock(outdir):
        return _fit_locked(cfg, outdir, overwrite, progress, echo)


def _fit_locked(cfg, outdir, overwrite, progress, echo):
    """`fit_command` holding the output folder's lock: fit, write into a temporary folder,
    install the files and write the manifest last (`bayspec.cli.report`)."""
    import shutil

    from .build import build
    from .report import check_outputs, install_outputs, new_tmp_dir, planned_outputs, write_outputs
    from .run import run_analysis

    check_outputs(outdir, planned_outputs(cfg), overwrite)
    data, model = build(cfg)
    echo(f"bayspec fit: {cfg.model} to {', '.join(data.names)} ({cfg.method})")
    out = run_analysis(cfg, data, model, progress=progress)
    tmp = new_tmp_dir(outdir)
    try:
        written = write_outputs(out, tmp, overwrite=True)
        files = install_outputs(tmp, outdir, [p.name for p in written], cfg)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = out.result
    echo(f"  stat/dof = {res.stat:.2f}/{res.dof}")
    for n in res.names:
        lim = res.at_limit.get(n)
        flag = f"  (at its {lim['side']} bound)" if lim else ""
        echo(f"  {n:<12} = {res.values[n]:.5g} ± {res.errors[n]:.2g}{flag}")
    for fl in out.fluxes:
        extra = "  (extrapolated)" if fl.get("extrapolated") else ""
        echo(f"  {fl['kind']} flux {fl['e1']:g}-{fl['e2']:g} keV = {fl['value']:.4g} "
             f"{fl['unit']}{extra}")
    echo(f"results in {outdir}/: " + ", ".join(p.name for p in files))
    for w in out.warnings:
        print(f"bayspec fit: warning: {w}", file=sys.stderr)
    return files, list(out.warnings)


def _readme_figure(fit_png, path, explicit, overwrite, echo):
    from .report import _named_tmp

    if path is None:
        return
    path = Path(path)
    if path.exists() and not overwrite:
        if explicit:
            from ..errors import OverwriteError

            raise OverwriteError("file exists; pass --overwrite to replace it", file=path)
        echo(f"README figure {path} exists; kept (pass --overwrite to refresh it)")
        return
    with _named_tmp(path, overwrite=True) as tmp:
        tmp.write_bytes(Path(fit_png).read_bytes())
    echo(f"README figure written to {path}")


def run_demo(outdir=None, quick=False, readme_figure=None, overwrite=False,
             progress=True, echo=print):
    """Run ``bayspec demo``: write the inputs and config into ``outdir`` and fit them.

    Returns the written paths (`demo_command` also returns the warnings).
    """
    return demo_command(outdir, quick, readme_figure, overwrite, progress, echo)[0]


def demo_command(outdir=None, quick=False, readme_figure=None, overwrite=False,
                 progress=True, echo=print):
    """`run_demo`, returning ``(written paths, warnings)``."""
    from .report import output_lock

    if outdir is None:  # the quick run has its own folder, so it never meets a full run's files
        outdir = "bayspec-demo-quick" if quick else "bayspec-demo"
    with output_lock(outdir):
        return _demo_locked(outdir, quick, readme_figure, overwrite, progress, echo)


def _demo_locked(outdir, quick, readme_figure, overwrite, progress, echo):
    from .config import load_config
    from .demo import DEMO_CONFIG_NAME, demo_inputs, write_demo_inputs
    from .report import check_outputs, planned_outputs

    t0 = time.perf_counter()
    outdir = Path(outdir)
    check_outputs(outdir, [DEMO_CONFIG_NAME], overwrite)
    config = write_demo_inputs(outdir, quick=quick, overwrite=overwrite)
    try:
        check_outputs(outdir, planned_outputs(load_config(config)), overwrite)
    except BayspecError:
        os.unlink(config)  # leave the folder as it was
        raise
    files, notes = fit_command(config, outdir, overwrite=overwrite, progress=progress, echo=echo)
    _readme_figure(outdir / "fit.png", readme_figure, readme_figure is not None, overwrite, echo)
    echo(f"demo finished in {time.perf_counter() - t0:.1f} s; the configuration is "
         f"{config} (inputs: {len(demo_inputs())} files, outputs in {outdir}/)")
    return files, notes


def _info(files, echo=print):
    """``bayspec info``: describe OGIP files and output folders.

    Exit status: 0 all well; 1 an output folder whose run did not complete (no manifest,
    or files changed since); 2 a file that cannot be read, is damaged or has problems
    that stop a fit (the message says which).
    """
    from .info import describe
    from .report import check_run_folder

    status = 0
    for f in files:
        if Path(f).is_dir():
            complete, lines = check_run_folder(f)
            echo("\n".join([f"{f}", "  type: bayspec output folder"]
                            + [f"  {ln}" for ln in lines]))
            if not complete:
                status = max(status, EXIT_FIT_FAILED)
            continue
        try:
            echo(describe(f))
        except BayspecError as exc:
            print(f"bayspec info: {exc}", file=sys.stderr)
            status = EXIT_INPUT
    return status


def main(argv=None) -> int:
    """Entry point of the ``bayspec`` command; returns the exit status."""
    default_single_thread()  # before numpy loads: the command imports it lazily
    args = build_parser().parse_args(argv)
    try:
        if args.command == "info":
            return _info(args.files)
        if args.command in ("batch", "extract", "models"):
            return args.func(args)
        if args.command == "fit":
            notes = fit_command(args.config, args.outdir, args.overwrite,
                                progress=not args.quiet)[1]
        else:
            notes = demo_command(args.outdir, args.quick, args.readme_figure, args.overwrite,
                                 progress=not args.quiet)[1]
    except FitError as exc:
        print(f"bayspec {args.command}: fit failed: {exc}", file=sys.stderr)
        return EXIT_FIT_FAILED
    except BayspecError as exc:
        print(f"bayspec {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INPUT
    if notes:
        print(f"bayspec {args.command}: finished with {len(notes)} warning(s) "
              f"(exit status {EXIT_WARNINGS})", file=sys.stderr)
        return EXIT_WARNINGS
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
