"""Frameworks' initialization conventions, restated from their source (pure NumPy).

What PyTorch (`torch/nn/init.py`, `torch/nn/modules/linear.py`, `conv.py`) and Keras
(`keras/src/initializers/random_initializers.py`, its Dense and convolution layers) compute,
written out here so that notebooks 04 and 07 can show it without importing either library
(a notebook compares with the library itself, inside a claim, when it is importable):

* gains: `calculate_gain` (PyTorch's table), `leaky_gain` (He et al.'s eq. 15);
* fans: `weight_shape` (how each framework stores a dense, convolution or transposed
  convolution weight), `torch_fans` and `keras_fans` (what each reads from a shape),
  `connection_fans` (how many inputs really feed one output, and outputs one input feeds);
* truncated normals: `truncated_normal_std`, `torch_trunc_normal_std`,
  `trunc_normal_args` (the arguments that make torch's `trunc_normal_` hit a target std),
  `sample_trunc_normal`, Keras's constant `KERAS_TRUNCATION_STD`;
* initializers and defaults: `torch_kaiming_std`, `torch_xavier_std`, `torch_default_bounds`
  (nn.Linear / ConvNd / ConvTransposeNd), `keras_variance_scaling`, `KERAS_DEFAULTS`.

Names follow the frameworks (`nonlinearity`, `param`, `mode`, `a`, `b`); case is not
significant, as everywhere in this series. Booleans are refused where a number is expected.
"""
from __future__ import annotations

import importlib
import math
from dataclasses import dataclass
from types import ModuleType
from typing import Sequence

import numpy as np

from .validation import check_choice, check_int, check_real, check_rng

# ------------------------------------------------------------------ gains

# torch.nn.init.calculate_gain: these have gain 1 (sigmoid too, although its slope at 0 is 1/4)
GAIN_ONE = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
            "conv_transpose3d", "sigmoid")
NONLINEARITIES = GAIN_ONE + ("tanh", "relu", "leaky_relu", "selu")
TORCH_LEAKY_SLOPE = 0.01  # calculate_gain("leaky_relu") without param


def leaky_gain(slope: float) -> float:
    """He et al.'s gain sqrt(2 / (1 + slope^2)) for a leaky ReLU / PReLU of this negative slope."""
    a = check_real("slope", slope)
    return math.sqrt(2.0 / (1.0 + a * a))


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The value of PyTorch's `torch.nn.init.calculate_gain(nonlinearity, param)`."""
    name = check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    if name != "leaky_relu":
        if param is not None:
            raise ValueError(f"param is only used by nonlinearity 'leaky_relu' (its negative "
                             f"slope); got param={param!r} with {name!r}")
        return {"tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 0.75}.get(name, 1.0)
    slope = TORCH_LEAKY_SLOPE if param is None else check_real("param", param)
    return leaky_gain(slope)


# ------------------------------------------------------------------ layouts and fans

LAYERS = ("dense", "conv", "conv_transpose")
FRAMEWORKS = ("torch", "keras")
_LAYER_ALIASES = {"linear": "dense", "convolution": "conv", "transposed_conv": "conv_transpose",
                  "deconv": "conv_transpose"}


def _check_shape(shape: Sequence[int], min_ndim: int) -> tuple[int, ...]:
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (Sequence, np.ndarray)):
        raise TypeError(f"shape must be a sequence of sizes such as (256, 784), got {shape!r}")
    if len(shape) < min_ndim:
        raise ValueError(f"shape must have at least {min_ndim} dimensions, got {tuple(shape)}")
    return tuple(check_int(f"shape[{i}]", s, min=1) for i, s in enumerate(shape))


def _check_kernel(kernel: int | Sequence[int], layer: str) -> tuple[int, ...]:
    if layer == "dense":
        if kernel not in ((), None):
            raise ValueError(f"kernel is only used by convolutions; a dense layer has none, "
                             f"got kernel={kernel!r}")
        return ()
    if isinstance(kernel, (Sequence, np.ndarray)) and not isinstance(kernel, (str, bytes)):
        if len(kernel) == 0:
            raise ValueError("kernel must give the kernel size, e.g. 3 or (3, 3); got ()")
        return tuple(check_int(f"kernel[{i}]", k, min=1) for i, k in enumerate(kernel))
    return (check_int("kernel", kernel, min=1),)


