"""Reference pages generated from the code: the YAML keys of ``bayspec fit`` and ``bayspec
batch`` and the model library.

The key tables are read from the sets the configuration readers validate against
(``bayspec.cli.config._TOP_KEYS``/``_UNIT_KEYS``, ``bayspec.parameter.SETTING_KEYS``,
``bayspec.cli.checks``, ``bayspec.cli.batch._KEYS``, the `bayspec.batch.Template` fields and
its fit options). The descriptions live here; a key the code accepts without a description,
or a description of a key the code no longer accepts, stops the build (`_check`), so the
pages cannot drift from the code.
"""

from __future__ import annotations

import dataclasses

from sphinx.errors import ExtensionError

FIT_TOP = {
    "units": "Mapping of unit name to its settings (below); one entry per data unit (detector, "
             "instrument, observation). A list of mappings with ``name:`` is accepted too.",
    "model": "Model expression, e.g. ``cpl``, ``band + bb``, ``tbabs * pl`` "
             "(see :doc:`models`).",
    "settings": "Model settings by full name, e.g. ``{cpl.E0: 100}`` (pivot energies, "
                "abundance tables; `bayspec.model.Model.set_settings`).",
    "params": "Parameter settings by full name (``cpl.Ep``, ``b1.sf``): a number (start value), "
              "``free``/``frozen``, or a mapping with the keys below.",
    "method": "``mle``, ``emcee`` or ``nested``; or a mapping with ``name:`` and its options. "
              "Default ``mle``.",
    "options": "Options of the method, e.g. ``{nsteps: 1000, nwalkers: 32, burn: 250, seed: 42}`` "
               "for emcee (the keyword arguments of `bayspec.infer.Infer.sample`).",
    "fluxes": "Energy ranges (keV) of the photon and energy fluxes: ``[[10, 1000]]`` (default).",
    "plots": "Figures to write: any of ``fit``, ``spectrum``, ``corner``, ``counts``, ``peek`` "
             "(default ``[fit, spectrum, corner]``).",
    "name": "Title used in the report and plots (default ``fit``).",
    "sed": "Spectral representation of ``spectrum.png``: ``nufnu`` (default), ``fnu`` or ``n``.",
    "goodness": "Posterior-predictive / parametric-bootstrap goodness of fit: a number of "
                "simulations or a mapping with the keys below.",
    "compare": "Compare the model with others on the same units: a mapping with the keys below.",
}

FIT_UNIT = {
    "src": "Source spectrum (PHA type I, or a PHA-II file with ``{row}``: ``file.pha{3}``).",
    "bkg": "Background spectrum; default from the source's ``BACKFILE``; ``none`` for none.",
    "rsp": "Response (RMF with the effective area folded in, RSP or RSP2 ``file.rsp2{2}``); "
           "default from ``RESPFILE``.",
    "rmf": "Redistribution matrix (with ``arf:`` instead of ``rsp:``).",
    "arf": "Ancillary response (effective area); default from ``ANCRFILE``.",
    "notc": "Noticed energy ranges in keV: ``[lo, hi]`` or a list of them.",
    "grpg": "Grouping policy, e.g. ``{min_evt: 5}``; ``none`` for channel by channel.",
    "rebn": "Rebinning of the fitted channels (a policy mapping, as ``grpg``).",
    "stat": "Fit statistic: ``cstat``, ``wstat``, ``pstat``, ``pgstat`` (default), ``chi2``, "
            "... (see :doc:`/statistics`).",
    "time": "Time of the spectrum (s), used to choose among the matrices of an RSP2 file.",
    "weight": "Weight of this unit's statistic in the total (default 1).",
    "sys_frac": "Systematic fraction of the counts added in quadrature (chi2 statistics).",
    "bkg_sys": "Include the background's ``SYS_ERR`` in pgstat's variance (default false).",
}

PAR_SETTINGS = {
    "value": "Start value (physical units of the parameter).",
    "prior": "Prior ``[kind, *args]``: ``[uniform, lo, hi]``, ``[loguniform, lo, hi]``, "
             "``[normal, mu, sigma]``, ``[lognormal, ...]``, ``[truncnormal, ...]``.",
    "bounds": "Hard limits ``[lo, hi]``; the prior is kept, truncated to them.",
    "frozen": "``true`` to keep the parameter fixed at its value.",
    "link": "Name of another parameter whose value this one shares (``n9.sf: {link: n6.sf}``).",
}

GOODNESS = {
    "nsim": "Number of simulated data sets.",
    "seed": "Random seed of the simulations.",
    "posterior": "Draw the simulation parameters from the posterior (true) or use the best fit.",
}

