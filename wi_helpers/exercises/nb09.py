"""Checkers for notebook 09 (the order-to-chaos phase diagram).

Built on the shared `check_number` / `check_choice`: a wrong answer gets a hint aimed at the
likely slip, never the expected value; `show_answer=True` prints the answer and why. The
answers are mean-field values (no seed enters).
"""
from __future__ import annotations

import math
from typing import Any

from ..propagation import depth_scales, mean_field_trajectory
from .base import CheckResult, check_choice, check_number

RELU_POINT = (1.8, 0.2)     # (sigma_w^2, sigma_b^2) of exercise 1
LINEAR_POINT = (0.8, 0.1)   # exercise 3
HE_DEPTH = 100              # exercise 2: layers, tanh at He's sigma_w^2 = 2, no biases
HE_C0 = 0.99
OPTIONS = ("alike", "partly", "unrelated")


def check_relu_xi_c(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: xi_c of a ReLU network at RELU_POINT (layers)."""
    sw, sb = RELU_POINT
    expected = depth_scales("relu", sw, sb).xi_c
    return check_number(
        answer, expected, name="ReLU depth scale", rtol=0.02, show_answer=show_answer,
        hint="find chi_1 for ReLU first (E[relu'(z)^2] = 1/2 at every variance), decide the "
             "phase, and use xi_c = -1/ln chi_c.",
        traps={-1 / math.log(sw): "sigma_w^2 used as chi_1; ReLU passes only half of its "
               "inputs' slope, so chi_1 = sigma_w^2 / 2.",
               1 / (1 - sw / 2): "1/(1 - chi), the first-order form of -1/ln chi; close, but "
               "not within 2 %.",
               math.log(10) / -math.log(sw / 2): "the depth for a 10-fold change; xi_c is the "
               "depth for a factor e."},
        why="chi_1 = sigma_w^2 / 2 = 0.9 < 1: ordered, c* = 1 and chi_c = chi_1, so "
            "xi_c = -1/ln 0.9; sigma_b^2 does not enter.")


def check_he_correlation(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: two inputs at correlation 0.99 after HE_DEPTH tanh layers at sigma_w^2 = 2, no biases."""
    _, c = mean_field_trajectory("tanh", 2.0, 0.0, q0=1.0, c0=HE_C0, depth=HE_DEPTH)
    last = float(c[-1])
    expected = "alike" if last > 0.9 else ("unrelated" if last < 0.1 else "partly")
    return check_choice(
        answer, expected, name="He on tanh", options=OPTIONS, show_answer=show_answer,
        hint="is He's sigma_w^2 = 2 ordered or chaotic for tanh at sigma_b^2 = 0? Then: where is "
             "c* for an odd activation without biases, and how many depth scales is 100 layers?",
        traps={"alike": "the ordered phase's answer; for tanh, chi_1 at sigma_w^2 = 2 is above 1.",
               "partly": "a chaotic fixed point c* between 0 and 1; without biases an odd "
               "activation maps c = 0 to 0, so c* = 0."},
        why="chaotic (chi_1 = 1.11), c* = 0 (no biases, odd tanh); xi_c is about 22 layers, so "
            "after 100 layers c is about 0.05.")


def check_linear_tenfold(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: layers for 1 - c_l to shrink 10-fold in a linear network at LINEAR_POINT."""
    sw, sb = LINEAR_POINT
    expected = math.log(10.0) / -math.log(sw)
    return check_number(
        answer, expected, name="linear network", rtol=0.02, show_answer=show_answer,
        hint="for phi(x) = x the map is f(c) = (sigma_w^2 q* c + sigma_b^2)/q* with "
             "q* = sigma_b^2/(1 - sigma_w^2): write 1 - f(c) in terms of 1 - c.",
        traps={-1 / math.log(sw): "xi_c itself (a factor e); the question asks for a factor 10.",
               1 / (1 - sw): "1/(1 - sigma_w^2), the first-order form of -1/ln sigma_w^2, and "
               "for a factor e.",
               math.log(10.0) / -math.log(sw / 2): "ReLU's slope sigma_w^2 / 2; a linear unit "
               "passes every input's slope."},
        why="1 - f(c) = sigma_w^2 (1 - c): 1 - c shrinks by 0.8 per layer, so "
            "ln 10 / ln(1/0.8) layers.")
