"""Notebook 06's checkers: right answers pass, wrong ones get a hint that never holds the
expected value, and the tolerances are what the notebook states, tested at both edges."""
import math

import pytest

from wi_helpers.exercises import nb06
from wi_helpers.theory import chi_1, critical_sigma_w2
from wi_helpers.widgets import std_grid

from test_exercises_nb00_nb06 import assert_hides
from test_exercises_nb00_nb06 import test_number_checkers as check_number_checker

CASES = [
    # sigma_w^2 = n Var[W] = 1/3 for U[-1/sqrt(n), 1/sqrt(n)]; relu'^2 is 1 on half the units
    (nb06.check_relu_standard_chi1, 1 / 6, [(1 / 3, "sigma_w^2 alone"), (0.5, "Glorot"),
                                            (1 / 12, "square"), (1 / 18, "already a variance"),
                                            (0.9, "")]),
    # critical sigma_w^2 of tanh at sigma_b^2 = 0.25 is 2.401 (at 0.1: 1.986; at 0.5: 2.843)
    (nb06.check_edge_of_chaos_std, math.sqrt(2.4015 / 256), [(2.4015, "sigma_w^2 itself"),
                                                            (2.4015 / 256, "square root"),
                                                            (1 / 16, "biases move"),
                                                            (math.sqrt(1.986 / 256), "example"),
                                                            (math.sqrt(2.843 / 256), "bias variance"),
                                                            (0.5, "")]),
]


@pytest.mark.parametrize("check,right,wrongs", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_nb06_number_checkers(check, right, wrongs):
    check_number_checker(check, right, wrongs)


def test_relu_standard_tolerance_is_5_percent_at_both_edges():
    right = chi_1("relu", 1 / 3)
    assert nb06.check_relu_standard_chi1(right * 1.049)
    assert nb06.check_relu_standard_chi1(right * 0.951)
    assert not nb06.check_relu_standard_chi1(right * 1.051)
    assert not nb06.check_relu_standard_chi1(right * 0.949)


def test_edge_of_chaos_tolerance_is_2_percent_and_refuses_the_sliders_neighbours():
    """Issue 19: the 5 % tolerance accepted both std slider values beside the answer."""
    right = math.sqrt(critical_sigma_w2("tanh", 0.25) / 256)
    assert nb06.check_edge_of_chaos_std(right * 1.019)
    assert nb06.check_edge_of_chaos_std(right * 0.981)
    assert not nb06.check_edge_of_chaos_std(right * 1.021)
    assert not nb06.check_edge_of_chaos_std(right * 0.979)
    grid = std_grid()
    for neighbour in (max(v for v in grid if v < right), min(v for v in grid if v > right)):
        verdict = nb06.check_edge_of_chaos_std(neighbour)  # what a learner reads off the slider
        assert not verdict, neighbour
        assert_hides(repr(verdict), right)
