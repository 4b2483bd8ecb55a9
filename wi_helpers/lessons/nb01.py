"""Numerics of notebook 01 (vanishing and exploding gradients); pure NumPy.

* `chain_factors` / `ScalarChain`: a network one unit wide, where back-propagation is a
  plain product of scalars w_l * phi'(z_l).
* `weight_scale_sweep`: the same network drawn at several weight scales sigma_w^2, each with
  its measured per-layer statistics and the theory's prediction.
* `q_recursion` / `QRecursion`: the mean-field recursion of the pre-activation variance q_l
  and the per-layer gradient factor chi_l, by a dense trapezoid rule independent of
  `theory.gaussian_expectation` (notebook 03 uses it too).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..activations import Activation, get_activation
from ..blas import single_threaded_blas
from ..mlp import MLP
from ..stats import LayerStats, layer_stats
from ..theory import Prediction, linear_theory, mean_field
from ..validation import check_int, check_real


@dataclass(frozen=True)
class ScalarChain:
    """Forward values and backward factors of a network one unit wide (layers l = 1..L)."""

    w: np.ndarray       # weights w_l
    z: np.ndarray       # pre-activations z_l = w_l h_{l-1} + b_l
    h: np.ndarray       # activations h_l = phi(z_l); h[0] is the input x (length L + 1)
    deriv: np.ndarray   # phi'(z_l)

    @property
    def factors(self) -> np.ndarray:
        """The per-layer factors dh_l/dh_{l-1} = w_l * phi'(z_l)."""
        with np.errstate(all="ignore"):
            return self.w * self.deriv

    @property
    def grad_input(self) -> float:
        """dh_L/dx: the product of all the factors (the chain rule, one unit per layer)."""
        # Multiplied from the top down, (g * phi'(z_l)) * w_l, in the order back-propagation
        # uses, so that it equals MLP.backward on a 1-wide network to the last bit.
        g = 1.0
        with np.errstate(all="ignore"):  # a long chain may under- or overflow: that is the lesson
            for w, d in zip(self.w[::-1], self.deriv[::-1]):
                g = (g * d) * w
        return float(g)


def _as_float_vector(name: str, values: object) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of numbers, got {type(values).__name__} {values!r}")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, got {values!r}") from None
    if arr.ndim != 1 or arr.size < 1:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers, got {values!r}")
    return arr


def chain_factors(weights: Sequence[float], x: float, activation: str | Activation = "tanh",
                  biases: Sequence[float] | None = None) -> ScalarChain:
    """Run a one-unit-per-layer network on input x and return its per-layer factors w_l phi'(z_l)."""
    w = _as_float_vector("weights", weights)
    b = np.zeros_like(w) if biases is None else _as_float_vector("biases", biases)
    if b.shape != w.shape:
        raise ValueError(f"biases must have one number per layer ({w.size}), got {b.size}")
    x = check_real("x", x)
    act = get_activation(activation)
    h = np.empty(w.size + 1)
    z = np.empty(w.size)
    d = np.empty(w.size)
    h[0] = float(x)
    with np.errstate(all="ignore"):
        for l in range(w.size):
            z[l] = w[l] * h[l] + b[l]
            h[l + 1] = act.fn(z[l : l + 1])[0]
            d[l] = act.deriv_from_output(z[l : l + 1], h[l + 1 : l + 2])[0]
    return ScalarChain(w=w, z=z, h=h, deriv=d)


def weight_scale_sweep(sigma_w2: Sequence[float], *, width: int, depth: int,
                       activation: str = "linear", batch: int = 256, seed: int = 0,
                       dtype=np.float64) -> dict[str, tuple[LayerStats, Prediction]]:
    """Measured stats and predicted variances of `depth` layers of `width` units, per sigma_w^2.

    Weights are N(0, sigma_w^2 / width). Every network is drawn from the same seed, so the
    networks differ only by the scale of their weights, and all see the same probe input
    and output gradient (both N(0, 1)). The prediction is `linear_theory` for the identity
    and `mean_field` otherwise. Keys read like "σw² = 1.25".
    """
    if isinstance(sigma_w2, (str, bytes)) or not isinstance(sigma_w2, (Sequence, np.ndarray)):
        raise TypeError(f"sigma_w2 must be a sequence of numbers such as [0.8, 1.0, 1.25], "
                        f"got {type(sigma_w2).__name__} {sigma_w2!r}")
    scales = [check_real("sigma_w2", s, min=0, include_min=False) for s in sigma_w2]
    if not scales:
        raise ValueError("sigma_w2 must hold at least one value")
    width = check_int("width", width, min=1)
    depth = check_int("depth", depth, min=1)
    batch = check_int("batch", batch, min=1)
    seed = check_int("seed", seed, min=0)
    act = get_activation(activation)
    sizes = [width] * (depth + 1)
    out: dict[str, tuple[LayerStats, Prediction]] = {}
    # Many small matrix products: BLAS threads gain nothing here and, on a busy machine,
    # spin waiting for each other (10x slower measured on 2 shared cores).
    with single_threaded_blas():
        for s2 in scales:
            net = MLP(sizes, activation=act.name, init="normal", std=math.sqrt(s2 / width),
                      seed=seed, dtype=dtype)
            stats = layer_stats(net, batch=batch, rng=np.random.default_rng(seed + 1))
            pred = (linear_theory(sizes, s2 / width) if act.name == "linear"
                    else mean_field(sizes, act, s2 / width))
            out[f"σw² = {s2:g}"] = (stats, pred)
    return out


