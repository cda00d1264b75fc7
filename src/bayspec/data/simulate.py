"""Simulated spectra from a unit's bound model (gammapy's ``fake``).

``fake(unit, random_state)`` replaces the unit's counts **in place** (the spectrum-dataset
spec: "this method overwrites the counts defined on the dataset object"; files on disk are
never touched) and bumps its selection version so folds and kernels rebuild;
``faked_copy(unit, random_state)`` returns a **new** unit instead and leaves ``unit`` as it
is. The counts are drawn from the current prediction:

* source counts ``~ Poisson(npred)`` per channel, where ``npred = npred_signal +
  npred_background`` (`bayspec.data.predict`);
* background counts, in background-spectrum units, around ``npred_background / alpha``
  (the profiled background for wstat/cstat/pgstat, the observed ``B`` for pstat/chi2):
  ``~ Poisson`` for Poisson backgrounds; ``~ Normal(mean, sigma_B)`` for Gaussian
  backgrounds (STAT_ERR, pgstat/chi2), **clipped at 0** (a small upward bias where
  ``mean ≲ 2 sigma_B``); the STAT_ERR column is kept.

Predictions are per noticed *group*; a group's expectation is shared among its channels in
proportion to the model's folded flux per channel (signal) and to ``alpha_c B_c``
(background; equal shares when those are 0), so the faked group sums follow exactly
``Poisson(npred)``. Channels outside the noticed groups keep their observed counts. A
source with STAT_ERR keeps its errors. A grouping *policy* (``grpg`` dict) is frozen to
the original groups (GROUPING flags), so the faked unit has the same groups. The faked
unit is bound to the same model.

``fake_counts(unit, n, random_state)`` draws ``n`` spectra at once at the group level
(vectorised), for Monte-Carlo studies.
"""

from __future__ import annotations

import copy

import numpy as np

from .predict import npred_signal

__all__ = ["fake", "faked_copy", "fake_counts"]


def _rng(random_state):
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    return np.random.default_rng(random_state)


def _expectations(unit):
    """``(signal, background_src_region, bkg_expected_in_bkg_spectrum or None)`` per group."""
    fold = unit.fold()
    s = npred_signal(unit)
    g = fold.background(s)
    if unit.bkg_ins is None:
        return s, g, None
    return s, g, g / fold.alpha()


def _draw_bkg(unit, mean, sigma, rng, size=None):
    if unit.bkg_ins.poisson:
        return rng.poisson(mean, size=size).astype(np.float64)
    return np.maximum(rng.normal(mean, sigma, size=size), 0.0)


def fake_counts(unit, n=1, random_state=None):
    """Draw ``n`` faked spectra per noticed group.

    Returns
    -------
    src : ndarray (n, npoint)
        Source-region counts ``~ Poisson(npred)``.
    bkg : ndarray (n, npoint) or None
        Background-spectrum counts (Poisson, or Normal clipped at 0 for Gaussian
        backgrounds); None without background.
    """
    rng = _rng(random_state)
    s, g, bmean = _expectations(unit)
    src = rng.poisson(s + g, size=(n, s.size)).astype(np.float64)
    bkg = None if bmean is None else _draw_bkg(unit, bmean, unit.bkg_errors, rng,
                                               size=(n, s.size))
    return src, bkg


def _shares(grouping, weights):
    """Per kept channel, its share of its group's total of ``weights`` (equal if 0)."""
    w = np.asarray(weights, dtype=np.float64)[grouping.index]
    tot = np.add.reduceat(w, grouping.starts)
    gid = np.repeat(np.arange(grouping.ngroup), grouping.sizes)
    eq = 1.0 / grouping.sizes[gid]
    with np.errstate(divide="ignore", invalid="ignore"):
        return gid, np.where(tot[gid] > 0, w / np.where(tot[gid] > 0, tot[gid], 1.0), eq)


def _frozen_flags(unit):
    g = unit.grouping
    flags = np.ones(unit.src_ins.nchan, dtype=np.int64)
    flags[g.index] = -1
    flags[g.index[g.starts]] = 1
    return flags


