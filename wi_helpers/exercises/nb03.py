"""Checkers for notebook 03 (tanh's zero mean): the expected values come from the numerics.

Every checker takes `show_answer=True` to print the answer; a wrong answer gets a hint only.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import math
import warnings
from typing import Any, Callable

import numpy as np

from ..activations import get_activation
from ..init import weight_std
from .base import CheckResult, check_function, check_number

# Exercise 3: a tanh unit whose fan_in inputs have independent random signs.
SIGN_FAN_IN = 10
# Exercise 4: 200 inputs of mean 0.4 feeding a layer of 100 units, "standard" init.
MEAN_FAN_IN, MEAN_FAN_OUT, H_MEAN = 200, 100, 0.4


def check_lecun_slope(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 1: the slope at 0 of LeCun's f(x) = 1.7159 tanh(2x/3)."""
    expected = float(get_activation("lecun_tanh").deriv(np.zeros(1))[0])
    return check_number(
        answer, expected, name="LeCun slope at 0", rtol=0.01, show_answer=show_answer,
        why="f'(x) = 1.7159 * (2/3) * (1 - tanh(2x/3)^2), and tanh(0) = 0, so f'(0) = 1.7159 * 2/3: "
            "a gain a little above 1, against 1 for tanh and 1/4 for the logistic.",
        hint="differentiate a * tanh(b x) with the chain rule: the outer factor a, the inner "
             "factor b, and tanh' at 0.",
        traps={1.7159: "you kept the outer factor 1.7159 but dropped the inner derivative 2/3.",
               2 / 3: "you kept the inner derivative 2/3 but dropped the outer factor 1.7159.",
               1.0: "that is tanh's own slope at 0; LeCun's function scales tanh inside and out."})


# Exercise 2: what the learner's my_tanh(x, sigmoid) may not call. The checker switches these
# off while it runs the function (each raises), so tanh cannot come in through them.
UNAVAILABLE = {
    np: ("tanh", "sinh", "cosh", "exp", "expm1", "exp2", "power", "float_power", "arctanh"),
    math: ("tanh", "sinh", "cosh", "exp", "expm1", "pow", "atanh"),
}
_NP_EXP, _NP_SQRT, _NP_TANH = np.exp, np.sqrt, np.tanh  # kept for the checker's own functions
_ACTIVATIONS_MODULE = get_activation.__module__


class _Unavailable(Exception):
    """A function the exercise rules out was called."""


@contextlib.contextmanager
def _switched_off():
    """Make every function in UNAVAILABLE raise _Unavailable, for the duration of the block."""
    saved = []

    def raiser(label: str):
        def off(*args: Any, **kwargs: Any) -> Any:
            raise _Unavailable(label)
        return off

    try:
        for module, names in UNAVAILABLE.items():
            for attr in names:
                if hasattr(module, attr):
                    saved.append((module, attr, getattr(module, attr)))
                    setattr(module, attr, raiser(f"{'np' if module is np else 'math'}.{attr}"))
        yield
    finally:
        for module, attr, value in saved:
            setattr(module, attr, value)


class GivenSigmoid:
    """The S-shaped function handed to the learner's my_tanh: callable, and `.fn` like an
    Activation, so both `sigmoid(z)` and `sigmoid.fn(z)` work."""

    def __init__(self, fn: Callable[[np.ndarray], np.ndarray], name: str):
        self.fn, self.name = fn, name

    def __call__(self, z: Any) -> np.ndarray:
        return self.fn(z)

    def __repr__(self) -> str:
        return f"<{self.name}>"


