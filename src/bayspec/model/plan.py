"""Integration plans: how bin-integrated photon fluxes are obtained from node values.

A plan holds node energies ``nodes (m,)`` (and node times ``tnodes (m,)`` when a time per bin
was given) and a sparse linear operator ``weights (m, nbins)`` such that, for node values
``v (n, m)``, the bin-integrated flux is ``v @ weights`` (photons cm⁻² s⁻¹ per bin).

Two kinds:

``"antiderivative"``
    Node values are an exact antiderivative F(E) at the unique bin edges and ``weights`` is
    the difference operator (+1 at the upper edge, −1 at the lower edge): exact integrals.
``"quadrature"``
    Node values are the photon density N(E) at quadrature nodes and ``weights`` holds the
    quadrature weights. ``"simpson"``: composite Simpson's rule with ``order`` (even)
    sub-intervals per bin, uniform in ln E (uniform in E for bins starting at E = 0); the
    bin edges are nodes, shared between neighbouring bins. ``"gauss"``: ``order``-point
    Gauss–Legendre per bin in ln E (no shared nodes).

Bins need not be contiguous or sorted (e.g. photon bins of several detectors concatenated):
nodes are made unique (per ``(E, t)`` pair when times are given) and weights of coincident
nodes summed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..errors import ModelError

__all__ = ["IntegrationPlan", "check_ebin", "antiderivative_plan", "quadrature_plan"]


@dataclass(frozen=True)
class IntegrationPlan:
    """Nodes and weights turning node values into bin integrals.

    Attributes
    ----------
    nodes : ndarray (m,)
        Node energies, keV (observer frame).
    weights : scipy.sparse.csr_array (m, nbins)
        ``node_values @ weights`` gives photons cm⁻² s⁻¹ per bin.
    kind : str
        ``"antiderivative"`` or ``"quadrature"``.
    tnodes : ndarray (m,) or None
        Time of each node (the time of the bin it belongs to), or None.
    """

    nodes: np.ndarray
    weights: sparse.csr_array
    kind: str
    tnodes: np.ndarray | None = None

    @property
    def nbins(self) -> int:
        return self.weights.shape[1]

    @property
    def nnodes(self) -> int:
        return self.nodes.shape[0]


def check_ebin(ebin, tarr=None):
    """Validate ``ebin`` ((nbins, 2) keV, or 1-D edges) and ``tarr`` ((nbins,) or None)."""
    e = np.asarray(ebin, dtype=float)
    if e.ndim == 1:
        if e.size < 2:
            raise ModelError(f"ebin as edges needs at least 2 values, got {e.size}", key="ebin")
        e = np.column_stack([e[:-1], e[1:]])
    if e.ndim != 2 or e.shape[1] != 2 or e.shape[0] == 0:
        raise ModelError(f"ebin must have shape (nbins, 2), got {np.shape(ebin)}", key="ebin")
    if not np.all(np.isfinite(e)):
        raise ModelError("ebin has non-finite energies", key="ebin")
    if np.any(e[:, 0] < 0) or np.any(e[:, 1] < e[:, 0]):
        bad = int(np.flatnonzero((e[:, 0] < 0) | (e[:, 1] < e[:, 0]))[0])
        raise ModelError(f"bin {bad} = {e[bad].tolist()} keV: need 0 <= E_lo <= E_hi", key="ebin")
    t = None
    if tarr is not None:
        t = np.asarray(tarr, dtype=float)
        if t.ndim == 0:
            t = np.full(e.shape[0], float(t))
        if t.shape != (e.shape[0],):
            raise ModelError(f"tarr must have shape ({e.shape[0]},), got {t.shape}", key="tarr")
        if not np.all(np.isfinite(t)):
            raise ModelError("tarr has non-finite times", key="tarr")
    return e, t


def _assemble(enodes, w, t, kind):
    """Unique the node array ``enodes (nbins, k)`` (times ``t (nbins,)``) and build W."""
    nbins, k = enodes.shape
    cols = np.repeat(np.arange(nbins), k)
    flat = enodes.ravel()
    if t is None:
        nodes, inv = np.unique(flat, return_inverse=True)
        tnodes = None
    else:
        pairs = np.column_stack([flat, np.repeat(t, k)])
        uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
        nodes, tnodes = np.ascontiguousarray(uniq[:, 0]), np.ascontiguousarray(uniq[:, 1])
    inv = np.asarray(inv).ravel()
    W = sparse.coo_array((w.ravel(), (inv, cols)), shape=(nodes.size, nbins)).tocsr()
    W.sum_duplicates()
    W.eliminate_zeros()
    return IntegrationPlan(nodes, W, kind, tnodes)


def antiderivative_plan(ebin, tarr=None) -> IntegrationPlan:
    """Plan for exact integrals: nodes at the unique edges, W the difference operator."""
    e, t = check_ebin(ebin, tarr)
    w = np.broadcast_to(np.array([-1.0, 1.0]), e.shape)
    return _assemble(e, w, t, "antiderivative")


def _simpson_coeffs(order: int) -> np.ndarray:
    c = np.ones(order + 1)
    c[1:-1:2] = 4.0
    c[2:-1:2] = 2.0
    return c / 3.0


def quadrature_plan(ebin, tarr=None, order: int = 4, method: str = "simpson") -> IntegrationPlan:
    """Plan for quadrature of the photon density over each bin (see module docstring)."""
    e, t = check_ebin(ebin, tarr)
    order = int(order)
    lo, hi = e[:, :1], e[:, 1:]
    logok = lo > 0  # ln-E spacing needs E_lo > 0; bins starting at 0 use linear spacing
    safe_lo = np.where(logok, lo, 1.0)
    safe_hi = np.where(logok, hi, 1.0)
    du = np.log(safe_hi / safe_lo)  # (nbins, 1)
    if method == "simpson":
        if order < 2 or order % 2:
            raise ModelError(f"Simpson quad_order must be an even integer >= 2, got {order}", key="quad_order")
        x = np.arange(order + 1) / order  # fractions of the interval
        c = _simpson_coeffs(order)
    elif method == "gauss":
        if order < 1:
            raise ModelError(f"Gauss-Legendre quad_order must be >= 1, got {order}", key="quad_order")
        g, gw = np.polynomial.legendre.leggauss(order)
        x, c = 0.5 * (g + 1.0), 0.5 * gw
    else:
        raise ModelError(f"unknown quad_method {method!r}; known: simpson, gauss", key="quad_method")
    h = np.where(logok, du, hi - lo)  # interval length in the integration variable
    enodes = np.where(logok, safe_lo * np.exp(du * x), lo + (hi - lo) * x)
    if method == "simpson":  # make the end nodes exactly the bin edges so neighbours share them
        enodes[:, 0], enodes[:, -1] = e[:, 0], e[:, 1]
        x_step = 1.0 / order
        w = h * x_step * c
    else:
        w = h * c
    w = np.where(logok, w * enodes, w)  # dE = E du in ln-E spacing
    return _assemble(enodes, w, t, "quadrature")
