"""Per-unit folding operator: everything between node values and predicted counts.

For a unit with photon bins ``ebin``, noticed-and-grouped response ``R (nphot, k)`` and source
efficiency ``t_s`` (s, scalar or per group), the predicted source counts for node values
``v (n, m)`` are

    counts = (v @ W) @ (R · t_s)

with ``W (m, nphot)`` the model's integration operator. Photon bins whose response row is
zero over the noticed groups contribute nothing and are dropped before planning. When the
plan has about as many nodes as bins (exact antiderivatives: m = nphot + 1), or the
result is small enough to stay in cache, the product
``W @ R · t_s`` is folded once into a dense ``(m, k)`` matrix and an evaluation is a single
matmul; when quadrature multiplies the nodes (Simpson: m ≈ order · nphot) the sparse ``W`` is
applied first so that the dense product stays at the size of the response.
"""

from __future__ import annotations

import numpy as np

#: Fold W into R when nnodes <= FOLD_RATIO * nbins (dense fold no larger than this factor) ...
FOLD_RATIO = 1.25
#: ... or when the folded matrix stays small enough to live in cache (elements, 8 bytes each):
#: then one small matmul beats a sparse product plus a matmul.
FOLD_CACHE_ELEMENTS = 1 << 17


class UnitFold:
    """Precomputed linear map from a unit's node values to its predicted source counts.

    Attributes
    ----------
    ebin : ndarray (nb, 2)
        Photon bins kept (keV).
    plan : IntegrationPlan
        The model's plan over ``ebin``.
    folded : bool
        Whether ``W`` was folded into the matrix.
    """

    def __init__(self, unit, model):
        R = np.asarray(unit.rsp_drm, dtype=float)
        ebin = np.asarray(unit.ebin, dtype=float)
        keep = np.any(R != 0.0, axis=1)
        if not keep.any():
            keep[:] = True
        self.ebin = ebin[keep]
        tarr = getattr(unit, "tarr", None)
        if tarr is not None and getattr(unit, "time", None) is not None:
            tarr = np.asarray(tarr, dtype=float)[keep]
        else:
            tarr = None
        self.tarr = tarr
        self.plan = model.plan(self.ebin, tarr)
        ts = np.asarray(unit.src_efficiency, dtype=float)
        Rt = R[keep] * ts  # (nb, k), ts broadcasts over groups
        W = self.plan.weights
        m, nb = W.shape
        self.folded = m <= FOLD_RATIO * nb or m * Rt.shape[1] <= FOLD_CACHE_ELEMENTS
        if self.folded:
            self.matrix = np.ascontiguousarray(np.asarray(W @ Rt))
            self.wt = None
        else:
            self.matrix = np.ascontiguousarray(Rt)
            self.wt = W.T.tocsr()
        self.nnodes = m
        self.ngroups = R.shape[1]

    def counts(self, v):
        """Predicted source counts ``(n, k)`` from node values ``v (n, m)``."""
        if self.folded:
            return v @ self.matrix
        return (self.wt @ v.T).T @ self.matrix

    def photon_flux(self, v):
        """Bin-integrated photon flux ``(n, nb)`` (photons cm⁻² s⁻¹) from node values."""
        if self.wt is not None:
            return (self.wt @ v.T).T
        return np.asarray(v @ self.plan.weights)
