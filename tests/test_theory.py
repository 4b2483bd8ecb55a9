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


# --- Gaussian expectations over the whole range a slider reaches -----------------------------

def _reference_expectation(f, q, n=40001):
    """Independent rule: x = c sinh(t) with c = min(sqrt(q), 1), Simpson in t on each half-line.

    The substitution packs nodes near x = 0 at spacing c*dt (resolving phi's width-1 features
    and the Gaussian when it is narrower) and spreads them logarithmically over the Gaussian's
    width; halving n changes the result by < 1e-12 relative for these integrands.
    """
    s = np.sqrt(q)
    c = min(s, 1.0)
    t = np.linspace(0.0, np.arcsinh(12.0 * s / c), n)
    h, total = t[1] - t[0], 0.0
    for sign in (1.0, -1.0):
        x = sign * c * np.sinh(t)
        g = f(x) * np.exp(-0.5 * (x / s) ** 2) / (s * np.sqrt(2 * np.pi)) * c * np.cosh(t)
        total += h / 3 * (g[0] + g[-1] + 4 * g[1:-1:2].sum() + 2 * g[2:-1:2].sum())
    return total


BOUNDED = ["sigmoid", "tanh", "lecun_tanh", "softsign"]
Q_GRID = np.logspace(-8, 8, 33)


@pytest.mark.parametrize("name", BOUNDED)
def test_gaussian_expectation_matches_an_independent_rule_from_1e_8_to_1e8(name):
    act = wi.get_activation(name)
    for f in (lambda x: act.fn(x) ** 2, lambda x: act.deriv(x) ** 2):
        got = wi.gaussian_expectation(f, Q_GRID)
        ref = np.array([_reference_expectation(f, q) for q in Q_GRID])
        np.testing.assert_allclose(got, ref, rtol=1e-8, atol=0)
    # the mean too (0 for the odd ones: compare on the scale of E[|phi|])
    got = wi.gaussian_expectation(act.fn, Q_GRID)
    ref = np.array([_reference_expectation(act.fn, q) for q in Q_GRID])
    scale = np.array([_reference_expectation(lambda x: np.abs(act.fn(x)), q) for q in Q_GRID])
    assert np.all(np.abs(got - ref) <= 1e-8 * scale)


@pytest.mark.parametrize("name,c2,d2", [("linear", 1.0, 1.0), ("relu", 0.5, 0.5),
                                         ("leaky_relu", (1 + 0.01**2) / 2, (1 + 0.01**2) / 2)])
def test_gaussian_expectation_exact_for_the_piecewise_linear_ones(name, c2, d2):
    # E[phi(sqrt(q) u)^2] = c2 q and E[phi'^2] = d2 at every scale (kinks at 0 cost nothing)
    act = wi.get_activation(name)
    np.testing.assert_allclose(wi.gaussian_expectation(lambda x: act.fn(x) ** 2, Q_GRID),
                               c2 * Q_GRID, rtol=1e-12)
    np.testing.assert_allclose(wi.gaussian_expectation(lambda x: act.deriv(x) ** 2, Q_GRID),
                               d2, rtol=1e-12)


def test_gaussian_expectation_the_values_the_old_rule_got_wrong():
    # A fixed 100-node Gauss-Hermite rule gave 0.0063, 1e-8 and 0.99995 here
    tanh = wi.get_activation("tanh")
    d2 = lambda x: tanh.deriv(x) ** 2  # noqa: E731
    assert wi.gaussian_expectation(d2, 100.0) == pytest.approx(_reference_expectation(d2, 100.0), rel=1e-10)
    assert wi.gaussian_expectation(d2, 100.0) == pytest.approx(0.0531, abs=5e-5)
    assert wi.gaussian_expectation(d2, 1000.0) == pytest.approx(0.0168, abs=5e-5)
    assert wi.gaussian_expectation(lambda x: np.tanh(x) ** 2, 1000.0) == pytest.approx(0.9748, abs=5e-5)
    # large q: E[tanh'(x)^2] -> (4/3) / sqrt(2 pi q) (the area of sech^4 times the density at 0)
    assert wi.gaussian_expectation(d2, 1e8) == pytest.approx(4 / 3 / np.sqrt(2 * np.pi * 1e8), rel=1e-6)
    assert wi.gaussian_expectation(d2, np.inf) == 0.0
    with pytest.raises(ValueError, match="q must be variances >= 0"):
        wi.gaussian_expectation(d2, -1.0)


@pytest.mark.parametrize("name", BOUNDED)
@pytest.mark.parametrize("sigma_w2", [10.0, 100.0, 1e3, 1e4])
def test_fixed_point_and_chi_1_at_large_weights(name, sigma_w2):
    # q* solves q = sigma_w2 E[phi^2] (checked with the independent rule), and chi_1 is
    # sigma_w2 E[phi'^2] there, both to 1e-8
    act = wi.get_activation(name)
    q = wi.fixed_point_q(name, sigma_w2)
    assert q > 0
    rhs = sigma_w2 * _reference_expectation(lambda x: act.fn(x) ** 2, q)
    assert rhs == pytest.approx(q, rel=1e-8)
    chi = wi.chi_1(name, sigma_w2)
    assert chi == pytest.approx(sigma_w2 * _reference_expectation(lambda x: act.deriv(x) ** 2, q), rel=1e-8)


