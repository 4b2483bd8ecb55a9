"""Theory against closed forms and against simulation of wide networks."""
import numpy as np
import pytest

import wi_helpers as wi
from wi_helpers import MLP, layer_stats, linear_theory, mean_field


def test_gaussian_expectation_closed_forms():
    q = np.array([0.0, 0.5, 2.0])
    np.testing.assert_allclose(wi.gaussian_expectation(lambda x: x**2, q), q, rtol=1e-12)
    np.testing.assert_allclose(wi.gaussian_expectation(lambda x: x**4, q), 3 * q**2, rtol=1e-12)
    relu = wi.get_activation("relu")
    np.testing.assert_allclose(wi.gaussian_expectation(lambda x: relu.fn(x) ** 2, q), q / 2, rtol=1e-12)
    np.testing.assert_allclose(wi.gaussian_expectation(lambda x: relu.deriv(x) ** 2, 1.0), 0.5, rtol=1e-12)
    # E[sigmoid(u)] = 1/2 by symmetry; E[tanh'(0 u)^2] = 1
    assert wi.gaussian_expectation(wi.get_activation("sigmoid").fn, 3.0) == pytest.approx(0.5, abs=1e-12)
    # Monte Carlo check of a non-trivial one: E[tanh(sqrt(2) u)^2]
    u = np.random.default_rng(0).standard_normal(2_000_000)
    assert wi.gaussian_expectation(lambda x: np.tanh(x) ** 2, 2.0) == pytest.approx(
        np.mean(np.tanh(np.sqrt(2) * u) ** 2), abs=1e-3)


def test_linear_theory_is_glorots_products():
    sizes = [100, 200, 50, 300]
    wv = np.array([0.01, 0.02, 0.005])
    p = linear_theory(sizes, wv, input_m2=2.0, output_grad_var=3.0, batch=4)
    # eq. (5): Var[z_l] = Var[x] prod_{k<=l} n_{k-1} Var[W_k]
    np.testing.assert_allclose(p.z_var, 2.0 * np.cumprod([100 * 0.01, 200 * 0.02, 50 * 0.005]))
    # eq. (6): Var[dL/dz_l] = Var[dL/dz_L] prod_{k>l} n_k Var[W_k]
    # (n_k = fan_out of layer k = 200, 50, 300)
    np.testing.assert_allclose(p.grad_z_var, 3.0 * np.array([(50 * 0.02) * (300 * 0.005),
                                                            300 * 0.005, 1.0]))
    np.testing.assert_allclose(p.grad_h_var[0], p.grad_z_var[0] * 200 * 0.01)
    # eq. (14): weight-gradient variance = batch * Var[h_{l-1}] * Var[dL/dz_l]
    np.testing.assert_allclose(p.grad_W_var, 4 * np.concatenate([[2.0], p.z_var[:-1]]) * p.grad_z_var)


def test_glorot_init_balances_both_passes_only_with_equal_widths():
    equal = linear_theory([400] * 6, wi.scheme_weight_var([400] * 6, "glorot_normal"))
    np.testing.assert_allclose(equal.z_var, 1.0)
    np.testing.assert_allclose(equal.grad_h_var, 1.0)
    lecun = linear_theory([400, 100, 50], wi.scheme_weight_var([400, 100, 50], "lecun_normal"))
    np.testing.assert_allclose(lecun.z_var, 1.0)          # forward condition holds...
    assert lecun.grad_h_var[0] == pytest.approx(100 / 400 * 50 / 100)  # ...the backward one not
    # the "standard" init shrinks the forward variance by 1/3 per layer
    std = linear_theory([400] * 6, wi.scheme_weight_var([400] * 6, "standard"))
    np.testing.assert_allclose(std.z_var, 3.0 ** -np.arange(1, 6))


def test_critical_points_match_the_literature():
    assert wi.critical_sigma_w2("tanh", 0.0) == pytest.approx(1.0, abs=1e-4)
    assert wi.critical_sigma_w2("tanh", 0.1) == pytest.approx(1.99, abs=0.01)  # REFERENCES.md
    assert wi.critical_sigma_w2("relu", 0.0) == pytest.approx(2.0, abs=1e-4)   # He et al.
    assert wi.chi_1("relu", 2.0) == pytest.approx(1.0)
    assert wi.chi_1("tanh", 0.5) == pytest.approx(0.5, abs=1e-9)  # q* = 0: chi = sigma_w^2 phi'(0)^2
    line = wi.order_chaos_line("tanh", [0.0, 0.05, 0.1, 0.3])
    assert np.all(np.diff(line) > 0)  # more bias needs larger weights to reach chaos
    with pytest.raises(ValueError, match="does not change sign"):
        wi.critical_sigma_w2("linear", 0.0, lo=2.0, hi=3.0)


