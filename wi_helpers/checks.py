"""Former home of the checkers' base, kept so that `from wi_helpers.checks import ...` works.

The base lives in `wi_helpers.exercises.base` now, beside the per-notebook checkers.
"""
from .exercises.base import (CheckResult, _fmt, _is_blank, as_number, check_choice,  # noqa: F401
                             check_function, check_number)

__all__ = ["CheckResult", "as_number", "check_choice", "check_function", "check_number"]
