"""Residual networks with LayerNorm or BatchNorm, forward and backward written out (notebook 10).

Block l (1..L) maps h[l-1] to h[l] = h[l-1] + alpha F(h[l-1]) (alpha = `spec.residual_scale`;
a plain network, alpha None, has h[l] = F(h[l-1])). The branch F is `spec.branch_layers`
layers, each "activation, then linear" as in the pre-activation ResNet (He et al. 2016):
a -> phi(N(a)) W with N the normalization when `norm_position == "pre"` (N = identity
otherwise). With "post" the block's output is N(h[l-1] + alpha F(h[l-1])) (post-LN). A "pre"
network ends with N(h[L]) (the final LayerNorm of GPT-2). BatchNorm uses the batch's own
statistics (training mode), LayerNorm each example's; both at init (gain 1, shift 0), eps 1e-5.
All widths are equal (sizes = [n] * (L + 1)); biases are zero.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .init import init_weights_unchecked
from .spec import NetworkSpec
from .validation import check_array

__all__ = ["EPS", "ResidualMLP", "ResidualGradients", "normalize", "normalize_backward",
           "variance_theory"]

EPS = 1e-5


def normalize(x: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(y, 1/std): x normalized over the batch (kind "batch") or the features ("layer")."""
    axis = 0 if kind == "batch" else 1
    mu = x.mean(axis=axis, keepdims=True)
    inv = 1.0 / np.sqrt(x.var(axis=axis, keepdims=True) + EPS)
    return (x - mu) * inv, inv


def normalize_backward(dy: np.ndarray, y: np.ndarray, inv: np.ndarray, kind: str) -> np.ndarray:
    """dL/dx from dL/dy for y = normalize(x, kind)."""
    axis = 0 if kind == "batch" else 1
    return inv * (dy - dy.mean(axis=axis, keepdims=True)
                  - y * (dy * y).mean(axis=axis, keepdims=True))


@dataclass
class ResidualGradients:
    """Gradients of L = sum(output * grad_output): W[l][k] per block and branch layer, alpha
    per block, h[l] = dL/dh_l (h[0] is dL/dX)."""

    W: list[list[np.ndarray]]
    alpha: list[float]
    h: list[np.ndarray]


