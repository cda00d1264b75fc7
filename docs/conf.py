"""Sphinx configuration of the bayspec documentation.

Everything is built offline: no intersphinx, no downloads. Pages under ``_generated/`` are
written at build time by ``_ext/bayspec_docs.py`` from the code itself (the CLI keys from the
sets that validate them, the model library from its registry, the API from ``__all__``) and
by running the tutorials in ``tutorials/`` (their output and figures included).
"""

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "bayspec"
author = "bayspec developers"
copyright = "bayspec developers, GPL-3.0-or-later"
try:
    from bayspec import __version__ as release
except ImportError:  # pragma: no cover
    release = "dev"
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "bayspec_docs",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
master_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "tutorials/*.py"]
templates_path = []

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "show-inheritance": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3

html_theme = "alabaster"
html_static_path = []
html_title = f"bayspec {release}"
# mathjax is loaded by the reader's browser (from its CDN) when a page has maths; the build
# itself makes no network access.

# BAYSPEC_DOCS_SKIP_TUTORIALS=1 shows the tutorials' code without running it (quick drafts).
bayspec_run_tutorials = os.environ.get("BAYSPEC_DOCS_SKIP_TUTORIALS", "") not in ("1", "true", "yes")

# numpydoc does not know the "Settings" section of the model docstrings (model settings such
# as pivot energies); it renders it as text, which is what we want.
import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="Unknown section Settings", category=UserWarning)
