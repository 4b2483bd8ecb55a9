"""Notebook 05's checkers: right answers pass, answers at the stated tolerance's edges pass or
fail as stated, wrong answers get a hint that never holds the expected value."""
import math

import numpy as np
import pytest

from wi_helpers.exercises import nb05
from test_exercises_nb00_nb06 import assert_hides

CHANCE = 100 * 8 / 9            # 9 equally likely classes
DEPTH_RATIO = (1 / 3) ** 15     # 15 weight matrices between layer 1 and layer 16, n Var[W] = 1/3
BOUND_RATIO = math.sqrt(3)      # sqrt(6 / 2n) / (1 / sqrt(n))

# checker, the right answer (computed here, independently), wrong answers with a word of their hint
NUMBER_CASES = [
    (nb05.check_chance_error, CHANCE, [(100 / 9, "accuracy"), (8 / 9, "percentage"),
                                       (200 / 3, "3 shapes"), (50.0, "")]),
    (nb05.check_depth_gradient_ratio, DEPTH_RATIO, [((1 / 3) ** 16, "counted the layers"),
                                                    ((1 / 3) ** 7.5, "standard deviations"),
                                                    (3.0 ** 15, "invert"),
                                                    ((1 / 9) ** 15, "do not square"),
                                                    (1e-3, "")]),
    (nb05.check_normalized_to_standard_ratio, BOUND_RATIO, [(3.0, "square root"),
                                                            (math.sqrt(2), "sqrt(2/n)"),
                                                            (1 / math.sqrt(3), "other way round")]),
]


@pytest.mark.parametrize("check,right,wrongs", NUMBER_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_number_checkers(check, right, wrongs):
    ok = check(right)
    assert ok and "Correct" in repr(ok)
    for wrong, word in wrongs:
        verdict = check(wrong)
        text = repr(verdict)
        assert not verdict and "Not yet" in text and "Hint:" in text, (wrong, text)
        assert word in text, (wrong, word, text)
        assert "Answer" not in text and "Correct" not in text
        assert_hides(text, right)


# (checker, expected, absolute half-width of the tolerance the exercise states)
EDGES = [
    (nb05.check_chance_error, CHANCE, 0.5),                      # "checked within 0.5"
    (nb05.check_depth_gradient_ratio, DEPTH_RATIO, 0.3 * DEPTH_RATIO),   # "within 30%"
    (nb05.check_normalized_to_standard_ratio, BOUND_RATIO, 0.02 * BOUND_RATIO),  # "within 2%"
]


@pytest.mark.parametrize("check,expected,tol", EDGES, ids=lambda v: getattr(v, "__name__", ""))
def test_tolerance_edges(check, expected, tol):
    for sign in (-1, 1):
        assert check(expected + sign * 0.99 * tol), (sign, "just inside")
        assert not check(expected + sign * 1.01 * tol), (sign, "just outside")


def test_chance_error_refuses_85_and_92():
    # the old default 5 % relative tolerance accepted both
    assert not nb05.check_chance_error(85) and not nb05.check_chance_error(92)
    assert not nb05.check_chance_error(88.3) and not nb05.check_chance_error(89.5)


def test_stated_tolerances_are_in_the_messages():
    assert "within 0.5" in repr(nb05.check_chance_error(None))
    assert "within 30%" in repr(nb05.check_depth_gradient_ratio(None))
    assert "within 2%" in repr(nb05.check_normalized_to_standard_ratio(None))


def _nll_grad(logits, y):
    shifted = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(shifted)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


def test_nll_gradient_needs_the_max_subtraction():
    assert nb05.check_nll_gradient(_nll_grad)
    assert nb05.BIG_LOGIT > math.log(np.finfo(np.float64).max)  # 709.78: exp really overflows

    def naive(logits, y):
        p = np.exp(logits)
        p = p / p.sum(axis=1, keepdims=True)
        p[np.arange(len(y)), y] -= 1.0
        return p / len(y)

    text = repr(nb05.check_nll_gradient(naive))
    assert "Not yet" in text and "subtract each row's maximum" in text
    summed = repr(nb05.check_nll_gradient(lambda l, y: _nll_grad(l, y) * len(y)))
    assert "summed loss" in summed


def test_nll_gradient_checker_handles_odd_input():
    check = nb05.check_nll_gradient
    for odd in (None, "np.tanh", 3, True):
        assert not check(odd)
    assert "Answer:" in repr(check(None, show_answer=True))
    assert "forget the `return`" in repr(check(lambda *args: None))
    assert "complex" in repr(check(lambda *args: np.asarray(args[0]) + 1j))
