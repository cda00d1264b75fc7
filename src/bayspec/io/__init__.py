"""OGIP FITS input/output returning plain containers (nothing above ``io`` touches FITS).

Modules
-------
_source        `parse_source` (path, ``"f{3}"``, ``"f:3"``, ``(f, 3)``, bytes) and `open_fits`
_columns       column/keyword access raising bayspec errors that name ``file[HDU] key``
_energy        EBOUNDS and photon-bin validation
containers     `PhaSpectrum`, `PhaSeries`, `RmfMatrix`, `ArfCurve`
pha            `read_pha`, `read_pha_series` (OGIP/92-007, type I and II)
rmf            `read_rmf`, `list_matrices` (CAL/GEN/92-002, RMF/RSP/RSP2)
arf            `read_arf` (CAL/GEN/92-002, ARF/ARF2)
pha_write      `write_pha`
response_write `write_rmf`, `write_arf`
table_model    `read_table_model`, `write_table_model` (OGIP memo 92-009 table models)

Index conventions: a PHA-II row is 0-based; an RMF/ARF matrix is chosen by EXTVER
(1-based). Units: keV, s, cm², counts.
"""

from ._source import parse_source
from .arf import read_arf
from .containers import ArfCurve, PhaSeries, PhaSpectrum, RmfMatrix
from .pha import read_pha, read_pha_series
from .pha_write import write_pha
from .response_write import write_arf, write_rmf
from .rmf import list_matrices, read_rmf
from .table_model import TableModelData, TableParameter, read_table_model, write_table_model
from .tte import TteEvents, read_tte

__all__ = [
    "parse_source",
    "read_pha",
    "read_pha_series",
    "read_rmf",
    "list_matrices",
    "read_arf",
    "write_pha",
    "write_rmf",
    "write_arf",
    "PhaSpectrum",
    "PhaSeries",
    "RmfMatrix",
    "ArfCurve",
    "read_tte",
    "TteEvents",
    "read_table_model",
    "write_table_model",
    "TableModelData",
    "TableParameter",
]
