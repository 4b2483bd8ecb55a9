"""Checkers for notebook 03 (tanh's zero mean): the expected values come from the numerics."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..activations import get_activation
from ..checks import CheckResult, check_function, check_number
from ..init import weight_std

# Exercise 3: a tanh unit whose fan_in inputs have independent random signs.
SIGN_FAN_IN = 10
# Exercise 4: a layer of 100 logistic units feeding 100 units, "standard" init.
MEAN_FAN_IN, MEAN_FAN_OUT, H_MEAN = 100, 100, 0.5


def check_lecun_slope(answer: Any) -> CheckResult:
    """Exercise 1: the slope at 0 of LeCun's f(x) = 1.7159 tanh(2x/3)."""
    expected = float(get_activation("lecun_tanh").deriv(np.zeros(1))[0])
    return check_number(
        answer, expected, name="LeCun slope at 0", rtol=0.01,
        why="f'(x) = 1.7159 * (2/3) * (1 - tanh(2x/3)^2), and tanh(0) = 0, so f'(0) = 1.7159 * 2/3: "
            "a gain a little above 1, against 1 for tanh and 1/4 for the logistic.")


def _tanh_cases() -> list[tuple[np.ndarray]]:
    return [(np.array([0.0]),), (np.array([1.0, -2.0]),), (np.linspace(-4.0, 4.0, 17),),
            (np.array([-30.0, 30.0]),)]


def check_tanh_from_sigmoid(fn: Any) -> CheckResult:
    """Exercise 2: tanh written with the logistic sigmoid only."""
    return check_function(
        fn, np.tanh, _tanh_cases(), name="tanh from sigmoid", rtol=1e-9, atol=1e-12,
        why="tanh(x) = 2 sigmoid(2x) - 1: stretch the logistic by 2 vertically (range 2), "
            "squeeze it by 2 horizontally (slope 2 * 2 * 1/4 = 1 at 0), shift it down by 1 "
            "(range (-1, 1), mean 0).")


def check_single_signed_probability(answer: Any) -> CheckResult:
    """Exercise 3: probability that the weight gradients into a tanh unit share one sign."""
    expected = 2.0 * 0.5 ** SIGN_FAN_IN
    return check_number(
        answer, expected, name="single-signed probability", rtol=0.05,
        why=f"for one example, dL/dW[:, j] = h_(l-1) * delta_j has one sign exactly when all "
            f"{SIGN_FAN_IN} inputs have one sign: all positive (1/2)^{SIGN_FAN_IN} or all negative "
            f"(1/2)^{SIGN_FAN_IN}, so 2 * (1/2)^{SIGN_FAN_IN}. After a logistic it is 1.")


def check_unit_mean_spread(answer: Any) -> CheckResult:
    """Exercise 4: the variance across units of the mean of z_j when every input has mean 0.5."""
    w_var = weight_std("standard", MEAN_FAN_IN, MEAN_FAN_OUT) ** 2
    expected = H_MEAN ** 2 * MEAN_FAN_IN * w_var
    return check_number(
        answer, expected, name="spread of unit means", rtol=0.05,
        why=f"E[z_j] = sum_i E[h_i] W_ij = {H_MEAN} * sum_i W_ij, a sum of fan_in = {MEAN_FAN_IN} "
            f"independent weights, so its variance across units is E[h]^2 * fan_in * Var[W] "
            f"= {H_MEAN}^2 * 1/3 under the 'standard' init (fan_in Var[W] = 1/3).")
