"""Layer-by-layer predictions to draw over the simulations.

Two theories, one output type (`Prediction`):

* `linear_theory`: Glorot & Bengio's linear regime (phi'(0) = 1, their eqs. 5 and 6), any
  fan sizes: Var[z_l] = Var[x] prod_{k<=l} n_{k-1} Var[W_k] and
  Var[dL/dz_l] = Var[dL/dz_L] prod_{k>l} n_k Var[W_k].
* `mean_field`: the wide-network recursion for any activation (Poole et al. 2016,
  Schoenholz et al. 2017), q_l = n_{l-1} Var[W_l] E[phi(sqrt(q_{l-1}) u)^2] + sigma_b^2 with
  u ~ N(0, 1), and backwards Var[dL/dz_l] = Var[dL/dh_l] E[phi'(sqrt(q_l) u)^2],
  Var[dL/dh_{l-1}] = n_l Var[W_l] Var[dL/dz_l]. With W ~ N(0, sigma_w^2 / fan_in) the
  per-layer backward factor is chi_1 = sigma_w^2 E[phi'(sqrt(q*) u)^2].

Gaussian expectations use Gauss-Hermite quadrature with an even number of nodes: no node
sits at 0, so the kinked ReLU moments (E[relu(u)^2] = 1/2, E[1{u>0}] = 1/2) come out exact.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

import numpy as np

from .activations import Activation, get_activation
from .init import _check_positive_number, weight_std
from .mlp import check_sizes

N_HERMITE = 100


@lru_cache(maxsize=None)
def _hermite(n: int = N_HERMITE) -> tuple[np.ndarray, np.ndarray]:
    u, w = np.polynomial.hermite_e.hermegauss(n)  # weight exp(-u^2/2)
    return u, w / np.sqrt(2.0 * np.pi)


def gaussian_expectation(f: Callable[[np.ndarray], np.ndarray], q: float | np.ndarray) -> np.ndarray:
    """E[f(sqrt(q) u)] for u ~ N(0, 1), elementwise over an array of variances q >= 0."""
    u, w = _hermite()
    q = np.asarray(q, dtype=np.float64)
    with np.errstate(all="ignore"):
        return (f(np.sqrt(q)[..., None] * u) * w).sum(axis=-1)


@dataclass(frozen=True)
class Prediction:
    """A theory's per-layer numbers, laid out like `LayerStats` (length L, or L+1 for grad_h_var)."""

    z_var: np.ndarray       # Var[z_l] (= q_l), l = 1..L
    h_m2: np.ndarray        # second moment E[h_l^2], l = 1..L
    grad_h_var: np.ndarray  # Var[dL/dh_l], l = 0..L
    grad_z_var: np.ndarray  # Var[dL/dz_l], l = 1..L
    grad_W_var: np.ndarray  # Var[dL/dW_l], l = 1..L, for the given batch
    name: str


def _weight_var(sizes: list[int], weight_var: float | Sequence[float]) -> np.ndarray:
    v = np.broadcast_to(np.asarray(weight_var, dtype=np.float64), (len(sizes) - 1,)).copy() \
        if np.ndim(weight_var) == 0 else np.asarray(weight_var, dtype=np.float64)
    if v.shape != (len(sizes) - 1,):
        raise ValueError(f"weight_var must be a number or one number per layer "
                         f"({len(sizes) - 1} values), got {len(v)} values")
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"weight_var must be finite and >= 0, got {weight_var!r}")
    return v


def scheme_weight_var(sizes: Sequence[int], init: str, *, gain: float = 1.0,
                      std: float | None = None) -> np.ndarray:
    """Var[W_l] of each layer of an MLP with these sizes and init scheme."""
    sizes = check_sizes(sizes)
    return np.array([weight_std(init, a, b, gain=gain, std=std) ** 2
                     for a, b in zip(sizes[:-1], sizes[1:])])


def _propagate(sizes: list[int], wv: np.ndarray, second_moment: Callable[[float], float],
               deriv_m2: Callable[[float], float], bias_var: float, input_m2: float,
               output_grad_var: float, batch: int, name: str) -> Prediction:
    L = len(sizes) - 1
    fan_in = np.array(sizes[:-1], dtype=np.float64)
    fan_out = np.array(sizes[1:], dtype=np.float64)
    q, m2, dm2 = np.zeros(L), np.zeros(L), np.zeros(L)
    prev_m2 = input_m2
    with np.errstate(all="ignore"):  # an exploding prediction is allowed to reach inf
        for l in range(L):
            q[l] = fan_in[l] * wv[l] * prev_m2 + bias_var
            m2[l] = second_moment(q[l])
            dm2[l] = deriv_m2(q[l])
            prev_m2 = m2[l]
        gh, gz = np.zeros(L + 1), np.zeros(L)
        gh[L] = output_grad_var
        for l in reversed(range(L)):
            gz[l] = gh[l + 1] * dm2[l]
            gh[l] = fan_out[l] * wv[l] * gz[l]
        h_prev_m2 = np.concatenate([[input_m2], m2[:-1]])
        gW = batch * h_prev_m2 * gz
    return Prediction(z_var=q, h_m2=m2, grad_h_var=gh, grad_z_var=gz, grad_W_var=gW, name=name)