def _respectrum(s, counts, grouping, name):
    return type(s)(counts, None if s.poisson else s.errors.copy(), s.exposure,
                   quality=s.quality.copy(), grouping=grouping, backscale=s.backscale,
                   factor=copy.deepcopy(s.factor), areascal=s.areascal, sys_errors=s.sys_errors,
                   name=name, header=s.header, tstart=s.tstart, tstop=s.tstop,
                   channel=s.channel)


def _draw(unit, random_state):
    """``(source counts, background counts or None)`` per channel, drawn as described in
    the module docstring."""
    rng = _rng(random_state)
    s, g, bmean = _expectations(unit)
    grp = unit.grouping
    model = unit.fit_with
    fold = unit.fold()
    v = model.node_values(fold.plan, model.resolve())
    folded = fold.photon_flux(v)[0] @ unit.rsp_ins.drm[fold.keep]
    gid, w_sig = _shares(grp, np.maximum(folded, 0.0))
    src_counts = unit.src_ins.counts.copy()
    bkg_counts = None
    if bmean is None:
        mu = s[gid] * w_sig
    else:
        alpha_ch = (unit._src_eff_ch() / (unit._bkg_eff_ch() * unit.bkg_ins.factor.value))
        _, w_bkg = _shares(grp, np.maximum(alpha_ch * unit.bkg_ins.counts, 0.0))
        gch = g[gid] * w_bkg
        mu = s[gid] * w_sig + gch
        bkg_counts = unit.bkg_ins.counts.copy()
        bkg_counts[grp.index] = _draw_bkg(unit, gch / alpha_ch[grp.index],
                                          unit.bkg_ins.errors[grp.index], rng)
    src_counts[grp.index] = rng.poisson(mu).astype(np.float64)
    return src_counts, bkg_counts


def fake(unit, random_state=None):
    """Replace the counts of ``unit`` (and of its background) by a simulation, in place.

    The spectra's count arrays are overwritten and `DataUnit.refresh` bumps the selection
    version, so cached views, folds and likelihood kernels see the new counts. The grouping
    policy stays as it is (a ``grpg`` policy is re-applied to the new counts).

    Parameters
    ----------
    unit : DataUnit
        With a bound model (`ModelNotBoundError` otherwise).
    random_state : None, int, numpy Generator or RandomState

    Returns
    -------
    None
    """
    src_counts, bkg_counts = _draw(unit, random_state)
    _overwrite(unit.src_ins, src_counts)
    if bkg_counts is not None:
        _overwrite(unit.bkg_ins, bkg_counts)
    unit.refresh()


def _overwrite(spectrum, counts):
    arr = spectrum.counts
    if not arr.flags.writeable:
        arr.setflags(write=True)
    arr[...] = counts


def faked_copy(unit, random_state=None):
    """A faked copy of ``unit`` (see module docstring); ``unit`` is not modified.

    Parameters
    ----------
    unit : DataUnit
        With a bound model (`ModelNotBoundError` otherwise).
    random_state : None, int, numpy Generator or RandomState

    Returns
    -------
    DataUnit
    """
    src_counts, bkg_counts = _draw(unit, random_state)
    model = unit.fit_with
    policy = isinstance(unit.grpg, dict)
    flags = _frozen_flags(unit) if policy else unit.src_ins.grouping.copy()
    name = unit.name
    src = _respectrum(unit.src_ins, src_counts, flags, name)
    bkg = False if bkg_counts is None else \
        _respectrum(unit.bkg_ins, bkg_counts, unit.bkg_ins.grouping.copy(), f"{name}_bkg")
    rsp = copy.deepcopy(unit.rsp_ins)
    out = type(unit)(src, bkg=bkg, rsp=rsp, stat=unit.stat, notc=unit.notc,
                     grpg=None if policy else unit.grpg, rebn=unit.rebn, time=unit.time,
                     weight=unit.weight, name=name)
    out.fit_with = model
    return out
