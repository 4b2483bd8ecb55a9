"""wi_helpers.lessons.relu_he (notebook 07): gains by criterion, telescoping, convolutions."""
import math

import numpy as np
import pytest

import wi_helpers as wi

from wi_helpers import conventions as C
from wi_helpers.lessons import relu_he as L


def test_relu_second_moment_gain_matches_calculate_gain():
    # E[relu(u)^2] = 1/2 for u ~ N(0,1): the kept-second-moment gain is sqrt 2, relu's gain
    assert L.second_moment_gain(lambda x: np.maximum(x, 0.0)) == pytest.approx(math.sqrt(2),
                                                                             rel=1e-10)
    assert C.calculate_gain("relu") == pytest.approx(math.sqrt(2))


def test_tanh_gain_5_3_is_none_of_the_unit_input_criteria():
    g2 = L.second_moment_gain(np.tanh)
    gs = L.slope_gain(lambda x: 1 - np.tanh(x) ** 2)
    assert 1.5 < g2 < 1.7 and 1.4 < gs < 1.5
    assert abs(g2 - 5 / 3) > 0.02 and abs(gs - 5 / 3) > 0.1


def test_telescoping_ratio():
    sizes = [784, 256, 64, 32, 10]
    assert L.telescoping_ratio(sizes) == pytest.approx(784 / 10)
    assert L.telescoping_ratio([32, 1]) == pytest.approx(32)
    with pytest.raises(ValueError, match="two widths"):
        L.telescoping_ratio([5])
    with pytest.raises(TypeError, match=r"sizes\[1\]"):
        L.telescoping_ratio([5, True])


def _grid_expectation(f):
    # independent reference: a fine Riemann sum of f(u) phi(u) over [-12, 12]
    u = np.linspace(-12, 12, 400_000)  # even count: no node on the kink at 0
    return float(np.sum(f(u) * np.exp(-u * u / 2)) * (u[1] - u[0]) / np.sqrt(2 * np.pi))


def test_gains_table_against_grid_and_stated():
    rows = {r["activation"]: r for r in L.gains_table()}
    assert set(rows) == set(L.GAIN_ACTIVATIONS)
    for name, (f, fp) in L.GAIN_ACTIVATIONS.items():
        r = rows[name]
        m1, m2 = _grid_expectation(f), _grid_expectation(lambda u: f(u) ** 2)
        assert r["second_moment"] == pytest.approx(1 / np.sqrt(m2), rel=1e-6)
        assert r["variance"] == pytest.approx(1 / np.sqrt(m2 - m1 ** 2), rel=1e-6)
        assert r["slope"] == pytest.approx(1 / np.sqrt(_grid_expectation(lambda u: fp(u) ** 2)),
                                           rel=1e-5)
        assert r["torch"] == C.calculate_gain(name)
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


def test_conv_transpose1d_against_direct_loops():
    rng = np.random.default_rng(5)
    for stride in (1, 2):
        x, W = rng.standard_normal((2, 3, 6)), rng.standard_normal((3, 4, 3))
        out = L.conv_transpose1d(x, W, stride=stride)
        m = 6 * stride
        ref = np.zeros((2, 4, m))
        for b in range(2):
            for c in range(3):
                for t in range(6):
                    for o in range(4):
                        for j in range(3):
                            ref[b, o, (stride * t + j - 1) % m] += x[b, c, t] * W[c, o, j]
        assert np.allclose(out, ref)
    with pytest.raises(TypeError, match="stride"):
        L.conv_transpose1d(x, W, stride=True)
