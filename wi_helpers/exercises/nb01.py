"""Checkers for notebook 01, vanishing and exploding gradients.

Every expected value is computed by the numerics or the theory (a chain of scalars, the
linear theory, the layer at which the entries' typical size passes the float32 maximum),
never typed in, and none depends on a random draw. Every checker takes `show_answer=True`
to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..activations import get_activation
from ..lessons.nb01 import chain_factors
from ..theory import linear_theory
from .base import CheckResult, check_function, check_number

# Exercise 1: a chain of linear units, all with the same weight.
CHAIN_DEPTH, CHAIN_WEIGHT = 10, 0.9
# Exercise 3: a deep linear network of this width with weights N(0, sigma_w^2 / width).
RATIO_WIDTH, RATIO_DEPTH, RATIO_SIGMA_W2 = 256, 20, 1.2
# Exercise 4: a linear network with N(0, 1) weights in float32, fed N(0, 1) inputs.
OVERFLOW_WIDTH = 400
# Exercise 5: a narrowing linear network with LeCun's Var[W] = 1 / fan_in.
NARROWING_SIZES = (1024, 512, 256, 128, 64, 32)


def check_chain_gradient(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: dL/dx of a 10-unit linear chain with every w = 0.9 (relative to dL/dh_L = 1)."""
    expected = chain_factors([CHAIN_WEIGHT] * CHAIN_DEPTH, 1.0, "linear").grad_input
    return check_number(
        answer, expected, name="chain gradient", rtol=0.02, show_answer=show_answer,
        why=(f"each layer multiplies the gradient by w * phi'(z) = {CHAIN_WEIGHT} * 1, so "
             f"{CHAIN_DEPTH} layers give {CHAIN_WEIGHT}^{CHAIN_DEPTH}: a factor slightly below 1 "
             "compounds into a gradient that shrinks geometrically with depth."),
        hint="the chain rule gives one factor w * phi'(z) per unit; how do the factors combine, "
             "and what is phi' of a linear unit?",
        traps={
            CHAIN_WEIGHT * CHAIN_DEPTH: "you added the factors; the chain rule multiplies them.",
            CHAIN_WEIGHT: "you took one factor; there is one per layer.",
        })


def _tanh_factor(w: np.ndarray, z: np.ndarray) -> np.ndarray:
    return w * get_activation("tanh").deriv(z)


FACTOR_CASES = (
    (np.array([1.0]), np.array([0.0])),
    (np.array([0.5, -2.0, 1.5]), np.array([0.3, -1.0, 2.5])),
    (np.array([1.0, 1.0]), np.array([-8.0, 8.0])),
)


