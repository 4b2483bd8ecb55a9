"""The dashboards' pure computations: which network a dashboard builds (`network_sizes`,
`parse_sizes`, `probe_rng`) and what one dashboard state means, computed once: the status
line, the figure caption and the hatched regions are all derived from one `DashboardState`,
so they cannot disagree.

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

import numpy as np

from .stats import LayerStats

LEVEL_TOL = 0.01  # a per-layer factor within 1 +- 1% is called "level"


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
