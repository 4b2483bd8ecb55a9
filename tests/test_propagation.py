"""wi_helpers.propagation against an independent rule, simulation and the reference values.

The independent rule is written here: a dense composite Gauss-Legendre product grid in
(z1, z2) on [-9, 9]^2 (panels 0.15 wide, 8 nodes each: spacing ~0.02, resolving tanh's
features of width 1/sqrt(q) for every q the dashboard reaches), not the package's Hermite
series nor theory.gaussian_expectation. q* comes from the same 1-D rule and bisection.
"""
import math

import numpy as np
import pytest

from wi_helpers.lessons.phase_diagram import simulate_pairs
from wi_helpers.propagation import (Q_MAX, SELU_ALPHA, SELU_LAMBDA, chi_q, correlation_map,
                                    correlation_series, depth_scales, fixed_point_c, lsuv,
                                    lsuv_point, mean_field_trajectory, phase_maps, q_star,
                                    q_star_grid, selu_fixed_point)
from wi_helpers.theory import critical_sigma_w2

_T, _W = np.polynomial.legendre.leggauss(8)
_H = 0.15
_EDGES = np.arange(-9.0, 9.0 + 1e-9, _H)
Z = (_EDGES[:-1, None] + _H * (_T + 1) / 2).ravel()
WZ = (np.broadcast_to(_H * _W / 2, (len(_EDGES) - 1, 8))).ravel() \
    * np.exp(-Z * Z / 2) / math.sqrt(2 * math.pi)

tanh = np.tanh
dtanh = lambda x: 1 / np.cosh(x) ** 2  # noqa: E731
d2tanh = lambda x: -2 * np.tanh(x) / np.cosh(x) ** 2  # noqa: E731


def e1(f, q):
    return float(WZ @ f(math.sqrt(q) * Z))


def e2(f, g, q, c):
    """E[f(u1) g(u2)], u1 = sqrt(q) z1, u2 = sqrt(q)(c z1 + sqrt(1 - c^2) z2)."""
    s, r = math.sqrt(q), math.sqrt(max(1 - c * c, 0.0))
    total = 0.0
    for i in range(0, Z.size, 240):
        z1 = Z[i:i + 240, None]
        total += float((WZ[i:i + 240, None] * WZ[None, :] * f(s * z1)
                        * g(s * (c * z1 + r * Z[None, :]))).sum())
    return total


def q_star_ref(sw, sb):
    g = lambda q: sw * e1(lambda x: tanh(x) ** 2, q) + sb - q  # noqa: E731
    lo, hi = 1e-12, sw + sb + 1
    if g(lo) <= 0:
        return 0.0
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


def f_ref(sw, sb, q, c):
    return (sw * e2(tanh, tanh, q, c) + sb) / q


# the dashboard's reach: sigma_w^2 in [0.5, 4.5], sigma_b^2 in [0, 0.5]
GRID = [(w, b) for w in (0.5, 1.2, 1.9, 2.6, 3.5, 4.5) for b in (0.0, 0.05, 0.2, 0.5)]


