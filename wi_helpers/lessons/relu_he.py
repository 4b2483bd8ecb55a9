"""ReLU and He/Kaiming, for notebook 07 (07_relu_he_frameworks.ipynb); pure NumPy.

* gains by criterion: `second_moment_gain`, `variance_gain`, `slope_gain`,
  `edge_of_chaos_gain` and `gains_table` (each criterion against `calculate_gain`);
* `telescoping_ratio`: the drift n_0 / n_L of the direction a fan mode does not keep;
* 1-D convolutions with circular padding, `conv1d` and `conv_transpose1d` (weights in
  PyTorch's layouts), and `conv_stack_m2`, E[h_l^2] of a ReLU convolution stack.

The frameworks' conventions (gains, fans, truncated normals, defaults) are in
`wi_helpers.conventions`.
"""
from __future__ import annotations

import math
from typing import Callable, Sequence

import numpy as np

from ..activations import ACTIVATIONS
from ..conventions import calculate_gain
from ..theory import critical_sigma_w2, gaussian_expectation
from ..validation import check_choice, check_int, check_rng

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


def second_moment_gain(f: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 E[f(u)^2] = 1, u ~ N(0,1): the unit-input second moment kept."""
    return float(1.0 / np.sqrt(_e1(lambda x: f(x) ** 2)))


def variance_gain(f: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 Var[f(u)] = 1, u ~ N(0,1): the unit-input variance kept."""
    m1 = _e1(f)
    return float(1.0 / np.sqrt(_e1(lambda x: f(x) ** 2) - m1 ** 2))


def slope_gain(fprime: Callable[[np.ndarray], np.ndarray]) -> float:
    """Gain g with g^2 E[f'(u)^2] = 1 at unit input (criticality chi_1 = 1 at q = 1)."""
    return float(1.0 / np.sqrt(_e1(lambda x: fprime(x) ** 2)))


def edge_of_chaos_gain(name: str) -> float:
    """Gain with chi_1 = 1 at the fixed point q* (sigma_b = 0), by the mean field; nan if none."""
    if name not in ACTIVATIONS:
        return float("nan")  # selu is not one of the series' activations
    try:
        return math.sqrt(critical_sigma_w2(name))
    except ValueError:  # chi_1 - 1 never changes sign on the bracket
        return float("nan")


def gains_table() -> list[dict[str, object]]:
    """Per activation: the gains four criteria give (by quadrature) and calculate_gain's value."""
    return [dict(activation=name, second_moment=second_moment_gain(f),
                 variance=variance_gain(f), slope=slope_gain(fp),
                 edge=edge_of_chaos_gain(name), torch=calculate_gain(name))
            for name, (f, fp) in GAIN_ACTIVATIONS.items()]


def telescoping_ratio(sizes: Sequence[int]) -> float:
    """Product over layers of fan_in/fan_out = n_0 / n_L: the drift of the direction not kept."""
    if isinstance(sizes, (str, bytes)) or len(sizes) < 2:
        raise ValueError(f"sizes must list at least two widths, got {sizes!r}")
    sizes = [check_int(f"sizes[{i}]", s, min=1) for i, s in enumerate(sizes)]
    return float(np.prod([a / b for a, b in zip(sizes[:-1], sizes[1:])]))


def _check_conv(x: np.ndarray, W: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    x, W = np.asarray(x, dtype=np.float64), np.asarray(W, dtype=np.float64)
    if x.ndim != 3 or W.ndim != 3 or W.shape[axis] != x.shape[1]:
        raise ValueError(f"need x (batch, c_in, n) and W with c_in on axis {axis}, "
                         f"got x {x.shape} and W {W.shape}")
    return x, W


def conv1d(x: np.ndarray, W: np.ndarray) -> np.ndarray:
    """1-D convolution, circular: x (batch, c_in, n), W (c_out, c_in, k) -> (batch, c_out, n)."""
    x, W = _check_conv(x, W, 1)
    k = W.shape[2]
    # im2col: cols[b, c, t, j] = x[b, c, (t + j - k//2) mod n]; circular, so every output
    # position sees exactly c_in * k inputs (no border effect on the variance).
    cols = np.stack([np.roll(x, k // 2 - j, axis=2) for j in range(k)], axis=-1)
    return np.einsum("bctj,ocj->bot", cols, W)


def conv_transpose1d(x: np.ndarray, W: np.ndarray, stride: int = 1) -> np.ndarray:
    """Transposed 1-D convolution, circular: x (batch, c_in, n), W (c_in, c_out, k) as in
    torch's ConvTranspose1d -> (batch, c_out, stride * n); input t scatters W[:, :, j] onto
    output stride * t + j - k//2."""
    x, W = _check_conv(x, W, 0)
    stride = check_int("stride", stride, min=1)
    batch, _, n = x.shape
    k, m = W.shape[2], stride * x.shape[2]
    out = np.zeros((batch, W.shape[1], m))
    for j in range(k):
        positions = (stride * np.arange(n) + j - k // 2) % m
        np.add.at(out, (slice(None), slice(None), positions),
                  np.einsum("bct,co->bot", x, W[:, :, j]))
    return out


def conv_stack_m2(channels: Sequence[int], k: int, fan: str, *, batch: int, length: int,
                  rng: np.random.Generator) -> np.ndarray:
    """E[h_l^2] of a ReLU 1-D conv stack, He std with fan 'fan_in' (c_in k), 'fan_out'
    (c_out k) or 'c_in'."""
    channels = [check_int(f"channels[{i}]", c, min=1) for i, c in enumerate(channels)]
    k = check_int("k", k, min=1)
    fan = check_choice("fan", fan, ("fan_in", "fan_out", "c_in"))
    batch, length = check_int("batch", batch, min=1), check_int("length", length, min=1)
    rng = check_rng("rng", rng)
    h = rng.standard_normal((batch, channels[0], length))
    out = []
    for c_in, c_out in zip(channels[:-1], channels[1:]):
        n = {"fan_in": c_in * k, "fan_out": c_out * k, "c_in": c_in}[fan]
        W = rng.normal(0.0, math.sqrt(2.0 / n), (c_out, c_in, k))
        h = np.maximum(conv1d(h, W), 0.0)
        out.append(float(np.mean(h ** 2)))
    return np.array(out)
