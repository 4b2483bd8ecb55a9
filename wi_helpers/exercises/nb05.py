"""Checkers for notebook 05, training experiments (Glorot & Bengio 2010 on Shapeset-3x2).

Expected values come from the task's definition (9 equally likely classes), the project's
`softmax_nll` and the init module's `weight_bound`.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..checks import CheckResult, check_function, check_number
from ..init import weight_bound
from ..shapeset import N_CLASSES
from ..train import softmax_nll
from .hints import with_hint

# Exercise 3: a hidden-to-hidden layer of the long run (fan_in = fan_out).
WIDTH = 256


def chance_error(answer: Any) -> CheckResult:
    """Ex. 1: test error (%) of a network that ignores its input, on 9 equally likely classes."""
    expected = 100.0 * (N_CLASSES - 1) / N_CLASSES
    result = check_number(
        answer, expected, name="chance-level error", atol=0.5,
        why=(f"Shapeset-3x2's {N_CLASSES} classes are equally likely, so a guess that ignores the "
             f"image (always the same class, or the class priors) is right 1 time in {N_CLASSES}: "
             f"error {N_CLASSES - 1}/{N_CLASSES} = {expected:.1f}%. The paper's sigmoid network "
             "(82.61%) is only a little better than that."))
    return with_hint(result, answer, {
        100.0 / N_CLASSES: "you gave the accuracy of a guess (1/9); the question asks for its error.",
        (N_CLASSES - 1) / N_CLASSES: "a fraction; the question asks for a percentage.",
        200.0 / 3: "you counted the 3 shapes; the labels are the 9 combinations of one or two shapes.",
    })


def _reference_grad(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    return softmax_nll(logits, y)[1]


def _grad_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(5)
    return [
        (np.zeros((1, 3)), np.array([0])),
        (rng.standard_normal((4, 9)), np.array([0, 8, 3, 3])),
        (np.array([[50.0, 0.0, -50.0], [0.0, 0.0, 700.0]]), np.array([1, 2])),  # big logits
    ]


def nll_gradient(fn: Any) -> CheckResult:
    """Ex. 2: a function (logits, y) -> gradient of the mean softmax NLL w.r.t. the logits."""
    return check_function(
        fn, _reference_grad, _grad_cases(), name="softmax NLL gradient", rtol=1e-6, atol=1e-12,
        why=("For one example, d(-log p_y)/d logit_k = p_k - [k == y], with p = softmax(logits); "
             "the mean over the batch divides every row by the batch size. Subtract the row "
             "maximum before exp (the log-sum-exp trick) so that big logits do not overflow."))


def normalized_to_standard_ratio(answer: Any) -> CheckResult:
    """Ex. 3: bound of the normalized init over that of the standard init, fan_in = fan_out."""
    normalized = weight_bound("glorot_uniform", WIDTH, WIDTH)
    standard = weight_bound("standard", WIDTH, WIDTH)
    expected = normalized / standard
    result = check_number(
        answer, expected, name="normalized / standard bound", rtol=0.02,
        why=(f"standard: U[-1/sqrt(n), 1/sqrt(n)], bound {standard:.4f} for n = {WIDTH}, so "
             f"n Var[W] = 1/3; normalized: sqrt(6/(n + n)) = sqrt(3/n) = {normalized:.4f}, so "
             "n Var[W] = 1. The ratio is sqrt(3), whatever n: the standard init shrinks the "
             "signal by a factor 1/3 in variance at every layer (before the activation's slope)."))
    return with_hint(result, answer, {
        3.0: "that is the ratio of the variances; the bounds (like the standard deviations) "
             "differ by its square root.",
        math.sqrt(2.0): "sqrt(6/(n_in + n_out)) with n_in = n_out = n is sqrt(3/n), not sqrt(2/n).",
        1.0 / math.sqrt(3.0): "you divided the other way round (standard / normalized).",
    })
