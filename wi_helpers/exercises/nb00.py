"""Checkers for the warm-up of notebook 00: the prerequisites of the series.

Expected values are computed from the exercise's numbers (variance of a sum of independent
terms, the second moment from mean and standard deviation, the chain rule through tanh).
Every checker takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..activations import get_activation
from .base import CheckResult, check_number

# Exercise 1: a sum of N_TERMS independent terms, each of mean 0 and variance TERM_VAR.
N_TERMS, TERM_VAR = 100, 0.5
# Exercise 2: a variable of mean X_MEAN and standard deviation X_STD.
X_MEAN, X_STD = 0.5, 0.2
# Exercise 3: d/dx tanh(W x) at x = X0.
W, X0 = 3.0, 0.0


def check_sum_variance(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: Var of a sum of N_TERMS independent terms of variance TERM_VAR."""
    return check_number(
        answer, N_TERMS * TERM_VAR, name="variance of a sum", rtol=0.02, show_answer=show_answer,
        why=(f"variances of independent terms add: {N_TERMS} * {TERM_VAR:g}. A layer's "
             "pre-activation z = sum_i h_i W_ij is such a sum, which is why fan_in appears in "
             "every initialization formula."),
        hint="what happens to variances when independent terms are added?",
        traps={
            math.sqrt(N_TERMS) * TERM_VAR: "you scaled by sqrt(n); that is how the standard "
                                           "deviation of the sum of n terms of equal std grows, "
                                           "the variance grows by n.",
            N_TERMS * TERM_VAR ** 2: "you squared the variance; each term contributes its "
                                     "variance once.",
        })


def check_second_moment(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: E[x^2] of a variable with mean X_MEAN and standard deviation X_STD."""
    return check_number(
        answer, X_STD ** 2 + X_MEAN ** 2, name="second moment", rtol=0.02, show_answer=show_answer,
        why=(f"E[x^2] = Var[x] + E[x]^2 = {X_STD:g}^2 + {X_MEAN:g}^2. The standard deviation must "
             "be squared into the variance first; the mean's square stays in unless the mean is 0."),
        hint="write Var[x] = E[x^2] - E[x]^2 and solve it for E[x^2].",
        traps={
            X_STD + X_MEAN ** 2: "you added the standard deviation; square it into the variance first.",
            X_STD ** 2: "you dropped the mean's square; E[x^2] equals Var[x] only for a zero-mean x.",
        })


def check_chain_rule(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: d/dx tanh(W x) at x = X0."""
    expected = float(W * get_activation("tanh").deriv(np.array([W * X0]))[0])
    return check_number(
        answer, expected, name="chain rule", rtol=0.02, show_answer=show_answer,
        why=(f"d/dx tanh(w x) = w * tanh'(w x) = w * (1 - tanh(w x)^2); at x = {X0:g} the slope "
             f"tanh'(0) is 1, so the derivative is w = {W:g}. Back-propagation is this rule applied "
             "layer after layer."),
        hint="the outer derivative tanh'(u) = 1 - tanh(u)^2 is taken at u = w x, then multiplied "
             "by the inner derivative du/dx.",
        traps={
            1.0: "you took tanh'(0) but forgot the inner derivative w.",
            0.0: "you computed tanh(0); the question asks for the derivative.",
        })
