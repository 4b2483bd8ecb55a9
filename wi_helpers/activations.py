"""Activation functions phi(z) with their derivatives, safe for every finite input.

Each activation also knows how to compute its derivative from its own output h = phi(z)
when that is cheaper (tanh' = 1 - h^2, sigma' = h (1 - h)): the backward pass uses it and
saves one transcendental function per unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .validation import check_choice

Array = np.ndarray

LECUN_A, LECUN_B = 1.7159, 2.0 / 3.0  # LeCun et al. (1998): f(x) = 1.7159 tanh(2x/3)
LEAKY_SLOPE = 0.01


def sigmoid(z: Array) -> Array:
    """The logistic sigma(z) = 1/(1 + exp(-z)), without overflow and with precise tails."""
    # 1/(1+exp(-z)) overflows exp for z << 0. With e = exp(-|z|) <= 1 both branches are
    # safe, and the tail sigma(z) = e/(1+e) keeps its relative precision (sigma(-40) = 4e-18,
    # not 0, as 0.5*(1+tanh(z/2)) would give).
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


# The old private name, still imported by lessons/nb03.py until it uses `sigmoid`.
_sigmoid = sigmoid


def _sigmoid_d(z: Array) -> Array:
    return _sigmoid_d_h(z, sigmoid(z))


def _tanh_d(z: Array) -> Array:
    return _tanh_d_h(z, np.tanh(z))


def _tanh_d_h(z: Array, h: Array) -> Array:
    d = h * h  # written in place: the backward pass calls this on every layer
    return np.subtract(1.0, d, out=d)


def _sigmoid_d_h(z: Array, h: Array) -> Array:
    d = np.subtract(1.0, h)
    d *= h
    return d


def _lecun(z: Array) -> Array:
    return LECUN_A * np.tanh(LECUN_B * z)


def _lecun_d(z: Array) -> Array:
    t = np.tanh(LECUN_B * z)
    return LECUN_A * LECUN_B * (1.0 - t * t)


def _softsign(z: Array) -> Array:
    return z / (1.0 + np.abs(z))


def _softsign_d(z: Array) -> Array:
    # 1/(1+|z|)^2 written as a product so that |z| near the float maximum does not
    # overflow when squared.
    r = 1.0 / (1.0 + np.abs(z))
    return r * r


def _relu(z: Array) -> Array:
    return np.maximum(z, 0.0)


def _relu_d(z: Array) -> Array:
    return (z > 0).astype(z.dtype)  # 0 at the kink z = 0, as in PyTorch


def _leaky(z: Array) -> Array:
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def _leaky_d(z: Array) -> Array:
    return np.where(z > 0, 1.0, LEAKY_SLOPE).astype(z.dtype)


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity phi with its derivative and saturation rule."""

    name: str
    fn: Callable[[Array], Array]
    deriv: Callable[[Array], Array]
    # derivative from (z, h=phi(z)); lets backward skip recomputing phi
    deriv_from_output: Callable[[Array, Array], Array]
    # h_max: size of the asymptote (saturating activations) or None
    h_max: float | None
    # offset subtracted before comparing |h - offset| with h_max (0.5 for the logistic)
    h_offset: float = 0.0

    def __call__(self, z: Array) -> Array:
        return self.fn(z)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


_ACTIVATIONS = {
    "linear": Activation("linear", lambda z: z, lambda z: np.ones_like(z),
                         lambda z, h: np.ones_like(z), None),
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_d, _sigmoid_d_h, 0.5, h_offset=0.5),
    "tanh": Activation("tanh", np.tanh, _tanh_d, _tanh_d_h, 1.0),
    "lecun_tanh": Activation("lecun_tanh", _lecun, _lecun_d,
                             lambda z, h: LECUN_B * (LECUN_A - h * h / LECUN_A), LECUN_A),
    "softsign": Activation("softsign", _softsign, _softsign_d,
                           lambda z, h: _softsign_d(z), 1.0),
    "relu": Activation("relu", _relu, _relu_d, lambda z, h: _relu_d(z), None),
    "leaky_relu": Activation("leaky_relu", _leaky, _leaky_d, lambda z, h: _leaky_d(z), None),
}
ALIASES: dict[str, str] = {"logistic": "sigmoid"}  # other names (case is ignored)

ACTIVATIONS: tuple[str, ...] = tuple(_ACTIVATIONS)


def get_activation(name: str | Activation) -> Activation:
    """Return the Activation called `name` (an Activation passes through unchanged)."""
    if isinstance(name, Activation):
        return name
    key = check_choice("activation", name, ACTIVATIONS, aliases=ALIASES)
    return _ACTIVATIONS[key]


# A saturating unit counts as saturated when its output is within 3% of the half-range from
# an asymptote: |tanh| > 0.97, i.e. its slope is below 6% of the slope at 0 (makemore's
# "|h| > 0.97"; Glorot & Bengio's Fig. 3 plots 98th percentiles instead). The logistic is a
# shifted, halved tanh (sigma(z) = (1 + tanh(z/2))/2), so the same rule reads sigma < 0.015
# or sigma > 0.985.
SATURATION_LEVEL = 0.97


def saturation_fraction(act: Activation | str, z: Array, h: Array) -> float:
    """Fraction of saturated activations (within 3% of the half-range from an asymptote); ReLU: dead units.

    Saturating activations (sigmoid, tanh, lecun_tanh, softsign): the fraction of all
    (example, unit) entries with |h - offset| > 0.97 * h_max. ReLU and leaky ReLU have no
    upper asymptote: a unit is *dead* when z <= 0 for every example of the batch, and the
    fraction of dead units is returned. The identity never saturates (0.0).
    """
    act = get_activation(act)
    if act.name in ("relu", "leaky_relu"):
        if z.shape[0] == 0:
            return 0.0
        return float(np.mean(np.all(z <= 0, axis=0)))
    if act.h_max is None or h.size == 0:
        return 0.0
    # two comparisons into small boolean arrays: no float temporaries (h - offset, |.|)
    hi = act.h_offset + SATURATION_LEVEL * act.h_max
    lo = act.h_offset - SATURATION_LEVEL * act.h_max
    return (np.count_nonzero(h > hi) + np.count_nonzero(h < lo)) / h.size
