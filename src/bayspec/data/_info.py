"""A tiny table used by the ``info`` properties: rows of dicts, printable and JSON-able."""

from __future__ import annotations

import json

import numpy as np

__all__ = ["Info"]


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    return v


class Info:
    """Table of rows (``list[dict]``) with fixed columns.

    ``str(info)`` is an aligned text table, ``info.to_dict()`` a JSON-ready
    ``{"columns": [...], "rows": [[...], ...]}``.
    """

    def __init__(self, rows, columns=None):
        rows = [dict(r) for r in rows]
        if columns is None:
            columns = []
            for r in rows:
                for k in r:
                    if k not in columns:
                        columns.append(k)
        self.columns = list(columns)
        self.rows = rows

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, col):
        return [r.get(col) for r in self.rows]

    def to_dict(self):
        return {"columns": self.columns,
                "rows": [[_plain(r.get(c)) for c in self.columns] for r in self.rows]}

    def to_json(self, **kw):
        return json.dumps(self.to_dict(), **kw)

    @staticmethod
    def _fmt(v):
        if isinstance(v, float):
            return f"{v:.6g}"
        return str(v)

    def __str__(self):
        cells = [[self._fmt(r.get(c, "")) for c in self.columns] for r in self.rows]
        widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(self.columns)]
        line = "+".join("-" * (w + 2) for w in widths)
        out = [" | ".join(c.ljust(w) for c, w in zip(self.columns, widths)), line]
        out += [" | ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self):  # pragma: no cover - notebooks only
        head = "".join(f"<th>{c}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{self._fmt(r.get(c, ''))}</td>"
                                        for c in self.columns) + "</tr>" for r in self.rows)
        return f"<table><tr>{head}</tr>{body}</table>"
