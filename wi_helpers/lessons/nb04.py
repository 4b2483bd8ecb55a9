"""Numerics of notebook 04 (the Glorot derivation); pure NumPy.

* `product_variance` / `sample_product`: Var[w x] for independent factors, formula and
  samples (the first step of Glorot & Bengio's derivation).
* `quarter_circle_mean`: the mean singular value of a large square Gaussian matrix.
* Framework conventions restated from their source, computed here without importing them:
  `torch_calculate_gain`, `torch_fans`, `torch_kaiming_uniform_bound`,
  `truncated_normal_std` (Keras's 0.87962566103423978).
"""
from __future__ import annotations

import math
from typing import Sequence

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


# ------------------------------------------------------------------ framework conventions

_TORCH_GAIN_ONE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                   "conv_transpose2d", "conv_transpose3d", "sigmoid")


def torch_calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The value of PyTorch's `torch.nn.init.calculate_gain` (restated from its source)."""
    if not isinstance(nonlinearity, str):
        raise TypeError(f"nonlinearity must be a string, got {type(nonlinearity).__name__}")
    if nonlinearity in _TORCH_GAIN_ONE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else check_real("param", param)
        return math.sqrt(2.0 / (1.0 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; allowed: "
                     f"{', '.join(_TORCH_GAIN_ONE + ('tanh', 'relu', 'leaky_relu', 'selu'))}")


def torch_fans(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) as PyTorch computes them for a weight of this shape, laid out (out, in, ...)."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (Sequence, np.ndarray)):
        raise TypeError(f"shape must be a sequence of sizes such as (256, 784), got {shape!r}")
    shape = [check_int(f"shape[{i}]", s, min=1) for i, s in enumerate(shape)]
    if len(shape) < 2:
        raise ValueError(f"shape must have at least 2 dimensions, got {tuple(shape)}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def torch_kaiming_uniform_bound(shape: Sequence[int], *, a: float = 0.0, mode: str = "fan_in",
                                nonlinearity: str = "leaky_relu") -> float:
    """Bound b of U[-b, b] that PyTorch's `kaiming_uniform_` uses for a weight of this shape."""
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = torch_fans(shape)
    fan = fan_in if mode == "fan_in" else fan_out
    std = torch_calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return math.sqrt(3.0) * std


def truncated_normal_std(cut: float = 2.0) -> float:
    """Std of N(0, 1) truncated to [-cut, cut]; Keras divides by it (0.8796... for cut = 2)."""
    c = check_real("cut", cut, min=0, include_min=False)
    pdf = math.exp(-0.5 * c * c) / math.sqrt(2.0 * math.pi)
    mass = math.erf(c / math.sqrt(2.0))  # P(|u| <= c)
    return math.sqrt(1.0 - 2.0 * c * pdf / mass)
