"""The event-list reader and the time series stay in their layers (io, data)."""

import subprocess
import sys

_CHECK = ("import sys, bayspec; before = set(sys.modules);"
          "import bayspec.io.tte, bayspec.data.timeseries, bayspec.data.background_fit;"
          "new = set(sys.modules) - before;"
          "print(sorted(m for m in new if m.startswith(('bayspec.infer', "
          "'bayspec.estimators', 'bayspec.plot', 'bayspec.store', 'bayspec.cli', "
          "'bayspec.batch', 'matplotlib'))))")


def test_timeseries_imports_nothing_above_data():
    out = subprocess.run([sys.executable, "-c", _CHECK], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
