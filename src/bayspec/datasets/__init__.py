"""Dataset operations on `DataUnit`/`Data` that need a model and a statistic.

The gamma-ray "dataset" vocabulary (gammapy's ``SpectrumDataset``/``Datasets``) for 1-D
OGIP spectra. Users call them as methods (``unit.npred()``, ``unit.fake()``,
``unit.stack(other)``, ...); the data layer reaches the model-dependent ones through
`bayspec._hooks`.

Modules
-------
predict     ``npred``, ``npred_signal``, ``npred_background``, ``stat_sum``, ``stat_array``,
            ``residuals`` (hooks)
(the profiled backgrounds of wstat and pgstat live in `bayspec.stat.profile`)
simulate    ``fake`` (hook) and the vectorised ``fake_counts``
stack       ``stack_units``, ``slice_by_energy``, ``resample_energy_axis`` (pure data,
            implemented in `bayspec.data._reshape`/`_combine`, re-exported here)
"""

from ..stat.profile import pgstat_background, wstat_background
from .predict import (npred, npred_background, npred_signal, residuals, stat_array,
                      stat_sum)
from .simulate import fake, fake_counts
from .stack import resample_energy_axis, slice_by_energy, stack_units

__all__ = ["npred", "npred_signal", "npred_background", "stat_sum", "stat_array",
           "residuals", "fake", "fake_counts", "stack_units", "slice_by_energy",
           "resample_energy_axis", "wstat_background", "pgstat_background"]
