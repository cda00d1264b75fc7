"""Thermal Comptonisation ``nthcomp`` (Zdziarski, Johnson & Magdziarz 1996, MNRAS 283, 193;
Życki, Done & Smith 1999, MNRAS 309, 561), written here from the physics they use.

The photon occupation number n(x) (x = E / m_e c²) of seed photons Comptonised in a thermal
cloud of electron temperature θ = kT_e / m_e c² obeys, in steady state, the Kompaneets
equation with an escape term and a source (Kompaneets 1957; Lightman & Zdziarski 1987,
ApJ 319, 643)::

    x⁻² d/dx [x⁴ (θ dn/dx + n)] − β n = −s(x)

where β is the escape rate per Thomson scattering time. Well below kT_e its solutions are
power laws n ∝ x^-(Γ+2) (photon index Γ) with β = θ (Γ + 2)(Γ − 1), which is how ZJM96
parametrise the model: by Γ and kT_e instead of the optical depth. The seed s(x) is a
blackbody of temperature kT_bb (``inp_type = 0``) or a disk blackbody with inner temperature
kT_bb (``inp_type = 1``), as photon number spectra s ∝ N_seed(x) / x².

Solved here in u = ln x on a uniform grid between x_min = 10⁻³ kT_bb / m_e c² and
x_max = 40 max(kT_e, kT_bb) / m_e c²: with n = e^(−x/θ) w the operator is self-adjoint,
d/du [θ x³ e^(−x/θ) w_u] − β x³ e^(−x/θ) w = −x³ s, and its conservative three-point
discretisation is an M-matrix (stable, positive), solved for the whole batch of parameter
vectors in one sparse tridiagonal solve. Boundary conditions: n' = (Γ − 1) n / x at x_min
(the solution regular at x → 0) and no photon flux, θ n' + n = 0, at x_max. The photon
spectrum is N(E) ∝ x² n(x), interpolated in ln N vs ln E.

Differences from XSPEC's ``nthcomp``: no relativistic corrections to the Kompaneets
operator (ZJM96 add them for kT_e ≳ 100 keV; use kT_e ≲ 50 keV for XSPEC-level agreement of
the cutoff shape), and ``norm`` is the photon flux density at 1 keV observer frame, as in
XSPEC.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

from ...parameter import LogUniform, Uniform
from ..component import Additive, ParSpec
from .diskbb import _G

__all__ = ["NthComp", "nthcomp_shape"]

_MEC2 = 510.99895  # keV (CODATA 2018)
_NGRID = 2000


def _seed(x, xbb, inp):
    """Seed occupation-number source s(x) (arbitrary scale): blackbody or disk blackbody."""
    a = x / xbb
    bb = 1.0 / np.expm1(np.minimum(a, 700.0))
    if np.all(inp < 0.5):
        return bb
    # disk blackbody photon spectrum ∝ x^(-2/3) G(x/xbb) (Mitsuda et al. 1984), over x²
    disk = a ** (-2.0 / 3.0) * _G(a) / (x * x)
    return np.where(inp < 0.5, bb, disk * (xbb * xbb))


def nthcomp_shape(E, Gamma, kTe, kTbb, inp_type=0.0):
    """Unnormalised photon spectrum x² n(x) at energies ``E`` (keV), batched.

    Parameters
    ----------
    E : ndarray (m,) or (n, m)
        Source-frame energies, keV.
    Gamma, kTe, kTbb, inp_type : float or (n, 1) arrays
        Photon index, electron and seed temperatures (keV), seed type (0 bb, 1 diskbb).

    Returns
    -------
    ndarray (n, m)
    """
    lx = np.log(np.maximum(np.atleast_2d(np.asarray(E, dtype=float)), 1e-300) / _MEC2)
    G, te, tb, inp, _ = np.broadcast_arrays(*(np.asarray(v, dtype=float).reshape(-1, 1)
                                              for v in (Gamma, kTe, kTbb, inp_type)), lx[:, :1])
    G, te, tb, inp = (np.ascontiguousarray(v) for v in (G, te, tb, inp))
    nrow = G.shape[0]
    lx = np.broadcast_to(lx, (nrow, lx.shape[1]))
    theta, xbb = te / _MEC2, tb / _MEC2
    beta = theta * (G + 2.0) * (G - 1.0)
    xmin = 1e-3 * xbb
    xmax = 40.0 * np.maximum(theta, xbb)
    u0, u1 = np.log(xmin), np.log(xmax)
    h = (u1 - u0) / (_NGRID - 1)
    u = u0 + h * np.arange(_NGRID)  # (n, N)
    x = np.exp(u)
    # With n = e^{-x/θ} w the equation is self-adjoint (Sturm-Liouville) in u = ln x:
    #   d/du [P w_u] − β x³ e^{-x/θ} w = −x³ s,   P = θ x³ e^{-x/θ}
    # The conservative three-point scheme gives an M-matrix (diagonally dominant, positive
    # solutions); rows are divided by x_i³ e^{-x_i/θ} to keep the numbers O(1).
    xm = np.exp(u[:, :-1] + 0.5 * h)  # midpoints
    up = theta * (xm / x[:, :-1]) ** 3 * np.exp(-(xm - x[:, :-1]) / theta) / h**2  # P_{i+1/2}, row i
    dn = theta * (xm / x[:, 1:]) ** 3 * np.exp((x[:, 1:] - xm) / theta) / h**2  # P_{i-1/2}, row i+1
    upper = np.zeros_like(x)
    lower = np.zeros_like(x)
    upper[:, :-1] = up
    lower[:, 1:] = dn
    diag = -(upper + lower) - beta
    rhs = -_seed(x, xbb, inp) * np.exp(np.minimum(x / theta, 700.0))
    # x_min: n_u = (Γ − 1) n, i.e. w_u = (Γ − 1 + x/θ) w
    c = G[:, 0] - 1.0 + x[:, 0] / theta[:, 0]
    diag[:, 0] = -1.0 - h[:, 0] * c
    upper[:, 0], lower[:, 0], rhs[:, 0] = 1.0, 0.0, 0.0
    # x_max: no photon flux through it, θ n' + n = 0, i.e. w_u = 0
    diag[:, -1], lower[:, -1], upper[:, -1], rhs[:, -1] = -1.0, 1.0, 0.0, 0.0
    N = _NGRID
    sub = lower[:, 1:]
    sup = upper[:, :-1]
    # rows are independent: no coupling across the block boundaries
    sub_flat = np.concatenate([sub, np.zeros((nrow, 1))], axis=1).ravel()[:-1]
    sup_flat = np.concatenate([sup, np.zeros((nrow, 1))], axis=1).ravel()[:-1]
    A = sparse.diags([sub_flat, diag.ravel(), sup_flat], [-1, 0, 1], format="csc")
    w = spsolve(A, rhs.ravel()).reshape(nrow, N)
    n = w * np.exp(-x / theta)
    lnN = np.log(np.maximum(x * x * n, 1e-300))
    # interpolate ln N at ln(E / m_e c²) per row on its uniform grid
    t = (lx - u0) / h
    i = np.clip(np.floor(t).astype(np.intp), 0, N - 2)
    f = t - i
    y0 = np.take_along_axis(lnN, i, axis=1)
    y1 = np.take_along_axis(lnN, i + 1, axis=1)
    out = np.exp(y0 + np.clip(f, 0.0, 1.0) * (y1 - y0))
    return np.where((t < 0) | (t > N - 1), 0.0, out)


class NthComp(Additive):
    """Thermally Comptonised continuum, XSPEC ``nthcomp`` (Zdziarski, Johnson & Magdziarz
    1996, MNRAS 283, 193; Życki, Done & Smith 1999, MNRAS 309, 561)::

        N(E) = norm S(E (1+z)) / S(1+z),   S(E) = x² n(x), x = E / m_e c²

    with n(x) the steady-state solution of the Kompaneets equation with escape rate
    β = θ (Γ + 2)(Γ − 1) and a blackbody (inp_type 0) or disk-blackbody (inp_type 1) seed of
    temperature kT_bb (see the module docstring for the equation, the numerical method and
    the differences from XSPEC). A power law of index Γ between kT_bb and kT_e, with a
    sharper-than-exponential cutoff near kT_e. [photons cm⁻² s⁻¹ keV⁻¹]

    Parameters
    ----------
    Gamma : asymptotic photon index; Uniform(1.001, 5), default 1.7.
    kT_e : electron temperature, keV; LogUniform(1, 1000), default 100.
    kT_bb : seed temperature, keV; LogUniform(1e-3, 10), frozen at 0.1.
    inp_type : 0 blackbody seed, 1 disk-blackbody seed; frozen at 0.
    Redshift : frozen at 0.
    norm : photons cm⁻² s⁻¹ keV⁻¹ at 1 keV; LogUniform(1e-10, 1e10).
    """

    default_name = "nthcomp"
    parameters = (
        ParSpec("Gamma", 1.7, Uniform(1.001, 5.0), "", r"$\Gamma$"),
        ParSpec("kT_e", 100.0, LogUniform(1.0, 1000.0), "keV", r"$kT_\mathrm{e}$"),
        ParSpec("kT_bb", 0.1, LogUniform(1e-3, 10.0), "keV", r"$kT_\mathrm{bb}$", frozen=True),
        ParSpec("inp_type", 0.0, Uniform(0.0, 1.0), "", frozen=True),
        ParSpec("Redshift", 0.0, Uniform(-0.999, 10.0), "", r"$z$", frozen=True),
        ParSpec("norm", 1.0, LogUniform(1e-10, 1e10), "ph cm^-2 s^-1 keV^-1 at 1 keV", r"$\mathrm{norm}$"),
    )

    def evaluate(self, E, Gamma, kT_e, kT_bb, inp_type, Redshift, norm):
        zf = (1.0 + np.asarray(Redshift, dtype=float)).reshape(-1, 1)
        Es = np.atleast_2d(np.asarray(E, dtype=float)) * zf
        ref = np.broadcast_to(zf, (Es.shape[0], 1))  # 1 keV observed, in the source frame
        S = nthcomp_shape(np.concatenate([Es, ref], axis=1), Gamma, kT_e, kT_bb, inp_type)
        return norm * (S[:, :-1] / S[:, -1:])
