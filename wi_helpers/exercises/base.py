"""Answer checkers for the "predict, then check" exercises: the base every notebook's module uses.

A checker compares a learner's answer with a value the numerics compute and returns a
`CheckResult`, whose repr is one line of text (so a cell ending in a check prints it).

- A right answer gets "Correct", with the explanation (`why`).
- A wrong answer gets a hint aimed at the likely mistake (`hint`, plus a trap's hint when the
  answer matches a known slip); never the expected value or its derivation.
- The answer appears only when asked for: `show_answer=True` appends it and the explanation.
- Nothing a learner passes in raises a traceback: None, Ellipsis, strings, booleans, complex
  and non-finite numbers, huge integers, functions that raise, warn, return None or the wrong
  shape all get a message. Learner functions are called on deep copies of the test cases.
"""
from __future__ import annotations

import copy
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

DEFAULT_HINT = "look at the formula in the section above once more."


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer: `ok` and a message that explains it."""

    ok: bool
    message: str

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


def _is_blank(answer: Any) -> bool:
    return answer is None or answer is Ellipsis


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def as_number(answer: Any) -> tuple[float | None, str | None]:
    """(value, None) for a real number (NumPy scalars and size-1 real arrays included), else
    (None, what is wrong with it): strings, booleans and complex numbers are not graded."""
    if isinstance(answer, (bool, np.bool_)):
        return None, f"expected a number, got {answer!r} (a boolean)"
    if isinstance(answer, (str, bytes)):
        return None, (f"expected a number, got the string {answer!r}: write the number without "
                      "quotes")
    if isinstance(answer, np.ndarray):
        if answer.size != 1:
            return None, f"expected one number, got an array of shape {answer.shape}"
        answer = answer.reshape(()).item() if answer.dtype.kind in "iufcb" else answer
        if isinstance(answer, bool):
            return None, f"expected a number, got {answer!r} (a boolean)"
    if isinstance(answer, (complex, np.complexfloating)):
        return None, f"expected a real number, got the complex number {answer!r}"
    if not isinstance(answer, (numbers.Real, np.integer, np.floating)):
        return None, f"expected a number, got {type(answer).__name__} {_short(answer)}"
    try:
        value = float(answer)
    except OverflowError:
        return None, "expected a finite number, got an integer too large for a float"
    except (TypeError, ValueError):
        return None, f"expected a number, got {type(answer).__name__} {_short(answer)}"
    if not math.isfinite(value):
        return None, f"expected a finite number, got {value!r}"
    return value, None


def _short(value: Any, limit: int = 60) -> str:
    try:
        text = repr(value)
    except Exception:  # a learner's object with a broken repr
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())  # multi-line array reprs on one line
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _answer_text(expected: Any, why: str) -> str:
    shown = _fmt(expected) if isinstance(expected, float) else str(expected)
    return f" Answer: {shown}. {why}"


def check_number(answer: Any, expected: float, *, name: str, why: str, hint: str | None = None,
                 rtol: float | None = None, atol: float = 0.0,
                 traps: Mapping[float, str] | None = None, show_answer: bool = False) -> CheckResult:
    """Check a numeric answer against `expected` within rtol (relative) or atol (absolute).

    The tolerance is the one stated: 5 % relative by default; an absolute `atol` alone means
    that tolerance only (rtol 0), and both together accept either.
    """
    if rtol is None:
        rtol = 0.0 if atol > 0 else 0.05
    if atol > 0 and rtol > 0:
        tol = f"within {_fmt(atol)} or {rtol:.0%}"
    else:
        tol = f"within {rtol:.0%}" if atol == 0 else f"within {_fmt(atol)}"
    reveal = _answer_text(float(expected), why) if show_answer else ""
    if _is_blank(answer):
        return CheckResult(False, f"[{name}] No answer yet: replace None with your prediction "
                                  f"(checked {tol}).{reveal}")
    value, problem = as_number(answer)
    if problem is not None:
        return CheckResult(False, f"[{name}] Not graded: {problem}.{reveal}")
    # relative to the expected value, as the message says (math.isclose scales by the larger)
    if abs(value - expected) <= max(rtol * abs(expected), atol):
        # An earned answer may show the exact value (the stored notebook outputs use this form)
        return CheckResult(True, f"[{name}] Correct: {_fmt(value)} (expected {_fmt(expected)}, "
                                 f"{tol}). {why}")
    message = f"[{name}] Not yet: {_fmt(value)} is not right ({tol}). Hint: {hint or DEFAULT_HINT}"
    for trap, trap_hint in (traps or {}).items():
        if _matches(value, trap):
            message += f" Looks like {trap_hint}"
            break
    return CheckResult(False, message + reveal)


def _matches(value: float, trap: float, rtol: float = 0.02) -> bool:
    return math.isclose(value, trap, rel_tol=rtol, abs_tol=1e-12)


def check_choice(answer: Any, expected: str, *, name: str, why: str, options: Iterable[str],
                 hint: str | None = None, traps: Mapping[str, str] | None = None,
                 show_answer: bool = False) -> CheckResult:
    """Check a multiple-choice answer (a string among `options`, case-insensitive)."""
    options = [o.lower() for o in options]
    reveal = _answer_text(expected, why) if show_answer else ""
    if _is_blank(answer):
        return CheckResult(False, f"[{name}] No answer yet: choose one of {options}.{reveal}")
    if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (str, numbers.Real)):
        return CheckResult(False, f"[{name}] Not graded: choose one of {options} (a string), "
                                  f"got {_short(answer)}.{reveal}")
    # a number typed without quotes is read as the option it spells ("0", "0.5")
    key = answer.strip().lower() if isinstance(answer, str) else format(float(answer), "g")
    if key not in options:
        return CheckResult(False, f"[{name}] Not graded: choose one of {options} (a string), "
                                  f"got {_short(answer)}.{reveal}")
    if key == expected.lower():
        return CheckResult(True, f"[{name}] Correct: {key}. {why}")
    message = f"[{name}] Not yet: {key} is not right. Hint: {hint or DEFAULT_HINT}"
    trap_hint = {k.lower(): v for k, v in (traps or {}).items()}.get(key)
    if trap_hint:
        message += f" Looks like {trap_hint}"
    return CheckResult(False, message + reveal)


def _call_quietly(fn: Callable[..., Any], args: Sequence[Any]) -> Any:
    # The learner's function gets copies (an in-place function must not change the cases),
    # and its floating-point warnings stay out of the notebook: the verdict reports them.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return fn(*copy.deepcopy(tuple(args)))


def _as_result_array(got: Any) -> tuple[np.ndarray | None, str | None]:
    if got is None:
        return None, "your function returns None: did you forget the `return` statement?"
    if isinstance(got, (str, bytes)):
        return None, f"your function returns the string {_short(got)}, not numbers"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(got)
    except Exception:  # ragged lists and other shapes NumPy refuses
        return None, f"your function returns {_short(got)}, which is not an array of numbers"
    if arr.dtype.kind == "c":
        return None, "your function returns complex numbers; the answer is real"
    if arr.dtype.kind not in "biuf":
        return None, (f"your function returns {type(got).__name__} {_short(got)}, which is not "
                      "an array of numbers")
    return arr.astype(float), None


def check_function(fn: Any, reference: Callable[..., Any], cases: Iterable[tuple], *, name: str,
                   why: str, hint: str | None = None, rtol: float = 1e-6, atol: float = 1e-9,
                   traps: Sequence[tuple[Callable[..., Any], str]] = (),
                   forbidden: Mapping[str, str] | None = None,
                   show_answer: bool = False, solution: str | None = None) -> CheckResult:
    """Check a learner's function against `reference` on each tuple of arguments in `cases`.

    `traps` are (wrong function, hint) pairs: a learner function that agrees with a trap on
    every case gets that hint. `forbidden` maps a name the function must not use (e.g.
    "tanh") to the hint given when its code does use it.
    """
    cases = [tuple(c) for c in cases]
    reveal = f" Answer: {solution or why}" if show_answer else ""
    if _is_blank(fn):
        return CheckResult(False, f"[{name}] No answer yet: define the function and pass it in.{reveal}")
    if not callable(fn):
        return CheckResult(False, f"[{name}] Not graded: expected a function, got "
                                  f"{type(fn).__name__} {_short(fn)}.{reveal}")
    for used, used_hint in (forbidden or {}).items():
        if _uses_name(fn, used):
            return CheckResult(False, f"[{name}] Not yet: {used_hint}{reveal}")
    for args in cases:
        want = np.asarray(reference(*copy.deepcopy(args)), dtype=float)
        try:
            raw = _call_quietly(fn, args)
        except Exception as exc:  # the learner's code: report, never crash the notebook
            return CheckResult(False, f"[{name}] Your function raised {type(exc).__name__}: "
                                      f"{_short(str(exc), 120)} for arguments {_short(args, 120)}.{reveal}")
        got, problem = _as_result_array(raw)
        if problem is not None:
            return CheckResult(False, f"[{name}] Not yet: {problem} (arguments "
                                      f"{_short(args, 120)}).{reveal}")
        if got.shape != want.shape:
            return CheckResult(False, f"[{name}] Not yet: for arguments {_short(args, 120)} your "
                                      f"function returns shape {got.shape}, expected shape "
                                      f"{want.shape}.{reveal}")
        if not np.isfinite(got).all() and np.isfinite(want).all():
            message = (f"[{name}] Not yet: for arguments {_short(args, 120)} your function "
                       f"returns inf or nan. Hint: {hint or DEFAULT_HINT}")
        elif not np.allclose(got, want, rtol=rtol, atol=atol):
            message = (f"[{name}] Not yet: for arguments {_short(args, 120)} your function "
                       f"returns {' '.join(np.array2string(got, precision=4, threshold=8).split())}, which is not "
                       f"right. Hint: {hint or DEFAULT_HINT}")
        else:
            continue
        for trap, trap_hint in traps:
            if _agrees(fn, trap, cases, rtol, atol):
                message += f" Looks like {trap_hint}"
                break
        return CheckResult(False, message + reveal)
    return CheckResult(True, f"[{name}] Correct on all {len(cases)} test cases "
                             f"(relative tolerance {rtol:g}). {why}")


def _agrees(fn: Callable[..., Any], trap: Callable[..., Any], cases: Sequence[tuple],
            rtol: float, atol: float) -> bool:
    try:
        for args in cases:
            got, problem = _as_result_array(_call_quietly(fn, args))
            want = np.asarray(_call_quietly(trap, args), dtype=float)
            if problem is not None or got.shape != want.shape or not np.allclose(
                    got, want, rtol=rtol, atol=atol, equal_nan=True):
                return False
    except Exception:  # the learner's function already failed the check itself
        return False
    return True


def _uses_name(fn: Any, used: str) -> bool:
    """True when fn is, or its code (nested functions included) refers to, a name `used`."""
    if getattr(fn, "__name__", None) == used and getattr(fn, "__code__", None) is None:
        return True  # the built-in itself, e.g. np.tanh or math.tanh passed in directly
    if getattr(fn, "name", None) == used:  # an Activation object
        return True
    code = getattr(fn, "__code__", None)
    stack = [code] if code is not None else []
    while stack:
        c = stack.pop()
        if used in c.co_names or used in c.co_freevars or used in c.co_consts:
            return True
        stack.extend(k for k in c.co_consts if hasattr(k, "co_names"))
    # names bound to the forbidden function itself (t = np.tanh; def f(x): return t(x))
    values = []
    for cell in getattr(fn, "__closure__", None) or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:
            continue
    if code is not None:
        scope = getattr(fn, "__globals__", {})
        values.extend(scope[n] for n in code.co_names if n in scope)
    return any(getattr(v, "__name__", None) == used and getattr(v, "__code__", None) is None
               or getattr(v, "name", None) == used for v in values)
