"""Claims: a statement the text makes about a computed result, checked by one call beside it.

    from wi_helpers.claims import claim
    claim(ratio < 1e-3, "the gradient reaching layer 1 is below 1e-3 of the top one",
          setting="width 256, seed 0", found=f"the ratio is {ratio:.1e}")

Two readers, two behaviours:

- **Strict** (CI, the test run, `tools/notebooks.py run`: the environment variable
  ``WI_STRICT_CLAIMS=1``): a claim that does not hold raises `ClaimError` with the statement
  and what was found, so a notebook whose text has gone stale cannot pass.
- **A learner's kernel** (the default): a claim that does not hold prints one calm line, "The
  text above describes width 256, seed 0; with your settings the ratio is 1.4e-3.", and the
  notebook runs on. A learner who changed a width or a seed is told the text described another
  setting, never shown a traceback.

A claim that holds prints nothing in either mode. `claim` returns whether it held, as a value
that is true or false and that a notebook does not display (a cell may end with a claim).
"""
from __future__ import annotations

import os

STRICT_ENV = "WI_STRICT_CLAIMS"


class ClaimError(AssertionError):
    """A statement of the text does not hold for the computed result (strict mode only)."""


class Held:
    """Whether a claim held: true or false, and invisible as a cell's last value."""

    __slots__ = ("ok",)

    def __init__(self, ok: bool) -> None:
        self.ok = ok

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return f"Held({self.ok})"

    def _ipython_display_(self) -> None:  # IPython shows nothing for a claim ending a cell
        return None


def strict() -> bool:
    """True when claims fail loudly (CI and the test run set WI_STRICT_CLAIMS=1)."""
    return os.environ.get(STRICT_ENV, "").strip().lower() not in ("", "0", "false", "no")


def claim(holds, statement: str, *, found: str = "", setting: str = "") -> Held:
    """Check one statement of the text: raise in strict mode, print one line otherwise.

    holds:     the computed truth of the statement (a bool or a NumPy bool).
    statement: what the text says, in its words ("E[h_10^2] stays within 20 % of 1").
    found:     what was computed, for the message ("E[h_10^2] = 0.61").
    setting:   the setting the text describes ("width 256, seed 0"); blank for "the setting".
    """
    if not isinstance(statement, str) or not statement.strip():
        raise ValueError("claim: statement must be a non-empty string saying what the text "
                         f"states, got {statement!r}")
    try:
        ok = bool(holds)
    except (TypeError, ValueError) as exc:  # an array of several values has no single truth
        raise TypeError("claim: holds must be one truth value (use np.all(...) or np.any(...) "
                        f"for an array), got {type(holds).__name__}") from exc
    if ok:
        return Held(True)
    if strict():
        detail = f" (found: {found})" if found else ""
        where = f" [setting: {setting}]" if setting else ""
        raise ClaimError(f"The text states: {statement}{detail}{where}")
    described = setting if setting else "another setting"
    result = found if found else f"this no longer holds: {statement}"
    print(f"The text above describes {described}; with your settings {result}.")
    return Held(False)
