"""Inference: the likelihood kernel, maximum-likelihood fits and posteriors."""

from .likelihood import Likelihood, as_units

__all__ = ["Likelihood", "as_units"]
