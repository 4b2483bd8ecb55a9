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

# Exercise 1: slopes of this many sigmoid layers, every unit at z = 0.
SLOPE_LAYERS = 5
# Exercise 2: one layer with N(0, 1) weights fed by sigmoid outputs of this mean and variance.
FAN_IN, WEIGHT_VAR, H_MEAN, H_VAR = 500, 1.0, 0.5, 0.04


def check_slope_product(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: the product of SLOPE_LAYERS sigmoid slopes at z = 0, the best case."""
    sigmoid = get_activation("sigmoid")
    sigma0 = float(sigmoid.fn(np.zeros(1))[0])
    slope0 = float(sigmoid.deriv(np.zeros(1))[0])
    expected = slope0 ** SLOPE_LAYERS
    return check_number(
        answer, expected, name="sigmoid slopes", rtol=0.05, show_answer=show_answer,
        why=(f"sigma'(z) = sigma(z)(1 - sigma(z)) is largest at z = 0, where it is "
             f"{sigma0:g} * (1 - {sigma0:g}) = {slope0:g}; {SLOPE_LAYERS} layers multiply "
             f"(1/4)^{SLOPE_LAYERS}. Units away from z = 0 pass even less, saturated ones almost "
             "nothing."),
        hint="compute the logistic's slope sigma(z)(1 - sigma(z)) at z = 0, then combine one "
             "slope per layer as the chain rule does.",
        traps={
        0.5 ** SLOPE_LAYERS: "you used sigma(0) = 1/2, the value; the slope is sigma'(0) = 1/4.",
        slope0 ** (2 * SLOPE_LAYERS): "you squared each slope: that is the factor on the "
                                      "gradient's variance; the question asks for the gradient.",
        slope0 * SLOPE_LAYERS: "you added the slopes; the chain rule multiplies them.",
        1.0: "you used tanh's slope at 0; the logistic's is smaller.",
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
    """Ex. 3: where the top hidden sigmoid layer goes early in training (Glorot & Bengio, Fig. 2)."""
    return check_choice(
        answer, "0", name="top hidden layer", options=["0", "0.5", "1"], show_answer=show_answer,
        hint="look at the top layer's curve in the training run above, and think about what "
             "the softmax can do with its biases alone early in training.",
        traps={"0.5": "0.5 is where the lower layers stay; the top layer moves away from it.",
               "1": "you read the top layer's curve the other way up; look at it again."},
        why=("Glorot & Bengio (2010) saw the top hidden layer driven to 0, its lower end, not to 1, "
             "while the lower layers stayed above 0.5. Their hypothesis: early on the softmax does "
             "best by relying on its biases, so learning pushes the top layer's contribution W h, "
             "hence h, towards 0; for the logistic, 0 is its saturated end (for tanh it would be "
             "the steep middle). Our small run showed the push, not yet the saturation."))


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
    """Ex. 4: a function saturated(h) marking sigmoid outputs within 3% of the half-range from 0 or 1."""
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
