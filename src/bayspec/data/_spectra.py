"""Count rates, count spectra, net spectra, the upper limit and the deconvolved
(unfolded) spectra of a `DataUnit` (property families of ``../shared/spec/formulas.md``).

Rates are counts / corrected efficiency (counts s⁻¹), count spectra rates per keV of the
group's width, net = source − background with errors added in quadrature. The deconvolved
spectra multiply the net count spectrum by N(E)/C(E), the model's photon flux over the
model's folded count rate in each group (the unit's fold, so ``rf`` is included).
"""

from __future__ import annotations

import numpy as np

from ..constants import KEV_TO_ERG
from .upperlimit import kbn_upper_limit

__all__ = ["SpectrumViews"]


class SpectrumViews:
    """Rates, spectra, net spectra, upper limit and deconvolved spectra (mixed into
    `DataUnit`)."""

    # ------------------------------------------------------------------ rates and spectra
    @property
    def npoint(self):
        """Number of noticed groups."""
        return self._grouping.ngroup


    @property
    def src_ctsrate(self):
        return self.src_counts / self.corr_src_efficiency

    @property
    def src_ctsrate_error(self):
        return self.src_errors / self.corr_src_efficiency

    @property
    def src_re_ctsrate(self):
        return self.src_re_counts / self._re_src_eff()

    @property
    def src_re_ctsrate_error(self):
        return self.src_re_errors / self._re_src_eff()

    @property
    def bkg_ctsrate(self):
        return None if self.bkg_ins is None else self.bkg_counts / self.corr_bkg_efficiency

    @property
    def bkg_ctsrate_error(self):
        return None if self.bkg_ins is None else self.bkg_errors / self.corr_bkg_efficiency

    @property
    def bkg_re_ctsrate(self):
        return None if self.bkg_ins is None else self.bkg_re_counts / self._re_bkg_eff()

    @property
    def bkg_re_ctsrate_error(self):
        return None if self.bkg_ins is None else self.bkg_re_errors / self._re_bkg_eff()

    def _spec(self, rate, width):
        return None if rate is None else rate / width

    @property
    def src_ctsspec(self):
        return self._spec(self.src_ctsrate, self.rsp_chbin_width)

    @property
    def src_ctsspec_error(self):
        return self._spec(self.src_ctsrate_error, self.rsp_chbin_width)

    @property
    def src_re_ctsspec(self):
        return self._spec(self.src_re_ctsrate, self.rsp_re_chbin_width)

    @property
    def src_re_ctsspec_error(self):
        return self._spec(self.src_re_ctsrate_error, self.rsp_re_chbin_width)

    @property
    def bkg_ctsspec(self):
        return self._spec(self.bkg_ctsrate, self.rsp_chbin_width)

    @property
    def bkg_ctsspec_error(self):
        return self._spec(self.bkg_ctsrate_error, self.rsp_chbin_width)

    @property
    def bkg_re_ctsspec(self):
        return self._spec(self.bkg_re_ctsrate, self.rsp_re_chbin_width)

    @property
    def bkg_re_ctsspec_error(self):
        return self._spec(self.bkg_re_ctsrate_error, self.rsp_re_chbin_width)

    @staticmethod
    def _minus(a, b):
        return a if b is None else a - b

    @staticmethod
    def _quad(a, b):
        return a if b is None else np.sqrt(a * a + b * b)

    @property
    def net_ctsrate(self):
        return self._minus(self.src_ctsrate, self.bkg_ctsrate)

    @property
    def net_ctsrate_error(self):
        return self._quad(self.src_ctsrate_error, self.bkg_ctsrate_error)

    @property
    def net_re_ctsrate(self):
        return self._minus(self.src_re_ctsrate, self.bkg_re_ctsrate)

    @property
    def net_re_ctsrate_error(self):
        return self._quad(self.src_re_ctsrate_error, self.bkg_re_ctsrate_error)

    @property
    def net_ctsspec(self):
        return self._minus(self.src_ctsspec, self.bkg_ctsspec)

    @property
    def net_ctsspec_error(self):
        return self._quad(self.src_ctsspec_error, self.bkg_ctsspec_error)

    @property
    def net_re_ctsspec(self):
        return self._minus(self.src_re_ctsspec, self.bkg_re_ctsspec)

    @property
    def net_re_ctsspec_error(self):
        return self._quad(self.src_re_ctsspec_error, self.bkg_re_ctsspec_error)

    # ------------------------------------------------------------------ upper limit
    def net_counts_upperlimit(self, cl=0.9):
        """Bayesian upper limit on the net source counts (Kraft, Burrows & Nousek 1991).

        ``N = sum(src_counts)`` over noticed groups and the expected background
        ``B = sum(alpha * bkg_counts)`` (0 without background); see
        `bayspec.data.upperlimit.kbn_upper_limit`.
        """
        n = float(self.src_counts.sum())
        b = 0.0 if self.bkg_ins is None else float(np.sum(self.alpha * self.bkg_counts))
        return kbn_upper_limit(max(n, 0.0), max(b, 0.0), cl)

    # ------------------------------------------------------------------ deconvolved spectra
    def _cts_to_pht(self, re=False):
        """Per group: model photon flux integrated over the group's energy range divided by
        the model's folded count rate in the group (the unit's fold, with ``rf``); the group
        widths cancel, so this is N(E)/C(E) of formulas.md."""
        model = self.fit_with
        fold = self.fold(model)
        chbin = self.rsp_re_chbin if re else self.rsp_chbin
        drm = (self.rsp_re_drm if re else self.rsp_drm)[fold.keep] * self.rsp_ins.factor.value
        pht = np.asarray(model.integrate(chbin), dtype=np.float64).reshape(-1, chbin.shape[0])[0]
        v = model.node_values(fold.plan, model.resolve())
        rate = fold.photon_flux(v)[0] @ drm
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(rate != 0, pht / rate, np.nan)

    def _deconv(self, kind, re, err):
        ratio = self._cts_to_pht(re)
        name = f"net{'_re' if re else ''}_ctsspec{'_error' if err else ''}"
        y = getattr(self, name) * ratio
        e = self.rsp_re_chbin_mean if re else self.rsp_chbin_mean
        if kind == "flx":
            y = y * e
        elif kind == "erg":
            y = y * e * e * KEV_TO_ERG
        return y

    deconv_phtspec = property(lambda self: self._deconv("pht", False, False),
                              doc="net_ctsspec × cts_to_pht (photons cm⁻² s⁻¹ keV⁻¹).")
    deconv_re_phtspec = property(lambda self: self._deconv("pht", True, False))
    deconv_phtspec_error = property(lambda self: self._deconv("pht", False, True))
    deconv_re_phtspec_error = property(lambda self: self._deconv("pht", True, True))
    deconv_flxspec = property(lambda self: self._deconv("flx", False, False),
                              doc="deconv_phtspec × E (keV cm⁻² s⁻¹ keV⁻¹).")
    deconv_re_flxspec = property(lambda self: self._deconv("flx", True, False))
    deconv_flxspec_error = property(lambda self: self._deconv("flx", False, True))
    deconv_re_flxspec_error = property(lambda self: self._deconv("flx", True, True))
    deconv_ergspec = property(lambda self: self._deconv("erg", False, False),
                              doc="deconv_phtspec × E² in erg cm⁻² s⁻¹ (νFν).")
    deconv_re_ergspec = property(lambda self: self._deconv("erg", True, False))
    deconv_ergspec_error = property(lambda self: self._deconv("erg", False, True))
    deconv_re_ergspec_error = property(lambda self: self._deconv("erg", True, True))

