"""Numerics of notebook 03 (wi_helpers.lessons.nb03)."""
import math

import numpy as np
import pytest

from wi_helpers import MLP, get_activation, layer_stats, mean_field
from wi_helpers.lessons import nb03 as lg


def test_centred_sigmoid_is_the_shifted_logistic_and_works_in_an_mlp():
    z = np.linspace(-8, 8, 161) + 1e-3
    act = lg.CENTRED_SIGMOID
    np.testing.assert_allclose(act.fn(z), get_activation("sigmoid").fn(z) - 0.5, atol=1e-15)
    fd = (act.fn(z + 1e-6) - act.fn(z - 1e-6)) / 2e-6
    np.testing.assert_allclose(act.deriv(z), fd, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(act.deriv_from_output(z, act.fn(z)), act.deriv(z), atol=1e-15)
    assert act.deriv(np.zeros(1))[0] == pytest.approx(0.25)
    net = MLP([50, 40, 30], activation=act, seed=0)
    stats = layer_stats(net, batch=64, rng=np.random.default_rng(0))
    assert stats.activation == "centred_sigmoid"
    assert np.all(np.abs(stats.h_mean) < 0.05)  # zero-mean outputs
    pred = mean_field([50, 40, 30], act, 1 / 50)
    assert np.all(np.isfinite(pred.h_m2))


def test_single_signed_fraction():
    g = np.array([[1.0, -1.0, 0.0], [2.0, 3.0, -1.0], [0.0, -2.0, -4.0]])
    assert lg.single_signed_fraction(g) == pytest.approx(2 / 3)  # columns 0 and 2
    with pytest.raises(ValueError, match="grad_W"):
        lg.single_signed_fraction(np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        lg.single_signed_fraction(np.array([[np.nan]]))


def test_per_example_single_signed_matches_one_example_backward():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((6, 20))
    for act in ("sigmoid", "tanh"):
        net = MLP([20, 15, 12, 4], activation=act, init="standard", seed=2)
        G = rng.standard_normal((6, 4))
        net.forward(X)
        frac = lg.per_example_single_signed(net, net.backward(G))
        assert frac.shape == (6, 3)
        for i in range(6):  # the same numbers from a forward/backward of example i alone
            net.forward(X[i:i + 1])
            grads = net.backward(G[i:i + 1])
            assert [lg.single_signed_fraction(gW) for gW in grads.W] == pytest.approx(frac[i])
        if act == "sigmoid":
            assert np.all(frac[:, 1:] == 1.0)  # all inputs positive: every column one-signed
        else:
            assert np.all(frac[:, 1:] == 0.0)  # 15 or 12 mixed-sign inputs: none
    with pytest.raises(TypeError, match="Gradients"):
        lg.per_example_single_signed(net, None)


def test_zigzag_positive_inputs_move_every_weight_together_and_converge_slower():
    common = dict(n_steps=150, lr=0.5)
    pos = lg.zigzag_sgd([1.0, -1.0], inputs="positive", rng=np.random.default_rng(0), **common)
    cen = lg.zigzag_sgd([1.0, -1.0], inputs="centred", rng=np.random.default_rng(0), **common)
    assert pos.same_sign.all()                  # positive inputs: both weights move together
    assert 0.3 < cen.same_sign.mean() < 0.7     # centred inputs: about half the time
    assert pos.w.shape == (151, 2) and pos.distance[0] == pytest.approx(math.sqrt(2))
    # Same E[h_i^2] = 1/3; along w* - w0 = (1, -1) the positive inputs' curvature is only
    # Var[h_i] = 1/12 against 1/3 for the centred ones: about 4 times slower.
    assert 2.5 * cen.steps_to(0.1) < pos.steps_to(0.1)
    assert pos.steps_to(1e-30) is None
    with pytest.raises(ValueError, match="w_star"):
        lg.zigzag_sgd([1.0], inputs="positive", n_steps=3, lr=0.1, rng=np.random.default_rng())
    with pytest.raises(ValueError, match="lr"):
        lg.zigzag_sgd([1.0, 2.0], inputs="positive", n_steps=3, lr=0.0, rng=np.random.default_rng())
    with pytest.raises(ValueError, match="inputs"):
        lg.zigzag_sgd([1.0, 2.0], inputs="sigmoid", n_steps=3, lr=0.1, rng=np.random.default_rng())


def test_lessons_nb03_imports_no_plotting_library():
    import subprocess
    import sys
    code = ("import sys, wi_helpers.lessons.nb03, wi_helpers.exercises.nb03; "
            "print(any(m.split('.')[0] in ('matplotlib', 'ipywidgets') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
