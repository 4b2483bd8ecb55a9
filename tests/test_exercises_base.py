"""The checkers' base: right answers pass, wrong ones get a hint (never the answer), odd input a message."""
import numpy as np
import pytest

from wi_helpers.exercises import base
from wi_helpers.exercises.base import check_choice, check_function, check_number


def test_check_number():
    assert check_number(0.98, 1.0, name="q", why="because").ok
    wrong = check_number(1.7, 1.0, name="q", why="because 1.0", hint="think")
    assert not wrong and "Not yet: 1.7" in repr(wrong) and "Hint: think" in repr(wrong)
    assert "because" not in repr(wrong) and "1.0" not in repr(wrong)
    shown = check_number(1.7, 1.0, name="q", why="because", show_answer=True)
    assert "Answer: 1. because" in repr(shown)
    assert "No answer yet" in repr(check_number(None, 1, name="q", why=""))
    assert "No answer yet" in repr(check_number(..., 1, name="q", why=""))
    assert check_number(0.001, 0.0, name="q", why="", atol=0.01).ok
    assert check_number(np.float32(1.0), 1.0, name="q", why="").ok
    assert check_number(np.array([1.0]), 1.0, name="q", why="").ok


@pytest.mark.parametrize("answer,words", [
    ("1.0", "string '1.0'"), (True, "boolean"), (np.True_, "boolean"), (1 + 0j, "complex"),
    (np.complex128(1), "complex"), (float("nan"), "finite"), (float("inf"), "finite"),
    (10**400, "too large"), ([1.0], "expected a number"), (np.ones(3), "shape (3,)"),
    (object(), "expected a number"),
])
def test_check_number_does_not_grade_non_numbers(answer, words):
    verdict = check_number(answer, 1.0, name="q", why="")
    assert not verdict and "Not graded" in repr(verdict) and words in repr(verdict)


def test_traps():
    wrong = check_number(9.0, 0.35, name="q", why="multiply", traps={9.0: "you added."})
    assert not wrong and repr(wrong).endswith("Looks like you added.")
    other = check_number(7.0, 0.35, name="q", why="multiply", traps={9.0: "you added."})
    assert "Looks like" not in repr(other)
    right = check_number(0.35, 0.35, name="q", why="", traps={0.35: "never shown"})
    assert right and "Looks like" not in repr(right)
    near = check_number(9.1, 0.35, name="q", why="", traps={9.0: "you added."})
    assert repr(near).endswith("Looks like you added.")  # within 2 % of the trap


def test_check_choice():
    options = ["zero", "one", "0.5"]
    assert check_choice(" Zero ", "zero", name="c", why="", options=options).ok
    assert check_choice(0.5, "0.5", name="c", why="", options=options).ok  # typed unquoted
    wrong = check_choice("one", "zero", name="c", why="it is zero", options=options,
                         traps={"one": "the other end."})
    assert not wrong and "zero" not in repr(wrong) and repr(wrong).endswith("the other end.")
    assert "Answer: zero" in repr(check_choice("one", "zero", name="c", why="", options=options,
                                               show_answer=True))
    for odd in ("two", True, 3 + 1j, ["zero"]):
        verdict = check_choice(odd, "zero", name="c", why="", options=options)
        assert not verdict and "choose one of" in repr(verdict)


def test_check_function():
    cases = [(np.array([0.0, 1.0]),), (np.array([-3.0]),)]
    assert check_function(np.tanh, np.tanh, iter(cases), name="f", why="").ok
    assert "Correct on all 2 test cases" in repr(check_function(np.tanh, np.tanh, cases, name="f", why=""))
    bad = check_function(np.sin, np.tanh, cases, name="f", why="tanh itself", hint="look again")
    assert not bad and "look again" in repr(bad) and "tanh itself" not in repr(bad)
    assert "0.7616" not in repr(bad)  # tanh(1), the expected output
    boom = check_function(lambda x: 1 / 0, np.tanh, cases, name="f", why="")
    assert not boom and "ZeroDivisionError" in repr(boom)
    assert not check_function(None, np.tanh, cases, name="f", why="")
    assert "expected a function" in repr(check_function(3, np.tanh, cases, name="f", why=""))


