"""A unit's selection is immutable: a change builds a new one, a failed change keeps the old."""

import numpy as np
import pytest

from bayspec.data import DataUnit
from bayspec.data._aliases import UNIT_ALIASES
from bayspec.errors import ChannelMismatchError, ConfigError, NoticeError, StatisticError
from bayspec.examples import grb090217a


@pytest.fixture()
def n6():
    f = grb090217a("n6")
    return DataUnit(f["src"], f["bkg"], rsp=f["rsp"], notc=[[8, 900]], stat="pgstat", name="n6")


@pytest.mark.parametrize("key, value, error", [
    ("notc", [[1e6, 2e6]], NoticeError),
    ("stat", "chi2_nonsense", StatisticError),
    ("weight", -1, ConfigError),
    ("grpg", {"min_evt": "x"}, ConfigError),
])
def test_failed_setter_keeps_everything(n6, key, value, error):
    sel, version, counts = n6.selection, n6.selection_version, n6.src_counts.copy()
    before = getattr(n6, key)
    with pytest.raises(error):
        setattr(n6, key, value)
    assert n6.selection is sel and n6.selection_version == version
    assert getattr(n6, key) == before
    assert np.array_equal(n6.src_counts, counts)


def test_failed_source_change_keeps_the_old_source(n6):
    b1 = grb090217a("b1")
    old = n6.src_ins
    n6.rsp = grb090217a("n6")["rsp"]  # a successful change bumps the version
    v = n6.selection_version
    from bayspec.data import Source
    short = Source(np.ones(10), None, 1.0)
    with pytest.raises(ChannelMismatchError):
        n6.src = short
    assert n6.src_ins is old and n6.selection_version == v
    assert b1["src"]  # the other detector's files exist: the fixture is real data


def test_successful_change_builds_a_new_selection(n6):
    sel = n6.selection
    n6.notc = [[50, 300]]
    assert n6.selection is not sel and n6.npoint == 53
    assert n6.noticed_ranges.tolist() == [[50.0, 300.0]]


def test_every_synonym_is_the_same_property():
    for canonical, *synonyms in UNIT_ALIASES:
        for s in synonyms:
            assert getattr(DataUnit, s) is getattr(DataUnit, canonical)
