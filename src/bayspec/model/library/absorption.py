"""Photoelectric absorption ``tbabs``, ``phabs`` and ``wabs`` from tabulated cross-sections.

Each is the multiplicative factor ``M(E) = exp(-nH sigma(E))`` of a column of cold gas, where
``sigma(E)`` is the photoelectric cross-section per hydrogen atom of XSPEC's model of the
same name for a given abundance table. The cross-sections are read from the tables bundled in
``bayspec/_bundled/xsect/`` (see the README there for their provenance): 10 000 energies,
logarithmically spaced from 0.1 to 20 keV, sigma in units of 1e-22 cm^2.

Interpolation and extrapolation
-------------------------------
Between table nodes ``ln sigma`` is interpolated linearly in ``ln E`` (a local power law;
exact at the nodes). Outside 0.1-20 keV ``ln sigma`` continues as a straight line in
``ln E`` from the end node, with the least-squares slope of the outermost 10 % of the table
(in ln E: 0.1-0.17 keV and 11.8-20 keV; -2.70 to -2.85 and -2.86 to -3.00 for these
tables). The slope of
the very last table segment is not used: the tables are stored in single precision and their
last segments are not representative (the final segment's slope at 20 keV is -1.7 to -2.2
where the 10 % fit gives -2.9). Below 0.1 keV the real cross-sections have edges this
power law does not know about; there any column above ~1e20 cm^-2 absorbs nearly
everything anyway (tau > 6).
Very large extrapolated cross-sections (E -> 0) are capped at ``exp(600)`` so that
``nH = 0`` still gives ``M = 1`` exactly.
"""

from __future__ import annotations

import threading

import numpy as np

from ...errors import BayspecError, ModelError
from ...parameter import Uniform
from ..component import Multiplicative, ParSpec
from ._numerics import EXP_FLOOR, _safe_exp

__all__ = ["TBabs", "PhAbs", "WAbs", "ABUNDANCES", "cross_section"]

#: Abundance tables available for each model (the first is the default, XSPEC's ``angr``).
ABUNDANCES: dict[str, tuple] = {
    "tbabs": ("angr", "aspl", "wilm"),
    "phabs": ("angr", "aspl"),
    "wabs": ("angr",),
}

#: Fraction of the table (by node count, i.e. by ln E) used for the extrapolation slopes.
EDGE_FRACTION = 0.1
#: Cap on ln sigma (sigma in 1e-22 cm^2) for extrapolations towards E -> 0.
_LN_SIGMA_MAX = 600.0
#: Energies are floored here before taking logs (E = 0 occurs as a response's first edge).
_E_TINY = 1e-300

_TABLES: dict = {}
_LOCK = threading.Lock()


def _abund_error(model: str, abund) -> ModelError:
    return ModelError(f"{model}: unknown abundance table {abund!r}; available: "
                      f"{', '.join(ABUNDANCES[model])}", key="abund")


def _load(model: str, abund: str):
    """``(lnE, lnS, slope_lo, slope_hi)`` for one table, read once and cached."""
    key = (model, abund)
    tab = _TABLES.get(key)
    if tab is not None:
        return tab
    if abund not in ABUNDANCES.get(model, ()):
        raise _abund_error(model, abund)
    from astropy.io import fits

    from ...examples import bundled_path

    try:
        path = bundled_path("xsect", f"xsect_{model}_{abund}.fits")
        with fits.open(path, memmap=False) as hdul:
            data = hdul[model.upper()].data
            energy = np.array(data["ENERGY"], dtype=np.float64)
            sigma = np.array(data["SIGMA"], dtype=np.float64)
    except (OSError, KeyError, BayspecError) as exc:
        raise ModelError(f"{model}: cannot read the {abund} cross-section table: {exc}") from exc
    if energy.size < 20 or np.any(np.diff(energy) <= 0) or np.any(sigma <= 0) or not np.all(np.isfinite(sigma)):
        raise ModelError(f"{model}: the {abund} cross-section table is malformed (energies must increase, "
                         f"sigma must be positive and finite)")
    lnE, lnS = np.log(energy), np.log(sigma)
    k = max(2, int(round(EDGE_FRACTION * lnE.size)))
    slope_lo = float(np.polyfit(lnE[:k], lnS[:k], 1)[0])
    slope_hi = float(np.polyfit(lnE[-k:], lnS[-k:], 1)[0])
    for a in (lnE, lnS):
        a.setflags(write=False)
    tab = (lnE, lnS, slope_lo, slope_hi)
    with _LOCK:
        _TABLES.setdefault(key, tab)
    return _TABLES[key]


def cross_section(model: str, abund: str, E) -> np.ndarray:
    """Photoelectric cross-section per H atom, units of 1e-22 cm^2, at energies ``E`` (keV).

    Parameters
    ----------
    model : {"tbabs", "phabs", "wabs"}
    abund : str
        One of ``ABUNDANCES[model]``.
    E : array_like
        Energies in keV, any shape (vectorised; no loop over energies).

    Returns
    -------
    numpy.ndarray
        sigma(E) with the shape of ``E``: ``exp`` of ``ln sigma`` interpolated linearly in
        ``ln E``, extrapolated outside the table as described in the module docstring.
    """
    if model not in ABUNDANCES:
        raise ModelError(f"unknown absorption model {model!r}; known: {', '.join(ABUNDANCES)}")
    lnE, lnS, s_lo, s_hi = _load(model, abund)
    x = np.log(np.maximum(np.asarray(E, dtype=float), _E_TINY))
    y = np.interp(x, lnE, lnS)  # clamps to the end values outside the table
    y += s_lo * np.minimum(x - lnE[0], 0.0) + s_hi * np.maximum(x - lnE[-1], 0.0)
    return np.exp(np.minimum(y, _LN_SIGMA_MAX))


