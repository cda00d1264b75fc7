"""Names the spec gives twice, in one table: the canonical name first, then its synonyms.

``../shared/spec/data_api.md`` names several `DataUnit` attributes in two ways (the short
names of bayspec 0.4 and the longer ones of the spec's tables; the ``_f64`` suffix, which
forces float64, is a synonym here because every view already is float64). The class
defines the canonical name only; `add_aliases` makes each synonym the very same property,
so there is one implementation and one docstring.
"""

from __future__ import annotations

__all__ = ["UNIT_ALIASES", "add_aliases"]

#: ``(canonical, synonym, ...)`` per row.
UNIT_ALIASES = (
    ("par", "params"),
    ("cfg", "config"),
    ("npoint", "npoints"),
    ("src_counts", "src_counts_f64"),
    ("src_errors", "src_errors_f64"),
    ("bkg_counts", "bkg_counts_f64"),
    ("bkg_errors", "bkg_errors_f64"),
    ("corr_src_efficiency", "corr_src_efficiency_f64"),
    ("corr_bkg_efficiency", "corr_bkg_efficiency_f64"),
)


def add_aliases(cls, table=UNIT_ALIASES):
    """Bind every synonym of ``table`` to the canonical attribute of ``cls``; returns ``cls``."""
    for canonical, *synonyms in table:
        attr = getattr(cls, canonical)
        for name in synonyms:
            setattr(cls, name, attr)
    return cls