@pytest.mark.parametrize("fn,words", [
    (lambda x: None, "forget the `return`"),
    (lambda x: x + 0j, "complex"),
    (lambda x: "0.5", "string"),
    (lambda x: [[1.0], [1.0, 2.0]], "not an array of numbers"),
    (lambda x: np.array([object()] * len(x)), "not an array of numbers"),
    (lambda x: np.zeros((len(x), 2)), "shape"),
    (lambda x: np.exp(np.exp(np.exp(x * 1e3))), "inf or nan"),
])
def test_check_function_reports_odd_returns(fn, words):
    verdict = check_function(fn, np.tanh, [(np.array([0.0, 1.0]),)], name="f", why="")
    assert not verdict and words in repr(verdict), repr(verdict)


def test_check_function_calls_on_copies_and_hides_warnings():
    cases = [(np.array([0.0, 1.0]),)]

    def in_place(x):
        np.tanh(x, out=x)
        return x

    assert check_function(in_place, np.tanh, cases, name="f", why="").ok
    np.testing.assert_array_equal(cases[0][0], [0.0, 1.0])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning would escape into the notebook
        verdict = check_function(lambda x: np.exp(x * 1e4) / np.exp(x * 1e4), np.tanh, cases,
                                 name="f", why="")
    assert not verdict


def test_forbidden_names_and_traps():
    cases = [(np.array([0.0, 0.5]),)]
    forbidden = {"tanh": "no tanh."}
    t = np.tanh
    for fn in (np.tanh, lambda x: np.tanh(x), lambda x: t(x)):
        verdict = check_function(fn, np.tanh, cases, name="f", why="", forbidden=forbidden)
        assert not verdict and "no tanh." in repr(verdict)
    trap = check_function(lambda x: 2 * x, np.tanh, cases, name="f", why="",
                          traps=[(lambda x: x + x, "you doubled.")])
    assert repr(trap).endswith("Looks like you doubled.")


def test_every_notebook_has_a_checker_module_whose_checkers_are_all_tested():
    """One module per notebook (00-07) in wi_helpers.exercises, checkers named check_*, and each
    of them driven by a test (tests/test_exercises_*.py call it by name)."""
    import importlib
    import inspect
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    notebooks = sorted(p.name[:2] for p in (root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    modules = sorted(p.stem[2:] for p in (root / "wi_helpers" / "exercises").glob("nb[0-9][0-9].py"))
    assert notebooks == modules and len(modules) >= 8
    text = "".join(p.read_text(encoding="utf-8") for p in (root / "tests").glob("test_exercises_*.py"))
    for number in modules:
        module = importlib.import_module(f"wi_helpers.exercises.nb{number}")
        public = [name for name, f in vars(module).items() if inspect.isfunction(f)
                  and f.__module__ == module.__name__ and not name.startswith("_")]
        assert public and all(name.startswith("check_") for name in public), (number, public)
        untested = [name for name in public if not re.search(rf"nb{number}\.{name}\b", text)]
        assert not untested, f"exercises.nb{number}: no test calls {untested}"


def test_check_number_keeps_the_tolerance_it_states():
    # an absolute tolerance alone is that tolerance: 88.89 +- 0.5 refuses 85 and 92 (5 % would not)
    kw = dict(name="chance", why="", atol=0.5)
    assert check_number(88.39, 88.89, **kw).ok and check_number(89.38, 88.89, **kw).ok
    assert not check_number(88.38, 88.89, **kw).ok and not check_number(89.40, 88.89, **kw).ok
    assert not check_number(85, 88.89, **kw).ok and not check_number(92, 88.89, **kw).ok
    assert "within 0.5" in str(check_number(88.89, 88.89, **kw))
    # the default is 5 % relative, both edges
    assert check_number(1.0499, 1.0, name="x", why="").ok
    assert not check_number(1.0501, 1.0, name="x", why="").ok
    assert check_number(0.9501, 1.0, name="x", why="").ok
    assert not check_number(0.9499, 1.0, name="x", why="").ok