class _Absorption(Multiplicative):
    """Common code of the tabulated absorbers (not registered)."""

    parameters = (
        ParSpec("nH", 0.1, Uniform(0.0, 100.0), "1e22 cm^-2", r"$N_\mathrm{H}$"),
    )
    default_settings = {"abund": "angr"}

    def __init__(self, name: str | None = None, abund: str | None = None, **values):
        super().__init__(name, **values)
        self.settings["abund"] = self._checked_abund("angr" if abund is None else abund)
        self._cache = None  # (E, abund, sigma) for the last 1-D node array

    def _checked_abund(self, abund) -> str:
        model = self.default_name
        key = abund.lower() if isinstance(abund, str) else abund
        if key not in ABUNDANCES[model]:
            raise _abund_error(model, abund)
        return key

    @property
    def abundances(self) -> tuple:
        """The abundance tables this model accepts."""
        return ABUNDANCES[self.default_name]

    def sigma(self, E) -> np.ndarray:
        """sigma(E), units of 1e-22 cm^2, for the current ``settings["abund"]``.

        The result for a 1-D node array is kept while the same array object is passed again
        (the kernel evaluates on one plan's nodes many times); a new array is recomputed.
        """
        abund = self._checked_abund(self.settings["abund"])
        c = self._cache
        if c is not None and c[0] is E and c[1] == abund:
            return c[2]
        s = cross_section(self.default_name, abund, E)
        if isinstance(E, np.ndarray) and E.ndim == 1:
            s.setflags(write=False)
            self._cache = (E, abund, s)
        return s

    def evaluate(self, E, nH):
        return _safe_exp(-(nH * self.sigma(E)))

    def evaluate_grad(self, E, nH):
        """M(E) and ``(∂M/∂nH,) = (−sigma M,)``, with the same interpolated sigma as the
        value (0 where the optical depth passes the ``_safe_exp`` floor)."""
        s = self.sigma(E)
        y = -(nH * s)
        M = _safe_exp(y)
        return M, (np.where(y > EXP_FLOOR, -s * M, 0.0),)

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None
        return state


_DOC_COMMON = """
    ``M(E) = exp(-nH sigma(E))`` (dimensionless), E in keV, with sigma(E) the photoelectric
    cross-section per hydrogen atom in units of 1e-22 cm^2, so that ``nH sigma`` is the optical
    depth for nH in 1e22 cm^-2. sigma is tabulated at 10 000 energies in 0.1-20 keV (computed
    with XSPEC); ``ln sigma`` is interpolated linearly in ``ln E`` and, outside the table,
    extrapolated with the least-squares log-log slope of the outermost 10 % of the table
    (see ``bayspec.model.library.absorption``). The model redshift, if any, places the
    absorber in the source frame.

    Parameters
    ----------
    nH : equivalent hydrogen column, 1e22 cm^-2; default 0.1, prior Uniform(0, 100).
        The flat prior includes nH = 0 (no absorption) and is fitted in linear coordinates,
        so a column compatible with zero gets a finite error instead of running down a
        logarithmic axis; assign ``model["nH"].prior = LogUniform(1e-4, 1e3)`` for a
        scale-invariant prior instead.

    Settings
    --------
    abund : abundance table, {abund_list}; default ``"angr"``
        (XSPEC's default). Unknown names raise ``ModelError`` listing the available ones.
        Pass it at construction (``{name}(abund="{last}")``) or set ``settings["abund"]``.
"""

_REF_ABUND = """
    Anders, E. & Grevesse, N. 1989, Geochim. Cosmochim. Acta 53, 197 (``angr``).
    Asplund, M., Grevesse, N., Sauval, A. J. & Scott, P. 2009, ARA&A 47, 481 (``aspl``)."""


class TBabs(_Absorption):
    __doc__ = ("""Tuebingen-Boulder ISM absorption (XSPEC ``tbabs``): gas, grains and H2.
""" + _DOC_COMMON.format(abund_list='"angr", "aspl" or "wilm"', name="tbabs", last="wilm") + """
    Wilms et al. recommend their own abundances with this model (``tbabs(abund="wilm")``,
    XSPEC's ``abund wilm``); the default stays ``angr`` to match XSPEC's default.

    References
    ----------
    Wilms, J., Allen, A. & McCray, R. 2000, ApJ 542, 914 (model and ``wilm`` abundances)."""
               + _REF_ABUND + "\n    ")

    default_name = "tbabs"


class PhAbs(_Absorption):
    __doc__ = ("""Photoelectric absorption, XSPEC ``phabs`` (Balucinska-Church & McCammon).
""" + _DOC_COMMON.format(abund_list='"angr" or "aspl"', name="phabs", last="aspl") + """
    References
    ----------
    Balucinska-Church, M. & McCammon, D. 1992, ApJ 400, 699 (cross-sections)."""
               + _REF_ABUND + "\n    ")

    default_name = "phabs"


class WAbs(_Absorption):
    __doc__ = ("""Wisconsin absorption (XSPEC ``wabs``), Morrison & McCammon cross-sections.
""" + _DOC_COMMON.format(abund_list='only "angr"', name="wabs", last="angr") + """
    The Morrison & McCammon cross-sections carry their own fixed abundances (XSPEC's
    ``wabs`` ignores the ``abund`` setting); the single table is labelled ``angr``.

    References
    ----------
    Morrison, R. & McCammon, D. 1983, ApJ 270, 119 (cross-sections and abundances).
    Anders, E. & Grevesse, N. 1989, Geochim. Cosmochim. Acta 53, 197 (``angr``).
    """)

    default_name = "wabs"
