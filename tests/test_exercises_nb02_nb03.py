"""The checkers of notebooks 02 and 03: right answers pass, tolerances hold at both edges, wrong
answers get a hint that never holds the expected value, and check_tanh_from_sigmoid judges
what a function does, not how its source reads."""
import math
import re

import numpy as np
import pytest

from wi_helpers import get_activation
from wi_helpers.exercises import nb02, nb03
from helpers import assert_hides

logistic = get_activation("sigmoid")


# checker, the right answer computed here independently, wrong answers with a word of their hint
NUMBER_CASES = [
    # fan_out Var[W] sigma'(0)^2 = 1 with sigma'(0) = 1/4 and fan_out = 200
    (nb02.check_level_weight_var, 16 / 200, [(4 / 200, "slope 1/4 itself"),
                                             (1 / 200, "left out the slope"),
                                             (math.sqrt(16 / 200), "standard deviation"),
                                             (1 / 16 / 200, "divide"), (0.5, "")]),
    (nb02.check_preactivation_variance, 500 * (0.04 + 0.25), [(20.0, "second moment"),
                                                              (250.0, "squared"),
                                                              (math.sqrt(145), "standard"),
                                                              (500 * 0.54, "mean itself")]),
    (nb03.check_lecun_slope, 1.7159 * 2 / 3, [(1.7159, "inner derivative"),
                                              (2 / 3, "outer factor"),
                                              (1.0, "tanh's own slope"), (0.25, "")]),
    (nb03.check_single_signed_probability, 2 * 0.5 ** 10, [(0.5 ** 10, "all-negative"),
                                                           (1.0, "logistic"), (0.5, "")]),
    # 0.4^2 * fan_in * 1/(3 fan_in), fan_in = 200, fan_out = 100
    (nb03.check_unit_mean_spread, 0.16 / 3, [(0.4 / 3, "enters squared"), (1 / 3, "mean"),
                                             (0.16, "a^2 / 3"), (0.16 * 100 / 600, "fan_out"),
                                             (0.25 / 3, "")]),
]
TOLERANCE = {nb02.check_level_weight_var: 0.05, nb02.check_preactivation_variance: 0.05,
             nb03.check_lecun_slope: 0.01, nb03.check_single_signed_probability: 0.05,
             nb03.check_unit_mean_spread: 0.05}


