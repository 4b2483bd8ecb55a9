"""The checkers of notebooks 00 and 01: right answers pass at both edges of the stated tolerance,
wrong ones get the hint of their slip (and only that one) without the expected value, blanks and
odd input get a message, and the answers are seed-independent and match independent references."""
import math
import re

import numpy as np
import pytest

from wi_helpers import MLP, layer_stats
from wi_helpers.exercises import nb00, nb01
from helpers import assert_hides


T06 = math.tanh(0.6)
# checker, the right answer (computed here, independently), its tolerance (relative, absolute),
# wrong answers with a word of their hint ("" = the generic hint only)
NUMBER_CASES = [
    (nb00.check_sum_variance, 100 * 0.5, (0.02, 0),
     [(5.0, "sqrt(n)"), (25.0, "squared the variance"), (7.0, "")]),
    (nb00.check_second_moment, 0.5 ** 2 + 0.3 ** 2, (0.02, 0),
     [(0.5 + 0.09, "square it"), (0.25, "zero-mean"), (0.25 - 0.09, "subtracted"),
      (0.2 ** 2, "sum of the standard deviation"), (0.9, "")]),
    (nb00.check_chain_rule, 3 * (1 - T06 ** 2), (0.02, 0),
     [(1 - T06 ** 2, "inner derivative"), (T06, "the value"), (3 * T06, "multiplied w"),
      (3 * (1 - T06), "a square"), (3 * (1 - math.tanh(0.2) ** 2), "slope at x"),
      (math.tanh(3.0), ""), (1.0, ""), (3.0, "")]),
    (nb00.check_preactivation_variance, 100 * (0.1 ** 2 / 3) * (0.04 + 0.25), (0.02, 0),
     [(100 * (0.01 / 3) * 0.04, "used Var[x]"), (100 * (0.01 / 3) * 0.2, "standard deviation"),
      (0.29, "left out the weights"), (100 * 0.01 * 0.29, "bound 1/sqrt(n)"),  # the same value
      (100 * (0.01 / 3) * 0.25, "mean's square"), (0.5, "")]),
    (nb01.check_chain_gradient, 0.9 ** 10, (0.02, 0),
     [(9.0, "added the factors"), (0.9, "one factor"), (0.5, "")]),
    (nb01.check_gradient_variance_ratio, 1.2 ** 20, (0.05, 0),
     [(24.0, "added"), (1.2 ** 10, "standard deviations"), (1.0, "")]),
    (nb01.check_float32_overflow_layer, math.log(float(np.finfo(np.float32).max)) / math.log(20),
     (0, 1), [(400.0, "per-layer factor"), (38.0, "exponent"), (14.8, "square root"),
              (308.0, ""), (27.0, "")]),
    (nb01.check_narrowing_ratio, 32 / 1024, (0.02, 0),
     [(1.0, "forward factor"), (32.0, "inverted"), (0.5, "one layer's factor"), (0.1, "")]),
]
IDS = [c[0].__name__ for c in NUMBER_CASES]


@pytest.mark.parametrize("check,right,tol,wrongs", NUMBER_CASES, ids=IDS)
def test_number_checkers(check, right, tol, wrongs):
    ok = check(right)
    assert ok and "Correct" in repr(ok)
    for wrong, word in wrongs:
        verdict = check(wrong)
        text = repr(verdict)
        assert not verdict and "Not yet" in text and "Hint:" in text, (wrong, text)
        assert word in text, (wrong, word, text)
        if not word:
            assert "Looks like" not in text, (wrong, text)  # no hint aimed at another slip
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


@pytest.mark.parametrize("check,right,tol,wrongs", NUMBER_CASES, ids=IDS)
def test_tolerance_is_the_stated_one_at_both_edges(check, right, tol, wrongs):
    rtol, atol = tol
    width = max(rtol * abs(right), atol)
    stated = f"within {atol:g}" if atol else f"within {rtol:.0%}"
    assert stated in repr(check(None))
    for sign in (-1, 1):
        assert check(right + sign * 0.99 * width), (right, sign)
        assert not check(right + sign * 1.01 * width), (right, sign)


def test_tanh_of_3_gets_no_hint_for_another_slip():
    # tanh(3) = 0.995 is within 2 % of 1 (the old exercise's "forgot the inner derivative")
    text = repr(nb00.check_chain_rule(np.tanh(3.0)))
    assert "Not yet" in text and "Looks like" not in text


def test_second_moment_exercise_answer_is_not_the_logistic_page_value():
    # notebook 00 prints E[sigma(z)^2] = 0.2936 for z ~ N(0, 1); it must not pass Ex. 2
    assert not nb00.check_second_moment(0.2936)
    assert not nb00.check_second_moment(0.3939)  # nor tanh's


def test_preactivation_variance_matches_a_simulation():
    rng = np.random.default_rng(5)
    n, trials = nb00.PIX_N, 200_000
    x = rng.normal(nb00.PIX_MEAN, nb00.PIX_STD, size=(trials, n))
    w = rng.uniform(-1 / np.sqrt(n), 1 / np.sqrt(n), size=(trials, n))
    measured = np.var(np.sum(x * w, axis=1))
    assert nb00.check_preactivation_variance(measured)
    assert measured == pytest.approx(0.29 / 3, rel=0.01)


def test_sum_variance_huge_int_is_a_message_not_a_traceback():
    verdict = nb00.check_sum_variance(10**400)
    assert not verdict and "too large" in repr(verdict)


@pytest.mark.parametrize("seed", range(6))
def test_float32_overflow_answer_holds_for_every_seed(seed):
    # the checker's answer comes from the theory; every draw's measured layer is accepted
    net = MLP([nb01.OVERFLOW_WIDTH] * 35, activation="linear", init="normal", std=1.0,
              seed=seed, dtype=np.float32)
    stats = layer_stats(net, batch=16, rng=np.random.default_rng(seed))
    assert stats.forward_overflow in (29, 30)
    assert nb01.check_float32_overflow_layer(stats.forward_overflow)


def test_narrowing_ratio_matches_a_network():
    sizes = list(nb01.NARROWING_SIZES)
    ratios = []
    for seed in range(3):
        net = MLP(sizes, activation="linear", init="lecun_normal", seed=seed)
        st = layer_stats(net, batch=256, rng=np.random.default_rng(seed))
        ratios.append(st.grad_h_var[0] / st.grad_h_var[-1])
    assert np.mean(ratios) == pytest.approx(sizes[-1] / sizes[0], rel=0.1)
    assert nb01.check_narrowing_ratio(sizes[-1] / sizes[0])


# ---------------------------------------------------------------- function exercise

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


def test_tanh_factor_handles_odd_input():
    for odd in (None, "np.tanh", 3, True):
        assert not nb01.check_tanh_factor(odd)
    assert "Answer:" in repr(nb01.check_tanh_factor(None, show_answer=True))
    assert "complex" in repr(nb01.check_tanh_factor(lambda w, z: np.asarray(w) + 1j))


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
