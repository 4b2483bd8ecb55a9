"""wi_helpers.lessons: the scalar chain equals back-propagation, the sweep follows its theory."""
import math

import numpy as np
import pytest

from wi_helpers import MLP, get_activation
from wi_helpers.lessons.nb01 import chain_factors, weight_scale_sweep


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
    (dict(sigma_w2=[1.0], width=0), ValueError, "width must be a positive integer, got 0"),
    (dict(sigma_w2=[1.0], depth=2.5), TypeError, "depth must be a positive integer, got 2.5 of type float"),
    (dict(sigma_w2=[1.0], activation="nope"), ValueError, "unknown activation"),
])
def test_weight_scale_sweep_rejects_bad_input(kwargs, exc, message):
    args = dict(width=8, depth=2) | kwargs
    with pytest.raises(exc, match=message):
        weight_scale_sweep(**args)


# ------------------------------------------------------------------ q recursion
from pathlib import Path  # noqa: E402

import nbformat  # noqa: E402

from wi_helpers.lessons.nb01 import q_recursion  # noqa: E402


def test_q_recursion_of_a_linear_network_is_geometric():
    rec = q_recursion("linear", 1.25, q0=2.0, depth=6)
    assert np.allclose(rec.q, 2.0 * 1.25 ** np.arange(6), rtol=1e-9)
    assert np.allclose(rec.chi, 1.25, rtol=1e-9)


@pytest.mark.parametrize("sigma_w2", [0.5, 2.0, 100.0])
def test_q_recursion_matches_monte_carlo_even_for_large_q(sigma_w2):
    # independent reference: sample u ~ N(0, 1) and average; the dense grid must agree to
    # Monte Carlo precision even at q ~ 90, where a few Gauss-Hermite nodes would not
    rec = q_recursion("tanh", sigma_w2, q0=sigma_w2, depth=60)
    u = np.random.default_rng(0).standard_normal(2_000_000)
    x = np.sqrt(rec.q_star) * u
    assert rec.q[-1] == pytest.approx(sigma_w2 * np.mean(np.tanh(x) ** 2), rel=3e-3)
    assert rec.chi_1 == pytest.approx(sigma_w2 * np.mean((1 - np.tanh(x) ** 2) ** 2), rel=1e-2)


def test_q_recursion_chi_of_a_wide_chaotic_network_matches_its_simulation():
    # N(0, 1) weights, width 100: the measured per-layer gradient growth is near chi_1
    rec = q_recursion("tanh", 100.0, q0=100.0, depth=50)
    net = MLP([100] * 21, activation="tanh", init="normal", std=1.0, seed=3)
    from wi_helpers import layer_stats
    stats = layer_stats(net, batch=256, rng=np.random.default_rng(3))
    per_layer = (stats.grad_h_var[0] / stats.grad_h_var[-1]) ** (1 / 20)
    assert rec.chi_1 == pytest.approx(5.54, abs=0.02)
    assert per_layer == pytest.approx(rec.chi_1, rel=0.2)


@pytest.mark.parametrize("kwargs, word", [({"sigma_w2": -1.0}, "sigma_w2"), ({"q0": 0.0}, "q0"),
                                          ({"depth": 0}, "depth")])
def test_q_recursion_rejects_bad_input_by_name(kwargs, word):
    args = {"sigma_w2": 1.0, "q0": 1.0, "depth": 3} | kwargs
    with pytest.raises(ValueError, match=word):
        q_recursion("tanh", args["sigma_w2"], q0=args["q0"], depth=args["depth"])


# ------------------------------------------------ exercises in every notebook of the series
NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_solution_is_shown_before_the_learner_tries(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        # solutions live in <details> markdown, not in (hidden) code cells GitHub would show
        assert not cell.metadata.get("jupyter", {}).get("source_hidden"), cell.id
        for out in cell.outputs:
            text = out.get("text", "") + str(out.get("data", {}).get("text/plain", ""))
            assert "Correct" not in text, f"{path.name} cell {cell.id} stores a solved exercise"
    details = [c for c in nb.cells if c.cell_type == "markdown" and "<details>" in c.source]
    assert details, f"{path.name} has no collapsed solution"
    assert all("</details>" in c.source for c in details)
