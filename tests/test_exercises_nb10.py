"""Checkers of notebook 10: right answers pass, tolerances hold at both edges, wrong ones get
hints without the expected value."""
import math
import re

import pytest

from wi_helpers.exercises import nb10

R = math.pi / (math.pi - 1)
CASES = [
    (nb10.check_gated_variance, 1.25 ** 10, 0.02, [2.0 ** 10, 1.5 ** 10, 3.5, 1.0]),
    (nb10.check_bn_branch_variance, 13.5, 0.02, [26.0, 51.0, 1.25 ** 50, 2.0]),
    (nb10.check_bn_gradient_growth, R ** 20, 0.05, [R ** 10, 1 + 20 * (R - 1), 2.0 ** 20, 1.0]),
]


@pytest.mark.parametrize("fn,expected,rtol,wrongs", CASES)
def test_checker(fn, expected, rtol, wrongs):
    assert fn(expected).ok
    assert not fn(None).ok and not fn("x").ok and not fn(float("nan")).ok
    for w in wrongs:
        r = fn(w)
        assert not r.ok and "Hint" in r.message
        for text in {f"{expected:.4g}", f"{expected:.3g}"}:
            assert not re.search(rf"(?<![0-9.]){re.escape(text)}(?![0-9])", r.message), r.message
    shown = fn(show_answer=True)
    assert not shown.ok and f"{expected:.4g}" in shown.message


@pytest.mark.parametrize("fn,expected,rtol,wrongs", CASES)
def test_tolerance_is_the_stated_one_at_both_edges(fn, expected, rtol, wrongs):
    tol = rtol * expected
    assert fn(expected + 0.999 * tol).ok and fn(expected - 0.999 * tol).ok
    assert not fn(expected + 1.001 * tol).ok and not fn(expected - 1.001 * tol).ok


def test_trap_hints_name_the_slip():
    assert "alpha = 1" in nb10.check_gated_variance(2.0 ** 10).message
    assert "alpha squared" in nb10.check_gated_variance(1.5 ** 10).message
    assert "alpha^2" in nb10.check_bn_branch_variance(26.0).message
    assert "norm" in nb10.check_bn_gradient_growth(R ** 10).message
