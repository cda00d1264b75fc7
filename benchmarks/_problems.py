"""Benchmark problems shared by the benchmark scripts.

``synthetic_unit``: a generated 2000 photon-bin × 1024 channel unit (dense Gaussian photopeak
plus a flat low-energy tail in every row), CPL source plus flat background, ``wstat``.
``gbm_pair``: the real Fermi/GBM GRB 090217A NaI n6 + BGO b1 units, ``pgstat``.
"""

from __future__ import annotations

import numpy as np

from bayspec.data import Background, DataUnit, Response, Source
from bayspec.examples import grb090217a


def synthetic_unit(nphot=2000, nchan=1024, seed=1):
    """A dense synthetic response and Poisson counts from a CPL with background."""
    rng = np.random.default_rng(seed)
    pe = np.geomspace(8.0, 2000.0, nphot + 1)
    ce = np.geomspace(10.0, 1000.0, nchan + 1)
    E = np.sqrt(pe[:-1] * pe[1:])[:, None]
    lo, hi = ce[:-1][None, :], ce[1:][None, :]
    sig = 0.08 * E * np.sqrt(100.0 / E)  # resolution ~ E^0.5
    from scipy.special import erf
    peak = 0.5 * (erf((hi - E) / (np.sqrt(2) * sig)) - erf((lo - E) / (np.sqrt(2) * sig)))
    area = 100.0 * np.exp(-E / 3000.0)  # cm^2
    tail = 0.15 * (hi - lo) / E * (lo < E)  # escape/Compton continuum below the peak
    drm = area * (0.85 * peak + tail + 1e-9)  # dense: no exact zeros
    rsp = Response(np.column_stack([lo[0], hi[0]]), np.column_stack([pe[:-1], pe[1:]]), drm)
    # truth: CPL K=0.5, alpha=-1, Ep=300 over 20 s, background 2 counts/s/channel-ish
    from bayspec.model import cpl
    m = cpl()
    m["K"].value, m["alpha"].value, m["Ep"].value = 0.5, -1.0, 300.0
    mu = (m.integrate(rsp.phbin)[0] @ drm) * 20.0
    b = np.full(nchan, 1.0)
    src = Source(rng.poisson(mu + b * 20.0), None, 20.0)
    bkg = Background(rng.poisson(b * 200.0), None, 200.0)
    unit = DataUnit(src=src, bkg=bkg, rsp=rsp, stat="wstat", name="synth")
    return unit, m


def gbm_pair():
    """GRB 090217A NaI n6 + BGO b1, pgstat, with the notice ranges of the demo."""
    units = []
    for det, notc in (("n6", [[8.0, 900.0]]), ("b1", [[250.0, 38000.0]])):
        f = grb090217a(det)
        units.append(DataUnit(src=f["src"], bkg=f["bkg"], rsp=f["rsp"], stat="pgstat",
                              notc=notc, name=det))
    return units
