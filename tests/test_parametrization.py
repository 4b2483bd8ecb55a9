"""The parametrization table against Tensor Programs V's Table 3 (SGD), and what it does."""
import numpy as np
import pytest

from wi_helpers import parametrization as P
from wi_helpers.lessons.width import initial_loss, softmax_cross_entropy


@pytest.mark.parametrize("n", [64, 1000])
def test_table_matches_tensor_programs_v(n):
    d, k = 7, 3
    # Table 3 (SGD), written out here: input / hidden / output init var and lr multiplier
    assert P.layer_multipliers("mup", "input", d, n) == (1 / d, n)
    assert P.layer_multipliers("mup", "hidden", n, n) == (1 / n, 1)
    assert P.layer_multipliers("mup", "output", n, k) == (1 / n ** 2, 1 / n)
    for kind, fi, fo in (("input", d, n), ("hidden", n, n), ("output", n, k)):
        assert P.layer_multipliers("sp", kind, fi, fo) == (1 / fi, 1)
        assert P.layer_multipliers("standard", kind, fi, fo) == (1 / fi, 1)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="parametrization"):
        P.layer_multipliers("ntk", "input", 3, 3)
    with pytest.raises(ValueError, match="kind"):
        P.layer_multipliers("mup", "readout", 3, 3)
    with pytest.raises(ValueError, match="sizes"):
        P.network_multipliers("mup", [3, 1])
    with pytest.raises(TypeError, match="rng"):
        P.init_network("mup", [3, 4, 1], rng=0)


def test_init_draws_the_table_variance():
    Ws = P.init_network("mup", [50, 400, 400, 1], np.random.default_rng(0))
    assert abs(Ws[0].var() * 50 - 1) < 0.02
    assert abs(Ws[1].var() * 400 - 1) < 0.02
    assert abs(Ws[2].var() * 400 ** 2 - 1) < 0.25  # 400 draws: sampling error ~7 %


def test_sgd_step_is_gradient_descent_with_the_multipliers():
    rng = np.random.default_rng(1)
    sizes = [5, 8, 6, 2]
    Ws = P.init_network("mup", sizes, rng)
    X, Y = rng.standard_normal((4, 5)), rng.standard_normal((4, 2))

    def loss(ws):
        f = P.forward(ws, X)[1][-1]
        return 0.5 * np.sum((f - Y) ** 2) / len(X)
    lr, eps = 0.1, 1e-6
    mult = P.network_multipliers("mup", sizes)
    before = [W.copy() for W in Ws]
    P.sgd_step(Ws, X, Y, lr, "mup")
    for l, W0 in enumerate(before):
        i, j = 1, 1
        up = [W.copy() for W in before]
        dn = [W.copy() for W in before]
        up[l][i, j] += eps
        dn[l][i, j] -= eps
        g = (loss(up) - loss(dn)) / (2 * eps)
        assert np.isclose(W0[i, j] - Ws[l][i, j], lr * mult[l][1] * g, rtol=1e-5, atol=1e-12)


def test_coordinate_check_mup_is_flat_and_sp_grows():
    widths = [128, 512]
    sp = P.coordinate_check("sp", widths, (0,), steps=2).mean(axis=1)
    mup = P.coordinate_check("mup", widths, (0,), steps=2).mean(axis=1)
    s_sp, s_mup = P.loglog_slopes(widths, sp), P.loglog_slopes(widths, mup)
    assert abs(s_mup[0, -1] + 0.5) < 0.1  # readout var 1/n^2: output ~ n^-1/2 at init
    assert np.all(np.abs(s_mup[1:]) < 0.1)
    assert s_sp[2, -1] > 1.0  # SP's output blows up with width after two steps


def test_loglog_slope_of_a_power_law():
    w = np.array([10, 100, 1000])
    assert np.isclose(P.loglog_slopes(w, 3.0 * w ** -0.5), -0.5)


def test_initial_loss_is_ln_k_with_a_small_readout():
    assert np.isclose(softmax_cross_entropy(np.zeros((3, 10)), np.array([0, 1, 2])),
                      np.log(10))
    small = initial_loss(256, 10, 0.0, np.random.default_rng(0))
    big = initial_loss(256, 10, 10.0, np.random.default_rng(0))
    assert np.isclose(small, np.log(10)) and big > 2 * np.log(10)


def test_teacher_loss_learns_and_reports_divergence():
    slow = P.teacher_loss("sp", 32, 1e-4, 0, steps=30)
    good = P.teacher_loss("sp", 32, 0.1, 0, steps=30)
    assert good < slow and np.isfinite(good)
    assert P.teacher_loss("sp", 32, 1e3, 0, steps=30) == float("inf")
