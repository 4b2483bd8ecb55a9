"""Checkers for notebook 10 (residual networks and normalization at init).

Built on the shared `check_number`: a wrong answer gets a hint aimed at the likely slip, never
the expected value; `show_answer=True` prints the answer and why.
"""
from __future__ import annotations

import math
from typing import Any

from .base import CheckResult, check_number

ALPHA_EX1, DEPTH_EX1 = 0.5, 10
ALPHA_EX2, DEPTH_EX2 = 0.5, 50
DEPTH_EX3 = 20


def check_gated_variance(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: mean h_L^2 after 10 He-ReLU residual blocks with alpha = 0.5, from 1."""
    expected = (1 + ALPHA_EX1 ** 2) ** DEPTH_EX1
    return check_number(
        answer, expected, name="gated residual variance", rtol=0.02, show_answer=show_answer,
        hint="each block adds alpha^2 times the branch, and the branch carries as much as "
             "the stream itself; the factors multiply.",
        traps={2.0 ** DEPTH_EX1: "that is alpha = 1; the gate multiplies the branch.",
               (1 + ALPHA_EX1) ** DEPTH_EX1: "alpha multiplies the branch's values; its "
                                             "variance gets alpha squared.",
               1 + DEPTH_EX1 * ALPHA_EX1 ** 2: "the additions do not stay the same size: the "
                                               "branch grows with the stream."},
        why="E[h_(l+1)^2] = (1 + alpha^2) E[h_l^2], so (1.25)^10.")


def check_bn_branch_variance(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: mean h_L^2 after 50 blocks with BatchNorm in the branch and alpha = 0.5."""
    expected = 1 + DEPTH_EX2 * ALPHA_EX2 ** 2
    return check_number(
        answer, expected, name="BN-branch variance", rtol=0.02, show_answer=show_answer,
        hint="BatchNorm fixes the size of what each branch adds, whatever the stream holds.",
        traps={1 + DEPTH_EX2 * ALPHA_EX2: "alpha multiplies values; the variance gets alpha^2.",
               1.0 + DEPTH_EX2: "that is alpha = 1.",
               (1 + ALPHA_EX2 ** 2) ** DEPTH_EX2: "the un-normalized rule; BatchNorm makes the "
                                                 "addition constant, not proportional."},
        why="each block adds alpha^2 x 1 = 0.25: 1 + 50 x 0.25.")


def check_bn_gradient_growth(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: the growth of E[(dL/dh)^2] over 20 plain BatchNorm-ReLU layers (Yang's limit)."""
    r = math.pi / (math.pi - 1)
    expected = r ** DEPTH_EX3
    return check_number(
        answer, expected, name="BN gradient growth", rtol=0.05, show_answer=show_answer,
        hint="the per-layer factor multiplies, once per layer.",
        traps={r ** (DEPTH_EX3 / 2): "that is the gradient's norm; the question asks for its "
                                     "second moment.",
               1 + DEPTH_EX3 * (r - 1): "the excesses added; the factors multiply.",
               2.0 ** DEPTH_EX3: "the plain residual forward rule; this is a plain BN network."},
        why="(pi/(pi - 1))^20.")
