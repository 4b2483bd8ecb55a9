"""The checkers of notebooks 05 and 06 (00-04 and 07 have files of their own): right answers
pass, wrong ones get a hint that never holds the expected value, blanks and odd input get a
message, learner functions cannot change the cases."""
import math
import re

import numpy as np
import pytest

from wi_helpers.exercises import nb05, nb06


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
    (nb05.check_chance_error, 100 * 8 / 9, [(100 / 9, "accuracy"), (8 / 9, "percentage"),
                                            (200 / 3, "3 shapes"), (50.0, "")]),
    (nb05.check_normalized_to_standard_ratio, math.sqrt(3), [(3.0, "square root"), (math.sqrt(2), "sqrt(2/n)"),
                                                            (1 / math.sqrt(3), "other way round")]),
    # sigma_w^2 = n Var[W] = 1/3 for U[-1/sqrt(n), 1/sqrt(n)]; relu'^2 is 1 on half the units
    (nb06.check_relu_standard_chi1, 1 / 6, [(1 / 3, "sigma_w^2 alone"), (0.5, "Glorot"),
                                            (1 / 12, "square"), (1 / 18, "already a variance"),
                                            (0.9, "")]),
    # critical sigma_w^2 of tanh at sigma_b^2 = 0.25 is 2.401 (at 0.1: 1.986; at 0.5: 2.843)
    (nb06.check_edge_of_chaos_std, math.sqrt(2.4015 / 256), [(2.4015, "sigma_w^2 itself"),
                                                            (2.4015 / 256, "square root"),
                                                            (1 / 16, "biases move"),
                                                            (math.sqrt(1.986 / 256), "example"),
                                                            (math.sqrt(2.843 / 256), "bias variance"),
                                                            (0.5, "")]),
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


# ---------------------------------------------------------------- function exercises

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


@pytest.mark.parametrize("check", [nb05.check_nll_gradient])
def test_function_checkers_handle_odd_input(check):
    for odd in (None, "np.tanh", 3, True):
        verdict = check(odd)
        assert not verdict
    assert "Answer:" in repr(check(None, show_answer=True))
    assert "forget the `return`" in repr(check(lambda *args: None))
    assert "complex" in repr(check(lambda *args: np.asarray(args[0]) + 1j))
