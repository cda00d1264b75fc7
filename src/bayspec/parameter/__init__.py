"""Parameters and their priors.

Modules
-------
par         ``Par``: value, bounds, prior, frozen/linked state.
prior       ``Prior`` base class (logpdf, cdf, ppf, support, sample, mean).
uniform     ``Uniform(lo, hi)``.
loguniform  ``LogUniform(lo, hi)``.
normal      ``Normal(mu, sigma)``.
truncnormal ``TruncatedNormal(mu, sigma, lo, hi)``.
lognormal   ``LogNormal(mu, sigma)`` (normal in ln x).
improper    ``Improper(lo, hi)``: flat, unnormalised (the default without bounds).
spec        priors as ``[kind, *args]`` lists for configuration files.
settings    one grammar for a parameter's settings (value, prior, bounds, frozen, link):
            parse, apply to a ``Par``, write back.
"""

from .improper import Improper
from .lognormal import LogNormal
from .loguniform import LogUniform
from .normal import Normal
from .par import Par
from .prior import Prior
from .settings import SETTING_KEYS, ParSettings, apply_settings, parse_settings, settings_of
from .spec import PRIOR_KINDS, prior_from_spec, prior_to_spec
from .truncnormal import TruncatedNormal
from .uniform import Uniform

__all__ = ["Par", "Prior", "Uniform", "LogUniform", "Normal", "TruncatedNormal", "LogNormal", "Improper",
           "PRIOR_KINDS", "prior_to_spec", "prior_from_spec",
           "SETTING_KEYS", "ParSettings", "parse_settings", "apply_settings", "settings_of"]
