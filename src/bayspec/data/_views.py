"""Views of a `DataUnit` over its noticed groups: energy grids, efficiencies, counts and
errors, and the grouped response (the property families of ``../shared/spec/formulas.md``).

Each family exists for the fit grouping and, with ``_re_`` in its name, for the plotting
regrouping (``rebn``). Per-channel BACKSCAL/AREASCAL are averaged over each group's
channels (the mean of ``EXPOSURE × AREASCAL_i`` (× ``BACKSCAL_b,i / BACKSCAL_s,i``), an
exposure-weighted scale). Cached views are dropped by every change of the unit.
"""

from __future__ import annotations

import numpy as np

from .selection import bkg_efficiency_per_channel, src_efficiency_per_channel

__all__ = ["CountViews", "cached"]

#: Integration points per photon bin of the default ``egrid`` (before a model is bound).
DEFAULT_NGRID = 5


def cached(fn):
    """A read-only property whose value is kept in the unit's ``_cache`` until it changes."""
    name = fn.__name__

    def wrapper(self):
        c = self._cache
        if name not in c:
            c[name] = fn(self)
        return c[name]

    wrapper.__name__ = name
    wrapper.__doc__ = fn.__doc__
    return property(wrapper)


class CountViews:
    """Energy grids, efficiencies, counts and response views (mixed into `DataUnit`)."""

    # ------------------------------------------------------------------ energy grids
    @property
    def ebin(self):
        """Photon energy bins ``(nphot, 2)`` keV (response's ENERG_LO/HI)."""
        return self.rsp_ins.phbin

    @property
    def ewidth(self):
        return self.ebin[:, 1] - self.ebin[:, 0]

    @property
    def nbin(self):
        return self.ebin.shape[0]

    def _tfill(self, n):
        return np.full(n, np.nan if self.time is None else float(self.time))

    @property
    def tarr(self):
        """The unit's time repeated per photon bin (NaN when ``time`` is None)."""
        return self._tfill(self.nbin)

    @property
    def ngrid(self):
        """Integration points per photon bin (default rule: ``DEFAULT_NGRID`` evenly spaced
        points including both edges, used until a model with ``plan`` is bound)."""
        return DEFAULT_NGRID

    @cached
    def egrid(self):
        """All integration points, flattened ``(nbin * ngrid,)`` keV."""
        t = np.linspace(0.0, 1.0, self.ngrid)
        lo, hi = self.ebin[:, :1], self.ebin[:, 1:]
        return (lo + (hi - lo) * t).ravel()

    @property
    def tgrid(self):
        return self._tfill(self.egrid.size)

    # ------------------------------------------------------------------ efficiencies
    @cached
    def src_efficiency(self):
        """EXPOSURE × AREASCAL per group (s)."""
        return self._grouping.mean(self._src_eff_ch())

    @cached
    def bkg_efficiency(self):
        """EXPOSURE_b × AREASCAL_b × BACKSCAL_b / BACKSCAL_s per group (s); None without bkg."""
        return None if self.bkg_ins is None else self._grouping.mean(self._bkg_eff_ch())

    @property
    def alpha(self):
        """``src_efficiency / bkg_efficiency`` per group; None without background."""
        b = self.bkg_efficiency
        return None if b is None else self.src_efficiency / b

    @property
    def corr_src_efficiency(self):
        return self.src_efficiency * self.src_ins.factor.value


    @property
    def corr_bkg_efficiency(self):
        b = self.bkg_efficiency
        return None if b is None else b * self.bkg_ins.factor.value


    def _src_eff_ch(self):
        return src_efficiency_per_channel(self.src_ins)

    def _bkg_eff_ch(self):
        return bkg_efficiency_per_channel(self.src_ins, self.bkg_ins)

    def _re_src_eff(self):
        return self._rebining.mean(self._src_eff_ch()) * self.src_ins.factor.value

    def _re_bkg_eff(self):
        return self._rebining.mean(self._bkg_eff_ch()) * self.bkg_ins.factor.value

    # ------------------------------------------------------------------ counts
    def _gsum(self, g, x):
        return g.sum(x)

    def _gerr(self, g, e):
        return np.sqrt(g.sum(e * e))

    @cached
    def src_counts(self):
        """Source counts per group."""
        return self._grouping.sum(self.src_ins.counts)

    @cached
    def src_errors(self):
        """sqrt of the summed squared per-channel errors (STAT_ERR or Poisson)."""
        return self._gerr(self._grouping, self.src_ins.errors)

    @cached
    def src_re_counts(self):
        return self._rebining.sum(self.src_ins.counts)

    @cached
    def src_re_errors(self):
        return self._gerr(self._rebining, self.src_ins.errors)

    @cached
    def bkg_counts(self):
        return None if self.bkg_ins is None else self._grouping.sum(self.bkg_ins.counts)

    @cached
    def bkg_errors(self):
        return None if self.bkg_ins is None else self._gerr(self._grouping, self.bkg_ins.errors)

    @cached
    def src_sys_errors(self):
        """Systematic 1σ errors of the source counts per group (counts), zeros without any.

        Per channel ``SYS_ERR_i × C_i`` (OGIP: SYS_ERR is a fraction of the counts),
        combined over a group's channels in quadrature like the statistical errors (sherpa's
        grouping of systematic errors); the user fraction adds ``sys_frac × C_g`` in
        quadrature. XSPEC adds ``(SYS_ERR × C)²`` to each channel's variance in the same
        way (XSPEC manual, "systematic"; OGIP/92-007 for SYS_ERR).
        """
        return self._sys(self.src_ins, self.selection.sys_frac)

    @cached
    def bkg_sys_errors(self):
        """Systematic 1σ errors of the background counts per group (counts) from the
        background file's SYS_ERR, as `src_sys_errors`; None without a background."""
        return None if self.bkg_ins is None else self._sys(self.bkg_ins, 0.0)

    def _sys(self, spec, frac):
        g = self._grouping
        total = g.sum(spec.counts)
        if spec.sys_errors is None:
            var = np.zeros_like(total)
        else:
            var = g.sum((np.asarray(spec.sys_errors, dtype=np.float64) * spec.counts) ** 2)
        return np.sqrt(var + (frac * total) ** 2)

    @cached
    def src_fit_errors(self):
        """The source errors a Gaussian statistic uses: ``src_errors`` ⊕ ``src_sys_errors``."""
        return np.hypot(self.src_errors, self.src_sys_errors)

    @cached
    def bkg_fit_errors(self):
        """The background errors a Gaussian background uses: ``bkg_errors``, ⊕
        ``bkg_sys_errors`` when ``bkg_sys`` is set; None without a background."""
        if self.bkg_ins is None:
            return None
        if not self.selection.bkg_sys:
            return self.bkg_errors
        return np.hypot(self.bkg_errors, self.bkg_sys_errors)

    @cached
    def bkg_re_counts(self):
        return None if self.bkg_ins is None else self._rebining.sum(self.bkg_ins.counts)

    @cached
    def bkg_re_errors(self):
        return None if self.bkg_ins is None else self._gerr(self._rebining, self.bkg_ins.errors)


    # ------------------------------------------------------------------ response views
    @cached
    def rsp_chbin(self):
        """Group energy bounds ``(ngroup, 2)`` keV."""
        return self._grouping.bounds(self.rsp_ins.chbin)

    @cached
    def rsp_re_chbin(self):
        return self._rebining.bounds(self.rsp_ins.chbin)

    @property
    def rsp_chbin_mean(self):
        return self.rsp_chbin.mean(axis=1)

    @property
    def rsp_re_chbin_mean(self):
        return self.rsp_re_chbin.mean(axis=1)

    @property
    def rsp_chbin_width(self):
        return self.rsp_chbin[:, 1] - self.rsp_chbin[:, 0]

    @property
    def rsp_re_chbin_width(self):
        return self.rsp_re_chbin[:, 1] - self.rsp_re_chbin[:, 0]

    @property
    def rsp_chbin_tarr(self):
        return self._tfill(self.npoint)

    @property
    def rsp_re_chbin_tarr(self):
        return self._tfill(self._rebining.ngroup)

    def _grouped_drm(self, g, key):
        state = self.rsp_ins.state
        hit = self._cache.get(key)
        if hit is not None and hit[0] == state:
            return hit[1]
        m = g.sum(self.rsp_ins.drm, axis=1)
        self._cache[key] = (state, m)
        return m

    @property
    def rsp_drm(self):
        """Response with channels summed per group, ``(nphot, ngroup)``."""
        return self._grouped_drm(self._grouping, "_drm")

    @property
    def rsp_re_drm(self):
        return self._grouped_drm(self._rebining, "_re_drm")

    @property
    def corr_rsp_drm(self):
        return self.rsp_drm * self.rsp_ins.factor.value

    @property
    def corr_rsp_re_drm(self):
        return self.rsp_re_drm * self.rsp_ins.factor.value

