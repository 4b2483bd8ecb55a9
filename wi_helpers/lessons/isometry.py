"""Orthogonal initialization and dynamical isometry (notebook 08): pure NumPy.

* The end-to-end Jacobian J = dh_L/dh_0 of a deep network at one input, as the product of the
  layer Jacobians D_l W_l^T (D_l = diag phi'(z_l)), and its singular values.
* The moments theory (Pennington, Schoenholz & Ganguli 2017): at criticality
  (sigma_w^2 mu_1 = 1, mu_k = E[phi'(z)^(2k)] at the fixed point q*) the squared singular
  values of J have mean 1 and variance L (mu_2/mu_1^2 - 1 - s_1), with s_1 = -1 for Gaussian
  and 0 for orthogonal weights: L/p and L (1/p - 1) when phi'^2 is 1 on a fraction p of the
  units and 0 elsewhere (hard-tanh, ReLU).
* Critical points (sigma_w^2, sigma_b^2) for tanh and hard-tanh at a given q*.
* Deep linear networks on a teacher task (Saxe, McClelland & Ganguli 2013): full-batch
  gradient descent, steps to reach a fraction of the initial loss.

Convention as in the rest of the series: z_l = h_{l-1} W_l + b_l, W_l of shape
(fan_in, fan_out); a Gaussian layer has W ~ N(0, sigma_w^2 / fan_in), an orthogonal one is
sigma_w times a Haar-orthogonal matrix (`wi_helpers.init`'s "orthogonal").
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..activations import get_activation
from ..init import init_weights
from ..mlp import MLP
from ..theory import gaussian_expectation, gaussian_expectations
from ..validation import check_choice, check_int, check_real, check_rng

Array = np.ndarray

ACTIVATIONS: tuple[str, ...] = ("linear", "tanh", "hard_tanh", "relu")
INITS: tuple[str, ...] = ("gaussian", "orthogonal")
_ACT_ALIASES = {"hardtanh": "hard_tanh", "hard-tanh": "hard_tanh", "identity": "linear"}


def hard_tanh(z: Array) -> Array:
    """Hard-tanh: z clipped to [-1, 1] (torch.nn.Hardtanh)."""
    return np.clip(z, -1.0, 1.0)


def hard_tanh_deriv(z: Array) -> Array:
    """Derivative of hard-tanh: 1 on |z| < 1, 0 outside."""
    return (np.abs(z) < 1.0).astype(np.float64)


def activation_pair(name: str) -> tuple[Callable[[Array], Array], Callable[[Array], Array]]:
    """(phi, phi') for one of ACTIVATIONS (hard-tanh lives here; the others are the core's)."""
    key = check_choice("activation", name, ACTIVATIONS, aliases=_ACT_ALIASES)
    if key == "hard_tanh":
        return hard_tanh, hard_tanh_deriv
    act = get_activation(key)
    return act.fn, act.deriv


def canonical_activation(name: str) -> str:
    """The canonical name of one of ACTIVATIONS (hard-tanh spelled hard_tanh)."""
    return check_choice("activation", name, ACTIVATIONS, aliases=_ACT_ALIASES)


def canonical_init(init: str) -> str:
    """'gaussian' or 'orthogonal' (aliases: normal, haar)."""
    return check_choice("init", init, INITS, aliases={"normal": "gaussian", "haar": "orthogonal"})


# ------------------------------------------------------------------ critical points


@dataclass(frozen=True)
class CriticalPoint:
    """A point on the critical line chi_1 = 1, with the fixed point q* it keeps."""

    activation: str
    sigma_w2: float
    sigma_b2: float
    q_star: float
    mu1: float      # E[phi'(sqrt(q*) u)^2]
    mu2: float      # E[phi'(sqrt(q*) u)^4]

    @property
    def p_linear(self) -> float:
        """Effective fraction of units in the linear regime, mu_1^2 / mu_2 (exact p for hard-tanh, ReLU)."""
        return self.mu1 * self.mu1 / self.mu2


def critical_point(activation: str, q_star: float = 1.0) -> CriticalPoint:
    """The (sigma_w^2, sigma_b^2) on the critical line whose fixed point is q_star.

    Linear and ReLU are scale-free: sigma_b^2 = 0, sigma_w^2 = 1 and 2, any q* (q_star only
    sets the input's scale). For tanh and hard-tanh, chi_1 = sigma_w^2 mu_1(q*) = 1 fixes
    sigma_w^2 and the fixed-point equation q* = sigma_w^2 E[phi(sqrt(q*) u)^2] + sigma_b^2
    fixes sigma_b^2 >= 0 (every q* > 0 has one: E[phi^2] < q* mu_1 for these two).
    """
    key = canonical_activation(activation)
    q = check_real("q_star", q_star, min=0, include_min=False)
    phi, dphi = activation_pair(key)
    m2, mu1, mu2 = (float(v) for v in gaussian_expectations(
        [lambda x: phi(x) ** 2, lambda x: dphi(x) ** 2, lambda x: dphi(x) ** 4], q))
    if key in ("linear", "relu"):
        sw2 = 1.0 / mu1
        return CriticalPoint(key, sw2, 0.0, q, mu1, mu2)
    sw2 = 1.0 / mu1
    sb2 = max(q - sw2 * m2, 0.0)
    return CriticalPoint(key, sw2, sb2, q, mu1, mu2)


def spectrum_variance_theory(depth: int, p: float, init: str) -> float:
    """Variance of the squared singular values of J (mean 1): L/p (Gaussian), L(1/p - 1) (orthogonal)."""
    L = check_int("depth", depth, min=1)
    p = check_real("p", p, min=0, max=1, include_min=False)
    return L / p if canonical_init(init) == "gaussian" else L * (1.0 / p - 1.0)


# ------------------------------------------------------------------ networks and Jacobians


def draw_weights(init: str, width: int, depth: int, sigma_w2: float, *,
                 rng: np.random.Generator) -> list[Array]:
    """`depth` square (width, width) weight matrices: N(0, sigma_w^2/width) or sigma_w x Haar-orthogonal."""
    init = canonical_init(init)
    width = check_int("width", width, min=1)
    depth = check_int("depth", depth, min=1)
    sigma_w2 = check_real("sigma_w2", sigma_w2, min=0)
    check_rng("rng", rng)
    scheme = "orthogonal" if init == "orthogonal" else "lecun_normal"
    return [init_weights(scheme, width, width, rng=rng, gain=math.sqrt(sigma_w2))
            for _ in range(depth)]


def check_layers(weights: object) -> list[Array]:
    """Check that `weights` is a non-empty list of 2-D arrays whose shapes chain
    ((n0, n1), (n1, n2), ...); return it."""
    if not isinstance(weights, (list, tuple)) or not weights:
        raise ValueError("weights must be a non-empty list of (fan_in, fan_out) matrices, "
                         f"got {type(weights).__name__}")
    for l, W in enumerate(weights):
        if np.ndim(W) != 2:
            raise ValueError(f"weights[{l}] must be a 2-D (fan_in, fan_out) matrix, got shape "
                             f"{np.shape(W)}")
        if l and np.shape(W)[0] != np.shape(weights[l - 1])[1]:
            raise ValueError(f"weights[{l}] has fan_in {np.shape(W)[0]}, but weights[{l - 1}] "
                             f"has fan_out {np.shape(weights[l - 1])[1]}")
    return list(weights)


def jacobian(weights: list[Array], biases: list[Array] | None, activation: str,
             x: Array) -> Array:
    """The end-to-end Jacobian dh_L/dh_0 at one input x (shape (fan_out_L, fan_in_1)).

    J = D_L W_L^T ... D_1 W_1^T, accumulated as its transpose A = W_1 D_1 ... W_L D_L (one
    matrix product per layer, each D_l a column scaling)."""
    phi, dphi = activation_pair(activation)
    check_layers(weights)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.shape[0] != weights[0].shape[0]:
        raise ValueError(f"x must be one input of length {weights[0].shape[0]}, got shape {x.shape}")
    if biases is not None and len(biases) != len(weights):
        raise ValueError(f"biases must hold one vector per layer ({len(weights)}), got {len(biases)}")
    h, A = x, None
    with np.errstate(all="ignore"):
        for l, W in enumerate(weights):
            z = h @ W + (0.0 if biases is None else biases[l])
            d = dphi(z)
            A = W * d if A is None else (A @ W) * d
            h = phi(z)
    return A.T


def forward(weights: list[Array], biases: list[Array] | None, activation: str, x: Array) -> Array:
    """The output h_L of the network at x (one input or a batch of rows)."""
    phi, _ = activation_pair(activation)
    check_layers(weights)
    h = np.asarray(x, dtype=np.float64)
    for l, W in enumerate(weights):
        h = phi(h @ W + (0.0 if biases is None else biases[l]))
    return h


@dataclass(frozen=True)
class Spectrum:
    """Singular values of one network's end-to-end Jacobian, with the summary the notebook reads."""

    singular_values: Array
    activation: str
    init: str
    depth: int
    width: int
    sigma_w2: float
    sigma_b2: float
    q_star: float

    @property
    def lam(self) -> Array:
        """Squared singular values divided by their mean (mean 1)."""
        s2 = self.singular_values ** 2
        return s2 / s2.mean()

    @property
    def variance(self) -> float:
        """Variance of the squared singular values with the mean normalized to 1."""
        return float(np.var(self.lam))

    @property
    def max_lam(self) -> float:
        """Largest squared singular value over the mean."""
        return float(self.lam.max())

    @property
    def max_sv(self) -> float:
        """Largest singular value (not normalized)."""
        return float(self.singular_values.max())

    def condition(self, rtol: float = 1e-8) -> float:
        """Largest over smallest resolved singular value (above rtol x the largest: the product
        of L layers is computed to about L n 1e-16 of its largest singular value)."""
        s = self.singular_values
        nz = s[s > rtol * s.max()]
        return float(nz.max() / nz.min()) if nz.size else float("inf")


def network_spectrum(activation: str, init: str, depth: int, width: int, *, rng: np.random.Generator,
                     q_star: float = 1.0, sigma_w2: float | None = None,
                     sigma_b2: float | None = None) -> Spectrum:
    """Draw a network (weights, biases, an input at the fixed point) and return its Jacobian's spectrum.

    Without sigma_w2/sigma_b2 the network sits at the critical point for q_star. The input is
    x = phi(z_0) with z_0 ~ N(0, q* I), as if a layer at the fixed point came before, so every
    layer's pre-activations (the first one's too) have variance about q* at criticality.
    """
    key = canonical_activation(activation)
    if (sigma_w2 is None) != (sigma_b2 is None):
        raise ValueError("give both sigma_w2 and sigma_b2, or neither (the critical point)")
    if sigma_w2 is None:
        cp = critical_point(key, q_star)
        sigma_w2, sigma_b2 = cp.sigma_w2, cp.sigma_b2
    sigma_w2 = check_real("sigma_w2", sigma_w2, min=0)
    sigma_b2 = check_real("sigma_b2", sigma_b2, min=0)
    q_star = check_real("q_star", q_star, min=0, include_min=False)
    weights = draw_weights(init, width, depth, sigma_w2, rng=rng)
    biases = [rng.normal(0.0, math.sqrt(sigma_b2), width) for _ in range(depth)]
    x = activation_pair(key)[0](rng.normal(0.0, math.sqrt(q_star), width))
    J = jacobian(weights, biases, key, x)
    if not np.isfinite(J).all():
        sv = np.full(width, np.nan)
    else:
        sv = np.linalg.svd(J, compute_uv=False)
    return Spectrum(sv, key, canonical_init(init), depth, width, float(sigma_w2),
                    float(sigma_b2), float(q_star))


# ------------------------------------------------------------------ deep linear networks


def teacher_task(dim: int, n: int, *, rng: np.random.Generator) -> tuple[Array, Array, Array]:
    """A linear regression task (X, Y, T): whitened inputs X (X^T X / n = I), Y = X T.

    The teacher T is a Gaussian matrix N(0, 1/dim), so its singular values spread over
    (0, 2) as a square random matrix's do: strong and weak modes to learn."""
    dim, n = check_int("dim", dim, min=1), check_int("n", n, min=1)
    if n < dim:
        raise ValueError(f"n must be at least dim ({dim}) to whiten the inputs, got {n}")
    check_rng("rng", rng)
    Q, _ = np.linalg.qr(rng.standard_normal((n, dim)))
    X = Q * math.sqrt(n)
    T = rng.normal(0.0, 1.0 / math.sqrt(dim), (dim, dim))
    return X, X @ T, T


def train_deep_linear(weights: list[Array], X: Array, Y: Array, *, lr: float, max_steps: int,
                      threshold: float = 0.01) -> tuple[int | None, Array]:
    """Full-batch gradient descent on Loss = ||X W_1 ... W_L - Y||^2 / (2n), all layers at once.

    Returns (the first step at which the loss is at most `threshold` x the initial loss, or
    None within max_steps; the loss before each step, the last one included). The weights
    are updated in place. dLoss/dW_l = (W_1..W_{l-1})^T G (W_{l+1}..W_L)^T with
    G = dLoss/dM = Cxx M - Cxy for the end-to-end map M = W_1 ... W_L."""
    if not isinstance(weights, list) or not weights:
        raise ValueError("weights must be a non-empty list of square matrices (draw_weights)")
    lr = check_real("lr", lr, min=0, include_min=False)
    max_steps = check_int("max_steps", max_steps, min=0)
    threshold = check_real("threshold", threshold, min=0, include_min=False)
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0] or X.shape[1] != weights[0].shape[0] \
            or Y.shape[1] != weights[-1].shape[1]:
        raise ValueError(f"X and Y must be (n, {weights[0].shape[0]}) and (n, {weights[-1].shape[1]}), "
                         f"got {X.shape} and {Y.shape}")
    n = X.shape[0]
    Cxx, Cxy = X.T @ X / n, X.T @ Y / n
    yy = float(np.sum(Y * Y)) / (2 * n)
    Ws = np.stack(weights)                     # (L, d, d): one array, updated in place
    L, d = Ws.shape[0], Ws.shape[1]
    pre = np.empty_like(Ws)                    # pre[l] = W_1 ... W_{l}   (pre[0] = I)
    suf = np.empty_like(Ws)                    # suf[l] = W_{l+2} ... W_L (suf[L-1] = I)
    eye = np.eye(d)
    losses, hit = [], None
    with np.errstate(all="ignore"):
        for step in range(max_steps + 1):
            pre[0] = eye
            for l in range(1, L):
                np.matmul(pre[l - 1], Ws[l - 1], out=pre[l])
            M = pre[-1] @ Ws[-1]
            loss = 0.5 * float(np.sum(M * (Cxx @ M))) - float(np.sum(M * Cxy)) + yy
            losses.append(loss)
            if loss <= threshold * losses[0]:
                hit = step
                break
            if step == max_steps or not np.isfinite(loss):
                break
            suf[-1] = eye
            for l in range(L - 2, -1, -1):
                np.matmul(Ws[l + 1], suf[l + 1], out=suf[l])
            G = Cxx @ M - Cxy
            Ws -= lr * (pre.transpose(0, 2, 1) @ G @ suf.transpose(0, 2, 1))
    for W, new in zip(weights, Ws):
        W[...] = new
    return hit, np.array(losses)


