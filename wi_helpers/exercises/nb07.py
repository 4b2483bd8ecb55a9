"""Checkers for notebook 07 (ReLU, He/Kaiming, framework defaults).

The shared `check_number` prints the expected value on a wrong answer, which the exercise rules
forbid; these checkers build their own `CheckResult` and give the answer only via `answer=True`.
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from ..checks import CheckResult
from ..lessons_nb07 import leaky_gain, telescoping_ratio, torch_linear_default_var

FAN_IN = 256
SIZES = (784, 512, 256, 128, 64, 10)


def _check(answer: Any, expected: float, *, name: str, rtol: float, traps: Mapping[float, str],
           generic: str, why: str, reveal: bool) -> CheckResult:
    if reveal:
        return CheckResult(False, f"[{name}] Answer: {expected:.4g}. {why}")
    if answer is None:
        return CheckResult(False, f"[{name}] No answer yet: replace None with your prediction.")
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return CheckResult(False, f"[{name}] Expected a number, got {type(answer).__name__} {answer!r}.")
    if not math.isfinite(value):
        return CheckResult(False, f"[{name}] Expected a finite number, got {value!r}.")
    if math.isclose(value, expected, rel_tol=rtol):
        return CheckResult(True, f"[{name}] Correct. {why}")
    for trap, hint in traps.items():
        if math.isclose(value, trap, rel_tol=0.02):
            return CheckResult(False, f"[{name}] Not yet. Hint: {hint}")
    return CheckResult(False, f"[{name}] Not yet. Hint: {generic} (Call with answer=True to see it.)")


def leaky_std(answer: Any = None, *, answer_reveal: bool = False, a: float = 0.5) -> CheckResult:
    """Ex. 1: std of He init for leaky ReLU with slope a at fan_in = FAN_IN."""
    expected = leaky_gain(a) / math.sqrt(FAN_IN)
    return _check(
        answer, expected, name="leaky ReLU std", rtol=0.01, reveal=answer_reveal,
        traps={math.sqrt(2 / FAN_IN): "that is plain ReLU's std; the negative side passes a fraction "
               "a of its input, so it keeps some second moment too.",
               a * math.sqrt(2 / FAN_IN): "a is a slope, not a gain: it enters as a^2 inside the "
               "second moment."},
        generic="E[leaky(z)^2] = (1 + a^2)/2 Var[z]; solve for Var[W].",
        why="std = sqrt(2/((1 + a^2) fan_in)).")


def torch_default_factor(answer: Any = None, *, answer_reveal: bool = False) -> CheckResult:
    """Ex. 2: per-layer factor on E[z^2] of a ReLU MLP under nn.Linear's default init."""
    expected = 0.5 * FAN_IN * torch_linear_default_var(FAN_IN)
    return _check(answer, expected, name="nn.Linear default factor", rtol=0.02, reveal=answer_reveal,
                  traps={1 / 3: "fan_in Var[W] is right, but ReLU also halves the second moment.",
                         0.5: "that would be LeCun's variance; the default uniform bound is 1/sqrt(fan_in).",
                         1.0: "that is He's condition; the default is not He's init."},
                  generic="multiply fan_in Var[W] (uniform on [-b, b] has variance b^2/3) by ReLU's factor.",
                  why="(1/2) x fan_in x 1/(3 fan_in) = 1/6 per layer.")


def telescoping(answer: Any = None, *, answer_reveal: bool = False) -> CheckResult:
    """Ex. 3: backward variance ratio of a fan_in-initialized linear net with widths SIZES."""
    expected = telescoping_ratio(SIZES)
    return _check(answer, expected, name="fan_in drift", rtol=0.02, reveal=answer_reveal,
                  traps={1 / expected: "you took fan_out/fan_in per layer; the backward factor of a "
                         "fan_in init is fan_out Var[W] = fan_out/fan_in, read the direction once more.",
                         1.0: "fan_in keeps the forward direction; the backward one drifts."},
                  generic="write the product of the per-layer ratios; the middle widths cancel.",
                  why="the product telescopes to n_0/n_L, whatever the depth.")
