"""`NetworkSpec`: one frozen, hashable value that says which network `MLP` builds.

Everything that decides the numbers of a network lives here, checked and canonicalized once
(in `__post_init__`, so `NetworkSpec(...)` and `dataclasses.replace(spec, ...)` both check):
names are case-insensitive and aliases are resolved ("Xavier" -> "glorot_uniform", "he" ->
"he_normal", "logistic" -> "sigmoid"), so two specs are equal exactly when they build the same
network. `MLP(sizes, activation=..., ...)` builds one (`net.spec`); `MLP.from_spec(spec)` takes
one; `mean_field(spec)` and `linear_theory(spec)` predict for one; a dashboard keys its caches
on one.

Adding an option (a residual scale, a normalization, a parametrization):
1. add a field here with a neutral default, checked in `__post_init__`. Its `metadata` says
   whether it changes the weights drawn (`DRAW: True`, the default: the safe choice) or only
   what a layer computes with them (`DRAW: False`, like the activation and the bias std);
   `weight_key` and `layer_key` are derived from the fields, so reuse and caches see the new
   field with no other change;
2. one branch in `MLP.forward`/`backward`;
3. one row in the controls of the dashboard that shows it.
Until step 2 is done, a non-neutral value is refused (`NotImplementedError`, see `_NOT_YET`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Sequence

import numpy as np

from .activations import Activation, get_activation
from .init import FAN_MODE_SCHEMES, canonical_scheme, check_scale, weight_std_unchecked
from .validation import check_float_dtype, check_real, check_seed, short_repr

# The deepest network accepted. Each layer costs Python objects besides its numbers, and a
# loop over a million layers takes seconds; the series never goes beyond a few hundred.
MAX_DEPTH = 10_000

DRAW = "changes_the_weights"  # field metadata key: does this option change the weights drawn?

# Options reserved for the next notebooks: (field, neutral value, the notebook that adds it).
_NOT_YET = (
    ("parametrization", "standard", "width and muP"),
)
# The residual options (notebook 10), built by `residual.ResidualMLP`, refused by `MLP`.
NORMALIZATIONS = (None, "batch", "layer")
NORM_POSITIONS = ("pre", "post")
BRANCH_LAYERS = (1, 2)


def check_sizes(sizes: object) -> list[int]:
    """Validate a list of layer widths (at least two positive integers) and return it."""
    if isinstance(sizes, NetworkSpec):
        raise TypeError("sizes must be a sequence of layer widths; for a NetworkSpec use "
                        "MLP.from_spec(spec) (or spec.sizes)")
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) and not (
            isinstance(sizes, np.ndarray) and sizes.ndim == 1):
        raise TypeError(f"sizes must be a sequence of layer widths such as [784, 256, 10], "
                        f"got {type(sizes).__name__} {short_repr(sizes)}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must hold at least 2 widths (input and one layer), "
                         f"got {short_repr(sizes)}")
    if len(sizes) > MAX_DEPTH + 1:  # refused before looking at a million entries
        raise ValueError(f"sizes must hold at most {MAX_DEPTH + 1} widths (the limit is "
                         f"MAX_DEPTH = {MAX_DEPTH} layers), got {len(sizes)}")
    # (is_int inlined: one call per layer would be most of the checks of a deep network)
    out = [int(n) if (type(n) is int or isinstance(n, np.integer)) and n >= 1 else None
           for n in sizes]
    if None in out:
        i = out.index(None)
        raise ValueError(f"sizes[{i}] must be a positive integer, got {short_repr(sizes[i])} "
                         f"in sizes={short_repr(list(sizes))}")
    return out


@dataclass(frozen=True)
class NetworkSpec:
    """Which network: widths, activation, init scheme and scale, biases, seed and dtype.

    Field values are canonical after construction: `sizes` a tuple of ints, `activation` and
    `output_activation` `Activation` objects (`output_activation` None when it is the hidden
    one; `layer_activation(l)` gives each layer's),
    `init` a name of `init.SCHEMES`, `std` None unless init is "normal", `fan_mode` "fan_in"
    or "fan_out", `dtype` a numpy dtype.
    """

    sizes: tuple[int, ...]
    activation: Activation | str = field(default="tanh", metadata={DRAW: False})
    init: str = "glorot_uniform"
    gain: float = 1.0
    std: float | None = None
    fan_mode: str = "fan_in"
    bias_std: float = field(default=0.0, metadata={DRAW: False})
    output_activation: Activation | str | None = field(default=None, metadata={DRAW: False})
    seed: int | None = None
    dtype: Any = np.float64
    # Residual networks (notebook 10, `residual.ResidualMLP`): alpha of h + alpha F(h), None
    # for a plain network; the normalization (None, "batch" statistics or "layer"), placed
    # "pre" (inside the branch, before each activation) or "post" (after the addition); the
    # number of activation+linear layers in a branch.
    residual_scale: float | None = field(default=None, metadata={DRAW: False})
    normalization: str | None = field(default=None, metadata={DRAW: False})
    # Reserved for the next notebooks (neutral values only until they are implemented).
    parametrization: str = "standard"
    norm_position: str = field(default="pre", metadata={DRAW: False})
    branch_layers: int = 1

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: canonical values are written once, here
        set_(self, "sizes", tuple(check_sizes(self.sizes)))
        act = get_activation(self.activation)
        set_(self, "activation", act)
        out = None if self.output_activation is None else get_activation(self.output_activation)
        # None: the output layer has the hidden activation (and follows it under replace())
        set_(self, "output_activation", None if out == act else out)
        init, gain, std, fan_mode = check_scale(self.init, self.gain, self.std, self.fan_mode,
                                                fan_name="fan_mode")
        for name, value in (("init", init), ("gain", gain), ("std", std), ("fan_mode", fan_mode)):
            set_(self, name, value)
        set_(self, "bias_std", check_real("bias_std", self.bias_std, min=0))
        set_(self, "seed", check_seed("seed", self.seed))
        set_(self, "dtype", check_float_dtype("dtype", self.dtype))
        if self.residual_scale is not None:
            set_(self, "residual_scale", check_real("residual_scale", self.residual_scale))
        norm = self.normalization
        norm = norm.strip().lower() if isinstance(norm, str) else norm
        if norm not in NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {NORMALIZATIONS}, got "
                             f"{short_repr(self.normalization)}")
        set_(self, "normalization", norm)
        pos = self.norm_position
        pos = pos.strip().lower() if isinstance(pos, str) else pos
        if pos not in NORM_POSITIONS:
            raise ValueError(f"norm_position must be one of {NORM_POSITIONS}, got "
                             f"{short_repr(self.norm_position)}")
        set_(self, "norm_position", pos)
        if type(self.branch_layers) is bool or self.branch_layers not in BRANCH_LAYERS:
            raise ValueError(f"branch_layers must be one of {BRANCH_LAYERS}, got "
                             f"{short_repr(self.branch_layers)}")
        set_(self, "branch_layers", int(self.branch_layers))
        for name, neutral, topic in _NOT_YET:
            if getattr(self, name) != neutral:
                raise NotImplementedError(f"{name}={short_repr(getattr(self, name))} is not "
                                          f"implemented yet (it comes with the {topic} "
                                          f"notebook); leave {name}={neutral!r}")
        # The options every layer shares, split by whether they change the weights drawn
        # (not fields: equality and hashing use the fields alone).
        draw, other = [], []
        for f in fields(self):
            if f.name not in ("sizes", "activation", "output_activation"):
                (draw if f.metadata.get(DRAW, True) else other).append(getattr(self, f.name))
        set_(self, "_draw_options", tuple(draw))
        set_(self, "_other_options", tuple(other))

    @classmethod
    def relaxed(cls, sizes: Sequence[int], **options: Any) -> "NetworkSpec":
        """Like `NetworkSpec(sizes, **options)`, but a `std` or `fan_mode` the init scheme
        does not use is dropped instead of refused (a dashboard keeps its std slider's value
        while init is not "normal")."""
        init = canonical_scheme(options.get("init", "glorot_uniform"))
        if init != "normal":
            options["std"] = None
        if init not in FAN_MODE_SCHEMES:
            options["fan_mode"] = "fan_in"
        return cls(sizes, **options)

    @property
    def depth(self) -> int:
        """Number of layers L (weight matrices)."""
        return len(self.sizes) - 1

    def layer_activation(self, l: int) -> Activation:
        """The activation of layer l (0-based; the last layer's is the output activation)."""
        if l == self.depth - 1 and self.output_activation is not None:
            return self.output_activation
        return self.activation

    def weight_key(self, l: int) -> tuple:
        """What decides the weights of layer l (0-based) once layers 0..l-1 agree.

        The draws continue one generator layer after layer, so the weights of layers 0..l of
        two specs are the same numbers exactly when their keys 0..l are equal: compare them
        in order from layer 0 and stop at the first difference.
        """
        return (self.sizes[l], self.sizes[l + 1]) + self._draw_options

    def layer_key(self, l: int) -> tuple:
        """What decides the forward pass of layer l (0-based) once layers 0..l-1 agree:
        its weights' key, its activation and every other option."""
        return self.weight_key(l) + (self.layer_activation(l),) + self._other_options

    @property
    def is_plain_mlp(self) -> bool:
        """True when `MLP` builds this network (no residual option set)."""
        return (self.residual_scale is None and self.normalization is None
                and self.branch_layers == 1 and self.norm_position == "pre")

    def weight_var(self) -> np.ndarray:
        """Var[W_l] of each layer (l = 1..L), as `theory.scheme_weight_var` computes it."""
        return np.array([weight_std_unchecked(self.init, a, b, self.gain, self.std,
                                              self.fan_mode) ** 2
                         for a, b in zip(self.sizes[:-1], self.sizes[1:])])
