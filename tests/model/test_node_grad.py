"""`Model.node_grad` against central differences of `Model.node_values`: every library
component (multiplicative ones times a power law), composite forms (sums, products,
quotients, numbers, zshift), both plan kinds, and parameters near the edges of their
support."""

import os

import numpy as np
import pytest

from bayspec.model import library, parse_model

EBIN = np.geomspace(0.05, 5e4, 301)
EBIN = np.column_stack([EBIN[:-1], EBIN[1:]])

#: Components whose derivatives are still numerical (to be emptied; BAYSPEC_STRICT_GRAD=1
#: checks them as if they were analytic).
NUMERIC = set() if os.environ.get("BAYSPEC_STRICT_GRAD") else {
    "bb", "bbody", "bbodyrad", "bknpower", "bremss", "cflux", "clumin", "cpflux", "cutoff", "cutoffpl",
    "expabs", "gauss", "gaussian", "grbm", "hecut", "highecut", "lorentz", "mbb", "nthcomp", "phabs",
    "powerlaw", "sbpl", "tbabs", "wabs", "zbbody", "zpowerlw"}


def _fd(model, plan, pv, name, rel=1e-4):
    """Five-point central difference (truncation ~h⁴, rounding ~1e-16 |v| / h) and the
    rounding floor to allow for."""
    x = np.asarray(pv[name], dtype=float)
    h = rel * np.where(x == 0, 1.0, np.abs(x))

    def at(k):
        q = dict(pv)
        q[name] = x + k * h
        return model.node_values(plan, q)

    d = (at(-2) - 8 * at(-1) + 8 * at(1) - at(2)) / (12 * h)
    return d, 1e-14 * np.abs(at(0)) / h


def _draws(model, n=4, seed=1, edge=False):
    """``{full name: (n, 1)}`` inside each free parameter's support (near its ends with
    ``edge``)."""
    rng = np.random.default_rng(seed)
    pv = {}
    for full, p in model.params.items():
        if full == "redshift" or p.frozen or p.linked:
            continue
        lo, hi = p.prior.support if hasattr(p.prior, "support") else (None, None)
        v = p.value
        if edge and lo is not None and np.isfinite(lo) and np.isfinite(hi):
            u = np.where(rng.random(n) < 0.5, 1e-3, 1 - 1e-3)
            log = lo > 0 and hi / lo > 100
            pv[full] = (np.exp(np.log(lo) + u * np.log(hi / lo)) if log else lo + u * (hi - lo))[:, None]
        else:
            pv[full] = (v * rng.uniform(0.9, 1.1, n) + (0.05 * rng.normal(size=n) if v == 0 else 0))[:, None]
    return pv


def _check(model, pv, rtol=1e-6):
    plan = model.plan(EBIN)
    if True:
        v, grads, unknown = model.node_grad(plan, pv)
        np.testing.assert_allclose(v, model.node_values(plan, pv), rtol=1e-12, atol=0)
        for name in pv:
            if name in unknown:
                continue
            g = grads.get(name, np.zeros_like(v))
            bad = True
            for rel in (1e-4, 1e-6, 1e-8):  # a steep exponential needs a small step
                fd, floor = _fd(model, plan, pv, name, rel)
                bad = bad & (np.abs(g - fd) > rtol * np.abs(fd) + floor + 1e-290)
            assert not bad.any(), (name, np.argwhere(bad)[:3], g[bad][:3], fd[bad][:3])
        return unknown


def _expression(name):
    cls = library.get(name)
    if cls.kind == "multiplicative":
        return f"{name} * pl"
    if cls.kind == "convolution":
        return f"{name}(pl)" if name != "zshift" else "zshift(cpl)"
    return name


@pytest.mark.parametrize("name", library.names())
def test_every_component(name):
    model = parse_model(_expression(name))
    for edge in (False, True):
        unknown = _check(model, _draws(model, edge=edge))
    comp = set(library.get(name)().params) - {"redshift"}
    if name in NUMERIC:
        return
    free = {k for k, p in model.params.items() if not p.frozen and k != "redshift"}
    assert not (unknown & free & comp), f"{name}: numerical derivatives for {unknown & free}"


@pytest.mark.parametrize("expr", ["pl + bb", "cpl * hecut", "(pl + const) * mconst", "band / mconst",
                                  "2 * cpl - 0.5 * pl", "zshift(band)", "zshift(pl + gauss)"])
def test_composite_forms(expr):
    model = parse_model(expr)
    for c in model.params.values():
        if c.name == "z":
            c.frozen, c.value = False, 0.7
    for integ in ("auto", "quadrature"):
        model.settings["integration"] = integ
        unknown = _check(model, _draws(model))
        allowed = {k for k in model.params if k.endswith(".z") or k.split(".")[0] in NUMERIC}
        assert unknown <= allowed


def test_plan_kinds_both_exact():
    """pl's antiderivative plan, through alpha = −1 (the series branch) and a steep index."""
    model = parse_model("pl")
    plan = model.plan(EBIN)
    assert plan.kind == "antiderivative"
    pv = {"pl.K": np.full((5, 1), 2.0), "pl.alpha": np.array([[-1.0], [-1.0 + 1e-9], [-1.03], [-1.2], [-4.5]])}
    assert not _check(model, pv)


def test_user_component_falls_back_to_differences():
    from bayspec.model import Additive, ParSpec
    from bayspec.parameter import Uniform

    class Slope(Additive):
        default_name = "slope"
        parameters = (ParSpec("a", 1.0, Uniform(0, 5)),)

        def evaluate(self, E, a):
            return np.exp(-a * np.log1p(E))

    model = Slope() + parse_model("pl")
    unknown = _check(model, {"slope.a": np.array([[1.2], [0.8]]), "pl.alpha": np.array([[-2.0], [-1.5]])})
    assert unknown == {"slope.a"}
