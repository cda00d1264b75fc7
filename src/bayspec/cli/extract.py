"""``bayspec extract``: spectra of time intervals from event lists (TTE) or PHA-II histories.

For each detector (a TTE or PHA-II file with its RSP/RSP2): fit the background in time
(a polynomial per channel on the off-source intervals, `TimeSeries.fit_background`), choose
the source intervals (a list, constant width, a minimum significance or Bayesian blocks,
`bayspec.estimators.intervals`), and write into the output folder

* per interval ``<det>_<i>.pha`` (COUNTS), ``<det>_<i>.bak`` (RATE with STAT_ERR) and
  ``<det>_<i>.rsp`` (the RSP2 weighted over the interval), read by XSPEC, threeML and
  ``DataUnit("<det>_<i>.pha")``;
* ``<det>_background.json`` (the background fit; `BackgroundFit.read` restores it);
* ``<det>_lightcurve.png`` (the light curve with the background model and the intervals);
* ``intervals.ecsv`` (interval edges, counts, background counts and live time per detector);
* with ``--store``: all intervals of a detector as one PHA-II series (with its background
  and RSP2, also kept in the folder as ``<det>_intervals.*``) imported into the HDF5 store.

Times are in s from the trigger (TRIGTIME). Negative values go after ``=``:
``--bkg=-25:-5,150:300``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

__all__ = ["build_parser", "run_extract_args", "run_extract", "register"]

_EPILOG = """examples:
  bayspec extract glg_tte_n3_bn080916009_v01.fit.gz --rsp glg_cspec_n3_bn080916009_v00.rsp2 \\
      --bkg=-25:-5,150:300 --intervals 0:10 -o out
  bayspec extract tte_n3.fit tte_b0.fit --rsp n3.rsp2 b0.rsp2 --bkg=-25:-5,150:300 \\
      --range 0:60 --significance 20 --energy 8:900,250:30000 -o out --store grb.h5

