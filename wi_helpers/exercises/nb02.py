"""Checkers for notebook 02, logistic saturation.

Expected values come from the activation's own derivative, the variance formula
Var[z] = fan_in Var[W] E[h^2] with E[h^2] = Var[h] + E[h]^2, and the project's saturation rule.
Every checker takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..activations import SATURATION_LEVEL, get_activation, saturation_fraction
from .base import CheckResult, check_choice, check_function, check_number

# Exercise 1: a logistic layer of this fan_out, every unit at z = 0 (the best case).
LEVEL_FAN_OUT = 200
# Exercise 2: one layer with N(0, 1) weights fed by sigmoid outputs of this mean and variance.
FAN_IN, WEIGHT_VAR, H_MEAN, H_VAR = 500, 1.0, 0.5, 0.04


def check_level_weight_var(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: the Var[W] whose backward factor fan_out Var[W] sigma'(0)^2 is 1 (units at z = 0)."""
    slope0 = float(get_activation("sigmoid").deriv(np.zeros(1))[0])
    expected = 1.0 / (LEVEL_FAN_OUT * slope0 ** 2)
    return check_number(
        answer, expected, name="weight variance for a level gradient", rtol=0.05,
        show_answer=show_answer,
        why=(f"each layer multiplies the gradient's variance by fan_out * Var[W] * "
             f"E[sigma'(z)^2]; with every unit at z = 0, sigma'(0)^2 = 1/16, so the factor is 1 "
             f"for Var[W] = 16 / fan_out = 16 / {LEVEL_FAN_OUT}: the slope bound 1/4 is no "
             "verdict by itself, the weights can make up for it. (Weights that large push the "
             "pre-activations away from z = 0, though, where the slopes are smaller.)"),
        hint="write the backward factor per layer with its three parts (fan_out, the weight "
             "variance, the squared slope) and set it to 1.",
        traps={
        1.0 / (LEVEL_FAN_OUT * slope0): "you used the slope 1/4 itself; the variance factor "
                                        "holds the squared slope.",
        1.0 / LEVEL_FAN_OUT: "you left out the slope: that keeps a linear layer level, not a "
                             "logistic one.",
        (1.0 / (LEVEL_FAN_OUT * slope0 ** 2)) ** 0.5: "a standard deviation; the question asks "
                                                      "for the variance.",
        slope0 ** 2 / LEVEL_FAN_OUT: "you multiplied by the squared slope where you should "
                                     "divide by it.",
    })


def check_preactivation_variance(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: Var[z] for fan_in inputs of mean H_MEAN and variance H_VAR, weights N(0, WEIGHT_VAR)."""
    second_moment = H_VAR + H_MEAN ** 2
    expected = FAN_IN * WEIGHT_VAR * second_moment
    return check_number(
        answer, expected, name="pre-activation variance", rtol=0.05, show_answer=show_answer,
        why=(f"z = sum of {FAN_IN} terms W h with zero-mean W independent of h, so "
             f"Var[z] = fan_in * Var[W] * E[h^2], and the second moment E[h^2] = Var[h] + E[h]^2 "
             f"= {H_VAR:g} + {H_MEAN:g}^2 = {second_moment:g}: the mean's square is most of it."),
        hint="Var[W h] for a zero-mean W independent of h is Var[W] times a moment of h: which "
             "one, and what does it contain besides Var[h]?",
        traps={
        FAN_IN * WEIGHT_VAR * H_VAR: "you used Var[h]; a sum of W h needs the second moment "
                                     "E[h^2], which includes the mean's square.",
        FAN_IN * WEIGHT_VAR * H_MEAN: "you used the mean; it enters squared, through E[h^2].",
        FAN_IN * WEIGHT_VAR * (H_VAR + H_MEAN): "you added the mean itself to the variance; it "
                                                "enters squared.",
        math.sqrt(expected): "a standard deviation; the question asks for the variance.",
    })



def check_top_layer_direction(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """The prediction before the training run: where the top hidden sigmoid layer's mean goes
    early in training (Glorot & Bengio 2010, Fig. 2)."""
    return check_choice(
        answer, "0", name="top hidden layer", options=["0", "0.5", "1"], show_answer=show_answer,
        hint="early on the top layer's output says little about the class, so its contribution "
             "h W to the softmax is mostly an input-independent offset plus noise. Which value "
             "of the logistic's output would make that contribution vanish?",
        traps={"0.5": "0.5 is where every layer starts; the question is where learning pushes "
                      "the top one.",
               "1": "at 1 the contribution h W would be as large as the weights make it; the "
                    "output layer gains by making it small."},
        why=("Glorot & Bengio (2010) saw the top hidden layer driven to 0, its lower end, not to 1, "
             "while the lower layers stayed above 0.5. Their hypothesis: early on the softmax does "
             "best by relying on its biases, so learning pushes the top layer's contribution W h, "
             "hence h, towards 0; for the logistic, 0 is its saturated end (for tanh it would be "
             "the steep middle). The small run below shows the push, not yet the saturation."))


def _saturated(h: np.ndarray) -> np.ndarray:
    h = np.asarray(h, dtype=np.float64)
    # The project's rule, entry by entry: one value at a time through saturation_fraction.
    return np.array([saturation_fraction("sigmoid", np.zeros(1), np.array([v])) for v in h.ravel()],
                    dtype=float).reshape(h.shape)


SATURATION_CASES = (
    (np.array([0.5]),),
    (np.array([0.001, 0.01, 0.02, 0.3, 0.7, 0.98, 0.99, 0.9999]),),
    (np.array([[0.014, 0.016], [0.984, 0.986]]),),
)


def check_saturated(fn: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: a function saturated(h) marking sigmoid outputs within 3% of the half-range from 0 or 1."""
    low, high = 0.5 - SATURATION_LEVEL * 0.5, 0.5 + SATURATION_LEVEL * 0.5
    return check_function(
        fn, _saturated, SATURATION_CASES, name="saturated", rtol=0, atol=0,
        show_answer=show_answer, solution=f"np.abs(h - 0.5) > {SATURATION_LEVEL} * 0.5.",
        hint="measure each output's distance from the centre of the logistic's range (0, 1) and "
             "compare it with 97% of that range's half-width; both asymptotes count. Return a "
             "boolean array of h's shape.",
        traps=[(lambda h: np.abs(np.asarray(h)) > SATURATION_LEVEL,
                "you used tanh's rule |h| > 0.97; shift and scale it to the logistic's range."),
               (lambda h: np.abs(np.asarray(h) - 0.5) > SATURATION_LEVEL,
                "you centred at 0.5 but kept tanh's half-range 1; the logistic's is 0.5."),
               (lambda h: np.asarray(h) > 0.5 + SATURATION_LEVEL * 0.5,
                "you marked only the upper asymptote; outputs near 0 are saturated too."),
               (lambda h: np.asarray(h) < 0.5 - SATURATION_LEVEL * 0.5,
                "you marked only the lower asymptote; outputs near 1 are saturated too.")],
        why=(f"a logistic unit is saturated when its output is within 3% of the half-range "
             f"(0.5) from an asymptote: "
             f"|h - 0.5| > {SATURATION_LEVEL} * 0.5, i.e. h < {low:.3f} or h > {high:.3f}, where "
             "its slope h(1 - h) is below 6% of the slope at 0. Return a boolean (or 0/1) array "
             "of the same shape as h."))
