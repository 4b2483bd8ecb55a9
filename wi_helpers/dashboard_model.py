"""The dashboards' pure computations: which network a dashboard builds (`network_sizes`,
`parse_sizes`, `probe_rng`, `scale_args`), its theory (`theory_prediction`, cached), and what
one dashboard state means, computed once: the status line (`describe`), the figure caption and
the hatched regions are all derived from one `DashboardState` (`state_for`), so they cannot
disagree.

Pure NumPy (the numerics layer): no matplotlib or ipywidgets here.

Overflow is counted where the *shown* numbers leave the float range: a layer whose z or h holds
inf/nan (LayerStats.forward_overflow) or whose second moment E[h_l^2] is inf although every entry
is finite (entries above sqrt(float max) ~ 1.3e154 square to inf). The same for the gradients.
Underflow is LayerStats's: every entry below the float's tiny. (A variance that underflows to 0
while its entries are still normal numbers is not called underflow of the values: the plot
marks it at the bottom edge and the gradient wording says the variance reached 0.)
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .activations import SATURATION_LEVEL
from .init import FAN_MODE_SCHEMES
from .stats import LayerStats
from .theory import (Prediction, chi_1, fixed_point_q, linear_theory, mean_field,
                     scheme_weight_var)

LEVEL_TOL = 0.01  # a per-layer factor within 1 +- 1% is called "level"
VANISH_RATIO = 1e-6  # "vanished": below 1e-6 times the reference layer


def _first(mask: np.ndarray, order) -> int | None:
    for l in order:
        if mask[l]:
            return l
    return None


def _min(*xs: int | None) -> int | None:
    xs = [x for x in xs if x is not None]
    return min(xs) if xs else None


def _max(*xs: int | None) -> int | None:
    xs = [x for x in xs if x is not None]
    return max(xs) if xs else None


# ------------------------------------------------ the networks a dashboard builds (pure NumPy)

SHAPES = ("constant", "bottleneck", "expanding", "custom")
MAX_CUSTOM_LAYERS = 100   # the deepest network a dashboard builds (its depth slider's maximum)
MAX_CUSTOM_WIDTH = 4096   # the widest layer a typed list of sizes may hold


def probe_rng(seed: int) -> np.random.Generator:
    """Generator of the dashboards' probe data (input X, output gradient) for this seed."""
    # A stream of its own (seed, 1), so the probes do not reuse the weights' random numbers.
    return np.random.default_rng([int(seed), 1])


def parse_sizes(text: str) -> list[int]:
    """Layer widths from text such as "784, 256, 256, 10" (ValueError saying what is wrong)."""
    if not isinstance(text, str):
        raise TypeError(f"sizes must be text such as '784, 256, 10', got {type(text).__name__}")
    inner = text.strip().strip("[]()")
    if re.search(r",\s*,|;\s*;|^\s*[,;]|[,;]\s*$", inner):
        raise ValueError(f"sizes: an empty entry between separators in {text!r}; write one width "
                         f"between commas, e.g. '784, 256, 10'")
    parts = [p for p in re.split(r"[,\s;]+", inner) if p]
    if len(parts) < 2:
        raise ValueError(f"sizes needs at least two widths (input and one layer), "
                         f"e.g. '784, 256, 10'; got {text!r}")
    sizes = []
    for p in parts:
        if not re.fullmatch(r"[0-9]+", p):  # ASCII digits only: \d also matches '１０' 
            raise ValueError(f"sizes: {p!r} is not a positive whole number (in {text!r})")
        n = int(p)
        if not 1 <= n <= MAX_CUSTOM_WIDTH:
            raise ValueError(f"sizes: width {n} is outside 1..{MAX_CUSTOM_WIDTH}")
        sizes.append(n)
    if len(sizes) - 1 > MAX_CUSTOM_LAYERS:
        raise ValueError(f"sizes: {len(sizes) - 1} layers; at most {MAX_CUSTOM_LAYERS}")
    return sizes