COMPARE = {
    "models": "Model expressions to compare with ``model:`` (fitted on the same units).",
    "nsim": "Simulations for the likelihood-ratio calibration.",
    "seed": "Random seed of the simulations.",
    "starts": "Multistart points of each compared model's fit.",
}

BATCH_TOP = {
    "store": "An HDF5 store (`bayspec.store`) holding the spectra and responses; or ``files:``.",
    "selection": "What to fit in the store (default: every row of every series); keys below.",
    "files": "OGIP files instead of a store: a file name, or a mapping ``{pha, row, bkg, "
             "bkg_row, rsp, rmf, arf, key}`` (row: the 0-based PHA-II row).",
    "template": "The analysis applied to every spectrum (keys below).",
    "results": "Results file (HDF5); default ``<store stem>.results.h5``; required with "
               "``files:``.",
    "backend": "``local`` (processes, default) or ``dask``.",
    "scheduler": "Address of a Dask scheduler (``tcp://host:8786``; implies ``dask``).",
    "workers": "Number of local worker processes (1: in this process).",
    "chunk_size": "Fits sent to a worker at once.",
    "retry_failed": "Also refit tasks whose record is ``failed`` (default false).",
    "progress": "Show a progress bar (default true).",
}

BATCH_SELECTION = {
    "keys": "Series keys, or ``\"series#row\"`` for single rows.",
    "rows": "Rows: a list or ``\"start:stop[:step]\"``.",
    "query": "Metadata search (`bayspec.store.MetaStore.find`), e.g. ``{detector: n3, tmin: ..., "
             "tmax: ...}``.",
    "t": "A fixed time range ``[t1, t2]`` for the choice of the response.",
}

TEMPLATE = {
    "model": "Model expression.",
    "stat": "Fit statistic; default ``pgstat`` for spectra with a background, else ``cstat``.",
    "notc": "Noticed energy ranges (keV).",
    "grpg": "Grouping, as for `bayspec.data.DataUnit`.",
    "method": "Fit method; batch fits use ``mle``.",
    "params": "Parameter settings, in the same grammar as ``bayspec fit`` (above).",
    "fit": "Fit options (below).",
}

FIT_OPTIONS = {
    "n_starts": "Prior draws evaluated in one batched kernel call to choose the start.",
    "seed": "Random seed of those draws.",
    "strategy": "iminuit strategy.",
    "tol": "iminuit tolerance.",
    "hesse": "Run HESSE for the errors.",
}


def _check(where: str, code_keys, described: dict) -> None:
    code_keys = set(code_keys)
    missing = code_keys - set(described)
    stale = set(described) - code_keys
    if missing or stale:
        raise ExtensionError(f"docs reference for {where} is out of date: keys accepted by the "
                             f"code without a description {sorted(missing)}, described keys "
                             f"the code does not accept {sorted(stale)} "
                             f"(docs/_ext/reference_pages.py)")


def _table(keys, described: dict, defaults=None) -> list:
    rows = [".. list-table::", "   :header-rows: 1", "   :widths: 18 82", "",
            "   * - key", "     - meaning"]
    for k in keys:
        text = described[k]
        if defaults and k in defaults:
            text += f" Default ``{defaults[k]!r}``."
        rows += [f"   * - ``{k}``", f"     - {text}"]
    return rows + [""]


