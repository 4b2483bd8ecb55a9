"""Parametrizations at width: the standard one (SP) and μP, from one table.

Tensor Programs V (Yang et al. 2022, arXiv 2203.03466), Table 3, for SGD: a layer's weights
have an init variance and a learning-rate multiplier that depend on its kind.

=========  ==============  ==================  ===============  ==================
layer      SP init var     SP lr multiplier    μP init var      μP lr multiplier
=========  ==============  ==================  ===============  ==================
input      1 / fan_in      1                   1 / fan_in       fan_out
hidden     1 / fan_in      1                   1 / fan_in       1
output     1 / fan_in      1                   1 / fan_in^2     1 / fan_in
=========  ==============  ==================  ===============  ==================

"input" is the first weight matrix (its fan_in is the data's dimension, fixed as the network
widens), "output" the readout (its fan_out is the number of outputs, fixed), "hidden" every
matrix between two widening layers. `layer_multipliers` is this table; `init_network` draws
from it, `sgd_step` scales each layer's learning rate by it, and `coordinate_check` measures
what it does. Everything is NumPy; the widths are the network's, with base width 1 (the
table as printed; microsoft/mup divides by a base width so that both agree at that width).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .activations import get_activation
from .validation import check_int, check_real

PARAMETRIZATIONS = ("sp", "mup")
LAYER_KINDS = ("input", "hidden", "output")
_ALIASES = {"sp": "sp", "standard": "sp", "mup": "mup", "μp": "mup", "mu_p": "mup"}


def canonical_parametrization(name: object) -> str:
    """"sp" or "mup" for a name of a parametrization (case-insensitive; "standard" is "sp")."""
    key = name.strip().lower() if isinstance(name, str) else None
    if key not in _ALIASES:
        raise ValueError(f"parametrization must be one of {PARAMETRIZATIONS} (or 'standard'), "
                         f"got {name!r}")
    return _ALIASES[key]


def layer_kind(l: int, depth: int) -> str:
    """The kind of weight matrix l (0-based) in a network of `depth` matrices."""
    depth = check_int("depth", depth, min=2)
    l = check_int("l", l, min=0, max=depth - 1)
    return "input" if l == 0 else "output" if l == depth - 1 else "hidden"


def layer_multipliers(parametrization: str, kind: str, fan_in: int, fan_out: int
                      ) -> tuple[float, float]:
    """(init variance, learning-rate multiplier) of one weight matrix: Tensor Programs V's
    Table 3 for SGD (see the module docstring)."""
    p = canonical_parametrization(parametrization)
    if kind not in LAYER_KINDS:
        raise ValueError(f"kind must be one of {LAYER_KINDS}, got {kind!r}")
    fan_in = check_int("fan_in", fan_in, min=1)
    fan_out = check_int("fan_out", fan_out, min=1)
    if p == "sp":
        return 1.0 / fan_in, 1.0
    if kind == "input":
        return 1.0 / fan_in, float(fan_out)
    if kind == "hidden":
        return 1.0 / fan_in, 1.0
    return 1.0 / fan_in ** 2, 1.0 / fan_in


def network_multipliers(parametrization: str, sizes: Sequence[int]) -> list[tuple[float, float]]:
    """`layer_multipliers` of every weight matrix of a network with these widths."""
    sizes = [check_int(f"sizes[{i}]", n, min=1) for i, n in enumerate(sizes)]
    if len(sizes) < 3:
        raise ValueError(f"sizes must hold at least 3 widths (input, hidden, output), "
                         f"got {sizes}")
    L = len(sizes) - 1
    return [layer_multipliers(parametrization, layer_kind(l, L), sizes[l], sizes[l + 1])
            for l in range(L)]


def init_network(parametrization: str, sizes: Sequence[int], rng: np.random.Generator
                 ) -> list[np.ndarray]:
    """Gaussian weights (no biases) with the table's init variance for each layer."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator, got {type(rng).__name__}")
    mult = network_multipliers(parametrization, sizes)
    return [rng.normal(0.0, np.sqrt(v), (a, b))
            for (v, _), a, b in zip(mult, sizes[:-1], sizes[1:])]


