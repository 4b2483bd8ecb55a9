"""A fully connected network with a hand-written backward pass, in Glorot & Bengio's notation.

Layer l (1..L) maps h[l-1] to z[l] = h[l-1] @ W[l] + b[l] and h[l] = phi(z[l]), with W[l]
of shape (fan_in, fan_out) = (sizes[l-1], sizes[l]) and h[0] = X. In code the lists are
0-based: `weights[0]` is W[1].
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import numpy as np

from .activations import Activation
from .init import init_weights_unchecked
from .spec import MAX_DEPTH, NetworkSpec, check_sizes
from .validation import check_array, check_bool, check_float_dtype, check_int, check_real, short_repr

__all__ = ["MAX_BYTES", "MAX_DEPTH", "REUSE_MAX_DEPTH", "ARRAY_OVERHEAD", "MLP", "Gradients",
           "NetworkSpec", "check_footprint", "check_sizes", "footprint_bytes"]

# One forward+backward call may hold at most this many bytes of arrays (activations,
# gradients, weights); larger requests are refused before allocating, instead of swapping.
MAX_BYTES = 400 * 2**20
# Networks up to this depth keep what `MLP(reuse=...)` needs (the generator state after each
# layer); the dashboards go to 100 layers.
REUSE_MAX_DEPTH = 1000
# Bytes of one small ndarray besides its data (object header, shape and strides, list slot),
# measured with tracemalloc: a forward+backward pass of [1] * 5001 holds about 1.3-1.5 kB per layer.
ARRAY_OVERHEAD = 192
# Arrays a forward+backward pass keeps per layer: W, b, z, h, dL/dz, dL/dh, dL/dW, dL/db.
_ARRAYS_PER_LAYER = 8


def _footprint(sizes: Sequence[int], batch: int, itemsize: int) -> int:
    n_weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    n_biases = sum(sizes[1:])
    # z, h, dL/dz, dL/dh for every layer; W, b and their gradients; per-array overhead,
    # which dominates for many narrow layers ([1] * 10**4 holds 10**4 tiny arrays per list)
    return (itemsize * (4 * batch * sum(sizes) + 2 * n_weights + 2 * n_biases)
            + ARRAY_OVERHEAD * _ARRAYS_PER_LAYER * (len(sizes) - 1))


def footprint_bytes(sizes: Sequence[int], batch: int, dtype=np.float64) -> int:
    """Bytes of the arrays one forward+backward pass keeps for these sizes and batch."""
    sizes = check_sizes(sizes)
    batch = check_int("batch", batch, min=0)
    return _footprint(sizes, batch, check_float_dtype("dtype", dtype).itemsize)


def _refuse_footprint(need: int, sizes: Sequence[int], batch: int) -> None:
    if need <= MAX_BYTES:
        return
    if batch == 0:
        raise ValueError(f"sizes={short_repr(list(sizes))} need {need / 2**20:.0f} MB of "
                         f"weights; the limit is {MAX_BYTES / 2**20:.0f} MB (MAX_BYTES)")
    raise ValueError(f"batch={batch} with sizes={short_repr(list(sizes))} needs "
                     f"{need / 2**20:.0f} MB; the limit is {MAX_BYTES / 2**20:.0f} MB "
                     "(MAX_BYTES): use a smaller batch or narrower layers")


def check_footprint(sizes: Sequence[int], batch: int, dtype=np.float64, *, extra: int = 0) -> int:
    """Raise ValueError, before anything is allocated, when a pass would exceed MAX_BYTES."""
    need = footprint_bytes(sizes, batch, dtype) + int(extra)
    _refuse_footprint(need, sizes, batch)
    return need


@dataclass
class Gradients:
    """Gradients of L = sum(output * grad_output); lists indexed like MLP.weights / MLP.h."""

    W: list[np.ndarray | None]  # None when backward(..., weight_grads=False)
    b: list[np.ndarray | None]
    z: list[np.ndarray]
    h: list[np.ndarray]  # h[0] is dL/dX


class MLP:
    """A multilayer perceptron: weights drawn by an init scheme, forward and backward passes.

    `net.spec` (a `NetworkSpec`) says which network it is; `net.init`, `net.gain`, ... read it.
    """

    def __init__(self, sizes: Sequence[int], *, activation: str | Activation = "tanh",
                 init: str = "glorot_uniform", gain: float = 1.0, std: float | None = None,
                 bias_std: float = 0.0, output_activation: str | Activation | None = None,
                 seed: int | None = None, dtype=np.float64, fan_mode: str = "fan_in",
                 reuse: "MLP | None" = None):
        """The arguments are `NetworkSpec`'s (`fan_mode`: the fan of the He and LeCun schemes,
        see `init.weight_std`). `reuse`: an earlier MLP; the weights of the leading layers
        whose `spec.weight_key` agree (same sizes, init, gain, std, fan mode, seed and dtype)
        are taken from it (the very same arrays) instead of drawn again. The result is
        identical to a fresh draw (the draws continue from the generator state stored after
        those layers); it only saves time (the dashboards' depth slider)."""
        spec = NetworkSpec(sizes, activation=activation, init=init, gain=gain, std=std,
                           fan_mode=fan_mode, bias_std=bias_std,
                           output_activation=output_activation, seed=seed, dtype=dtype)
        self._build(spec, reuse)

    @classmethod
    def from_spec(cls, spec: NetworkSpec, *, reuse: "MLP | None" = None) -> "MLP":
        """The network a `NetworkSpec` describes (`reuse`: as in `MLP(...)`)."""
        if not isinstance(spec, NetworkSpec):
            raise TypeError(f"spec must be a NetworkSpec, got {type(spec).__name__}")
        net = cls.__new__(cls)
        net._build(spec, reuse)
        return net

    def _build(self, spec: NetworkSpec, reuse: "MLP | None") -> None:
        if reuse is not None and not isinstance(reuse, MLP):
            raise TypeError(f"reuse must be an MLP or None, got {type(reuse).__name__}")
        if not spec.is_plain_mlp:
            raise ValueError("MLP builds plain networks; a spec with residual_scale, "
                             "normalization, norm_position or branch_layers set is built by "
                             "wi_helpers.residual.ResidualMLP.from_spec(spec)")
        self.spec, self.sizes = spec, list(spec.sizes)
        self._acts = tuple(spec.layer_activation(l) for l in range(spec.depth))
        itemsize = spec.dtype.itemsize
        # The weights are drawn in float64 before the cast: count that copy of the largest layer.
        largest = max(a * b for a, b in zip(self.sizes[:-1], self.sizes[1:]))
        _refuse_footprint(_footprint(self.sizes, 0, itemsize) + 8 * largest, self.sizes, 0)
        # _footprint is affine in the batch: keep its two coefficients for forward's check
        fixed = _footprint(self.sizes, 0, itemsize)
        self._footprint = (fixed, _footprint(self.sizes, 1, itemsize) - fixed)
        rng = np.random.default_rng(spec.seed)
        # All weights first, layer by layer, then the biases: a network one layer deeper, or
        # with another bias_std, starts with the very same weights.
        self.weights, self._rng_states = self._lent_weights(reuse)
        if self.weights:
            rng.bit_generator.state = self._rng_states[-1]
        # The generator state after each layer's draw (~0.5 kB each) is kept only for networks
        # a dashboard can show; deeper ones are drawn afresh and lend nothing.
        keep_states = self.depth <= REUSE_MAX_DEPTH
        scale = (spec.gain, spec.std, spec.fan_mode)
        for fan_in, fan_out in zip(self.sizes[len(self.weights):-1],
                                   self.sizes[len(self.weights) + 1:]):
            W = init_weights_unchecked(spec.init, fan_in, fan_out, rng, *scale)
            self.weights.append(W.astype(spec.dtype, copy=False))
            if keep_states:
                self._rng_states.append(rng.bit_generator.state)
        self.biases = [(rng.normal(0.0, spec.bias_std, fan_out) if spec.bias_std > 0
                        else np.zeros(fan_out)).astype(spec.dtype, copy=False)
                       for fan_out in self.sizes[1:]]
        self.z: list[np.ndarray] | None = None
        self.h: list[np.ndarray] | None = None
        self._step_buffers: list[np.ndarray] | None = None  # sgd_step's, made at its first call

    def _lent_weights(self, reuse: "MLP | None") -> tuple[list[np.ndarray], list[Any]]:
        """The leading layers' weights (and generator states) `reuse` can lend: those whose
        weight keys agree, when both networks are seeded and keep their states."""
        if (reuse is None or self.spec.seed is None or self.depth > REUSE_MAX_DEPTH
                or len(reuse._rng_states) != reuse.depth):
            return [], []
        n = 0
        while (n < min(self.depth, reuse.depth)
               and reuse.spec.weight_key(n) == self.spec.weight_key(n)):
            n += 1
        return reuse.weights[:n], reuse._rng_states[:n]

    @property
    def depth(self) -> int:
        """Number of layers L (weight matrices)."""
        return len(self.sizes) - 1

    @property
    def output_activation(self) -> Activation:
        """The activation of the last layer."""
        return self.spec.layer_activation(self.depth - 1)

    @property
    def activations(self) -> list[Activation]:
        """The activation of each layer (the last one may be the output activation)."""
        return list(self._acts)

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
                kind = np.asarray(A).dtype.kind
                if kind not in "iuf":
                    raise TypeError(f"{name}[{l}] must hold real numbers, got dtype "
                                    f"{np.asarray(A).dtype}")

    def _check_input(self, X: Any) -> np.ndarray:
        """X checked (kind, shape, memory cap, then finiteness) and cast to the net's dtype."""
        # Kind and shape first, then the memory cap, and only then the O(size) finiteness scan:
        # a refused huge X costs nothing.
        X = check_array("X", X, finite=False, allow_empty=True)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            hint = " (one number, not a batch of inputs)" if X.ndim == 0 else ""
            raise ValueError(f"X must have shape (batch, {self.sizes[0]}) to match sizes[0], "
                             f"got shape {X.shape}{hint}")
        if X.shape[0] < 1:
            raise ValueError("X must hold at least one example (batch >= 1), got shape "
                             f"{X.shape}")
        fixed, per_example = self._footprint
        _refuse_footprint(fixed + per_example * X.shape[0], self.sizes, X.shape[0])
        if X.dtype.kind == "f" and not np.isfinite(X).all():
            raise ValueError("X must be finite numbers, found nan or inf")
        self._check_params()
        return X.astype(self.spec.dtype, copy=False)

    def _reusable_layers(self, reuse: "MLP | None", h: np.ndarray) -> int:
        """How many leading layers' z and h the last forward pass of `reuse` holds for this
        network and input: same layer keys, the same weight arrays, equal biases."""
        if reuse is None:
            return 0
        if not isinstance(reuse, MLP):
            raise TypeError(f"reuse must be an MLP or None, got {type(reuse).__name__}")
        if reuse.h is None or reuse.h[0].shape != h.shape or not np.array_equal(reuse.h[0], h):
            return 0
        n = 0
        while (n < min(self.depth, reuse.depth)
               and self.spec.layer_key(n) == reuse.spec.layer_key(n)
               and self.weights[n] is reuse.weights[n]
               and np.array_equal(self.biases[n], reuse.biases[n])):
            n += 1
        return n

    def forward(self, X: np.ndarray, *, reuse: "MLP | None" = None) -> np.ndarray:
        """Return the output for a batch X of shape (batch, sizes[0]); keep z and h.

        `reuse`: an earlier network whose last forward pass had the same X: its z and h are
        taken for the leading layers that are the same (the same weight arrays, equal
        biases, the same activation) instead of computed again; identical numbers, less time.
        """
        h = self._check_input(X)
        return self._propagate(h, self._reusable_layers(reuse, h), reuse)

    def forward_trusted(self, X: np.ndarray) -> np.ndarray:
        """`forward` without its checks, for a caller that checked X and the parameters
        once (`train`'s minibatches, cut from a checked X): the same numbers."""
        return self._propagate(X.astype(self.spec.dtype, copy=False), 0, None)

    def _propagate(self, h: np.ndarray, done: int, reuse: "MLP | None") -> np.ndarray:
        """The forward pass from layer `done` on (the layers before it lent by `reuse`)."""
        self.z = reuse.z[:done] if done else []
        self.h = [h] + (reuse.h[1:done + 1] if done else [])
        h = self.h[-1]
        # An exploding network is part of the lesson: let values overflow to inf/nan
        # silently; statistics report from which layer on.
        with np.errstate(all="ignore"):
            for W, b, act in zip(self.weights[done:], self.biases[done:], self._acts[done:]):
                z = h @ W
                z += b
                h = act.fn(z)
                self.z.append(z)
                self.h.append(h)
        return h

    def _check_grad_output(self, grad_output: np.ndarray) -> np.ndarray:
        if self.h is None or self.z is None:
            raise RuntimeError("backward() and sgd_step() need the activations of a forward "
                               "pass: call net.forward(X) first")
        grad_output = check_array("grad_output", grad_output, finite=False, allow_empty=True)
        if grad_output.shape != self.h[-1].shape:
            raise ValueError(f"grad_output must have the output's shape {self.h[-1].shape}, "
                             f"got {grad_output.shape}")
        if grad_output.dtype.kind == "f" and not np.isfinite(grad_output).all():
            raise ValueError("grad_output must be finite numbers, found nan or inf")
        return grad_output.astype(self.dtype, copy=False)

    def _backprop(self, grad_output: np.ndarray, *, input_grad: bool = True
                  ) -> Iterator[tuple[int, np.ndarray, np.ndarray | None]]:
        """The chain rule, top layer down: yield (l, dL/dz_l, dL/dh_(l-1)) for l = L-1 .. 0.

        dL/dz_l = phi_l'(z_l) * dL/dh_l and dL/dh_(l-1) = dL/dz_l W_l^T. The second is computed
        with W_l *before* it is yielded, so a consumer may change W_l at once (`sgd_step`).
        dL/dX (layer 0's) is skipped when input_grad=False: nothing needs it in training.
        """
        gh, acts = grad_output, self._acts
        for l in reversed(range(self.depth)):
            # phi'(z) computed from the stored h where cheaper; then scaled in place
            gz = acts[l].deriv_from_output(self.z[l], self.h[l + 1])
            gz *= gh
            gh = gz @ self.weights[l].T if (l > 0 or input_grad) else None
            yield l, gz, gh

    def backward(self, grad_output: np.ndarray, *, weight_grads: bool = True) -> Gradients:
        """Gradients of L = sum(output * grad_output) for the last forward pass.

        dL/dW_l = h_(l-1)^T dL/dz_l and dL/db_l = sum over the batch of dL/dz_l. With
        weight_grads=False only dL/dz and dL/dh are computed (W and b hold None): the
        signal-propagation probes need no weight gradients, and skip one matmul per layer.
        """
        check_bool("weight_grads", weight_grads)
        grad_output = self._check_grad_output(grad_output)
        L = self.depth
        gW, gb, gz = [None] * L, [None] * L, [None] * L
        gh = [None] * (L + 1)
        gh[L] = grad_output
        with np.errstate(all="ignore"):
            for l, gz[l], gh[l] in self._backprop(grad_output):
                if weight_grads:
                    gW[l] = self.h[l].T @ gz[l]
                    gb[l] = gz[l].sum(axis=0)
        return Gradients(W=gW, b=gb, z=gz, h=gh)

    def sgd_step(self, grad_output: np.ndarray, lr: float) -> None:
        """One SGD update W_l -= lr dL/dW_l, b_l -= lr dL/db_l, for L = sum(output * grad_output)
        of the last forward pass (the same gradients as `backward`, in the same loop).

        Each layer is updated as soon as its gradient is known; the gradient below it was
        already computed with the old W_l (`_backprop`), so the result is that of `backward`
        followed by the update. Less work than that: no dL/dX, and no new (fan_in, fan_out)
        array per layer and step (lr is applied to the small dL/dz, and h^T (lr dL/dz) goes
        into a buffer kept between steps). A test checks it against `backward` for every
        activation.
        """
        lr = check_real("lr", lr, min=0, include_min=False)
        self.sgd_step_trusted(self._check_grad_output(grad_output), lr)

    def sgd_step_trusted(self, grad_output: np.ndarray, lr: float) -> None:
        """`sgd_step` without its checks, for a caller that made grad_output itself from the
        last forward pass and checked lr once (`train`): the same numbers."""
        grad_output = grad_output.astype(self.spec.dtype, copy=False)
        buffers = self._step_buffers
        if buffers is None or any(B.shape != W.shape or B.dtype != W.dtype
                                  for B, W in zip(buffers, self.weights)):
            buffers = self._step_buffers = [np.empty_like(W) for W in self.weights]
        with np.errstate(all="ignore"):
            for l, gz, _ in self._backprop(grad_output, input_grad=False):
                step = gz * lr
                np.matmul(self.h[l].T, step, out=buffers[l])
                self.weights[l] -= buffers[l]
                self.biases[l] -= step.sum(axis=0)


# What the spec decides, read through the network (read-only: a network is one spec).
for _name in ("activation", "init", "gain", "std", "fan_mode", "bias_std",
              "seed", "dtype"):
    setattr(MLP, _name, property(lambda self, _n=_name: getattr(self.spec, _n),
                                 doc=f"`spec.{_name}`"))
del _name
