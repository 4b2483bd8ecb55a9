"""Small computations notebook 07 shows (ReLU, He/Kaiming, framework defaults): pure NumPy."""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from wi_helpers.theory import gaussian_expectation

# torch.nn.init.calculate_gain values as stated in PyTorch's torch/nn/init.py (used when torch is absent).
STATED_TORCH_GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0),
                      "selu": 3.0 / 4.0}
# Keras VarianceScaling(truncated_normal): std of N(0,1) cut at +-2, the constant in its source.
KERAS_TRUNC_CONSTANT = 0.87962566103423978


def _check_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def leaky_gain(a: float) -> float:
    """He's gain for leaky ReLU / PReLU with negative slope a: sqrt(2 / (1 + a^2))."""
    a = float(a)
    if not np.isfinite(a) or a < 0:
        raise ValueError(f"a (negative slope) must be finite and >= 0, got {a!r}")
    return math.sqrt(2.0 / (1.0 + a * a))


def second_moment_gain(f: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 E[f(u)^2] = 1, u ~ N(0,1): the unit-input second moment kept."""
    return float(1.0 / np.sqrt(gaussian_expectation(lambda x: f(x) ** 2, 1.0)))


def slope_gain(fprime: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 E[f'(u)^2] = 1 at unit input (criticality chi_1 = 1 at q = 1)."""
    return float(1.0 / np.sqrt(gaussian_expectation(lambda x: fprime(x) ** 2, 1.0)))


def torch_gain(name: str) -> tuple[float, str]:
    """calculate_gain(name) from torch when importable, else the stated value; and which source."""
    try:
        import torch.nn.init as tinit  # noqa: PLC0415 - optional, never a dependency
        return float(tinit.calculate_gain(name)), "torch"
    except ImportError:
        return STATED_TORCH_GAINS[name], "stated"


def torch_linear_default_var(fan_in: int) -> float:
    """Variance of nn.Linear's default kaiming_uniform_(a=sqrt 5): U[-1/sqrt n, 1/sqrt n] -> 1/(3n)."""
    n = _check_int("fan_in", fan_in)
    gain = math.sqrt(2.0 / (1.0 + 5.0))      # calculate_gain('leaky_relu', sqrt 5)
    bound = gain * math.sqrt(3.0 / n)        # kaiming_uniform_: bound = sqrt(3) * gain / sqrt(fan)
    return bound ** 2 / 3.0


def conv_fans(c_out: int, c_in: int, k: int, groups: int = 1) -> tuple[int, int]:
    """(fan_in, fan_out) of a conv weight (c_out, c_in/groups, k, k) as torch computes them."""
    c_out, c_in, k, groups = (_check_int(n, v) for n, v in
                              (("c_out", c_out), ("c_in", c_in), ("k", k), ("groups", groups)))
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups={groups} must divide c_in={c_in} and c_out={c_out}")
    # torch: fan_in = size(1) * receptive, fan_out = size(0) * receptive, size(1) = c_in / groups
    return (c_in // groups) * k * k, c_out * k * k


def fan_from_shape(shape: Sequence[int], layout: str) -> tuple[int, int]:
    """(fan_in, fan_out) a library reads from a 2-D weight shape: 'numpy'/'keras' (in, out), 'torch' (out, in)."""
    if len(shape) != 2:
        raise ValueError(f"shape must be 2-D, got {tuple(shape)!r}")
    if layout in ("numpy", "keras"):
        return int(shape[0]), int(shape[1])
    if layout == "torch":
        return int(shape[1]), int(shape[0])
    raise ValueError(f"layout must be 'numpy', 'keras' or 'torch', got {layout!r}")


def telescoping_ratio(sizes: Sequence[int]) -> float:
    """Product over layers of fan_in/fan_out = n_0 / n_L: the drift of the direction not kept."""
    sizes = [_check_int("sizes entry", s) for s in sizes]
    return float(np.prod([a / b for a, b in zip(sizes[:-1], sizes[1:])]))


def truncated_std(a: float, b: float) -> float:
    """Std of N(0,1) truncated to [a, b], computed in closed form."""
    from math import erf, exp, pi, sqrt
    if not a < b:
        raise ValueError(f"need a < b, got a={a!r}, b={b!r}")
    phi = lambda x: exp(-x * x / 2) / sqrt(2 * pi)  # noqa: E731
    Phi = lambda x: 0.5 * (1 + erf(x / sqrt(2)))    # noqa: E731
    Z = Phi(b) - Phi(a)
    mean = (phi(a) - phi(b)) / Z
    var = 1 + (a * phi(a) - b * phi(b)) / Z - mean ** 2
    return math.sqrt(var)


def sample_truncated(std: float, a: float, b: float, size: int, *, rng: np.random.Generator) -> np.ndarray:
    """torch-style trunc_normal_: N(0, std^2) redrawn until inside the absolute bounds [a, b]."""
    size = _check_int("size", size)
    out = np.empty(0)
    while out.size < size:
        x = rng.normal(0.0, std, 2 * size)
        out = np.concatenate([out, x[(x >= a) & (x <= b)]])
    return out[:size]