def network_sizes(shape: str, depth: int, width: int, sizes_text: str = "") -> list[int]:
    """The layer widths n_0..n_L a dashboard builds for a shape (see `SHAPES`).

    constant: n_l = width; bottleneck: width at both ends, narrowing geometrically to width/8
    in the middle; expanding: from width/8 at the input up to width at the output;
    custom: `parse_sizes(sizes_text)`.
    """
    if shape == "custom":
        return parse_sizes(sizes_text)
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    narrow = max(width // 8, 2)
    l = np.arange(depth + 1)
    if shape == "constant":
        return [int(width)] * (depth + 1)
    if shape == "bottleneck":
        t = np.abs(2.0 * l / depth - 1.0)  # 1 at both ends, 0 in the middle
    else:
        t = l / depth
    return [int(round(narrow * (width / narrow) ** float(v))) for v in t]



@dataclass(frozen=True)
class DashboardState:
    """The verdict on one simulated network (and its mean-field fixed point, if known)."""

    depth: int
    forward_overflow: int | None    # first layer l (1..L) whose h_l or E[h_l^2] is not finite
    forward_underflow: int | None   # first layer whose h_l is all below the float's tiny
    backward_overflow: int | None   # first l going down from L whose dL/dh_l or its variance is not finite
    backward_underflow: int | None  # first l going down whose dL/dh_l is all below tiny
    grad_factor: float | None       # geometric mean of Var[dL/dh_{l-1}]/Var[dL/dh_l], l = 1..L
    chi_1: float | None             # per-layer gradient factor at the fixed point (mean field)
    q_star: float | None            # the fixed point of q -> sigma_w^2 E[phi(sqrt q u)^2] + sigma_b^2
    # phi'(c x) = phi'(x) for c > 0 (linear, ReLU, leaky ReLU): chi_1 is the same at every q,
    # so there is no transient towards q*
    scale_free: bool = False
    # the first layer whose entries themselves are inf/nan (LayerStats.forward_overflow /
    # backward_overflow); before it only the second moment (a sum of squares) exceeds float64
    forward_entries_overflow: int | None = None
    backward_entries_overflow: int | None = None

    def forward_regions(self) -> list[tuple[str, float, float, str]]:
        """Layer ranges of the forward panels to hatch: (kind, x_from, x_to, label)."""
        out = []
        L = self.depth
        if self.forward_overflow is not None:
            k = self.forward_overflow
            out.append(("overflow", k - 0.5, L + 0.5, f"overflow from layer {k}"))
        if self.forward_underflow is not None:
            k = self.forward_underflow
            out.append(("underflow", k - 0.5, L + 0.5, f"underflow from layer {k}"))
        return out

    def backward_regions(self) -> list[tuple[str, float, float, str]]:
        """Layer ranges of the gradient panel (layers 0..L) to hatch."""
        out = []
        if self.backward_overflow is not None:
            k = self.backward_overflow
            out.append(("overflow", -0.5, k + 0.5, f"overflow from layer {k} down"))
        if self.backward_underflow is not None:
            k = self.backward_underflow
            out.append(("underflow", -0.5, k + 0.5, f"underflow from layer {k} down"))
        return out

    def float_summary(self) -> str:
        """One line on overflow and underflow (caption and status say exactly this)."""
        def overflow(entries: str, moment: str, k: int, m: int | None, down: str, last: int | None) -> str:
            # k: first layer whose moment overflows; m: first whose entries do (None: none do)
            if m == k:
                return f"{entries} overflow (inf/nan) from layer {k}{down}"
            return (f"{moment} overflows float64 from layer {k}{down} (the entries "
                    + (f"stay finite {'down' if down else 'up'} to layer {last})" if m is not None
                       else "stay finite)"))

        parts = []
        if self.forward_overflow is not None:
            m = self.forward_entries_overflow or None  # layer 0 would be the input: never
            parts.append(overflow("activations", "E[h_l²]", self.forward_overflow, m, "",
                                  None if m is None else m - 1))
        if self.forward_underflow is not None:
            parts.append(f"activations vanish below float precision from layer {self.forward_underflow}")
        if self.backward_overflow is not None:
            m = self.backward_entries_overflow
            parts.append(overflow("gradients dL/dh", "Var[dL/dh_l]", self.backward_overflow, m, " down",
                                  None if m is None else m + 1))
        if self.backward_underflow is not None:
            parts.append(f"gradients dL/dh vanish below float precision from layer "
                         f"{self.backward_underflow} down")
        return "; ".join(parts) if parts else "all values finite and above float precision"


def dashboard_state(stats: LayerStats, *, chi_1: float | None = None,
                    q_star: float | None = None) -> DashboardState:
    """The one verdict the status, caption and hatching of a dashboard are derived from."""
    L = stats.depth
    with np.errstate(all="ignore"):
        bad_h = ~np.isfinite(np.asarray(stats.h_m2, float)) | ~np.isfinite(np.asarray(stats.z_m2, float))
        bad_g = ~np.isfinite(np.asarray(stats.grad_h_var, float))
    fo = _min(stats.forward_overflow, None if _first(bad_h, range(L)) is None
              else _first(bad_h, range(L)) + 1)
    bo = _max(stats.backward_overflow, _first(bad_g, range(L, -1, -1)))
    fu, bu = stats.forward_underflow, stats.backward_underflow
    g = np.asarray(stats.grad_h_var, float)
    factor = None
    with np.errstate(all="ignore"):
        if bo is None and bu is None and L > 0 and np.isfinite(g[0]) and np.isfinite(g[-1]) and g[0] > 0 and g[-1] > 0:
            # in logs: the ratio of the ends can underflow although both ends are positive
            factor = float(math.exp((math.log(g[0]) - math.log(g[-1])) / L))
    return DashboardState(L, fo, fu, bo, bu, factor,
                          None if chi_1 is None else float(chi_1),
                          None if q_star is None else float(q_star),
                          scale_free=stats.activation in ("linear", "relu", "leaky_relu"),
                          forward_entries_overflow=stats.forward_overflow,
                          backward_entries_overflow=stats.backward_overflow)


def _num(x: float) -> str:
    if x == 0:
        return "0"
    return f"{x:.2g}" if 1e-2 <= abs(x) < 1e3 else f"{x:.1e}"


def _direction(x: float) -> int:
    """-1 shrinking, 0 level, +1 growing (per layer, within LEVEL_TOL)."""
    return -1 if x < 1 - LEVEL_TOL else 1 if x > 1 + LEVEL_TOL else 0


def _chi_phase(c: float) -> str:
    if c < 1 - LEVEL_TOL:
        return "ordered" if c < 0.9 else "slightly ordered"
    if c > 1 + LEVEL_TOL:
        return "chaotic" if c > 1.1 else "slightly chaotic"
    return "edge of chaos"


def measured_text(state: DashboardState) -> str:
    """What the gradient panel shows, per layer and over the network, in words."""
    L = state.depth
    if state.backward_overflow is not None:
        return (f"measured: gradients grow out of the float range (inf from layer "
                f"{state.backward_overflow} down)")
    f = state.grad_factor
    if f is None:
        if state.backward_underflow is not None:
            return (f"measured: gradients vanish below float precision (from layer "
                    f"{state.backward_underflow} down)")
        return ("measured: gradients shrink until Var[∂L/∂h_l] underflows to 0 "
                "(below 1e-308) towards the input")
    total = f ** L
    over = f"over {L} layer{'s' if L != 1 else ''}"
    if abs(f - 1) <= LEVEL_TOL:
        return f"measured: gradients stay nearly level (×{f:.3f} per layer, ×{_num(total)} {over})"
    verb = "shrink" if f < 1 else "grow"
    return f"measured: gradients {verb} ×{f:.3g} per layer (×{_num(total)} {over})"


def phase_text(state: DashboardState) -> str:
    """The measured per-layer factor and, if known, chi_1 at the fixed point, in one sentence."""
    text = measured_text(state)
    c, q = state.chi_1, state.q_star
    if c is None or not np.isfinite(c):
        return text + "."
    where = "at the fixed point" + ("" if q is None else
                                    f" q* = {_num(q) if np.isfinite(q) else 'inf'}")
    text += f"; {where}, χ₁ = {c:.3g} ({_chi_phase(c)})"
    f = state.grad_factor
    if f is not None and _direction(f) != _direction(c):
        if state.scale_free:
            # chi_1 holds at every q here: what differs is one finite network's spread
            text += "; the difference is this finite network's spread (smaller when wider)"
        else:
            # chi_1 holds only once q_l has reached q*; a short network started from q = 1 has not
            text += f"; the {state.depth} layers shown have not reached q* yet"
    return text + "."


# ------------------------------------------------- the theory and the status line


@lru_cache(maxsize=256)
def theory_prediction(kind: str, sizes: tuple[int, ...], activation: str,
                      weight_var: tuple[float, ...], bias_var: float, batch: int) -> Prediction | None:
    """The theory a dashboard draws ("mean_field", "linear" or "off": None), cached by its
    inputs (toggling the theory or moving back to a setting costs nothing)."""
    if kind == "off":
        return None
    if kind == "linear":
        return linear_theory(list(sizes), list(weight_var), batch=batch)
    return mean_field(list(sizes), activation, list(weight_var), bias_var=bias_var, batch=batch)


@lru_cache(maxsize=256)
def cached_chi_1(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """`theory.chi_1`, cached (the status line asks for it on every update)."""
    return chi_1(activation, sigma_w2, sigma_b2)


@lru_cache(maxsize=256)
def cached_q_star(activation: str, sigma_w2: float, sigma_b2: float) -> float:
    """`theory.fixed_point_q`, cached."""
    return fixed_point_q(activation, sigma_w2, sigma_b2)


def fmt_number(x: float) -> str:
    """A ratio or variance as the status line prints it (inf, nan and an underflowed 0 named)."""
    if not np.isfinite(x):
        return "inf" if x > 0 else "nan"
    if x == 0:
        return "0 (underflow: below 1e-308)"
    return f"{x:.2g}" if 1e-2 <= abs(x) < 1e3 else f"{x:.1e}"


def first_below(values: np.ndarray, reference: float, order) -> int | None:
    """The first layer l, in `order` ((l, value) pairs), whose value is below VANISH_RATIO x
    `reference`; None if none is."""
    with np.errstate(all="ignore"):
        for l, v in order:
            if np.isfinite(v) and v < VANISH_RATIO * reference:
                return l
    return None


def describe_sizes(sizes: list[int]) -> str:
    """"10 layers of width 256", or the widths in order (the longest lists shortened)."""
    if len(set(sizes)) == 1:
        return f"{len(sizes) - 1} layers of width {sizes[0]}"
    shown = sizes if len(sizes) <= 9 else sizes[:4] + ["…"] + sizes[-4:]
    return f"{len(sizes) - 1} layers, widths {' → '.join(map(str, shown))}"


def scale_args(p: dict[str, Any]) -> dict[str, Any]:
    """The init's scale settings that are in use: std only for init = normal, the fan mode
    only for the He and LeCun schemes (the others have their own rule)."""
    return dict(gain=p["gain"], std=p["std"] if p["init"] == "normal" else None,
                mode=p["fan_mode"] if p["init"] in FAN_MODE_SCHEMES else "fan_in")


def uniform_sigma_w2(p: dict[str, Any], sizes: list[int]) -> float | None:
    """n Var[W] when every layer has the same width (one chi_1 for the network), else None."""
    if len(set(sizes)) != 1:
        return None
    wv = scheme_weight_var(sizes, p["init"], **scale_args(p))
    return float(sizes[0] * wv[0])


def state_for(p: dict[str, Any], sizes: list[int], stats: LayerStats) -> DashboardState:
    """The one verdict status, caption and hatching share (chi_1 and q* with mean-field theory)."""
    s2 = uniform_sigma_w2(p, sizes)
    c = q = None
    if p["theory"] == "mean_field" and s2 is not None:
        c = cached_chi_1(p["activation"], round(s2, 12), round(p["bias"] ** 2, 12))
        q = cached_q_star(p["activation"], round(s2, 12), round(p["bias"] ** 2, 12))
        if q > 1e100:  # unbounded phi above sigma_w^2 = 1/E[phi'^2]: q_l grows without bound
            q = float("inf")
        elif q < 1e-100:  # ... or shrinks to 0
            q = 0.0
    return dashboard_state(stats, chi_1=c, q_star=q)


def describe(p: dict[str, Any], sizes: list[int], stats: LayerStats,
             prediction: Prediction | None, state: DashboardState | None = None) -> list[str]:
    """The status sentences (plain text, one per line): what is shown, the verdict, then details.

    Every statement on overflow, underflow and the gradient trend comes from `state`, the object
    the figure's caption and hatched regions are drawn from.
    """
    state = state_for(p, sizes, stats) if state is None else state
    L = stats.depth
    scale = "" if p["init"] != "normal" else f" σ={p['std']:.3g}"
    if p["init"] in FAN_MODE_SCHEMES:
        scale = f" ({p['fan_mode']})"
    gain = "" if p["gain"] == 1.0 else f" × gain {p['gain']:.2f}"
    bias = "" if p["bias"] == 0 else f", bias std {p['bias']:.2f}"
    lines = [f"{describe_sizes(sizes)}: {p['activation']}, init {p['init']}{scale}{gain}{bias}, "
             f"batch {p['batch']}, seed {p['seed']}."]
    flags = state.float_summary()
    verdict = phase_text(state)
    verdict = verdict[0].upper() + verdict[1:]
    if any(v is not None for v in (state.forward_overflow, state.forward_underflow,
                                   state.backward_overflow, state.backward_underflow)):
        verdict = f"Float range: {flags}. {verdict}"
    lines.append(verdict)
    # details (collapsed in the widget)
    h1 = stats.h_m2[0]
    if state.forward_overflow is not None:
        fwd = f"Activations: E[h_l²] overflows (inf) from layer {state.forward_overflow}."
    else:
        k = first_below(stats.h_m2, h1, ((l + 1, v) for l, v in enumerate(stats.h_m2)))
        with np.errstate(all="ignore"):
            ratio = stats.h_m2[-1] / h1 if h1 > 0 else float("nan")
        fwd = (f"Activations: E[h_L²]/E[h_1²] = {fmt_number(ratio)}; "
               + (f"E[h_l²] falls below 10⁻⁶ × E[h_1²] (relative to layer 1) at layer {k}."
                  if k is not None else "no layer falls below 10⁻⁶ × E[h_1²] (relative to layer 1)."))
    lines.append(fwd)
    gL, g0 = stats.grad_h_var[-1], stats.grad_h_var[0]
    with np.errstate(all="ignore"):
        ratio = g0 / gL if gL > 0 else float("nan")
    bwd = f"Gradients: Var[∂L/∂h_0]/Var[∂L/∂h_L] = {fmt_number(ratio)} (input vs output)"
    if prediction is not None:
        with np.errstate(all="ignore"):
            t_ratio = prediction.grad_h_var[0] / prediction.grad_h_var[-1]
        bwd += f"; theory ({prediction.name}) {fmt_number(t_ratio)}"
    if state.backward_overflow is not None:
        bwd += f"; Var[∂L/∂h_l] overflows (inf) from layer {state.backward_overflow} down"
    else:
        k = first_below(stats.grad_h_var, gL, ((l, stats.grad_h_var[l]) for l in range(L, -1, -1)))
        if k is not None:
            bwd += f"; Var[∂L/∂h_l] falls below 10⁻⁶ × Var[∂L/∂h_L] (relative to the output) at layer {k}"
    lines.append(bwd + ".")
    sat = float(np.mean(stats.saturation))
    if p["activation"] == "leaky_relu":
        # leaky units are never dead: on the negative side they pass gradient with slope a
        lines.append(f"Units on the negative side (z ≤ 0 on the whole batch, passing gradient "
                     f"only with the small leak slope): {100 * sat:.1f}% on average over layers.")
    elif p["activation"] == "relu":
        lines.append(f"Dead units (z ≤ 0 on the whole batch): {100 * sat:.1f}% on average over layers.")
    elif p["activation"] == "linear":
        lines.append("Saturation: none (the identity never saturates).")
    else:
        lines.append(f"Saturation (|h − c| > {SATURATION_LEVEL}·h_max): {100 * sat:.1f}% of the "
                     f"activations (examples × units) on average over layers.")
    if prediction is not None:
        s2 = uniform_sigma_w2(p, sizes)
        if s2 is None:
            lines.append("Theory: with unequal widths each layer has its own factor "
                         "(fan_in ≠ fan_out), so no single χ₁; compare the dashed lines.")
        elif p["theory"] == "linear":
            lines.append(f"Theory (linear regime): each layer multiplies the variances by "
                         f"n·Var[W] = {s2:.3g}.")
        else:
            lines.append(f"Theory (mean field): σ_w² = n·Var[W] = {s2:.3g}; χ₁ is the per-layer "
                         "gradient factor once q_l has reached q* (deep networks).")
    return lines
