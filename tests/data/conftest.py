"""Synthetic units for tests that need no files."""

import numpy as np
import pytest

from bayspec.data import Background, Response, Source


def make_parts(n=64, seed=1, src_rate=20, bkg_rate=10, nan_rows=()):
    rng = np.random.default_rng(seed)
    edges = np.linspace(1.0, 65.0, n + 1)
    chbin = np.c_[edges[:-1], edges[1:]]
    for r in nan_rows:
        chbin[r] = np.nan
    ph = np.linspace(0.5, 70.0, 101)
    phbin = np.c_[ph[:-1], ph[1:]]
    E, C = phbin.mean(1), np.nan_to_num(chbin.mean(1))
    drm = np.exp(-0.5 * ((E[:, None] - C[None]) / 2.0) ** 2)
    drm = 100 * drm / drm.sum(1, keepdims=True)
    src = Source(rng.poisson(src_rate, n), None, 10.0, name="s")
    bkg = Background(rng.poisson(bkg_rate, n), None, 20.0, name="b")
    return src, bkg, Response(chbin, phbin, drm, name="r")


@pytest.fixture
def parts():
    return make_parts()


@pytest.fixture(name="make_parts")
def _make_parts_fixture():
    return make_parts
