"""The model catalogue: every registered component with its parameters, units, defaults,
settings and formula (what ``bayspec models [NAME]`` prints)."""

from __future__ import annotations

import inspect

from . import library

__all__ = ["catalog", "describe", "summary_lines", "detail_text"]


def _formula(cls) -> str:
    """The component's docstring (dedented), the formula it states first."""
    return inspect.cleandoc(cls.__doc__ or "").strip()


def describe(name: str) -> dict:
    """One component: ``{"name", "kind", "class", "parameters": [...], "settings": {...},
    "doc"}``; each parameter ``{"name", "unit", "default", "prior", "frozen"}``.

    Raises
    ------
    ModelError
        Unknown name (listing the known ones).
    """
    cls = library.get(name)
    pars = [{"name": s.name, "unit": s.unit, "default": s.value, "prior": repr(s.prior), "frozen": s.frozen}
            for s in cls.parameters]
    return {"name": name, "kind": cls.kind, "class": f"{cls.__module__}.{cls.__name__}", "parameters": pars,
            "settings": dict(cls.default_settings), "doc": _formula(cls)}


def catalog() -> list:
    """`describe` of every registered component, sorted by name."""
    return [describe(n) for n in library.names()]


def summary_lines() -> list:
    """One line per component: name, kind, parameters with units and defaults, first doc line."""
    rows = []
    for d in catalog():
        ps = ", ".join(f"{p['name']}={p['default']:g}" + (f" [{p['unit']}]" if p["unit"] else "")
                       for p in d["parameters"])
        first = d["doc"].splitlines()[0] if d["doc"] else ""
        rows.append((d["name"], d["kind"], ps, first))
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    return [f"{a:<{w0}}  {b:<{w1}}  {c}" + (f"\n{'':<{w0 + w1 + 4}}{d}" if d else "") for a, b, c, d in rows]


def detail_text(name: str) -> str:
    """The full description of one component, as text."""
    d = describe(name)
    lines = [f"{d['name']} ({d['kind']}; {d['class']})", "", "Parameters:"]
    for p in d["parameters"]:
        unit = f" [{p['unit']}]" if p["unit"] else ""
        lines.append(f"  {p['name']}{unit}: default {p['default']:g}, prior {p['prior']}"
                     + (", frozen" if p["frozen"] else ""))
    if d["settings"]:
        lines += ["", "Settings:"] + [f"  {k} = {v!r}" for k, v in d["settings"].items()]
    lines += ["", d["doc"]]
    return "\n".join(lines)
