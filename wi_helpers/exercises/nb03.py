"""Checkers for notebook 03 (tanh's zero mean): the expected values come from the numerics.

Every checker takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import get_activation
from ..init import weight_std
from .base import CheckResult, check_function, check_number

# Exercise 3: a tanh unit whose fan_in inputs have independent random signs.
SIGN_FAN_IN = 10
# Exercise 4: a layer of 100 logistic units feeding 100 units, "standard" init.
MEAN_FAN_IN, MEAN_FAN_OUT, H_MEAN = 100, 100, 0.5


def check_lecun_slope(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 1: the slope at 0 of LeCun's f(x) = 1.7159 tanh(2x/3)."""
    expected = float(get_activation("lecun_tanh").deriv(np.zeros(1))[0])
    return check_number(
        answer, expected, name="LeCun slope at 0", rtol=0.01, show_answer=show_answer,
        why="f'(x) = 1.7159 * (2/3) * (1 - tanh(2x/3)^2), and tanh(0) = 0, so f'(0) = 1.7159 * 2/3: "
            "a gain a little above 1, against 1 for tanh and 1/4 for the logistic.",
        hint="differentiate a * tanh(b x) with the chain rule: the outer factor a, the inner "
             "factor b, and tanh' at 0.",
        traps={1.7159: "you kept the outer factor 1.7159 but dropped the inner derivative 2/3.",
               2 / 3: "you kept the inner derivative 2/3 but dropped the outer factor 1.7159.",
               1.0: "that is tanh's own slope at 0; LeCun's function scales tanh inside and out."})


def _tanh_cases() -> list[tuple[np.ndarray]]:
    return [(np.array([0.0]),), (np.array([1.0, -2.0]),), (np.linspace(-4.0, 4.0, 17),),
            (np.array([-30.0, 30.0]),)]


def check_tanh_from_sigmoid(fn: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 2: tanh written with the logistic sigmoid only (np.tanh is refused)."""
    return check_function(
        fn, np.tanh, _tanh_cases(), name="tanh from sigmoid", rtol=1e-9, atol=1e-12,
        show_answer=show_answer, solution="2 * sigmoid.fn(2 * x) - 1.",
        why="tanh(x) = 2 sigmoid(2x) - 1: stretch the logistic by 2 vertically (range 2), "
            "squeeze it by 2 horizontally (slope 2 * 2 * 1/4 = 1 at 0), shift it down by 1 "
            "(range (-1, 1), mean 0).",
        hint="tanh has range (-1, 1) and slope 1 at 0; the logistic has range (0, 1) and slope "
             "1/4 at 0. Scale its input and its output, then shift.",
        forbidden={"tanh": "your function uses tanh itself; the exercise asks for tanh written "
                           "with sigmoid.fn only (stretch, squeeze and shift the logistic)."},
        traps=[(lambda x: 2 / (1 + np.exp(-x)) - 1, "you scaled and shifted the output but not "
                                                     "the input: tanh is twice as steep."),
               (lambda x: 1 / (1 + np.exp(-2 * x)), "you squeezed the input but did not stretch "
                                                     "and shift the output to (-1, 1).")])


def check_single_signed_probability(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 3: probability that the weight gradients into a tanh unit share one sign."""
    expected = 2.0 * 0.5 ** SIGN_FAN_IN
    return check_number(
        answer, expected, name="single-signed probability", rtol=0.05, show_answer=show_answer,
        why=f"for one example, dL/dW[:, j] = h_(l-1) * delta_j has one sign exactly when all "
            f"{SIGN_FAN_IN} inputs have one sign: all positive (1/2)^{SIGN_FAN_IN} or all negative "
            f"(1/2)^{SIGN_FAN_IN}, so 2 * (1/2)^{SIGN_FAN_IN}. After a logistic it is 1.",
        hint="delta_j is one number per example, so the signs of the gradients are those of the "
             "inputs; count the sign patterns in which they all agree.",
        traps={0.5 ** SIGN_FAN_IN: "you counted all-positive only; all-negative also share one sign.",
               1.0: "that holds after a logistic (all inputs positive); tanh's inputs have "
                    "random signs."})


def check_unit_mean_spread(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 4: the variance across units of the mean of z_j when every input has mean 0.5."""
    w_var = weight_std("standard", MEAN_FAN_IN, MEAN_FAN_OUT) ** 2
    expected = H_MEAN ** 2 * MEAN_FAN_IN * w_var
    return check_number(
        answer, expected, name="spread of unit means", rtol=0.05, show_answer=show_answer,
        why=f"E[z_j] = sum_i E[h_i] W_ij = {H_MEAN} * sum_i W_ij, a sum of fan_in = {MEAN_FAN_IN} "
            f"independent weights, so its variance across units is E[h]^2 * fan_in * Var[W] "
            f"= {H_MEAN}^2 * 1/3 under the 'standard' init (fan_in Var[W] = 1/3).",
        hint="write E[z_j] as the inputs' mean times a sum of weights; the variance of a constant "
             "times a sum of independent terms follows.",
        traps={H_MEAN * MEAN_FAN_IN * w_var: "the mean enters squared: Var[c X] = c^2 Var[X].",
               MEAN_FAN_IN * w_var: "you left out the inputs' mean (squared)."})
