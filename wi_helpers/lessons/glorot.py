"""The Glorot derivation's own numerics, for notebook 04 (04_glorot_derivation.ipynb); pure NumPy.

* `product_variance` / `sample_product`: Var[w x] for independent factors, formula and
  samples (the first step of Glorot & Bengio's derivation).
* `quarter_circle_mean`: the mean singular value of a large square Gaussian matrix.

The frameworks' conventions the notebook names (PyTorch's and Keras's defaults) are in
`wi_helpers.conventions`.
"""
from __future__ import annotations

import math

import numpy as np

from ..validation import check_int, check_real, check_rng


def product_variance(w_var: float, x_var: float, *, w_mean: float = 0.0,
                     x_mean: float = 0.0) -> float:
    """Var[w x] for independent w and x: Var[w]Var[x] + Var[w]E[x]^2 + Var[x]E[w]^2."""
    w_var = check_real("w_var", w_var, min=0)
    x_var = check_real("x_var", x_var, min=0)
    w_mean, x_mean = check_real("w_mean", w_mean), check_real("x_mean", x_mean)
    return w_var * x_var + w_var * x_mean ** 2 + x_var * w_mean ** 2


def sample_product(n: int, *, w_var: float, x_var: float, rng: np.random.Generator,
                   w_mean: float = 0.0, x_mean: float = 0.0) -> np.ndarray:
    """n samples of w * x with w uniform (like a weight init) and x normal, independent."""
    n = check_int("n", n, min=1)
    w_var = check_real("w_var", w_var, min=0)
    x_var = check_real("x_var", x_var, min=0)
    w_mean, x_mean = check_real("w_mean", w_mean), check_real("x_mean", x_mean)
    rng = check_rng("rng", rng)
    a = math.sqrt(3.0 * w_var)  # U(-a, a) has variance a^2 / 3
    w = w_mean + rng.uniform(-a, a, n)
    x = x_mean + math.sqrt(x_var) * rng.standard_normal(n)
    return w * x


# ------------------------------------------------------------------ Jacobians


def quarter_circle_mean(sigma: float) -> float:
    """Mean singular value of a large n x n matrix of iid zero-mean entries with variance sigma^2/n.

    The singular values follow the quarter-circle law on [0, 2 sigma], whose mean is
    8 sigma / (3 pi) (about 0.85 sigma).
    """
    sigma = check_real("sigma", sigma, min=0)
    return 8.0 * sigma / (3.0 * math.pi)
