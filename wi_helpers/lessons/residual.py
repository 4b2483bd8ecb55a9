"""Notebook 10 (residual networks and normalization at init): the architectures, the
variance-against-depth experiment, BatchNorm's gradient growth and pre-LN against post-LN.
Pure NumPy on `residual.ResidualMLP`."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from ..residual import ResidualMLP, variance_theory
from ..spec import NetworkSpec
from ..validation import check_int

__all__ = ["ARCHITECTURES", "BN_RELU_GROWTH", "architecture_spec", "variance_runs",
           "gradient_growth", "layer_grad_norms", "gradient_correlation"]

# Yang et al. (2019): a deep BatchNorm-ReLU network multiplies the gradient's second moment
# by pi/(pi - 1) per layer (wide layers, large batch).
BN_RELU_GROWTH = math.pi / (math.pi - 1)

# name -> (options of NetworkSpec as a function of the depth L)
ARCHITECTURES = {
    "plain residual (He)": lambda L: dict(residual_scale=1.0),
    "BN in branch": lambda L: dict(residual_scale=1.0, normalization="batch"),
    "zero gate (SkipInit/ReZero)": lambda L: dict(residual_scale=0.0),
    "Fixup scaling (m = 2)": lambda L: dict(residual_scale=1.0, branch_layers=2,
                                            gain=L ** -0.5),
    "1/sqrt(N) (GPT-2)": lambda L: dict(residual_scale=1 / math.sqrt(L)),
}


def architecture_spec(name: str, depth: int, width: int, *, activation: str = "relu",
                      seed: int | None = None) -> NetworkSpec:
    """The NetworkSpec of one of `ARCHITECTURES` (He normal weights)."""
    if name not in ARCHITECTURES:
        raise ValueError(f"name must be one of {list(ARCHITECTURES)}, got {name!r}")
    depth = check_int("depth", depth, min=1)
    width = check_int("width", width, min=1)
    return NetworkSpec([width] * (depth + 1), activation=activation, init="he_normal",
                       seed=seed, **ARCHITECTURES[name](depth))


def variance_runs(name: str, depth: int, width: int, batch: int, seeds: Sequence[int],
                  *, activation: str = "relu") -> tuple[np.ndarray, np.ndarray]:
    """(sampled mean h_l^2, shape (seeds, depth + 1); the theory, shape (depth + 1,))."""
    batch = check_int("batch", batch, min=2)
    runs = []
    for s in seeds:
        net = ResidualMLP.from_spec(architecture_spec(name, depth, width,
                                                      activation=activation, seed=s))
        X = np.random.default_rng([s, 1]).standard_normal((batch, width))
        net.forward(X)
        runs.append([np.mean(h ** 2) for h in net.h])
    theory = variance_theory(architecture_spec(name, depth, width, activation=activation))
    return np.array(runs), theory


def _grads(spec: NetworkSpec, batch: int, seed: int):
    net = ResidualMLP.from_spec(spec)
    rng = np.random.default_rng([seed, 2])
    n = spec.sizes[0]
    net.forward(rng.standard_normal((batch, n)))
    return net.backward(rng.standard_normal((batch, n)) / math.sqrt(batch))


def gradient_growth(activation: str, residual: bool, depth: int, width: int, batch: int,
                    seed: int) -> tuple[float, np.ndarray]:
    """BatchNorm network: (per-layer factor of E[(dL/dh_l)^2] from the top down, the profile).

    The factor is the geometric mean over layers depth-1 .. 0 (the last one, just under the
    final BatchNorm, is left out)."""
    init = "he_normal" if activation == "relu" else "lecun_normal"
    spec = NetworkSpec([width] * (depth + 1), activation=activation, init=init, seed=seed,
                       residual_scale=1.0 if residual else None, normalization="batch")
    g = _grads(spec, batch, seed)
    prof = np.array([np.mean(x ** 2) for x in g.h])
    return float((prof[0] / prof[-2]) ** (1 / (depth - 1))), prof


def layer_grad_norms(position: str, depth: int, width: int, batch: int, seed: int) -> np.ndarray:
    """Frobenius norm of dL/dW of each block of a LayerNorm residual ReLU network."""
    spec = NetworkSpec([width] * (depth + 1), activation="relu", init="he_normal", seed=seed,
                       residual_scale=1.0, normalization="layer", norm_position=position)
    g = _grads(spec, batch, seed)
    return np.array([np.linalg.norm(w[0]) for w in g.W])


def gradient_correlation(residual_scale: float | None, depth: int, width: int, points: int,
                         seed: int) -> float:
    """Correlation of dy/dx between neighbouring inputs x of a grid on [-2, 2] (Balduzzi et
    al. 2017): a random first layer x u + c, `depth` ReLU blocks (He), y = h_L w."""
    points = check_int("points", points, min=3)
    rng = np.random.default_rng([seed, 3])
    x = np.linspace(-2.0, 2.0, points)
    u, c = rng.standard_normal(width), rng.standard_normal(width)
    spec = NetworkSpec([width] * (depth + 1), activation="relu", init="he_normal", seed=seed,
                       residual_scale=residual_scale)
    net = ResidualMLP.from_spec(spec)
    net.forward(x[:, None] * u + c)
    w = rng.standard_normal(width)
    g = net.backward(np.tile(w, (points, 1))).h[0] @ u
    return float(np.corrcoef(g[:-1], g[1:])[0, 1])
