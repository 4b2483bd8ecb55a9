"""Numerics for notebooks 03 (tanh's zero mean) and 04 (the Glorot derivation); pure NumPy.

* `CENTRED_SIGMOID`: sigma(x) - 1/2, the logistic shifted to zero mean (an `Activation`,
  usable as `MLP(..., activation=CENTRED_SIGMOID)`).
* `product_variance` / `sample_product`: Var[w x] for independent factors, formula and
  samples (the first step of Glorot & Bengio's derivation).
* `single_signed_fraction` / `per_example_single_signed`: the zig-zag argument, how often
  all weight gradients into a unit share one sign.
* `zigzag_sgd`: SGD on one linear unit with all-positive or centred inputs.
* `quarter_circle_mean`: the mean singular value of a large square Gaussian matrix;
* Framework conventions restated from their source, computed here without importing them:
  `torch_calculate_gain`, `torch_fans`, `torch_kaiming_uniform_bound`,
  `truncated_normal_std` (Keras's 0.87962566103423978).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .activations import Activation, _sigmoid
from .init import _check_positive_number
from .mlp import MLP, Gradients

# ------------------------------------------------------------------ centred sigmoid


def _centred_sigmoid(z: np.ndarray) -> np.ndarray:
    return _sigmoid(z) - 0.5


def _centred_sigmoid_d(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


# h = sigma - 1/2, so sigma (1 - sigma) = (1/2 + h)(1/2 - h) = 1/4 - h^2.
CENTRED_SIGMOID = Activation("centred_sigmoid", _centred_sigmoid, _centred_sigmoid_d,
                             lambda z, h: 0.25 - h * h, 0.5)


# ------------------------------------------------------------------ Var[w x]


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return v


def _positive_int(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
                        f"got {type(rng).__name__}")
    return rng


def product_variance(w_var: float, x_var: float, *, w_mean: float = 0.0,
                     x_mean: float = 0.0) -> float:
    """Var[w x] for independent w and x: Var[w]Var[x] + Var[w]E[x]^2 + Var[x]E[w]^2."""
    w_var = _check_positive_number("w_var", w_var)
    x_var = _check_positive_number("x_var", x_var)
    w_mean, x_mean = _finite("w_mean", w_mean), _finite("x_mean", x_mean)
    return w_var * x_var + w_var * x_mean ** 2 + x_var * w_mean ** 2


def sample_product(n: int, *, w_var: float, x_var: float, rng: np.random.Generator,
                   w_mean: float = 0.0, x_mean: float = 0.0) -> np.ndarray:
    """n samples of w * x with w uniform (like a weight init) and x normal, independent."""
    n = _positive_int("n", n)
    w_var = _check_positive_number("w_var", w_var)
    x_var = _check_positive_number("x_var", x_var)
    w_mean, x_mean = _finite("w_mean", w_mean), _finite("x_mean", x_mean)
    rng = _check_rng(rng)
    a = math.sqrt(3.0 * w_var)  # U(-a, a) has variance a^2 / 3
    w = w_mean + rng.uniform(-a, a, n)
    x = x_mean + math.sqrt(x_var) * rng.standard_normal(n)
    return w * x


# ------------------------------------------------------------------ zig-zag


def single_signed_fraction(grad_W: np.ndarray) -> float:
    """Fraction of columns j of a (fan_in, fan_out) weight gradient whose entries share one sign.

    Column j holds dL/dW[:, j], the gradients of all the weights into unit j. Zero entries
    count as either sign (a column of zeros is single-signed).
    """
    g = np.asarray(grad_W)
    if g.ndim != 2 or g.size == 0 or not np.issubdtype(g.dtype, np.number):
        raise ValueError(f"grad_W must be a non-empty 2-D numeric array (fan_in, fan_out), "
                         f"got shape {g.shape} dtype {g.dtype}")
    if not np.isfinite(g).all():
        raise ValueError("grad_W must hold finite values (found inf or nan)")
    one_sign = np.all(g >= 0, axis=0) | np.all(g <= 0, axis=0)
    return float(np.mean(one_sign))


def per_example_single_signed(net: MLP, grads: Gradients) -> np.ndarray:
    """Single-signed fraction of each layer's weight gradient, one example at a time.

    `grads` is what `net.backward(...)` returned after `net.forward(X)`; the result is an
    array (n_examples, L). For example i the weight gradient of layer l is the outer product
    h_{l-1}[i] (dL/dz_l[i]), exactly what `net.backward` gives for that example alone.
    """
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    if not isinstance(grads, Gradients):
        raise TypeError(f"grads must be the Gradients returned by net.backward, "
                        f"got {type(grads).__name__}")
    if net.h is None or len(grads.z) != net.depth or grads.z[0].shape[0] != net.h[0].shape[0]:
        raise ValueError("grads must come from net.backward after the last net.forward(X)")
    n = net.h[0].shape[0]
    out = np.zeros((n, net.depth))
    for l in range(net.depth):
        h_prev, gz = net.h[l], grads.z[l]
        # Column j of example i is h_prev[i] * gz[i, j]: single-signed iff h_prev[i] has one
        # sign (or gz[i, j] = 0), so no (n, fan_in, fan_out) array needs to be formed.
        one_sign_h = np.all(h_prev >= 0, axis=1) | np.all(h_prev <= 0, axis=1)
        out[:, l] = (one_sign_h[:, None] | (gz == 0)).mean(axis=1)
    return out


@dataclass(frozen=True)
class SGDPath:
    """Weights of one linear unit along an SGD run (row t = after t updates) and its target."""

    w: np.ndarray          # (n_steps + 1, d)
    w_star: np.ndarray     # (d,)
    same_sign: np.ndarray  # (n_steps,) True when every component of the update has the same strict sign

    @property
    def distance(self) -> np.ndarray:
        """||w_t - w*|| for t = 0..n_steps."""
        return np.linalg.norm(self.w - self.w_star, axis=1)

    def steps_to(self, tol: float) -> int | None:
        """First t with ||w_t - w*|| < tol, or None if the run never gets there."""
        hit = np.flatnonzero(self.distance < tol)
        return int(hit[0]) if hit.size else None


INPUT_KINDS = ("positive", "centred")


def zigzag_sgd(w_star: Sequence[float], *, inputs: str, n_steps: int, lr: float,
               rng: np.random.Generator) -> SGDPath:
    """SGD from w = 0 on one linear unit y = w . h, squared loss, one example per step.

    inputs="positive": h ~ U(0, 1)^d, all positive like logistic outputs; inputs="centred":
    h ~ U(-1, 1)^d, zero mean like tanh outputs. Both have the same second moment
    E[h_i^2] = 1/3, so the same learning rate is a fair comparison. Targets come from the
    teacher y = w* . h; the update is -lr (w . h - y) h, which for positive h moves every
    weight in the same direction.
    """
    w_star = np.asarray(w_star, dtype=np.float64)
    if w_star.ndim != 1 or w_star.size < 2 or not np.isfinite(w_star).all():
        raise ValueError(f"w_star must be a 1-D sequence of at least 2 finite numbers, got {w_star!r}")
    if inputs not in INPUT_KINDS:
        raise ValueError(f"inputs must be one of {INPUT_KINDS}, got {inputs!r}")
    n_steps = _positive_int("n_steps", n_steps)
    lr = _check_positive_number("lr", lr, allow_zero=False)
    rng = _check_rng(rng)
    d = w_star.size
    H = rng.uniform(0.0, 1.0, (n_steps, d)) if inputs == "positive" else \
        rng.uniform(-1.0, 1.0, (n_steps, d))
    w = np.zeros((n_steps + 1, d))
    same = np.zeros(n_steps, dtype=bool)
    for t in range(n_steps):
        h = H[t]
        step = -lr * float((w[t] - w_star) @ h) * h
        w[t + 1] = w[t] + step
        same[t] = bool(np.all(step > 0) or np.all(step < 0))
    return SGDPath(w=w, w_star=w_star, same_sign=same)


# ------------------------------------------------------------------ Jacobians


def quarter_circle_mean(sigma: float) -> float:
    """Mean singular value of a large n x n matrix of iid zero-mean entries with variance sigma^2/n.

    The singular values follow the quarter-circle law on [0, 2 sigma], whose mean is
    8 sigma / (3 pi) (about 0.85 sigma).
    """
    sigma = _check_positive_number("sigma", sigma)
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
        slope = 0.01 if param is None else _finite("param", param)
        return math.sqrt(2.0 / (1.0 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; allowed: "
                     f"{', '.join(_TORCH_GAIN_ONE + ('tanh', 'relu', 'leaky_relu', 'selu'))}")


def torch_fans(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) as PyTorch computes them for a weight of this shape, laid out (out, in, ...)."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (Sequence, np.ndarray)):
        raise TypeError(f"shape must be a sequence of sizes such as (256, 784), got {shape!r}")
    shape = [_positive_int(f"shape[{i}]", s) for i, s in enumerate(shape)]
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
    c = _check_positive_number("cut", cut, allow_zero=False)
    pdf = math.exp(-0.5 * c * c) / math.sqrt(2.0 * math.pi)
    mass = math.erf(c / math.sqrt(2.0))  # P(|u| <= c)
    return math.sqrt(1.0 - 2.0 * c * pdf / mass)
