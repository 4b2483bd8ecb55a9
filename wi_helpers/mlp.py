"""A fully connected network with a hand-written backward pass, in Glorot & Bengio's notation.

Layer l (1..L) maps h[l-1] to z[l] = h[l-1] @ W[l] + b[l] and h[l] = phi(z[l]), with W[l]
of shape (fan_in, fan_out) = (sizes[l-1], sizes[l]) and h[0] = X. In code the lists are
0-based: `weights[0]` is W[1].
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .activations import Activation, get_activation
from .init import _check_positive_number, canonical_scheme, init_weights

# One forward+backward call may hold at most this many bytes of arrays (activations,
# gradients, weights); larger requests are refused before allocating, instead of swapping.
MAX_BYTES = 400 * 2**20


def footprint_bytes(sizes: Sequence[int], batch: int, dtype=np.float64) -> int:
    """Bytes of the arrays one forward+backward pass keeps for these sizes and batch."""
    itemsize = np.dtype(dtype).itemsize
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    # z, h, dL/dz, dL/dh for every layer; W and dL/dW
    return itemsize * (4 * batch * sum(sizes) + 2 * n_weights)


def check_sizes(sizes: object) -> list[int]:
    """Validate a list of layer widths (at least two positive integers) and return it."""
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) and not (
            isinstance(sizes, np.ndarray) and sizes.ndim == 1):
        raise TypeError(f"sizes must be a sequence of layer widths such as [784, 256, 10], "
                        f"got {type(sizes).__name__} {sizes!r}")
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"sizes must hold at least 2 widths (input and one layer), got {sizes!r}")
    for i, n in enumerate(sizes):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"sizes[{i}] must be a positive integer, got {n!r} in sizes={sizes!r}")
    return [int(n) for n in sizes]


@dataclass
class Gradients:
    """Gradients of L = sum(output * grad_output); lists indexed like MLP.weights / MLP.h."""

    W: list[np.ndarray | None]  # None when backward(..., weight_grads=False)
    b: list[np.ndarray | None]
    z: list[np.ndarray]
    h: list[np.ndarray]  # h[0] is dL/dX


class MLP:
    """A multilayer perceptron: weights drawn by an init scheme, forward and backward passes."""

    def __init__(self, sizes: Sequence[int], *, activation: str = "tanh",
                 init: str = "glorot_uniform", gain: float = 1.0, std: float | None = None,
                 bias_std: float = 0.0, output_activation: str | None = None,
                 seed: int | None = None, dtype=np.float64):
        self.sizes = check_sizes(sizes)
        self.init = canonical_scheme(init)
        self.activation = get_activation(activation)
        self.output_activation = (self.activation if output_activation is None
                                  else get_activation(output_activation))
        bias_std = _check_positive_number("bias_std", bias_std)
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {self.dtype}")
        if footprint_bytes(self.sizes, 0, self.dtype) > MAX_BYTES:
            raise ValueError(f"sizes={self.sizes} need {footprint_bytes(self.sizes, 0, dtype) / 2**20:.0f} MB "
                             f"of weights; the limit is {MAX_BYTES / 2**20:.0f} MB (MAX_BYTES)")
        self.gain, self.std, self.bias_std = gain, std, bias_std
        rng = np.random.default_rng(seed)
        # All weights first, layer by layer, then the biases: a network one layer deeper, or
        # with another bias_std, starts with the very same weights.
        self.weights = [init_weights(self.init, fan_in, fan_out, rng=rng, gain=gain, std=std)
                        .astype(self.dtype, copy=False)
                        for fan_in, fan_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.biases = [(rng.normal(0.0, bias_std, fan_out) if bias_std > 0
                        else np.zeros(fan_out)).astype(self.dtype, copy=False)
                       for fan_out in self.sizes[1:]]
        self.z: list[np.ndarray] | None = None
        self.h: list[np.ndarray] | None = None

    @property
    def depth(self) -> int:
        """Number of layers L (weight matrices)."""
        return len(self.sizes) - 1

    @property
    def activations(self) -> list[Activation]:
        """The activation of each layer (the last one may be the output activation)."""
        return [self.activation] * (self.depth - 1) + [self.output_activation]

    def __repr__(self) -> str:
        return (f"MLP(sizes={self.sizes}, activation={self.activation.name!r}, "
                f"init={self.init!r}, gain={self.gain}, dtype={self.dtype.name})")

    def _check_params(self) -> None:
        # Learners may assign new arrays to weights/biases; catch a wrong shape here with
        # its layer named, instead of a matmul error deep inside.
        for name, arrays, shapes in (
                ("weights", self.weights, list(zip(self.sizes[:-1], self.sizes[1:]))),
                ("biases", self.biases, [(n,) for n in self.sizes[1:]])):
            if len(arrays) != self.depth:
                raise ValueError(f"{name} must hold {self.depth} arrays, got {len(arrays)}")
            for l, (A, shape) in enumerate(zip(arrays, shapes)):
                if np.shape(A) != shape:
                    raise ValueError(f"{name}[{l}] must have shape {shape}, got {np.shape(A)}")

    def forward(self, X: np.ndarray) -> np.ndarray:
        """Return the output for a batch X of shape (batch, sizes[0]); keep z and h."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(f"X must have shape (batch, {self.sizes[0]}) to match sizes[0], "
                             f"got shape {X.shape}")
        if X.shape[0] < 1:
            raise ValueError("X must hold at least one example (batch >= 1)")
        if not np.issubdtype(X.dtype, np.number) or not np.isfinite(X).all():
            raise ValueError("X must be finite numbers (found nan, inf or a non-numeric dtype)")
        need = footprint_bytes(self.sizes, X.shape[0], self.dtype)
        if need > MAX_BYTES:
            raise ValueError(f"batch={X.shape[0]} with sizes={self.sizes} needs {need / 2**20:.0f} MB; "
                             f"the limit is {MAX_BYTES / 2**20:.0f} MB (MAX_BYTES): use a smaller "
                             "batch or narrower layers")
        self._check_params()
        h = X.astype(self.dtype, copy=False)
        self.h, self.z = [h], []
        # An exploding network is part of the lesson: let values overflow to inf/nan
        # silently; statistics report from which layer on.
        with np.errstate(all="ignore"):
            for W, b, act in zip(self.weights, self.biases, self.activations):
                z = h @ W
                z += b
                h = act.fn(z)
                self.z.append(z)
                self.h.append(h)
        return h

    def backward(self, grad_output: np.ndarray, *, weight_grads: bool = True) -> Gradients:
        """Gradients of L = sum(output * grad_output) for the last forward pass.

        With weight_grads=False only dL/dz and dL/dh are computed (W and b hold None): the
        signal-propagation probes need no weight gradients, and skip one matmul per layer.
        """
        if not isinstance(weight_grads, (bool, np.bool_)):
            raise TypeError(f"weight_grads must be True or False, got {weight_grads!r}")
        if self.h is None or self.z is None:
            raise RuntimeError("backward() needs the activations of a forward pass: "
                               "call net.forward(X) first")
        grad_output = np.asarray(grad_output)
        if grad_output.shape != self.h[-1].shape:
            raise ValueError(f"grad_output must have the output's shape {self.h[-1].shape}, "
                             f"got {grad_output.shape}")
        L = self.depth
        gW, gb, gz = [None] * L, [None] * L, [None] * L
        gh = [None] * (L + 1)
        gh[L] = grad_output.astype(self.dtype, copy=False)
        with np.errstate(all="ignore"):
            for l in reversed(range(L)):
                act = self.activations[l]
                # phi'(z) computed from the stored h where cheaper; then scaled in place
                gz[l] = act.deriv_from_output(self.z[l], self.h[l + 1])
                gz[l] *= gh[l + 1]
                if weight_grads:
                    gW[l] = self.h[l].T @ gz[l]
                    gb[l] = gz[l].sum(axis=0)
                gh[l] = gz[l] @ self.weights[l].T
        return Gradients(W=gW, b=gb, z=gz, h=gh)
