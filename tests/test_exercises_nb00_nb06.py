"""Every notebook's checkers (00-05; notebook 06's in test_exercises_nb06.py): right answers pass, wrong ones get a hint that never holds
the expected value, blanks and odd input get a message, learner functions cannot change the cases."""
import math
import re

import numpy as np
import pytest

from wi_helpers import get_activation
from wi_helpers.exercises import nb00, nb01, nb02, nb03, nb04, nb05

sigmoid = get_activation("sigmoid").fn


def assert_hides(message: str, expected: float) -> None:
    """The expected value, at any usual precision, appears nowhere in the message."""
    forms = {f"{expected:.{p}g}" for p in (2, 3, 4, 6, 10)} | {repr(expected), f"{expected:.2f}",
                                                                f"{expected:.3f}"}
    for form in forms:
        if form in ("0", "1", "2", "3", "0.0", "1.0"):
            continue  # digits that every hint may contain; such answers are tested one by one
        pattern = r"(?<![\d.])" + re.escape(form) + r"(?![\d])"
        assert not re.search(pattern, message), (form, message)


# checker, the right answer (computed here, independently), wrong answers with a word of their hint
NUMBER_CASES = [
    (nb00.check_sum_variance, 100 * 0.5, [(5.0, "sqrt(n)"), (25.0, "squared the variance"), (7.0, "")]),
    (nb00.check_second_moment, 0.2 ** 2 + 0.5 ** 2, [(0.45, "square it"), (0.04, "zero-mean"), (0.9, "")]),
    (nb00.check_chain_rule, 3.0 * (1 - math.tanh(0) ** 2), [(1.0, "inner derivative"), (0.0, "derivative"),
                                                            (9.0, "")]),
    (nb01.check_chain_gradient, 0.9 ** 10, [(9.0, "added the factors"), (0.9, "one factor"), (0.5, "")]),
    (nb01.check_gradient_variance_ratio, 1.2 ** 20, [(24.0, "added"), (1.2 ** 10, "standard deviations"),
                                                     (1.0, "")]),
    (nb01.check_float32_overflow_layer, 29.0, [(400.0, "per-layer factor"), (38.0, ""), (308.0, "")]),
    (nb02.check_slope_product, 0.25 ** 5, [(0.5 ** 5, "sigma(0) = 1/2"), (1.25, "added the slopes"),
                                           (1.0, "tanh's slope"), (0.25 ** 10, "squared each slope")]),
    (nb02.check_preactivation_variance, 500 * (0.04 + 0.25), [(20.0, "second moment"), (250.0, "squared"),
                                                              (math.sqrt(145), "standard deviation"),
                                                              (500 * 0.54, "mean itself")]),
    (nb03.check_lecun_slope, 1.7159 * 2 / 3, [(1.7159, "inner derivative"), (2 / 3, "outer factor"),
                                              (1.0, "tanh's own slope"), (0.25, "")]),
    (nb03.check_single_signed_probability, 2 * 0.5 ** 10, [(0.5 ** 10, "all-negative"), (1.0, "logistic"),
                                                           (0.5, "")]),
    (nb03.check_unit_mean_spread, 0.25 / 3, [(0.5 / 3, "enters squared"), (1 / 3, "mean"), (0.25, "")]),
    (nb04.check_glorot_bound, math.sqrt(6 / 640), [(math.sqrt(2 / 640), "standard deviation"),
                                                   (2 / 640, "variance"), (math.sqrt(6 / 512), "both fans"),
                                                   (math.sqrt(6 / 1040), "784 -> 256"),
                                                   (1 / math.sqrt(512), "")]),
    (nb04.check_backward_factor, 100 * 2 / 1100, [(1000 * 2 / 1100, "forward factor"), (1.0, "equal fans"),
                                                  (0.1, "")]),
    (nb05.check_chance_error, 100 * 8 / 9, [(100 / 9, "accuracy"), (8 / 9, "percentage"),
                                            (200 / 3, "3 shapes"), (50.0, "")]),
    (nb05.check_normalized_to_standard_ratio, math.sqrt(3), [(3.0, "square root"), (math.sqrt(2), "sqrt(2/n)"),
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
    blank = check(None)
    assert not blank and "No answer yet" in repr(blank)
    assert_hides(repr(blank), right)
    for odd in ("0.5", str(right), True, False, complex(right, 0), float("nan"), 10**400, [right]):
        verdict = check(odd)
        assert not verdict and "Not graded" in repr(verdict), (odd, verdict)
    shown = check(None, show_answer=True)
    assert "Answer:" in repr(shown) and f"{right:.3g}"[:4] in repr(shown)


def test_float32_overflow_layer_is_measured():
    crossing = np.log(np.finfo(np.float32).max) / np.log(20)  # 29.6
    assert nb01.check_float32_overflow_layer(crossing) and nb01.check_float32_overflow_layer(round(crossing))


def test_sum_variance_huge_int_is_a_message_not_a_traceback():
    verdict = nb00.check_sum_variance(10**400)
    assert not verdict and "too large" in repr(verdict)


# ---------------------------------------------------------------- multiple choice

@pytest.mark.parametrize("check,right,wrongs", [
    (nb02.check_top_layer_direction, "0", [("1", "other way up"), ("0.5", "lower layers")]),
    (nb04.check_name_of_one_over_fan_in, "lecun", [("xavier", "both fans"), ("glorot", "both fans"),
                                                   ("he", "factor 2")]),
])
def test_choice_checkers(check, right, wrongs):
    assert check(right) and check(f" {right.upper()} ")
    for wrong, word in wrongs:
        text = repr(check(wrong))
        assert "Not yet" in text and word in text and "Correct" not in text
        assert not re.search(r"(?<![\w.'])" + re.escape(right) + r"(?![\w.'])", text), text
    for odd in (None, True, "zero", 3 + 0j):
        assert not check(odd)
    assert "Answer: " + right in repr(check("x", show_answer=True))


def test_top_layer_accepts_an_unquoted_number():
    assert nb02.check_top_layer_direction(0) and not nb02.check_top_layer_direction(1)


# ---------------------------------------------------------------- function exercises

def _tanh_factor(w, z):
    return w * (1 - np.tanh(z) ** 2)


def test_tanh_factor():
    assert nb01.check_tanh_factor(_tanh_factor)
    assert nb01.check_tanh_factor(lambda w, z: w / np.cosh(z) ** 2)  # same function, other form
    for wrong, word in ((lambda w, z: w * np.tanh(z), "the value"),
                        (lambda w, z: 1 - np.tanh(z) ** 2, "weight w"),
                        (lambda w, z: w * (1 - np.tanh(z)), "a square")):
        text = repr(nb01.check_tanh_factor(wrong))
        assert "Not yet" in text and word in text and "1 - tanh(z)^2" not in text
        assert "0.4199" not in text  # 1 - tanh(1)^2 ... the reference's outputs stay hidden
    text = repr(nb01.check_tanh_factor(lambda w, z: None))
    assert "forget the `return`" in text


def test_in_place_learner_functions_do_not_change_the_cases():
    before = [tuple(a.copy() for a in case) for case in nb01.FACTOR_CASES]

    def factor_in_place(w, z):
        np.tanh(z, out=z)
        z *= z
        np.subtract(1.0, z, out=z)
        z *= w
        return z

    assert nb01.check_tanh_factor(factor_in_place)
    assert nb01.check_tanh_factor(_tanh_factor)  # still right afterwards
    for case, saved in zip(nb01.FACTOR_CASES, before):
        for a, b in zip(case, saved):
            np.testing.assert_array_equal(a, b)
    sat_before = [c[0].copy() for c in nb02.SATURATION_CASES]

    def saturated_in_place(h):
        h -= 0.5
        np.abs(h, out=h)
        return h > 0.485

    assert nb02.check_saturated(saturated_in_place)
    for case, saved in zip(nb02.SATURATION_CASES, sat_before):
        np.testing.assert_array_equal(case[0], saved)


def test_saturated():
    assert nb02.check_saturated(lambda h: np.abs(h - 0.5) > 0.97 * 0.5)
    assert nb02.check_saturated(lambda h: (h < 0.015) | (h > 0.985))
    tanh_rule = repr(nb02.check_saturated(lambda h: np.abs(h) > 0.97))
    assert "tanh's rule" in tanh_rule
    upper_only = repr(nb02.check_saturated(lambda h: h > 0.985))  # forgets the lower asymptote
    lower_only = repr(nb02.check_saturated(lambda h: h < 0.015))
    assert "only the upper asymptote" in upper_only and "only the lower asymptote" in lower_only
    for text in (tanh_rule, upper_only, lower_only,
                 repr(nb02.check_saturated(lambda h: np.abs(h - 0.5) > 0.45))):
        assert "0.015" not in text and "0.985" not in text and "0.485" not in text


def test_tanh_from_sigmoid_refuses_tanh():
    assert nb03.check_tanh_from_sigmoid(lambda x: 2 * sigmoid(2 * x) - 1)
    for cheat in (np.tanh, lambda x: np.tanh(x), math.tanh, get_activation("tanh"),
                  lambda x: get_activation("tanh").fn(x)):
        verdict = nb03.check_tanh_from_sigmoid(cheat)
        assert not verdict and "uses tanh itself" in repr(verdict)
    for wrong, word in ((lambda x: 2 * sigmoid(x) - 1, "twice as steep"),
                        (lambda x: sigmoid(2 * x), "stretch and shift"), (sigmoid, "")):
        text = repr(nb03.check_tanh_from_sigmoid(wrong))
        assert "Not yet" in text and word in text and "2 sigmoid(2x) - 1" not in text


def test_glorot_std():
    assert nb04.check_glorot_std(lambda fan_in, fan_out: math.sqrt(2 / (fan_in + fan_out)))
    assert nb04.check_glorot_std(lambda a, b: np.sqrt(2.0 / (a + b)))
    for wrong, word in ((lambda a, b: 2 / (a + b), "the variance"),
                        (lambda a, b: math.sqrt(6 / (a + b)), "uniform bound"),
                        (lambda a, b: 1 / math.sqrt(a), "LeCun")):
        text = repr(nb04.check_glorot_std(wrong))
        assert "Not yet" in text and word in text
        assert_hides(text, math.sqrt(2 / 1040))
    boom = nb04.check_glorot_std(lambda a: a)  # wrong signature: reported, not raised
    assert not boom and "TypeError" in repr(boom)
    assert not nb04.check_glorot_std(0.04)


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


@pytest.mark.parametrize("check", [nb01.check_tanh_factor, nb02.check_saturated,
                                   nb03.check_tanh_from_sigmoid, nb04.check_glorot_std,
                                   nb05.check_nll_gradient])
def test_function_checkers_handle_odd_input(check):
    for odd in (None, "np.tanh", 3, True):
        verdict = check(odd)
        assert not verdict
    assert "Answer:" in repr(check(None, show_answer=True))
    assert "forget the `return`" in repr(check(lambda *args: None))
    assert "complex" in repr(check(lambda *args: np.asarray(args[0]) + 1j))
