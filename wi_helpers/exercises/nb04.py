"""Checkers for notebook 04 (the Glorot derivation): the expected values come from the numerics.

Every checker takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..init import weight_std
from .base import CheckResult, check_choice, check_function, check_number

# Exercise 1 (asked before the notebook's table answers it): the narrowing network of the
# section "Can both conditions hold at once?".
RULES = ("fan_in", "fan_out", "glorot")
# Exercise 2: a linear network narrowing from 784 to 10 units whose forward variance doubles.
DRIFT_IN, DRIFT_OUT, DRIFT_FORWARD = 784, 10, 2.0
# Exercise 4: one Glorot layer from 1000 inputs to 100 units.
NECK_IN, NECK_OUT = 1000, 100


def check_level_gradient_rule(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: which rule keeps a narrowing linear net's Var[dL/dh] as large at the input."""
    return check_choice(
        answer, "fan_out", name="level gradient", options=RULES, show_answer=show_answer,
        why="going down, each layer multiplies Var[dL/dh] by fan_out Var[W]; Var[W] = 1/fan_out "
            "makes every backward factor 1, whatever the widths. The forward pass then pays: "
            "its factors fan_in/fan_out multiply to n_0/n_L.",
        hint="the backward pass multiplies by W^T: which fan does each entry of dL/dh_(l-1) "
             "sum over?",
        traps={"fan_in": "Var[W] = 1/fan_in keeps the forward pass; going down each layer "
                         "multiplies by fan_out/fan_in, below 1 in a narrowing network.",
               "glorot": "the compromise sets the average of the two factors to 1, not the "
                         "backward factor itself."})


def _drift_expected() -> float:
    # prod(forward) / prod(backward) = prod(n_(l-1)/n_l) = n_0/n_L for any per-layer variances
    backward = DRIFT_FORWARD * DRIFT_OUT / DRIFT_IN
    return 1.0 / backward


