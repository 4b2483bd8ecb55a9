"""Checkers of notebook 09: right answers pass, wrong ones get hints without the expected value,
and the stated 2 % tolerance holds at both edges."""
import math

import pytest

from wi_helpers.exercises import nb09
from wi_helpers.propagation import depth_scales, mean_field_trajectory

XI_RELU = -1 / math.log(0.9)
TENFOLD = math.log(10) / math.log(1 / 0.8)

CASES = [
    (nb09.check_relu_xi_c, XI_RELU,
     [-1 / math.log(1.8), 1 / (1 - 0.9), math.log(10) / -math.log(0.9), 3.0]),
    (nb09.check_linear_tenfold, TENFOLD,
     [-1 / math.log(0.8), 1 / (1 - 0.8), math.log(10) / -math.log(0.4), 1.0]),
]


@pytest.mark.parametrize("fn,expected,wrongs", CASES)
def test_numeric_checker(fn, expected, wrongs):
    assert fn(expected).ok
    assert fn(expected * 1.0199).ok and fn(expected * 0.9801).ok  # inside 2 %
    assert not fn(expected * 1.0201).ok and not fn(expected * 0.9799).ok  # outside
    assert not fn(None).ok and not fn("x").ok and not fn(float("nan")).ok
    for w in wrongs:
        r = fn(w)
        assert not r.ok and "Hint" in r.message
        assert f"{expected:.4g}" not in r.message and f"{expected:.3g}" not in r.message
    shown = fn(show_answer=True)
    assert not shown.ok and f"{expected:.4g}" in shown.message


def test_the_answers_are_the_mean_field_values():
    assert nb09.check_relu_xi_c(depth_scales("relu", 1.8, 0.2).xi_c).ok
    _, c = mean_field_trajectory("tanh", 2.0, 0.0, q0=1.0, c0=0.99, depth=100)
    assert c[-1] < 0.1  # "unrelated"


def test_trap_hints_name_the_slip():
    assert "half" in nb09.check_relu_xi_c(-1 / math.log(1.8)).message
    assert "first-order" in nb09.check_relu_xi_c(10.0).message
    assert "factor e" in nb09.check_relu_xi_c(math.log(10) / -math.log(0.9)).message
    assert "factor 10" in nb09.check_linear_tenfold(-1 / math.log(0.8)).message
    assert "ReLU" in nb09.check_linear_tenfold(math.log(10) / -math.log(0.4)).message


def test_choice_checker():
    assert nb09.check_he_correlation("unrelated").ok
    assert nb09.check_he_correlation(" Unrelated ").ok
    for wrong, word in [("alike", "ordered"), ("partly", "c* = 0")]:
        r = nb09.check_he_correlation(wrong)
        assert not r.ok and word in r.message and "Hint" in r.message
    assert not nb09.check_he_correlation("maybe").ok
    assert not nb09.check_he_correlation(None).ok
    assert "Answer: unrelated" in nb09.check_he_correlation(show_answer=True).message