def train_regression(net: MLP, X: Array, Y: Array, *, lr: float, max_steps: int,
                     threshold: float = 0.0) -> tuple[int | None, Array]:
    """Full-batch gradient descent of an MLP on Loss = ||net(X) - Y||^2 / (2n).

    Returns (the first step with loss <= threshold x the initial loss, or None; the loss
    before each step). With threshold 0 it runs all max_steps steps."""
    if not isinstance(net, MLP):
        raise TypeError(f"net must be an MLP, got {type(net).__name__}")
    lr = check_real("lr", lr, min=0, include_min=False)
    max_steps = check_int("max_steps", max_steps, min=0)
    threshold = check_real("threshold", threshold, min=0)
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    n = X.shape[0]
    losses, hit = [], None
    with np.errstate(all="ignore"):
        for step in range(max_steps + 1):
            r = net.forward(X) - Y
            loss = 0.5 * float(np.sum(r * r)) / n
            losses.append(loss)
            if threshold > 0 and loss <= threshold * losses[0]:
                hit = step
                break
            if step == max_steps or not np.isfinite(loss):
                break
            net.sgd_step(r / n, lr)
    return hit, np.array(losses)


class DrawCache:
    """Unit-scale random layers for one (init, width, seed), extended as depth grows.

    Weights come from default_rng([seed, 0]) one layer after another (a deeper network starts
    with the same layers), the bias directions from default_rng([seed, 1]) and the input's
    from default_rng([seed, 2]); sigma_w, sigma_b and q* only rescale them, so a dashboard
    that moves those sliders draws nothing new."""

    def __init__(self, init: str, width: int, seed: int):
        """Start an empty cache for these weights (nothing is drawn yet)."""
        self.init = canonical_init(init)
        self.width = check_int("width", width, min=1)
        self.seed = check_int("seed", seed, min=0)
        self._w_rng = np.random.default_rng([self.seed, 0])
        self.weights: list[Array] = []
        b_rng, x_rng = np.random.default_rng([self.seed, 1]), np.random.default_rng([self.seed, 2])
        self._b_rng = b_rng
        self.biases: list[Array] = []
        self.u = x_rng.standard_normal(self.width)

    def layers(self, depth: int) -> tuple[list[Array], list[Array]]:
        """The first `depth` unit-scale weight matrices and unit-variance bias vectors."""
        depth = check_int("depth", depth, min=1)
        while len(self.weights) < depth:
            self.weights += draw_weights(self.init, self.width, 1, 1.0, rng=self._w_rng)
            self.biases.append(self._b_rng.standard_normal(self.width))
        return self.weights[:depth], self.biases[:depth]

    def spectrum(self, activation: str, depth: int, q_star: float) -> Spectrum:
        """The Jacobian spectrum of the network at the critical point for q_star."""
        key = canonical_activation(activation)
        cp = critical_point(key, q_star)
        Ws, bs = self.layers(depth)
        sw, sb = math.sqrt(cp.sigma_w2), math.sqrt(cp.sigma_b2)
        x = activation_pair(key)[0](math.sqrt(q_star) * self.u)
        J = jacobian([sw * W for W in Ws], [sb * b for b in bs], key, x)
        sv = (np.linalg.svd(J, compute_uv=False) if np.isfinite(J).all()
              else np.full(self.width, np.nan))
        return Spectrum(sv, key, self.init, depth, self.width, cp.sigma_w2, cp.sigma_b2, q_star)


