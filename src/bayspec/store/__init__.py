"""HDF5 storage of spectra, responses, metadata and fit results.

Modules (one job each):

- `spectrum_store` — `SpectrumStore`: PHA series in chunked, compressed datasets, read
  row by row;
- `response_store` — `ResponseStore`: matrices stored once by content hash in OGIP's
  compact form, linked to series with their RSP2 time ranges;
- `meta_store` — `MetaStore`: FITS headers, provenance, ``find``/``covering`` queries;
- `result_store` — `ResultStore`: journaled append of fit results, ``done_keys`` to resume;
- `ogip_bridge` — `import_ogip`, `export_ogip`, `load_unit_inputs` (through `bayspec.io`);
- `unit_bridge` — `unit_from_store`: one stored spectrum as a `bayspec.data.DataUnit`;
- `_store` — `Store`, the facade over one data file and its result file;
- `_hdf5` — opening files, keys, chunking, errors.

All failures raise `bayspec.errors.StoreError` naming the file, the key and the problem.
Concurrency: a single writer; readers open read-only; files are open only while used.
"""

from ._store import Store, as_store
from .meta_store import Hit, MetaStore
from .ogip_bridge import (
    UnitInputs,
    export_ogip,
    import_ogip,
    import_response,
    load_unit_inputs,
    parse_row_key,
    row_key,
    write_response,
)
from .response_store import ArfData, MatrixData, MatrixLink, ResponseStore
from .result_store import ResultStore
from .spectrum_store import SpectrumRows, SpectrumStore
from .unit_bridge import unit_from_inputs, unit_from_store

__all__ = [
    "Store", "as_store", "SpectrumStore", "SpectrumRows", "ResponseStore", "MatrixData",
    "MatrixLink", "ArfData", "MetaStore", "Hit", "ResultStore", "import_ogip",
    "export_ogip", "import_response", "write_response", "load_unit_inputs", "UnitInputs",
    "row_key", "parse_row_key", "unit_from_store", "unit_from_inputs",
]
