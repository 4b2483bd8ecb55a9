"""Checkers of notebooks 03 and 04: right answers pass, wrong ones fail with a hint, blanks say so."""
import math

import numpy as np
import pytest

from wi_helpers import get_activation
from wi_helpers.exercises import nb03, nb04

sigmoid = get_activation("sigmoid").fn


def _blank_and_right_and_wrong(check, right, wrongs, hint_words):
    blank = check(None)
    assert not blank and "No answer yet" in repr(blank)
    ok = check(right)
    assert ok and "Correct" in repr(ok)
    for wrong in wrongs:
        verdict = check(wrong)
        assert not verdict and "Not yet" in repr(verdict), (wrong, verdict)
        for word in hint_words:
            assert word in repr(verdict)


def test_nb04_glorot_bound():
    right = math.sqrt(6 / (784 + 256))
    wrongs = [math.sqrt(2 / (784 + 256)),   # the std, not the bound
              1 / math.sqrt(784),           # the "standard" bound
              math.sqrt(6 / 784)]           # fan_in only
    _blank_and_right_and_wrong(nb04.check_glorot_bound, right, wrongs, ["a^2/3", "sqrt(6/(fan_in + fan_out))"])
    assert "within 1%" in repr(nb04.check_glorot_bound(right))


def test_nb04_backward_factor():
    right = 100 * 2 / 1100
    wrongs = [1000 * 2 / 1100, 1.0, 0.1]  # the forward factor; "always 1"; LeCun's 1/fan_in
    _blank_and_right_and_wrong(nb04.check_backward_factor, right, wrongs, ["fan_out Var[W]"])


def test_nb04_glorot_std():
    assert "No answer yet" in repr(nb04.check_glorot_std(None))
    assert nb04.check_glorot_std(lambda fan_in, fan_out: math.sqrt(2 / (fan_in + fan_out))).ok
    assert nb04.check_glorot_std(lambda a, b: np.sqrt(2.0 / (a + b))).ok
    variance = nb04.check_glorot_std(lambda a, b: 2 / (a + b))
    assert not variance and "the variance" in repr(variance)
    bound = nb04.check_glorot_std(lambda a, b: math.sqrt(6 / (a + b)))
    assert not bound and "uniform bound" in repr(bound)
    lecun = nb04.check_glorot_std(lambda a, b: 1 / math.sqrt(a))
    assert not lecun and "LeCun" in repr(lecun)
    boom = nb04.check_glorot_std(lambda a: a)  # wrong signature: reported, not raised
    assert not boom and "TypeError" in repr(boom)
    assert not nb04.check_glorot_std(0.04)


def test_nb04_name_of_one_over_fan_in():
    assert "No answer yet" in repr(nb04.check_name_of_one_over_fan_in(None))
    assert nb04.check_name_of_one_over_fan_in("LeCun").ok
    for wrong in ("xavier", "glorot", "he"):
        verdict = nb04.check_name_of_one_over_fan_in(wrong)
        assert not verdict and "2/(fan_in + fan_out)" in repr(verdict)
    assert "Choose one of" in repr(nb04.check_name_of_one_over_fan_in("kaiming"))


def test_nb03_lecun_slope():
    right = 1.7159 * 2 / 3
    _blank_and_right_and_wrong(nb03.check_lecun_slope, right, [1.0, 0.25, 1.7159], ["1.7159 * 2/3"])


def test_nb03_tanh_from_sigmoid():
    assert "No answer yet" in repr(nb03.check_tanh_from_sigmoid(None))
    assert nb03.check_tanh_from_sigmoid(lambda x: 2 * sigmoid(2 * x) - 1).ok
    for wrong in (lambda x: 2 * sigmoid(x) - 1, lambda x: sigmoid(2 * x) - 0.5, sigmoid):
        verdict = nb03.check_tanh_from_sigmoid(wrong)
        assert not verdict and "2 sigmoid(2x) - 1" in repr(verdict)


def test_nb03_single_signed_probability():
    right = 2 * 0.5 ** 10
    # 0.5**10 forgets the all-negative case; 1 is the logistic's answer
    _blank_and_right_and_wrong(nb03.check_single_signed_probability, right,
                               [0.5 ** 10, 1.0, 0.5], ["all negative"])
    assert nb03.check_single_signed_probability(0.002).ok  # rounded is fine (5%)


def test_nb03_unit_mean_spread():
    right = 0.25 / 3
    _blank_and_right_and_wrong(nb03.check_unit_mean_spread, right,
                               [0.25, 0.5 / 3, 1 / 3], ["fan_in Var[W] = 1/3"])


@pytest.mark.parametrize("check", [nb03.check_lecun_slope, nb03.check_single_signed_probability,
                                   nb03.check_unit_mean_spread, nb04.check_glorot_bound,
                                   nb04.check_backward_factor])
def test_number_checkers_reject_non_numbers(check):
    verdict = check("zero")
    assert not verdict and "Expected a number" in repr(verdict)
