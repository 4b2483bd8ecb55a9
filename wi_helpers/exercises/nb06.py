"""Checkers for notebook 06, the explorer: chi_1 of ReLU with the
"standard" init, and the edge of chaos.

Expected values come from the mean-field theory (`chi_1`, `critical_sigma_w2`). Every checker
takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
from typing import Any

from ..theory import chi_1, critical_sigma_w2
from .base import CheckResult, check_number

# Exercise 1: a ReLU network with equal widths and the "standard" init (n Var[W] = 1/3).
# Exercise 2: a tanh network of this width, with biases of this std (sigma_b^2 = 0.25); the
# notebook's own example uses sigma_b^2 = 0.1, so its printed std is not this answer.
EDGE_WIDTH, EDGE_BIAS_STD = 256, 0.5
EDGE_BIAS_VAR = EDGE_BIAS_STD ** 2


def check_relu_standard_chi1(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: chi_1 of a ReLU network with equal widths and the "standard" init."""
    sigma_w2 = 1 / 3  # U[-1/sqrt(n), 1/sqrt(n)] has Var[W] = 1/(3n)
    return check_number(
        answer, chi_1("relu", sigma_w2), name="ReLU + standard chi_1", rtol=0.05,
        show_answer=show_answer,
        why="the standard init U[-1/sqrt(n), 1/sqrt(n)] has Var[W] = 1/(3n), so sigma_w^2 = "
            "n Var[W] = 1/3, and relu'(z)^2 is 1 for half of the units, 0 for the others: "
            "chi_1 = 1/3 x 1/2.",
        hint="chi_1 = sigma_w^2 E[phi'(z)^2]: find sigma_w^2 = fan_in Var[W] for U[-a, a] "
             "(its variance is a^2/3), then the fraction of units where ReLU's slope is not 0.",
        traps={1 / 3: "that is sigma_w^2 alone (or tanh's chi_1 near 0); ReLU's slope is 0 for "
                      "part of the units.",
               0.5: "that is ReLU with sigma_w^2 = 1 (Glorot at equal widths); the standard "
                    "init's weight variance is smaller.",
               1 / 12: "relu'(z) is 0 or 1, so its square is the same 0 or 1.",
               1 / 18: "sigma_w^2 = n Var[W] is already a variance: do not square it."})


def check_edge_of_chaos_std(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: the weight std putting a width-256 tanh network with sigma_b = 0.5 at chi_1 = 1."""
    sigma_w2 = critical_sigma_w2("tanh", EDGE_BIAS_VAR)
    expected = math.sqrt(sigma_w2 / EDGE_WIDTH)
    example = math.sqrt(critical_sigma_w2("tanh", 0.1) / EDGE_WIDTH)  # the notebook's 0.088
    bias_std_slip = math.sqrt(critical_sigma_w2("tanh", EDGE_BIAS_STD) / EDGE_WIDTH)
    return check_number(
        # 2 %: the std slider's values beside the answer (0.088 and 0.1) are 9 % and 3 % off
        answer, expected, name="edge-of-chaos std", rtol=0.02, show_answer=show_answer,
        why=f"chi_1 = 1 at sigma_w^2 = critical_sigma_w2('tanh', {EDGE_BIAS_VAR}) = "
            f"{sigma_w2:.2f}, and sigma_w^2 = fan_in * std^2, so std = "
            f"sqrt({sigma_w2:.2f} / {EDGE_WIDTH}).",
        hint="critical_sigma_w2('tanh', sigma_b^2) takes the bias variance and gives sigma_w^2, "
             "not the std: undo sigma_w^2 = fan_in * std^2.",
        traps={sigma_w2: "that is sigma_w^2 itself; convert it to a weight std with the fan_in.",
               sigma_w2 / EDGE_WIDTH: "that is the variance std^2; take its square root.",
               1 / math.sqrt(EDGE_WIDTH): "that is sigma_w^2 = 1, the edge without biases; the "
                                          "biases move the critical value up.",
               example: "that is the edge for sigma_b^2 = 0.1, the notebook's example; these "
                        "biases are larger, and so is the critical sigma_w^2.",
               bias_std_slip: "critical_sigma_w2 takes the bias variance sigma_b^2, not the "
                              "std sigma_b."})
