"""Sphinx extension of the bayspec docs: pages generated from the code at build time.

On ``builder-inited`` it writes, under ``docs/_generated/``:

- ``api/<package>.rst``: an autosummary of each public package's ``__all__``;
- ``reference/*.rst``: the ``bayspec fit`` / ``bayspec batch`` YAML keys (from the sets the
  configuration readers validate against: a key without a description here, or a description
  of a key the code no longer knows, stops the build) and the model library (from the
  registry, ``bayspec.model.catalog``);
- ``tutorials/*.rst``: each ``docs/tutorials/*.py`` run by ``run_tutorials`` with its printed
  output and figures.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from sphinx.errors import ExtensionError

DOCS = Path(__file__).resolve().parents[1]
GEN = DOCS / "_generated"

API_PACKAGES = [
    ("bayspec.io", "OGIP file reading and writing"),
    ("bayspec.data", "Spectra, responses and data units"),
    ("bayspec.parameter", "Parameters and priors"),
    ("bayspec.model", "Models and the component library"),
    ("bayspec.stat", "Fit statistics"),
    ("bayspec.infer", "Likelihood, fits, posteriors, fluxes"),
    ("bayspec.estimators", "Flux points, light curves, time-resolved spectra"),
    ("bayspec.plot", "Figures"),
    ("bayspec.store", "HDF5 stores"),
    ("bayspec.batch", "Batch fits"),
    ("bayspec.errors", "Error classes"),
    ("bayspec.constants", "Physical constants"),
    ("bayspec.examples", "Bundled example data"),
]


def _write(path: Path, text: str) -> None:
    """Write ``text`` only when it changed (Sphinx then rebuilds only what changed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def _title(text: str, ch: str = "=") -> str:
    return f"{text}\n{ch * len(text)}\n"


def _api_pages() -> None:
    seen = set()
    index = [_title("API reference"), "",
             "Generated from the docstrings of each package's public names (``__all__``).", "",
             ".. toctree::", "   :maxdepth: 1", ""]
    for name, what in API_PACKAGES:
        mod = importlib.import_module(name)
        names = list(getattr(mod, "__all__", None) or
                     [n for n in vars(mod) if not n.startswith("_") and callable(getattr(mod, n))])
        objs = [(n, getattr(mod, n, None)) for n in names]
        objs = [(n, o) for n, o in objs if o is not None and not _is_module(o)]
        body = [_title(f"``{name}``: {what}"), "", f".. py:module:: {name}", "",
                f".. currentmodule:: {name}", "", ".. autosummary::", ""]
        body += [f"   {n}" for n, _ in objs] + [""]
        for n, o in objs:
            kind = "autoclass" if isinstance(o, type) else "autofunction" if callable(o) else "autodata"
            # an object exported by two packages is described once; the other entry links to it
            body += [f".. {kind}:: {n}"] + (["   :no-index:"] if id(o) in seen else []) + [""]
            seen.add(id(o))
        _write(GEN / "api" / f"{name}.rst", "\n".join(body) + "\n")
        index.append(f"   {name}")
    _write(GEN / "api" / "index.rst", "\n".join(index) + "\n")


def _is_module(obj) -> bool:
    import types

    return isinstance(obj, types.ModuleType)


def _generate(app) -> None:
    from reference_pages import write_reference_pages

    _api_pages()
    write_reference_pages(GEN / "reference", _write, _title)
    from run_tutorials import write_tutorial_pages

    try:
        write_tutorial_pages(DOCS / "tutorials", GEN / "tutorials", _write,
                             run=app.config.bayspec_run_tutorials)
    except RuntimeError as exc:
        raise ExtensionError(str(exc)) from exc


def _summary_literal(app, what, name, obj, options, lines) -> None:
    """A one-line summary ending in ``::`` (a formula block follows, as in the model
    library's docstrings) keeps its block: numpydoc would split the summary from the block."""
    end = next((i for i, ln in enumerate(lines) if not ln.strip()), len(lines))
    if end and lines[end - 1].rstrip().endswith("::") and not lines[0].lstrip().startswith(".."):
        lines[end - 1:end] = [lines[end - 1].rstrip()[:-1], "", "::"]


def setup(app):
    app.connect("autodoc-process-docstring", _summary_literal, priority=400)
    app.add_config_value("bayspec_run_tutorials", True, "env")
    app.connect("builder-inited", _generate)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
