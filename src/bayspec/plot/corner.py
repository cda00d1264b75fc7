"""Corner plot of a posterior: re-exported from the samplers' module (``bayspec.infer``).

``corner(posterior, **kwargs)`` returns a matplotlib Figure. It uses ``posterior.corner``
(or ``bayspec.infer.corner``) so that there is one corner plot in bayspec.
"""

from __future__ import annotations

__all__ = ["corner"]


def corner(posterior, **kwargs):
    """Corner plot (1-D and 2-D marginals) of ``posterior``; returns the Figure.

    Parameters
    ----------
    posterior : Posterior
        A posterior from ``Infer.sample``.
    **kwargs
        Passed to the sampler layer's corner plot.
    """
    method = getattr(posterior, "corner", None)
    if callable(method):
        return method(**kwargs)
    from .. import infer

    fn = getattr(infer, "corner", None)
    if fn is None:
        raise AttributeError("this posterior has no corner plot and bayspec.infer offers none")
    return fn(posterior, **kwargs)
