"""Checkers for notebook 07 (ReLU, He/Kaiming, framework defaults).

Built on the shared `check_number`: a wrong answer gets a hint aimed at the likely slip, never
the expected value; `show_answer=True` prints the answer and why.
"""
from __future__ import annotations

import math
from typing import Any

from ..lessons_nb07 import leaky_gain, telescoping_ratio, torch_linear_default_var
from .base import CheckResult, check_number

FAN_IN = 256
SIZES = (784, 512, 256, 128, 64, 10)


def leaky_std(answer: Any = None, *, show_answer: bool = False, a: float = 0.5) -> CheckResult:
    """Ex. 1: std of He init for leaky ReLU with slope a at fan_in = FAN_IN."""
    return check_number(
        answer, leaky_gain(a) / math.sqrt(FAN_IN), name="leaky ReLU std", rtol=0.01,
        show_answer=show_answer,
        hint="E[leaky(z)^2] = (1 + a^2)/2 Var[z]; solve (1 + a^2)/2 fan_in Var[W] = 1 for the std.",
        traps={math.sqrt(2 / FAN_IN): "plain ReLU's std; the negative side passes a fraction a "
               "of its input, so it keeps some second moment too.",
               a * math.sqrt(2 / FAN_IN): "a used as a gain; a is a slope, and it enters as a^2 "
               "inside the second moment.",
               2 / ((1 + a * a) * FAN_IN): "a variance; the question asks for the std."},
        why="std = sqrt(2/((1 + a^2) fan_in)).")


def torch_default_factor(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: per-layer factor on E[z^2] of a ReLU MLP under nn.Linear's default init."""
    return check_number(
        answer, 0.5 * FAN_IN * torch_linear_default_var(FAN_IN), name="nn.Linear default factor",
        rtol=0.02, show_answer=show_answer,
        hint="multiply fan_in Var[W] (uniform on [-b, b] has variance b^2/3) by ReLU's factor.",
        traps={1 / 3: "fan_in Var[W] alone; ReLU also halves the second moment.",
               0.5: "LeCun's variance 1/fan_in; the default's uniform bound is 1/sqrt(fan_in).",
               1.0: "He's condition; the default is not He's init."},
        why="(1/2) x fan_in x 1/(3 fan_in) = 1/6 per layer.")


def telescoping(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: how many times smaller Var[dL/dh] is at the input than at the output (fan_in init)."""
    expected = telescoping_ratio(SIZES)
    return check_number(
        answer, expected, name="fan_in drift", rtol=0.02, show_answer=show_answer,
        hint="write the product of the per-layer backward factors fan_out/fan_in; the middle "
             "widths cancel.",
        traps={1 / expected: "the factor by which the input gradient is multiplied; the question "
               "asks how many times smaller it is.",
               1.0: "fan_in keeps the forward direction; the backward one drifts."},
        why="the product telescopes to n_0/n_L, whatever the depth.")