def test_theory_bad_input():
    with pytest.raises(ValueError, match=r"weight_var must be a number or one number per layer \(2 values\)"):
        linear_theory([3, 3, 3], [0.1, 0.1, 0.1])
    with pytest.raises(ValueError, match="weight_var must be finite and >= 0"):
        mean_field([3, 3], "tanh", -1.0)
    with pytest.raises(ValueError, match="unknown activation"):
        mean_field([3, 3], "gelu", 1.0)
    with pytest.raises(ValueError, match="bias_var must be a finite number >= 0"):
        mean_field([3, 3], "tanh", 1.0, bias_var=-0.1)
    with pytest.raises(ValueError, match="batch must be a positive integer"):
        mean_field([3, 3], "tanh", 1.0, batch=0)


# Theory against simulation. Width 500, depth 10, batch 256, N(0, sigma_w^2/500) weights.
# Tolerances come from the seed-to-seed spread measured over 12 seeds (std of the log
# ratio simulation/theory, worst layer): tanh about 0.02 (activations) and 0.026
# (gradients); ReLU 0.30 and 0.12, because a finite-width ReLU net's squared norm is
# log-normal with variance about 5 L / n (Hanin & Rolnick 2018): 5*10/500 = 0.1, std 0.3.
# Each case averages `seeds` networks and allows 4 standard errors.
CASES = [("tanh", 0.5, 1, 0.02, 0.026), ("tanh", 1.0, 1, 0.02, 0.026),
         ("tanh", 2.0, 1, 0.02, 0.026), ("tanh", 4.0, 1, 0.02, 0.026),
         ("relu", 1.5, 6, 0.30, 0.12), ("relu", 2.0, 6, 0.30, 0.12), ("relu", 2.5, 6, 0.30, 0.12)]


@pytest.mark.parametrize("activation,sigma_w2,seeds,spread_h,spread_g", CASES)
def test_mean_field_matches_wide_network(activation, sigma_w2, seeds, spread_h, spread_g):
    sizes = [500] * 11
    p = mean_field(sizes, activation, sigma_w2 / 500, batch=256)
    log_h, log_g, log_w = [], [], []
    for seed in range(seeds):
        net = MLP(sizes, activation=activation, init="normal", std=np.sqrt(sigma_w2 / 500), seed=seed)
        s = layer_stats(net, batch=256, rng=np.random.default_rng(1000 + seed))
        log_h.append(np.log(s.h_m2 / p.h_m2))
        log_g.append(np.log(s.grad_h_var / p.grad_h_var))
        log_w.append(np.log(s.grad_W_var / p.grad_W_var))
    tol_h, tol_g = 4 * spread_h / np.sqrt(seeds), 4 * spread_g / np.sqrt(seeds)
    assert np.abs(np.mean(log_h, axis=0)).max() < tol_h
    assert np.abs(np.mean(log_g, axis=0)).max() < tol_g
    assert np.abs(np.mean(log_w, axis=0)).max() < 2 * tol_g
    # and the comparison discriminates: sigma_w^2 50% larger moves the prediction by far
    # more than the tolerance, at some layer
    q = mean_field(sizes, activation, 1.5 * sigma_w2 / 500, batch=256)
    assert max(np.abs(np.log(q.h_m2 / p.h_m2)).max(),
               np.abs(np.log(q.grad_h_var / p.grad_h_var)).max()) > 3 * max(tol_h, tol_g)


def test_standard_init_shrinks_tanh_activations_as_predicted():
    # Glorot & Bengio's setting: tanh, standard init, 500 units, 10 layers.
    sizes = [500] * 11
    net = MLP(sizes, activation="tanh", init="standard", seed=0)
    s = layer_stats(net, batch=500, rng=np.random.default_rng(0))
    p = mean_field(sizes, "tanh", wi.scheme_weight_var(sizes, "standard"), batch=500)
    np.testing.assert_allclose(s.h_m2, p.h_m2, rtol=0.1)
    assert s.h_std[-1] < 0.5 * s.h_std[0]