def finite_difference_jacobian(weights: list[Array], biases: list[Array] | None, activation: str,
                               x: Array, eps: float = 1e-6) -> Array:
    """dh_L/dh_0 by central differences, one input direction at a time (a reference for `jacobian`)."""
    eps = check_real("eps", eps, min=0, include_min=False)
    x = np.asarray(x, dtype=np.float64)
    E = np.eye(x.shape[0]) * eps
    plus = forward(weights, biases, activation, x + E)     # row i: x + eps e_i
    minus = forward(weights, biases, activation, x - E)
    return ((plus - minus) / (2 * eps)).T


# ------------------------------------------------------------------ drawing orthogonal matrices


def qr_orthogonal(rows: int, cols: int, *, rng: np.random.Generator,
                  sign_fix: bool = True) -> Array:
    """A (rows, cols) matrix with orthonormal columns (rows >= cols) or rows, by QR of a Gaussian.

    With sign_fix (torch.nn.init.orthogonal_, Keras Orthogonal, Mezzadri 2007) the columns of Q
    are multiplied by the signs of R's diagonal, which makes Q Haar-distributed; without it Q
    inherits the sign convention of the QR routine and is not."""
    rows, cols = check_int("rows", rows, min=1), check_int("cols", cols, min=1)
    check_rng("rng", rng)
    big, small = max(rows, cols), min(rows, cols)
    Q, R = np.linalg.qr(rng.standard_normal((big, small)))
    if sign_fix:
        Q = Q * np.where(np.diag(R) < 0, -1.0, 1.0)
    return Q if rows >= cols else Q.T