class ResidualMLP:
    """A residual (or plain) network with optional normalization, built from a NetworkSpec."""

    def __init__(self, spec: NetworkSpec):
        """Draw the weights of `spec` (use `from_spec`)."""
        if not isinstance(spec, NetworkSpec):
            raise TypeError(f"spec must be a NetworkSpec, got {type(spec).__name__}")
        if len(set(spec.sizes)) != 1:
            raise ValueError(f"a ResidualMLP needs equal widths (sizes = [n] * (L + 1)), "
                             f"got sizes={list(spec.sizes)}")
        if spec.bias_std != 0 or spec.output_activation is not None:
            raise ValueError("a ResidualMLP has zero biases and no output activation: leave "
                             "bias_std=0 and output_activation=None")
        self.spec = spec
        n, rng = spec.sizes[0], np.random.default_rng(spec.seed)
        self.weights = [[init_weights_unchecked(spec.init, n, n, rng, spec.gain, spec.std,
                                                spec.fan_mode).astype(spec.dtype, copy=False)
                         for _ in range(spec.branch_layers)] for _ in range(spec.depth)]
        self.alpha = [spec.residual_scale] * spec.depth  # None for a plain network
        self.h: list[np.ndarray] | None = None

    @classmethod
    def from_spec(cls, spec: NetworkSpec) -> "ResidualMLP":
        """The network a `NetworkSpec` describes (the same as `ResidualMLP(spec)`)."""
        return cls(spec)

    @property
    def depth(self) -> int:
        """Number of blocks L."""
        return self.spec.depth

    def _norm(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        if self.spec.normalization is None:
            return x, None
        return normalize(x, self.spec.normalization)

    def _denorm(self, dy: np.ndarray, y: np.ndarray, inv: np.ndarray | None) -> np.ndarray:
        return dy if inv is None else normalize_backward(dy, y, inv, self.spec.normalization)

    def forward(self, X: np.ndarray) -> np.ndarray:
        """The output for a batch X of shape (batch, n); keeps h (the residual stream)."""
        X = check_array("X", X)
        if X.ndim != 2 or X.shape[1] != self.spec.sizes[0] or X.shape[0] < 1:
            raise ValueError(f"X must have shape (batch, {self.spec.sizes[0]}), got {X.shape}")
        spec, act = self.spec, self.spec.activation
        pre = spec.norm_position == "pre"
        h = X.astype(spec.dtype, copy=False)
        self.h, self._cache = [h], []
        with np.errstate(all="ignore"):
            for Ws, alpha in zip(self.weights, self.alpha):
                a, layers = h, []
                for W in Ws:
                    n_, inv = self._norm(a) if pre else (a, None)
                    p = act.fn(n_)
                    layers.append((n_, inv, p))
                    a = p @ W
                s = a if alpha is None else h + alpha * a
                out, inv = (s, None) if pre else self._norm(s)
                self._cache.append((layers, a, out, inv))
                h = out
                self.h.append(h)
            self._final = self._norm(h) if pre else (h, None)
        return self._final[0]

    def backward(self, grad_output: np.ndarray) -> ResidualGradients:
        """Gradients of L = sum(output * grad_output) for the last forward pass."""
        if self.h is None:
            raise RuntimeError("call forward(X) before backward()")
        g = check_array("grad_output", grad_output)
        if g.shape != self.h[-1].shape:
            raise ValueError(f"grad_output must have shape {self.h[-1].shape}, got {g.shape}")
        act, L = self.spec.activation, self.depth
        gW, galpha, gh = [None] * L, [0.0] * L, [None] * (L + 1)
        with np.errstate(all="ignore"):
            g = self._denorm(g, *self._final)
            gh[L] = g
            for l in reversed(range(L)):
                layers, f, out, inv = self._cache[l]
                ds = self._denorm(g, out, inv)
                alpha = self.alpha[l]
                if alpha is None:
                    da, dh = ds, 0.0
                else:
                    galpha[l] = float((ds * f).sum())
                    da, dh = alpha * ds, ds
                gW[l] = [None] * len(layers)
                for k in reversed(range(len(layers))):
                    n_, inv_k, p = layers[k]
                    gW[l][k] = p.T @ da
                    dp = da @ self.weights[l][k].T
                    dn = act.deriv(n_) * dp
                    da = self._denorm(dn, n_, inv_k)
                g = dh + da
                gh[l] = g
        return ResidualGradients(W=gW, alpha=galpha, h=gh)


def _second_moment(act_fn, q: float, nodes: np.ndarray, weights: np.ndarray) -> float:
    """E[phi(sqrt(q) g)^2] for g ~ N(0, 1), by Gauss-Hermite quadrature."""
    return float(weights @ act_fn(np.sqrt(q) * nodes) ** 2)


def variance_theory(spec: NetworkSpec, q0: float = 1.0) -> np.ndarray:
    """Predicted mean of h_l^2 (l = 0..L) of a ResidualMLP at init, h_0 of second moment q0.

    Each branch layer maps second moment q to sigma_w^2 n E[phi(sqrt(q) g)^2] (q = 1 after a
    normalization); a block adds alpha^2 times its branch (the branch is zero-mean and
    uncorrelated with h); a post-normalized block returns 1. Mean-field: width -> infinity.
    """
    x, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    n = spec.sizes[0]
    s2n = spec.weight_var()[0] * n
    fn, alpha = spec.activation.fn, spec.residual_scale
    qs = [float(q0)]
    for _ in range(spec.depth):
        q = qs[-1]
        v = q
        for _k in range(spec.branch_layers):
            if spec.normalization is not None and spec.norm_position == "pre":
                v = 1.0
            v = s2n * _second_moment(fn, v, x, w)
        q = v if alpha is None else q + alpha ** 2 * v
        if spec.normalization is not None and spec.norm_position == "post":
            q = 1.0
        qs.append(q)
    return np.array(qs)
