"""Numerics of notebook 02 (the logistic's saturation); pure NumPy.

* `second_moment_parts`: E[h^2] split into Var[h] + E[h]^2, the split that matters for the
  logistic, whose mean is about 0.5.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..stats import moments


@dataclass(frozen=True)
class SecondMomentParts:
    """E[h^2] = Var[h] + E[h]^2, the three numbers of one array."""

    mean: float
    var: float
    m2: float

    @property
    def mean_share(self) -> float:
        """Fraction of the second moment that is the squared mean, E[h]^2 / E[h^2]."""
        return self.mean ** 2 / self.m2 if self.m2 > 0 else 0.0


def second_moment_parts(h: np.ndarray) -> SecondMomentParts:
    """Mean, variance and second moment E[h^2] of all entries of h (finite values required)."""
    arr = np.asarray(h)
    if arr.size == 0 or not np.issubdtype(arr.dtype, np.number):
        raise ValueError(f"h must be a non-empty numeric array, got shape {arr.shape} dtype {arr.dtype}")
    mean, std, m2 = moments(arr)
    if not math.isfinite(m2):
        raise ValueError("h must hold finite values (found inf or nan)")
    return SecondMomentParts(mean=mean, var=std * std, m2=m2)