def check_backward_drift(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: how many times smaller Var[dL/dh_0] is than Var[dL/dh_L], given the forward growth."""
    expected = _drift_expected()
    ratio = DRIFT_IN / DRIFT_OUT
    return check_number(
        answer, expected, name="backward drift", rtol=0.02, show_answer=show_answer,
        why=(f"per layer the forward factor n_(l-1) Var[W_l] over the backward factor "
             f"n_l Var[W_l] is n_(l-1)/n_l, so (forward product) / (backward product) = "
             f"n_0/n_L = {DRIFT_IN}/{DRIFT_OUT} for any rule; the forward product is "
             f"{DRIFT_FORWARD:g}, so the backward product is {DRIFT_FORWARD:g} x {DRIFT_OUT}/"
             f"{DRIFT_IN}, and Var[dL/dh_0] is {DRIFT_IN}/({DRIFT_FORWARD:g} x {DRIFT_OUT}) "
             "times smaller."),
        hint="divide one layer's forward factor by its backward factor: Var[W] cancels. "
             "Multiply over the layers and use what you know of the forward product.",
        traps={ratio: "that would be the drift if the forward variance stayed level; here "
                      "it doubles, and that growth is taken from the backward direction.",
               ratio * DRIFT_FORWARD: "the forward growth enters the other way round: a "
                                      "larger forward product leaves a larger backward one.",
               1.0 / expected: "that is the factor Var[dL/dh_0] / Var[dL/dh_L] itself; the "
                               "question asks how many times smaller it is.",
               DRIFT_FORWARD: "the backward product is not the forward one: their ratio is "
                              "fixed by the end widths."})


def _glorot_std_reference(fan_in: int, fan_out: int) -> float:
    return weight_std("glorot_normal", fan_in, fan_out)


GLOROT_STD_CASES = ((784, 256), (256, 256), (100, 1000), (1, 1), (4096, 10))
# float32 carries 7 significant digits (eps 1.2e-7): a correct float32 function passes
GLOROT_STD_RTOL = 1e-6
# helpers of the package that would compute the answer for the learner
FORBIDDEN = {name: f"your function calls the package's {name}; write the formula yourself."
             for name in ("weight_std", "weight_bound", "scheme_weight_var", "init_weights")}


def _low_precision(fn: Any) -> str | None:
    # the name of the dtype when fn returns fewer digits than the tolerance needs (float16)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            got = np.asarray(fn(*GLOROT_STD_CASES[0]))
    except Exception:  # the learner's function: check_function reports it
        return None
    if got.dtype.kind == "f" and np.finfo(got.dtype).eps > GLOROT_STD_RTOL:
        return got.dtype.name
    return None


def check_glorot_std(fn: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: a function glorot_std(fan_in, fan_out) returning Glorot's standard deviation."""
    dtype = _low_precision(fn) if callable(fn) else None
    if dtype is not None:
        reveal = " Answer: math.sqrt(2 / (fan_in + fan_out))." if show_answer else ""
        return CheckResult(False, f"[glorot_std] Not yet: your function returns {dtype}, "
                                  f"which carries too few digits for the tolerance "
                                  f"{GLOROT_STD_RTOL:g}; compute in float64 or float32.{reveal}")
    return check_function(
        fn, _glorot_std_reference, GLOROT_STD_CASES, name="glorot_std", rtol=GLOROT_STD_RTOL,
        atol=0.0, show_answer=show_answer, solution="math.sqrt(2 / (fan_in + fan_out)).",
        forbidden=FORBIDDEN,
        why="std = sqrt(Var[W]) = sqrt(2/(fan_in + fan_out)); the standard deviation, not the "
            "variance, and not the uniform bound (which is sqrt(3) times larger).",
        hint="return the standard deviation (not the variance, not the uniform bound) of "
             "Glorot's normalized initialization, which uses both fans.",
        # The common slips, so that the hint points at the right fix.
        traps=[(lambda i, o: 2 / (i + o), "you return the variance 2/(fan_in + fan_out)."),
               (lambda i, o: math.sqrt(6 / (i + o)), "you return the uniform bound "
                                                     "sqrt(6/(fan_in + fan_out))."),
               (lambda i, o: 1 / math.sqrt(i), "you return LeCun's 1/sqrt(fan_in)."),
               (lambda i, o: math.sqrt(1 / (i + o)), "you average the fans as 1/(fan_in + "
                                                      "fan_out); the compromise has a 2 on top.")])


def _mean_square_singular_value() -> float:
    # sum of the squared singular values = sum of the squared entries (Frobenius norm);
    # a 1000 -> 100 layer's Jacobian W^T has min(1000, 100) = 100 singular values
    w_var = weight_std("glorot_normal", NECK_IN, NECK_OUT) ** 2
    return NECK_IN * NECK_OUT * w_var / min(NECK_IN, NECK_OUT)


def check_jacobian_mean_square(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 4: the mean of the squared singular values of a 1000 -> 100 Glorot layer's Jacobian."""
    expected = _mean_square_singular_value()
    return check_number(
        answer, expected, name="mean squared singular value", rtol=0.02,
        show_answer=show_answer,
        why=(f"the squared singular values add up to the sum of the squared entries, "
             f"{NECK_IN} x {NECK_OUT} x Var[W] on average, and there are "
             f"min({NECK_IN}, {NECK_OUT}) = {min(NECK_IN, NECK_OUT)} of them: the mean is "
             f"{NECK_IN} Var[W] = 2 x {NECK_IN}/{NECK_IN + NECK_OUT}, the forward factor."),
        hint="the squared singular values of a matrix add up to the sum of its squared "
             "entries; count the entries and the singular values.",
        traps={1.0: "Glorot's rule makes the forward and backward factors average to 1, not "
                    "each of them; this layer is far from square.",
               NECK_OUT * expected / NECK_IN: "you divided by the larger size; a 100 x 1000 "
                                              "matrix has only 100 singular values.",
               math.sqrt(expected): "that is the root mean square; the question asks for the "
                                    "mean of the squares."})
