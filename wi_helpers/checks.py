"""Answer checkers for the "predict, then check" exercises.

A checker compares a learner's answer with a value the numerics compute, and returns a
`CheckResult` whose text says whether the answer is right, what was expected, within which
tolerance, and why. Its repr is that text, so a notebook cell ending in a check prints
one deterministic line (which nbval compares).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer: `ok` and a message that explains it."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def _is_blank(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def check_number(answer: Any, expected: float, *, name: str, why: str,
                 rtol: float = 0.05, atol: float = 0.0) -> CheckResult:
    """Check a numeric answer against `expected` within rtol (relative) or atol (absolute)."""
    tol = f"within {rtol:.0%}" if atol == 0 else f"within {_fmt(atol)}"
    if _is_blank(answer):
        return CheckResult(False, f"[{name}] No answer yet: replace None with your prediction "
                                  f"(checked {tol}).")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"[{name}] Expected a number, got {type(answer).__name__} {answer!r}.")
    if not math.isfinite(value):
        return CheckResult(False, f"[{name}] Expected a finite number, got {value!r}.")
    if math.isclose(value, expected, rel_tol=rtol, abs_tol=atol):
        return CheckResult(True, f"[{name}] Correct: {_fmt(value)} (expected {_fmt(expected)}, {tol}). {why}")
    return CheckResult(False, f"[{name}] Not yet: you gave {_fmt(value)}, expected {_fmt(expected)} "
                              f"({tol}). Hint: {why}")


def check_choice(answer: Any, expected: str, *, name: str, why: str,
                 options: Iterable[str]) -> CheckResult:
    """Check a multiple-choice answer (a string among `options`, case-insensitive)."""
    options = [o.lower() for o in options]
    if _is_blank(answer):
        return CheckResult(False, f"[{name}] No answer yet: choose one of {options}.")
    if not isinstance(answer, str) or answer.strip().lower() not in options:
        return CheckResult(False, f"[{name}] Choose one of {options}, got {answer!r}.")
    if answer.strip().lower() == expected.lower():
        return CheckResult(True, f"[{name}] Correct: {expected}. {why}")
    return CheckResult(False, f"[{name}] Not yet: {answer.strip().lower()} is not right. Hint: {why}")


def check_function(fn: Any, reference: Callable[..., Any], cases: Iterable[tuple], *, name: str,
                   why: str, rtol: float = 1e-6, atol: float = 1e-9) -> CheckResult:
    """Check a learner's function against `reference` on each tuple of arguments in `cases`."""
    cases = list(cases)
    if _is_blank(fn):
        return CheckResult(False, f"[{name}] No answer yet: define the function and pass it in.")
    if not callable(fn):
        return CheckResult(False, f"[{name}] Expected a function, got {type(fn).__name__}.")
    for args in cases:
        want = np.asarray(reference(*args), dtype=float)
        try:
            got = np.asarray(fn(*args), dtype=float)
        except Exception as exc:  # the learner's code: report, never crash the notebook
            return CheckResult(False, f"[{name}] Your function raised {type(exc).__name__}: {exc} "
                                      f"for arguments {args!r}.")
        if got.shape != want.shape or not np.allclose(got, want, rtol=rtol, atol=atol):
            return CheckResult(False, f"[{name}] Not yet: for arguments {args!r} you return "
                                      f"{np.array2string(got, precision=4)}, expected "
                                      f"{np.array2string(want, precision=4)}. Hint: {why}")
    return CheckResult(True, f"[{name}] Correct on all {len(cases)} test cases "
                             f"(relative tolerance {rtol:g}). {why}")
