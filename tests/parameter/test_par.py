import numpy as np
import pytest

from bayspec.errors import ParameterError
from bayspec.parameter import Improper, LogUniform, Normal, Par, Uniform


def test_defaults():
    p = Par(1.0)
    assert p.bounds == (-np.inf, np.inf) and isinstance(p.prior, Improper)
    assert p.logprior() == 0.0 and p.free and not p.frozen and not p.linked
    q = Par(1.0, bounds=(0, 2))
    assert q.prior == Uniform(0, 2)
    r = Par(1.0, bounds=(0, np.inf))
    assert isinstance(r.prior, Improper) and r.bounds == (0.0, np.inf)
    s = Par(3.0, LogUniform(1, 10))
    assert s.bounds == (1.0, 10.0)
    t = Par(3.0, Normal(0, 1), bounds=(-5, 5))
    assert t.logprior(6.0) == -np.inf and np.isfinite(t.logprior())


def test_value_checked_with_name():
    p = Par(1.0, Uniform(0, 2), name="alpha")
    p.value = 1.5
    assert p.value == 1.5 and float(p) == 1.5
    with pytest.raises(ParameterError, match="alpha"):
        p.value = 3.0
    with pytest.raises(ParameterError, match="alpha"):
        p.value = np.nan
    with pytest.raises(ParameterError):
        p.value = "x"
    with pytest.raises(ParameterError, match="alpha"):
        Par(5.0, Uniform(0, 2), name="alpha")
    with pytest.raises(ParameterError):
        Par(1.0, LogUniform(1, 10), bounds=(0.1, 5))  # bounds outside the prior's support
    with pytest.raises(ParameterError):
        Par(1.0, bounds=(2, 1))
    with pytest.raises(ParameterError):
        Par(1.0, prior="uniform")


def test_bounds_and_prior_setters():
    p = Par(1.0, Uniform(0, 10), name="x")
    p.bounds = (0.5, 2)
    with pytest.raises(ParameterError):
        p.value = 3
    with pytest.raises(ParameterError):
        p.bounds = (2, 3)  # current value outside
    p.prior = LogUniform(0.1, 100)
    assert p.bounds == (0.1, 100)


def test_frozen_and_free():
    p = Par(1.0, frozen=True)
    assert not p.free
    p.thaw()
    assert p.free
    p.freeze()
    assert p.frozen and not p.free


def test_link_identity_and_function():
    a = Par(2.0, Uniform(0, 10), name="a")
    b = Par(1.0, Uniform(0, 10), name="b")
    c = Par(0.0, Uniform(-100, 100), name="c")
    b.link(a)
    assert b.linked and not b.free and b.value == 2.0
    a.value = 3.0
    assert b.value == 3.0
    c.link(lambda x, y: x * y + 1, a, b)
    assert c.value == 10.0
    with pytest.raises(ParameterError, match="linked"):
        b.value = 1.0
    b.unlink()
    assert not b.linked and b.free and b.value == 3.0
    b.value = 1.0
    assert c.value == 4.0


def test_link_errors():
    a, b = Par(1.0, name="a"), Par(1.0, name="b")
    b.link(a)
    with pytest.raises(ParameterError, match="circular"):
        a.link(b)
    with pytest.raises(ParameterError):
        a.link(a)
    with pytest.raises(ParameterError):
        a.link(lambda x: x)  # no parameters
    with pytest.raises(ParameterError):
        a.link(3.0)
    with pytest.raises(ParameterError):
        a.link(lambda x: x, 1.0)


def test_repr_and_copy():
    p = Par(2.0, Uniform(0, 4), name="kT", unit="keV", label=r"$kT$")
    r = repr(p)
    assert "kT" in r and "Uniform" in r and "keV" in r and "free" in r
    q = p.copy()
    q.value = 3.0
    assert p.value == 2.0 and q.name == "kT" and q.prior == p.prior
    assert p != q and p == p


def test_update_is_checked_as_a_whole():
    p = Par(300.0, LogUniform(1, 1e5), name="ep")
    p.update(value=5000.0, prior=Normal(1000, 2000), bounds=(10, 1e4))
    assert (p.value, p.prior, p.bounds) == (5000.0, Normal(1000, 2000), (10.0, 1e4))
    p.update(prior=LogUniform(1, 1e6))  # bounds default to the new prior's support
    assert p.bounds == (1.0, 1e6)
    for bad in ({"bounds": (0.1, 10)}, {"value": 2e6}, {"bounds": (1, 100)},
                {"prior": LogUniform(1, 10)}, {"prior": "uniform"}):
        with pytest.raises(ParameterError, match="ep"):
            p.update(**bad)
        assert (p.value, p.prior, p.bounds) == (5000.0, LogUniform(1, 1e6), (1.0, 1e6))
    q = Par(1.0, Uniform(0, 5)).link(p)
    with pytest.raises(ParameterError, match="linked"):
        q.update(value=2.0)
    q.update(bounds=(0, 4))  # a linked parameter still takes new limits
    assert q.bounds == (0.0, 4.0)