def _cli_page(title) -> str:
    from bayspec.batch.template import _FIT_OPTIONS, Template
    from bayspec.cli import batch, checks, config
    from bayspec.parameter import SETTING_KEYS

    top = set(config._TOP_KEYS)
    checks_on = set(checks.CHECK_KEYS) <= top
    _check("bayspec fit: top-level keys", top | set(checks.CHECK_KEYS), FIT_TOP)
    _check("bayspec fit: units.<name>", config._UNIT_KEYS, FIT_UNIT)
    _check("bayspec fit: params.<name>", SETTING_KEYS, PAR_SETTINGS)
    _check("bayspec fit: goodness", checks._GOODNESS_KEYS, GOODNESS)
    _check("bayspec fit: compare", checks._COMPARE_KEYS, COMPARE)
    _check("bayspec batch: top-level keys", batch._KEYS, BATCH_TOP)
    _check("bayspec batch: template", [f.name for f in dataclasses.fields(Template)], TEMPLATE)
    _check("bayspec batch: template.fit", _FIT_OPTIONS, FIT_OPTIONS)

    out = [title("Command line"), "",
           "The ``bayspec`` command has the subcommands ``fit``, ``demo``, ``info``, ``batch``, "
           "``extract`` and ``models``; ``bayspec <command> --help`` prints their options. "
           "The tables below are generated from the sets of keys the configuration readers "
           "accept, so they list exactly what the code validates; any other key stops with a "
           "``ConfigError`` naming it.", "",
           title("``bayspec fit CONFIG.yaml``", "-"), "",
           "Paths are relative to the configuration file's folder. "
           "``bayspec fit grb.yaml -o results`` writes ``result.ecsv``/``.json``, "
           "``posterior.h5``, the plots, ``report.md`` and ``manifest.json``; existing files are "
           "kept unless ``--overwrite``.", "",
           title("Top-level keys", "~"), ""]
    out += _table(sorted(top), FIT_TOP)
    out += [title("``units.<name>``", "~"), ""] + _table(sorted(config._UNIT_KEYS), FIT_UNIT)
    out += [title("``params.<name>``", "~"), "",
            "A number sets the start value; ``free``/``frozen`` thaw or freeze; a mapping takes:",
            ""] + _table(list(SETTING_KEYS), PAR_SETTINGS)
    if checks_on:
        out += [title("``goodness``", "~"), ""] + _table(sorted(checks._GOODNESS_KEYS), GOODNESS)
        out += [title("``compare``", "~"), ""] + _table(sorted(checks._COMPARE_KEYS), COMPARE)
    out += [title("Example", "~"), "", ".. literalinclude:: /_generated/reference/demo.yaml",
            "   :language: yaml", "   :caption: the configuration ``bayspec demo`` writes", ""]

    out += [title("``bayspec batch CONFIG.yaml``", "-"), "",
            "``--workers N`` and ``--scheduler ADDRESS`` override the file; ``--force`` refits "
            "into a results file written with another template. Exit status: 0 every task has "
            "a valid fit, 3 some fits at a bound, 1 some task failed or was lost, 2 a "
            "configuration error.", "", title("Top-level keys", "~"), ""]
    out += _table(sorted(batch._KEYS), BATCH_TOP)
    out += [title("``selection``", "~"), ""] + _table(list(BATCH_SELECTION), BATCH_SELECTION)
    names = [f.name for f in dataclasses.fields(Template)]
    defaults = {f.name: f.default for f in dataclasses.fields(Template)
                if f.default is not dataclasses.MISSING}
    out += [title("``template``", "~"), ""] + _table(names, TEMPLATE, defaults)
    out += [title("``template.fit``", "~"), ""] + _table(list(_FIT_OPTIONS), FIT_OPTIONS, _FIT_OPTIONS)
    return "\n".join(out) + "\n"


def _demo_yaml() -> str:
    import yaml

    from bayspec.cli.demo import demo_config

    return yaml.safe_dump(demo_config(), sort_keys=False, default_flow_style=None)


def _indent(text: str, n: int = 3) -> list:
    return [(" " * n + ln) if ln.strip() else "" for ln in text.splitlines()]


def _models_page(title) -> str:
    from bayspec.model import catalog

    cat = catalog()
    out = [title("Model library"), "",
           "Every registered component, generated from the registry "
           "(`bayspec.model.catalog`; ``bayspec models [NAME]`` prints the same). Components "
           "combine in expressions with ``+`` and ``*`` (``tbabs * (pl + bb)``); a parameter's "
           "full name is ``component.parameter`` (``cpl.Ep``). Energies are in keV, additive "
           "components give photons cm⁻² s⁻¹ keV⁻¹.", "",
           ".. list-table::", "   :header-rows: 1", "   :widths: 15 15 70", "",
           "   * - name", "     - kind", "     - parameters"]
    for d in cat:
        ps = ", ".join(f"``{p['name']}``" for p in d["parameters"]) or "—"
        out += [f"   * - :ref:`{d['name']} <model-{d['name']}>`", f"     - {d['kind']}", f"     - {ps}"]
    out.append("")
    for d in cat:
        out += [f".. _model-{d['name']}:", "", title(f"``{d['name']}``", "-"), "",
                f"{d['kind']} component, class ``{d['class']}``.", "", "::", ""]
        out += _indent(d["doc"] or "(no description)") + [""]
        out += [".. list-table::", "   :header-rows: 1", "", "   * - parameter", "     - unit",
                "     - default", "     - prior", "     - frozen"]
        for p in d["parameters"]:
            out += [f"   * - ``{p['name']}``", f"     - {p['unit'] or '—'}", f"     - {p['default']:g}",
                    f"     - ``{p['prior']}``", f"     - {'yes' if p['frozen'] else 'no'}"]
        out.append("")
        if d["settings"]:
            out += ["Settings: " + ", ".join(f"``{k} = {v!r}``" for k, v in d["settings"].items()), ""]
    return "\n".join(out) + "\n"


def write_reference_pages(out, write, title) -> None:
    """Write ``cli.rst``, ``demo.yaml`` and ``models.rst`` into ``out``."""
    write(out / "demo.yaml", _demo_yaml())
    write(out / "cli.rst", _cli_page(title))
    write(out / "models.rst", _models_page(title))
