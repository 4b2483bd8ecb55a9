"""Notebook 04's checkers: right answers pass (at both edges of the stated tolerance), wrong
ones get a hint that never holds the expected value, odd input gets a message."""
import math
import re

import numpy as np
import pytest

from wi_helpers.exercises import nb04


def assert_hides(message: str, expected: float) -> None:
    for form in {f"{expected:.{p}g}" for p in (3, 4, 6)} | {repr(expected)}:
        assert not re.search(r"(?<![\d.])" + re.escape(form) + r"(?![\d])", message), (form,
                                                                                       message)


# checker, the answer (computed here from first principles), its tolerance, wrong answers
NUMBER_CASES = [
    # forward product / backward product = n_0/n_L = 78.4; forward product 2 -> backward 2/78.4
    (nb04.check_backward_drift, 784 / (2 * 10), 0.02,
     [(78.4, "stayed level"), (156.8, "other way round"), (20 / 784, "how many times smaller"),
      (2.0, "end widths"), (30.0, "")]),
    # Frobenius: 1000 * 100 * 2/1100 over 100 singular values
    (nb04.check_jacobian_mean_square, 1000 * 2 / 1100, 0.02,
     [(1.0, "average to 1"), (0.2 / 1.1, "larger size"), (math.sqrt(2000 / 1100), "root mean"),
      (0.5, "")]),
]


@pytest.mark.parametrize("check,right,rtol,wrongs", NUMBER_CASES,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_number_checkers(check, right, rtol, wrongs):
    assert check(right) and "Correct" in repr(check(right))
    # the tolerance the text states, at both edges
    assert check(right * (1 + 0.99 * rtol)) and check(right * (1 - 0.99 * rtol))
    assert not check(right * (1 + 1.01 * rtol)) and not check(right * (1 - 1.01 * rtol))
    assert f"within {rtol:.0%}" in repr(check(None))
    for wrong, word in wrongs:
        text = repr(check(wrong))
        assert "Not yet" in text and "Hint:" in text and word in text, (wrong, text)
        assert "Answer" not in text and "Correct" not in text
        assert_hides(text, right)
    assert_hides(repr(check(None)), right)
    for odd in ("39.2", True, complex(right, 0), float("nan"), 10**400, [right]):
        assert not check(odd) and "Not graded" in repr(check(odd)), odd
    shown = repr(check(None, show_answer=True))
    assert "Answer:" in shown and f"{right:.4g}" in shown


def test_level_gradient_rule():
    assert nb04.check_level_gradient_rule("fan_out") and nb04.check_level_gradient_rule(" FAN_OUT ")
    for wrong, word in (("fan_in", "forward pass"), ("glorot", "average")):
        text = repr(nb04.check_level_gradient_rule(wrong))
        assert "Not yet" in text and word in text and "fan_out makes" not in text
    for odd in (None, True, "1/fan_out?", 3):
        assert not nb04.check_level_gradient_rule(odd)
    assert "Answer: fan_out" in repr(nb04.check_level_gradient_rule("x", show_answer=True))


def _glorot(fan_in, fan_out):
    return math.sqrt(2 / (fan_in + fan_out))


def test_glorot_std_accepts_float32_and_states_its_tolerance():
    assert nb04.check_glorot_std(_glorot)
    assert nb04.check_glorot_std(lambda a, b: np.sqrt(2.0 / (a + b)))
    # float32 carries about 7 digits: a correct float32 function is correct
    f32 = nb04.check_glorot_std(lambda a, b: np.float32(2) / np.sqrt(np.float32(2 * (a + b))))
    assert f32, f32
    assert "1e-06" in repr(f32)
    # both edges of the stated relative tolerance
    rtol = nb04.GLOROT_STD_RTOL
    assert nb04.check_glorot_std(lambda a, b: _glorot(a, b) * (1 + 0.9 * rtol))
    assert not nb04.check_glorot_std(lambda a, b: _glorot(a, b) * (1 + 1.5 * rtol))
    assert not nb04.check_glorot_std(lambda a, b: _glorot(a, b) * (1 - 1.5 * rtol))
    # float16 is not float32: 3 digits are not enough, and the message says the dtype is why
    half = nb04.check_glorot_std(lambda a, b: np.float16(_glorot(a, b)))
    assert not half and "float16" in repr(half) and "0.04" not in repr(half)


def test_glorot_std_hints_and_helpers():
    for wrong, word in ((lambda a, b: 2 / (a + b), "the variance"),
                        (lambda a, b: math.sqrt(6 / (a + b)), "uniform bound"),
                        (lambda a, b: 1 / math.sqrt(a), "LeCun"),
                        (lambda a, b: math.sqrt(1 / (a + b)), "a 2 on top")):
        text = repr(nb04.check_glorot_std(wrong))
        assert "Not yet" in text and word in text
        assert_hides(text, math.sqrt(2 / 1040))
    from wi_helpers import weight_std

    text = repr(nb04.check_glorot_std(lambda a, b: weight_std("glorot_normal", a, b)))
    assert "Not yet" in text and "weight_std" in text
    boom = nb04.check_glorot_std(lambda a: a)  # wrong signature: reported, not raised
    assert not boom and "TypeError" in repr(boom)
    for odd in (None, "np.sqrt", 0.04, True):
        assert not nb04.check_glorot_std(odd)
    assert "forget the `return`" in repr(nb04.check_glorot_std(lambda *args: None))
    assert "complex" in repr(nb04.check_glorot_std(lambda *args: np.asarray(args[0]) + 1j))
    assert "Answer:" in repr(nb04.check_glorot_std(None, show_answer=True))


def test_answers_do_not_depend_on_any_seed():
    # every expected value is a formula of the exercise's fixed sizes
    assert nb04.check_backward_drift(39.2) and nb04.check_jacobian_mean_square(1.818)
