"""``Posterior``: weighted posterior samples with summaries, a corner plot and HDF5 storage.

One class serves MCMC (equal weights) and nested sampling (importance weights, evidence).
Quantiles are *weighted* quantiles of the samples: the weighted empirical CDF evaluated at
the centres of the sample weights, interpolated linearly (for equal weights this is
numpy's ``"hazen"`` quantile, ``(i − 1/2) / N``; Hyndman & Fan 1996, definition 5).

References
----------
Hyndman, R. J. & Fan, Y. 1996, Am. Stat. 50, 361 (sample quantiles).
Kish, L. 1965, Survey Sampling (effective sample size ``1 / Σ w²`` of normalised weights).
Kitagawa, G. 1996, J. Comp. Graph. Stat. 5, 1 (systematic resampling).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .._atomic import atomic_path
from ..errors import ConfigError, StoreError

__all__ = ["Posterior", "weighted_quantile"]

_FORMAT = "bayspec.posterior"
_VERSION = 1


def weighted_quantile(x, q, weights=None):
    """Weighted quantiles of ``x (N,)`` at ``q`` (scalar or array in [0, 1])."""
    x = np.asarray(x, dtype=float)
    q = np.asarray(q, dtype=float)
    if np.any((q < 0) | (q > 1)):
        raise ConfigError(f"quantiles must lie in [0, 1], got {q}")
    order = np.argsort(x, kind="stable")
    xs = x[order]
    if weights is None:
        w = np.full(xs.size, 1.0 / xs.size)
    else:
        w = np.asarray(weights, dtype=float)[order]
        keep = w > 0
        xs, w = xs[keep], w[keep] / w[keep].sum()
    c = np.cumsum(w) - 0.5 * w
    return np.interp(q, c, xs)


def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return _jsonable(v.tolist())
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


class Posterior:
    """Samples of the free parameters of a fit, with weights and log densities.

    Parameters
    ----------
    names : list of str
        Free-parameter names, the column order of ``samples``.
    samples : array (N, p)
    weights : array (N,), optional
        Non-negative; normalised to sum to 1. Default: equal weights (MCMC).
    loglike, logprior : array (N,), optional
        ``ln L`` (``−stat / 2``) and ``ln π`` of each sample (NaN when unknown).
    logz, logz_err : float, optional
        Evidence ``ln Z`` and its 1σ error (nested sampling; None for MCMC).
    info : dict, optional
        Run information: ``method``, ``seed``, ``elapsed`` seconds, ``evals_per_second``,
        ``ess``; for emcee ``nwalkers``, ``nsteps``, ``burn``, ``thin``, ``acceptance``,
        ``autocorr`` (τ per parameter, steps), ``ess_per_parameter``. JSON-compatible.
    units, labels : list of str, optional
        Physical unit and LaTeX label of each parameter (for display and plots).

    Attributes
    ----------
    names, samples, weights, loglike, logprior, logz, logz_err, info, units, labels
    """

    def __init__(self, names, samples, weights=None, loglike=None, logprior=None, logz=None,
                 logz_err=None, info=None, units=None, labels=None):
        self.names = [str(n) for n in names]
        s = np.array(samples, dtype=float)
        if s.ndim == 1 and len(self.names) == 1:
            s = s[:, None]
        if s.ndim != 2 or s.shape[1] != len(self.names):
            raise ConfigError(f"samples must have shape (N, {len(self.names)}), got {np.shape(samples)}")
        n = s.shape[0]
        if n == 0:
            raise ConfigError("a posterior needs at least one sample")
        self.samples = s
        if weights is None:
            w = np.full(n, 1.0 / n)
        else:
            w = np.array(weights, dtype=float).ravel()
            if w.shape != (n,) or np.any(~np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
                raise ConfigError("weights must be N finite non-negative numbers with a positive sum")
            w = w / w.sum()
        self.weights = w
        self.loglike = self._column(loglike, n, "loglike")
        self.logprior = self._column(logprior, n, "logprior")
        self.logz = None if logz is None else float(logz)
        self.logz_err = None if logz_err is None else float(logz_err)
        self.info = _jsonable(dict(info or {}))
        self.units = self._strings(units, "units")
        self.labels = self._strings(labels, "labels")

    @staticmethod
    def _column(v, n, what):
        if v is None:
            return np.full(n, np.nan)
        a = np.array(v, dtype=float).ravel()
        if a.shape != (n,):
            raise ConfigError(f"{what} must have shape ({n},), got {np.shape(v)}")
        return a

    def _strings(self, v, what):
        if v is None:
            return [""] * len(self.names)
        v = ["" if x is None else str(x) for x in v]
        if len(v) != len(self.names):
            raise ConfigError(f"{what} must have {len(self.names)} entries, got {len(v)}")
        return v

    # ------------------------------------------------------------------ basics
    def __len__(self):
        return self.samples.shape[0]

    @property
    def method(self):
        return self.info.get("method")

    @property
    def logposterior(self):
        """``loglike + logprior`` per sample (unnormalised)."""
        return self.loglike + self.logprior

    @property
    def equal_weights(self) -> bool:
        return bool(np.all(self.weights == self.weights[0]))

    @property
    def ess(self) -> float:
        """Effective sample size: the sampler's (``info['ess']``), else Kish's ``1 / Σ w²``."""
        e = self.info.get("ess")
        if e is not None and np.isfinite(e):
            return float(e)
        return float(1.0 / np.sum(self.weights ** 2))

    def _index(self, name):
        try:
            return self.names.index(name)
        except ValueError:
            raise ConfigError(f"no parameter {name!r}; parameters: {', '.join(self.names)}",
                              key=name) from None

    def column(self, name):
        """Samples of parameter ``name``, ``(N,)``."""
        return self.samples[:, self._index(name)]

    # ------------------------------------------------------------------ statistics
    def quantile(self, q):
        """Weighted quantile(s) of every parameter.

        Returns ``(p,)`` for a scalar ``q`` and ``(len(q), p)`` for an array.
        """
        qa = np.asarray(q, dtype=float)
        out = np.stack([weighted_quantile(self.samples[:, j], qa, self.weights)
                        for j in range(len(self.names))], axis=-1)
        return out

    @property
    def median(self) -> dict:
        """``{name: weighted median}``."""
        return dict(zip(self.names, map(float, self.quantile(0.5))))

    @property
    def mean(self) -> dict:
        """``{name: weighted mean}``."""
        return dict(zip(self.names, map(float, self.weights @ self.samples)))

    @property
    def std(self) -> dict:
        """``{name: weighted standard deviation}``."""
        m = self.weights @ self.samples
        v = self.weights @ (self.samples - m) ** 2
        return dict(zip(self.names, map(float, np.sqrt(v))))

    @property
    def map(self) -> dict:
        """``{name: value}`` of the sample with the largest log posterior (NaN-safe)."""
        lp = self.logposterior
        if np.all(np.isnan(lp)):
            raise ConfigError("this posterior has no log densities; the MAP sample is unknown")
        k = int(np.nanargmax(lp))
        return dict(zip(self.names, map(float, self.samples[k])))

    def interval(self, name, cl=0.68):
        """Central credible interval ``(lo, hi)`` of ``name`` holding probability ``cl``
        (weighted quantiles ``(1 − cl)/2`` and ``(1 + cl)/2``; ``cl=0.68`` → 16/84 %)."""
        if not 0 < cl < 1:
            raise ConfigError(f"cl must lie in (0, 1), got {cl}", key="cl")
        j = self._index(name)
        lo, hi = weighted_quantile(self.samples[:, j], [(1 - cl) / 2, (1 + cl) / 2], self.weights)
        return float(lo), float(hi)

    def summary(self):
        """One row per free parameter: ``name, unit, mean, median, map, std, lo68, hi68,
        lo90, hi90`` (weighted 16/84 % and 5/95 % quantiles) as an astropy ``Table``."""
        from astropy.table import Table

        q = self.quantile([0.16, 0.5, 0.84, 0.05, 0.95])
        try:
            mp = [self.map[n] for n in self.names]
        except ConfigError:
            mp = [np.nan] * len(self.names)
        mean, std = self.mean, self.std
        t = Table()
        t["name"] = self.names
        t["unit"] = self.units
        t["mean"] = [mean[n] for n in self.names]
        t["median"] = q[1]
        t["map"] = mp
        t["std"] = [std[n] for n in self.names]
        t["lo68"], t["hi68"] = q[0], q[2]
        t["lo90"], t["hi90"] = q[3], q[4]
        for c in t.colnames[2:]:
            t[c].format = ".6g"
        t.meta["method"] = self.method
        if self.logz is not None:
            t.meta["logz"], t.meta["logz_err"] = self.logz, self.logz_err
        return t

    def equal_weight_samples(self, n=None, seed=None):
        """Equally weighted samples ``(n, p)``.

        Equal-weight posteriors are returned as they are (``n=None``) or subsampled without
        replacement; weighted ones are resampled systematically (Kitagawa 1996) to ``n``
        points (default: the Kish effective sample size).
        """
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        N = len(self)
        if self.equal_weights:
            if n is None:
                return self.samples.copy()
            idx = rng.choice(N, size=int(n), replace=int(n) > N)
            return self.samples[idx]
        if n is None:
            n = max(1, int(round(1.0 / np.sum(self.weights ** 2))))
        n = int(n)
        cdf = np.cumsum(self.weights)
        cdf[-1] = 1.0
        pos = (rng.random() + np.arange(n)) / n
        idx = np.searchsorted(cdf, pos, side="right")
        idx = np.minimum(idx, N - 1)
        return self.samples[rng.permutation(idx)]

    # ------------------------------------------------------------------ ArviZ
    def to_arviz(self, likelihood=None, *, nsamples=None, seed=None):
        """An ArviZ ``InferenceData``: posterior, pointwise log-likelihood, observed data.

        Parameters
        ----------
        likelihood : Likelihood, optional
            The kernel the samples belong to (``infer.likelihood``); it gives the pointwise
            log-likelihood ``−stat / 2`` of every noticed group of every unit
            (`Likelihood.stat_channels`) and the observed counts. Without it only the
            posterior group is filled.
        nsamples : int, optional
            Equally weighted draws to keep (weighted posteriors, e.g. nested sampling, are
            resampled systematically; see `equal_weight_samples`). Default: all samples
            of an equal-weight posterior, the Kish effective size of a weighted one.
        seed : int or numpy Generator, optional

        Returns
        -------
        arviz.InferenceData
            ``posterior`` (one chain; variables named as the parameters); when the
            likelihood is given, ``log_likelihood`` and ``observed_data`` (one variable
            ``counts`` over dimension ``group``, labelled ``"<unit>:<index>"``, the noticed
            groups of all units in the kernel's order) and ``sample_stats.lp`` (log posterior). PSIS-LOO and
            WAIC (``arviz.loo``, ``arviz.waic``) use the per-group log-likelihood, so the
            left-out "points" are the spectral groups (Vehtari, Gelman & Gabry 2017).

        Raises
        ------
        MissingDependencyError
            ArviZ is not installed (``pip install 'bayspec[arviz]'``).
        ConfigError
            The likelihood's free parameters are not the posterior's.
        """
        from .._optional import require

        az = require("arviz")
        if nsamples is None and self.equal_weights:
            draws = self.samples
        else:
            draws = self.equal_weight_samples(nsamples, seed=seed)
        post = {n: draws[None, :, j] for j, n in enumerate(self.names)}
        kw = {}
        if likelihood is not None:
            if list(likelihood.free_names) != self.names:
                raise ConfigError(f"the likelihood's free parameters {likelihood.free_names} are "
                                  f"not the posterior's {self.names}", key="likelihood")
            per = likelihood.stat_channels(draws)
            units = list(per)
            kw["log_likelihood"] = {"counts": -0.5 * np.concatenate([per[u] for u in units], axis=1)[None]}
            obs = {t.name: np.asarray(t.S, dtype=float) for t in likelihood._terms}
            kw["observed_data"] = {"counts": np.concatenate([obs[u] for u in units])}
            kw["dims"] = {"counts": ["group"]}
            kw["coords"] = {"group": [f"{u}:{i}" for u in units for i in range(per[u].shape[1])]}
            kw["sample_stats"] = {"lp": likelihood.logposterior(draws)[None]}
        return az.from_dict(posterior=post, **kw)

    # ------------------------------------------------------------------ plots
    def corner(self, fig=None, truths=None, **kw):
        """Corner plot (see `bayspec.infer._corner.corner_plot`); returns the Figure.

        ``truths`` is a ``{name: value}`` dict or a sequence in ``names`` order.
        """
        from ._corner import corner_plot

        if isinstance(truths, dict):
            truths = [truths.get(n) for n in self.names]
        return corner_plot(self.samples, self.weights, self.names, units=self.units,
                           labels=self.labels, truths=truths, fig=fig, **kw)

    # ------------------------------------------------------------------ storage
    def save(self, path, overwrite=False):
        """Write to HDF5 at ``path`` (atomically; `OverwriteError` if it exists unless
        ``overwrite``)."""
        import h5py

        str_dt = h5py.string_dtype("utf-8")
        with atomic_path(path, overwrite=overwrite) as tmp:
            with h5py.File(tmp, "w") as f:
                f.attrs["format"] = _FORMAT
                f.attrs["version"] = _VERSION
                f.attrs["info"] = json.dumps(self.info)
                if self.logz is not None:
                    f.attrs["logz"] = self.logz
                if self.logz_err is not None:
                    f.attrs["logz_err"] = self.logz_err
                f.create_dataset("names", data=np.array(self.names, dtype=object), dtype=str_dt)
                f.create_dataset("units", data=np.array(self.units, dtype=object), dtype=str_dt)
                f.create_dataset("labels", data=np.array(self.labels, dtype=object), dtype=str_dt)
                for key in ("samples", "weights", "loglike", "logprior"):
                    f.create_dataset(key, data=getattr(self, key))
        return Path(path)

    @classmethod
    def load(cls, path):
        """Read a posterior written by `save`."""
        import h5py

        try:
            f = h5py.File(path, "r")
        except (OSError, FileNotFoundError) as exc:
            raise StoreError(f"cannot open posterior file ({exc})", file=path) from exc
        with f:
            if f.attrs.get("format") != _FORMAT:
                raise StoreError("not a bayspec posterior file", file=path)
            if int(f.attrs.get("version", 0)) > _VERSION:
                raise StoreError(f"posterior format version {f.attrs['version']} is newer than "
                                 f"this bayspec reads ({_VERSION})", file=path)

            def strings(key):
                return [x.decode() if isinstance(x, bytes) else str(x) for x in f[key][()]]

            info = json.loads(f.attrs["info"])
            logz = float(f.attrs["logz"]) if "logz" in f.attrs else None
            logz_err = float(f.attrs["logz_err"]) if "logz_err" in f.attrs else None
            post = cls(strings("names"), f["samples"][()], loglike=f["loglike"][()],
                       logprior=f["logprior"][()], logz=logz, logz_err=logz_err, info=info,
                       units=strings("units"), labels=strings("labels"))
            post.weights = f["weights"][()]  # exactly as stored (already normalised)
        return post

    # ------------------------------------------------------------------ display
    def __repr__(self):
        from ._posterior_repr import posterior_text

        return posterior_text(self)

    def _repr_html_(self):
        from ._posterior_repr import posterior_html

        return posterior_html(self)

