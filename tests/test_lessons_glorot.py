"""Numerics of notebook 04 (wi_helpers.lessons.glorot): Var[w x] and the quarter-circle mean."""
import math
import subprocess
import sys

import numpy as np
import pytest

from wi_helpers import MLP, jacobian_singular_values
from wi_helpers.lessons import glorot as lg


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
    assert jacobian_singular_values(net, 1)[0].mean() == pytest.approx(
        lg.quarter_circle_mean(1.0), rel=0.01)
    with pytest.raises(ValueError, match="sigma"):
        lg.quarter_circle_mean(-1)




def test_mean_square_singular_value_is_the_variance_factor():
    # the identity notebook 04 uses: sum of squared singular values = sum of squared entries
    rng = np.random.default_rng(4)
    for n_in, n_out in ((300, 300), (400, 100), (100, 400)):
        w_var = 2 / (n_in + n_out)
        W = rng.normal(0, math.sqrt(w_var), (n_in, n_out))
        s = np.linalg.svd(W, compute_uv=False)
        assert s.size == min(n_in, n_out)
        assert np.sum(s ** 2) == pytest.approx(np.sum(W ** 2), rel=1e-10)
        assert np.mean(s ** 2) == pytest.approx(n_in * n_out * w_var / min(n_in, n_out), rel=0.02)
    # and the mean singular value is below the root mean square (quarter circle: 0.849 < 1)
    assert lg.quarter_circle_mean(1.0) == pytest.approx(8 / (3 * math.pi))


def test_glorot_lessons_import_no_plotting_library():
    code = ("import sys, wi_helpers.lessons.glorot, wi_helpers.exercises.nb04, "
            "wi_helpers.conventions; "
            "print(any(m.split('.')[0] in ('matplotlib', 'ipywidgets') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
