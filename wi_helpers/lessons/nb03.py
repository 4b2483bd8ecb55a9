"""Numerics of notebook 03 (tanh's zero mean); pure NumPy.

* `CENTRED_SIGMOID`: sigma(x) - 1/2, the logistic shifted to zero mean (an `Activation`,
  usable as `MLP(..., activation=CENTRED_SIGMOID)`; notebook 05 and scripts use it too).
* `single_signed_fraction` / `per_example_single_signed`: the zig-zag argument, how often
  all weight gradients into a unit share one sign.
* `zigzag_sgd`: SGD on one linear unit with all-positive or centred inputs.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..activations import Activation, get_activation
from ..mlp import MLP, Gradients
from ..validation import check_int, check_real, check_rng

# ------------------------------------------------------------------ centred sigmoid


_LOGISTIC = get_activation("sigmoid")


def _centred_sigmoid(z: np.ndarray) -> np.ndarray:
    return _LOGISTIC.fn(z) - 0.5


def _centred_sigmoid_d(z: np.ndarray) -> np.ndarray:
    return _LOGISTIC.deriv(z)


# h = sigma - 1/2, so sigma (1 - sigma) = (1/2 + h)(1/2 - h) = 1/4 - h^2.
CENTRED_SIGMOID = Activation("centred_sigmoid", _centred_sigmoid, _centred_sigmoid_d,
                             lambda z, h: 0.25 - h * h, 0.5)


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
    n_steps = check_int("n_steps", n_steps, min=1)
    lr = check_real("lr", lr, min=0, include_min=False)
    rng = check_rng("rng", rng)
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
