"""Checkers of notebook 07: right answers pass, wrong ones get hints without the expected value."""
import math

import pytest

from wi_helpers.exercises import nb07

CASES = [
    # computed here from the formulas: sqrt(2 / ((1 + a^2) fan_in)), sqrt 6, n_0 / n_L
    (nb07.check_leaky_std, math.sqrt(2 / (1.25 * nb07.FAN_IN)),
     [math.sqrt(2 / nb07.FAN_IN), 0.5 * math.sqrt(2 / nb07.FAN_IN), 2 / (1.25 * 256), 0.5]),
    (nb07.check_torch_default_to_he, math.sqrt(6), [6.0, math.sqrt(3), math.sqrt(2), 1 / 6, 1.0]),
    (nb07.check_telescoping, 78.4, [1 / 78.4, 1.0, 3.0]),
]


RTOL = {nb07.check_leaky_std: 0.01, nb07.check_torch_default_to_he: 0.02,
        nb07.check_telescoping: 0.02}


@pytest.mark.parametrize("fn,expected,wrongs", CASES)
def test_checker(fn, expected, wrongs):
    assert fn(expected).ok
    rtol = RTOL[fn]  # the stated tolerance, at both edges
    assert fn(expected * (1 + 0.99 * rtol)).ok and fn(expected * (1 - 0.99 * rtol)).ok
    assert not fn(expected * (1 + 1.01 * rtol)).ok and not fn(expected * (1 - 1.01 * rtol)).ok
    assert f"within {rtol:.0%}" in fn(None).message
    assert not fn(None).ok and not fn("x").ok and not fn(float("nan")).ok
    for w in wrongs:
        r = fn(w)
        assert not r.ok and "Hint" in r.message
        assert f"{expected:.4g}" not in r.message and f"{expected:.3g}" not in r.message
    shown = fn(show_answer=True)
    assert not shown.ok and f"{expected:.4g}" in shown.message


def test_trap_hints_name_the_slip():
    assert "slope" in nb07.check_leaky_std(0.5 * math.sqrt(2 / nb07.FAN_IN)).message
    assert "variance" in nb07.check_leaky_std(2 / (1.25 * nb07.FAN_IN)).message
    assert "halves" in nb07.check_torch_default_to_he(math.sqrt(3)).message
    assert "square root" in nb07.check_torch_default_to_he(6.0).message
    assert "multiplied" in nb07.check_telescoping(1 / 78.4).message