def _logistic(z: Any) -> np.ndarray:
    # 1 / (1 + e^-z) through the saved exp, safe for large |z| (e = exp(-|z|) <= 1)
    z = np.asarray(z, dtype=np.float64)
    e = _NP_EXP(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


LOGISTIC = GivenSigmoid(_logistic, "the logistic sigmoid")
# Other S-shaped functions from R to (0, 1): a function built from the sigmoid it is given
# returns something else than tanh with them; one that computes tanh another way does not.
SUBSTITUTES = (
    GivenSigmoid(lambda z: 0.5 * (1.0 + np.asarray(z, float) / _NP_SQRT(1.0 + np.asarray(z, float) ** 2)),
                 "an algebraic sigmoid"),
    GivenSigmoid(lambda z: _NP_EXP(-_NP_EXP(-np.asarray(z, float))), "the Gompertz function"),
)
TANH_CASES = ((np.array([0.0]),), (np.array([1.0, -2.0]),), (np.linspace(-4.0, 4.0, 17),),
              (np.array([-30.0, 30.0]),))
TANH_WHY = ("tanh(x) = 2 sigmoid(2x) - 1: turn sigma(x) = (1 + tanh(x/2)) / 2 around (x -> 2x, "
            "then solve for tanh). The logistic is squeezed by 2 horizontally and stretched by 2 "
            "vertically (slope 2 * 2 * 1/4 = 1 at 0), then shifted down by 1 (range (-1, 1), "
            "mean 0).")


def _takes_two_arguments(fn: Any) -> bool:
    try:
        inspect.signature(fn).bind(np.zeros(1), LOGISTIC)
    except TypeError:
        return False
    except ValueError:  # no signature to read (some built-ins): let the call decide
        return True
    return True


def _through_the_package(exc: BaseException) -> bool:
    """True when the switched-off function was reached through wi_helpers.activations."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") == _ACTIVATIONS_MODULE:
            return True
        tb = tb.tb_next
    return False


def _run(fn: Any, x: np.ndarray, sigmoid: GivenSigmoid) -> tuple[np.ndarray | None, str | None]:
    """The learner's output for (x, sigmoid) with the ruled-out functions switched off."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), _switched_off():
            warnings.simplefilter("ignore")
            raw = fn(copy.deepcopy(x), sigmoid)
    except _Unavailable as exc:
        if _through_the_package(exc):
            return None, ("your function calls the package's own sigmoid (the notebook's "
                          "`sigmoid.fn`?), not the one it is given, so it does not build tanh "
                          "from the sigmoid it is given: use the argument `sigmoid`.")
        return None, (f"your function calls {exc}, which the exercise rules out: the checker "
                      "switches it off while it runs your function. Use only the argument "
                      "`sigmoid`, with arithmetic.")
    except Exception as exc:  # the learner's code: report it, never raise
        return None, f"your function raised {type(exc).__name__}: {str(exc)[:120]}"
    try:
        return np.asarray(raw, dtype=np.float64), None
    except (TypeError, ValueError):
        return None, "your function does not return an array of numbers"


def check_tanh_from_sigmoid(fn: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 2: my_tanh(x, sigmoid) computes tanh from the sigmoid it is given, nothing else.

    Checked by behaviour, not by reading the code: (1) with the logistic it must return tanh;
    (2) with np.tanh, np.exp, math.exp and their kin switched off it must still run; (3) handed
    other S-shaped functions in place of the logistic, its result must change (a function that
    still returns tanh did not build it from the sigmoid)."""
    name = "tanh from sigmoid"
    reveal = f" Answer: 2 * sigmoid(2 * x) - 1. {TANH_WHY}" if show_answer else ""
    if isinstance(fn, np.ufunc) or inspect.isbuiltin(fn):
        return CheckResult(False, f"[{name}] Not yet: you passed a built-in function "
                                  f"({getattr(fn, '__name__', fn)}); write your own, "
                                  "def my_tanh(x, sigmoid): ..., from the sigmoid it is "
                                  f"given.{reveal}")
    if callable(fn) and not _takes_two_arguments(fn):
        return CheckResult(False, f"[{name}] Not yet: your function does not take two arguments. "
                                  "Write it as def my_tanh(x, sigmoid): ..., using the sigmoid "
                                  f"it is given.{reveal}")
    verdict = check_function(
        (lambda x: fn(x, LOGISTIC)) if callable(fn) else fn, np.tanh, TANH_CASES, name=name,
        rtol=1e-9, atol=1e-12, show_answer=show_answer,
        solution=f"2 * sigmoid(2 * x) - 1. {TANH_WHY}", why=TANH_WHY,
        hint="tanh has range (-1, 1) and slope 1 at 0; the logistic has range (0, 1) and slope "
             "1/4 at 0. Scale its input and its output, then shift (or turn the relation "
             "sigma(x) = (1 + tanh(x/2)) / 2 around).",
        traps=[(lambda x: 2 * _logistic(x) - 1, "you scaled and shifted the output but not "
                                                "the input: tanh is twice as steep."),
               (lambda x: _logistic(2 * x), "you squeezed the input but did not stretch "
                                            "and shift the output to (-1, 1)."),
               (lambda x: 2 * _logistic(x / 2) - 1, "you halved the input; tanh is the "
                                                     "steeper one, so its input is doubled.")])
    if not verdict:
        return verdict
    for x, in TANH_CASES:
        _, problem = _run(fn, x, LOGISTIC)
        if problem:
            return CheckResult(False, f"[{name}] Not yet: {problem}{reveal}")
    for other in SUBSTITUTES:
        differs = False
        for x, in TANH_CASES:
            got, problem = _run(fn, x, other)
            if problem:
                return CheckResult(False, f"[{name}] Not yet: handed {other.name} in place of "
                                          f"the logistic, {problem}{reveal}")
            if got.shape != x.shape or not np.allclose(got, _NP_TANH(x), rtol=1e-6, atol=1e-9):
                differs = True
        if not differs:
            return CheckResult(False, f"[{name}] Not yet: handed {other.name} in place of the "
                                      "logistic, your function still returns tanh, so it does "
                                      "not build tanh from the sigmoid it is given (the "
                                      "notebook's own sigmoid or another route to tanh does not "
                                      f"count). Use the argument `sigmoid`.{reveal}")
    return CheckResult(True, f"[{name}] Correct on all {len(TANH_CASES)} test cases (relative "
                             f"tolerance 1e-09), built from the sigmoid it is given. {TANH_WHY}")


def check_single_signed_probability(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 3: probability that the weight gradients into a tanh unit share one sign."""
    expected = 2.0 * 0.5 ** SIGN_FAN_IN
    return check_number(
        answer, expected, name="single-signed probability", rtol=0.05, show_answer=show_answer,
        why=f"for one example, dL/dW[:, j] = h_(l-1) * delta_j has one sign exactly when all "
            f"{SIGN_FAN_IN} inputs have one sign: all positive (1/2)^{SIGN_FAN_IN} or all negative "
            f"(1/2)^{SIGN_FAN_IN}, so 2 * (1/2)^{SIGN_FAN_IN}. After a logistic it is 1.",
        hint="delta_j is one number per example, so the signs of the gradients are those of the "
             "inputs; count the sign patterns in which they all agree.",
        traps={0.5 ** SIGN_FAN_IN: "you counted all-positive only; all-negative also share one sign.",
               1.0: "that holds after a logistic (all inputs positive); tanh's inputs have "
                    "random signs."})


def check_unit_mean_spread(answer: Any, *, show_answer: bool = False) -> CheckResult:
    """Exercise 4: the variance across units of the mean of z_j when every input has mean 0.5."""
    w_var = weight_std("standard", MEAN_FAN_IN, MEAN_FAN_OUT) ** 2
    expected = H_MEAN ** 2 * MEAN_FAN_IN * w_var
    return check_number(
        answer, expected, name="spread of unit means", rtol=0.05, show_answer=show_answer,
        why=f"E[z_j] = sum_i E[h_i] W_ij = {H_MEAN} * sum_i W_ij, a sum of fan_in = {MEAN_FAN_IN} "
            f"independent weights, so its variance across units is E[h]^2 * fan_in * Var[W] "
            f"= {H_MEAN}^2 * 1/3 under the 'standard' init (fan_in Var[W] = 1/3, whatever "
            "fan_in is).",
        hint="write E[z_j] as the inputs' mean times a sum of weights; the variance of a constant "
             "times a sum of independent terms follows.",
        traps={H_MEAN * MEAN_FAN_IN * w_var: "the mean enters squared: Var[c X] = c^2 Var[X].",
               MEAN_FAN_IN * w_var: "you left out the inputs' mean (squared).",
               H_MEAN ** 2: "you took Var[W] = 1/fan_in; the 'standard' U[-a, a] with "
                            "a = 1/sqrt(fan_in) has variance a^2 / 3.",
               H_MEAN ** 2 * MEAN_FAN_OUT * w_var: "you summed over the fan_out units; E[z_j] "
                                                   "sums over the fan_in inputs of unit j."})