@pytest.mark.parametrize("check,right,wrongs", NUMBER_CASES,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_number_checkers(check, right, wrongs):
    assert check(right) and "Correct" in repr(check(right))
    for wrong, word in wrongs:
        text = repr(check(wrong))
        assert "Not yet" in text and "Hint:" in text and word in text, (wrong, text)
        assert "Answer" not in text and "Correct" not in text
        assert_hides(text, right)
    blank = check(None)
    assert not blank and "No answer yet" in repr(blank)
    assert_hides(repr(blank), right)
    for odd in ("0.5", str(right), True, complex(right, 0), float("nan"), 10**400, [right]):
        assert "Not graded" in repr(check(odd)), odd
    assert f"Answer: {right:.4g}." in repr(check(None, show_answer=True))


@pytest.mark.parametrize("check,right,wrongs", NUMBER_CASES,
                         ids=lambda v: getattr(v, "__name__", ""))
def test_tolerance_is_the_stated_one_at_both_edges(check, right, wrongs):
    rtol = TOLERANCE[check]
    assert f"within {rtol:.0%}" in repr(check(None))
    for side in (-1, 1):
        assert check(right * (1 + side * 0.98 * rtol)), side
        assert not check(right * (1 + side * 1.02 * rtol)), side


def test_top_layer_prediction():
    check = nb02.check_top_layer_direction
    assert check("0") and check(" 0 ") and check(0)
    for wrong, word in (("1", "as large as"), ("0.5", "where every layer starts")):
        text = repr(check(wrong))
        assert "Not yet" in text and word in text and "Correct" not in text
        assert not re.search(r"(?<![\w.'])0(?![\w.'])", text.split("Hint:")[1]), text
    assert not check(1) and not check(None) and not check(True) and not check("zero")
    assert "Answer: 0" in repr(check(None, show_answer=True))


def test_saturated():
    assert nb02.check_saturated(lambda h: np.abs(h - 0.5) > 0.97 * 0.5)
    assert nb02.check_saturated(lambda h: (h < 0.015) | (h > 0.985))
    tanh_rule = repr(nb02.check_saturated(lambda h: np.abs(h) > 0.97))
    assert "tanh's rule" in tanh_rule
    upper_only = repr(nb02.check_saturated(lambda h: h > 0.985))
    lower_only = repr(nb02.check_saturated(lambda h: h < 0.015))
    assert "only the upper asymptote" in upper_only and "only the lower asymptote" in lower_only
    for text in (tanh_rule, upper_only, lower_only,
                 repr(nb02.check_saturated(lambda h: np.abs(h - 0.5) > 0.45))):
        assert "0.015" not in text and "0.985" not in text and "0.485" not in text
    # the cases really sit on both sides of both thresholds
    values = np.concatenate([c[0].ravel() for c in nb02.SATURATION_CASES])
    for lo, hi in ((0.014, 0.015), (0.015, 0.016), (0.984, 0.985), (0.985, 0.986)):
        assert np.any((values >= lo) & (values <= hi))


def test_saturated_in_place_function_does_not_change_the_cases():
    before = [c[0].copy() for c in nb02.SATURATION_CASES]

    def saturated_in_place(h):
        h -= 0.5
        np.abs(h, out=h)
        return h > 0.485

    assert nb02.check_saturated(saturated_in_place)
    for case, saved in zip(nb02.SATURATION_CASES, before):
        np.testing.assert_array_equal(case[0], saved)


# ------------------------------------------------------------------ tanh from the sigmoid

def _named_tanh(x, sigmoid):
    """tanh, the textbook way."""
    tanh = 2 * sigmoid(2 * x) - 1  # a variable called tanh is no crime
    return tanh


RIGHT = [lambda x, s: 2 * s(2 * x) - 1,
         lambda x, s: 2 * s.fn(2 * x) - 1,                       # the Activation-style call
         lambda x, s: s(2 * x) - s(-2 * x),                      # another correct form
         lambda x, s: 2 * (2 * s(x) - 1) / (1 + (2 * s(x) - 1) ** 2),  # double angle
         _named_tanh]


@pytest.mark.parametrize("fn", RIGHT)
def test_tanh_from_sigmoid_accepts_every_correct_function(fn):
    verdict = nb03.check_tanh_from_sigmoid(fn)
    assert verdict and "Correct" in repr(verdict), repr(verdict)


@pytest.mark.parametrize("fn,word", [
    (lambda x, s: np.sinh(x) / np.cosh(x), "np.sinh"),
    (lambda x, s: np.tanh(x), "np.tanh"),
    (lambda x, s: np.vectorize(math.tanh)(x), "math.tanh"),
    (lambda x, s: (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1), "np.exp"),
    (lambda x, s: 2 * logistic.fn(2 * x) - 1, "package's own sigmoid"),
    (lambda x, s: (np.e ** (2 * x) - 1) / (np.e ** (2 * x) + 1), "still returns tanh"),
    (lambda x, s: (np.e ** (2 * x) - 1) / (np.e ** (2 * x) + 1) + 0 * s(x), "still returns"),
    (lambda x, s: get_activation("tanh").fn(x), "still returns tanh"),
    (lambda x: 2 * logistic(2 * x) - 1, "two arguments"),
    (np.tanh, "built-in"),
    (math.tanh, "built-in"),
])
def test_tanh_from_sigmoid_refuses_tanh_by_other_routes(fn, word):
    text = repr(nb03.check_tanh_from_sigmoid(fn))
    assert "Not yet" in text and word in text, text
    assert "Correct" not in text and "Answer" not in text


def test_tanh_from_sigmoid_restores_what_it_switches_off():
    saved = {(m, a): getattr(m, a) for m, names in nb03.UNAVAILABLE.items() for a in names
             if hasattr(m, a)}
    nb03.check_tanh_from_sigmoid(lambda x, s: np.tanh(x))        # raises inside
    nb03.check_tanh_from_sigmoid(lambda x, s: 1 / 0)             # another error
    nb03.check_tanh_from_sigmoid(lambda x, s: 2 * s(2 * x) - 1)  # passes
    for (module, attr), value in saved.items():
        assert getattr(module, attr) is value, attr
    assert np.tanh(0.5) == pytest.approx(math.tanh(0.5))


def test_tanh_from_sigmoid_hints_at_the_likely_slip():
    for wrong, word in ((lambda x, s: 2 * s(x) - 1, "twice as steep"),
                        (lambda x, s: s(2 * x), "stretch and shift"),
                        (lambda x, s: 2 * s(x / 2) - 1, "halved the input"),
                        (lambda x, s: s(x), "")):
        text = repr(nb03.check_tanh_from_sigmoid(wrong))
        assert "Not yet" in text and word in text and "2 * sigmoid(2 * x) - 1" not in text
    raised = repr(nb03.check_tanh_from_sigmoid(lambda x, s: 1 / 0))
    assert "ZeroDivisionError" in raised and "Correct" not in raised


def test_the_substitutes_are_s_shaped_and_not_the_logistic():
    x = np.linspace(-6, 6, 121)
    for other in nb03.SUBSTITUTES:
        y = other(x)
        assert np.all(np.diff(y) > 0) and np.all((y > 0) & (y < 1)), other
        assert not np.allclose(2 * other(2 * x) - 1, np.tanh(x), atol=1e-6), other
    np.testing.assert_allclose(nb03.LOGISTIC(x), logistic.fn(x), rtol=1e-15)


@pytest.mark.parametrize("check", [nb02.check_saturated, nb03.check_tanh_from_sigmoid])
def test_function_checkers_handle_odd_input(check):
    for odd in (None, "np.tanh", 3, True):
        assert not check(odd)
    assert "Answer:" in repr(check(None, show_answer=True))
    assert "forget the `return`" in repr(check(lambda *args: None))
    assert "complex" in repr(check(lambda *args: np.asarray(args[0]) + 1j))
