"""The exercise checkers accept right answers, reject wrong ones, and say why."""
import numpy as np

from wi_helpers.checks import check_choice, check_function, check_number


def test_check_number():
    assert check_number(0.98, 1.0, name="q", why="because").ok
    wrong = check_number(1.2, 1.0, name="q", why="because")
    assert not wrong and "you gave 1.2, expected 1" in repr(wrong) and "Hint: because" in repr(wrong)
    assert not check_number(None, 1.0, name="q", why="") and "No answer yet" in repr(check_number(None, 1, name="q", why=""))
    assert not check_number("abc", 1.0, name="q", why="")
    assert not check_number(float("nan"), 1.0, name="q", why="")
    assert check_number(0.001, 0.0, name="q", why="", atol=0.01).ok


def test_check_choice():
    assert check_choice(" Zero ", "zero", name="c", why="", options=["zero", "one"]).ok
    assert not check_choice("one", "zero", name="c", why="", options=["zero", "one"])
    assert "Choose one of" in repr(check_choice("two", "zero", name="c", why="", options=["zero", "one"]))


def test_check_function():
    cases = [(np.array([0.0, 1.0]),), (np.array([-3.0]),)]
    assert check_function(np.tanh, np.tanh, iter(cases), name="f", why="").ok
    assert "Correct on all 2 test cases" in repr(check_function(np.tanh, np.tanh, iter(cases), name="f", why=""))
    bad = check_function(np.sin, np.tanh, cases, name="f", why="look again")
    assert not bad and "look again" in repr(bad)
    boom = check_function(lambda x: 1 / 0, np.tanh, cases, name="f", why="")
    assert not boom and "ZeroDivisionError" in repr(boom)
    assert not check_function(None, np.tanh, cases, name="f", why="")
