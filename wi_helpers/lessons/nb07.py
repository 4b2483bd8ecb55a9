"""Small computations notebook 07 shows (ReLU, He/Kaiming, framework defaults): pure NumPy."""
from __future__ import annotations

import importlib
import math
from typing import Callable, Sequence

import numpy as np

from ..activations import ACTIVATIONS
from ..validation import check_int
from ..theory import critical_sigma_w2, gaussian_expectation

# torch.nn.init.calculate_gain values as stated in PyTorch's torch/nn/init.py (used when torch is absent).
STATED_TORCH_GAINS = {"linear": 1.0, "sigmoid": 1.0, "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0),
                      "selu": 3.0 / 4.0}
# Keras VarianceScaling(truncated_normal): std of N(0,1) cut at +-2, the constant in its source.
KERAS_TRUNC_CONSTANT = 0.87962566103423978


def leaky_gain(a: float) -> float:
    """He's gain for leaky ReLU / PReLU with negative slope a: sqrt(2 / (1 + a^2))."""
    a = float(a)
    if not np.isfinite(a) or a < 0:
        raise ValueError(f"a (negative slope) must be finite and >= 0, got {a!r}")
    return math.sqrt(2.0 / (1.0 + a * a))


def second_moment_gain(f: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 E[f(u)^2] = 1, u ~ N(0,1): the unit-input second moment kept."""
    return float(1.0 / np.sqrt(_e1(lambda x: f(x) ** 2)))


def slope_gain(fprime: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 E[f'(u)^2] = 1 at unit input (criticality chi_1 = 1 at q = 1)."""
    return float(1.0 / np.sqrt(_e1(lambda x: fprime(x) ** 2)))


def torch_gain(name: str) -> tuple[float, str]:
    """calculate_gain(name) from torch when importable, else the stated value; and which source."""
    try:
        # optional, never a dependency: imported by name so that no static import lists torch
        tinit = importlib.import_module("torch.nn.init")
        return float(tinit.calculate_gain(name)), "torch"
    except ImportError:
        return STATED_TORCH_GAINS[name], "stated"


def torch_linear_default_var(fan_in: int) -> float:
    """Variance of nn.Linear's default kaiming_uniform_(a=sqrt 5): U[-1/sqrt n, 1/sqrt n] -> 1/(3n)."""
    n = check_int("fan_in", fan_in, min=1)
    gain = math.sqrt(2.0 / (1.0 + 5.0))      # calculate_gain('leaky_relu', sqrt 5)
    bound = gain * math.sqrt(3.0 / n)        # kaiming_uniform_: bound = sqrt(3) * gain / sqrt(fan)
    return bound ** 2 / 3.0


def conv_fans(c_out: int, c_in: int, k: int, groups: int = 1) -> tuple[int, int]:
    """(fan_in, fan_out) of a conv weight (c_out, c_in/groups, k, k) as torch computes them."""
    c_out, c_in, k, groups = (check_int(n, v, min=1) for n, v in
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
    sizes = [check_int("sizes entry", s, min=1) for s in sizes]
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
    size = check_int("size", size, min=1)
    out = np.empty(0)
    while out.size < size:
        x = rng.normal(0.0, std, 2 * size)
        out = np.concatenate([out, x[(x >= a) & (x <= b)]])
    return out[:size]


# SELU's constants (Klambauer et al. 2017), for the gains table only.
SELU_ALPHA, SELU_LAMBDA = 1.6732632423543772, 1.0507009873554805


def _selu(x: np.ndarray) -> np.ndarray:
    return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _selu_d(x: np.ndarray) -> np.ndarray:
    return SELU_LAMBDA * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)))


def _sig(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# (f, f') of each activation calculate_gain names, for the quadrature criteria.
GAIN_ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "linear": (lambda x: x, lambda x: np.ones_like(x)),
    "sigmoid": (_sig, lambda x: _sig(x) * (1.0 - _sig(x))),
    "tanh": (np.tanh, lambda x: 1.0 - np.tanh(x) ** 2),
    "relu": (lambda x: np.maximum(x, 0.0), lambda x: (x > 0).astype(np.float64)),
    "selu": (_selu, _selu_d),
}


