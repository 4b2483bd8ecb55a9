"""Checkers for notebook 05, training experiments (Glorot & Bengio 2010 on Shapeset-3x2).

Expected values come from the task's definition (9 equally likely classes), the project's
`softmax_nll` and the init module's `weight_bound`. Every checker takes `show_answer=True`
to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..init import weight_bound
from ..shapeset import N_CLASSES
from ..train import softmax_nll
from .base import CheckResult, check_function, check_number

# Exercise 4: a hidden-to-hidden layer of the long run (fan_in = fan_out).
WIDTH = 256
# Exercise 2: the depth experiment's hidden layers (equal widths, the standard init).
DEPTH = 16
# Exercise 3: logits this large overflow exp (float64's exp overflows above 709.78).
BIG_LOGIT = 1000.0


def check_chance_error(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: test error (%) of a network that ignores its input, on 9 equally likely classes."""
    expected = 100.0 * (N_CLASSES - 1) / N_CLASSES
    return check_number(
        answer, expected, name="chance-level error", atol=0.5, show_answer=show_answer,
        why=(f"Shapeset-3x2's {N_CLASSES} classes are equally likely, so a guess that ignores the "
             f"image (always the same class, or the class priors) is right 1 time in {N_CLASSES}: "
             f"error {N_CLASSES - 1}/{N_CLASSES} = {expected:.1f}%. The paper's sigmoid network "
             "(82.61%) is about 6 points better than that, far from the others (16-27%)."),
        hint="count the classes (combinations of one or two shapes, order ignored); a guess "
             "that ignores the image is right with probability one over that count.",
        traps={
            100.0 / N_CLASSES: "you gave the accuracy of a guess; the question asks for its error.",
            (N_CLASSES - 1) / N_CLASSES: "a fraction; the question asks for a percentage.",
            200.0 / 3: "you counted the 3 shapes; the labels are the combinations of one or two "
                       "shapes.",
        })


def check_depth_gradient_ratio(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: Var[dC/dz_1] / Var[dC/dz_16] at update 0 in the 16-layer standard-init network,
    from n Var[W] = 1/3 alone (tanh's slope taken as 1: the linear regime)."""
    steps = DEPTH - 1
    expected = (1.0 / 3.0) ** steps
    return check_number(
        answer, expected, name="gradient ratio, layer 1 / layer 16", rtol=0.3,
        show_answer=show_answer,
        why=(f"Going down from layer {DEPTH} to layer 1 the gradient passes {steps} weight "
             f"matrices (W_2 .. W_{DEPTH}); each multiplies its variance by n_l Var[W_l] = 1/3 "
             f"(fan_out times the variance of U[-1/sqrt(n), 1/sqrt(n)], equal widths), so the "
             f"ratio is 3^-{steps}. tanh's slope below 1 can only make it smaller."),
        hint="count the weight matrices between layer 1 and the top hidden layer (not the "
             "layers), and the factor each one applies to a variance.",
        traps={
            (1.0 / 3.0) ** DEPTH: "you counted the layers; the gradient passes one weight matrix "
                                  "fewer between layer 1 and the top hidden layer.",
            (1.0 / 3.0) ** (steps / 2): "that is the ratio of standard deviations; the question "
                                        "asks for variances.",
            3.0 ** steps: "the gradient shrinks going down under this init: invert it.",
            (1.0 / 9.0) ** steps: "n Var[W] is already a variance factor: do not square it.",
        })


def _reference_grad(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    return softmax_nll(logits, y)[1]


def _grad_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(5)
    return [
        (np.zeros((1, 3)), np.array([0])),
        (rng.standard_normal((4, 9)), np.array([0, 8, 3, 3])),
        # big logits: exp(1000) overflows, so a softmax without max-subtraction gives nan
        (np.array([[50.0, 0.0, -50.0], [0.0, 0.0, BIG_LOGIT]]), np.array([1, 2])),
    ]


def _naive_grad(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    p = np.exp(logits)
    p = p / p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    return p / len(y)


def _unscaled_grad(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    return _reference_grad(logits, y) * len(y)


def check_nll_gradient(fn: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: a function (logits, y) -> gradient of the mean softmax NLL w.r.t. the logits."""
    return check_function(
        fn, _reference_grad, _grad_cases(), name="softmax NLL gradient", rtol=1e-6, atol=1e-12,
        show_answer=show_answer,
        solution="p = softmax(logits - row max); subtract 1 at each example's label; divide by "
                 "the batch size.",
        why=("For one example, d(-log p_y)/d logit_k = p_k - [k == y], with p = softmax(logits); "
             "the mean over the batch divides every row by the batch size. Subtract the row "
             "maximum before exp (the log-sum-exp trick) so that big logits do not overflow."),
        hint="differentiate -log softmax(logits)_y by each logit; remember that the loss is a "
             "mean over the batch, and that exp overflows for logits near 1000 unless each row "
             "is shifted first (softmax does not change under a shift).",
        traps=[(_naive_grad, "the formula is right but exp overflows on big logits: subtract "
                             "each row's maximum first."),
               (_unscaled_grad, "you return the gradient of the summed loss; the loss is the "
                                "mean over the batch.")])


def check_normalized_to_standard_ratio(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 4: bound of the normalized init over that of the standard init, fan_in = fan_out."""
    normalized = weight_bound("glorot_uniform", WIDTH, WIDTH)
    standard = weight_bound("standard", WIDTH, WIDTH)
    expected = normalized / standard
    return check_number(
        answer, expected, name="normalized / standard bound", rtol=0.02, show_answer=show_answer,
        why=(f"standard: U[-1/sqrt(n), 1/sqrt(n)], bound {standard:.4f} for n = {WIDTH}, so "
             f"n Var[W] = 1/3; normalized: sqrt(6/(n + n)) = sqrt(3/n) = {normalized:.4f}, so "
             "n Var[W] = 1. The ratio is sqrt(3), whatever n: the standard init shrinks the "
             "signal by a factor 1/3 in variance at every layer (before the activation's slope)."),
        hint="write both bounds for fan_in = fan_out = n and divide: n cancels.",
        traps={
            3.0: "that is the ratio of the variances; the bounds (like the standard deviations) "
                 "differ by its square root.",
            math.sqrt(2.0): "sqrt(6/(n_in + n_out)) with n_in = n_out = n is not sqrt(2/n).",
            1.0 / math.sqrt(3.0): "you divided the other way round (standard / normalized).",
        })
