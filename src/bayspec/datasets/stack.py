"""Stacking and energy reshaping of units (re-exported from the data layer, where the
`DataUnit` methods reach them without importing upward).

See `bayspec.data._combine` for the stacking formulas (gammapy's stacking table for 1-D
spectra, with ``alpha B`` conserved for on/off data).
"""

from ..data._reshape import resample_energy_axis, slice_by_energy, stack_units

__all__ = ["stack_units", "slice_by_energy", "resample_energy_axis"]
