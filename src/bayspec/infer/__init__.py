"""Inference: the likelihood kernel, maximum-likelihood fits, intervals, fluxes and posteriors.

Modules
-------
likelihood  ``Likelihood``: the batched statistic kernel.
pairs       ``as_pairs``/``as_units``: the one check of ``[(data, model), ...]``.
_params     ``ParameterSpace``: parameters by name, free/linked bookkeeping.
_transform  fit coordinates (log10 for scale parameters) and their Jacobians.
mle         ``fit_mle``: MIGRAD + HESSE (+ MINOS) with iminuit.
result      ``FitResult`` (values, errors, covariance, AIC/BIC, profile intervals, to_dict).
_repr       text / HTML presentation of a ``FitResult``.
intervals   profile-likelihood intervals and upper limits (Wilks 1938).
flux        band fluxes and model bands with propagated uncertainties.
infer       ``Infer``: binds models to data, manages parameters, fits and samples.
posterior   ``Posterior``: samples, weights, summary, corner, HDF5 save/load.
samplers    ``run_sampler``: emcee (batched walkers) and nested sampling (UltraNest, optional).
"""

from .compare import compare
from .flux import Flux, ModelBand
from .goodness import goodness, ppc_pvalue
from .infer import Infer
from .likelihood import Likelihood
from .many import fit_many
from .mle import fit_mle
from .pairs import as_pairs, as_units
from .posterior import Posterior
from .result import FitResult, ParDict
from .samplers import METHODS, MissingDependencyError, SamplerWarning, run_sampler

__all__ = ["Likelihood", "as_units", "as_pairs", "Infer", "FitResult", "ParDict", "fit_mle", "Flux", "ModelBand",
           "Posterior", "run_sampler", "METHODS", "SamplerWarning", "MissingDependencyError",
           "goodness", "ppc_pvalue", "compare", "fit_many"]