def _check_layer(layer: str, n_in: int, n_out: int, kernel, groups: int):
    layer = check_choice("layer", layer, LAYERS, aliases=_LAYER_ALIASES)
    n_in, n_out = check_int("n_in", n_in, min=1), check_int("n_out", n_out, min=1)
    groups = check_int("groups", groups, min=1)
    if layer == "dense" and groups != 1:
        raise ValueError(f"groups is only used by convolutions, got groups={groups}")
    if n_in % groups or n_out % groups:
        raise ValueError(f"groups={groups} must divide n_in={n_in} and n_out={n_out}")
    return layer, n_in, n_out, _check_kernel(kernel, layer), groups


def weight_shape(framework: str, layer: str, n_in: int, n_out: int, *,
                 kernel: int | Sequence[int] = (), groups: int = 1) -> tuple[int, ...]:
    """The shape in which `framework` stores the weight of a layer from n_in to n_out channels.

    torch: Linear (out, in); ConvNd (out, in/groups, *kernel); ConvTransposeNd
    (in, out/groups, *kernel). keras: Dense (in, out); ConvND (*kernel, in/groups, out);
    ConvNDTranspose (*kernel, out, in) (Keras has no groups for transposed convolutions).
    """
    framework = check_choice("framework", framework, FRAMEWORKS)
    layer, n_in, n_out, kernel, groups = _check_layer(layer, n_in, n_out, kernel, groups)
    if framework == "torch":
        if layer == "dense":
            return (n_out, n_in)
        if layer == "conv":
            return (n_out, n_in // groups) + kernel
        return (n_in, n_out // groups) + kernel
    if layer == "conv_transpose" and groups != 1:
        raise ValueError("Keras's transposed convolutions have no groups; use groups=1")
    if layer == "dense":
        return (n_in, n_out)
    if layer == "conv":
        return kernel + (n_in // groups, n_out)
    return kernel + (n_out, n_in)


def torch_fans(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) as PyTorch's `_calculate_fan_in_and_fan_out` reads them from a shape:
    size(1) and size(0), each times the receptive field prod(shape[2:])."""
    shape = _check_shape(shape, 2)
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def keras_fans(shape: Sequence[int]) -> tuple[int, int]:
    """(fan_in, fan_out) as Keras's `compute_fans` reads them: shape[-2] and shape[-1] (each
    times the receptive field prod(shape[:-2])); a 1-D shape gives (n, n)."""
    shape = _check_shape(shape, 1)
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def connection_fans(layer: str, n_in: int, n_out: int, *, kernel: int | Sequence[int] = (),
                    groups: int = 1, stride: int | Sequence[int] = 1) -> tuple[float, float]:
    """(inputs that feed one output, outputs that one input feeds) in the layer itself.

    Averages over positions away from the borders. A convolution's output unit sums
    (n_in/groups) prod(kernel) inputs; a transposed convolution is the convolution's
    backward pass, so its counts are the convolution's with the two directions swapped, and
    a stride s spreads each input's kernel over s output positions per dimension.
    """
    layer, n_in, n_out, kernel, groups = _check_layer(layer, n_in, n_out, kernel, groups)
    if layer == "dense":
        if stride != 1:
            raise ValueError(f"stride is only used by convolutions, got stride={stride!r}")
        return float(n_in), float(n_out)
    strides = _check_kernel(stride, "conv")
    if len(strides) == 1:
        strides = strides * len(kernel)
    if len(strides) != len(kernel):
        raise ValueError(f"stride must have one entry per kernel dimension ({len(kernel)}), "
                         f"got stride={stride!r}")
    taps = math.prod(kernel)
    spread = math.prod(k / s for k, s in zip(kernel, strides))  # kernel taps per position
    if layer == "conv":
        return float(n_in // groups * taps), float(n_out // groups * spread)
    return float(n_in // groups * spread), float(n_out // groups * taps)


# ------------------------------------------------------------------ truncated normals

# Keras's source divides the target std by this literal: the std of N(0, 1) cut at +-2.
KERAS_TRUNCATION_STD = 0.87962566103423978


def _mass(a: float, b: float) -> float:
    # P(a <= u <= b), u ~ N(0, 1), without cancellation in either tail
    r = math.sqrt(2.0)
    if a >= 0:
        return 0.5 * (math.erfc(a / r) - math.erfc(b / r))
    if b <= 0:
        return 0.5 * (math.erfc(-b / r) - math.erfc(-a / r))
    return 1.0 - 0.5 * (math.erfc(-a / r) + math.erfc(b / r))


def truncated_normal_std(a: float, b: float) -> float:
    """Standard deviation of N(0, 1) truncated to [a, b] (closed form; a or b may be infinite)."""
    a = check_real("a", a, finite=False)
    b = check_real("b", b, finite=False)
    if not a < b:
        raise ValueError(f"need a < b, got a={a!r}, b={b!r}")
    z = _mass(a, b)
    if z < 1e-300:
        raise ValueError(f"[{a}, {b}] holds no measurable mass of N(0, 1)")

    def phi(x: float) -> float:  # the standard normal density, 0 at +-inf
        return 0.0 if math.isinf(x) else math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)

    def xphi(x: float) -> float:
        return 0.0 if math.isinf(x) else x * phi(x)

    mean = (phi(a) - phi(b)) / z
    return math.sqrt(max(1.0 + (xphi(a) - xphi(b)) / z - mean * mean, 0.0))


def _check_trunc(mean: float, std: float, a: float, b: float) -> tuple[float, float, float, float]:
    mean = check_real("mean", mean)
    std = check_real("std", std, min=0, include_min=False)
    a, b = check_real("a", a, finite=False), check_real("b", b, finite=False)
    if not a < b:
        raise ValueError(f"need a < b (absolute cut points), got a={a!r}, b={b!r}")
    return mean, std, a, b


def torch_trunc_normal_std(std: float = 1.0, a: float = -2.0, b: float = 2.0, *,
                           mean: float = 0.0) -> float:
    """Std of what torch's `trunc_normal_(t, mean, std, a, b)` draws: N(mean, std^2) cut at
    the *absolute* points a and b (not multiples of std), not rescaled."""
    mean, std, a, b = _check_trunc(mean, std, a, b)
    return std * truncated_normal_std((a - mean) / std, (b - mean) / std)


def trunc_normal_args(target_std: float, cut: float = 2.0) -> tuple[float, float, float]:
    """(std, a, b) for torch's `trunc_normal_` so that its draws are cut at +-cut of the
    distribution's own std and their std is `target_std` (Keras's recipe): first
    std = target / truncated_normal_std(-cut, cut), then a, b = -cut std, +cut std."""
    target = check_real("target_std", target_std, min=0, include_min=False)
    cut = check_real("cut", cut, min=0, include_min=False)
    std = target / truncated_normal_std(-cut, cut)
    return std, -cut * std, cut * std


def sample_trunc_normal(size: int, *, rng: np.random.Generator, mean: float = 0.0,
                        std: float = 1.0, a: float = -2.0, b: float = 2.0) -> np.ndarray:
    """`size` draws of N(mean, std^2) restricted to [a, b] (absolute), as torch's trunc_normal_."""
    size = check_int("size", size, min=1)
    mean, std, a, b = _check_trunc(mean, std, a, b)
    rng = check_rng("rng", rng)
    kept = _mass((a - mean) / std, (b - mean) / std)
    if kept < 1e-3:  # redrawing would take more than a thousand draws per value
        raise ValueError(f"[a, b] = [{a}, {b}] keeps only {kept:.1e} of N({mean}, {std}^2); "
                         "choose cut points nearer the mean")
    out = np.empty(0)
    while out.size < size:
        x = rng.normal(mean, std, int(1.2 * (size - out.size) / kept) + 16)
        out = np.concatenate([out, x[(x >= a) & (x <= b)]])
    return out[:size]


# ------------------------------------------------------------------ initializers and defaults

TORCH_MODES = ("fan_in", "fan_out")


def torch_kaiming_std(shape: Sequence[int], *, a: float = 0.0, mode: str = "fan_in",
                      nonlinearity: str = "leaky_relu") -> float:
    """Std of torch's `kaiming_normal_(t, a, mode, nonlinearity)` for a weight of this shape:
    calculate_gain(nonlinearity, a) / sqrt(fan), the fan read by `torch_fans`."""
    mode = check_choice("mode", mode, TORCH_MODES)  # torch lowers mode too
    a = check_real("a", a)
    name = check_choice("nonlinearity", nonlinearity, NONLINEARITIES)
    fan_in, fan_out = torch_fans(shape)
    gain = calculate_gain(name, a) if name == "leaky_relu" else calculate_gain(name)
    return gain / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def torch_xavier_std(shape: Sequence[int], *, gain: float = 1.0) -> float:
    """Std of torch's `xavier_normal_(t, gain)`: gain sqrt(2 / (fan_in + fan_out));
    `xavier_uniform_` draws U[-b, b] with b = sqrt(3) times this std."""
    gain = check_real("gain", gain, min=0)
    fan_in, fan_out = torch_fans(shape)
    return gain * math.sqrt(2.0 / (fan_in + fan_out))


def torch_default_bounds(layer: str, n_in: int, n_out: int, *, kernel: int | Sequence[int] = (),
                         groups: int = 1) -> tuple[float, float]:
    """(weight bound, bias bound) of the U[-b, b] that PyTorch's nn.Linear, ConvNd and
    ConvTransposeNd draw by default: kaiming_uniform_(a=sqrt 5) on the weight, i.e.
    sqrt(3) * sqrt(2/6) / sqrt(fan_in) = 1/sqrt(fan_in), and the bias 1/sqrt(fan_in), with
    fan_in read from the weight's own shape (for a transposed convolution: out/groups * k)."""
    shape = weight_shape("torch", layer, n_in, n_out, kernel=kernel, groups=groups)
    weight = math.sqrt(3.0) * torch_kaiming_std(shape, a=math.sqrt(5.0))
    return weight, 1.0 / math.sqrt(torch_fans(shape)[0])


KERAS_MODES = ("fan_in", "fan_out", "fan_avg")
KERAS_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


@dataclass(frozen=True)
class KerasDraw:
    """What Keras's VarianceScaling draws: the distribution, its parameter (the stddev given
    to the truncated or plain normal, or the uniform limit), the cut point and the std of
    the values drawn."""

    distribution: str
    param: float
    cut: float
    std: float


def keras_variance_scaling(shape: Sequence[int], *, scale: float = 1.0, mode: str = "fan_in",
                           distribution: str = "truncated_normal") -> KerasDraw:
    """What `keras.initializers.VarianceScaling(scale, mode, distribution)` draws for a
    kernel of this shape. "normal" means "truncated_normal", as in Keras: the stddev is
    sqrt(scale/n) / 0.8796..., cut at two of it, so that the values drawn have std sqrt(scale/n)."""
    scale = check_real("scale", scale, min=0, include_min=False)
    mode = check_choice("mode", mode, KERAS_MODES)
    distribution = check_choice("distribution", distribution, KERAS_DISTRIBUTIONS,
                                aliases={"normal": "truncated_normal"})
    fan_in, fan_out = keras_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    target = math.sqrt(scale / max(1.0, n))
    if distribution == "uniform":
        return KerasDraw("uniform", math.sqrt(3.0) * target, math.sqrt(3.0) * target, target)
    if distribution == "untruncated_normal":
        return KerasDraw(distribution, target, math.inf, target)
    param = target / KERAS_TRUNCATION_STD
    return KerasDraw(distribution, param, 2.0 * param,
                     param * truncated_normal_std(-2.0, 2.0))


# Keras layers' default initializers (kernel, bias), as their constructors state them.
KERAS_DEFAULTS = {
    "Dense": ("glorot_uniform", "zeros"),
    "Conv1D": ("glorot_uniform", "zeros"), "Conv2D": ("glorot_uniform", "zeros"),
    "Conv3D": ("glorot_uniform", "zeros"),
    "Conv1DTranspose": ("glorot_uniform", "zeros"), "Conv2DTranspose": ("glorot_uniform", "zeros"),
    "Conv3DTranspose": ("glorot_uniform", "zeros"),
}
# Keras's named initializers as VarianceScaling(scale, mode, distribution).
KERAS_INITIALIZERS = {
    "glorot_uniform": (1.0, "fan_avg", "uniform"),
    "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
    "he_uniform": (2.0, "fan_in", "uniform"),
    "he_normal": (2.0, "fan_in", "truncated_normal"),
    "lecun_uniform": (1.0, "fan_in", "uniform"),
    "lecun_normal": (1.0, "fan_in", "truncated_normal"),
}


def keras_initializer(name: str, shape: Sequence[int]) -> KerasDraw:
    """What Keras's named initializer ("glorot_uniform", "he_normal", ...) draws for this shape."""
    name = check_choice("name", name, tuple(KERAS_INITIALIZERS))
    scale, mode, distribution = KERAS_INITIALIZERS[name]
    return keras_variance_scaling(shape, scale=scale, mode=mode, distribution=distribution)


def optional_module(name: str) -> ModuleType | None:
    """The module `name` (e.g. "torch") when it is importable, else None (never a dependency)."""
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a module name such as 'torch', got {name!r}")
    try:
        return importlib.import_module(name)
    except ImportError:
        return None