def test_chi_1_tanh_chaotic_values():
    assert wi.chi_1("tanh", 100.0) == pytest.approx(5.5449, abs=2e-4)   # old rule: 0.714
    assert wi.chi_1("tanh", 256.0) == pytest.approx(8.7312, abs=2e-4)   # old rule: 0.0449
    # chi_1 grows roughly like sigma_w: E[phi'^2] falls like 1/sqrt(q*), q* ~ sigma_w^2
    assert wi.chi_1("tanh", 1e4) / wi.chi_1("tanh", 100.0) == pytest.approx(10.0, rel=0.05)


def test_critical_points_of_every_bounded_activation():
    # sigmoid's bracket lies beyond the old default hi = 20: widened automatically
    s = wi.critical_sigma_w2("sigmoid")
    assert wi.chi_1("sigmoid", s) == pytest.approx(1.0, abs=1e-5)
    assert 50 < s < 200
    for name in ["tanh", "softsign"]:  # phi'(0) = 1, q* = 0 below: sigma_w^2 = 1 exactly
        assert wi.critical_sigma_w2(name) == pytest.approx(1.0, abs=1e-5)
    lecun = wi.critical_sigma_w2("lecun_tanh")  # phi'(0)^2 = (1.7159 * 2/3)^2
    assert lecun == pytest.approx(1 / (1.7159 * 2 / 3) ** 2, rel=1e-5)
    with pytest.raises(ValueError, match="does not change sign"):
        wi.critical_sigma_w2("sigmoid", hi=20.0)  # an explicit hi is used as given


@pytest.mark.parametrize("kwargs,err,match", [
    (dict(tol=0), ValueError, "tol must be a finite number"),
    (dict(tol=-1), ValueError, "tol must be a finite number"),
    (dict(tol=float("nan")), ValueError, "tol must be"),
    (dict(tol="1e-6"), TypeError, "tol must be"),
    (dict(lo=0.0), ValueError, "lo must be a finite number > 0"),
    (dict(lo=5.0, hi=1.0), ValueError, "lo must be below hi"),
    (dict(hi=float("inf")), ValueError, "hi must be a finite number"),
    (dict(sigma_b2=-1.0), ValueError, "sigma_b2 must be a finite number >= 0"),
])
def test_critical_sigma_w2_bad_arguments(kwargs, err, match):
    with pytest.raises(err, match=match):
        wi.critical_sigma_w2("tanh", **kwargs)


def test_weight_var_refuses_strings_and_booleans():
    for bad in ["0.01", True, [0.1, "x"], 1j]:
        with pytest.raises(TypeError, match="weight_var must be a number or a sequence of numbers"):
            linear_theory([3, 3, 3], bad)
        with pytest.raises(TypeError, match="weight_var must be"):
            mean_field([3, 3, 3], "tanh", bad)


# Mean field against simulation in the exploding regime. Tolerances: 4 standard errors of the
# seed mean, from the seed-to-seed standard deviation of the per-layer log ratio
# simulation/theory measured over 8 seeds (worst layer): activations sd_h, gradients sd_g.
# At std = 10 the pre-activations have variance ~2.6e4, so only ~1 unit in 160 has a slope
# that is not ~0; mean field needs many such units per example, hence width 1024 there.
EXPLODING = [
    ("tanh", "normal", dict(std=1.0), 256, 0.002, 0.16),
    ("tanh", "normal", dict(std=10.0), 1024, 0.001, 0.71),
    ("tanh", "glorot_normal", dict(gain=4.0), 256, 0.002, 0.06),
    ("sigmoid", "normal", dict(std=1.0), 256, 0.08, 0.21),
    ("sigmoid", "normal", dict(std=10.0), 1024, 0.033, 0.25),
    ("sigmoid", "glorot_normal", dict(gain=4.0), 256, 0.094, 0.21),
    ("softsign", "normal", dict(std=1.0), 256, 0.002, 0.25),
    ("softsign", "normal", dict(std=10.0), 1024, 0.001, 0.67),
    ("softsign", "glorot_normal", dict(gain=4.0), 256, 0.005, 0.06),
]


@pytest.mark.parametrize("activation,init,kw,width,sd_h,sd_g", EXPLODING)
def test_mean_field_matches_simulation_in_the_exploding_regime(activation, init, kw, width, sd_h, sd_g):
    sizes = [width] * 11
    seeds = 3 if width > 256 else 6
    p = mean_field(sizes, activation, wi.scheme_weight_var(sizes, init, **kw))
    log_h, log_g = [], []
    for seed in range(seeds):
        net = MLP(sizes, activation=activation, init=init, seed=seed, **kw)
        s = layer_stats(net, batch=256, rng=np.random.default_rng(1000 + seed), weight_grads=False)
        log_h.append(np.log(s.h_m2 / p.h_m2))
        log_g.append(np.log(s.grad_h_var / p.grad_h_var))
    tol_h = max(4 * sd_h / np.sqrt(seeds), 0.01)
    tol_g = 4 * sd_g / np.sqrt(seeds)
    assert np.abs(np.mean(log_h, axis=0)).max() < tol_h
    assert np.abs(np.mean(log_g, axis=0)).max() < tol_g
    # the agreement means something: the predicted change of the gradient over the 10 layers
    # is far larger than the tolerance wherever it is large (chaotic cases: 1e2 to 1e22)
    growth = np.log(p.grad_h_var[0] / p.grad_h_var[-1])
    if abs(growth) > 3:
        assert abs(growth) > 3 * tol_g
