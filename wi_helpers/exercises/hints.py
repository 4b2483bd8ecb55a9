"""Targeted hints: name the slip when a wrong answer matches a known mistake."""
from __future__ import annotations

import math
from typing import Any, Mapping

from .base import CheckResult, as_number


def matches(answer: Any, value: float, rtol: float = 0.02) -> bool:
    """True when `answer` is a finite real number (not bool, str) within `rtol` of `value`."""
    a, problem = as_number(answer)
    return problem is None and math.isclose(a, value, rel_tol=rtol, abs_tol=1e-12)


def with_hint(result: CheckResult, answer: Any, traps: Mapping[float, str], *,
              rtol: float = 0.02) -> CheckResult:
    """`result`, with "Looks like <hint>" appended when a wrong answer matches a trap value.

    The checkers pass their traps to `check_number(..., traps=...)`, which does the same;
    this stays for code that builds a result first.
    """
    if result.ok:
        return result
    for value, hint in traps.items():
        if matches(answer, value, rtol):
            return CheckResult(False, f"{result.message} Looks like {hint}")
    return result
