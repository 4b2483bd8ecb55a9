"""Small helpers shared by several test files (imported as `helpers`: pytest puts tests/ on
sys.path)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def load_notebook_tool(name: str = "wi_notebooks_tool"):
    """tools/notebooks.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / "notebooks.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def assert_hides(message: str, expected: float) -> None:
    """The expected value, at any usual precision, appears nowhere in the message."""
    import re

    forms = {f"{expected:.{p}g}" for p in (2, 3, 4, 6, 10)} | {repr(expected), f"{expected:.2f}",
                                                                f"{expected:.3f}"}
    for form in forms:
        if form in ("0", "1", "2", "3", "0.0", "1.0"):
            continue  # digits that every hint may contain; such answers are tested one by one
        pattern = r"(?<![\d.])" + re.escape(form) + r"(?![\d])"
        assert not re.search(pattern, message), (form, message)


def check_number_checker(check, right: float, wrongs) -> None:
    """A numeric checker: the right answer passes; each wrong one gets its hint word and never
    the answer; blanks and odd input get a message; show_answer reveals it."""
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
