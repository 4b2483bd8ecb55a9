"""Argument checks shared by every public function (in the spirit of scikit-learn's check_scalar).

Each check returns the cleaned value or raises TypeError (wrong kind of value) or ValueError
(right kind, outside what is allowed), with a message that names the parameter, shows the
value (repr, truncated) and says what is allowed. Checks run before any work, so that a bad
argument never costs a large allocation first.
"""
from __future__ import annotations

import math
import numbers
from typing import Any, Iterable, Mapping

import numpy as np

_REPR_MAX = 60


def short_repr(value: Any, limit: int = _REPR_MAX) -> str:
    """repr(value) cut to `limit` characters (big arrays and lists stay readable in messages)."""
    if isinstance(value, np.ndarray) and value.size > 8:
        return f"array of shape {value.shape} and dtype {value.dtype}"
    try:
        text = repr(value)
    except Exception:  # a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _kind(value: Any) -> str:
    return f"{short_repr(value)} of type {type(value).__name__}"


def is_int(value: Any) -> bool:
    """True for Python and NumPy integers, False for bool (True is not a count)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _range_text(low: Any, high: Any, include_low: bool = True, include_high: bool = True) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>=' if include_low else '>'} {low}")
    if high is not None:
        parts.append(f"{'<=' if include_high else '<'} {high}")
    return " and ".join(parts)


def check_int(name: str, value: Any, *, min: int | None = None, max: int | None = None) -> int:
    """Return `value` as an int after checking it is an integer (not bool) within [min, max]."""
    if min == 1 and max is None:
        allowed = "a positive integer"
    else:
        allowed = "an integer" + (f" {_range_text(min, max)}" if min is not None or max is not None else "")
    if not is_int(value):
        raise TypeError(f"{name} must be {allowed}, got {_kind(value)}")
    v = int(value)
    if (min is not None and v < min) or (max is not None and v > max):
        raise ValueError(f"{name} must be {allowed}, got {short_repr(value)}")
    return v


def check_real(name: str, value: Any, *, min: float | None = None, max: float | None = None,
               include_min: bool = True, include_max: bool = True, finite: bool = True) -> float:
    """Return `value` as a float after checking it is a real number (not bool/str/complex/nan)."""
    bounds = _range_text(min, max, include_min, include_max)
    allowed = ("a finite number" if finite else "a number") + (f" {bounds}" if bounds else "")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name} must be {allowed}, got {_kind(value)}")
    try:
        v = float(value)
    except OverflowError:  # an int beyond the float range, e.g. 10**400
        raise ValueError(f"{name} must be {allowed}, got an integer too large for a float "
                         f"({short_repr(value)})") from None
    if math.isnan(v) or (finite and math.isinf(v)):
        raise ValueError(f"{name} must be {allowed}, got {short_repr(value)}")
    if min is not None and (v < min or (v == min and not include_min)):
        raise ValueError(f"{name} must be {allowed}, got {short_repr(value)}")
    if max is not None and (v > max or (v == max and not include_max)):
        raise ValueError(f"{name} must be {allowed}, got {short_repr(value)}")
    return v


def check_bool(name: str, value: Any) -> bool:
    """Return `value` as a bool after checking it is True or False (not 0/1, not a string)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_kind(value)}")
    return bool(value)


def check_rng(name: str, rng: Any) -> np.random.Generator:
    """Return `rng` after checking it is a numpy.random.Generator."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {_kind(rng)}")
    return rng


def check_seed(name: str, seed: Any) -> int | None:
    """Return a seed for np.random.default_rng: None or an integer >= 0 (not bool, float, str)."""
    if seed is None:
        return None
    if not is_int(seed):
        raise TypeError(f"{name} must be None or an integer >= 0, got {_kind(seed)}")
    if seed < 0:
        raise ValueError(f"{name} must be None or an integer >= 0, got {short_repr(seed)}")
    return int(seed)


def check_choice(name: str, value: Any, choices: Iterable[str], *,
                 aliases: Mapping[str, str] | None = None) -> str:
    """Return the canonical choice for `value` (case-insensitive, resolving `aliases`)."""
    choices = tuple(choices)
    aliases = dict(aliases or {})
    allowed = ", ".join(choices) + (f" (aliases: {', '.join(aliases)})" if aliases else "")
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, one of {allowed}; got {_kind(value)}")
    key = value.strip().lower()
    key = aliases.get(key, key)
    if key not in choices:
        raise ValueError(f"unknown {name} {short_repr(value)}; allowed: {allowed}")
    return key


def check_float_dtype(name: str, dtype: Any, allowed: Iterable[Any] = (np.float32, np.float64)) -> np.dtype:
    """Return np.dtype(dtype) after checking it is one of `allowed` (floating-point) dtypes."""
    allowed = tuple(np.dtype(a) for a in allowed)
    names = ", ".join(a.name for a in allowed)
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be one of {names}, got {_kind(dtype)}") from None
    if dt not in allowed:
        raise ValueError(f"{name} must be one of {names}, got {short_repr(dtype)}")
    return dt


def check_array(name: str, X: Any, *, ndim: int | None = None, finite: bool = True,
                allow_empty: bool = False, max_bytes: int | None = None) -> np.ndarray:
    """Return X as a real numeric ndarray (int or float dtype), refusing ragged, complex,
    object, bool, empty and (with finite=True) nan/inf arrays.

    The size and shape are checked before the finiteness scan, so that a refused huge array
    costs nothing; with max_bytes, an array above that many bytes (as float64) is refused.
    """
    if isinstance(X, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got {_kind(X)}")
    if not isinstance(X, np.ndarray):
        try:
            X = np.asarray(X)
        except ValueError:  # NumPy >= 1.24: "inhomogeneous shape"
            raise ValueError(f"{name} must be a rectangular array of real numbers; got a ragged "
                             f"nested sequence {short_repr(X)} (rows of different lengths)") from None
    if X.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex dtype {X.dtype} "
                        "(take .real explicitly if the imaginary part is meant to be dropped)")
    if X.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers (int or float), got dtype {X.dtype}"
                        + (" (ragged or mixed rows?)" if X.dtype.kind == "O" else ""))
    if ndim is not None and X.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {X.shape}")
    if not allow_empty and X.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {X.shape}")
    if max_bytes is not None and X.size * 8 > max_bytes:
        raise ValueError(f"{name} of shape {X.shape} needs {X.size * 8 / 2**20:.0f} MB as float64; "
                         f"the limit is {max_bytes / 2**20:.0f} MB")
    if finite and X.dtype.kind == "f" and not np.isfinite(X).all():
        raise ValueError(f"{name} must hold finite numbers, found nan or inf")
    return X