def _e1(f: Callable[[np.ndarray], np.ndarray]) -> float:
    # E[f(u)], u ~ N(0, 1), by the series' own quadrature (exact at ReLU's kink: panels meet at 0)
    return float(gaussian_expectation(f, 1.0))


def variance_gain(f: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 Var[f(u)] = 1, u ~ N(0,1): the unit-input variance (not second moment) kept."""
    m1 = _e1(f)
    return float(1.0 / np.sqrt(_e1(lambda x: f(x) ** 2) - m1 ** 2))


def edge_of_chaos_gain(name: str) -> float:
    """Gain with chi_1 = 1 at the fixed point q* (sigma_b = 0), by the series' mean field; nan if none."""
    if name not in ACTIVATIONS:
        return float("nan")  # selu is not one of the series' activations
    try:
        return math.sqrt(critical_sigma_w2(name))
    except ValueError:  # chi_1 - 1 never changes sign on the bracket
        return float("nan")


def gains_table() -> list[dict[str, object]]:
    """Per activation: the gains four criteria give (by quadrature) and calculate_gain's value."""
    rows = []
    for name, (f, fp) in GAIN_ACTIVATIONS.items():
        torch_value, source = torch_gain(name)
        rows.append(dict(activation=name, second_moment=second_moment_gain(f),
                         variance=variance_gain(f), slope=slope_gain(fp),
                         edge=edge_of_chaos_gain(name), torch=torch_value, source=source))
    return rows


def he_std(fan_in: int, fan_out: int, *, mode: str = "fan_in", a: float = 0.0) -> float:
    """He/Kaiming normal std sqrt(2/((1 + a^2) fan)) with fan = fan_in or fan_out (torch's mode)."""
    fan_in, fan_out = check_int("fan_in", fan_in, min=1), check_int("fan_out", fan_out, min=1)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return leaky_gain(a) / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def conv1d(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """1-D convolution with circular padding: x (batch, c_in, n), W (c_out, c_in, k) -> (batch, c_out, n)."""
    x, W = np.asarray(x, dtype=np.float64), np.asarray(W, dtype=np.float64)
    if x.ndim != 3 or W.ndim != 3 or W.shape[1] != x.shape[1]:
        raise ValueError(f"need x (batch, c_in, n) and W (c_out, c_in, k) with equal c_in, "
                         f"got x {x.shape} and W {W.shape}")
    k = W.shape[2]
    # im2col: cols[b, c, t, j] = x[b, c, (t + j - k//2) mod n]; circular, so every output
    # position sees exactly c_in * k inputs (no border effect on the variance).
    cols = np.stack([np.roll(x, k // 2 - j, axis=2) for j in range(k)], axis=-1)
    return np.einsum("bctj,ocj->bot", cols, W)


def conv_stack_m2(channels: Sequence[int], k: int, fan: str, *, batch: int, length: int,
                  rng: np.random.Generator) -> np.ndarray:
    """E[h_l^2] of a ReLU 1-D conv stack, He std with fan 'fan_in' (c_in k), 'fan_out' (c_out k) or 'c_in'."""
    channels = [check_int("channels entry", c, min=1) for c in channels]
    k = check_int("k", k, min=1)
    if fan not in ("fan_in", "fan_out", "c_in"):
        raise ValueError(f"fan must be 'fan_in', 'fan_out' or 'c_in', got {fan!r}")
    h = rng.standard_normal((check_int("batch", batch, min=1), channels[0], check_int("length", length, min=1)))
    out = []
    for c_in, c_out in zip(channels[:-1], channels[1:]):
        n = {"fan_in": c_in * k, "fan_out": c_out * k, "c_in": c_in}[fan]
        W = rng.normal(0.0, math.sqrt(2.0 / n), (c_out, c_in, k))
        h = np.maximum(conv1d(h, W), 0.0)
        out.append(float(np.mean(h ** 2)))
    return np.array(out)
