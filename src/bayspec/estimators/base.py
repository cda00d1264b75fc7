"""`Estimator`: what the flux-point, light-curve and excess estimators have in common.

Every estimator takes energy bins (``energy_edges``), error and upper-limit levels
(``n_sigma``, ``n_sigma_ul``: Δstat = n_sigma², n_sigma_ul² on the −2 ln L profile of the
norm), optional products (``selection_optional``) and the TS below which a point is drawn as
an upper limit, and is run on ``datasets``: anything `bayspec.infer.pairs.as_pairs` takes
(``[(data, model), ...]``, one pair, or an Infer-like object), the models at their
reference (best-fit) values.

A group of a unit belongs to the energy bin that contains its centre ``sqrt(lo hi)`` (keV),
the rule of the Gamma Astro Data Format flux points
(https://gamma-astro-data-formats.readthedocs.io/en/latest/spectra/flux_points/).
"""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError
from ..infer.pairs import as_pairs
from .flux_result import energy_quantity

__all__ = ["Estimator", "SELECTIONS"]

#: Optional products an estimator can compute: upper limits and the likelihood scan.
SELECTIONS = ("ul", "scan")


class Estimator:
    """Base of the flux estimators.

    Parameters
    ----------
    energy_edges : Quantity or array (nbin + 1,)
        Increasing bin edges (plain numbers in keV).
    n_sigma : float
        Error level (Δstat = n_sigma²).
    n_sigma_ul : float
        Upper-limit level (Δstat = n_sigma_ul²; 2 → ~97.7 % one-sided).
    selection_optional : tuple of str, "all" or None
        Optional products among `SELECTIONS`; None gives the estimator's default
        (``default_selection``).
    ts_threshold_ul : float
        TS below which a point is drawn as an upper limit.

    Raises
    ------
    ConfigError
        Edges that are not increasing or fewer than two; an unknown selection.
    """

    #: Name written to the result's ``ESTIMATR`` meta key.
    tag = "Estimator"
    #: ``selection_optional`` when None is given.
    default_selection = ("ul",)

    def __init__(self, energy_edges, n_sigma=1.0, n_sigma_ul=2.0, selection_optional=None,
                 ts_threshold_ul=4.0):
        self.energy_edges = _edges(energy_edges)
        self.n_sigma, self.n_sigma_ul = float(n_sigma), float(n_sigma_ul)
        self.selection_optional = _selection(self.default_selection if selection_optional is None
                                             else selection_optional)
        self.ts_threshold_ul = float(ts_threshold_ul)

    # ------------------------------------------------------------------ shared steps
    @property
    def edges_kev(self) -> np.ndarray:
        """Bin edges in keV ``(nbin + 1,)``."""
        return self.energy_edges.to_value("keV")

    def bin_masks(self, units) -> list:
        """Per energy bin, ``{unit name: group mask}`` of the units with a group in the bin.

        A group belongs to the bin containing ``sqrt(lo hi)`` of its channel range.
        """
        edges = self.edges_kev
        out = [dict() for _ in range(edges.size - 1)]
        for unit in units:
            ch = np.asarray(unit.rsp_chbin, dtype=float)
            idx = np.searchsorted(edges, np.sqrt(ch[:, 0] * ch[:, 1]), side="right") - 1
            for b in range(edges.size - 1):
                m = idx == b
                if m.any():
                    out[b][unit.name] = m
        return out

    def meta(self) -> dict:
        """Meta keys written with the result (estimator, levels)."""
        return {"ESTIMATR": self.tag, "N_SIGMA": self.n_sigma, "N_SIG_UL": self.n_sigma_ul}

    # ------------------------------------------------------------------ entry point
    def run(self, datasets):
        """Run the estimator on ``datasets`` (anything `as_pairs` takes).

        Returns
        -------
        FluxPoints or FluxPointsCollection
        """
        return self._run(as_pairs(datasets))

    def _run(self, pairs):  # pragma: no cover - every estimator implements it
        raise NotImplementedError

    def __repr__(self):
        e = self.edges_kev
        return (f"{type(self).__name__}({e.size - 1} bins {e[0]:g}-{e[-1]:g} keV, "
                f"n_sigma={self.n_sigma:g}, n_sigma_ul={self.n_sigma_ul:g}, "
                f"selection_optional={self.selection_optional})")


def _edges(energy_edges):
    try:
        e = energy_quantity(energy_edges)
    except Exception as exc:  # astropy raises several types for a non-energy input
        raise ConfigError(f"not an energy: {exc}", key="energy_edges") from None
    if e.ndim != 1 or e.size < 2:
        raise ConfigError("needs at least two values", key="energy_edges")
    if np.any(np.diff(e.to_value("keV")) <= 0):
        raise ConfigError("must increase", key="energy_edges")
    return e


def _selection(sel):
    if isinstance(sel, str):
        sel = SELECTIONS if sel == "all" else (sel,)
    sel = tuple(sel or ())
    bad = [s for s in sel if s not in SELECTIONS]
    if bad:
        raise ConfigError(f"unknown {', '.join(map(repr, bad))}; choose from {SELECTIONS} or 'all'",
                          key="selection_optional")
    return sel
