"""Position-dependent responses (Fermi/GBM "BALROG"-style).

A `BalrogResponse` asks a *provider* for its matrix at the current values of its ``ra`` and
``dec`` `Par`\\ s (deg). Any object satisfying `ResponseProvider` works (e.g. a wrapper
around ``gbm_drm_gen``); `InterpolatedProvider` is a small self-contained provider that
interpolates between matrices stored at a few sky positions.

Kernel note: ``rsp.state`` changes with ``(ra, dec)``; a kernel that precomputes
``W @ rsp_drm`` must recompute it when ``ra``/``dec`` are free.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import DataFormatError
from ._par import as_par, scale_factor
from .response import Response

__all__ = ["ResponseProvider", "BalrogResponse", "InterpolatedProvider"]


@runtime_checkable
class ResponseProvider(Protocol):
    """What a `BalrogResponse` needs from its provider.

    Attributes
    ----------
    ebounds : ndarray (nchan + 1,)
        Channel energy edges (keV).
    monte_carlo_energies : ndarray (nphot + 1,)
        Photon energy edges (keV).

    Methods
    -------
    matrix(ra, dec) -> ndarray (nphot, nchan)
        Response (cm² counts/photon) for a source at (ra, dec) in degrees.
    """

    ebounds: np.ndarray
    monte_carlo_energies: np.ndarray

    def matrix(self, ra: float, dec: float) -> np.ndarray: ...


def _edges_to_bins(edges):
    e = np.asarray(edges, dtype=np.float64).ravel()
    return np.column_stack([e[:-1], e[1:]])


class BalrogResponse(Response):
    """Response computed at the sky position given by the ``ra``/``dec`` `Par`\\ s.

    Parameters
    ----------
    balrog_drm : ResponseProvider
        Provides ``ebounds``, ``monte_carlo_energies`` and ``matrix(ra, dec)``.
    ra, dec : Par or float, optional
        Position (deg); floats become free Pars with priors Uniform(0, 360) and
        Uniform(-90, 90). Default (180, 0).
    factor : Par or float, optional
        Response scale factor ``rf``.

    The file factories of `Response` are disabled (the matrix comes from the provider).
    """

    methods_to_disable = ("from_rsp", "from_rsp2", "from_plain", "from_rmf_arf")
    disabled_hint = ("its matrix comes from a provider; build it as "
                     "BalrogResponse(provider, ra=..., dec=...)")

    def __init__(self, balrog_drm, ra=None, dec=None, factor=None, *, name=None):
        if not isinstance(balrog_drm, ResponseProvider):
            raise DataFormatError("the provider must have ebounds, monte_carlo_energies and "
                                  f"matrix(ra, dec); got {type(balrog_drm).__name__}",
                                  key="balrog_drm")
        self._provider = balrog_drm
        self._name = name
        self._file = None
        self._hdu = None
        self.extver = None
        self._chbin = _edges_to_bins(balrog_drm.ebounds)
        self._phbin = _edges_to_bins(balrog_drm.monte_carlo_energies)
        self._ra = as_par(180.0 if ra is None else ra, "ra", 0.0, 360.0, unit="deg", frozen=True)
        self._dec = as_par(0.0 if dec is None else dec, "dec", -90.0, 90.0, unit="deg", frozen=True)
        self._factor = scale_factor("rf", factor)
        self._cache_key = None
        self._cache = None

    @property
    def balrog_drm(self):
        """The provider."""
        return self._provider

    @property
    def ra(self):
        return self._ra

    @property
    def dec(self):
        return self._dec

    @property
    def state(self):
        return (float(self._ra.value), float(self._dec.value))

    @property
    def drm(self):
        """Matrix ``(nphot, nchan)`` at the current (ra, dec); NaNs become 0. Cached per position."""
        key = self.state
        if key != self._cache_key:
            m = np.asarray(self._provider.matrix(*key), dtype=np.float64)
            if m.shape != (self.nphot, self.nchan):
                raise DataFormatError(f"provider matrix has shape {m.shape}, expected "
                                      f"({self.nphot}, {self.nchan})", key="balrog_drm")
            self._cache = np.nan_to_num(m, nan=0.0, posinf=0.0, neginf=0.0)
            self._cache_key = key
        return self._cache

    @property
    def name(self):
        return self._name or "balrog"

    @name.setter
    def name(self, value):
        self._name = value


class InterpolatedProvider:
    """Provider interpolating matrices stored at sky positions.

    The matrix at (ra, dec) is the inverse-square-angular-distance weighted mean of the
    stored matrices (exact at a stored position).

    Parameters
    ----------
    ebounds : (nchan + 1,) keV
    monte_carlo_energies : (nphot + 1,) keV
    positions : (k, 2) deg, (ra, dec) of the stored matrices
    matrices : (k, nphot, nchan)
    """

    def __init__(self, ebounds, monte_carlo_energies, positions, matrices):
        self.ebounds = np.asarray(ebounds, dtype=np.float64)
        self.monte_carlo_energies = np.asarray(monte_carlo_energies, dtype=np.float64)
        self.positions = np.atleast_2d(np.asarray(positions, dtype=np.float64))
        self.matrices = np.asarray(matrices, dtype=np.float64)
        k = self.positions.shape[0]
        shape = (k, self.monte_carlo_energies.size - 1, self.ebounds.size - 1)
        if self.matrices.shape != shape:
            raise DataFormatError(f"matrices have shape {self.matrices.shape}, expected {shape}",
                                  key="matrices")

    def _unit(self, ra, dec):
        ra, dec = np.radians(ra), np.radians(dec)
        return np.stack([np.cos(dec) * np.cos(ra), np.cos(dec) * np.sin(ra), np.sin(dec)], -1)

    def matrix(self, ra, dec):
        v = self._unit(ra, dec)
        p = self._unit(self.positions[:, 0], self.positions[:, 1])
        ang = np.arccos(np.clip(p @ v, -1.0, 1.0))
        if np.any(ang < 1e-12):
            return self.matrices[int(np.argmin(ang))].copy()
        w = 1.0 / ang**2
        return np.tensordot(w / w.sum(), self.matrices, axes=1)
