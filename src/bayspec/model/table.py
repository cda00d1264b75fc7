"""OGIP table models as components: ``table_model(path)``, ``atable{path}`` in expressions.

The file (OGIP memo 92-009, read by `bayspec.io.table_model.read_table_model`) tabulates a
spectrum on energy bins [lo_j, hi_j] (keV) over a grid of parameter values. At parameter
values p the spectrum is

    S_j(p) = sum over the 2^k corners c of the grid cell holding p of  w_c(p) S_j(c)
             + sum_i a_i A_ij(p)            (additional parameters a_i, their ADDSP spectra
                                             interpolated the same way)

with multilinear weights w_c; an interpolation parameter with METHOD = 1 is interpolated in
ln p (linear in a cell whose lower node is <= 0). Values outside the grid are clamped to it
(the priors stop at the grid too). XSPEC interpolates the same way (XSPEC manual, "Table
models"; Arnaud 1996, ASP Conf. Ser. 101, 17).

Additive tables (``atable``)
    S_j is photons cm⁻² s⁻¹ in bin j, spread uniformly over the bin; the component is
    ``norm`` times that. Its antiderivative C(E) = norm ∫_0^E S dE' is piecewise linear, so
    integrals over any photon bin are the table rebinned by overlap (exact: the component
    uses the ``"antiderivative"`` integration plan). Outside the grid the spectrum is 0
    (XSPEC 12.13.1 ignores LOELIMIT/HIELIMIT for additive tables).
Multiplicative tables (``mtable``)
    M(E) = S_j for E in bin j, LOELIMIT below the grid, HIELIMIT above it (1 when the file
    has no such keyword, as XSPEC 12.13.1). ``bin_values`` gives XSPEC's bin values: the
    table averaged over the part of the bin the grid covers (overlap-weighted), the limit
    for bins wholly outside the grid. In a product with an additive model the factor is
    evaluated at the quadrature nodes of each photon bin.
Exponential tables (``etable``)
    M(E) = exp(-S_j), with the same rules.

REDSHIFT = T adds a parameter ``z``: the table is evaluated at E (1 + z) (additive values
divided by (1 + z), as XSPEC does). ESCALE = T adds ``escale``: the table's energy grid is
multiplied by it (additive fluxes conserved).

Derivatives (``evaluate_grad``, ``antiderivative_grad``, used by ``Model.node_grad``) are
those of the interpolation weights in the cell the value uses (one-sided at a grid node, 0
outside the grid), the ADDSP spectra for additional parameters, and norm. On the exact plan
the antiderivative's dependence on z and escale through the shifted energy is included; a
density (quadrature plans) is piecewise constant in the shifted energy, so there its z
(and a multiplicative table's escale) derivative is 0 between the table's bin edges.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ..errors import BayspecError, ModelError
from ..parameter import LogUniform, Uniform
from .component import Additive, Multiplicative, ParSpec

__all__ = ["TableComponent", "table_model", "write_table_model", "interpolate_spectra",
           "interpolate_spectra_grad"]


def write_table_model(path, table, overwrite=False):
    """Write a table (``bayspec.io.table_model.TableModelData``); see that module."""
    from ..io.table_model import write_table_model as _w
    return _w(path, table, overwrite=overwrite)


def _identifier(name: str, used: set) -> str:
    s = re.sub(r"\W", "_", name.strip()) or "par"
    if s[0].isdigit():
        s = "p_" + s
    base, k = s, 2
    while s in used:
        s = f"{base}_{k}"
        k += 1
    used.add(s)
    return s


def _cell(values: np.ndarray, x: np.ndarray, log: bool):
    """Cell index ``i`` (``values[i] <= x <= values[i+1]``) and weight of the upper node."""
    nv = values.size
    if nv == 1:
        return np.zeros(x.shape, dtype=np.intp), np.zeros(x.shape)
    x = np.clip(x, values[0], values[-1])
    i = np.clip(np.searchsorted(values, x, side="right") - 1, 0, nv - 2)
    v0, v1 = values[i], values[i + 1]
    if log:
        ok = v0 > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            wlog = (np.log(np.where(ok, x, 1.0) / np.where(ok, v0, 1.0))
                    / np.log(np.where(ok, v1 / np.where(ok, v0, 1.0), 2.0)))
        w = np.where(ok, wlog, (x - v0) / (v1 - v0))
    else:
        w = (x - v0) / (v1 - v0)
    return i, np.clip(w, 0.0, 1.0)


def _cell_slope(values: np.ndarray, x: np.ndarray, i: np.ndarray, log: bool):
    """``∂w/∂x`` of `_cell`'s upper-node weight in the cell ``i`` the value uses (so at a
    grid node the slope of the cell above it, at the last node the one below); 0 outside
    the grid, where the value is clamped, and for a single-valued axis."""
    if values.size == 1:
        return np.zeros(x.shape)
    v0, v1 = values[i], values[i + 1]
    inside = (x >= values[0]) & (x <= values[-1])
    if log:
        ok = v0 > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            dlog = 1.0 / (np.where(ok, x, 1.0) * np.log(np.where(ok, v1 / np.where(ok, v0, 1.0), 2.0)))
        d = np.where(ok, dlog, 1.0 / (v1 - v0))
    else:
        d = 1.0 / (v1 - v0)
    return np.where(inside, d, 0.0)


def _interpolate(grid, axes, methods, pvals, grad):
    """`interpolate_spectra`, and with ``grad`` the list of its derivatives with respect to
    each parameter: the same corner sum with the d-th weight factor replaced by ``±∂w_d/∂x_d``."""
    k = len(axes)
    nE = grid.shape[-1]
    if k == 0:
        return grid.reshape(1, nE), []
    xs = np.broadcast_arrays(*[np.asarray(p, dtype=float).reshape(-1) for p in pvals])
    cells = [_cell(a, x, m == 1) for a, x, m in zip(axes, xs, methods)]
    slopes = [_cell_slope(a, x, c[0], m == 1) for a, x, c, m in zip(axes, xs, cells, methods)] if grad else []
    flat = grid.reshape(-1, nE)
    strides = np.cumprod([1] + [a.size for a in axes[::-1]])[:-1][::-1]
    out = 0.0
    douts = [0.0] * k if grad else []
    for corner in range(1 << k):
        idx = 0
        wt = 1.0
        ups = []
        for d in range(k):
            up = (corner >> (k - 1 - d)) & 1
            ups.append(up)
            i, w = cells[d]
            idx = idx + (i + up) * strides[d]
            wt = wt * (w if up else 1.0 - w)
        row = flat[idx]
        out = out + wt[:, None] * row
        for d in range(len(douts)):
            dwt = slopes[d] if ups[d] else -slopes[d]
            for e in range(k):
                if e != d:
                    w = cells[e][1]
                    dwt = dwt * (w if ups[e] else 1.0 - w)
            douts[d] = douts[d] + dwt[:, None] * row
    return out, douts


def interpolate_spectra(grid: np.ndarray, axes: list, methods: list, pvals: list) -> np.ndarray:
    """Multilinear interpolation of ``grid (n1, ..., nk, nE)`` at a batch of points.

    Parameters
    ----------
    grid : ndarray (n1, ..., nk, nE)
    axes : list of k ndarrays
        Tabulated values of each parameter (increasing).
    methods : list of k ints
        0 linear, 1 logarithmic.
    pvals : list of k arrays
        Parameter values, each broadcastable to ``(n,)``.

    Returns
    -------
    ndarray (n, nE)
        One loop over the 2^k cell corners, none over the n points.
    """
    return _interpolate(grid, axes, methods, pvals, False)[0]


def interpolate_spectra_grad(grid: np.ndarray, axes: list, methods: list, pvals: list):
    """`interpolate_spectra` and its derivatives with respect to each parameter.

    Within a cell the interpolant is multilinear in the weights w_d, so
    ``∂S/∂p_d = Σ_c (∂w_c/∂p_d) S(c)`` with ``∂w_d/∂p_d = 1/(v1 − v0)`` (linear) or
    ``1/(p_d ln(v1/v0))`` (METHOD = 1). The derivative is that of the cell the value uses:
    at a grid node it is one-sided (the cell above; below at the last node), and 0 outside
    the grid, where the value is clamped.

    Returns
    -------
    value : ndarray (n, nE)
    grads : list of k ndarrays (n, nE)
    """
    return _interpolate(grid, axes, methods, pvals, True)


def _locate(knots, E):
    """Segment of ``knots`` holding each E (clamped to the knots): ``(idx, frac)``."""
    Ec = np.clip(E, knots[0], knots[-1])
    idx = np.clip(np.searchsorted(knots, Ec, side="right") - 1, 0, knots.size - 2)
    xa, xb = knots[idx], knots[idx + 1]
    dx = xb - xa
    frac = np.where(dx > 0, (Ec - xa) / np.where(dx > 0, dx, 1.0), 1.0)
    return idx, frac


def _knot_values(spec):
    """Cumulative bin contents at the knots, ``(n, 2 nb)``."""
    n, nb = spec.shape
    c = np.zeros((n, 2 * nb))
    cs = np.cumsum(spec, axis=1)
    c[:, 1::2] = cs
    c[:, 2::2] = cs[:, :-1]
    return c


def _at(c, idx):
    """``c`` at the knots ``idx`` and ``idx + 1`` (rows broadcast: ``(n, m)``)."""
    n = c.shape[0]
    if idx.ndim == 1:
        return c[:, idx], c[:, idx + 1]
    if c.shape[0] != idx.shape[0]:
        n = max(n, idx.shape[0])
        c = np.broadcast_to(c, (n, c.shape[1]))
        idx = np.broadcast_to(idx, (n, idx.shape[1]))
    return np.take_along_axis(c, idx, axis=1), np.take_along_axis(c, idx + 1, axis=1)


def _cumulative(knots, spec, E, below=0.0, above=0.0, loc=None):
    """∫_{knots[0]}^E of a piecewise-constant density with bin contents ``spec (n, nb)``.

    ``knots (2 nb,)`` are lo_0, hi_0, lo_1, hi_1, ...; below the first knot the density is
    ``below`` (integral counted from 0), above the last one ``above``. ``E`` is ``(m,)`` or
    ``(n, m)``. Returns ``(n, m)``. ``loc`` is ``_locate(knots, E)`` when already known.
    """
    idx, frac = _locate(knots, E) if loc is None else loc
    x0 = knots[0]
    c = _knot_values(spec) + below * x0
    ca, cb = _at(c, idx)
    out = ca + frac * (cb - ca)
    if below:
        out = out + below * (np.minimum(E, x0) - x0)
    if above:
        out = out + above * np.maximum(E - knots[-1], 0.0)
    return out


def _density_at(knots, spec, E, loc):
    """``∂/∂E`` of ``_cumulative(knots, spec, E)`` (``below = above = 0``): the density of
    the segment the value uses (the one starting at a knot hit exactly, the last one at the
    last knot), 0 in gaps and outside the knots."""
    idx, _ = loc
    ca, cb = _at(_knot_values(spec), idx)
    dx = knots[idx + 1] - knots[idx]
    inside = (E >= knots[0]) & (E <= knots[-1]) & (dx > 0)
    return np.where(inside, (cb - ca) / np.where(dx > 0, dx, 1.0), 0.0)


class TableComponent:
    """Mixin of the table components (built by `table_model`; not registered).

    Attributes
    ----------
    table : bayspec.io.table_model.TableModelData
    """

    table = None
    _exp_table = False
    _n_interp = 0
    _n_add = 0

    @classmethod
    def _setup(cls, table):
        cls.table = table
        ip, ap = table.interp_parameters, table.add_parameters
        cls._n_interp, cls._n_add = len(ip), len(ap)
        cls._axes = [p.values for p in ip]
        cls._methods = [p.method for p in ip]
        cls._knots = np.column_stack([table.energ_lo, table.energ_hi]).ravel()
        cls._width = table.energ_hi - table.energ_lo
        used, specs = set(), []
        for p in ip:
            lo, hi = max(p.minimum, p.values[0]), min(p.maximum, p.values[-1])
            if not hi > lo:
                lo, hi = p.values[0], p.values[-1] if p.values[-1] > p.values[0] else p.values[0] + 1.0
            prior = LogUniform(lo, hi) if (p.method == 1 and lo > 0) else Uniform(lo, hi)
            specs.append(ParSpec(_identifier(p.name, used), float(np.clip(p.initial, lo, hi)), prior,
                                 frozen=p.delta < 0))
        for p in ap:
            lo, hi = p.minimum, p.maximum if p.maximum > p.minimum else p.minimum + 1.0
            specs.append(ParSpec(_identifier(p.name, used), float(np.clip(p.initial, lo, hi)), Uniform(lo, hi),
                                 frozen=p.delta < 0))
        if table.redshift:
            specs.append(ParSpec(_identifier("z", used), 0.0, Uniform(0.0, 5.0), "", r"$z$", frozen=True))
        if table.escale:
            specs.append(ParSpec(_identifier("escale", used), 1.0, Uniform(0.01, 100.0), "", frozen=True))
        if table.kind == "additive":
            specs.append(ParSpec(_identifier("norm", used), 1.0, LogUniform(1e-10, 1e10), "", r"$\mathrm{norm}$"))
        cls.parameters = tuple(specs)

    def __reduce__(self):
        # the class is built per file; pickles rebuild it from the file
        state = self.__dict__.copy()
        state.pop("_lncache", None)
        state["_table_cache"] = None
        return (_restore, (self.source_path, self._name, self._kind_arg, state))

    # ---------------------------------------------------------------- helpers
    def _split(self, pars):
        t = self.table
        k, a = self._n_interp, self._n_add
        ipar, apar = list(pars[:k]), list(pars[k:k + a])
        rest = list(pars[k + a:])
        z = rest.pop(0) if t.redshift else 0.0
        s = rest.pop(0) if t.escale else 1.0
        norm = rest.pop(0) if t.kind == "additive" else 1.0
        return ipar, apar, z, s, norm

    def spectra(self, *pars) -> np.ndarray:
        """The interpolated table ``(n, nE)`` at the given interpolation and additional
        parameter values (bin contents, photons cm⁻² s⁻¹ for additive tables)."""
        t = self.table
        ipar, apar = list(pars[: self._n_interp]), list(pars[self._n_interp: self._n_interp + self._n_add])
        s = interpolate_spectra(t.spectra, self._axes, self._methods, ipar)
        for j, a in enumerate(apar):
            add = interpolate_spectra(t.addspectra[j], self._axes, self._methods, ipar)
            s = s + np.asarray(a, dtype=float).reshape(-1, 1) * add
        return s

    def spectra_grad(self, *pars):
        """`spectra` and its derivatives: ``(S, [∂S/∂p_i for the interpolation
        parameters], [∂S/∂a_j for the additional ones])``, each ``(n, nE)`` (see
        `interpolate_spectra_grad`; ``∂S/∂a_j`` is the interpolated ADDSP spectrum)."""
        t = self.table
        ipar, apar = list(pars[: self._n_interp]), list(pars[self._n_interp: self._n_interp + self._n_add])
        s, ds = interpolate_spectra_grad(t.spectra, self._axes, self._methods, ipar)
        da = []
        for j, a in enumerate(apar):
            add, dadd = interpolate_spectra_grad(t.addspectra[j], self._axes, self._methods, ipar)
            a = np.asarray(a, dtype=float).reshape(-1, 1)
            s = s + a * add
            ds = [d + a * dd for d, dd in zip(ds, dadd)]
            da.append(add)
        return s, ds, da

    @staticmethod
    def _take(spec, jj):
        """``spec (n, nE)`` at the table bins ``jj`` (``(m,)`` or ``(n', m)``)."""
        if jj.ndim == 1:
            return spec[:, jj]
        n = max(spec.shape[0], jj.shape[0])
        return np.take_along_axis(np.broadcast_to(spec, (n, spec.shape[1])),
                                  np.broadcast_to(jj, (n, jj.shape[1])), axis=1)

    def _table_lookup(self, spec, E):
        """Piecewise-constant value at E (``(n, m)``), limits outside the grid."""
        t = self.table
        j = np.searchsorted(t.energ_hi, E, side="right")
        inside = (E >= t.energ_lo[0]) & (j < t.energ_lo.size)
        jj = np.minimum(j, t.energ_lo.size - 1)
        return self._take(spec, jj), inside, jj

    def _par_grads(self, ds, da, dz, dscale, dnorm):
        """Partials in the order of ``parameters`` (None: no dependence)."""
        t = self.table
        out = list(ds) + list(da)
        if t.redshift:
            out.append(dz)
        if t.escale:
            out.append(dscale)
        if t.kind == "additive":
            out.append(dnorm)
        return tuple(out)

    def bin_values(self, ebin, pvals=None) -> np.ndarray:
        """XSPEC's per-bin values on ``ebin (nbins, 2)`` keV, ``(n, nbins)``.

        Additive: photons cm⁻² s⁻¹ in each bin (the table rebinned by overlap, × norm).
        Multiplicative: the overlap-weighted mean factor (LOELIMIT/HIELIMIT for the parts
        outside the grid); exponential: exp(−mean of the table).
        """
        from .plan import check_ebin
        e, _ = check_ebin(ebin)
        if self.kind == "additive":
            return self.integrate(e, pvals)
        pv = self.resolve(pvals)
        args = self._args(pv)[id(self)]
        ipar, apar, z, s, _ = self._split(args)
        spec = self.spectra(*ipar, *apar)
        zf = 1.0 + np.asarray(z, dtype=float)
        sc = np.asarray(s, dtype=float)
        lo, hi = e[:, 0] * zf / sc, e[:, 1] * zf / sc
        g0, g1 = self._knots[0], self._knots[-1]
        v = spec * self._width
        inside = _cumulative(self._knots, v, hi) - _cumulative(self._knots, v, lo)
        # a bin that overlaps the grid by less than 1e-6 of its width (float32 grid edges
        # against float64 bins) counts as outside
        covered = np.clip(hi, g0, g1) - np.clip(lo, g0, g1)
        covered = np.where(covered > 1e-6 * (hi - lo), covered, 0.0)
        below, above = self._limits()
        with np.errstate(invalid="ignore", divide="ignore"):
            avg = np.where(covered > 0, inside / np.where(covered > 0, covered, 1.0),
                           np.where(hi <= g0, below, above))
        return np.exp(-avg) if self._exp_table else avg

    def _limits(self):
        """(LOELIMIT, HIELIMIT), defaulting to the value meaning "no effect" (1 for a
        multiplicative table, 0 for an exponential one's argument) when the file has none."""
        t = self.table
        dflt = 0.0 if self._exp_table else 1.0
        return (dflt if t.loelimit is None else t.loelimit, dflt if t.hielimit is None else t.hielimit)


class _AdditiveTable(TableComponent, Additive):
    def evaluate(self, E, *pars):
        ipar, apar, z, s, norm = self._split(pars)
        spec = self.spectra(*pars[: self._n_interp + self._n_add])
        Et = np.atleast_1d(E) * (1.0 + z) / s
        v, inside, jj = self._table_lookup(spec / self._width, Et)
        return norm * np.where(inside, v, 0.0) * (1.0 / s)

    def evaluate_grad(self, E, *pars):
        """N(E) and its partials: the interpolated derivative spectra looked up in the same
        table bins (``norm ∂S_j/∂p / (width_j s)``), ``N/norm`` for norm and ``−N/s`` for
        escale. The density is piecewise constant in E (1 + z)/escale, so its derivative
        through the shifted energy is 0 between the table's bin edges (z: None); the exact
        plan (`antiderivative_grad`) carries the edges' motion."""
        ipar, apar, z, s, norm = self._split(pars)
        spec, ds, da = self.spectra_grad(*pars[: self._n_interp + self._n_add])
        Et = np.atleast_1d(E) * (1.0 + z) / s
        v, inside, jj = self._table_lookup(spec / self._width, Et)
        base = np.where(inside, v, 0.0) * (1.0 / s)
        N = norm * base

        def look(d):
            return norm * np.where(inside, self._take(d / self._width, jj), 0.0) * (1.0 / s)

        return N, self._par_grads([look(d) for d in ds], [look(d) for d in da], None, -N / s, base)

    def antiderivative(self, E, *pars):
        ipar, apar, z, s, norm = self._split(pars)
        spec = self.spectra(*pars[: self._n_interp + self._n_add])
        zf = 1.0 + z
        Et = np.atleast_1d(E) * zf / s
        return (norm / zf) * _cumulative(self._knots, spec, Et)

    def antiderivative_grad(self, E, *pars):
        """``C(E) = c Cum(Et)``, c = norm/(1+z), Et = E (1+z)/s, and its partials.

        Cum is linear in the spectrum, so the interpolated and additional parameters give
        ``c Cum[∂S/∂p]``; norm gives ``C/norm``. With ρ = ∂Cum/∂Et the table density at Et
        (of the segment the value uses) and r = c ρ Et: ``∂C/∂z = (r − C)/(1+z)`` and
        ``∂C/∂s = −r/s``.
        """
        ipar, apar, z, s, norm = self._split(pars)
        spec, ds, da = self.spectra_grad(*pars[: self._n_interp + self._n_add])
        zf = 1.0 + z
        Et = np.atleast_1d(E) * zf / s
        loc = _locate(self._knots, Et)
        cum = _cumulative(self._knots, spec, Et, loc=loc)
        c = norm / zf
        C = c * cum
        rho = c * _density_at(self._knots, spec, Et, loc) * Et
        dI = [c * _cumulative(self._knots, d, Et, loc=loc) for d in ds]
        dA = [c * _cumulative(self._knots, d, Et, loc=loc) for d in da]
        return C, self._par_grads(dI, dA, (rho - C) / zf, -rho / s, cum / zf)


class _MultiplicativeTable(TableComponent, Multiplicative):
    def evaluate(self, E, *pars):
        t = self.table
        ipar, apar, z, s, _ = self._split(pars)
        spec = self.spectra(*pars[: self._n_interp + self._n_add])
        Et = np.atleast_1d(E) * (1.0 + z) / s
        v, inside, _ = self._table_lookup(spec, Et)
        below, above = self._limits()
        v = np.where(inside, v, np.where(Et < t.energ_lo[0], below, above))
        return np.exp(-v) if self._exp_table else v

    def evaluate_grad(self, E, *pars):
        """M(E) and its partials: the interpolated derivative spectra in the same table bins
        (0 outside the grid, where M is a limit; times −M for an exponential table). M is
        piecewise constant in E (1 + z)/escale: 0 between the table's bin edges (None)."""
        t = self.table
        ipar, apar, z, s, _ = self._split(pars)
        spec, ds, da = self.spectra_grad(*pars[: self._n_interp + self._n_add])
        Et = np.atleast_1d(E) * (1.0 + z) / s
        v, inside, jj = self._table_lookup(spec, Et)
        below, above = self._limits()
        v = np.where(inside, v, np.where(Et < t.energ_lo[0], below, above))
        M = np.exp(-v) if self._exp_table else v
        f = -M if self._exp_table else 1.0

        def look(d):
            return f * np.where(inside, self._take(d, jj), 0.0)

        return M, self._par_grads([look(d) for d in ds], [look(d) for d in da], None, None, None)


def table_model(path, name: str | None = None, kind: str | None = None):
    """A component from an OGIP table-model file (XSPEC ``atable``/``mtable``/``etable``).

    Parameters
    ----------
    path : str or Path
        The table file.
    name : str, optional
        Component name (default: the file's MODLNAME, made an identifier).
    kind : {"additive", "multiplicative", "exponential"}, optional
        Expected kind (``atable``/``mtable``/``etable``); a table marked otherwise raises
        ``ModelError``. ``"exponential"`` turns a multiplicative file into exp(-table).

    Returns
    -------
    Component
        Additive (with a ``norm``), multiplicative or exponential; parameters named as in
        the file, with uniform (log-uniform for METHOD = 1) priors over the grid, ``z`` and
        ``escale`` when the file asks for them. See the module docstring for the formulas.
    """
    from ..io.table_model import read_table_model
    try:
        table = read_table_model(path)
    except BayspecError:
        raise
    tkind = table.kind
    if kind is not None:
        if kind not in ("additive", "multiplicative", "exponential"):
            raise ModelError(f"kind must be additive, multiplicative or exponential, got {kind!r}", key="kind")
        if kind == "exponential" and tkind == "multiplicative":
            tkind = "exponential"
        elif kind != tkind:
            raise ModelError(f"the table is {tkind} (ADDMODEL), not {kind}", file=str(path), key="ADDMODEL")
    base = _AdditiveTable if tkind == "additive" else _MultiplicativeTable
    cname = name if name is not None else _identifier(table.name or Path(str(path)).stem, set())
    cls = type(f"Table_{cname}", (base,), {"default_name": cname, "_exp_table": tkind == "exponential",
                                           "__doc__": f"Table model {table.filename} ({tkind})"})
    cls._setup(table)
    comp = cls(name=cname)
    comp.source_path = str(path)
    comp._kind_arg = kind
    return comp


def _restore(path, name, kind, state):
    comp = table_model(path, name=name, kind=kind)
    comp.__dict__.update(state)
    return comp
