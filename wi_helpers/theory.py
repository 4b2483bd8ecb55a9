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

Gaussian expectations (`gaussian_expectation`) use composite Gauss-Legendre quadrature in
u on panels that resolve both scales of the integrand f(sqrt(q) u) exp(-u^2/2): the Gaussian
(panels 1/2 wide in u) and the activation's own features of width about 1 in x = sqrt(q) u
(panels that double in x from 1/16, so 1/sqrt(q) wide in u near 0). A fixed Gauss-Hermite rule
cannot do this: for q > 20 its nodes step over the spike of phi'(x)^2 at x = 0 (width 1,
i.e. 1/sqrt(q) in u) and E[tanh'^2] at q = 100 came out 0.0063 instead of 0.0531. The panels
meet at u = 0, so the kinks of ReLU and softsign' at 0 sit on a panel edge and cost no accuracy.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Sequence

import numpy as np

from .activations import Activation, get_activation
from .init import check_scale, fan_mode_arg, weight_std_unchecked
from .validation import check_int, check_real, short_repr
from .spec import NetworkSpec, check_sizes

# Composite Gauss-Legendre rule for E[f(sqrt(q) u)], u ~ N(0, 1). Per half-line u > 0 (and its
# mirror): panel edges at u = 0, 0.5, ..., U_MAX (the Gaussian's own scale) merged with
# u = 2^k / sqrt(q) for k = -4..24 (x = 1/16 ... 1.7e7: f's features of width ~1 in x, and its
# algebraic tails, e.g. softsign's, on doubling panels). Edges past U_MAX collapse onto it and
# give empty panels, so every q uses the same number of nodes and the rule vectorizes over q.
# The N(0, 1) mass beyond U_MAX = 10 is 1.5e-23. Relative error <= 1e-10 for every activation
# of the package, q in [1e-8, 1e8] (tests/test_theory.py checks it against an independent
# sinh-substitution rule).
U_MAX = 10.0
_GL_NODES = 12
_X_EDGES = 2.0 ** np.arange(-4, 25)
_U_EDGES = np.linspace(0.0, U_MAX, 21)


@lru_cache(maxsize=None)
def _legendre(n: int = _GL_NODES) -> tuple[np.ndarray, np.ndarray]:
    t, w = np.polynomial.legendre.leggauss(n)
    return (t + 1.0) / 2.0, w / 2.0  # on [0, 1]


def _nodes(s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nodes u > 0 and weights (N(0,1) density included) for each scale s = sqrt(q), shape (..., n)."""
    t, w = _legendre()
    with np.errstate(divide="ignore", invalid="ignore"):
        geo = np.minimum(_X_EDGES / s[..., None], U_MAX)  # s = 0: inf -> U_MAX; s = inf: 0
    edges = np.sort(np.concatenate([np.broadcast_to(_U_EDGES, s.shape + _U_EDGES.shape), geo],
                                   axis=-1), axis=-1)
    a, width = edges[..., :-1, None], np.diff(edges, axis=-1)[..., None]
    u = (a + width * t).reshape(s.shape + (-1,))
    wu = (width * w).reshape(s.shape + (-1,)) * np.exp(-0.5 * u * u) / np.sqrt(2.0 * np.pi)
    return u, wu


def gaussian_expectations(fs: Sequence[Callable[[np.ndarray], np.ndarray]],
                          q: float | np.ndarray) -> list[np.ndarray]:
    """[E[f(sqrt(q) u)] for f in fs], u ~ N(0, 1), on one set of nodes (elementwise over q >= 0)."""
    q = np.asarray(q, dtype=np.float64)
    if np.any(q < 0):
        raise ValueError(f"q must be variances >= 0, got {q[q < 0].ravel()[:3]!r}")
    s = np.sqrt(q)
    u, w = _nodes(s)
    out = []
    with np.errstate(all="ignore"):  # q = inf: x = inf*u; empty panels (w = 0) may give nan
        x = s[..., None] * u
        for f in fs:
            out.append(np.where(w > 0, w * (f(x) + f(-x)), 0.0).sum(axis=-1))
    return out


def gaussian_expectation(f: Callable[[np.ndarray], np.ndarray], q: float | np.ndarray) -> np.ndarray:
    """E[f(sqrt(q) u)] for u ~ N(0, 1), elementwise over an array of variances q >= 0."""
    return gaussian_expectations([f], q)[0]


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
    raw = np.asarray(weight_var) if not isinstance(weight_var, (str, bytes)) else None
    if raw is None or raw.dtype.kind not in "iuf":
        raise TypeError(f"weight_var must be a number or a sequence of numbers (not str, bool "
                        f"or complex), got {short_repr(weight_var)}")
    v = np.broadcast_to(np.asarray(weight_var, dtype=np.float64), (len(sizes) - 1,)).copy() \
        if np.ndim(weight_var) == 0 else np.asarray(weight_var, dtype=np.float64)
    if v.shape != (len(sizes) - 1,):
        raise ValueError(f"weight_var must be a number or one number per layer "
                         f"({len(sizes) - 1} values), got {len(v)} values")
    if not np.all(np.isfinite(v)) or np.any(v < 0):
        raise ValueError(f"weight_var must be finite and >= 0, got {weight_var!r}")
    return v


def scheme_weight_var(sizes: Sequence[int], init: str, *, gain: float = 1.0,
                      std: float | None = None, fan_mode: str = "fan_in",
                      mode: str | None = None) -> np.ndarray:
    """Var[W_l] of each layer of an MLP with these sizes and init scheme (the variance, the
    square of `weight_std`; fan_mode, or its older spelling mode: see weight_std)."""
    name = "fan_mode" if mode is None else "mode"
    scale = check_scale(init, gain, std, fan_mode_arg(fan_mode, mode), fan_name=name)
    sizes = check_sizes(sizes)
    return np.array([weight_std_unchecked(scale[0], a, b, *scale[1:]) ** 2
                     for a, b in zip(sizes[:-1], sizes[1:])])


def _propagate(sizes: list[int], wv: np.ndarray,
               moments: Callable[[float], tuple[float, float]], bias_var: float, input_m2: float,
               output_grad_var: float, batch: int, name: str) -> Prediction:
    L = len(sizes) - 1
    fan_in = np.array(sizes[:-1], dtype=np.float64)
    fan_out = np.array(sizes[1:], dtype=np.float64)
    q, m2, dm2 = np.zeros(L), np.zeros(L), np.zeros(L)
    prev_m2 = input_m2
    with np.errstate(all="ignore"):  # an exploding prediction is allowed to reach inf
        for l in range(L):
            q[l] = fan_in[l] * wv[l] * prev_m2 + bias_var
            m2[l], dm2[l] = moments(q[l])  # E[phi(z)^2], E[phi'(z)^2] at Var[z] = q_l
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
    check_real("input_m2", input_m2, min=0)
    check_real("output_grad_var", output_grad_var, min=0)
    check_real("bias_var", bias_var, min=0)
    check_int("batch", batch, min=1)


def _from_spec(fn: str, spec: NetworkSpec, **given: Any) -> tuple[list[int], np.ndarray]:
    extra = [k for k, v in given.items() if v is not None]
    if extra:
        raise TypeError(f"{fn}(spec) takes {', '.join(extra)} from the NetworkSpec; "
                        f"do not pass {'it' if len(extra) == 1 else 'them'} again")
    return list(spec.sizes), spec.weight_var()


def linear_theory(sizes: Sequence[int] | NetworkSpec,
                  weight_var: float | Sequence[float] | None = None, *, input_m2: float = 1.0,
                  output_grad_var: float = 1.0, batch: int = 1) -> Prediction:
    """Glorot & Bengio's linear-regime variances (their eqs. 5, 6) for any fan sizes.

    `weight_var` is Var[W_l], the square of the weights' std (one number, or one per layer):
    a std passed instead (1/sqrt(n) for 1/n) is not refused, but makes n Var[W] about
    sqrt(n), an exploding prediction. Given a `NetworkSpec` instead of sizes, the
    activation, the weight variances (`spec.weight_var()`) and the bias variance
    (`spec.bias_std ** 2`) are the spec's and are not given again.
    """
    if isinstance(sizes, NetworkSpec):
        sizes, wv = _from_spec("linear_theory", sizes, weight_var=weight_var)
    else:
        sizes = check_sizes(sizes)
        wv = _weight_var(sizes, weight_var)
    _check_common(input_m2, output_grad_var, batch)
    return _propagate(sizes, wv, lambda q: (q, 1.0), 0.0, float(input_m2),
                      float(output_grad_var), int(batch), "linear regime")


def mean_field(sizes: Sequence[int] | NetworkSpec, activation: str | Activation | None = None,
               weight_var: float | Sequence[float] | None = None, *,
               bias_var: float | None = None, input_m2: float = 1.0,
               output_grad_var: float = 1.0, batch: int = 1) -> Prediction:
    """Mean-field (infinitely wide) per-layer variances for any activation and fan sizes.

    `weight_var` is Var[W_l], the square of the weights' std (one number, or one per layer):
    a std passed instead (1/sqrt(n) for 1/n) is not refused, but makes n Var[W] about
    sqrt(n), an exploding prediction. Given a `NetworkSpec` instead of sizes, the
    activation, the weight variances (`spec.weight_var()`) and the bias variance
    (`spec.bias_std ** 2`) are the spec's and are not given again.
    """
    if isinstance(sizes, NetworkSpec):
        spec = sizes
        if spec.output_activation is not None:
            raise ValueError("mean_field uses one activation for every layer; this spec's "
                             f"output activation {spec.output_activation.name!r} differs from "
                             f"{spec.activation.name!r}")
        sizes, wv = _from_spec("mean_field", spec, activation=activation,
                               weight_var=weight_var, bias_var=bias_var)
        act, bias_var = spec.activation, spec.bias_std ** 2
    else:
        sizes = check_sizes(sizes)
        if activation is None or weight_var is None:
            raise TypeError("mean_field needs sizes, activation and weight_var "
                            "(or one NetworkSpec)")
        act = get_activation(activation)
        wv = _weight_var(sizes, weight_var)
        bias_var = 0.0 if bias_var is None else bias_var
    _check_common(input_m2, output_grad_var, batch, bias_var)
    fs = (lambda x: act.fn(x) ** 2, lambda x: act.deriv(x) ** 2)
    return _propagate(sizes, wv, lambda q: tuple(float(e) for e in gaussian_expectations(fs, q)),
                      float(bias_var), float(input_m2), float(output_grad_var), int(batch),
                      "mean field")


def fixed_point_q(activation: str | Activation, sigma_w2: float, sigma_b2: float = 0.0,
                  *, q0: float = 1.0, iters: int = 2000) -> float:
    """The stable fixed point q* of q -> sigma_w2 E[phi(sqrt(q) u)^2] + sigma_b2 (inf if it diverges)."""
    act = get_activation(activation)
    sigma_w2 = check_real("sigma_w2", sigma_w2, min=0)
    sigma_b2 = check_real("sigma_b2", sigma_b2, min=0)
    q0 = check_real("q0", q0, min=0)
    iters = check_int("iters", iters, min=1)
    return _fixed_point_q(act, sigma_w2, sigma_b2, q0, iters)


def _fixed_point_q(act: Activation, sigma_w2: float, sigma_b2: float, q0: float = 1.0,
                   iters: int = 2000) -> float:
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
        while hi - lo > 4e-16 * hi:
            mid = 0.5 * (lo + hi)
            if mid in (lo, hi):
                break
            lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
        return 0.5 * (lo + hi)
    # Unbounded (linear, ReLU): q grows or shrinks geometrically; iterate to the limit.
    q = q0
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
    return _chi_1(get_activation(activation), check_real("sigma_w2", sigma_w2, min=0),
                  check_real("sigma_b2", sigma_b2, min=0))


def _chi_1(act: Activation, sigma_w2: float, sigma_b2: float) -> float:
    if act.h_max is None:
        # The unbounded activations (linear, ReLU, leaky ReLU) are positively homogeneous:
        # phi'(c x) = phi'(x) for c > 0, so E[phi'^2] is the same at every q, q* included.
        q = 1.0
    else:
        q = _fixed_point_q(act, sigma_w2, sigma_b2)
    return float(sigma_w2 * gaussian_expectation(lambda x: act.deriv(x) ** 2, q))


# How far critical_sigma_w2 widens its default bracket: chi_1 of a bounded activation grows
# like sigma_w for large sigma_w^2 (E[phi'^2] falls like 1/sqrt(q*)), so every bounded
# activation of the package crosses 1 well below this (the logistic, the last, near 103).
_CRITICAL_HI_MAX = 1e6


def critical_sigma_w2(activation: str | Activation, sigma_b2: float = 0.0, *,
                      lo: float = 0.05, hi: float | None = None, tol: float = 1e-6) -> float:
    """The sigma_w^2 where chi_1 = 1 (the edge of chaos), found by bisection on [lo, hi].

    Without `hi` the bracket starts at [lo, 20] and widens (doubling hi, up to 1e6) until
    chi_1 - 1 changes sign; a given `hi` is used as it is.
    """
    act = get_activation(activation)
    sigma_b2 = check_real("sigma_b2", sigma_b2, min=0)
    lo = check_real("lo", lo, min=0, include_min=False)
    tol = check_real("tol", tol, min=1e-15, max=0.1)
    widen = hi is None
    hi = 20.0 if widen else check_real("hi", hi, min=0, include_min=False)
    if not lo < hi:
        raise ValueError(f"lo must be below hi, got lo={lo!r}, hi={hi!r}")
    f = lambda s: _chi_1(act, s, sigma_b2) - 1.0  # noqa: E731
    flo, fhi = f(lo), f(hi)
    while widen and flo <= 0 and fhi < 0 and hi < _CRITICAL_HI_MAX:
        lo, flo, hi = hi, fhi, min(2.0 * hi, _CRITICAL_HI_MAX)
        fhi = f(hi)
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
    if isinstance(sigma_b2, (str, bytes)) or np.ndim(sigma_b2) != 1:
        raise TypeError(f"sigma_b2 must be a sequence of numbers, got {short_repr(sigma_b2)}")
    return np.array([critical_sigma_w2(activation, check_real("sigma_b2", s, min=0))
                     for s in sigma_b2])
