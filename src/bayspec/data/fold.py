"""`UnitFold`: the one path from a model's node values to a unit's counts and statistic.

For a unit with photon bins ``ebin``, noticed-and-grouped response ``R (nphot, k)`` and
source efficiency ``t_s`` (s, scalar or per group), the predicted source counts for node
values ``v (n, m)`` are

    counts = (v @ W) @ (R · t_s) × sf × rf

with ``W (m, nphot)`` the model's integration operator and ``sf``, ``rf`` the unit's source
and response scale factors. Photon bins whose response row is zero over every noticed
channel contribute nothing and are dropped before planning. When the plan has about as many
nodes as bins (exact antiderivatives: m = nphot + 1), or the result is small enough to stay
in cache, ``W @ R · t_s`` is folded once into a dense ``(m, k)`` matrix and an evaluation is
a single matmul; when quadrature multiplies the nodes (Simpson: m ≈ order · nphot) the
sparse ``W`` is applied first so that the dense product stays at the size of the response.

The fold also holds the data terms of the unit's statistic (`bayspec.stat`): observed
counts, errors and efficiencies over the noticed groups, the statistic function and its
prepared fast path. A `DataUnit` builds its fold lazily (`DataUnit.fold`) and keeps it until
its selection changes; the likelihood kernel (`bayspec.infer.Likelihood`) stacks the folds
of its units, and the unit's own ``npred``/``stat_array``/``residuals``/``fake``/``deconv_*``
use the same fold, so there is one prediction path.
"""

from __future__ import annotations

import numpy as np

from ..errors import StatisticError
from ..stat import get_statistic
from ..stat.profile import pgstat_background, wstat_background

__all__ = ["UnitFold", "plan_key", "stat_with_factor", "grad_with_factor", "FOLD_RATIO", "FOLD_CACHE_ELEMENTS"]

#: Fold W into R when nnodes <= FOLD_RATIO * nbins (dense fold no larger than this factor) ...
FOLD_RATIO = 1.25
#: ... or when the folded matrix stays small enough to live in cache (elements, 8 bytes each):
#: then one small matmul beats a sparse product plus a matmul.
FOLD_CACHE_ELEMENTS = 1 << 17


def _with_factor(prepare, S, B, counts, ts, tb, f, sS, sB):
    """``prepare(S, B, ts, tb·bf, sS, sB)(counts)`` with ``bf = f``: a scalar, or one value
    per parameter vector ``(n, 1)`` (then the data terms differ by row, and the rows are
    evaluated one by one — a loop over parameter vectors, not channels)."""
    f = np.asarray(f, dtype=float)
    if f.size == 1:
        return prepare(S, B, ts, tb * float(f.ravel()[0]), sS, sB)(counts)
    counts = np.atleast_2d(counts)
    return np.concatenate([prepare(S, B, ts, tb * fi, sS, sB)(counts[i:i + 1])
                           for i, fi in enumerate(f.ravel())], axis=0)


def stat_with_factor(func, S, B, counts, ts, tb, f, sS, sB):
    """The statistic with the background efficiency scaled by ``bf = f`` (see
    `_with_factor`)."""
    return _with_factor(func.prepare, S, B, counts, ts, tb, f, sS, sB)


def grad_with_factor(func, S, B, counts, ts, tb, f, sS, sB):
    """``∂stat/∂counts`` with the background efficiency scaled by ``bf = f`` (see
    `_with_factor`)."""
    return _with_factor(func.prepare_grad, S, B, counts, ts, tb, f, sS, sB)


def plan_key(model):
    """What a model's integration plan depends on besides the photon bins: its
    ``integration``, ``quad_method`` and ``quad_order`` settings (a cheap tuple, compared
    before every kernel evaluation)."""
    st = model.settings
    return (st.get("integration"), st.get("quad_method"), st.get("quad_order"))


def _array_or_none(unit, attr):
    try:
        v = getattr(unit, attr)
    except (AttributeError, ValueError):
        return None
    return None if v is None else np.asarray(v, dtype=float)


#: Statistics whose source counts are Poisson (so must be >= 0).
_POISSON_SOURCE = ("cstat", "wstat", "pstat", "pgstat")


