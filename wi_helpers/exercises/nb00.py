"""Checkers for the warm-up of notebook 00: the prerequisites of the series.

Expected values are computed from the exercise's numbers (variance of a sum of independent
terms, the second moment from mean and standard deviation, the chain rule through tanh, the
variance of a pre-activation fed by inputs whose mean is not 0).
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
X_MEAN, X_STD = -0.3, 0.5
# Exercise 3: d/dx tanh(W x) at x = X0 (not at 0, where tanh' = 1 hides the outer derivative).
W, X0 = 3.0, 0.2
# Exercise 4: z = sum_i x_i W_i over PIX_N pixels of mean PIX_MEAN and standard deviation
# PIX_STD, with independent weights from the "standard" init U[-1/sqrt(n), 1/sqrt(n)].
PIX_N, PIX_MEAN, PIX_STD = 100, 0.5, 0.2


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
        why=(f"E[x^2] = Var[x] + E[x]^2 = {X_STD:g}^2 + ({X_MEAN:g})^2. The standard deviation must "
             "be squared into the variance first; the mean's square stays in unless the mean is 0."),
        hint="write Var[x] = E[x^2] - E[x]^2 and solve it for E[x^2].",
        traps={
            X_STD + X_MEAN ** 2: "you added the standard deviation; square it into the variance first.",
            X_STD ** 2: "you dropped the mean's square; E[x^2] equals Var[x] only for a zero-mean x.",
            X_STD ** 2 - X_MEAN ** 2: "you subtracted the mean's square; it adds (Var[x] = "
                                      "E[x^2] - E[x]^2, so E[x^2] = Var[x] + E[x]^2).",
            (X_STD + X_MEAN) ** 2: "you squared the sum of the standard deviation and the mean; "
                                   "square each one on its own and add the squares.",
        })


def check_chain_rule(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: d/dx tanh(W x) at x = X0."""
    tanh = get_activation("tanh")
    u = W * X0
    expected = float(W * tanh.deriv(np.array([u]))[0])
    # Each slip's value; a trap names its slip only where no other slip gives the same
    # number (within the 2 % used to match an answer to a trap).
    slips = {
        float(tanh.deriv(np.array([u]))[0]): "you took the outer derivative tanh'(w x) but "
                                             "forgot the inner derivative w.",
        float(np.tanh(u)): "you computed tanh(w x), the value; the question asks for the "
                           "derivative.",
        float(W * np.tanh(u)): "you multiplied w by tanh(w x), the value; the outer factor "
                               "is the slope tanh'(w x) = 1 - tanh(w x)^2.",
        float(W * (1.0 - np.tanh(u))): "you forgot a square: tanh'(u) = 1 - tanh(u)^2.",
        float(W * tanh.deriv(np.array([X0]))[0]): "you took the slope at x instead of at "
                                                  "u = w x.",
    }
    traps = {v: h for v, h in slips.items()
             if not any(math.isclose(v, o, rel_tol=0.04) for o in slips if o != v)
             and not math.isclose(v, expected, rel_tol=0.04)}
    return check_number(
        answer, expected, name="chain rule", rtol=0.02, show_answer=show_answer,
        why=(f"d/dx tanh(w x) = w * tanh'(w x) = w * (1 - tanh(w x)^2), with w = {W:g} and "
             f"w x = {u:g}. The inner derivative w multiplies the outer slope, which is below 1 "
             "away from 0. Back-propagation is this rule applied layer after layer."),
        hint="the outer derivative tanh'(u) = 1 - tanh(u)^2 is taken at u = w x, then multiplied "
             "by the inner derivative du/dx.",
        traps=traps)


def check_preactivation_variance(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 4: Var[z] for z = sum of PIX_N pixels times standard-init weights."""
    weight_var = (1.0 / math.sqrt(PIX_N)) ** 2 / 3.0  # U[-a, a] has variance a^2 / 3
    second_moment = PIX_STD ** 2 + PIX_MEAN ** 2
    expected = PIX_N * weight_var * second_moment
    return check_number(
        answer, expected, name="pre-activation variance", rtol=0.02, show_answer=show_answer,
        why=(f"each term x_i W_i has Var = E[x_i^2] E[W_i^2] - (E[x_i] E[W_i])^2 = "
             f"E[x^2] Var[W], because E[W] = 0; the {PIX_N} terms are independent and add up: "
             f"n Var[W] E[x^2] = (1/3) ({PIX_STD:g}^2 + {PIX_MEAN:g}^2). The input's mean "
             "counts, through the second moment: that is why notebook 02 tracks E[h^2]."),
        hint="write the variance of one product x_i W_i of independent factors with E[W] = 0, "
             "then add the independent terms; what is n Var[W] for U[-1/sqrt(n), 1/sqrt(n)]?",
        traps={
            PIX_N * weight_var * PIX_STD ** 2: "you used Var[x]; with E[W] = 0 the product's "
                                               "variance needs the second moment E[x^2].",
            PIX_N * weight_var * PIX_STD: "you used the standard deviation of x; the product's "
                                          "variance needs E[x^2] = Var[x] + E[x]^2.",
            # n (1/sqrt(n))^2 = 1: leaving the weights out and taking the bound for their
            # standard deviation give the same number, so one hint names both
            second_moment: "you left out the weights, or took the bound 1/sqrt(n) for their "
                           "standard deviation: U[-a, a] has variance a^2/3, so n Var[W] is "
                           "1/3 here, not 1.",
            PIX_N * weight_var * PIX_MEAN ** 2: "you kept only the mean's square; the variance "
                                                "of x adds to it.",
        })
