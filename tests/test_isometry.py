"""Notebook 08's numerics: the end-to-end Jacobian against finite differences and backprop, the
spectrum moments against the free-probability formulas, orthogonal draws (W^T W = I, Haar),
critical points, the deep linear trainer's gradient, the delta-orthogonal kernel, the figures
and the dashboard."""
from __future__ import annotations

import math

import numpy as np
import pytest

from wi_helpers import MLP, fixed_point_q, init_weights
from wi_helpers.lessons import isometry as iso


def _net(sizes, act, rng, bias=0.3):
    Ws = [rng.normal(0, 1 / math.sqrt(a), (a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(0, bias, b) for b in sizes[1:]]
    return Ws, bs


@pytest.mark.parametrize("act", iso.ACTIVATIONS)
def test_jacobian_matches_central_differences(act):
    rng = np.random.default_rng(3)
    sizes = [7, 9, 5, 8, 6]  # non-square layers: J is (6, 7)
    Ws, bs = _net(sizes, act, rng)
    x = rng.normal(0, 0.7, 7)
    J = iso.jacobian(Ws, bs, act, x)
    assert J.shape == (6, 7)
    eps = 1e-6
    # an independent reference: perturb x coordinate by coordinate, run the net by hand
    phi = {"linear": lambda z: z, "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0),
           "hard_tanh": lambda z: np.clip(z, -1, 1)}[act]

    def out(v):
        h = v
        for W, b in zip(Ws, bs):
            h = phi(h @ W + b)
        return h

    ref = np.stack([(out(x + eps * e) - out(x - eps * e)) / (2 * eps) for e in np.eye(7)], axis=1)
    # the kinks of ReLU / hard-tanh are measure zero: no pre-activation is within eps of them
    np.testing.assert_allclose(J, ref, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(iso.finite_difference_jacobian(Ws, bs, act, x), ref, atol=1e-8)


def test_jacobian_transpose_is_the_core_backward_pass():
    # J^T g is dL/dh_0 for L = sum(h_L * g): the MLP's hand-written backward pass must agree
    rng = np.random.default_rng(5)
    net = MLP([12, 10, 11, 9], activation="tanh", init="orthogonal", bias_std=0.2, seed=2)
    x = rng.normal(size=(1, 12))
    net.forward(x)
    g = rng.normal(size=(1, 9))
    dx = net.backward(g).h[0][0]
    J = iso.jacobian(net.weights, net.biases, "tanh", x[0])
    np.testing.assert_allclose(J.T @ g[0], dx, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- moments against the theory

WIDTH, DRAWS, DEPTHS = 200, 4, (2, 8, 32, 64)
CASES = [("linear", "gaussian", 1.0), ("relu", "gaussian", 1.0), ("relu", "orthogonal", 1.0),
         ("hard_tanh", "gaussian", 0.5), ("hard_tanh", "orthogonal", 0.5),
         ("tanh", "orthogonal", 0.5)]


@pytest.fixture(scope="module")
def measured():
    caches = {i: [iso.DrawCache(i, WIDTH, 100 + k) for k in range(DRAWS)] for i in iso.INITS}
    return {(a, i, L): np.array([c.spectrum(a, L, q).variance for c in caches[i]])
            for a, i, q in CASES for L in DEPTHS}


@pytest.mark.parametrize("act,init,q", CASES)
def test_spectrum_variance_matches_the_moments_formula(measured, act, init, q):
    """Mean over 4 draws against L (mu_2/mu_1^2 - 1 - s_1), at width 200, depths 2-64.

    Tolerance: 3 standard errors of the 4-draw mean (the draws' own spread: the sample
    variance of lambda is dominated by the few largest lambda, and scatters by up to ~30 % per
    draw at L/n = 0.3), plus L/n for the finite width (the formula is the n -> infinity
    limit; at width 400 the 6-draw means deviate by at most 0.07 up to L = 16, 0.11 at
    L = 32 and 0.14 at L = 64, where L/n is 0.04, 0.08 and 0.16: data/08_spectrum.json)."""
    cp = iso.critical_point(act, q)
    for L in DEPTHS:
        th = iso.spectrum_variance_theory(L, cp.p_linear, init) if act != "tanh" else \
            L * (cp.mu2 / cp.mu1 ** 2 - 1)
        v = measured[act, init, L] / th
        se = v.std(ddof=1) / math.sqrt(len(v))
        assert abs(v.mean() - 1) <= 3 * se + L / WIDTH, (act, init, L, v)


def test_the_two_formulas_are_told_apart(measured):
    # the test above can fail: ReLU with orthogonal weights is far from the Gaussian value 2L
    for L in (32, 64):
        v = measured["relu", "orthogonal", L].mean()
        assert v < 0.7 * iso.spectrum_variance_theory(L, 0.5, "gaussian")
        assert v > 0.7 * iso.spectrum_variance_theory(L, 0.5, "orthogonal")


def test_orthogonal_linear_networks_are_exact_isometries():
    for L in (1, 5, 40):
        sp = iso.network_spectrum("linear", "orthogonal", L, 50, rng=np.random.default_rng(L))
        np.testing.assert_allclose(sp.singular_values, 1.0, atol=1e-12)
        assert sp.variance < 1e-20 and sp.condition() == pytest.approx(1.0)


def test_relu_and_hard_tanh_formulas_are_one_over_p():
    assert iso.critical_point("relu").p_linear == pytest.approx(0.5)
    cp = iso.critical_point("hard_tanh", 0.5)
    assert cp.mu1 == pytest.approx(math.erf(1 / math.sqrt(2 * 0.5)), rel=1e-9)
    assert cp.mu2 == pytest.approx(cp.mu1, rel=1e-12)
    assert iso.spectrum_variance_theory(8, 0.5, "gaussian") == 16
    assert iso.spectrum_variance_theory(8, 0.5, "orthogonal") == 8
    assert iso.spectrum_variance_theory(8, 1.0, "orthogonal") == 0


# ---------------------------------------------------------------- critical points


@pytest.mark.parametrize("q", [1 / 64, 0.05, 0.5, 2.0])
def test_tanh_critical_point_is_a_fixed_point_with_chi_1(q):
    cp = iso.critical_point("tanh", q)
    assert cp.sigma_w2 * cp.mu1 == pytest.approx(1.0, rel=1e-10)
    # the core's own fixed-point solver, an independent computation
    assert fixed_point_q("tanh", cp.sigma_w2, cp.sigma_b2) == pytest.approx(q, rel=1e-6)


@pytest.mark.parametrize("q", [0.1, 0.5, 2.0])
def test_hard_tanh_critical_point_by_direct_quadrature(q):
    cp = iso.critical_point("hard_tanh", q)
    # E[htanh(z)^2] for z ~ N(0, q) on a fine grid (trapezoid), independent of the package
    z = np.linspace(-12 * math.sqrt(q), 12 * math.sqrt(q), 400_001)
    pdf = np.exp(-z * z / (2 * q)) / math.sqrt(2 * math.pi * q)
    m2 = np.trapezoid(np.clip(z, -1, 1) ** 2 * pdf, z)
    p = math.erf(1 / math.sqrt(2 * q))
    assert cp.sigma_w2 == pytest.approx(1 / p, rel=1e-9)
    assert cp.sigma_b2 == pytest.approx(q - m2 / p, rel=1e-6, abs=1e-12)


def test_input_sits_at_the_fixed_point():
    # the first layer's pre-activations have variance q* (x = phi(z_0), z_0 ~ N(0, q*))
    cp = iso.critical_point("tanh", 0.5)
    c = iso.DrawCache("gaussian", 400, 0)
    Ws, bs = c.layers(1)
    x = np.tanh(math.sqrt(0.5) * c.u)
    z = x @ (math.sqrt(cp.sigma_w2) * Ws[0]) + math.sqrt(cp.sigma_b2) * bs[0]
    assert np.var(z) == pytest.approx(0.5, rel=0.2)


# ---------------------------------------------------------------- orthogonal draws


@pytest.mark.parametrize("shape", [(30, 30), (50, 20), (20, 50)])
def test_orthogonal_init_has_orthonormal_columns_or_rows(shape):
    W = init_weights("orthogonal", *shape, rng=np.random.default_rng(1), gain=1.5)
    a, b = shape
    G = W.T @ W if a >= b else W @ W.T
    np.testing.assert_allclose(G, 1.5 ** 2 * np.eye(min(a, b)), atol=1e-12)
    Q = iso.qr_orthogonal(a, b, rng=np.random.default_rng(2))
    G = Q.T @ Q if a >= b else Q @ Q.T
    np.testing.assert_allclose(G, np.eye(min(a, b)), atol=1e-12)


HAAR_N, HAAR_DRAWS = 4, 6000


def _haar_moments(draw):
    Qs = np.array([draw(np.random.default_rng(s)) for s in range(HAAR_DRAWS)])
    tr = np.trace(Qs, axis1=1, axis2=2)
    return Qs, tr


@pytest.mark.parametrize("source", ["init_weights", "qr_orthogonal"])
def test_orthogonal_draws_are_haar(source):
    """Haar measure on O(n): every entry has mean 0 and second moment 1/n; tr Q has mean 0 and
    E[(tr Q)^2] = 1 (n >= 2). 6000 draws of 4x4: standard errors 0.0065 (entries) and 0.013
    (E[tr^2], Var[tr^2] ~ 1); the bounds are 5 standard errors."""
    draw = ((lambda r: init_weights("orthogonal", HAAR_N, HAAR_N, rng=r))
            if source == "init_weights" else
            (lambda r: iso.qr_orthogonal(HAAR_N, HAAR_N, rng=r)))
    Qs, tr = _haar_moments(draw)
    assert np.abs(Qs.mean(axis=0)).max() < 5 * 0.5 / math.sqrt(HAAR_DRAWS)
    np.testing.assert_allclose((Qs ** 2).mean(axis=0), 1 / HAAR_N, atol=5 * 0.3 / math.sqrt(HAAR_DRAWS))
    assert abs(tr.mean()) < 5 / math.sqrt(HAAR_DRAWS)
    assert abs((tr ** 2).mean() - 1) < 5 * 1.1 / math.sqrt(HAAR_DRAWS)


def test_without_the_sign_correction_the_draws_are_not_haar():
    # the test above can fail: QR's own sign convention makes Q[0, 0] negative on every draw
    Qs, tr = _haar_moments(lambda r: iso.qr_orthogonal(HAAR_N, HAAR_N, rng=r, sign_fix=False))
    assert (Qs[:, 0, 0] < 0).all()
    assert abs(Qs[:, 0, 0].mean()) > 0.3


# ---------------------------------------------------------------- deep linear networks


def test_teacher_inputs_are_whitened():
    X, Y, T = iso.teacher_task(8, 64, rng=np.random.default_rng(0))
    np.testing.assert_allclose(X.T @ X / 64, np.eye(8), atol=1e-12)
    np.testing.assert_allclose(Y, X @ T)


def test_deep_linear_step_is_the_gradient():
    rng = np.random.default_rng(4)
    X, Y, _ = iso.teacher_task(5, 40, rng=rng)
    Ws = iso.draw_weights("gaussian", 5, 4, 1.0, rng=rng)
    before = [W.copy() for W in Ws]

    def loss(ws):
        M = np.linalg.multi_dot(ws)
        return 0.5 * np.sum((X @ M - Y) ** 2) / len(X)

    lr = 1e-3
    _, losses = iso.train_deep_linear(Ws, X, Y, lr=lr, max_steps=1, threshold=1e-9)
    assert losses[0] == pytest.approx(loss(before), rel=1e-12)
    eps = 1e-6
    for l in range(4):
        for (i, j) in [(0, 0), (2, 3), (4, 1)]:
            plus = [W.copy() for W in before]
            minus = [W.copy() for W in before]
            plus[l][i, j] += eps
            minus[l][i, j] -= eps
            g = (loss(plus) - loss(minus)) / (2 * eps)
            assert (before[l][i, j] - Ws[l][i, j]) / lr == pytest.approx(g, rel=1e-6, abs=1e-9)


def test_orthogonal_deep_linear_learns_in_depth_independent_time():
    X, Y, _ = iso.teacher_task(16, 256, rng=np.random.default_rng(0))
    median = []
    for L in (4, 32):
        steps = []
        for s in range(3):
            Ws = iso.draw_weights("orthogonal", 16, L, 1.0, rng=np.random.default_rng(s))
            hit, losses = iso.train_deep_linear(Ws, X, Y, lr=0.2 / L, max_steps=1000)
            assert hit is not None and losses[-1] <= 0.01 * losses[0]
            steps.append(hit)
        median.append(np.median(steps))
    # seeds scatter by a factor 3 (46-146 steps at depth 4); the medians by less than 2
    assert max(median) < 2 * min(median)
    Ws = iso.draw_weights("gaussian", 16, 32, 1.0, rng=np.random.default_rng(1))
    hit, _ = iso.train_deep_linear(Ws, X, Y, lr=0.2 / 32, max_steps=1000)
    assert hit is None


def test_train_regression_matches_the_loss_it_reports():
    X, Y, _ = iso.teacher_task(6, 30, rng=np.random.default_rng(0))
    net = MLP([6, 6, 6], activation="tanh", init="orthogonal", output_activation="linear", seed=0)
    _, losses = iso.train_regression(net, X, Y, lr=0.05, max_steps=20)
    assert len(losses) == 21 and losses[-1] < losses[0]
    assert losses[-1] == pytest.approx(0.5 * np.sum((net.forward(X) - Y) ** 2) / 30, rel=1e-12)


# ---------------------------------------------------------------- convolutions


def test_delta_orthogonal_conv_is_an_isometry():
    rng = np.random.default_rng(0)
    K = iso.delta_orthogonal(5, 8, 12, rng=rng)
    assert np.count_nonzero(np.any(K != 0, axis=(1, 2))) == 1 and np.any(K[2] != 0)
    for _ in range(3):
        x = rng.normal(size=(20, 8))
        y = iso.conv1d_circular(x, K)
        assert np.linalg.norm(y) == pytest.approx(np.linalg.norm(x), rel=1e-12)
    # conv1d_circular against a direct double loop
    K2 = rng.normal(size=(3, 2, 4))
    x = rng.normal(size=(7, 2))
    ref = np.array([[sum(x[(t + j - 1) % 7] @ K2[j][:, o] for j in range(3)) for o in range(4)]
                    for t in range(7)])
    np.testing.assert_allclose(iso.conv1d_circular(x, K2), ref, atol=1e-12)


def test_bad_input_is_refused_with_a_clear_message():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="odd"):
        iso.delta_orthogonal(4, 2, 2, rng=rng)
    with pytest.raises(ValueError, match="c_out"):
        iso.delta_orthogonal(3, 4, 2, rng=rng)
    with pytest.raises(ValueError, match="activation"):
        iso.critical_point("swish")
    with pytest.raises(ValueError, match="depth"):
        iso.draw_weights("orthogonal", 4, 0, 1.0, rng=rng)
    with pytest.raises(ValueError, match="init"):
        iso.DrawCache("uniform", 4, 0)
    with pytest.raises(TypeError, match="rng"):
        iso.teacher_task(4, 8, rng=0)
    with pytest.raises(ValueError, match="q_star"):
        iso.critical_point("tanh", 0.0)
    with pytest.raises(ValueError, match="fan_in 3"):
        iso.jacobian([np.ones((2, 4)), np.ones((3, 2))], None, "tanh", np.ones(2))
    with pytest.raises(ValueError, match="sigma_w2 and sigma_b2"):
        iso.network_spectrum("tanh", "gaussian", 2, 4, rng=rng, sigma_w2=1.0)


def test_draw_cache_extends_and_matches_a_fresh_draw():
    c = iso.DrawCache("orthogonal", 30, 9)
    short = [W.copy() for W in c.layers(3)[0]]
    long_, _ = c.layers(7)
    for a, b in zip(short, long_):
        np.testing.assert_array_equal(a, b)
    fresh, _ = iso.DrawCache("orthogonal", 30, 9).layers(7)
    for a, b in zip(long_, fresh):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- figures and dashboard


def test_log_density_accounts_for_every_value():
    from wi_helpers.plots.isometry import BIN, log_density
    lam = np.concatenate([np.zeros(5), np.full(10, 1e-20), np.ones(25), np.full(10, 30.0)])
    x, d, below = log_density(lam)
    assert below == pytest.approx(15 / 50)
    assert d.sum() * BIN == pytest.approx(35 / 50)
    assert d[np.argmin(np.abs(x))] * BIN == pytest.approx(25 / 50)


def test_figures_draw():
    from matplotlib.figure import Figure

    from wi_helpers.plots.isometry import curves_plot, depth_plot, spectrum_hist
    lam = np.random.default_rng(0).lognormal(size=100)
    assert isinstance(spectrum_hist({"a": {"G": lam, "O": np.ones(5)}}), Figure)
    v = np.array([[1.0, 2.0], [np.nan, 5.0]])
    fig = depth_plot([4, 8], {"x": v}, theory={"x": [1, 2]}, ylabel="y", budget=10)
    assert isinstance(fig, Figure)
    assert isinstance(curves_plot(np.arange(3), {"c": np.ones((2, 3))}, xlabel="s", ylabel="l"),
                      Figure)


def test_dashboard_updates_status_and_figure():
    from wi_helpers.widgets_spectrum import spectrum_dashboard
    d = spectrum_dashboard(activation="hard_tanh", init="orthogonal", depth=8, q_star=1 / 64,
                           width=50)
    assert "variance of lambda 0 (theory 0)" in d.status.value
    first = d.image.value
    d.controls["init"].value = "gaussian"
    assert d.image.value != first and "theory 8)" in d.status.value
    d.controls["activation"].value = "relu"
    assert "theory 16)" in d.status.value and "below 1e-8 of the largest" in d.status.value
    with pytest.raises(ValueError, match="q_star"):
        spectrum_dashboard(q_star=0.3)