def delta_orthogonal(k: int, c_in: int, c_out: int, *, rng: np.random.Generator,
                     gain: float = 1.0) -> Array:
    """Delta-orthogonal 1-D conv kernel (k, c_in, c_out) (Xiao et al. 2018): zero except the centre tap.

    The centre tap is gain x an orthogonal (c_in, c_out) matrix with orthonormal rows, so it
    needs c_out >= c_in; k must be odd (a centre)."""
    k = check_int("k", k, min=1)
    if k % 2 == 0:
        raise ValueError(f"k (kernel size) must be odd so that the kernel has a centre, got {k}")
    c_in, c_out = check_int("c_in", c_in, min=1), check_int("c_out", c_out, min=1)
    if c_out < c_in:
        raise ValueError(f"c_out must be >= c_in for an isometry (orthonormal rows), got "
                         f"c_in={c_in}, c_out={c_out}")
    gain = check_real("gain", gain, min=0)
    K = np.zeros((k, c_in, c_out))
    K[k // 2] = gain * qr_orthogonal(c_in, c_out, rng=rng)
    return K


def conv1d_circular(x: Array, K: Array) -> Array:
    """A 1-D convolution with circular padding: x (length, c_in), K (k, c_in, c_out) -> (length, c_out)."""
    x, K = np.asarray(x, dtype=np.float64), np.asarray(K, dtype=np.float64)
    if x.ndim != 2 or K.ndim != 3 or K.shape[1] != x.shape[1]:
        raise ValueError(f"x must be (length, c_in) and K (k, c_in, c_out) with the same c_in, "
                         f"got {x.shape} and {K.shape}")
    k = K.shape[0]
    return sum(np.roll(x, k // 2 - j, axis=0) @ K[j] for j in range(k))
