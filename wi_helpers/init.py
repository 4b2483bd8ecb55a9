"""Weight initialization schemes, in the (fan_in, fan_out) layout of z = h @ W + b.

Every scheme is a zero-mean distribution fixed by one number, its standard deviation:

| scheme         | std before `gain`                 | known as                                  |
|----------------|-----------------------------------|-------------------------------------------|
| normal         | `std` (given)                     | N(0, std^2)                               |
| standard       | 1/sqrt(3 fan_in)                  | Glorot & Bengio eq. (1): U[-1/sqrt(n), 1/sqrt(n)]; PyTorch nn.Linear's default |
| glorot_*       | sqrt(2/(fan_in + fan_out))        | Xavier / Glorot, eq. (16); Keras GlorotUniform |
| he_*           | sqrt(2/fan_in)                    | Kaiming / He (mode fan_in, ReLU); Keras HeNormal |
| lecun_*        | sqrt(1/fan_in)                    | LeCun et al. (1998) "Efficient BackProp"  |
| orthogonal     | 1/sqrt(max(fan_in, fan_out))      | Saxe et al. (2013): W.T @ W = I (or W @ W.T = I) |

`*_uniform` draws U[-a, a] with a = sqrt(3) * std (since Var U(-a, a) = a^2/3);
`*_normal` draws an untruncated N(0, std^2) (Keras truncates at 2 std and rescales; the
variance is the same). `gain` multiplies the std, as in PyTorch.
"""
from __future__ import annotations

import math

import numpy as np

from .validation import check_choice, check_int, check_real, check_rng

SCHEMES: tuple[str, ...] = (
    "normal", "standard", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
    "lecun_uniform", "lecun_normal", "orthogonal",
)
_ALIASES = {
    "xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal",
    "kaiming_uniform": "he_uniform", "kaiming_normal": "he_normal",
}


def canonical_scheme(scheme: str) -> str:
    """Return the canonical name of an init scheme (resolving xavier_/kaiming_ aliases)."""
    return check_choice("init scheme", scheme, SCHEMES, aliases=_ALIASES)


FAN_MODES: tuple[str, ...] = ("fan_in", "fan_out")
# The schemes whose scale is one fan (PyTorch's kaiming_* `mode`, Keras' VarianceScaling `mode`);
# Glorot averages the two, "standard" and orthogonal are defined by their own rule.
FAN_MODE_SCHEMES: tuple[str, ...] = ("he_uniform", "he_normal", "lecun_uniform", "lecun_normal")


def weight_std(scheme: str, fan_in: int, fan_out: int, *, gain: float = 1.0,
               std: float | None = None, mode: str = "fan_in") -> float:
    """Exact standard deviation of the weights that `init_weights` draws for this scheme.

    `mode` ("fan_in" or "fan_out") picks the fan of the He and LeCun schemes, as PyTorch's
    `kaiming_normal_(mode=...)`: fan_in keeps the forward second moment, fan_out the
    backward variance."""
    scheme = canonical_scheme(scheme)
    fan_in, fan_out = check_int("fan_in", fan_in, min=1), check_int("fan_out", fan_out, min=1)
    gain = check_real("gain", gain, min=0)
    mode = check_choice("mode", mode, FAN_MODES)
    if mode != "fan_in" and scheme not in FAN_MODE_SCHEMES:
        raise ValueError(f"mode={mode!r} is only used by {', '.join(FAN_MODE_SCHEMES)}; scheme "
                         f"{scheme!r} has its own rule (leave mode='fan_in')")
    fan = fan_in if mode == "fan_in" else fan_out
    if scheme == "normal":
        if std is None:
            raise ValueError("std is required for scheme 'normal' (a finite number >= 0)")
        base = check_real("std", std, min=0)
    else:
        if std is not None:
            raise ValueError(f"std is only used by scheme 'normal'; scheme {scheme!r} sets "
                             f"its own scale, got std={std!r} (use gain to rescale)")
        family = scheme.split("_")[0]
        base = {
            "standard": 1.0 / math.sqrt(3.0 * fan_in),
            "glorot": math.sqrt(2.0 / (fan_in + fan_out)),
            "he": math.sqrt(2.0 / fan),
            "lecun": math.sqrt(1.0 / fan),
            "orthogonal": 1.0 / math.sqrt(max(fan_in, fan_out)),
        }[family]
    return gain * base


def _orthogonal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    # QR of a Gaussian matrix, with the signs of R's diagonal folded into Q, gives a
    # Haar-distributed orthogonal matrix (Mezzadri 2007); without the sign fix it is biased.
    big, small = max(fan_in, fan_out), min(fan_in, fan_out)
    A = rng.standard_normal((big, small))
    Q, R = np.linalg.qr(A)
    Q *= np.sign(np.diag(R))
    return Q if fan_in >= fan_out else Q.T


def init_weights(scheme: str, fan_in: int, fan_out: int, *, rng: np.random.Generator,
                 gain: float = 1.0, std: float | None = None, mode: str = "fan_in") -> np.ndarray:
    """Draw a (fan_in, fan_out) weight matrix from `scheme` using the generator `rng`."""
    check_rng("rng", rng)
    s = weight_std(scheme, fan_in, fan_out, gain=gain, std=std, mode=mode)
    scheme = canonical_scheme(scheme)
    if scheme == "orthogonal":
        # Columns (or rows) have unit norm, so each entry has second moment 1/max(fans).
        return gain * _orthogonal(fan_in, fan_out, rng)
    if scheme == "standard" or scheme.endswith("_uniform"):
        a = math.sqrt(3.0) * s
        return rng.uniform(-a, a, size=(fan_in, fan_out))
    return rng.normal(0.0, s, size=(fan_in, fan_out))


def weight_bound(scheme: str, fan_in: int, fan_out: int, *, gain: float = 1.0) -> float:
    """Half-width a of U[-a, a] for a uniform scheme (sqrt(3) times its std)."""
    s = weight_std(scheme, fan_in, fan_out, gain=gain)
    scheme = canonical_scheme(scheme)
    if not (scheme == "standard" or scheme.endswith("_uniform")):
        raise ValueError(f"scheme {scheme!r} is not uniform; uniform schemes: standard, "
                         "glorot_uniform, he_uniform, lecun_uniform")
    return math.sqrt(3.0) * s
