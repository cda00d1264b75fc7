"""README.md's examples run: every ```python block (in order, in one namespace, as a reader
would paste them), and the keys of its YAML examples are the ones the readers accept.

The blocks run in a temporary working directory. To stay fast, the emcee run of the first
block is shortened by rewriting its ``nsteps=4000, burn=1000`` to ``nsteps=300, burn=100``
before it runs (`_SHORTER`); nothing else is changed.
"""

import re
from pathlib import Path

import matplotlib
import pytest
import yaml

matplotlib.use("Agg")

README = Path(__file__).resolve().parents[1] / "README.md"
_SHORTER = [("nsteps=4000, burn=1000", "nsteps=300, burn=100")]


def _blocks(lang):
    return re.findall(rf"^```{lang}\n(.*?)^```", README.read_text(), flags=re.M | re.S)


def test_readme_has_python_examples():
    assert len(_blocks("python")) >= 2


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning", "ignore:emcee. the chain")
def test_readme_python_blocks_run(tmp_path, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.chdir(tmp_path)
    ns = {"__name__": "__readme__"}
    for i, block in enumerate(_blocks("python")):
        for old, new in _SHORTER:
            block = block.replace(old, new)
        exec(compile(block, f"README.md python block {i + 1}", "exec"), ns)
        plt.close("all")
    # what the blocks say they write
    for name in ("fit.png", "nufnu.pdf", "corner.png", "sed.fits"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert len(ns["tr"].table) == 4


def test_readme_yaml_keys_are_accepted():
    from bayspec.batch.template import Template
    from bayspec.cli import batch, config
    from bayspec.parameter import SETTING_KEYS

    docs = [yaml.safe_load(b) for b in _blocks("yaml")]
    fit = next(d for d in docs if "units" in d)
    assert set(fit) <= config._TOP_KEYS
    for unit in fit["units"].values():
        assert set(unit) <= config._UNIT_KEYS
    for setting in fit["params"].values():
        assert not isinstance(setting, dict) or set(setting) <= set(SETTING_KEYS)
    bat = next(d for d in docs if "template" in d)
    assert set(bat) <= batch._KEYS
    Template.from_dict(bat["template"])  # raises ConfigError on an unknown key


def _modules_with_examples():
    src = README.parent / "src"
    for path in sorted((src / "bayspec").rglob("*.py")):
        if ">>>" in path.read_text():
            yield ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")


@pytest.mark.parametrize("name", list(_modules_with_examples()))
def test_docstring_examples_run(name, tmp_path, monkeypatch):
    """The ``>>>`` examples of the docstrings (``python -m pytest --doctest-modules
    src/bayspec`` runs the same); examples that need files a clone does not have are marked
    ``# doctest: +SKIP`` with the reason in the text around them."""
    import doctest
    import importlib

    monkeypatch.chdir(tmp_path)  # an example that writes files writes them here
    mod = importlib.import_module(name)
    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert res.failed == 0