def forward(weights: Sequence[np.ndarray], X: np.ndarray, activation: str = "tanh"
            ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(zs, hs): pre-activations and [X, h_1, ..., h_(L-1), f]; a linear readout f."""
    act = get_activation(activation)
    hs, zs = [np.asarray(X, dtype=float)], []
    for l, W in enumerate(weights):
        z = hs[-1] @ W
        zs.append(z)
        hs.append(z if l == len(weights) - 1 else act.fn(z))
    return zs, hs


def sgd_step(weights: list[np.ndarray], X: np.ndarray, Y: np.ndarray, lr: float,
             parametrization: str, activation: str = "tanh") -> float:
    """One SGD step on the loss mean over the batch of (1/2)|f - y|^2, each layer's rate
    lr times its multiplier from the table; updates `weights` in place, returns the loss."""
    lr = check_real("lr", lr, min=0, include_min=False)
    act = get_activation(activation)
    sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
    mult = network_multipliers(parametrization, sizes)
    zs, hs = forward(weights, X, activation)
    n = X.shape[0]
    err = hs[-1] - Y
    loss = float(0.5 * np.sum(err ** 2) / n)
    g = err / n  # dL/dz of the readout
    for l in reversed(range(len(weights))):
        gW = hs[l].T @ g
        if l > 0:
            g = (g @ weights[l].T) * act.deriv_from_output(zs[l - 1], hs[l])
        weights[l] -= (lr * mult[l][1]) * gW
    return loss


def coordinate_check(parametrization: str, widths: Sequence[int], seeds: Sequence[int], *,
                     steps: int = 3, lr: float = 0.5, d_in: int = 32, batch: int = 64,
                     activation: str = "tanh", hidden_layers: int = 2, pre: bool = False
                     ) -> np.ndarray:
    """Mean |coordinate| of each layer (hidden 1.., output) after t = 0..steps SGD steps on
    one batch, per width and seed: an array of shape (len(widths), len(seeds), steps + 1,
    hidden_layers + 1). Data: X ~ N(0, 1) of dimension d_in, targets y = sign of a fixed
    random projection of X (drawn from the seed, the same for every width). pre=True: the pre-activations z
    instead of the activations h (the output is linear: the same either way)."""
    steps = check_int("steps", steps, min=0)
    hidden_layers = check_int("hidden_layers", hidden_layers, min=1)
    out = np.empty((len(widths), len(seeds), steps + 1, hidden_layers + 1))
    for s_i, seed in enumerate(seeds):
        data_rng = np.random.default_rng([int(seed), 0])
        X = data_rng.standard_normal((batch, d_in))
        Y = np.sign(X @ data_rng.standard_normal((d_in, 1)))
        for w_i, n in enumerate(widths):
            sizes = [d_in] + [int(n)] * hidden_layers + [1]
            Ws = init_network(parametrization, sizes, np.random.default_rng([int(seed), 1, n]))
            for t in range(steps + 1):
                zs, hs = forward(Ws, X, activation)
                out[w_i, s_i, t] = [np.mean(np.abs(v)) for v in (zs if pre else hs[1:])]
                if t < steps:
                    sgd_step(Ws, X, Y, lr, parametrization, activation)
    return out


def loglog_slopes(widths: Sequence[int], values: np.ndarray) -> np.ndarray:
    """Least-squares slope of log(values) against log(width) along the first axis."""
    x = np.log(np.asarray(widths, dtype=float))
    y = np.log(np.asarray(values, dtype=float).reshape(len(x), -1))
    x = x - x.mean()
    slope = (x @ (y - y.mean(axis=0))) / (x @ x)
    return slope.reshape(np.shape(values)[1:])


def teacher_loss(parametrization: str, width: int, lr: float, seed: int, *, steps: int = 200,
                 batch: int = 32, d_in: int = 16, teacher_width: int = 32,
                 activation: str = "tanh") -> float:
    """Training loss (mean of the last 20 % of steps) of a two-hidden-layer student of this
    width trained by online SGD on a fixed random tanh teacher; inf when it diverged.
    The teacher depends on nothing but d_in and teacher_width, the student on the seed."""
    width = check_int("width", width, min=1)
    steps = check_int("steps", steps, min=1)
    t_rng = np.random.default_rng([d_in, teacher_width, 11])
    teacher = init_network("sp", [d_in, teacher_width, 1], t_rng)
    teacher[-1] *= np.sqrt(teacher_width)  # a target of unit size
    rng = np.random.default_rng([int(seed), width, 1])
    Ws = init_network(parametrization, [d_in, width, width, 1], rng)
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(steps):
            X = rng.standard_normal((batch, d_in))
            Y = forward(teacher, X, activation)[1][-1]
            loss = sgd_step(Ws, X, Y, lr, parametrization, activation)
            if not np.isfinite(loss) or loss > 1e6:
                return float("inf")
            losses.append(loss)
    return float(np.mean(losses[-max(1, steps // 5):]))
