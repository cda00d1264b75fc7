"""`Template`: the analysis applied to every spectrum of a batch.

A template is plain data (model expression, statistic, energy selection, grouping,
parameter settings, fit options) so that it pickles cheaply and travels to worker
processes or Dask workers as a dict; each worker builds its own model per spectrum.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from ..errors import ConfigError, ModelError
from ..parameter import apply_settings, parse_settings

__all__ = ["Template", "as_template"]

_METHODS = ("mle",)
_FIT_OPTIONS = {"n_starts": 256, "seed": 0, "strategy": 1, "tol": 0.1, "hesse": True}


@dataclass
class Template:
    """One analysis, applied unchanged to many spectra.

    Parameters
    ----------
    model : str
        Model expression for `bayspec.model.parse_model` (``"cpl"``, ``"band + bb"``).
    stat : str, optional
        Fit statistic; None: ``"pgstat"`` for spectra with a background, else ``"cstat"``.
    notc : None, [lo, hi] or list of [lo, hi]
        Noticed energy ranges (keV), as for `DataUnit`.
    grpg : None, "none" or dict
        Grouping, as for `DataUnit`.
    method : {"mle"}
        Fit method (maximum likelihood with iminuit).
    params : dict
        Parameter settings by name (``"cpl.Ep"``, or ``"Ep"`` for a one-component model), in
        the grammar of `bayspec.parameter.settings` shared with ``bayspec fit`` and saved
        analyses: a start value, ``"free"``/``"frozen"``, or a dict with any of ``value``,
        ``prior`` (``[kind, *args]``), ``bounds`` (hard limits; the prior is kept, truncated),
        ``frozen`` and ``link`` (another parameter's name).
    fit : dict
        Fit options: ``n_starts`` (prior draws evaluated in one batched kernel call to pick
        the start, default 256), ``seed`` (0), ``strategy`` (iminuit, 1), ``tol`` (0.1),
        ``hesse`` (True).
    """

    model: str = "cpl"
    stat: str | None = None
    notc: object = None
    grpg: object = None
    method: str = "mle"
    params: dict = field(default_factory=dict)
    fit: dict = field(default_factory=dict)

    def __post_init__(self):
        if not isinstance(self.model, str) or not self.model.strip():
            raise ConfigError("template model must be a non-empty expression", key="model")
        if self.method not in _METHODS:
            raise ConfigError(f"unknown method {self.method!r}; batch supports "
                              f"{', '.join(_METHODS)}", key="method")
        if not isinstance(self.params, dict):
            raise ConfigError("params must be a mapping name -> value or settings",
                              key="params")
        for name, entry in self.params.items():  # check the grammar before any worker starts
            parse_settings(entry, key=f"params.{name}")
        unknown = set(self.fit) - set(_FIT_OPTIONS)
        if unknown:
            raise ConfigError(f"unknown fit option(s) {sorted(unknown)}; known: "
                              f"{sorted(_FIT_OPTIONS)}", key="fit")
        self.fit = {**_FIT_OPTIONS, **self.fit}

    @classmethod
    def from_dict(cls, d: dict) -> Template:
        """A template from a mapping (e.g. the ``template:`` block of a YAML config)."""
        if not isinstance(d, dict):
            raise ConfigError(f"template must be a mapping, got {type(d).__name__}",
                              key="template")
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise ConfigError(f"unknown template key(s) {sorted(unknown)}; known: "
                              f"{sorted(known)}", key="template")
        return cls(**d)

    def to_dict(self) -> dict:
        """Plain-data form (what is sent to the workers)."""
        return asdict(self)

    def hash(self) -> str:
        """SHA-256 (hex) of the template's canonical JSON form (keys sorted).

        Stored with every batch record (``extra["template_hash"]``): a resumed batch
        compares it to tell results of this template from those of an earlier one.
        """
        import hashlib
        import json

        text = json.dumps(self.to_dict(), sort_keys=True, default=str, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def unit_kwargs(self) -> dict:
        """Keywords for building a `DataUnit` with this template."""
        return {"stat": self.stat, "notc": self.notc, "grpg": self.grpg}

    def build_model(self):
        """A fresh model with the parameter settings applied."""
        from ..model import parse_model

        model = parse_model(self.model)

        def lookup(name):
            try:
                return model[name]
            except (KeyError, AttributeError, ModelError):
                raise ConfigError(f"model {self.model!r} has no parameter {name!r}; known: "
                                  f"{', '.join(model.params)}") from None

        apply_settings(self.params, lookup, key="params")
        return model


def as_template(t) -> Template:
    """A `Template` from a Template, a dict or a model expression."""
    if isinstance(t, Template):
        return t
    if isinstance(t, dict):
        return Template.from_dict(t)
    if isinstance(t, str):
        return Template(model=t)
    raise ConfigError(f"expected a Template, a dict or a model expression, got "
                      f"{type(t).__name__}", key="template")
