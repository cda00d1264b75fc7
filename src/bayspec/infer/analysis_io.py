"""Save a whole analysis (data, models, parameters, fit result, posterior) and load it back.

Layout of the folder::

    analysis.yaml     models (expression and settings), parameters (value, prior, bounds,
                      frozen, link: the grammar of `bayspec.parameter.settings`, shared with
                      ``bayspec fit`` and the batch templates) and which units each model fits
    data/             the units as OGIP files plus their YAML index (`Data.write`)
    result.json       the `FitResult` (when fitted)
    posterior.h5      the `Posterior` (when sampled)

A loaded analysis gives the same statistic as the one saved: the data files, notice ranges,
grouping, statistics, model expressions, settings and parameter values are all restored.
Links are kept when they are plain ``par.link(other)``; a link through a function cannot be
written and raises `ConfigError` (unlink it or refit after loading).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from .. import __version__
from .._atomic import atomic_path
from ..errors import BayspecError, ConfigError, OverwriteError
from ..parameter import apply_settings, settings_of

__all__ = ["save_analysis", "load_analysis"]

_INDEX = "analysis.yaml"


def save_analysis(infer, folder, overwrite=False):
    """Write ``infer`` (an `Infer`) to ``folder``; see the module docstring for the layout.

    Raises
    ------
    OverwriteError
        When ``folder`` already holds an analysis and ``overwrite`` is False (nothing is
        written then).
    """
    folder = Path(folder)
    if (folder / _INDEX).exists() and not overwrite:
        raise OverwriteError("holds a saved analysis; pass overwrite=True to replace it",
                             file=folder / _INDEX)
    from ..data import Data

    params = infer.par
    owner = {id(p): name for name, p in params.items()}
    entries = {}
    for name, p in params.items():
        try:
            entries[name] = settings_of(p, name_of=lambda q: owner.get(id(q)))
        except BayspecError as exc:
            raise ConfigError(exc.problem, key=f"params.{name}") from None
    units = infer.units
    Data(units).write(folder / "data", overwrite=overwrite)
    models = []
    for units_k, model in infer.pairs:
        comps = {name: dict(c.settings) for name, c in model.components.items()}
        models.append({"expr": model.expr, "units": [u.name for u in units_k],
                       "settings": dict(model.settings), "components": comps})
    doc = {"bayspec": __version__, "models": models, "params": entries}
    with atomic_path(folder / _INDEX, overwrite=True) as tmp:
        tmp.write_text(yaml.safe_dump(doc, sort_keys=False))
    if infer.result is not None:
        with atomic_path(folder / "result.json", overwrite=True) as tmp:
            tmp.write_text(json.dumps(infer.result.to_dict(), indent=1))
    if infer.posterior is not None:
        infer.posterior.save(folder / "posterior.h5", overwrite=True)
    return folder


def _base_expr(expr):
    """``"cpl + cpl_2"`` → ``"cpl + cpl"``: the parser numbers repeated components again."""
    return re.sub(r"\b([A-Za-z]\w*?)_\d+\b", r"\1", expr)


def load_analysis(folder):
    """Rebuild the `Infer` saved in ``folder`` (with its result and posterior, if any)."""
    from ..data import Data
    from ..model import parse_model
    from .infer import Infer
    from .posterior import Posterior
    from .result import FitResult

    folder = Path(folder)
    index = folder / _INDEX
    if not index.exists():
        raise ConfigError("no saved analysis here (analysis.yaml is missing)", file=folder)
    doc = yaml.safe_load(index.read_text())
    data = Data.read(folder / "data")
    byname = {u.name: u for u in data.data.values()}
    infer = Infer()
    for k, m in enumerate(doc.get("models", [])):
        model = parse_model(_base_expr(m["expr"]))
        model.settings.update(m.get("settings", {}))
        for name, comp in model.components.items():
            comp.settings.update(m.get("components", {}).get(name, {}))
        missing = [n for n in m["units"] if n not in byname]
        if missing:
            raise ConfigError(f"units {missing} are not in data/", file=index, key=f"models[{k}]")
        infer.add([byname[n] for n in m["units"]], model)
    entries = doc.get("params") or {}
    for e in entries.values():  # files written before the settings grammar also held the
        if isinstance(e, dict) and e.get("link") is not None:  # derived value of a link
            e.pop("value", None)
    try:
        apply_settings(entries, infer.par, key="params")
    except ConfigError as exc:
        raise ConfigError(exc.problem, file=index, key=exc.key) from None
    infer.rebuild()
    if (folder / "result.json").exists():
        infer.result = FitResult.from_dict(json.loads((folder / "result.json").read_text()))
    if (folder / "posterior.h5").exists():
        infer.posterior = Posterior.load(folder / "posterior.h5")
    return infer
