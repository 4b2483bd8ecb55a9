"""Tests for wi_helpers.lessons.nb07: gains, fans, translator, truncation, telescoping."""
import math

import numpy as np
import pytest

import wi_helpers as wi

from wi_helpers.lessons import nb07 as L


def test_relu_second_moment_gain_matches_calculate_gain():
    # E[relu(u)^2] = 1/2 for u ~ N(0,1), so the kept-second-moment gain is sqrt 2 = calculate_gain('relu')
    assert L.second_moment_gain(lambda x: np.maximum(x, 0.0)) == pytest.approx(L.STATED_TORCH_GAINS["relu"], rel=1e-10)
    assert L.torch_gain("relu")[0] == pytest.approx(math.sqrt(2))


def test_tanh_gain_5_3_is_none_of_the_unit_input_criteria():
    g2 = L.second_moment_gain(np.tanh)
    gs = L.slope_gain(lambda x: 1 - np.tanh(x) ** 2)
    assert 1.5 < g2 < 1.7 and 1.4 < gs < 1.5
    assert abs(g2 - 5 / 3) > 0.02 and abs(gs - 5 / 3) > 0.1


def test_leaky_gain():
    assert L.leaky_gain(0.0) == pytest.approx(math.sqrt(2))
    assert L.leaky_gain(1.0) == pytest.approx(1.0)
    a = 0.2
    f = lambda x: np.where(x > 0, x, a * x)  # noqa: E731
    assert L.second_moment_gain(f) == pytest.approx(L.leaky_gain(a), rel=1e-10)
    with pytest.raises(ValueError, match="a"):
        L.leaky_gain(-1)


def test_torch_linear_default_variance_sampled():
    n = 50
    assert L.torch_linear_default_var(n) == pytest.approx(1 / (3 * n))
    w = np.random.default_rng(0).uniform(-1 / math.sqrt(n), 1 / math.sqrt(n), 200_000)
    assert w.var() == pytest.approx(L.torch_linear_default_var(n), rel=0.01)


