"""Dataset operations on `DataUnit`/`Data`, in the gamma-ray "dataset" vocabulary.

gammapy's ``SpectrumDataset``/``Datasets`` words for 1-D OGIP spectra. Users call them as
methods (``unit.npred()``, ``unit.fake()``, ``unit.stack(other)``, ...); they are
implemented in the data layer, on the unit's fold (`bayspec.data.fold`), and this package
gathers them under one name:

predict     ``npred``, ``npred_signal``, ``npred_background``, ``stat_sum``,
            ``stat_array``, ``residuals`` (`bayspec.data.predict`)
simulate    ``fake`` (in place), ``faked_copy`` and the vectorised ``fake_counts``
            (`bayspec.data.simulate`)
stack       ``stack_units``, ``slice_by_energy``, ``resample_energy_axis``
            (`bayspec.data._reshape`)
profiles    ``wstat_background``, ``pgstat_background`` (`bayspec.stat.profile`)
"""

from ..data._reshape import resample_energy_axis, slice_by_energy, stack_units
from ..data.predict import npred, npred_background, npred_signal, residuals, stat_array, stat_sum
from ..data.simulate import fake, fake_counts, faked_copy
from ..stat.profile import pgstat_background, wstat_background

__all__ = ["npred", "npred_signal", "npred_background", "stat_sum", "stat_array",
           "residuals", "fake", "faked_copy", "fake_counts", "stack_units", "slice_by_energy",
           "resample_energy_axis", "wstat_background", "pgstat_background"]