def check_tanh_factor(fn: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: a function factor(w, z) returning the per-layer factor w * tanh'(z)."""
    return check_function(
        fn, _tanh_factor, FACTOR_CASES, name="tanh factor", rtol=1e-6, atol=1e-12,
        show_answer=show_answer, solution="w * (1 - np.tanh(z) ** 2).",
        why=("tanh'(z) = 1 - tanh(z)^2: 1 at z = 0, nearly 0 for |z| > 3. The factor is "
             "w * (1 - tanh(z)^2); a saturated unit (large |z|) passes almost no gradient "
             "whatever its weight."),
        hint="the factor is the weight times the slope of tanh at z; write tanh' with tanh itself.",
        traps=[(lambda w, z: w * np.tanh(z), "you used tanh(z), the value; the factor needs the slope."),
               (lambda w, z: 1.0 - np.tanh(z) ** 2, "you forgot to multiply by the weight w."),
               (lambda w, z: w * (1.0 - np.tanh(z)), "you forgot a square in tanh'.")])


def check_gradient_variance_ratio(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: Var[dL/dx] / Var[dL/dh_L] for the linear net of RATIO_DEPTH layers at RATIO_SIGMA_W2."""
    sizes = [RATIO_WIDTH] * (RATIO_DEPTH + 1)
    pred = linear_theory(sizes, RATIO_SIGMA_W2 / RATIO_WIDTH)
    expected = float(pred.grad_h_var[0] / pred.grad_h_var[-1])
    return check_number(
        answer, expected, name="gradient variance ratio", rtol=0.05, show_answer=show_answer,
        why=(f"going down through one layer multiplies the gradient's variance by "
             f"fan_out * Var[W] = sigma_w^2 = {RATIO_SIGMA_W2}, so {RATIO_DEPTH} layers give "
             f"{RATIO_SIGMA_W2}^{RATIO_DEPTH}."),
        hint="find the factor one linear layer applies to the gradient's variance (it sums "
             "fan_out terms), then count the layers.",
        traps={
            RATIO_SIGMA_W2 * RATIO_DEPTH: "you added sigma_w^2 once per layer; the factors multiply.",
            math.sqrt(expected): "the ratio of standard deviations; the question asks for variances.",
        })


def _float32_overflow_crossing(width: int = OVERFLOW_WIDTH) -> float:
    """The layer l at which sqrt(width)^l, the entries' typical size, passes float32's maximum."""
    return math.log(float(np.finfo(np.float32).max)) / math.log(math.sqrt(width))


def check_float32_overflow_layer(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 4: the first layer whose activations overflow float32 (linear, N(0, 1) weights, width 400)."""
    crossing = _float32_overflow_crossing()
    root = math.sqrt(OVERFLOW_WIDTH)
    return check_number(
        answer, crossing, name="float32 overflow layer", rtol=0.0, atol=1, show_answer=show_answer,
        why=(f"each layer multiplies the standard deviation of h by sqrt(fan_in * Var[W]) = "
             f"sqrt({OVERFLOW_WIDTH}) = {root:g}, so after l layers the entries are about "
             f"{root:g}^l; float32 holds at most {float(np.finfo(np.float32).max):.3g}, and "
             f"{root:g}^l passes it at l = log(max) / log({root:g}) = {crossing:.1f}. A network "
             "overflows at the first whole layer past that, or one earlier when its largest "
             "entry (a few standard deviations out) gets there first: layer 29 or 30, both "
             "accepted (within 1 layer)."),
        hint="find the factor by which one layer multiplies the entries' standard deviation, "
             "then solve factor^l = the largest float32 with logarithms.",
        traps={float(OVERFLOW_WIDTH): "that is the per-layer factor of the variance, not a layer "
                                      "number.",
               math.log(float(np.finfo(np.float32).max)) / math.log(OVERFLOW_WIDTH):
                   "you used the variance's factor 400 per layer; the entries themselves grow "
                   "by its square root.",
               38.0: "38 is the exponent of the float32 maximum; with a factor 20 per layer "
                     "(not 10) it takes fewer layers."})


def check_narrowing_ratio(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Ex. 5: Var[dL/dx] / Var[dL/dh_L] of the narrowing linear net with Var[W] = 1/fan_in."""
    sizes = list(NARROWING_SIZES)
    weight_var = [1.0 / n for n in sizes[:-1]]
    pred = linear_theory(sizes, weight_var)
    expected = float(pred.grad_h_var[0] / pred.grad_h_var[-1])
    factors = " * ".join(f"{b}/{a}" for a, b in zip(sizes[:-1], sizes[1:]))
    return check_number(
        answer, expected, name="narrowing network", rtol=0.02, show_answer=show_answer,
        why=(f"going down, layer l multiplies the gradient's variance by fan_out * Var[W_l] = "
             f"fan_out / fan_in: {factors}, a product that telescopes to "
             f"{sizes[-1]}/{sizes[0]}. Var[W] = 1/fan_in keeps the forward pass level, not the "
             "backward one; a ratio of end widths, not a power of the depth (notebooks 04 and "
             "07)."),
        hint="which fan multiplies Var[W] on the way down? Write the factor of each layer "
             "and multiply them.",
        traps={
            1.0: "you used fan_in * Var[W] = 1, the forward factor; the backward pass sums "
                 "over fan_out terms.",
            sizes[0] / sizes[-1]: "you inverted the factors: going down a narrowing network "
                                  "each layer multiplies by fan_out / fan_in < 1.",
            sizes[1] / sizes[0]: "that is one layer's factor; there is one per layer.",
        })
