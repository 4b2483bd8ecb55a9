"""Checkers of notebook 08: right answers pass, tolerances hold at both edges, wrong ones get
hints without the expected value."""
import math
import re

import pytest

from wi_helpers.exercises import nb08

CASES = [
    (nb08.check_isometric_depth, 9.0, 0.5, None, [10.0, 0.0, 1.0, 3.0]),
    (nb08.check_gaussian_over_orthogonal, 5.0, None, 0.02, [0.2, 1.25, 2.0, 4.0]),
    (nb08.check_mean_off_critical, 1.02 ** 50, None, 0.02, [2.0, 1.02 ** 100, 1.02 ** 25, 1.0]),
]


@pytest.mark.parametrize("fn,expected,atol,rtol,wrongs", CASES)
def test_checker(fn, expected, atol, rtol, wrongs):
    assert fn(expected).ok
    assert not fn(None).ok and not fn("x").ok and not fn(float("nan")).ok
    for w in wrongs:
        r = fn(w)
        assert not r.ok and "Hint" in r.message
        for text in {f"{expected:.4g}", f"{expected:.3g}"}:  # as a number, not a digit of one
            assert not re.search(rf"(?<![0-9.]){re.escape(text)}(?![0-9])", r.message), r.message
    shown = fn(show_answer=True)
    assert not shown.ok and f"{expected:.4g}" in shown.message


@pytest.mark.parametrize("fn,expected,atol,rtol,wrongs", CASES)
def test_tolerance_is_the_stated_one_at_both_edges(fn, expected, atol, rtol, wrongs):
    tol = atol if atol is not None else rtol * expected
    inside, outside = 0.999 * tol, 1.001 * tol
    assert fn(expected + inside).ok and fn(expected - inside).ok
    assert not fn(expected + outside).ok and not fn(expected - outside).ok


def test_trap_hints_name_the_slip():
    assert "1 - p" in nb08.check_isometric_depth(10).message
    assert "Gaussian formula" in nb08.check_isometric_depth(0).message
    assert "orthogonal over Gaussian" in nb08.check_gaussian_over_orthogonal(0.2).message
    assert "ReLU" in nb08.check_gaussian_over_orthogonal(2).message
    assert "added" in nb08.check_mean_off_critical(2.0).message
    assert "squared once more" in nb08.check_mean_off_critical(1.02 ** 100).message


def test_answers_are_the_formulas():
    assert nb08._isometric_depth(0.9) == 9
    assert nb08._isometric_depth(0.5) == 1 and nb08._isometric_depth(0.5, limit=10) == 10
    assert math.isclose(1 / (1 - nb08.P_EX2), 5.0)
