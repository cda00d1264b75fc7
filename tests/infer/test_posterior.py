"""Posterior: statistics, summary table, resampling, corner plot, HDF5 round trip, repr."""

import io

import matplotlib
import numpy as np
import pytest

from bayspec.errors import ConfigError, OverwriteError, StoreError
from bayspec.infer.posterior import Posterior, weighted_quantile

matplotlib.use("Agg")


def _gauss(n=20000, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal([1.0, -2.0, 5.0], [0.5, 0.1, 2.0], size=(n, 3))
    ll = -0.5 * np.sum(((x - [1.0, -2.0, 5.0]) / [0.5, 0.1, 2.0]) ** 2, axis=1)
    return Posterior(["a", "b", "c"], x, loglike=ll, logprior=np.zeros(n),
                     info={"method": "emcee", "ess": 1234.0, "autocorr": np.array([1.0, 2.0, 3.0])},
                     units=["keV", "", "cm"], labels=[r"$a$", "", ""])


def _weighted(seed=1):
    # importance-weighted samples of N(0.3, 0.2²) drawn from U(-1, 1)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(40000, 2))
    lw = -0.5 * np.sum(((x - 0.3) / 0.2) ** 2, axis=1)
    w = np.exp(lw - lw.max())
    return Posterior(["x", "y"], x, weights=w, loglike=lw, logprior=np.full(len(x), np.log(0.25)),
                     logz=-1.2, logz_err=0.1, info={"method": "nested"})


def test_weighted_quantile():
    x = np.arange(10.0)
    assert weighted_quantile(x, 0.5) == pytest.approx(np.quantile(x, 0.5, method="hazen"))
    assert np.allclose(weighted_quantile(x, [0.2, 0.7]), np.quantile(x, [0.2, 0.7], method="hazen"))
    # integer weights behave like repetition
    w = np.array([1, 3, 1.0])
    assert weighted_quantile([0.0, 1.0, 2.0], 0.5, w) == pytest.approx(1.0)
    with pytest.raises(ConfigError):
        weighted_quantile(x, 1.5)


def test_statistics_equal_weights():
    p = _gauss()
    assert p.median["a"] == pytest.approx(1.0, abs=0.02)
    assert p.mean["c"] == pytest.approx(5.0, abs=0.05)
    assert p.std["b"] == pytest.approx(0.1, rel=0.03)
    lo, hi = p.interval("a")
    assert lo == pytest.approx(0.5, abs=0.03) and hi == pytest.approx(1.5, abs=0.03)
    lo90, hi90 = p.interval("b", cl=0.9)
    assert hi90 - lo90 == pytest.approx(2 * 1.645 * 0.1, rel=0.05)
    assert p.quantile(0.5).shape == (3,) and p.quantile([0.1, 0.9]).shape == (2, 3)
    k = np.argmax(p.loglike)
    assert p.map == dict(zip(p.names, p.samples[k]))
    assert p.ess == 1234.0
    with pytest.raises(ConfigError, match="no parameter"):
        p.interval("zz")
    with pytest.raises(ConfigError):
        p.interval("a", cl=1.0)


def test_statistics_weighted():
    p = _weighted()
    assert not p.equal_weights
    assert p.weights.sum() == pytest.approx(1.0)
    assert p.median["x"] == pytest.approx(0.3, abs=0.02)
    assert p.std["y"] == pytest.approx(0.2, rel=0.05)
    e = p.equal_weight_samples(seed=3)
    assert e.shape[0] == pytest.approx(1 / np.sum(p.weights ** 2), abs=1)
    assert np.mean(e[:, 0]) == pytest.approx(0.3, abs=0.02)
    assert np.array_equal(e, p.equal_weight_samples(seed=3))
    assert p.equal_weight_samples(n=100, seed=0).shape == (100, 2)
    g = _gauss(100)
    assert np.array_equal(g.equal_weight_samples(), g.samples)
    assert g.equal_weight_samples(n=10, seed=1).shape == (10, 3)


def test_summary_table():
    t = _gauss().summary()
    assert t.colnames == ["name", "unit", "mean", "median", "map", "std", "lo68", "hi68", "lo90", "hi90"]
    assert list(t["name"]) == ["a", "b", "c"] and list(t["unit"]) == ["keV", "", "cm"]
    r = t[0]
    assert r["lo90"] < r["lo68"] < r["median"] < r["hi68"] < r["hi90"]
    tw = _weighted().summary()
    assert len(tw) == 2 and tw.meta["logz"] == -1.2


def test_save_load_round_trip(tmp_path):
    for p in (_gauss(500), _weighted()):
        path = tmp_path / f"{p.method}.h5"
        p.save(path)
        q = Posterior.load(path)
        assert q.names == p.names and q.units == p.units and q.labels == p.labels
        for key in ("samples", "weights", "loglike", "logprior"):
            assert np.array_equal(getattr(q, key), getattr(p, key))
        assert q.logz == p.logz and q.logz_err == p.logz_err
        assert q.info == p.info


def test_save_refuses_overwrite(tmp_path):
    p = _gauss(100)
    path = tmp_path / "p.h5"
    p.save(path)
    before = path.read_bytes()
    with pytest.raises(OverwriteError):
        _gauss(50).save(path)
    assert path.read_bytes() == before
    _gauss(50).save(path, overwrite=True)
    assert len(Posterior.load(path)) == 50
    assert not [f for f in tmp_path.iterdir() if f.name.startswith(".")]  # no temp files left


def test_load_errors(tmp_path):
    import h5py

    with pytest.raises(StoreError):
        Posterior.load(tmp_path / "missing.h5")
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f["x"] = 1
    with pytest.raises(StoreError, match="not a bayspec posterior"):
        Posterior.load(tmp_path / "other.h5")


def test_validation():
    with pytest.raises(ConfigError):
        Posterior(["a"], np.zeros((3, 2)))
    with pytest.raises(ConfigError):
        Posterior(["a"], np.zeros((3, 1)), weights=[1, -1, 1])
    p = Posterior(["a"], np.arange(5.0))
    assert p.samples.shape == (5, 1) and np.all(np.isnan(p.loglike))
    with pytest.raises(ConfigError):
        p.map
    assert np.isnan(p.summary()["map"][0])


@pytest.mark.parametrize("make, nax", [(_gauss, 6), (_weighted, 3)])
def test_corner(make, nax):
    import matplotlib.pyplot as plt

    p = make()
    fig = p.corner(truths={"a": 1.0, "x": 0.3})
    assert len(fig.axes) == nax
    labels = [ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()]
    assert labels[0] in ("$a$ [keV]", "x")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=60)
    assert buf.getbuffer().nbytes > 5000
    fig2 = p.corner(fig=fig)
    assert fig2 is fig and len(fig.axes) == nax
    plt.close(fig)


def test_repr():
    p = _gauss(200)
    text = repr(p)
    assert "Posterior (emcee): 200 samples of 3 parameters" in text
    assert "keV" in text and "ESS 1234" in text
    w = _weighted()
    assert "ln Z = -1.200 ± 0.100" in repr(w)
    h = w._repr_html_()
    assert h.startswith("<div>") and "<table>" in h and "ln Z" in h
