"""wi_helpers.lessons: the scalar chain equals back-propagation, the sweep follows its theory."""
import math

import numpy as np
import pytest

from wi_helpers import MLP, get_activation
from wi_helpers.lessons import chain_factors, second_moment_parts, weight_scale_sweep


@pytest.mark.parametrize("activation", ["linear", "tanh", "sigmoid", "softsign"])
@pytest.mark.parametrize("depth", [1, 5, 40])
def test_chain_equals_backward_of_a_one_unit_wide_mlp(activation, depth):
    net = MLP([1] * (depth + 1), activation=activation, init="normal", std=1.3, bias_std=0.5,
              seed=depth)
    x = -0.7
    net.forward(np.array([[x]]))
    grads = net.backward(np.ones((1, 1)))
    chain = chain_factors([W[0, 0] for W in net.weights], x, activation,
                          biases=[b[0] for b in net.biases])
    assert chain.grad_input == grads.h[0][0, 0]  # same operations, same order: bit for bit
    assert np.array_equal(chain.h, [h[0, 0] for h in net.h])
    assert np.array_equal(chain.z, [z[0, 0] for z in net.z])


def test_chain_factors_are_weight_times_slope():
    w = [0.5, -2.0, 3.0]
    chain = chain_factors(w, 0.3, "tanh")
    act = get_activation("tanh")
    z1 = 0.5 * 0.3
    assert chain.z[0] == pytest.approx(z1)
    assert chain.factors[0] == pytest.approx(0.5 * (1 - math.tanh(z1) ** 2))
    assert chain.grad_input == pytest.approx(np.prod(w * act.deriv(chain.z)))
    # a linear chain of equal weights is a power
    assert chain_factors([0.9] * 10, 1.0, "linear").grad_input == pytest.approx(0.9 ** 10)


def test_long_chain_underflows_quietly():
    chain = chain_factors([0.01] * 400, 1.0, "linear")  # 1e-800: below float64
    assert chain.grad_input == 0.0


@pytest.mark.parametrize("kwargs, message", [
    (dict(weights=[], x=1.0), "non-empty"),
    (dict(weights=[[1.0]], x=1.0), "1-D"),
    (dict(weights=[1.0, np.nan], x=1.0), "finite"),
    (dict(weights=[1.0], x=float("inf")), "x must be a finite number"),
    (dict(weights=[1.0, 2.0], x=1.0, biases=[0.0]), "one number per layer"),
    (dict(weights=[1.0], x=1.0, activation="cosine"), "unknown activation"),
])
def test_chain_factors_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        chain_factors(**kwargs)


def test_chain_factors_rejects_a_string():
    with pytest.raises(TypeError, match="weights must be a sequence"):
        chain_factors("0.5", 1.0)


def test_weight_scale_sweep_linear_follows_the_power_law():
    sweep = weight_scale_sweep([0.8, 1.0, 1.25], width=128, depth=12, activation="linear",
                               batch=64, seed=3)
    assert list(sweep) == ["σw² = 0.8", "σw² = 1", "σw² = 1.25"]
    L = 12
    for (stats, pred), s2 in zip(sweep.values(), (0.8, 1.0, 1.25)):
        assert np.allclose(pred.grad_h_var, s2 ** (L - np.arange(L + 1)))
        assert pred.name == "linear regime"
        # one finite network scatters around the prediction; 12 layers of 128: well within 2x
        ratio = stats.grad_h_var / pred.grad_h_var
        assert np.all((ratio > 0.5) & (ratio < 2.0)), ratio
    # same seed: the networks differ only by their scale, so profiles are exact multiples
    a, b = sweep["σw² = 1"][0].grad_h_var, sweep["σw² = 1.25"][0].grad_h_var
    assert np.allclose(b / a, 1.25 ** (L - np.arange(L + 1)), rtol=1e-9)


def test_weight_scale_sweep_is_deterministic_and_uses_mean_field_for_tanh():
    one = weight_scale_sweep([2.0], width=32, depth=5, activation="tanh", batch=16, seed=7)
    two = weight_scale_sweep([2.0], width=32, depth=5, activation="tanh", batch=16, seed=7)
    (s1, p1), (s2, _) = one["σw² = 2"], two["σw² = 2"]
    assert np.array_equal(s1.grad_h_var, s2.grad_h_var)
    assert p1.name == "mean field"
    other = weight_scale_sweep([2.0], width=32, depth=5, activation="tanh", batch=16, seed=8)
    assert not np.array_equal(s1.grad_h_var, other["σw² = 2"][0].grad_h_var)


@pytest.mark.parametrize("kwargs, exc, message", [
    (dict(sigma_w2=1.0), TypeError, "sigma_w2 must be a sequence"),
    (dict(sigma_w2=[]), ValueError, "at least one"),
    (dict(sigma_w2=[-1.0]), ValueError, "sigma_w2 must be a finite number > 0"),
    (dict(sigma_w2=[1.0], width=0), ValueError, "width must be an integer >= 1"),
    (dict(sigma_w2=[1.0], depth=2.5), ValueError, "depth must be an integer >= 1"),
    (dict(sigma_w2=[1.0], activation="nope"), ValueError, "unknown activation"),
])
def test_weight_scale_sweep_rejects_bad_input(kwargs, exc, message):
    args = dict(width=8, depth=2) | kwargs
    with pytest.raises(exc, match=message):
        weight_scale_sweep(**args)


def test_second_moment_parts_decomposes():
    rng = np.random.default_rng(0)
    h = 0.5 + 0.2 * rng.standard_normal((200, 50))
    parts = second_moment_parts(h)
    assert parts.mean == pytest.approx(h.mean())
    assert parts.var == pytest.approx(h.var())
    assert parts.m2 == pytest.approx(np.mean(h ** 2))
    assert parts.m2 == pytest.approx(parts.var + parts.mean ** 2)
    assert parts.mean_share == pytest.approx(parts.mean ** 2 / parts.m2)
    assert second_moment_parts(np.zeros(3)).mean_share == 0.0


def test_second_moment_parts_rejects_bad_input():
    with pytest.raises(ValueError, match="non-empty numeric"):
        second_moment_parts(np.zeros(0))
    with pytest.raises(ValueError, match="finite"):
        second_moment_parts(np.array([1.0, np.inf]))