def test_conv_fans_direct_count():
    c_out, c_in, k, g = 8, 6, 3, 2
    w = np.zeros((c_out, c_in // g, k, k))
    fan_in, fan_out = L.conv_fans(c_out, c_in, k, g)
    # fan_in: weights feeding one output unit; fan_out as torch counts it: size(0) * receptive field
    assert fan_in == w[0].size
    assert fan_out == w.shape[0] * w[0, 0].size
    with pytest.raises(ValueError, match="groups"):
        L.conv_fans(8, 6, 3, 4)


def test_translator_swaps():
    assert L.fan_from_shape((784, 10), "numpy") == (784, 10)
    assert L.fan_from_shape((10, 784), "torch") == (784, 10)
    # passing a NumPy-layout array to a torch-layout reader silently swaps the fans
    assert L.fan_from_shape((784, 10), "torch") == (10, 784)
    with pytest.raises(ValueError, match="layout"):
        L.fan_from_shape((2, 3), "jax")


def test_telescoping_ratio():
    sizes = [784, 256, 64, 32, 10]
    assert L.telescoping_ratio(sizes) == pytest.approx(784 / 10)
    assert L.telescoping_ratio([32, 1]) == pytest.approx(32)


def test_truncated_std_keras_constant_and_sampled():
    assert L.truncated_std(-2, 2) == pytest.approx(L.KERAS_TRUNC_CONSTANT, rel=1e-12)
    x = L.sample_truncated(1.0, -2.0, 2.0, 200_000, rng=np.random.default_rng(1))
    assert x.min() >= -2 and x.max() <= 2
    assert x.std() == pytest.approx(0.8796, rel=0.01)


def _grid_expectation(f):
    # independent reference: a fine Riemann sum of f(u) phi(u) over [-12, 12]
    u = np.linspace(-12, 12, 400_000)  # even count: no node on the kink at 0
    return float(np.sum(f(u) * np.exp(-u * u / 2)) * (u[1] - u[0]) / np.sqrt(2 * np.pi))


def test_gains_table_against_grid_and_stated():
    rows = {r["activation"]: r for r in L.gains_table()}
    assert set(rows) == set(L.STATED_TORCH_GAINS)
    for name, (f, fp) in L.GAIN_ACTIVATIONS.items():
        r = rows[name]
        m1, m2 = _grid_expectation(f), _grid_expectation(lambda u: f(u) ** 2)
        assert r["second_moment"] == pytest.approx(1 / np.sqrt(m2), rel=1e-6)
        assert r["variance"] == pytest.approx(1 / np.sqrt(m2 - m1 ** 2), rel=1e-6)
        assert r["slope"] == pytest.approx(1 / np.sqrt(_grid_expectation(lambda u: fp(u) ** 2)),
                                           rel=1e-5)
        assert r["source"] in ("torch", "stated")
        if r["source"] == "stated":
            assert r["torch"] == L.STATED_TORCH_GAINS[name]
    assert rows["relu"]["second_moment"] == pytest.approx(np.sqrt(2), rel=1e-9)
    assert rows["relu"]["variance"] == pytest.approx(1 / np.sqrt(0.5 - 1 / (2 * np.pi)), rel=1e-9)
    assert rows["selu"]["second_moment"] == pytest.approx(1.0, abs=1e-6)  # self-normalizing
    # edge of chaos without biases: tanh and linear at 1, relu at sqrt 2
    assert rows["tanh"]["edge"] == pytest.approx(1.0, rel=1e-5)
    assert rows["linear"]["edge"] == pytest.approx(1.0, rel=1e-5)
    assert rows["relu"]["edge"] == pytest.approx(np.sqrt(2), rel=1e-5)
    # the logistic's edge lies far out (its slope is 1/4 at most): sigma_w^2 = 103, gain 10.15
    assert wi.chi_1("sigmoid", rows["sigmoid"]["edge"] ** 2) == pytest.approx(1.0, abs=1e-5)
    assert 10.0 < rows["sigmoid"]["edge"] < 10.3 and np.isnan(rows["selu"]["edge"])


def test_he_std_modes_and_errors():
    assert L.he_std(100, 400) == pytest.approx(np.sqrt(2 / 100))
    assert L.he_std(100, 400, mode="fan_out") == pytest.approx(np.sqrt(2 / 400))
    assert L.he_std(100, 400, a=1.0) == pytest.approx(np.sqrt(1 / 100))
    with pytest.raises(ValueError, match="mode"):
        L.he_std(1, 1, mode="fan_avg")
    with pytest.raises(ValueError, match="fan_in"):
        L.he_std(0, 1)


def test_conv1d_against_direct_loops():
    rng = np.random.default_rng(3)
    x, W = rng.standard_normal((2, 3, 7)), rng.standard_normal((4, 3, 5))
    out = L.conv1d(x, W)
    ref = np.zeros((2, 4, 7))
    for b in range(2):
        for o in range(4):
            for t in range(7):
                for c in range(3):
                    for j in range(5):
                        ref[b, o, t] += W[o, c, j] * x[b, c, (t + j - 2) % 7]
    assert np.allclose(out, ref)
    with pytest.raises(ValueError, match="c_in"):
        L.conv1d(x, rng.standard_normal((4, 2, 5)))


def test_conv_stack_keeps_variance_with_fan_in_only():
    rng = np.random.default_rng(0)
    ch = [16, 64, 64, 64, 64]
    ok = L.conv_stack_m2(ch, 5, "fan_in", batch=16, length=64, rng=rng)
    assert np.all(np.abs(np.log(ok)) < np.log(1.5))
    wrong = L.conv_stack_m2(ch, 5, "c_in", batch=16, length=64, rng=rng)
    assert wrong[-1] == pytest.approx(5.0 ** 4, rel=0.5)  # grows by k per layer
    out = L.conv_stack_m2(ch, 5, "fan_out", batch=16, length=64, rng=rng)
    assert out[-1] == pytest.approx(16 / 64, rel=0.5)  # telescopes to c_0 / c_L
    with pytest.raises(ValueError, match="fan"):
        L.conv_stack_m2(ch, 5, "fan_avg", batch=2, length=4, rng=rng)
