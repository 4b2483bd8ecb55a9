"""Checkers for notebook 08 (orthogonal initialization, dynamical isometry).

Built on the shared `check_number`: a wrong answer gets a hint aimed at the likely slip, never
the expected value; `show_answer=True` prints the answer and why.
"""
from __future__ import annotations

import math
from typing import Any

from ..lessons.isometry import spectrum_variance_theory
from .base import CheckResult, check_number

P_EX1 = 0.9
P_EX2 = 0.8
EXCESS_EX3, DEPTH_EX3 = 1.02, 50


def _isometric_depth(p: float, limit: float = 1.0) -> int:
    """The greatest depth L with L (1/p - 1) <= limit (orthogonal weights)."""
    per_layer = spectrum_variance_theory(1, p, "orthogonal")
    # the small slack keeps 9 x (1/0.9 - 1) = 1.0000000000000002 on the right side of the limit
    return int(math.floor(limit / per_layer * (1 + 1e-12)))


def check_isometric_depth(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: the greatest depth of an orthogonal hard-tanh network at p = 0.9 with Var[lambda] <= 1."""
    return check_number(
        answer, _isometric_depth(P_EX1), name="isometric depth", atol=0.5,
        show_answer=show_answer,
        hint="with orthogonal weights each layer adds 1/p - 1 to the variance of lambda; "
             "how many such terms fit below 1?",
        traps={10.0: "L (1 - p) <= 1; the per-layer term is 1/p - 1 = (1 - p)/p, not 1 - p.",
               0.0: "the Gaussian formula L/p; with orthogonal weights s_1 = 0 removes the 1 "
                    "per layer.",
               1.0: "the Gaussian formula L/p; with orthogonal weights s_1 = 0 removes the 1 "
                    "per layer."},
        why="L (1/p - 1) = L/9 <= 1 gives L <= 9.")


def check_gaussian_over_orthogonal(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: Var[lambda] with Gaussian over orthogonal weights, hard-tanh at p = 0.8, any depth."""
    expected = (spectrum_variance_theory(1, P_EX2, "gaussian")
                / spectrum_variance_theory(1, P_EX2, "orthogonal"))
    return check_number(
        answer, expected, name="Gaussian / orthogonal", rtol=0.02, show_answer=show_answer,
        hint="write both variances, L/p and L(1/p - 1), and divide; the depth cancels.",
        traps={1 / expected: "orthogonal over Gaussian; the question asks how many times larger "
                             "the Gaussian one is.",
               1 / P_EX2: "L/p alone; the orthogonal variance is L(1/p - 1), not L.",
               2.0: "ReLU's ratio (p = 1/2); here p = 0.8."},
        why="(L/p) / (L(1/p - 1)) = 1/(1 - p).")


def check_mean_off_critical(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 3: the mean squared singular value after 50 layers at sigma_w^2 mu_1 = 1.02."""
    expected = EXCESS_EX3 ** DEPTH_EX3
    return check_number(
        answer, expected, name="mean off criticality", rtol=0.02, show_answer=show_answer,
        hint="the mean of lambda multiplies from layer to layer; it does not add.",
        traps={1 + DEPTH_EX3 * (EXCESS_EX3 - 1): "the excesses added (1 + 50 x 0.02); the "
                                                  "factors multiply.",
               EXCESS_EX3 ** (2 * DEPTH_EX3): "squared once more; sigma_w^2 mu_1 is already the "
                                              "factor on the squared singular values.",
               EXCESS_EX3 ** (DEPTH_EX3 / 2): "the factor on the singular values themselves; "
                                              "the question asks about their squares.",
               1.0: "the normalized mean; the question asks for the unnormalized one."},
        why="m_1 = (sigma_w^2 mu_1)^L = 1.02^50.")
