"""``bayspec models [NAME]``: list every model component, or describe one.

Without NAME: one line per component (name, kind, parameters with their defaults and units,
the first line of its formula). With NAME: its parameters (unit, default, prior), settings
and the full docstring (formula, units, XSPEC equivalent, paper). ``--json`` prints the same
as JSON (`bayspec.model.catalog`).
"""

from __future__ import annotations

import json
import sys

__all__ = ["register", "run_models_args", "models_text"]


def models_text(name=None, as_json=False) -> str:
    """The text ``bayspec models [NAME]`` prints (raises ModelError for an unknown NAME)."""
    from ..model.catalog import catalog, describe, detail_text, summary_lines

    if as_json:
        return json.dumps(describe(name) if name else catalog(), indent=2)
    if name:
        return detail_text(name)
    return "\n".join(summary_lines())


def run_models_args(args) -> int:
    """Run the parsed ``models`` command; exit status 0, or 2 for an unknown name."""
    from ..errors import ModelError

    try:
        print(models_text(args.name, args.json))
    except ModelError as exc:
        print(f"bayspec models: {exc}", file=sys.stderr)
        return 2
    return 0


def register(sub):
    """Add the ``models`` sub-command to the ``bayspec`` sub-parsers ``sub``."""
    m = sub.add_parser("models", help="list the model components, or describe one",
                       description="List every model component with its parameters, units, "
                       "defaults and formula; with NAME, describe one.",
                       epilog="exit status: 0 success; 2 unknown component name.")
    m.add_argument("name", nargs="?", default=None, metavar="NAME")
    m.add_argument("--json", action="store_true", help="print JSON")
    m.set_defaults(func=run_models_args)
    return m