@pytest.mark.parametrize("sw,sb", GRID)
def test_q_star_and_correlation_map_match_the_dense_rule(sw, sb):
    q = q_star_ref(sw, sb)
    assert q_star("tanh", sw, sb) == pytest.approx(q, rel=1e-9, abs=1e-12)
    if q == 0:
        return
    cs = np.array([-0.5, 0.0, 0.3, 0.7, 0.9, 0.99, 1.0])
    got = correlation_map("tanh", cs, sw, sb)
    want = [f_ref(sw, sb, q, c) for c in cs]
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-9)
    s = correlation_series("tanh", sw, sb)
    slope_want = [sw * e2(dtanh, dtanh, q, c) for c in (0.0, 0.5, 0.9, 1.0)]
    np.testing.assert_allclose(s.slope(np.array([0.0, 0.5, 0.9, 1.0])), slope_want,
                               rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("sw,sb", GRID)
def test_c_star_chi_c_and_depth_scales_match_the_dense_rule(sw, sb):
    d = depth_scales("tanh", sw, sb)
    q = q_star_ref(sw, sb)
    chi1 = sw * e1(lambda x: dtanh(x) ** 2, max(q, 1e-12))
    assert d.chi_1 == pytest.approx(chi1, rel=1e-6)
    # xi_q from the phi'' form (the package uses Stein's identity instead)
    if q > 0:
        chiq = chi1 + sw * e1(lambda x: d2tanh(x) * tanh(x), q)
        assert d.chi_q == pytest.approx(chiq, rel=1e-6)
        assert d.xi_q == pytest.approx(-1 / math.log(chiq), rel=1e-5)
    if chi1 > 1:
        lo, hi = 0.0, 1.0 - 1e-12
        if f_ref(sw, sb, q, 0.0) <= 1e-14:
            c_ref = 0.0
        else:
            for _ in range(45):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if f_ref(sw, sb, q, mid) > mid else (lo, mid)
            c_ref = (lo + hi) / 2
        assert d.c_star == pytest.approx(c_ref, abs=2e-6)
        chic = sw * e2(dtanh, dtanh, q, c_ref)
        assert d.chi_c == pytest.approx(chic, rel=2e-5)
        assert d.xi_c == pytest.approx(-1 / math.log(chic), rel=1e-3)
        assert d.phase == "chaotic"
    else:
        assert d.c_star == 1.0 and d.chi_c == d.chi_1
        assert d.phase in ("ordered", "critical")


def test_the_slope_at_c_1_is_chi_1():
    for sw, sb in [(1.5, 0.05), (2.5, 0.05), (4.0, 0.3)]:
        d = depth_scales("tanh", sw, sb)
        assert correlation_series("tanh", sw, sb).slope(1.0) == pytest.approx(d.chi_1, rel=1e-9)
        assert correlation_map("tanh", 1.0, sw, sb) == pytest.approx(1.0, abs=1e-12)


def test_reference_values():
    # issue 22: critical sigma_w^2 = 1.7610 at sigma_b^2 = 0.05; xi_c = 15.8 / 11.8 / 7.0 and
    # c* = 1 / 0.447 / 0.165 at sigma_w^2 = 1.5 / 2.5 / 4.0
    assert critical_sigma_w2("tanh", 0.05) == pytest.approx(1.7610, abs=5e-5)
    for sw, xi, cs in [(1.5, 15.79, 1.0), (2.5, 11.80, 0.447), (4.0, 6.98, 0.165)]:
        d = depth_scales("tanh", sw, 0.05)
        assert d.xi_c == pytest.approx(xi, abs=0.006)
        assert d.c_star == pytest.approx(cs, abs=5e-4)
    assert fixed_point_c("tanh", 2.5, 0.05) == pytest.approx(0.44680, abs=1e-5)


def test_phase_maps_agree_with_depth_scales_point_by_point():
    sw, sb = np.linspace(0.5, 4.5, 9), np.linspace(0.0, 0.5, 6)
    m = phase_maps("tanh", sw, sb)
    for i, b in enumerate(sb):
        for j, w in enumerate(sw):
            d = depth_scales("tanh", w, b)
            assert m.q_star[i, j] == pytest.approx(d.q_star, rel=1e-9, abs=1e-14)
            assert m.chi_1[i, j] == pytest.approx(d.chi_1, rel=1e-9)
            assert m.c_star[i, j] == pytest.approx(d.c_star, abs=1e-9)
            assert m.chi_c[i, j] == pytest.approx(d.chi_c, rel=1e-8)
    np.testing.assert_allclose(q_star_grid("tanh", np.array([2.5]), np.array([0.05])),
                               [q_star_ref(2.5, 0.05)], rtol=1e-9)


def test_relu_closed_form_and_its_single_critical_point():
    relu = lambda x: np.maximum(x, 0)  # noqa: E731
    q = 1.3
    for c in (-0.6, 0.0, 0.4, 0.95):
        want = (1.5 * e2(relu, relu, q, c) + 0.1) / (1.5 * q / 2 + 0.1)
        # rel 2e-5: the kink of relu(u2) lies on the line c z1 + r z2 = 0, across the panels
        assert correlation_map("relu", c, 1.5, 0.1, q=q) == pytest.approx(want, rel=2e-5)
    assert depth_scales("relu", 2.0, 0.0).phase == "critical"
    assert depth_scales("relu", 1.8, 0.2).xi_c == pytest.approx(-1 / math.log(0.9))
    assert not math.isfinite(q_star("relu", 2.0, 0.1))
    assert depth_scales("relu", 2.5, 0.0).phase == "exploding"
    # at sigma_w^2 = 2 a bias adds sigma_b^2 per layer: q grows linearly, chi_1 stays 1
    assert depth_scales("relu", 2.0, 0.1).phase == "marginal: q grows linearly"


def test_mean_field_trajectory_starts_and_stays_at_the_fixed_point():
    d = depth_scales("tanh", 2.5, 0.05)
    q0 = (d.q_star - 0.05) / 2.5
    q, c = mean_field_trajectory("tanh", 2.5, 0.05, q0=q0, c0=[d.c_star, 0.9], depth=150)
    np.testing.assert_allclose(q, d.q_star, rtol=1e-9)
    # the input layer is linear (c_1 = (sigma_w^2 q0 c0 + sigma_b^2) / q_1), then the map:
    # the distance from c* shrinks, at last by chi_c per layer
    for row in c:
        dist = np.abs(row - d.c_star)
        assert np.all(np.diff(dist) < 0)
        assert dist[-1] / dist[-2] == pytest.approx(d.chi_c, rel=2e-3)
    assert c[0, 0] == pytest.approx((2.5 * q0 * d.c_star + 0.05) / d.q_star, rel=1e-12)


def test_simulation_at_width_1000_follows_the_mean_field():
    sb = 0.05
    pts = [1.5, 4.0]
    ds = [depth_scales("tanh", w, sb) for w in pts]
    q0 = [(d.q_star - sb) / w for d, w in zip(ds, pts)]
    c0 = [[0.9, 0.95], [0.9, 0.2]]
    sim = simulate_pairs(pts, sb, depth=16, width=1000, draws=2, pairs=8, q0=q0, c0=c0,
                         rng=np.random.default_rng(7))
    for i, (w, d) in enumerate(zip(pts, ds)):
        q, c = mean_field_trajectory("tanh", w, sb, q0=q0[i], c0=c0[i], depth=16)
        # finite width: each network's q_l is off by ~sqrt(2/width) = 4.5 %
        np.testing.assert_allclose(sim.q[i].mean(axis=(0, 1)), q, rtol=0.08)
        assert np.abs(sim.c[i].mean(1) - c).max() < 0.05
    # the ordered point's convergence rate: the two starts' difference shrinks by chi_c
    diff = (sim.c[0, 1] - sim.c[0, 0]).mean(0)
    rate = math.exp(np.polyfit(np.arange(16), np.log(diff), 1)[0])
    assert rate == pytest.approx(ds[0].chi_c, rel=0.03)


def test_lsuv_normalizes_each_layer_and_lands_at_q_star_1():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((400, 128)) * 3.0
    res = lsuv([128] * 13, X, "tanh", rng=np.random.default_rng(5), tol=0.01)
    assert np.all(np.abs(res.z_var - 1) <= 0.01)
    # orthogonal start: the columns stay orthogonal after the rescaling
    for W in res.weights:
        G = W.T @ W
        np.testing.assert_allclose(G, np.diag(np.diag(G)), atol=1e-10)
        np.testing.assert_allclose(np.diag(G), np.diag(G)[0], rtol=1e-10)
    # first layer absorbs the input scale 3; deep layers land at q* = 1
    assert res.sigma_w2[0] == pytest.approx(1 / 9, rel=0.05)
    assert res.sigma_w2[6:].mean() == pytest.approx(lsuv_point("tanh"), rel=0.03)
    assert lsuv_point("tanh") == pytest.approx(1 / e1(lambda x: tanh(x) ** 2, 1.0), rel=1e-9)
    again = lsuv([128] * 13, X, "tanh", rng=np.random.default_rng(5), tol=0.01)
    assert all(np.array_equal(a, b) for a, b in zip(res.weights, again.weights))
    with pytest.raises(ValueError, match="X must have shape"):
        lsuv([64, 64], X, "tanh", rng=rng)
    with pytest.raises(TypeError):
        lsuv([128, 64], X, "tanh", rng=1)


def test_selu_fixed_point():
    selu = lambda x: SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))  # noqa: E731,E501
    dselu = lambda x: SELU_LAMBDA * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0)))  # noqa: E731,E501
    q, chi = selu_fixed_point(1.0)
    assert q == pytest.approx(1.0, abs=1e-6)
    # the kink of SELU' at 0 sits on a panel edge of the dense rule (0 is an edge)
    assert chi == pytest.approx(e1(lambda x: dselu(x) ** 2, 1.0), rel=1e-6)
    q34, chi34 = selu_fixed_point(9 / 16)
    assert 9 / 16 * e1(lambda x: selu(x) ** 2, q34) == pytest.approx(q34, rel=1e-6)
    assert chi34 == pytest.approx(9 / 16 * e1(lambda x: dselu(x) ** 2, q34), rel=1e-6)


