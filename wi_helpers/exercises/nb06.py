"""Checkers for notebook 06, the explorer: chi_1 of ReLU + Glorot, and the edge of chaos.

Expected values come from the mean-field theory (`chi_1`, `critical_sigma_w2`). Every checker
takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
from typing import Any

from ..theory import chi_1, critical_sigma_w2
from .base import CheckResult, check_number

# Exercise 2: a tanh network of this width, with biases of this variance.
EDGE_WIDTH, EDGE_BIAS_VAR = 256, 0.1


def check_relu_glorot_chi1(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: chi_1 of a ReLU network with equal widths and glorot_uniform weights."""
    return check_number(
        answer, chi_1("relu", 1.0), name="ReLU + Glorot chi_1", rtol=0.05, show_answer=show_answer,
        why="Glorot gives sigma_w^2 = n Var[W] = 1 at equal widths, and relu'(z)^2 is 1 "
            "for half of the units, 0 for the others: chi_1 = 1 x 1/2.",
        hint="chi_1 = sigma_w^2 E[phi'(z)^2]: find sigma_w^2 = fan_in Var[W] for Glorot at equal "
             "widths, then the fraction of units where ReLU's slope is not 0.",
        traps={1.0: "that is sigma_w^2 alone (or tanh's chi_1 near 0); ReLU's slope is 0 for "
                    "part of the units.",
               2.0: "that is He's sigma_w^2, not Glorot's.",
               0.25: "relu'(z) is 0 or 1, so its square is the same 0 or 1."})


def check_edge_of_chaos_std(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: the weight std putting a width-256 tanh network with sigma_b^2 = 0.1 at chi_1 = 1."""
    sigma_w2 = critical_sigma_w2("tanh", EDGE_BIAS_VAR)
    expected = math.sqrt(sigma_w2 / EDGE_WIDTH)
    return check_number(
        answer, expected, name="edge-of-chaos std", rtol=0.05, show_answer=show_answer,
        why=f"chi_1 = 1 at sigma_w^2 = critical_sigma_w2('tanh', {EDGE_BIAS_VAR}) = "
            f"{sigma_w2:.2f}, and sigma_w^2 = fan_in * std^2, so std = "
            f"sqrt({sigma_w2:.2f} / {EDGE_WIDTH}).",
        hint=f"critical_sigma_w2('tanh', {EDGE_BIAS_VAR}) gives sigma_w^2, not the std: undo "
             "sigma_w^2 = fan_in * std^2.",
        traps={sigma_w2: "that is sigma_w^2 itself; convert it to a weight std with the fan_in.",
               sigma_w2 / EDGE_WIDTH: "that is the variance std^2; take its square root.",
               1 / math.sqrt(EDGE_WIDTH): "that is sigma_w^2 = 1, the edge without biases; the "
                                          "biases move the critical value up."})
