"""Signal propagation through deep random networks: the correlation map, its fixed point, the
depth scales and the phase diagram (Poole et al. 2016; Schoenholz et al. 2017), LSUV (Mishkin &
Matas 2015) and SELU's fixed point (Klambauer et al. 2017). Pure NumPy.

Mean field for weights W ~ N(0, sigma_w^2 / fan_in) and biases b ~ N(0, sigma_b^2): a
pre-activation of variance q goes to q' = sigma_w^2 E[phi(sqrt(q) z)^2] + sigma_b^2 (fixed
point q*, `theory.fixed_point_q`), and two inputs whose pre-activations have variance q* and
correlation c go to

    c' = f(c) = (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2) / q*,
    u1 = sqrt(q*) z1,  u2 = sqrt(q*) (c z1 + sqrt(1 - c^2) z2),  z1, z2 ~ N(0, 1).

f(1) = 1, and its slope f'(c) = sigma_w^2 E[phi'(u1) phi'(u2)] (Price's theorem) is chi_1 at
c = 1. Ordered phase (chi_1 < 1): c* = 1, every pair of inputs ends up alike. Chaotic phase
(chi_1 > 1): c = 1 repels, and a fixed point c* < 1 attracts: nearby inputs decorrelate.
Depth scales (Schoenholz et al. eqs. 6 and 9): q_l - q* ~ exp(-l / xi_q) and
c_l - c* ~ exp(-l / xi_c), with

    xi_q^-1 = -ln chi_q,  chi_q = chi_1 + sigma_w^2 E[phi''(u) phi(u)]  (the slope of q' at q*),
    xi_c^-1 = -ln chi_c,  chi_c = f'(c*) = sigma_w^2 E[phi'(u1) phi'(u2)] at c*.

How the double integral is computed: Mehler's formula. With h_k the normalized (probabilists')
Hermite polynomials and a_k = E[phi(sqrt(q) z) h_k(z)],

    E[phi(u1) phi(u2)] = sum_k a_k^2 c^k,   d/dc E[phi(u1) phi(u2)] = q E[phi'(u1) phi'(u2)],

so the whole correlation map of one q is a power series with nonnegative coefficients (hence
convex on [0, 1]: at most one fixed point below 1), computed from one 1-D rule. The a_k come
from a 200-node Gauss-Hermite rule for k <= 100; the series' tails are closed with the exact
E[phi^2] and E[phi'^2] (1-D, `theory.gaussian_expectation`) so that f(1) and f'(1) are exact.
Relative error <= 1e-6 for tanh over the dashboard's reach (sigma_w^2 <= 4.5, sigma_b^2 <=
0.5, so q* <= 5; tests/test_propagation.py checks it against an independent dense 2-D rule);
it degrades slowly towards `Q_MAX` = 10, beyond which the series is refused. ReLU's map is closed-form (the arc-cosine kernel).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from .activations import Activation, get_activation
from .init import init_weights
from .theory import chi_1, fixed_point_q, gaussian_expectation, gaussian_expectations
from .validation import check_array, check_int, check_real, check_rng

# Where the Hermite series is trusted (q*, the pre-activations' variance). A wider q makes
# phi(sqrt(q) z) sharper and its Hermite coefficients decay more slowly.
Q_MAX = 10.0
N_TERMS = 100
_N_NODES = 200

SELU_LAMBDA = 1.0507009873554804934193349852946
SELU_ALPHA = 1.6732632423543772848170429916717


def _selu(x: np.ndarray) -> np.ndarray:
    return SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0.0)))


def _selu_d(x: np.ndarray) -> np.ndarray:
    return SELU_LAMBDA * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0)))


# SELU is not one of the MLP's activations; it is here for its mean-field fixed point only.
SELU = Activation("selu", _selu, _selu_d, lambda z, h: _selu_d(z), None)


def _act(activation: str | Activation) -> Activation:
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str) and activation.strip().lower() == "selu":
        return SELU
    return get_activation(activation)


def _scales(sigma_w2: float, sigma_b2: float) -> tuple[float, float]:
    return (check_real("sigma_w2", sigma_w2, min=0, include_min=False),
            check_real("sigma_b2", sigma_b2, min=0))


@lru_cache(maxsize=None)
def _hermite_nodes() -> tuple[np.ndarray, np.ndarray]:
    z, w = np.polynomial.hermite_e.hermegauss(_N_NODES)
    return z, w / math.sqrt(2.0 * math.pi)


def hermite_coefficients(activation: str | Activation, q: float | np.ndarray,
                         n_terms: int = N_TERMS) -> np.ndarray:
    """a_k = E[phi(sqrt(q) z) h_k(z)], k = 0..n_terms (h_k orthonormal Hermite), shape q.shape + (n_terms+1,)."""
    act = _act(activation)
    n_terms = check_int("n_terms", n_terms, min=1, max=150)
    q = np.asarray(q, dtype=np.float64)
    if not np.all(np.isfinite(q)) or np.any(q < 0) or np.any(q > Q_MAX):
        raise ValueError(f"q must be variances in [0, {Q_MAX:g}] (Q_MAX: where the Hermite "
                         f"series is accurate), got {q.ravel()[:3]!r}")
    z, w = _hermite_nodes()
    fx = act.fn(np.sqrt(q)[..., None] * z) * w
    out = np.empty(q.shape + (n_terms + 1,))
    h_prev, h = np.zeros_like(z), np.ones_like(z)
    for k in range(n_terms + 1):
        out[..., k] = fx @ h
        h_prev, h = h, (z * h - math.sqrt(k) * h_prev) / math.sqrt(k + 1)
    return out


@dataclass(frozen=True)
class CorrelationSeries:
    """The correlation map at one (sigma_w^2, sigma_b^2) as power series in c (Mehler's formula)."""

    activation: str
    sigma_w2: float
    sigma_b2: float
    q: float                 # the variance the map is taken at (q* by default)
    q_out: float             # the next layer's variance, sigma_w^2 E[phi^2] + sigma_b^2
    a2: np.ndarray           # a_k^2, k = 0..K, with the tail folded into the last term
    tail1: float             # q E[phi'^2] - sum k a_k^2: the slope series' tail

    def value(self, c: float | np.ndarray) -> np.ndarray:
        """f(c) = (sigma_w^2 E[phi(u1) phi(u2)] + sigma_b^2) / q_out (q_out = q at q*)."""
        return _series_value(self.a2, np.asarray(c, dtype=np.float64), self.sigma_w2,
                             self.sigma_b2, self.q_out)

    def slope(self, c: float | np.ndarray) -> np.ndarray:
        """f'(c) = sigma_w^2 q E[phi'(u1) phi'(u2)] / q_out (at q*: sigma_w^2 E[phi' phi'])."""
        return _series_slope(self.a2, self.tail1, np.asarray(c, dtype=np.float64),
                             self.sigma_w2, self.q_out)


_Q_FLOOR = 1e-12  # q* = 0 (the signal dies out): the map is taken at this variance instead


def _series_value(a2, c, sw2, sb2, q):
    k = np.arange(a2.shape[-1])
    return (sw2 * (a2 * c[..., None] ** k).sum(-1) + sb2) / q


def _series_slope(a2, tail1, c, sw2, q):
    k = np.arange(a2.shape[-1])
    ck = c[..., None] ** np.maximum(k - 1, 0)
    return sw2 * ((k * a2 * ck).sum(-1) + tail1 * c ** (a2.shape[-1] - 1)) / q


def _series(act: Activation, sw2: np.ndarray, sb2: np.ndarray, q: np.ndarray):
    """a2 (tail folded in), tail1, q for arrays of (sigma_w2, sigma_b2, q)."""
    q = np.maximum(q, _Q_FLOOR)
    a = hermite_coefficients(act, q)
    a2 = a * a
    m2, d2 = gaussian_expectations([lambda x: act.fn(x) ** 2, lambda x: act.deriv(x) ** 2], q)
    k = np.arange(a2.shape[-1])
    a2[..., -1] += np.maximum(m2 - a2.sum(-1), 0.0)
    tail1 = np.maximum(q * d2 - (k * a2).sum(-1), 0.0)
    return a2, tail1, q


def correlation_series(activation: str | Activation, sigma_w2: float, sigma_b2: float = 0.0,
                       *, q: float | None = None) -> CorrelationSeries:
    """The correlation map c -> f(c) at (sigma_w2, sigma_b2), taken at q (default: q*)."""
    act = _act(activation)
    sw2, sb2 = _scales(sigma_w2, sigma_b2)
    if act.name in ("relu", "linear", "leaky_relu"):
        raise ValueError(f"correlation_series is for smooth bounded activations; for "
                         f"{act.name} use correlation_map (closed form)")
    q = q_star(act, sw2, sb2) if q is None else check_real("q", q, min=0)
    if not q <= Q_MAX:
        raise ValueError(f"q = {q:.3g} at sigma_w2={sw2:g}, sigma_b2={sb2:g} is beyond "
                         f"Q_MAX = {Q_MAX:g}, where the series is accurate")
    a2, tail1, qq = _series(act, np.array(sw2), np.array(sb2), np.array(q))
    q_out = float(sw2 * a2.sum() + sb2)
    return CorrelationSeries(act.name, sw2, sb2, float(qq), q_out, a2, float(tail1))


def _relu_kernel(c: np.ndarray) -> np.ndarray:
    # E[relu(u1) relu(u2)] / q for unit-variance u with correlation c (Cho & Saul 2009)
    c = np.clip(c, -1.0, 1.0)
    return (np.sqrt(1.0 - c * c) + (np.pi - np.arccos(c)) * c) / (2.0 * np.pi)


def correlation_map(activation: str | Activation, c: float | np.ndarray, sigma_w2: float,
                    sigma_b2: float = 0.0, *, q: float | None = None) -> np.ndarray:
    """c_{l+1} = f(c_l) for correlations c in [-1, 1] of inputs of variance q (default q*)."""
    act = _act(activation)
    c = check_array("c", np.asarray(c, dtype=np.float64), allow_empty=True)
    if np.any(np.abs(c) > 1):
        raise ValueError(f"c must be correlations in [-1, 1], got {c[np.abs(c) > 1][:3]!r}")
    sw2, sb2 = _scales(sigma_w2, sigma_b2)
    if act.name == "relu":
        q = q_star(act, sw2, sb2) if q is None else check_real("q", q, min=0)
        if not np.isfinite(q):
            raise ValueError(f"ReLU has no fixed point q* at sigma_w2={sw2:g} >= 2 with "
                             f"sigma_b2={sb2:g}; pass q")
        q = max(q, _Q_FLOOR)
        return (sw2 * q * _relu_kernel(c) + sb2) / (sw2 * q / 2.0 + sb2)
    return correlation_series(act, sw2, sb2, q=q).value(c)


def q_star(activation: str | Activation, sigma_w2: float, sigma_b2: float = 0.0) -> float:
    """The fixed point q* of q -> sigma_w2 E[phi(sqrt(q) z)^2] + sigma_b2 (inf if none)."""
    act = _act(activation)
    sw2, sb2 = _scales(sigma_w2, sigma_b2)
    if act.name == "relu":  # q' = sigma_w2 q / 2 + sigma_b2: linear
        if sw2 < 2.0:
            return sb2 / (1.0 - sw2 / 2.0)
        return 0.0 if sb2 == 0 and sw2 == 2.0 else float("inf")
    if act is SELU:
        return _selu_q_star(sw2, sb2)
    return fixed_point_q(act, sw2, sb2)


def _selu_q_star(sw2: float, sb2: float) -> float:
    # SELU grows linearly for x > 0 and is bounded below: q' / q falls from
    # sw2 lambda^2 (1 + alpha^2) / 2 at q -> 0 towards sw2 lambda^2 / 2 at q -> inf, so the
    # fixed point is the root of g(q) = q' - q, found by bisection.
    m2 = lambda q: float(gaussian_expectation(lambda x: _selu(x) ** 2, q))  # noqa: E731
    g = lambda q: sw2 * m2(q) + sb2 - q  # noqa: E731
    if sw2 * SELU_LAMBDA ** 2 / 2 >= 1.0:
        return float("inf")
    lo, hi = 1e-12, 1.0
    if g(lo) <= 0:
        return 0.0
    while g(hi) > 0:
        hi *= 2.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if g(mid) > 0 else (lo, mid)
        if hi - lo <= 1e-15 * hi:
            break
    return 0.5 * (lo + hi)


def chi_at(activation: str | Activation, sigma_w2: float, q: float) -> float:
    """sigma_w2 E[phi'(sqrt(q) z)^2]: the per-layer gradient factor at variance q."""
    act = _act(activation)
    sw2 = check_real("sigma_w2", sigma_w2, min=0, include_min=False)
    q = check_real("q", q, min=0)
    return float(sw2 * gaussian_expectation(lambda x: act.deriv(x) ** 2, q))


def chi_q(activation: str | Activation, sigma_w2: float, sigma_b2: float = 0.0) -> float:
    """The slope of the q map at q*: chi_1 + sigma_w2 E[phi''(u) phi(u)], u ~ N(0, q*)."""
    act = _act(activation)
    sw2, sb2 = _scales(sigma_w2, sigma_b2)
    q = q_star(act, sw2, sb2)
    if not np.isfinite(q):
        return float("inf")
    q = max(q, _Q_FLOOR)
    # d/dq E[g(sqrt(q) z)] = E[(z^2 - 1) g(sqrt(q) z)] / (2q): no phi'' needed (Stein's
    # identity turns it into chi_1 + sigma_w2 E[phi'' phi]; the tests check both).
    s = math.sqrt(q)
    e = gaussian_expectation(lambda x: ((x / s) ** 2 - 1.0) * act.fn(x) ** 2, q)
    return float(sw2 * e / (2.0 * q))


def fixed_point_c(activation: str | Activation, sigma_w2: float, sigma_b2: float = 0.0) -> float:
    """The stable fixed point c* of the correlation map: 1 when ordered, below 1 when chaotic."""
    return depth_scales(activation, sigma_w2, sigma_b2).c_star


@dataclass(frozen=True)
class DepthScales:
    """Where (sigma_w^2, sigma_b^2) sits: fixed points, slopes, depth scales and phase."""

    activation: str
    sigma_w2: float
    sigma_b2: float
    q_star: float
    c_star: float
    chi_1: float
    chi_q: float
    chi_c: float
    xi_q: float   # layers; inf at chi_q = 1
    xi_c: float   # layers; inf at chi_c = 1 (the critical line)
    phase: str    # "ordered", "critical" or "chaotic"


def _xi(chi: float) -> float:
    if not np.isfinite(chi) or chi <= 0:
        return 0.0 if chi == 0 else float("nan")
    rate = math.log(chi)
    return float("inf") if abs(rate) < 1e-12 else float(-1.0 / rate)


# |chi_1 - 1| below this is the critical line (chi_1 = 1 + 2e-16 at Glorot's (1, 0) is not chaos)
CRITICAL_TOL = 1e-9


def _phase(chi1: float) -> str:
    if abs(chi1 - 1.0) <= CRITICAL_TOL:
        return "critical"
    return "chaotic" if chi1 > 1 else "ordered"


def _bisect_c_star(a2, sw2, sb2, q, iters: int = 60) -> np.ndarray:
    """c* in [0, 1) of the convex series maps with slope > 1 at c = 1 (vectorized)."""
    lo = np.zeros(np.shape(q))
    hi = np.ones(np.shape(q))
    g0 = _series_value(a2, lo, sw2, sb2, q) - lo
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        up = _series_value(a2, mid, sw2, sb2, q) - mid > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    return np.where(g0 <= 0, 0.0, 0.5 * (lo + hi))


def depth_scales(activation: str | Activation, sigma_w2: float,
                 sigma_b2: float = 0.0) -> DepthScales:
    """q*, c*, chi_1, chi_q, chi_c, xi_q, xi_c and the phase at one (sigma_w2, sigma_b2)."""
    act = _act(activation)
    sw2, sb2 = _scales(sigma_w2, sigma_b2)
    q = q_star(act, sw2, sb2)
    if act.name == "relu":
        c1 = sw2 / 2.0
        if not np.isfinite(q):
            # at sw2 = 2 the biases add sb2 per layer: q grows linearly, gradients stay level
            phase = "exploding" if c1 > 1 else "marginal: q grows linearly"
            return DepthScales(act.name, sw2, sb2, q, float("nan"), c1, float("inf"),
                               float("nan"), float("nan"), float("nan"), phase)
        # q' = sw2 q / 2 + sb2: chi_q = sw2 / 2 = chi_1; ordered below sw2 = 2 (c* = 1)
        return DepthScales(act.name, sw2, sb2, q, 1.0, c1, c1, c1, _xi(c1), _xi(c1), _phase(c1))
    c1 = chi_1(act, sw2, sb2) if act is not SELU else chi_at(act, sw2, q)
    cq = chi_q(act, sw2, sb2)
    phase = _phase(c1)
    if phase == "chaotic":
        s = correlation_series(act, sw2, sb2, q=q)
        c_star = float(_bisect_c_star(s.a2, sw2, sb2, s.q_out))
        cc = float(s.slope(c_star))
    else:
        c_star, cc = 1.0, c1
    return DepthScales(act.name, sw2, sb2, float(q), c_star, float(c1), float(cq), float(cc),
                       _xi(cq), _xi(cc), phase)


@dataclass(frozen=True)
class PhaseMaps:
    """q*, chi_1, c*, chi_c, xi_c over a (sigma_b^2, sigma_w^2) grid: arrays [i_b, i_w]."""

    activation: str
    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    q_star: np.ndarray
    chi_1: np.ndarray
    c_star: np.ndarray
    chi_c: np.ndarray
    xi_c: np.ndarray


def q_star_grid(activation: str | Activation, sigma_w2: np.ndarray,
                sigma_b2: np.ndarray) -> np.ndarray:
    """q* of a bounded activation for arrays of (sigma_w2, sigma_b2), by vectorized bisection."""
    act = _act(activation)
    if act.h_max is None:
        raise ValueError(f"q_star_grid is for bounded activations, got {act.name}")
    sw = check_array("sigma_w2", sigma_w2, allow_empty=True)
    sb = check_array("sigma_b2", sigma_b2, allow_empty=True)
    if np.any(sw <= 0) or np.any(sb < 0):
        raise ValueError("sigma_w2 must be > 0 and sigma_b2 >= 0")
    sw, sb = np.broadcast_arrays(sw.astype(np.float64), sb.astype(np.float64))
    z, w = _hermite_nodes()
    rough = lambda q: (act.fn(np.sqrt(q)[..., None] * z) ** 2) @ w  # noqa: E731
    g = lambda q: sw * rough(q) + sb - q  # noqa: E731
    # As theory.fixed_point_q: g < 0 beyond sw (h_max + offset)^2 + sb, and the stable fixed
    # point is the largest root; no root above 0 means q* = 0. Bisection on the 200-node
    # Gauss-Hermite rule (cheap, ~1e-8), then two Newton steps on the package's accurate rule
    # (g' = chi_q - 1 < 0 at a stable fixed point: quadratic convergence).
    lo = np.full(sw.shape, 1e-12)
    hi = sw * (act.h_max + act.h_offset) ** 2 + sb + 1.0
    dead = g(lo) <= 0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        up = g(mid) > 0
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
    q = np.where(dead, 1.0, 0.5 * (lo + hi))
    for _ in range(2):
        s = np.sqrt(q)
        m2, dm2 = gaussian_expectations([lambda x: act.fn(x) ** 2,
                                         lambda x: ((x / s[..., None]) ** 2 - 1.0)
                                         * act.fn(x) ** 2], q)
        q = q - (sw * m2 + sb - q) / (sw * dm2 / (2.0 * q) - 1.0)
    return np.where(dead, 0.0, q)


def _grid(name: str, values: Sequence[float], *, positive: bool) -> np.ndarray:
    v = check_array(name, np.asarray(values, dtype=np.float64), ndim=1)
    if np.any(v < 0) or (positive and np.any(v == 0)):
        raise ValueError(f"{name} must hold numbers {'> 0' if positive else '>= 0'}")
    return v


def phase_maps(activation: str | Activation, sigma_w2: Sequence[float],
               sigma_b2: Sequence[float]) -> PhaseMaps:
    """The phase diagram of a smooth bounded activation over a grid of (sigma_w^2, sigma_b^2)."""
    act = _act(activation)
    if act.h_max is None:
        raise ValueError(f"phase_maps draws bounded activations (tanh, sigmoid, ...); "
                         f"{act.name} is unbounded: use depth_scales point by point")
    sw = _grid("sigma_w2", sigma_w2, positive=True)
    sb = _grid("sigma_b2", sigma_b2, positive=False)
    if sw.max() + sb.max() > Q_MAX:
        raise ValueError(f"sigma_w2 + sigma_b2 must stay <= Q_MAX = {Q_MAX:g} (q* can reach "
                         "it; the series is accurate below)")
    SW, SB = np.meshgrid(sw, sb)
    q = q_star_grid(act, SW, SB)
    c1 = SW * gaussian_expectation(lambda x: act.deriv(x) ** 2, q)
    a2, tail1, _ = _series(act, SW, SB, q)
    q_out = SW * a2.sum(-1) + SB  # = q* (to rounding); f(1) = 1 exactly
    chaotic = c1 > 1.0 + CRITICAL_TOL
    c_star = np.where(chaotic, _bisect_c_star(a2, SW, SB, q_out), 1.0)
    slope = _series_slope(a2, tail1, c_star, SW, q_out)
    chi_c = np.where(chaotic, slope, c1)
    with np.errstate(divide="ignore"):
        rate = np.log(chi_c)
        xi = np.where(np.abs(rate) < 1e-12, np.inf, -1.0 / np.where(rate == 0, 1.0, rate))
    return PhaseMaps(act.name, sw, sb, q, c1, c_star, chi_c, xi)


def critical_line_depth(activation: str | Activation, sigma_w2: Sequence[float],
                        sigma_b2: float, multiple: float = 6.0) -> np.ndarray:
    """multiple * xi_c at each sigma_w2 (the trainable depth of Schoenholz et al.'s Fig. 5)."""
    multiple = check_real("multiple", multiple, min=0, include_min=False)
    sw = _grid("sigma_w2", sigma_w2, positive=True)
    return np.array([multiple * depth_scales(activation, s, sigma_b2).xi_c for s in sw])


# ----------------------------------------------------------------------------- LSUV


@dataclass(frozen=True)
class LSUVResult:
    """Weights and biases after LSUV, with each layer's effective sigma_w^2 and iterations."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    sigma_w2: np.ndarray      # fan_in * mean(W^2) per layer
    iterations: np.ndarray    # rescalings per layer
    z_var: np.ndarray         # Var[z_l] on the batch after the rescaling


def lsuv(sizes: Sequence[int], X: np.ndarray, activation: str | Activation, *,
         rng: np.random.Generator, bias_std: float = 0.0, tol: float = 0.01,
         max_iter: int = 10) -> LSUVResult:
    """Mishkin & Matas's LSUV: orthogonal weights, then each layer rescaled until Var[z_l] = 1 on X."""
    act = _act(activation)
    check_rng("rng", rng)
    if isinstance(sizes, (str, bytes)) or len(sizes) < 2:
        raise ValueError(f"sizes must hold at least 2 widths, got {sizes!r}")
    sizes = [check_int(f"sizes[{i}]", n, min=1) for i, n in enumerate(sizes)]
    X = check_array("X", X, ndim=2)
    if X.shape[1] != sizes[0] or X.shape[0] < 2:
        raise ValueError(f"X must have shape (batch >= 2, {sizes[0]}), got {X.shape}")
    bias_std = check_real("bias_std", bias_std, min=0)
    tol = check_real("tol", tol, min=0, include_min=False, max=1)
    max_iter = check_int("max_iter", max_iter, min=1)
    Ws, bs, its, zv = [], [], [], []
    h = X.astype(np.float64)
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        W = init_weights("orthogonal", fan_in, fan_out, rng=rng)
        b = rng.normal(0.0, bias_std, fan_out) if bias_std > 0 else np.zeros(fan_out)
        n = 0
        z = h @ W + b
        v = float(z.var())
        while abs(v - 1.0) > tol and n < max_iter and v > 0:
            W = W / math.sqrt(v)  # the bias is kept: Var[z] is then near 1 after a few steps
            z = h @ W + b
            v = float(z.var())
            n += 1
        Ws.append(W)
        bs.append(b)
        its.append(n)
        zv.append(v)
        h = act.fn(z)
    sw2 = np.array([W.shape[0] * float(np.mean(W * W)) for W in Ws])
    return LSUVResult(Ws, bs, sw2, np.array(its), np.array(zv))


def lsuv_point(activation: str | Activation, sigma_b2: float = 0.0) -> float:
    """The sigma_w^2 a deep LSUV network settles at: q* = 1, i.e. (1 - sigma_b2) / E[phi(z)^2]."""
    act = _act(activation)
    sb2 = check_real("sigma_b2", sigma_b2, min=0, max=1, include_max=False)
    return float((1.0 - sb2) / gaussian_expectation(lambda x: act.fn(x) ** 2, 1.0))


def selu_fixed_point(sigma_w2: float = 1.0) -> tuple[float, float]:
    """(q*, chi_1) of a SELU network with weights N(0, sigma_w2 / fan_in) and no biases."""
    sw2 = check_real("sigma_w2", sigma_w2, min=0, include_min=False)
    q = _selu_q_star(sw2, 0.0)
    return q, chi_at(SELU, sw2, q) if np.isfinite(q) else float("inf")


def mean_field_trajectory(activation: str | Activation, sigma_w2: float, sigma_b2: float,
                          *, q0: float, c0: float | Sequence[float],
                          depth: int) -> tuple[np.ndarray, np.ndarray]:
    """(q_l, c_l), l = 1..depth, of pairs of inputs with ||x||^2 / n = q0 and correlation c0
    (c0 one number: c_l has shape (depth,); several: (len(c0), depth))."""
    act = _act(activation)
    sw2, sb2 = _scales(sigma_w2, sigma_b2)
    q0 = check_real("q0", q0, min=0, include_min=False)
    c0s = check_array("c0", np.asarray(c0, dtype=np.float64))
    if c0s.ndim > 1 or np.any(np.abs(c0s) > 1):
        raise ValueError(f"c0 must be one correlation or a sequence of them, in [-1, 1], "
                         f"got {c0!r}")
    depth = check_int("depth", depth, min=1, max=10_000)
    c0v = np.atleast_1d(c0s)
    q = np.empty(depth)
    c = np.empty((c0v.size, depth))
    q[0] = sw2 * q0 + sb2  # the input layer is linear: z_1 = W_1 x + b_1
    c[:, 0] = (sw2 * q0 * c0v + sb2) / q[0]
    if act.name == "relu":
        for l in range(1, depth):
            q[l] = sw2 * q[l - 1] / 2.0 + sb2
            c[:, l] = (sw2 * q[l - 1] * _relu_kernel(c[:, l - 1]) + sb2) / q[l]
    else:
        if not np.all(q[:1] <= Q_MAX):
            raise ValueError(f"q_1 = {q[0]:.3g} is beyond Q_MAX = {Q_MAX:g}")
        # the q recursion first (it does not depend on c), then all series at once
        for l in range(1, depth):
            q[l] = sw2 * float(gaussian_expectation(lambda x: act.fn(x) ** 2, q[l - 1])) + sb2
        if np.any(q[:-1] > Q_MAX):
            raise ValueError(f"q_l reaches {q.max():.3g}, beyond Q_MAX = {Q_MAX:g}")
        a2, _, _ = _series(act, np.array(sw2), np.array(sb2), q[:-1])
        k = np.arange(a2.shape[-1])
        for l in range(1, depth):
            c[:, l] = (sw2 * (a2[l - 1] * c[:, l - 1, None] ** k).sum(-1) + sb2) / q[l]
    return q, (c[0] if c0s.ndim == 0 else c)