def _check_common(input_m2, output_grad_var, batch, bias_var=0.0):
    _check_positive_number("input_m2", input_m2)
    _check_positive_number("output_grad_var", output_grad_var)
    _check_positive_number("bias_var", bias_var)
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")


def linear_theory(sizes: Sequence[int], weight_var: float | Sequence[float], *,
                  input_m2: float = 1.0, output_grad_var: float = 1.0, batch: int = 1) -> Prediction:
    """Glorot & Bengio's linear-regime variances (their eqs. 5, 6) for any fan sizes."""
    sizes = check_sizes(sizes)
    wv = _weight_var(sizes, weight_var)
    _check_common(input_m2, output_grad_var, batch)
    return _propagate(sizes, wv, lambda q: q, lambda q: 1.0, 0.0, float(input_m2),
                      float(output_grad_var), int(batch), "linear regime")


def mean_field(sizes: Sequence[int], activation: str | Activation,
               weight_var: float | Sequence[float], *, bias_var: float = 0.0,
               input_m2: float = 1.0, output_grad_var: float = 1.0, batch: int = 1) -> Prediction:
    """Mean-field (infinitely wide) per-layer variances for any activation and fan sizes."""
    sizes = check_sizes(sizes)
    act = get_activation(activation)
    wv = _weight_var(sizes, weight_var)
    _check_common(input_m2, output_grad_var, batch, bias_var)
    return _propagate(sizes, wv,
                      lambda q: float(gaussian_expectation(lambda x: act.fn(x) ** 2, q)),
                      lambda q: float(gaussian_expectation(lambda x: act.deriv(x) ** 2, q)),
                      float(bias_var), float(input_m2), float(output_grad_var), int(batch),
                      "mean field")


def fixed_point_q(activation: str | Activation, sigma_w2: float, sigma_b2: float = 0.0,
                  *, q0: float = 1.0, iters: int = 2000) -> float:
    """The stable fixed point q* of q -> sigma_w2 E[phi(sqrt(q) u)^2] + sigma_b2 (inf if it diverges)."""
    act = get_activation(activation)
    sigma_w2 = _check_positive_number("sigma_w2", sigma_w2)
    sigma_b2 = _check_positive_number("sigma_b2", sigma_b2)
    m2 = lambda q: float(gaussian_expectation(lambda x: act.fn(x) ** 2, q))  # noqa: E731
    g = lambda q: sigma_w2 * m2(q) + sigma_b2 - q  # noqa: E731
    if act.h_max is not None:
        # Bounded phi: g(q) < 0 beyond sigma_w2 h_max^2 + sigma_b2, and g(q)/q decreases,
        # so the stable fixed point is the largest root; bisection finds it to full
        # precision even near the critical line, where iterating the map crawls.
        hi = sigma_w2 * (act.h_max + act.h_offset) ** 2 + sigma_b2 + 1.0
        lo = 1e-12
        if g(lo) <= 0:
            return 0.0  # only q* = 0: the signal dies out (ordered phase, sigma_b = 0)
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
        return 0.5 * (lo + hi)
    # Unbounded (linear, ReLU): q grows or shrinks geometrically; iterate to the limit.
    q = float(q0)
    for _ in range(iters):
        new = sigma_w2 * m2(q) + sigma_b2
        if not np.isfinite(new) or new > 1e300:
            return float("inf")
        if abs(new - q) <= 1e-13 * max(q, 1e-300):
            return new
        q = new
    return q


def chi_1(activation: str | Activation, sigma_w2: float, sigma_b2: float = 0.0) -> float:
    """Per-layer gradient factor at the fixed point: sigma_w2 E[phi'(sqrt(q*) u)^2]."""
    act = get_activation(activation)
    q = fixed_point_q(act, sigma_w2, sigma_b2)
    if not np.isfinite(q):
        q = 1e300  # unbounded activations: phi'^2 has the same mean at every scale
    return float(_check_positive_number("sigma_w2", sigma_w2)
                 * gaussian_expectation(lambda x: act.deriv(x) ** 2, q))


def critical_sigma_w2(activation: str | Activation, sigma_b2: float = 0.0, *,
                      lo: float = 0.05, hi: float = 20.0, tol: float = 1e-6) -> float:
    """The sigma_w^2 where chi_1 = 1 (the edge of chaos), found by bisection on [lo, hi]."""
    act = get_activation(activation)
    f = lambda s: chi_1(act, s, sigma_b2) - 1.0  # noqa: E731
    flo, fhi = f(lo), f(hi)
    if flo > 0 or fhi < 0:
        raise ValueError(f"chi_1 - 1 does not change sign on sigma_w2 in [{lo}, {hi}] for "
                         f"{act.name} with sigma_b2={sigma_b2}; widen lo/hi")
    while hi - lo > tol * hi:
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:
            hi = mid
        else:
            lo = mid
    return 0.5 * (lo + hi)


def order_chaos_line(activation: str | Activation, sigma_b2: Sequence[float]) -> np.ndarray:
    """Critical sigma_w^2 for each sigma_b^2: the boundary between ordered and chaotic phases."""
    return np.array([critical_sigma_w2(activation, float(s)) for s in sigma_b2])