@dataclass(frozen=True)
class QRecursion:
    """The mean-field q recursion q_l = sigma_w^2 E[phi(sqrt(q_{l-1}) u)^2] and its chi_1."""

    q: np.ndarray        # q_1 .. q_depth, pre-activation variances
    chi: np.ndarray      # sigma_w^2 E[phi'(sqrt(q_l) u)^2], the per-layer gradient factor

    @property
    def q_star(self) -> float:
        """The last q of the recursion, its fixed point once it has converged."""
        return float(self.q[-1])

    @property
    def chi_1(self) -> float:
        """chi_1 at the last q: the gradient-variance factor per layer deep in the network."""
        return float(self.chi[-1])


# A dense grid in u ~ N(0, 1): trapezoid over [-12, 12] is exact to ~1e-12 for the bounded
# activations here at any q, unlike a fixed low-order Gauss-Hermite rule when q is large
# (phi(sqrt(q) u) then has a kink-like step near u = 0 that few nodes cannot resolve).
_U = np.linspace(-12.0, 12.0, 240_001)
_PDF = np.exp(-0.5 * _U ** 2) / math.sqrt(2.0 * math.pi)


def _dense_expectation(values: np.ndarray) -> float:
    return float(np.trapezoid(values * _PDF, _U))


def q_recursion(activation: str | Activation, sigma_w2: float, *, q0: float,
                depth: int) -> QRecursion:
    """Iterate q_l = sigma_w^2 E[phi(sqrt(q_{l-1}) u)^2] from q_1 = q0, by dense quadrature."""
    act = get_activation(activation)
    s2 = check_real("sigma_w2", sigma_w2, min=0, include_min=False)
    q = check_real("q0", q0, min=0, include_min=False)
    depth = check_int("depth", depth, min=1)
    qs, chis = [], []
    for _ in range(depth):
        qs.append(q)
        x = math.sqrt(q) * _U
        chis.append(s2 * _dense_expectation(act.deriv(x) ** 2))
        q = s2 * _dense_expectation(act.fn(x) ** 2)
    return QRecursion(q=np.array(qs), chi=np.array(chis))


def distinct_units(W: np.ndarray, b: np.ndarray | None = None, *, tol: float = 1e-9) -> int:
    """How many different units a layer has: columns of W (with their biases) that differ by > tol."""
    W = np.asarray(W, dtype=np.float64)
    if W.ndim != 2 or W.size == 0:
        raise ValueError(f"W must be a non-empty 2-D array (fan_in, fan_out), got shape {W.shape}")
    tol = check_real("tol", tol, min=0)
    if b is not None and np.shape(b) != (W.shape[1],):
        raise ValueError(f"b must have one entry per unit ({W.shape[1]}), got shape {np.shape(b)}")
    cols = W.T if b is None else np.column_stack([W.T, np.asarray(b, dtype=np.float64)])
    representatives: list[np.ndarray] = []
    for col in cols:  # a unit is new when it differs from every unit kept so far
        if not any(np.max(np.abs(col - r)) <= tol for r in representatives):
            representatives.append(col)
    return len(representatives)


def first_layer(mask: Sequence[bool], *, start: int = 1) -> int | None:
    """The number of the first layer where `mask` holds (layers counted from `start`), else None.

    Unlike ``np.argmax(mask)``, an all-False mask gives None, not a false "layer 0".
    """
    flags = np.asarray(mask, dtype=bool).ravel()
    start = check_int("start", start)
    hits = np.flatnonzero(flags)
    return int(hits[0]) + start if hits.size else None


def scalar_fixed_point(w: float, activation: str | Activation = "tanh", *,
                       h0: float = 1.0, n_iter: int = 10_000) -> float:
    """The fixed point h* = phi(w h*) that a one-unit chain with every weight w settles at."""
    w = check_real("w", w)
    h0 = check_real("h0", h0)
    n_iter = check_int("n_iter", n_iter, min=1)
    act = get_activation(activation)
    h = np.array([h0], dtype=np.float64)
    with np.errstate(all="ignore"):
        for _ in range(n_iter):
            h = act.fn(w * h)
    return float(h[0])
