"""Checkers for notebook 04 (the Glorot derivation): the expected values come from the numerics."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..checks import CheckResult, check_choice, check_function, check_number
from ..init import weight_bound, weight_std

# The layer of exercises 1 and 2: an MNIST-sized first layer, 784 inputs to 256 units.
FAN_IN, FAN_OUT = 784, 256
# The bottleneck layer of exercise 3: 1000 units feeding 100.
NECK_IN, NECK_OUT = 1000, 100


def check_glorot_bound(answer: Any) -> CheckResult:
    """Exercise 1: the bound a of Glorot's U[-a, a] for a 784 -> 256 layer."""
    expected = weight_bound("glorot_uniform", FAN_IN, FAN_OUT)
    return check_number(
        answer, expected, name="glorot bound", rtol=0.01,
        why=(f"Var[W] = 2/(fan_in + fan_out) = 2/{FAN_IN + FAN_OUT} and Var[U(-a, a)] = a^2/3, "
             f"so a = sqrt(3 Var[W]) = sqrt(6/(fan_in + fan_out)) = sqrt(6/{FAN_IN + FAN_OUT})."))


def check_backward_factor(answer: Any) -> CheckResult:
    """Exercise 2: the factor by which Var[dL/dh] changes going down a 1000 -> 100 Glorot layer."""
    expected = NECK_OUT * weight_std("glorot_normal", NECK_IN, NECK_OUT) ** 2
    return check_number(
        answer, expected, name="backward factor", rtol=0.02,
        why=(f"going down, dL/dh_(l-1) = dL/dz_l W^T sums fan_out = {NECK_OUT} terms, so the "
             f"factor is fan_out Var[W] = {NECK_OUT} * 2/({NECK_IN} + {NECK_OUT}); the forward "
             f"factor fan_in Var[W] = {NECK_IN * weight_std('glorot_normal', NECK_IN, NECK_OUT) ** 2:.3f} "
             "is 10 times larger: with fan_in != fan_out the two cannot both be 1."))


def _glorot_std_reference(fan_in: int, fan_out: int) -> float:
    return weight_std("glorot_normal", fan_in, fan_out)


GLOROT_STD_CASES = ((784, 256), (256, 256), (100, 1000), (1, 1), (4096, 10))


def check_glorot_std(fn: Any) -> CheckResult:
    """Exercise 3: a function glorot_std(fan_in, fan_out) returning Glorot's standard deviation."""
    result = check_function(
        fn, _glorot_std_reference, GLOROT_STD_CASES, name="glorot_std", rtol=1e-9,
        why="std = sqrt(Var[W]) = sqrt(2/(fan_in + fan_out)); the standard deviation, not the "
            "variance, and not the uniform bound (which is sqrt(3) times larger).")
    if result.ok or fn is None or not callable(fn):
        return result
    # Name the two most common slips so that the hint points at the right fix.
    try:
        got = float(np.asarray(fn(784, 256), dtype=float))
    except Exception:  # the learner's code: check_function already reported the error
        return result
    std = _glorot_std_reference(784, 256)
    for wrong, what in ((std ** 2, "the variance 2/(fan_in + fan_out)"),
                        (np.sqrt(3) * std, "the uniform bound sqrt(6/(fan_in + fan_out))"),
                        (1 / np.sqrt(784), "LeCun's 1/sqrt(fan_in)")):
        if np.isclose(got, wrong, rtol=1e-6):
            return CheckResult(False, f"{result.message} (You return {what}.)")
    return result


def check_name_of_one_over_fan_in(answer: Any) -> CheckResult:
    """Exercise 4: whose scaling is Var[W] = 1/fan_in?"""
    return check_choice(
        answer, "lecun", name="name of 1/fan_in", options=("xavier", "glorot", "lecun", "he"),
        why="Var[W] = 1/fan_in is LeCun et al. (1998, Efficient BackProp); Xavier/Glorot is "
            "2/(fan_in + fan_out), He is 2/fan_in (the factor 2 makes up for ReLU halving E[h^2]).")
