"""Redshift convolution ``zshift``."""

from __future__ import annotations

from ...parameter import Uniform
from ..component import Convolution, ParSpec

__all__ = ["ZShift"]


class ZShift(Convolution):
    """Shift a rest-frame model to the observer frame (like XSPEC ``zashift``)::

        N_obs(E) = N_rest(E (1 + z))

    The (1 + z) of energy compression and 1/(1 + z) of time dilation cancel in the photon
    rate density; distance factors are absorbed in the normalisations. Exact plans stay
    exact: ∫ N_obs dE = [F(E₂(1+z)) − F(E₁(1+z))] / (1 + z). Use: ``zshift(cpl())``.

    Parameters
    ----------
    z : redshift; Uniform(0, 20), frozen at 0 by default.
    """

    default_name = "zshift"
    parameters = (ParSpec("z", 0.0, Uniform(0.0, 20.0), "", r"$z$", frozen=True),)

    def convolve(self, inner, E, z):
        return inner(E * (1.0 + z))

    def convolve_antiderivative(self, inner_F, E, z):
        return inner_F(E * (1.0 + z)) / (1.0 + z)

    def convolve_grad(self, inner, E, z):
        """The inner model's derivatives at the shifted energies; z's is left to numerical
        differences."""
        v, g, u = inner(E * (1.0 + z))
        return v, g, u | {(id(self), 0)}

    def convolve_antiderivative_grad(self, inner_F, E, z):
        v, g, u = inner_F(E * (1.0 + z))
        c = 1.0 / (1.0 + z)
        return v * c, {k: d * c for k, d in g.items()}, u | {(id(self), 0)}
