"""Lesson helpers of notebook 11 (width and μP): the initial-loss check at width."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..parametrization import forward, init_network
from ..validation import check_int, check_real


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy of integer labels under softmax(logits), computed stably."""
    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels)
    if logits.ndim != 2 or labels.shape != (logits.shape[0],):
        raise ValueError(f"logits must be (batch, K) and labels (batch,), got "
                         f"{logits.shape} and {labels.shape}")
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(labels)), labels].mean())


def initial_loss(width: int, n_classes: int, readout_scale: float, rng: np.random.Generator,
                 *, d_in: int = 32, batch: int = 512, hidden_layers: int = 2) -> float:
    """Cross-entropy at init of a tanh network (SP init, 1/fan_in everywhere) whose readout
    weights are multiplied by `readout_scale`, on random inputs and uniform random labels."""
    width = check_int("width", width, min=1)
    n_classes = check_int("n_classes", n_classes, min=2)
    readout_scale = check_real("readout_scale", readout_scale, min=0)
    sizes = [d_in] + [width] * hidden_layers + [n_classes]
    Ws = init_network("sp", sizes, rng)
    Ws[-1] *= readout_scale
    X = rng.standard_normal((batch, d_in))
    labels = rng.integers(0, n_classes, batch)
    _, hs = forward(Ws, X)
    return softmax_cross_entropy(hs[-1], labels)


def output_scale_at_init(parametrization: str, widths: Sequence[int], rng: np.random.Generator,
                         *, d_in: int = 32, batch: int = 256) -> np.ndarray:
    """Mean |f| at init of a two-hidden-layer tanh network with one output, per width."""
    X = rng.standard_normal((batch, d_in))
    out = []
    for n in widths:
        Ws = init_network(parametrization, [d_in, int(n), int(n), 1], rng)
        out.append(np.mean(np.abs(forward(Ws, X)[1][-1])))
    return np.array(out)
