"""The checkers of notebook 06 (every other notebook has a file of its own): right answers pass,
wrong ones get a hint that never holds the expected value, blanks and odd input get a message."""
import math
import re

import numpy as np
import pytest

from wi_helpers.exercises import nb06


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
