"""The ``bayspec`` command line.

Modules
-------
main     argument parsing and the ``fit`` / ``demo`` / ``info`` subcommands (``main()``).
config   the YAML fit configuration: `load_config`, `parse_config`, `ConfigError` messages.
build    configuration → `Data`, model and parameter settings.
run      fit, sample and fluxes through `bayspec.infer.Infer` (with progress bars).
report   result tables (ECSV, JSON), posterior (HDF5), plots and ``report.md``.
demo     the bundled GRB 090217A analysis as a configuration.
info     readable summaries of OGIP files.
"""
