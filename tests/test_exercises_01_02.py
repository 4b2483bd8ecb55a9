"""Checkers of notebooks 00, 01 and 02: right answers pass, slips are named, blanks say so."""
import numpy as np
import pytest

from wi_helpers.exercises import nb01, nb02


def _text(result) -> str:
    return repr(result)


# ------------------------------------------------------------------- notebook 01

def test_chain_gradient():
    assert nb01.chain_gradient(0.9 ** 10)
    assert "Correct" in _text(nb01.chain_gradient(0.35))
    wrong = nb01.chain_gradient(9.0)  # 0.9 added ten times
    assert not wrong and "added the factors" in _text(wrong) and "0.9^10" in _text(wrong)
    assert not nb01.chain_gradient(0.5) and "Hint" in _text(nb01.chain_gradient(0.5))
    assert "No answer yet" in _text(nb01.chain_gradient(None))


def test_tanh_factor():
    assert nb01.tanh_factor(lambda w, z: w * (1 - np.tanh(z) ** 2))
    assert nb01.tanh_factor(lambda w, z: w / np.cosh(z) ** 2)  # same function, other form
    wrong = nb01.tanh_factor(lambda w, z: w * np.tanh(z))  # the value, not the slope
    assert not wrong and "1 - tanh(z)^2" in _text(wrong)
    assert not nb01.tanh_factor(lambda w, z: 1 - np.tanh(z) ** 2)  # forgot the weight
    assert "No answer yet" in _text(nb01.tanh_factor(None))


def test_gradient_variance_ratio():
    assert nb01.gradient_variance_ratio(1.2 ** 20)
    assert not nb01.gradient_variance_ratio(1.0)
    summed = nb01.gradient_variance_ratio(1.2 * 20)
    assert not summed and "added" in _text(summed)
    std = nb01.gradient_variance_ratio(1.2 ** 10)  # ratio of standard deviations
    assert not std and "standard deviations" in _text(std)
    assert "No answer yet" in _text(nb01.gradient_variance_ratio(None))


def test_float32_overflow_layer():
    # 20^l reaches the float32 maximum at l = 29.6; the measured first inf is within 2 layers
    crossing = np.log(np.finfo(np.float32).max) / np.log(20)
    assert nb01.float32_overflow_layer(crossing)
    assert nb01.float32_overflow_layer(round(crossing))
    wrong = nb01.float32_overflow_layer(38)  # the width-100 answer (10^l)
    assert not wrong and "sqrt(400) = 20" in _text(wrong)
    assert not nb01.float32_overflow_layer(308)  # the float64 limit
    assert "No answer yet" in _text(nb01.float32_overflow_layer(None))


# ------------------------------------------------------------------- notebook 02

def test_slope_product():
    assert nb02.slope_product(0.25 ** 5)
    assert nb02.slope_product(0.001)  # rounded, within 5%
    value = nb02.slope_product(0.5 ** 5)
    assert not value and "sigma(0) = 1/2, the value" in _text(value)
    added = nb02.slope_product(1.25)
    assert not added and "added the slopes" in _text(added)
    assert "No answer yet" in _text(nb02.slope_product(None))


def test_preactivation_variance():
    assert nb02.preactivation_variance(500 * (0.04 + 0.25))
    var_only = nb02.preactivation_variance(500 * 0.04)
    assert not var_only and "second moment" in _text(var_only) and "mean's square" in _text(var_only)
    assert not nb02.preactivation_variance(500.0)
    assert "No answer yet" in _text(nb02.preactivation_variance(None))


def test_top_layer_direction():
    assert nb02.top_layer_direction("0")
    assert nb02.top_layer_direction(" 0 ")
    wrong = nb02.top_layer_direction("1")
    assert not wrong and "biases" in _text(wrong) and "not to 1" in _text(wrong)
    assert not nb02.top_layer_direction("0.5")
    assert "Choose one of" in _text(nb02.top_layer_direction("zero"))
    assert "No answer yet" in _text(nb02.top_layer_direction(None))


def test_saturated():
    assert nb02.saturated(lambda h: np.abs(h - 0.5) > 0.97 * 0.5)
    assert nb02.saturated(lambda h: (h < 0.015) | (h > 0.985))
    loose = nb02.saturated(lambda h: np.abs(h - 0.5) > 0.45)  # within 10%: too loose
    assert not loose and "within 3%" in _text(loose)
    one_sided = nb02.saturated(lambda h: h > 0.985)  # forgets the lower asymptote
    assert not one_sided
    assert "No answer yet" in _text(nb02.saturated(None))


@pytest.mark.parametrize("checker", [nb01.chain_gradient, nb01.gradient_variance_ratio,
                                     nb01.float32_overflow_layer, nb02.slope_product,
                                     nb02.preactivation_variance])
def test_number_checkers_reject_non_numbers(checker):
    result = checker("a lot")
    assert not result and "Expected a number" in _text(result)


# ------------------------------------------------------------ notebook 00 warm-up

def test_sum_variance():
    from wi_helpers.exercises import nb00
    assert nb00.sum_variance(50)
    root = nb00.sum_variance(5.0)  # sqrt(100) * 0.5
    assert not root and "sqrt(n)" in _text(root)
    assert not nb00.sum_variance(25.0) and "squared the variance" in _text(nb00.sum_variance(25.0))
    assert "No answer yet" in _text(nb00.sum_variance(None))


def test_second_moment():
    from wi_helpers.exercises import nb00
    assert nb00.second_moment(0.29)
    std_added = nb00.second_moment(0.45)
    assert not std_added and "square it" in _text(std_added)
    no_mean = nb00.second_moment(0.04)
    assert not no_mean and "zero-mean" in _text(no_mean)
    assert "No answer yet" in _text(nb00.second_moment(None))


def test_chain_rule():
    from wi_helpers.exercises import nb00
    assert nb00.chain_rule(3)
    outer = nb00.chain_rule(1)
    assert not outer and "inner derivative" in _text(outer)
    assert not nb00.chain_rule(0) and "derivative" in _text(nb00.chain_rule(0))
    assert "No answer yet" in _text(nb00.chain_rule(None))


def test_with_hint_names_only_matching_slips():
    from wi_helpers.checks import check_number
    from wi_helpers.exercises.hints import matches, with_hint
    traps = {9.0: "you added."}
    wrong = with_hint(check_number(9.0, 0.35, name="q", why="multiply"), 9.0, traps)
    assert not wrong and wrong.message.endswith("Looks like you added.")
    other = with_hint(check_number(7.0, 0.35, name="q", why="multiply"), 7.0, traps)
    assert "Looks like" not in other.message
    right = check_number(0.35, 0.35, name="q", why="multiply")
    assert with_hint(right, 0.35, {0.35: "never shown"}) is right
    assert not matches("abc", 1.0) and not matches(float("inf"), 1.0) and matches(1.01, 1.0)