def test_chi_q_is_the_slope_of_the_variance_map():
    for sw, sb in [(1.5, 0.05), (3.0, 0.2)]:
        q = q_star("tanh", sw, sb)
        h = 1e-5 * q
        m = lambda x: sw * e1(lambda y: tanh(y) ** 2, x) + sb  # noqa: E731
        assert chi_q("tanh", sw, sb) == pytest.approx((m(q + h) - m(q - h)) / (2 * h), rel=1e-6)


def test_bad_input_is_refused_with_the_parameter_named():
    with pytest.raises(ValueError, match="sigma_w2"):
        depth_scales("tanh", -1.0, 0.0)
    with pytest.raises(ValueError, match="c must be correlations"):
        correlation_map("tanh", [1.5], 2.0, 0.0)
    with pytest.raises(ValueError, match="Q_MAX"):
        correlation_series("tanh", 2.0, 0.0, q=Q_MAX * 2)
    with pytest.raises(ValueError, match="sigma_w2 \\+ sigma_b2"):
        phase_maps("tanh", [5.0, 9.0], [0.0, 2.0])
    with pytest.raises(ValueError, match="unbounded"):
        phase_maps("relu", [1.0], [0.0])
    with pytest.raises(TypeError):
        depth_scales("tanh", "2", 0.0)
