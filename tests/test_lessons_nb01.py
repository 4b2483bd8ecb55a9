"""The numerics notebook 01 adds: counting distinct units, the first layer of a mask, the
fixed point of a one-unit chain."""
import numpy as np
import pytest

from wi_helpers import MLP
from wi_helpers.lessons.nb01 import chain_factors, distinct_units, first_layer, scalar_fixed_point


def test_distinct_units_counts_copies():
    rng = np.random.default_rng(0)
    col = rng.standard_normal(5)
    W = np.column_stack([col, col, col + 1e-12, rng.standard_normal(5)])
    assert distinct_units(W) == 2  # the 1e-12 copy is the same unit up to rounding
    assert distinct_units(W, tol=0) == 3
    assert distinct_units(W, np.array([0.0, 1.0, 0.0, 0.0])) == 3  # the bias tells them apart
    assert distinct_units(np.full((3, 7), 0.1)) == 1
    assert distinct_units(rng.standard_normal((3, 7))) == 7


@pytest.mark.parametrize("args, exc, word", [
    ((np.zeros(3),), ValueError, "2-D"),
    ((np.zeros((0, 2)),), ValueError, "non-empty"),
    ((np.zeros((3, 2)), np.zeros(3)), ValueError, "one entry per unit"),
])
def test_distinct_units_rejects_bad_input(args, exc, word):
    with pytest.raises(exc, match=word):
        distinct_units(*args)
    with pytest.raises(ValueError, match="tol"):
        distinct_units(np.zeros((2, 2)), tol=-1.0)


def test_first_layer_is_none_for_an_all_false_mask():
    assert first_layer([False, False, True, True]) == 3  # layers counted from 1
    assert first_layer([False, True], start=0) == 1
    assert first_layer([False, False]) is None  # np.argmax would say "layer 1"
    assert first_layer(np.array([])) is None
    assert first_layer(np.array([1e40, 2.0]) > 3.4e38) == 1


@pytest.mark.parametrize("w", [1.5, 2.0, 4.0])
def test_scalar_fixed_point_solves_h_equals_tanh_wh(w):
    h = scalar_fixed_point(w, "tanh")
    assert h > 0 and h == pytest.approx(np.tanh(w * h), abs=1e-12)
    # a long chain from x = 1 settles there, and its factor is the map's slope, below 1
    chain = chain_factors([w] * 200, 1.0, "tanh")
    assert chain.h[-1] == pytest.approx(h, abs=1e-9)
    assert chain.factors[-1] == pytest.approx(w * (1 - h ** 2), rel=1e-9) and chain.factors[-1] < 1


def test_scalar_fixed_point_below_one_is_zero_and_checks_input():
    assert abs(scalar_fixed_point(0.8, "tanh")) < 1e-12
    with pytest.raises(TypeError, match="w"):
        scalar_fixed_point("2", "tanh")
    with pytest.raises(ValueError, match="n_iter"):
        scalar_fixed_point(2.0, n_iter=0)


def test_constant_weights_keep_one_distinct_unit_through_a_step():
    net = MLP([8, 6, 4], activation="tanh", init="glorot_uniform", seed=0)
    for W in net.weights:
        W[...] = 0.1
    X = np.random.default_rng(1).standard_normal((5, 8))
    net.forward(X)
    net.sgd_step(np.random.default_rng(2).standard_normal((5, 4)), lr=0.1)
    assert distinct_units(net.weights[0], net.biases[0]) == 1
