"""Numerics of notebook 04 (wi_helpers.lessons.nb04; those of 03 are tested in
test_lessons_nb02_nb03.py)."""
import math

import numpy as np
import pytest

from wi_helpers import MLP, jacobian_singular_values, weight_bound
from types import SimpleNamespace

from wi_helpers.lessons import nb03, nb04

lg = SimpleNamespace(**{**vars(nb03), **vars(nb04)})  # the names of both lessons


def test_product_variance_formula_and_samples():
    assert lg.product_variance(2.0, 3.0) == 6.0
    # Var[w]Var[x] + Var[w]E[x]^2 + Var[x]E[w]^2
    assert lg.product_variance(2.0, 3.0, w_mean=1.0, x_mean=0.5) == pytest.approx(6 + 0.5 + 3)
    rng = np.random.default_rng(1)
    for kw in ({}, {"x_mean": 0.5}, {"w_mean": -0.2, "x_mean": 1.0}):
        p = lg.sample_product(400_000, w_var=0.01, x_var=0.25, rng=rng, **kw)
        assert p.var() == pytest.approx(lg.product_variance(0.01, 0.25, **kw), rel=0.02)
    a = lg.sample_product(10, w_var=1, x_var=1, rng=np.random.default_rng(5))
    b = lg.sample_product(10, w_var=1, x_var=1, rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a, b)


def test_product_inputs_are_validated():
    with pytest.raises(ValueError, match="w_var"):
        lg.product_variance(-1.0, 1.0)
    with pytest.raises(ValueError, match="x_mean"):
        lg.product_variance(1.0, 1.0, x_mean=float("nan"))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        lg.sample_product(0, w_var=1, x_var=1, rng=np.random.default_rng())
    with pytest.raises(TypeError, match="rng"):
        lg.sample_product(5, w_var=1, x_var=1, rng=0)


def test_quarter_circle_mean_matches_a_large_square_gaussian_matrix():
    n = 400
    W = np.random.default_rng(0).normal(0, math.sqrt(0.5 / n), (n, n))
    s = np.linalg.svd(W, compute_uv=False)
    assert s.mean() == pytest.approx(lg.quarter_circle_mean(math.sqrt(0.5)), rel=0.01)
    # a linear network's layer Jacobian is W^T: same value through jacobian_singular_values
    net = MLP([n, n], activation="linear", init="lecun_normal", seed=1)
    net.forward(np.ones((1, n)))
    assert jacobian_singular_values(net, 1)[0].mean() == pytest.approx(lg.quarter_circle_mean(1.0), rel=0.01)
    with pytest.raises(ValueError, match="sigma"):
        lg.quarter_circle_mean(-1)


def test_torch_conventions():
    assert lg.torch_calculate_gain("tanh") == pytest.approx(5 / 3)
    assert lg.torch_calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert lg.torch_calculate_gain("sigmoid") == 1.0
    assert lg.torch_calculate_gain("leaky_relu") == pytest.approx(math.sqrt(2 / (1 + 0.01 ** 2)))
    assert lg.torch_calculate_gain("selu") == 0.75
    with pytest.raises(ValueError, match="softsign"):
        lg.torch_calculate_gain("softsign")
    assert lg.torch_fans((256, 784)) == (784, 256)          # (out, in)
    assert lg.torch_fans((16, 3, 5, 5)) == (75, 400)         # conv: times the kernel area
    with pytest.raises(ValueError, match="2 dimensions"):
        lg.torch_fans((5,))
    # nn.Linear's default kaiming_uniform_(a=sqrt(5)) is Glorot's "standard" U[-1/sqrt(n), 1/sqrt(n)]
    b = lg.torch_kaiming_uniform_bound((256, 784), a=math.sqrt(5))
    assert b == pytest.approx(1 / math.sqrt(784))
    assert b == pytest.approx(weight_bound("standard", 784, 256))
    # a NumPy-style (in, out) array gives PyTorch the wrong fan
    assert lg.torch_kaiming_uniform_bound((784, 256), nonlinearity="relu") == pytest.approx(
        math.sqrt(3) * math.sqrt(2) / math.sqrt(256))
    with pytest.raises(ValueError, match="mode"):
        lg.torch_kaiming_uniform_bound((2, 2), mode="avg")


def test_truncated_normal_std_is_keras_constant_and_matches_samples():
    assert lg.truncated_normal_std(2.0) == pytest.approx(0.87962566103423978, rel=1e-15)
    u = np.random.default_rng(0).standard_normal(1_000_000)
    assert u[np.abs(u) <= 1.5].std() == pytest.approx(lg.truncated_normal_std(1.5), rel=0.005)
    assert lg.truncated_normal_std(50.0) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="cut"):
        lg.truncated_normal_std(0.0)


def test_lessons_glorot_imports_no_plotting_library():
    import subprocess
    import sys
    code = ("import sys, wi_helpers.lessons.nb03, wi_helpers.lessons.nb04, wi_helpers.exercises.nb03, wi_helpers.exercises.nb04; "
            "print(any(m.split('.')[0] in ('matplotlib', 'ipywidgets') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
