"""Checkers of notebook 11: right answers pass, wrong ones get hints without the expected value."""
import pytest

from wi_helpers.exercises import nb11

CASES = [
    # computed here: sqrt((1/n) / (1/n^2)) = sqrt(n); fan_out / (1/fan_in) = n^2
    (nb11.check_readout_ratio, nb11.WIDTH ** 0.5, [float(nb11.WIDTH), 1.0, 3.0]),
    (nb11.check_hidden_lr_ratio, float(nb11.WIDTH_LR) ** 2, [float(nb11.WIDTH_LR), 1.0]),
]


@pytest.mark.parametrize("fn,expected,wrongs", CASES)
def test_checker(fn, expected, wrongs):
    assert fn(expected).ok
    rtol = 0.02  # the stated tolerance, at both edges
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
    assert "square root" in nb11.check_readout_ratio(float(nb11.WIDTH)).message
    assert "ratio" in nb11.check_hidden_lr_ratio(float(nb11.WIDTH_LR)).message