def _check_counts(fold, unit):
    """Poisson statistics need non-negative source (and, for wstat, background) counts:
    say which file and which channels, instead of the statistic's bare "S: must be >= 0"."""
    name = fold.stat_name.lower()
    if name not in _POISSON_SOURCE:
        return
    checks = [("source", fold.S, unit.src_ins)]
    if name in ("wstat", "cstat", "pstat") and fold.B is not None:
        checks.append(("background", fold.B, unit.bkg_ins))
    for what, counts, spec in checks:
        bad = np.flatnonzero(counts < 0)
        if bad.size:
            g = unit.grouping
            chans = np.concatenate([g.index[g.starts[i]:g.starts[i] + g.sizes[i]] for i in bad])
            ch = np.asarray(spec.channel)[chans] if getattr(spec, "channel", None) is not None \
                else chans
            shown = ", ".join(str(int(c)) for c in ch[:10]) + (" ..." if ch.size > 10 else "")
            raise StatisticError(
                f"{bad.size} noticed group(s) of the {what} spectrum have negative counts "
                f"(channels {shown}); {name} needs Poisson counts >= 0: use a chi2 statistic "
                "for background-subtracted data, or ignore those channels with notc",
                file=spec.file, hdu=spec.hdu, key=unit.name)


def _check_variance(fold, unit):
    """Refuse data-variance chi-square on groups whose variance is zero.

    With ``chi2`` (file errors) or ``chi2_datavar`` (``S + alpha² B``) a group with zero
    variance (no counts, or zero errors) has no defined weight; the statistic functions
    would silently give it unit variance, which fits nonsense (an all-zero spectrum is
    "valid" at a statistic of ~0). A unit says which groups, so the user can group the
    spectrum or choose ``chi2_gehrels`` (Gehrels 1986 variances, never zero).
    """
    name = fold.stat_name.lower()
    if name not in ("chi2", "chi2_datavar"):
        return
    alpha = None if fold.B is None else fold.ts / fold.tb
    if name == "chi2":
        var = fold.sS ** 2 + (0.0 if alpha is None else (alpha * fold.sB) ** 2)
    else:
        var = np.abs(fold.S) + (0.0 if alpha is None else alpha ** 2 * np.abs(fold.B))
    bad = np.flatnonzero(~(var > 0))
    if bad.size:
        lo, hi = unit.rsp_chbin[bad, 0], unit.rsp_chbin[bad, 1]
        where = ", ".join(f"{a:g}-{b:g} keV" for a, b in zip(lo[:5], hi[:5]))
        more = f" and {bad.size - 5} more" if bad.size > 5 else ""
        raise StatisticError(
            f"{bad.size} of {var.size} noticed groups have zero variance under {name} "
            f"({where}{more}): group the spectrum (e.g. grpg={{'min_evt': 1}}), notice "
            "fewer channels, or use stat='chi2_gehrels'",
            file=unit.src_ins.file, hdu=unit.src_ins.hdu, key=unit.name)


