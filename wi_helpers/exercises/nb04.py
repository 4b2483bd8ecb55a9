"""Checkers for notebook 04 (the Glorot derivation): the expected values come from the numerics.

Every checker takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
from typing import Any

from ..init import weight_bound, weight_std
from .base import CheckResult, check_choice, check_function, check_number

# The layer of exercise 1: 512 inputs to 128 units (not a shape whose bound the notebook prints).
FAN_IN, FAN_OUT = 512, 128
# The bottleneck layer of exercise 2: 1000 units feeding 100.
NECK_IN, NECK_OUT = 1000, 100


def check_glorot_bound(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 1: the bound a of Glorot's U[-a, a] for a 512 -> 128 layer."""
    expected = weight_bound("glorot_uniform", FAN_IN, FAN_OUT)
    return check_number(
        answer, expected, name="glorot bound", rtol=0.01, show_answer=show_answer,
        why=(f"Var[W] = 2/(fan_in + fan_out) = 2/{FAN_IN + FAN_OUT} and Var[U(-a, a)] = a^2/3, "
             f"so a = sqrt(3 Var[W]) = sqrt(6/(fan_in + fan_out)) = sqrt(6/{FAN_IN + FAN_OUT})."),
        hint="Glorot fixes the variance; the variance of U[-a, a] is a^2/3. Solve for a.",
        traps={math.sqrt(2 / (FAN_IN + FAN_OUT)): "that is the standard deviation; the uniform "
                                                  "bound is larger by the factor from Var = a^2/3.",
               2 / (FAN_IN + FAN_OUT): "that is the variance; the bound is a length, a square root.",
               math.sqrt(6 / FAN_IN): "use both fans, fan_in + fan_out, as Glorot's compromise does.",
               # the 784 -> 256 layer whose bound the notebook prints
               math.sqrt(6 / (784 + 256)): "that is the bound of the 784 -> 256 layer above; "
                                           "this layer has other fans."})


def check_backward_factor(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 2: the factor by which Var[dL/dh] changes going down a 1000 -> 100 Glorot layer."""
    w_var = weight_std("glorot_normal", NECK_IN, NECK_OUT) ** 2
    expected = NECK_OUT * w_var
    return check_number(
        answer, expected, name="backward factor", rtol=0.02, show_answer=show_answer,
        why=(f"going down, dL/dh_(l-1) = dL/dz_l W^T sums fan_out = {NECK_OUT} terms, so the "
             f"factor is fan_out Var[W] = {NECK_OUT} * 2/({NECK_IN} + {NECK_OUT}); the forward "
             f"factor fan_in Var[W] = {NECK_IN * w_var:.3f} "
             "is 10 times larger: with fan_in != fan_out the two cannot both be 1."),
        hint="going down, how many terms does each entry of dL/dh_(l-1) = dL/dz_l W^T sum?",
        traps={NECK_IN * w_var: "that is the forward factor fan_in Var[W]; the backward pass "
                                "sums over the other fan.",
               1.0: "Glorot makes the factors 1 only for equal fans; here they differ."})


def _glorot_std_reference(fan_in: int, fan_out: int) -> float:
    return weight_std("glorot_normal", fan_in, fan_out)


GLOROT_STD_CASES = ((784, 256), (256, 256), (100, 1000), (1, 1), (4096, 10))


def check_glorot_std(fn: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 3: a function glorot_std(fan_in, fan_out) returning Glorot's standard deviation."""
    return check_function(
        fn, _glorot_std_reference, GLOROT_STD_CASES, name="glorot_std", rtol=1e-9,
        show_answer=show_answer, solution="math.sqrt(2 / (fan_in + fan_out)).",
        why="std = sqrt(Var[W]) = sqrt(2/(fan_in + fan_out)); the standard deviation, not the "
            "variance, and not the uniform bound (which is sqrt(3) times larger).",
        hint="return the standard deviation (not the variance, not the uniform bound) of "
             "Glorot's normalized initialization, which uses both fans.",
        # The common slips, so that the hint points at the right fix.
        traps=[(lambda i, o: 2 / (i + o), "you return the variance 2/(fan_in + fan_out)."),
               (lambda i, o: math.sqrt(6 / (i + o)), "you return the uniform bound "
                                                     "sqrt(6/(fan_in + fan_out))."),
               (lambda i, o: 1 / math.sqrt(i), "you return LeCun's 1/sqrt(fan_in).")])


def check_name_of_one_over_fan_in(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 4: whose scaling is Var[W] = 1/fan_in?"""
    return check_choice(
        answer, "lecun", name="name of 1/fan_in", options=("xavier", "glorot", "lecun", "he"),
        show_answer=show_answer,
        why="Var[W] = 1/fan_in is LeCun et al. (1998, Efficient BackProp); Xavier/Glorot is "
            "2/(fan_in + fan_out), He is 2/fan_in (the factor 2 makes up for ReLU halving E[h^2]).",
        hint="the scaling predates Glorot & Bengio (2010); see the notebook's table of schemes.",
        traps={"xavier": "Xavier Glorot's scaling uses both fans.",
               "glorot": "Glorot's scaling uses both fans.",
               "he": "He's scaling has a factor 2 for ReLU."})

