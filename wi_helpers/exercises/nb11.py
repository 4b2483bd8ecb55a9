"""Checkers for notebook 11 (width, SP against μP).

Built on the shared `check_number`: a wrong answer gets a hint aimed at the likely slip, never
the expected value; `show_answer=True` prints the answer and why.
"""
from __future__ import annotations

import math
from typing import Any

from ..parametrization import layer_multipliers
from .base import CheckResult, check_number

WIDTH = 1600
WIDTH_LR = 3600


def check_readout_ratio(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 1: how many times smaller the output is at init under μP than under SP, at WIDTH."""
    sp_var = layer_multipliers("sp", "output", WIDTH, 1)[0]
    mup_var = layer_multipliers("mup", "output", WIDTH, 1)[0]
    expected = math.sqrt(sp_var / mup_var)
    return check_number(
        answer, expected, name="SP / μP output at init", rtol=0.02, show_answer=show_answer,
        hint="the output is a sum of n terms h_i w_i with independent signs; its size is the "
             "square root of n Var[h] Var[w]. Compare the two readout variances.",
        traps={float(WIDTH): "the ratio of the variances; the output's size goes with the "
               "square root of its variance.",
               1.0: "SP and μP differ in the readout's init variance, not only in the rates."},
        why="Var[w] is 1/n under SP and 1/n^2 under μP, so the output is sqrt(n) times smaller.")


def check_hidden_lr_ratio(answer: Any = None, *, show_answer: bool = False) -> CheckResult:
    """Ex. 2: the factor by which μP multiplies the input layer's rate relative to the
    readout's, at width WIDTH_LR (one input, one output)."""
    inp = layer_multipliers("mup", "input", 1, WIDTH_LR)[1]
    out = layer_multipliers("mup", "output", WIDTH_LR, 1)[1]
    expected = inp / out
    return check_number(
        answer, expected, name="μP input / readout rate", rtol=0.02, show_answer=show_answer,
        hint="read both learning-rate multipliers from the table: one grows with fan_out, the "
             "other shrinks with fan_in.",
        traps={float(WIDTH_LR): "one of the two multipliers alone; the question asks for their "
               "ratio.",
               1.0: "that is SP, where every layer shares one rate."},
        why="fan_out for the input layer, 1/fan_in for the readout: n / (1/n) = n^2.")
