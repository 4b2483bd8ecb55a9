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
# Other names for the schemes (case is ignored). A bare family name picks its paper's
# distribution: Glorot & Bengio's eq. (16) is uniform, He et al. (2015) drew Gaussians,
# Keras's "lecun" is LeCun normal.
ALIASES: dict[str, str] = {
    "xavier_uniform": "glorot_uniform", "xavier_normal": "glorot_normal",
    "kaiming_uniform": "he_uniform", "kaiming_normal": "he_normal",
    "glorot": "glorot_uniform", "xavier": "glorot_uniform",
    "he": "he_normal", "kaiming": "he_normal", "lecun": "lecun_normal",
}


def canonical_scheme(scheme: str) -> str:
    """Return the canonical name of an init scheme (case-insensitive, resolving `ALIASES`)."""
    return check_choice("init scheme", scheme, SCHEMES, aliases=ALIASES)


FAN_MODES: tuple[str, ...] = ("fan_in", "fan_out")
# The schemes whose scale is one fan (PyTorch's kaiming_* `mode`, Keras' VarianceScaling `mode`);
# Glorot averages the two, "standard" and orthogonal are defined by their own rule.
FAN_MODE_SCHEMES: tuple[str, ...] = ("he_uniform", "he_normal", "lecun_uniform", "lecun_normal")


def fan_mode_arg(fan_mode: str, mode: str | None) -> str:
    """The fan mode given as `fan_mode=` or as its older spelling `mode=` (not both)."""
    if mode is None:
        return fan_mode
    if fan_mode != "fan_in":
        raise TypeError("give the fan mode once: fan_mode= (mode= is its older spelling)")
    return mode


def check_scale(scheme: str, gain: float, std: float | None, fan_mode: str, *,
                fan_name: str = "fan_mode") -> tuple[str, float, float | None, str]:
    """Canonical (scheme, gain, std, fan_mode) of an init, or a clear error for bad input."""
    scheme = canonical_scheme(scheme)
    gain = check_real("gain", gain, min=0)
    fan_mode = check_choice(fan_name, fan_mode, FAN_MODES)
    if fan_mode != "fan_in" and scheme not in FAN_MODE_SCHEMES:
        raise ValueError(f"{fan_name}={fan_mode!r} is only used by {', '.join(FAN_MODE_SCHEMES)}; "
                         f"scheme {scheme!r} has its own rule (leave {fan_name}='fan_in')")
    if scheme == "normal":
        if std is None:
            raise ValueError("std is required for scheme 'normal' (a finite number >= 0: the "
                             "standard deviation of the weights, not their variance)")
        std = check_real("std", std, min=0)
    elif std is not None:
        raise ValueError(f"std is only used by scheme 'normal'; scheme {scheme!r} sets "
                         f"its own scale, got std={std!r} (use gain to rescale)")
    return scheme, gain, std, fan_mode


def weight_std_unchecked(scheme: str, fan_in: int, fan_out: int, gain: float,
                         std: float | None, fan_mode: str) -> float:
    """`weight_std` for arguments already made canonical by `check_scale` (no checks)."""
    fan = fan_in if fan_mode == "fan_in" else fan_out
    base = {  # before the gain (the table above); the products keep the historical rounding
        "normal": lambda: std,
        "standard": lambda: 1.0 / math.sqrt(3.0 * fan_in),
        "glorot": lambda: math.sqrt(2.0 / (fan_in + fan_out)),
        "he": lambda: math.sqrt(2.0 / fan),
        "lecun": lambda: math.sqrt(1.0 / fan),
        "orthogonal": lambda: 1.0 / math.sqrt(max(fan_in, fan_out)),
    }[scheme.split("_")[0]]()
    return gain * base


def weight_std(scheme: str, fan_in: int, fan_out: int, *, gain: float = 1.0,
               std: float | None = None, fan_mode: str = "fan_in",
               mode: str | None = None) -> float:
    """Exact standard deviation of the weights that `init_weights` draws for this scheme.

    `fan_mode` ("fan_in" or "fan_out"; `mode=` is the same, as PyTorch spells it) picks the
    fan of the He and LeCun schemes, as PyTorch's `kaiming_normal_(mode=...)`: fan_in keeps
    the forward second moment, fan_out the backward variance."""
    fan_in, fan_out = check_int("fan_in", fan_in, min=1), check_int("fan_out", fan_out, min=1)
    name = "fan_mode" if mode is None else "mode"
    scale = check_scale(scheme, gain, std, fan_mode_arg(fan_mode, mode), fan_name=name)
    return weight_std_unchecked(scale[0], fan_in, fan_out, *scale[1:])


def _orthogonal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    # QR of a Gaussian matrix, with the signs of R's diagonal folded into Q, gives a
    # Haar-distributed orthogonal matrix (Mezzadri 2007); without the sign fix it is biased.
    big, small = max(fan_in, fan_out), min(fan_in, fan_out)
    A = rng.standard_normal((big, small))
    Q, R = np.linalg.qr(A)
    Q *= np.sign(np.diag(R))
    return Q if fan_in >= fan_out else Q.T


def is_uniform(scheme: str) -> bool:
    """True for the schemes that draw U[-a, a] (canonical names)."""
    return scheme == "standard" or scheme.endswith("_uniform")


def init_weights_unchecked(scheme: str, fan_in: int, fan_out: int, rng: np.random.Generator,
                           gain: float, std: float | None, fan_mode: str) -> np.ndarray:
    """`init_weights` for arguments already made canonical by `check_scale` (no checks)."""
    if scheme == "orthogonal":
        # Columns (or rows) have unit norm, so each entry has second moment 1/max(fans).
        return gain * _orthogonal(fan_in, fan_out, rng)
    s = weight_std_unchecked(scheme, fan_in, fan_out, gain, std, fan_mode)
    if is_uniform(scheme):
        a = math.sqrt(3.0) * s
        return rng.uniform(-a, a, size=(fan_in, fan_out))
    return rng.normal(0.0, s, size=(fan_in, fan_out))


def init_weights(scheme: str, fan_in: int, fan_out: int, *, rng: np.random.Generator,
                 gain: float = 1.0, std: float | None = None, fan_mode: str = "fan_in",
                 mode: str | None = None) -> np.ndarray:
    """Draw a (fan_in, fan_out) weight matrix from `scheme` using the generator `rng`."""
    check_rng("rng", rng)
    fan_in, fan_out = check_int("fan_in", fan_in, min=1), check_int("fan_out", fan_out, min=1)
    name = "fan_mode" if mode is None else "mode"
    scale = check_scale(scheme, gain, std, fan_mode_arg(fan_mode, mode), fan_name=name)
    return init_weights_unchecked(scale[0], fan_in, fan_out, rng, *scale[1:])


def weight_bound(scheme: str, fan_in: int, fan_out: int, *, gain: float = 1.0) -> float:
    """Half-width a of U[-a, a] for a uniform scheme (sqrt(3) times its std)."""
    s = weight_std(scheme, fan_in, fan_out, gain=gain)
    scheme = canonical_scheme(scheme)
    if not is_uniform(scheme):
        raise ValueError(f"scheme {scheme!r} is not uniform; uniform schemes: standard, "
                         "glorot_uniform, he_uniform, lecun_uniform")
    return math.sqrt(3.0) * s
