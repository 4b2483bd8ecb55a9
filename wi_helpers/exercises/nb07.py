"""Checkers for notebook 07 (ReLU, He/Kaiming, framework defaults).

Built on the shared `check_number`: a wrong answer gets a hint aimed at the likely slip, never
the expected value; `show_answer=True` prints the answer and why.
"""
from __future__ import annotations

import math
from typing import Any

from ..conventions import leaky_gain, torch_default_bounds
from ..lessons.relu_he import telescoping_ratio
from .base import CheckResult, check_number

FAN_IN = 256
SLOPE = 0.5
SIZES = (784, 512, 256, 128, 64, 10)


def check_leaky_std(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: std of He init for leaky ReLU with slope SLOPE at fan_in = FAN_IN."""
    a = SLOPE
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


def _default_factor() -> float:
    # E[h^2] factor per ReLU layer under nn.Linear's default: (1/2) fan_in Var[W]
    bound = torch_default_bounds("dense", FAN_IN, FAN_IN)[0]
    return 0.5 * FAN_IN * bound ** 2 / 3.0  # Var U[-b, b] = b^2 / 3


def check_torch_default_to_he(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: the factor on nn.Linear's default weights that meets He's condition in a ReLU MLP."""
    # The body states the default's per-layer factor 1/6; the exercise asks for the step past it.
    factor = _default_factor()
    return check_number(
        answer, 1 / math.sqrt(factor), name="nn.Linear default to He", rtol=0.02,
        show_answer=show_answer,
        hint="find the default's per-layer factor on E[h^2] first; scaling every weight by c "
             "multiplies that factor by c^2.",
        traps={1 / factor: "the factor on the variance; the weights themselves scale by its "
               "square root.",
               math.sqrt(3.0): "the step to fan_in Var[W] = 1 (LeCun's); ReLU also halves the "
               "second moment.",
               math.sqrt(2.0): "LeCun-to-He; the default's variance is 1/(3 fan_in), not 1/fan_in.",
               factor: "the default's per-layer factor itself; the question asks what undoes it."},
        why="the default's factor is (1/2) x fan_in x 1/(3 fan_in) = 1/6 per layer; weights times "
            "c give c^2/6, so c = sqrt 6.")


def check_telescoping(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
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