class UnitFold:
    """Precomputed map from a model's node values to a unit's predicted counts and statistic.

    Built by `DataUnit.fold` (do not build one directly: the unit caches it and rebuilds it
    when its selection or the model's integration settings change).

    Attributes
    ----------
    ebin : ndarray (nb, 2)
        Photon bins kept (keV).
    keep : ndarray of bool (nphot,)
        Which of the unit's photon bins were kept.
    plan : IntegrationPlan
        The model's plan over ``ebin``.
    folded : bool
        Whether ``W`` was folded into the matrix.
    S, sS, B, sB : ndarray (k,) or None
        Observed source / background counts and their 1σ errors per noticed group (counts).
    ts, tb : ndarray (k,) or float
        Source and background efficiencies (s; ``tb`` is 1 without a background).
    func : callable
        The unit's statistic (`bayspec.stat.get_statistic`).
    scale_pars : tuple of Par
        Source and response scale factors (``sf``, ``rf``).
    bkg_par : Par or None
        Background scale factor ``bf``.
    """

    def __init__(self, unit, model):
        noticed = np.asarray(unit.noticing, dtype=bool)
        keep = np.any(unit.rsp_ins.drm[:, noticed] != 0.0, axis=1)
        if not keep.any():
            keep[:] = True
        self.keep = keep
        R = np.asarray(unit.rsp_drm, dtype=float)[keep]
        self.ebin = np.asarray(unit.ebin, dtype=float)[keep]
        self.tarr = None if unit.time is None else np.asarray(unit.tarr, dtype=float)[keep]
        self.plan = model.plan(self.ebin, self.tarr)
        self.ts = np.asarray(unit.src_efficiency, dtype=float)
        Rt = R * self.ts  # (nb, k), ts broadcasts over groups
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
        # statistic data terms
        self.stat_name = str(unit.stat)
        self.func = get_statistic(unit.stat)
        self.S = np.asarray(unit.src_counts, dtype=float)
        self.sS = _array_or_none(unit, "src_fit_errors")
        self.scale_pars = (unit.src_ins.factor, unit.rsp_ins.factor)
        bkg = unit.bkg_ins
        self.bkg_par = None if bkg is None else bkg.factor
        if bkg is not None:
            self.B = np.asarray(unit.bkg_counts, dtype=float)
            self.sB = _array_or_none(unit, "bkg_fit_errors")
            self.tb = np.asarray(unit.bkg_efficiency, dtype=float)
        else:
            self.B = self.sB = None
            self.tb = 1.0
        self.weight = unit.selection.weight
        self._prepared = None
        self._prepared_grad = None
        _check_counts(self, unit)
        _check_variance(self, unit)

    # ------------------------------------------------------------------ counts
    def counts(self, v):
        """Predicted source counts ``(n, k)`` from node values ``v (n, m)``, before the
        scale factors."""
        if self.folded:
            return v @ self.matrix
        return (self.wt @ v.T).T @ self.matrix

    def backward(self, g):
        """Node-space gradient ``(n, m)``: ``∂L/∂v`` for ``g = ∂L/∂counts (n, k)``, i.e.
        ``g`` pulled back through the linear fold (its transpose; before scale factors)."""
        if self.folded:
            return g @ self.matrix.T
        return (self.wt.T @ (g @ self.matrix.T).T).T

    def photon_flux(self, v):
        """Bin-integrated photon flux ``(n, nb)`` (photons cm⁻² s⁻¹) from node values."""
        if self.wt is not None:
            return (self.wt @ v.T).T
        return np.asarray(v @ self.plan.weights)

    def scale(self, counts, vals=None):
        """Apply ``sf`` and ``rf`` (``vals``: ``{id(Par): (n, 1) values}`` of a batch; other
        factors at their current values, skipped when 1)."""
        vals = vals or {}
        for p in self.scale_pars:
            v = vals.get(id(p))
            if v is None:
                v = p.value
                if v == 1.0:
                    continue
            counts = counts * v
        return counts

    def signal(self, model, pvals=None):
        """Predicted source counts with scale factors, ``(n, k)`` (``n = 1`` at the current
        parameter values when ``pvals`` is None; ``pvals`` as for ``model.node_values``)."""
        v = model.node_values(self.plan, model.resolve(pvals))
        return self.scale(self.counts(v))

    # ------------------------------------------------------------------ statistic
    def bkg_factor(self, vals=None):
        """The background scale factor for a batch (``vals``) or its current value."""
        bp = self.bkg_par
        if bp is None:
            return 1.0
        vals = vals or {}
        return vals[id(bp)] if id(bp) in vals else bp.value

    def stat(self, counts, vals=None):
        """Per-group statistic ``(n, k)`` of predicted source counts (unweighted)."""
        f = self.bkg_factor(vals)
        if np.ndim(f) == 0 and f == 1.0:
            if self._prepared is None:
                self._prepared = self.func.prepare(self.S, self.B, self.ts, self.tb, self.sS,
                                                   self.sB)
            return self._prepared(counts)
        return stat_with_factor(self.func, self.S, self.B, counts, self.ts, self.tb, f,
                                self.sS, self.sB)

    def stat_grad(self, counts, vals=None):
        """``∂stat/∂counts`` per group ``(n, k)`` (unweighted; `bayspec.stat.gradient`).

        With a background factor ``bf`` that is not 1 the data terms are rescaled as in
        `stat`; the derivative with respect to ``bf`` itself is not given here.
        """
        f = self.bkg_factor(vals)
        if np.ndim(f) == 0 and f == 1.0:
            if self._prepared_grad is None:
                self._prepared_grad = self.func.prepare_grad(self.S, self.B, self.ts, self.tb,
                                                             self.sS, self.sB)
            return self._prepared_grad(counts)
        return grad_with_factor(self.func, self.S, self.B, counts, self.ts, self.tb, f,
                                self.sS, self.sB)

    def alpha(self):
        """``ts / (tb × bf)`` per group at the current ``bf``; None without a background."""
        if self.B is None:
            return None
        return self.ts / (self.tb * self.bkg_factor())

    def background(self, signal):
        """Predicted background counts in the source region for source counts ``signal``.

        Profiled at ``signal`` for ``wstat``/``cstat`` with a background (`wstat_background`)
        and for ``pgstat`` (`pgstat_background`); ``alpha × B`` otherwise (the background
        taken as known, as ``pstat`` and the chi2 family do); zeros without a background.
        """
        if self.B is None:
            return np.zeros_like(signal)
        alpha = self.alpha()
        name = self.stat_name.lower()
        if name in ("wstat", "cstat"):
            return wstat_background(self.S, self.B, signal, alpha)
        if name == "pgstat":
            return pgstat_background(self.S, self.B, self.sB, signal, alpha)
        return alpha * self.B