exit status: 0 success; 2 bad arguments or a data problem (the message names the file)."""


def _pairs(text, what):
    """``"a:b,c:d"`` → ``[[a, b], [c, d]]`` (s)."""
    from ..errors import ConfigError

    try:
        out = [[float(x) for x in part.split(":")] for part in text.split(",") if part.strip()]
    except ValueError as exc:
        raise ConfigError(f"cannot read {text!r} as t1:t2,t3:t4 ({exc})", key=what) from exc
    if not out or any(len(p) != 2 for p in out):
        raise ConfigError(f"{text!r}: give ranges as t1:t2 separated by commas", key=what)
    return out


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    """The ``extract`` arguments (added to ``parser`` when given, e.g. a subparser)."""
    p = parser or argparse.ArgumentParser(
        prog="bayspec extract", description="Extract spectra of time intervals.")
    p.description = ("Fit the background in time and extract source/background spectra and "
                     "responses of time intervals from TTE event lists or PHA-II histories.")
    p.epilog = _EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("files", nargs="+", metavar="TTE_OR_PHA2",
                   help="event lists (GBM TTE) or PHA-II files (CSPEC/CTIME), one per detector")
    p.add_argument("--rsp", nargs="+", required=True, metavar="RSP",
                   help="RSP/RSP2 of each file, in the same order")
    p.add_argument("--bkg", required=True, metavar="T1:T2,...",
                   help="off-source intervals, s from the trigger (use --bkg=-25:-5,150:300)")
    sel = p.add_mutually_exclusive_group(required=True)
    sel.add_argument("--intervals", metavar="T1:T2,...", help="source intervals (a list)")
    sel.add_argument("--constant", type=float, metavar="DT", help="constant width, s")
    sel.add_argument("--significance", type=float, metavar="SIGMA",
                     help="intervals each reaching SIGMA over the background (first detector)")
    sel.add_argument("--blocks", type=float, nargs="?", const=0.05, metavar="P0",
                     help="Bayesian blocks on the first detector (false-alarm rate P0, "
                          "default 0.05)")
    p.add_argument("--range", dest="t_range", metavar="T1:T2",
                   help="time range cut by --constant/--significance/--blocks")
    p.add_argument("--energy", metavar="E1:E2[,...]", default=None,
                   help="energy range (keV) of the light curves and of the interval selection; "
                        "one range for all files or one per file (e.g. 8:900,250:30000)")
    p.add_argument("--dt", type=float, default=1.024,
                   help="light-curve bin width, s (default 1.024)")
    p.add_argument("--max-order", type=int, default=4, help="highest polynomial order (4)")
    p.add_argument("--p-value", type=float, default=0.01,
                   help="size of the likelihood-ratio tests choosing the order (0.01)")
    p.add_argument("-o", "--outdir", default="extract", help="output folder (./extract)")
    p.add_argument("--store", default=None, metavar="STORE.h5",
                   help="also import the spectra into this HDF5 store")
    p.add_argument("--source", default=None,
                   help="store key: source name (default: OBJECT or the file name)")
    p.add_argument("--overwrite", action="store_true", help="replace existing outputs")
    return p


def register(sub):
    """Add the ``extract`` subcommand to the ``bayspec`` subparsers."""
    e = sub.add_parser("extract", help="extract spectra of time intervals from TTE or "
                       "PHA-II files (background fitted in time)")
    build_parser(e)
    e.set_defaults(func=run_extract_args)
    return e


def run_extract_args(args) -> int:
    """Run from parsed arguments; returns the exit status."""
    from ..errors import BayspecError

    try:
        run_extract(args.files, args.rsp, _pairs(args.bkg, "--bkg"),
                    intervals=None if args.intervals is None else _pairs(args.intervals,
                                                                         "--intervals"),
                    constant=args.constant, significance=args.significance,
                    blocks=args.blocks,
                    t_range=None if args.t_range is None else _pairs(args.t_range,
                                                                     "--range")[0],
                    energy=None if args.energy is None else _pairs(args.energy, "--energy"),
                    dt=args.dt, max_order=args.max_order, p_value=args.p_value,
                    outdir=args.outdir, store=args.store, source=args.source,
                    overwrite=args.overwrite)
    except BayspecError as exc:
        print(f"bayspec extract: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    return 0


def _load(path, rsp):
    """A `TimeSeries` from a TTE event list or a PHA-II file."""
    from ..data.timeseries import TimeSeries
    from ..errors import DataFormatError

    try:
        return TimeSeries.from_tte(path, rsp=rsp)
    except DataFormatError as exc:
        if "no EVENTS extension" not in str(exc):
            raise
    return TimeSeries.from_pha2(path, rsp=rsp)


def _choose(series, bkg, intervals, constant, significance, blocks, t_range, energy):
    from ..errors import ConfigError
    from ..estimators.intervals import select_intervals

    if intervals is not None:
        return select_intervals(series, intervals)
    if t_range is None:
        raise ConfigError("--constant, --significance and --blocks need --range", key="--range")
    if constant is not None:
        return select_intervals(series, "constant", t_range, dt=constant)
    if significance is not None:
        return select_intervals(series, "significance", t_range, min_sigma=significance,
                                background=bkg, energy_range=energy)
    return select_intervals(series, "blocks", t_range, p0=blocks, energy_range=energy)


def run_extract(files, rsps, bkg_intervals, *, intervals=None, constant=None,
                significance=None, blocks=None, t_range=None, energy=None, dt=1.024,
                max_order=4, p_value=0.01, outdir="extract", store=None, source=None,
                overwrite=False, echo=print):
    """Extract the spectra of time intervals (see the module notes).

    ``energy`` is one ``(e1, e2)`` range (keV) for all files or one per file; the
    interval selection uses the first file and its range.

    Returns
    -------
    dict
        ``{"intervals": (n, 2) array, "files": {det: [paths...]}, "backgrounds":
        {det: BackgroundFit}, "store_keys": [...]}``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from astropy.table import Table

    from .._atomic import atomic_path
    from ..errors import ConfigError, OverwriteError
    from ..plot.lightcurve import plot_lightcurve

    if len(rsps) != len(files):
        raise ConfigError(f"{len(files)} files but {len(rsps)} responses", key="--rsp")
    energies = _energies(energy, len(files))
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    table_path = outdir / "intervals.ecsv"
    if table_path.exists() and not overwrite:
        raise OverwriteError("file exists; pass --overwrite to replace it", file=table_path)
    series = [_load(f, r) for f, r in zip(files, rsps)]
    names = [s.name for s in series]
    if len(set(names)) != len(names):
        names = [f"{n}_{i}" for i, n in enumerate(names)]
    fits = [s.fit_background(bkg_intervals, max_order=max_order, p_value=p_value)
            for s in series]
    iv = _choose(series[0], fits[0], intervals, constant, significance, blocks, t_range,
                 energies[0])
    echo(f"bayspec extract: {iv.shape[0]} interval(s) from {iv[0, 0]:g} to {iv[-1, 1]:g} s, "
         f"{len(series)} detector(s)")
    table = Table({"t_min": iv[:, 0], "t_max": iv[:, 1]})
    table["t_min"].unit = table["t_max"].unit = "s"
    table.meta["TREF"] = series[0].t0
    written, keys = {}, []
    for s, bf, name, erange in zip(series, fits, names, energies):
        s.name = name
        paths = []
        counts, live = s.counts_in(iv)
        B, _ = bf.counts(iv[:, 0], iv[:, 1], live)
        table[f"{name}_counts"] = counts.sum(axis=1)
        table[f"{name}_bkg_counts"] = B.sum(axis=1)
        table[f"{name}_livetime"] = live
        table[f"{name}_livetime"].unit = "s"
        for i, (a, b) in enumerate(iv):
            p = s.write_ogip(outdir, float(a), float(b), bf, stem=f"{name}_{i:03d}",
                             overwrite=overwrite)
            paths += [p["pha"], p["bak"], p["rsp"]]
        paths.append(bf.write(outdir / f"{name}_background.json", overwrite=overwrite))
        ax = plot_lightcurve(s, background=bf, dt=dt, energy_range=erange,
                             source_intervals=iv)
        png = outdir / f"{name}_lightcurve.png"
        if png.exists() and not overwrite:
            raise OverwriteError("file exists; pass --overwrite to replace it", file=png)
        ax.figure.savefig(png, dpi=100)
        plt.close(ax.figure)
        paths.append(png)
        if store is not None:
            keys.append(_to_store(s, iv, bf, outdir, store, source, overwrite))
        written[name] = paths
        counts_order = np.bincount(bf.orders, minlength=bf.max_order + 1)
        echo(f"  {name}: background orders (0..{bf.max_order}) per channel: "
             f"{counts_order.tolist()}; {len(paths)} files")
    with atomic_path(table_path, overwrite=overwrite) as tmp:
        table.write(tmp, format="ascii.ecsv")
    echo(f"results in {outdir}/" + (f"; store {store}: {', '.join(keys)}" if keys else ""))
    return {"intervals": iv, "files": written, "backgrounds": dict(zip(names, fits)),
            "store_keys": keys}


def _energies(energy, n):
    """One energy range (keV) or None per file from one range or one per file."""
    from ..errors import ConfigError

    if energy is None:
        return [None] * n
    e = np.atleast_2d(np.asarray(energy, dtype=float))
    if e.shape[0] == 1:
        return [tuple(e[0])] * n
    if e.shape[0] != n:
        raise ConfigError(f"{e.shape[0]} energy ranges for {n} files: give one or one per file",
                          key="--energy")
    return [tuple(r) for r in e]


def _to_store(series, iv, bf, outdir, store, source, overwrite):
    from ..store import import_ogip

    p = series.write_ogip_series(outdir, iv, bf, overwrite=overwrite)
    src = source or str(series.header.get("OBJECT", "") or "source").strip()
    inst = str(series.header.get("INSTRUME", "") or "instrument").strip().lower()
    return import_ogip(store, p["pha"], rsp=p["rsp"], bkg=p["bak"], source=src,
                       instrument=inst, detector=series.name, series="intervals",
                       overwrite=overwrite)
